package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func TestStore_CreateRequest(t *testing.T) {
	t.Parallel()
	t.Run("SubmittedWithDueDate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
		r := b.request(t, a, "Communications with ICE", "2017-03-27")
		require.Equal(t, sunshine.StatusSubmitted, r.Status)
		require.Equal(t, "us-ca", r.Jurisdiction)
		require.Equal(t, "2017-04-06", r.DueOn.String())

		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, "2017-04-06", got.DueOn.String())
		require.Equal(t, "Sacramento County Sheriff's Department", got.AgencyName)
		require.Equal(t, "America/Los_Angeles", got.TimeZone)
		require.Equal(t, []string{}, got.Tags)
		require.Equal(t, b.fx.Admin.ID, *got.CreatedBy)

		es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		require.Len(t, es, 2)
		require.Equal(t, sunshine.EventCreated, es[0].Kind)
		require.Equal(t, sunshine.EventDeadlineComputed, es[1].Kind)
		var data struct {
			DueOn string   `json:"due_on"`
			Steps []string `json:"steps"`
		}
		require.NoError(t, json.Unmarshal(es[1].Data, &data))
		require.Equal(t, "2017-04-06", data.DueOn)
		require.Contains(t, data.Steps, "Due Thu 6 Apr 2017.")
	})
	t.Run("DraftHasNoClock", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.request(t, b.agency(t, "Agency", "us-ca"), "Draft", "")
		require.Equal(t, sunshine.StatusDraft, r.Status)
		require.True(t, r.DueOn.IsZero())
	})
	t.Run("NoStatutoryDate", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.request(t, b.agency(t, "Miami-Dade Police", "us-fl"), "Records", "2017-03-27")
		require.True(t, r.DueOn.IsZero())
		require.Equal(t, sunshine.StatusSubmitted, r.Status)
	})
	t.Run("ErrOtherOrgsAgency", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		other := storetest.Org(t, b.s, "other")
		a := &sunshine.Agency{Name: "Theirs", Jurisdiction: "us-ca"}
		require.NoError(t, b.s.CreateAgency(other.Ctx, a))
		err := b.s.CreateRequest(b.ctx, &sunshine.Request{AgencyID: a.ID, Title: "x", DeliveryMethod: sunshine.DeliveryEmail})
		requireField(t, err, sunshine.EInvalid, "agency_id")
	})
	t.Run("ErrTexasBeforeRule", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.agency(t, "Austin PD", "us-tx")
		err := b.s.CreateRequest(b.ctx, &sunshine.Request{AgencyID: a.ID, Title: "x", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")})
		requireField(t, err, sunshine.EUnprocessable, "received_on")
		require.Contains(t, err.Error(), "2023-09-01")
		// Nothing written: the engine refused before the insert.
		rs, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{})
		require.NoError(t, err)
		require.Empty(t, rs)
	})
	t.Run("ErrValidation", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		err := b.s.CreateRequest(b.ctx, &sunshine.Request{Title: " ", DeliveryMethod: "pigeon"})
		var e *sunshine.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, sunshine.EInvalid, e.Code)
		require.ElementsMatch(t, []string{"title", "delivery_method"}, fieldNames(e))
	})
}

// A create writes its row, its timeline and its reminder schedule in one
// statement: each part is checked here, as the database holds it.
func TestStore_CreateRequestWritesTimelineAndSchedule(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "create")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2017-03-27"), AssigneeID: &fx.Admin.ID}
	require.NoError(t, s.CreateRequest(fx.Ctx, r))

	es, _, err := s.FindEvents(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, es, 2)
	for i, want := range []struct {
		kind sunshine.EventKind
		on   string
	}{{sunshine.EventCreated, "2017-03-27"}, {sunshine.EventDeadlineComputed, "2017-04-06"}} {
		require.Equal(t, want.kind, es[i].Kind, "event %d, in order", i)
		require.Equal(t, want.on, es[i].EffectiveOn.String())
		require.Equal(t, fx.Admin.ID, *es[i].ActorID)
	}
	var created struct {
		Status       string `json:"status"`
		AgencyID     string `json:"agency_id"`
		Jurisdiction string `json:"jurisdiction"`
	}
	require.NoError(t, json.Unmarshal(es[0].Data, &created))
	require.Equal(t, "submitted", created.Status)
	require.Equal(t, a.ID, created.AgencyID)
	require.Equal(t, "us-ca", created.Jurisdiction)

	// Due Thu 6 Apr 2017; the default policy reminds 3 and 1 business days before.
	var sch struct {
		Soon    string `db:"soon_dates"`
		Overdue string `db:"overdue_from"`
		Next    string `db:"next_remind_on"`
	}
	require.NoError(t, db.Get(&sch, `SELECT soon_dates::text, overdue_from::text, next_remind_on::text
		FROM reminder_schedule WHERE request_id = $1 AND org_id = $2`, r.ID, fx.Org.ID))
	require.Equal(t, "{2017-04-03,2017-04-05}", sch.Soon)
	require.Equal(t, "2017-04-07", sch.Overdue)
	require.Equal(t, "2017-04-03", sch.Next)

	got, err := s.FindRequestByID(fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, fx.Admin.Email, *got.AssigneeEmail)

	// The list joins the assignee too; an unassigned request has none.
	other := &sunshine.Request{AgencyID: a.ID, Title: "Unassigned", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, s.CreateRequest(fx.Ctx, other))
	list, _, err := s.FindRequests(fx.Ctx, sunshine.RequestFilter{})
	require.NoError(t, err)
	emails := map[string]*string{}
	for _, x := range list {
		emails[x.ID] = x.AssigneeEmail
	}
	require.Len(t, emails, 2)
	require.Equal(t, fx.Admin.Email, *emails[r.ID])
	require.Nil(t, emails[other.ID])
}

func TestStore_CreateRequestChecksAssignee(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	other := storetest.Org(t, b.s, "other")
	for _, tc := range []struct {
		name, assignee string
		ok             bool
	}{
		{"own user", b.fx.Admin.ID, true},
		{"another organization's user", other.Admin.ID, false},
		{"no such user", "00000000-0000-4000-8000-000000000000", false},
		{"not a UUID", "admin", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &sunshine.Request{AgencyID: a.ID, Title: tc.name, DeliveryMethod: sunshine.DeliveryEmail, AssigneeID: &tc.assignee}
			err := b.s.CreateRequest(b.ctx, r)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			requireField(t, err, sunshine.EInvalid, "assignee_id")
			require.Empty(t, r.ID, "nothing written")
		})
	}
}

func requireField(t *testing.T, err error, code sunshine.Code, field string) {
	t.Helper()
	var e *sunshine.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, e.Message)
	require.Contains(t, fieldNames(e), field)
}

func fieldNames(e *sunshine.Error) []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestStore_Tenancy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "Mine", "2017-03-27")
	other := storetest.Org(t, b.s, "other")

	_, err := b.s.FindRequestByID(other.Ctx, r.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.FindAgencyByID(other.Ctx, a.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, _, err = b.s.FindEvents(other.Ctx, r.ID, store.All, "")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.TransitionRequest(other.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	title := "stolen"
	_, err = b.s.UpdateRequest(other.Ctx, r.ID, sunshine.RequestUpdate{Title: &title})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	rs, _, err := b.s.FindRequests(other.Ctx, sunshine.RequestFilter{})
	require.NoError(t, err)
	require.Empty(t, rs)
	_, err = b.s.FindRequestByID(b.ctx, "not-a-uuid")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}

// An agency that asked for a fee and never answered the objection: the
// requester appeals from awaiting_requester. The pause ends on the appeal's
// date and the original due date no longer counts (superseded).
func TestStore_AppealWithoutAnAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "FBI", "us-federal")
	r := b.request(t, a, "Files", "2017-03-27")
	r, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester, EffectiveOn: d("2017-03-29")})
	require.NoError(t, err)
	require.True(t, r.Paused())

	b.clk.Set(time.Date(2017, 5, 10, 15, 0, 0, 0, time.UTC))
	r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAppealed, EffectiveOn: d("2017-05-10"), Note: "fee waiver refused"})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAppealed, r.Status)
	require.False(t, r.Paused())
	require.Equal(t, d("2017-05-10"), r.Pauses[0].To)
	require.True(t, r.DueSuperseded(), "no due-date reminders until the appeal's date is set")

	// Silence, then court: a request never answered goes to litigation.
	r2 := b.request(t, a, "Other files", "2017-03-27")
	r2, err = b.s.TransitionRequest(b.ctx, r2.ID, sunshine.TransitionInput{To: sunshine.StatusInLitigation, EffectiveOn: d("2017-05-10")})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusInLitigation, r2.Status)
}

// A draft never sent can be withdrawn or abandoned (it has no receipt
// date), and stays closed.
func TestStore_DraftWithdrawnOrAbandoned(t *testing.T) {
	t.Parallel()
	for _, to := range []sunshine.Status{sunshine.StatusWithdrawn, sunshine.StatusAbandoned} {
		t.Run(string(to), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.request(t, b.agency(t, "FBI", "us-federal"), "Files", "")
			require.Equal(t, sunshine.StatusDraft, r.Status)
			r, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: to, Note: "sent another way"})
			require.NoError(t, err)
			require.Equal(t, to, r.Status)
			require.True(t, r.ReceivedOn.IsZero())
			require.Equal(t, "2017-04-05", r.ClosedOn.String())
			require.True(t, r.DueOn.IsZero())
			_, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusSubmitted, ReceivedOn: d("2017-04-05")})
			require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "final: %v", err)
		})
	}
}

func TestStore_TransitionsAndPauses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "FBI", "us-federal")
	r := b.request(t, a, "Files", "2017-03-27")
	require.Equal(t, "2017-04-24", r.DueOn.String())

	r, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: d("2017-03-28")})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAcknowledged, r.Status)

	// The agency asks for clarification on 29 March: the FOIA clock stops.
	r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester, EffectiveOn: d("2017-03-29"), Note: "clarify date range"})
	require.NoError(t, err)
	require.True(t, r.Paused())
	require.True(t, r.DueOn.IsZero(), "no due date while the clock is stopped")

	// We answer on 3 April: counting resumes on the 4th.
	r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: d("2017-04-03")})
	require.NoError(t, err)
	require.False(t, r.Paused())
	require.Equal(t, "2017-04-28", r.DueOn.String())
	require.Len(t, r.Pauses, 1)

	// Illegal transition: 409 naming the allowed targets.
	_, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusDraft})
	var e *sunshine.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, sunshine.EConflict, e.Code)
	require.Contains(t, e.Allowed, sunshine.StatusAwaitingRequester)

	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusDenied, EffectiveOn: d("2017-04-20")})
	require.NoError(t, err)
	require.Equal(t, "2017-04-20", r.ClosedOn.String())

	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var kinds []sunshine.EventKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	require.Equal(t, []sunshine.EventKind{
		sunshine.EventCreated, sunshine.EventDeadlineComputed,
		sunshine.EventStatusChanged,
		sunshine.EventPaused, sunshine.EventStatusChanged, sunshine.EventDeadlineComputed,
		sunshine.EventResumed, sunshine.EventStatusChanged, sunshine.EventDeadlineComputed,
		sunshine.EventStatusChanged,
	}, kinds)
}

// Reads carry the request's pauses, closed and open, oldest first: the
// same as the transition that made them reports.
func TestStore_ReadsPauses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	r := b.request(t, b.agency(t, "FBI", "us-federal"), "Files", "2017-03-27")
	for _, step := range []struct {
		to sunshine.Status
		on string
	}{
		{sunshine.StatusAwaitingRequester, "2017-03-29"},
		{sunshine.StatusAcknowledged, "2017-04-03"},
		{sunshine.StatusAwaitingRequester, "2017-04-10"},
	} {
		var err error
		r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: step.to, EffectiveOn: d(step.on)})
		require.NoError(t, err)
	}
	require.Len(t, r.Pauses, 2)
	require.Equal(t, "2017-03-29", r.Pauses[0].From.String())
	require.False(t, r.Pauses[0].Open())
	require.Equal(t, "2017-04-10", r.Pauses[1].From.String())
	require.True(t, r.Pauses[1].Open())

	got, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, r.Pauses, got.Pauses, "by ID")
	list, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, r.Pauses, list[0].Pauses, "in a list")
}

func TestStore_SubmitDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "Draft", "")
	_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusSubmitted})
	requireField(t, err, sunshine.EInvalid, "received_on")

	r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusSubmitted, ReceivedOn: d("2017-03-27")})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusSubmitted, r.Status)
	require.Equal(t, "2017-04-06", r.DueOn.String())
}

func TestStore_Extension(t *testing.T) {
	t.Parallel()
	t.Run("California", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
		r, err := b.s.ExtendRequest(b.ctx, r.ID, d("2017-04-03"), "unusual circumstances: records at another facility")
		require.NoError(t, err)
		require.True(t, r.Extended)
		require.Equal(t, "2017-04-20", r.DueOn.String())
		_, err = b.s.ExtendRequest(b.ctx, r.ID, d("2017-04-04"), "again")
		require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err))
	})
	// An extension recorded by mistake is taken back: the due date is the
	// law's again, reminders follow it, and the timeline keeps both entries.
	t.Run("Undone", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
		_, err := b.s.UndoExtension(b.ctx, r.ID, "")
		require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "not extended")
		_, err = b.s.ExtendRequest(b.ctx, r.ID, d("2017-04-03"), "")
		require.NoError(t, err)
		_, err = b.s.UndoExtension(b.ctx, r.ID, strings.Repeat("é", 2001))
		requireField(t, err, sunshine.EInvalid, "reason")

		r, err = b.s.UndoExtension(b.ctx, r.ID, "recorded on the wrong request")
		require.NoError(t, err)
		require.False(t, r.Extended)
		require.True(t, r.ExtensionInvokedOn.IsZero())
		require.Equal(t, "2017-04-06", r.DueOn.String(), "the CPRA's 10 days again")
		es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		kinds := []sunshine.EventKind{}
		for _, e := range es {
			kinds = append(kinds, e.Kind)
		}
		require.Contains(t, kinds, sunshine.EventExtended, "the extension's entry stays")
		i := slices.Index(kinds, sunshine.EventExtensionUndone)
		require.NotEqual(t, -1, i)
		require.Equal(t, "recorded on the wrong request", es[i].Note)
		require.JSONEq(t, `{"invoked_on":"2017-04-03"}`, string(es[i].Data))
		require.Equal(t, sunshine.EventDeadlineComputed, kinds[len(kinds)-1])

		// It can be invoked again, properly; a closed request keeps its history.
		_, err = b.s.ExtendRequest(b.ctx, r.ID, d("2017-04-04"), "")
		require.NoError(t, err)
		_, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusFulfilled})
		require.NoError(t, err)
		_, err = b.s.UndoExtension(b.ctx, r.ID, "")
		require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "closed")
	})
	// A period that has ended cannot be extended: a notice dated after the
	// original due date is refused, one on that day is not.
	t.Run("TooLate", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, law, received, due, notice, extendedDue string
		}{
			{"Virginia, on the 5th working day", "us-va", "2025-03-03", "2025-03-10", "2025-03-10", "2025-03-19"},
			{"Virginia, ten days late", "us-va", "2025-03-03", "2025-03-10", "2025-03-20", ""},
			{"Pennsylvania, a month late", "us-pa", "2025-03-03", "2025-03-10", "2025-04-01", ""},
			{"Michigan, a day late", "us-mi", "2025-03-03", "2025-03-10", "2025-03-11", ""},
			{"California, on the rolled-forward 10th day", "us-ca", "2017-03-27", "2017-04-06", "2017-04-06", "2017-04-20"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				b.clk.Set(time.Date(2025, 5, 1, 15, 0, 0, 0, time.UTC))
				r := b.request(t, b.agency(t, "Agency", tc.law), "x", tc.received)
				require.Equal(t, tc.due, r.DueOn.String())
				got, err := b.s.ExtendRequest(b.ctx, r.ID, d(tc.notice), "")
				if tc.extendedDue != "" {
					require.NoError(t, err)
					require.Equal(t, tc.extendedDue, got.DueOn.String())
					return
				}
				requireField(t, err, sunshine.EUnprocessable, "invoked_on")
				require.ErrorContains(t, err, "came after the original period ended on "+tc.due)
				got, err = b.s.FindRequestByID(b.ctx, r.ID)
				require.NoError(t, err)
				require.False(t, got.Extended)
				require.Equal(t, tc.due, got.DueOn.String(), "unchanged")
			})
		}
	})
	// The agency's late notice is logged, and says in the timeline why it
	// moves nothing; a date it announced becomes the custom due date.
	t.Run("LateNoticeLogged", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.clk.Set(time.Date(2025, 5, 1, 15, 0, 0, 0, time.UTC))
		ag := b.agency(t, "Richmond Police Department", "us-va")
		notice := func(r *sunshine.Request, custom string) *sunshine.Request {
			t.Helper()
			in := sunshine.CommunicationInput{Communication: sunshine.Communication{Direction: sunshine.DirectionIn,
				Channel: "email", Kind: sunshine.KindExtensionNotice, OccurredOn: d("2025-03-20"), Body: "We need 7 more working days."}}
			if custom != "" {
				in.CustomDueOn = d(custom)
			}
			_, got, err := b.s.CreateCommunication(b.ctx, r.ID, in)
			require.NoError(t, err)
			return got
		}
		r := notice(b.request(t, ag, "Use of force", "2025-03-03"), "")
		require.False(t, r.Extended)
		require.Equal(t, "2025-03-10", r.EffectiveDueOn().String(), "the law's date stays")
		es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		last := es[len(es)-1]
		require.Equal(t, sunshine.EventExtensionLate, last.Kind)
		require.Equal(t, "2025-03-20", last.EffectiveOn.String())
		require.JSONEq(t, `{"due_on":"2025-03-10","citation":"Va. Code 2.2-3704(B)(4), by a response within the 5 working days"}`, string(last.Data))

		r = notice(b.request(t, ag, "Body cameras", "2025-03-03"), "2025-03-31")
		require.False(t, r.Extended)
		require.Equal(t, "2025-03-10", r.EffectiveDueOn().String(), "the announced date is not followed on the agency's word")
		require.True(t, r.CustomDueOn.IsZero())
		es, _, err = b.s.FindEvents(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		require.JSONEq(t, `{"due_on":"2025-03-10","announced_on":"2025-03-31","citation":"Va. Code 2.2-3704(B)(4), by a response within the 5 working days"}`, string(es[len(es)-1].Data))
	})
	t.Run("ErrTexasHasNone", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.clk.Set(time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC)) // Texas's rule starts 2023-09-01
		r := b.request(t, b.agency(t, "Austin PD", "us-tx"), "x", "2024-03-04")
		_, err := b.s.ExtendRequest(b.ctx, r.ID, deadline.Date{}, "")
		require.Equal(t, sunshine.EUnprocessable, sunshine.ErrorCode(err))
		require.Contains(t, err.Error(), "Texas Public Information Act")
		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		require.False(t, got.Extended)
	})
}

func TestStore_CustomDueOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	r, err := b.s.SetCustomDueOn(b.ctx, r.ID, d("2017-05-01"), "agreed by phone with the records officer")
	require.NoError(t, err)
	require.Equal(t, "2017-04-06", r.DueOn.String(), "the statutory date is kept")
	require.Equal(t, "2017-05-01", r.EffectiveDueOn().String())
	// The timeline entry is dated the day the date was agreed (today where
	// the agency is), not the future day it names.
	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	last := es[len(es)-1]
	require.Equal(t, sunshine.EventCustomDueSet, last.Kind)
	require.Equal(t, "2017-04-05", last.EffectiveOn.String())
	_, err = b.s.SetCustomDueOn(b.ctx, r.ID, d("2017-03-01"), "")
	requireField(t, err, sunshine.EInvalid, "date")

	// A draft has no clock, so no agreed date either.
	draft := b.request(t, b.agency(t, "Police", "us-ca"), "Draft", "")
	_, err = b.s.SetCustomDueOn(b.ctx, draft.ID, d("2017-05-01"), "")
	requireField(t, err, sunshine.EInvalid, "date")

	// Cleared with a reason: the reason is the timeline's, the request
	// keeps none.
	r, err = b.s.SetCustomDueOn(b.ctx, r.ID, deadline.Date{}, "the agency withdrew the date")
	require.NoError(t, err)
	require.True(t, r.CustomDueOn.IsZero())
	require.Empty(t, r.CustomDueReason)
	es, _, err = b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Equal(t, "the agency withdrew the date", es[len(es)-1].Note)

	// A closed request has no due date to agree on; clearing is allowed.
	_, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusFulfilled})
	require.NoError(t, err)
	_, err = b.s.SetCustomDueOn(b.ctx, r.ID, d("2017-05-01"), "")
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
	_, err = b.s.SetCustomDueOn(b.ctx, r.ID, deadline.Date{}, "")
	require.NoError(t, err)
}

func TestStore_FindRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency(t, "Sheriff", "us-ca")
	fbi := b.agency(t, "FBI", "us-federal")
	r1 := b.request(t, sheriff, "ICE detainers", "2017-03-27")        // due 2017-04-06: overdue on 2017-04-07
	r2 := b.request(t, fbi, "287(g) agreements", "2017-03-27")        // due 2017-04-24
	r3 := b.request(t, sheriff, "Jail population data", "2017-04-03") // due 2017-04-13
	draft := b.request(t, sheriff, "Draft about ICE", "")
	tag := []string{"ICE"}
	signed := "Signed by Sheriff Jose Garcia."
	_, err := b.s.UpdateRequest(b.ctx, r2.ID, sunshine.RequestUpdate{Tags: &tag, AssigneeID: &b.fx.Admin.ID, Description: &signed})
	require.NoError(t, err)
	tracking, named := "CBP-2027-004512", "Bookings of José Pérez, an élève at Grant High."
	_, err = b.s.UpdateRequest(b.ctx, r3.ID, sunshine.RequestUpdate{TrackingNumber: &tracking, Description: &named})
	require.NoError(t, err)

	ids := func(rs []*sunshine.Request) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    sunshine.RequestFilter
		want []string
	}{
		{"ByDueDateDraftsLast", sunshine.RequestFilter{}, []string{r1.ID, r3.ID, r2.ID, draft.ID}},
		{"Agency", sunshine.RequestFilter{AgencyID: fbi.ID}, []string{r2.ID}},
		{"Tag", sunshine.RequestFilter{Tag: "ICE"}, []string{r2.ID}},
		{"TagInAnyCase", sunshine.RequestFilter{Tag: "ice"}, []string{r2.ID}},
		{"Assignee", sunshine.RequestFilter{AssigneeID: b.fx.Admin.ID}, []string{r2.ID}},
		{"Status", sunshine.RequestFilter{Statuses: []sunshine.Status{sunshine.StatusDraft}}, []string{draft.ID}},
		{"DueBefore", sunshine.RequestFilter{DueBefore: d("2017-04-13")}, []string{r1.ID, r3.ID}},
		{"DueAfterExcludesNoDate", sunshine.RequestFilter{DueAfter: d("2017-04-10")}, []string{r3.ID, r2.ID}},
		{"SearchWords", sunshine.RequestFilter{Q: "ICE"}, []string{r1.ID, draft.ID}},
		{"SearchWithoutAccents", sunshine.RequestFilter{Q: "Jose Perez eleve"}, []string{r3.ID}},
		{"SearchWithAccents", sunshine.RequestFilter{Q: "José"}, []string{r3.ID, r2.ID}}, // "José" and "Jose"
		{"SearchTrackingNumber", sunshine.RequestFilter{Q: "CBP-2027-004512"}, []string{r3.ID}},
		{"SearchTrackingNumberDigits", sunshine.RequestFilter{Q: "004512"}, []string{r3.ID}},
		{"SearchTrackingNumberTail", sunshine.RequestFilter{Q: "2027-004512"}, []string{r3.ID}},
		{"SearchOtherTrackingNumber", sunshine.RequestFilter{Q: "CBP-2027-004513"}, []string{}},
		{"OverdueInAgencyZone", sunshine.RequestFilter{Overdue: true}, []string{r1.ID}},
		{"Unassigned", sunshine.RequestFilter{Unassigned: true}, []string{r1.ID, r3.ID, draft.ID}},
		{"UnassignedAndStatus", sunshine.RequestFilter{Unassigned: true, Statuses: []sunshine.Status{sunshine.StatusSubmitted}}, []string{r1.ID, r3.ID}},
		{"UnassignedAndAgency", sunshine.RequestFilter{Unassigned: true, AgencyID: fbi.ID}, []string{}},
		{"Jurisdiction", sunshine.RequestFilter{Jurisdictions: []string{"us-federal"}}, []string{r2.ID}},
		{"Jurisdictions", sunshine.RequestFilter{Jurisdictions: []string{"us-federal", "us-ca", "us-federal"}}, []string{r1.ID, r3.ID, r2.ID, draft.ID}},
		{"JurisdictionNoneUnder", sunshine.RequestFilter{Jurisdictions: []string{"us-ny"}}, []string{}},
		{"JurisdictionAndUnassigned", sunshine.RequestFilter{Jurisdictions: []string{"us-ca"}, Unassigned: true, Statuses: sunshine.OpenStatuses}, []string{r1.ID, r3.ID, draft.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.clk.Set(now.AddDate(0, 0, 2)) // Fri 7 April 2017
			rs, next, err := b.s.FindRequests(b.ctx, tc.f)
			require.NoError(t, err)
			require.Empty(t, next)
			require.Equal(t, tc.want, ids(rs))
		})
	}

	t.Run("Pages", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 5 {
			rs, next, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Limit: 1, After: cursor})
			require.NoError(t, err)
			got = append(got, ids(rs)...)
			if next == "" {
				break
			}
			cursor = next
		}
		require.Equal(t, []string{r1.ID, r3.ID, r2.ID, draft.ID}, got)
	})
	t.Run("ErrBadCursor", func(t *testing.T) {
		_, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{After: "garbage"})
		requireField(t, err, sunshine.EInvalid, "cursor")
	})
	t.Run("ErrUnknownJurisdiction", func(t *testing.T) {
		for _, code := range []string{"us-zz", "US-CA", "us-ca'; --"} {
			_, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Jurisdictions: []string{"us-ca", code}})
			requireField(t, err, sunshine.EInvalid, "jurisdiction")
			require.ErrorContains(t, err, "us-federal", "lists the known codes")
		}
	})
	t.Run("ErrAssigneeAndUnassigned", func(t *testing.T) {
		_, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{AssigneeID: b.fx.Admin.ID, Unassigned: true})
		requireField(t, err, sunshine.EInvalid, "assignee_id")
	})
	// A request keeps the law it was filed under when its agency's changes
	// (Request.Jurisdiction): the filter follows the request's, which its
	// deadline and the lists and exports show.
	t.Run("JurisdictionIsTheRequests", func(t *testing.T) {
		port := b.agency(t, "Port Authority", "us-ny")
		r5 := b.request(t, port, "Port security contracts", "2017-03-27")
		tx := "us-tx"
		_, err := b.s.UpdateAgency(b.ctx, port.ID, sunshine.AgencyUpdate{Jurisdiction: &tx})
		require.NoError(t, err)
		rs, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Jurisdictions: []string{"us-ny"}})
		require.NoError(t, err)
		require.Equal(t, []string{r5.ID}, ids(rs))
		rs, _, err = b.s.FindRequests(b.ctx, sunshine.RequestFilter{Jurisdictions: []string{"us-tx"}})
		require.NoError(t, err)
		require.Empty(t, rs)
	})
}

// The Law filter's choices: the laws of the organization's agencies, and
// of its requests, which keep theirs when their agency's changes; not
// another organization's.
func TestStore_FindJurisdictionsInUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	codes, err := b.s.FindJurisdictionsInUse(b.ctx)
	require.NoError(t, err)
	require.Empty(t, codes)

	b.agency(t, "Sheriff", "us-ca")
	b.agency(t, "Sheriff's Office", "us-ca")
	b.request(t, b.agency(t, "FBI", "us-federal"), "ICE", "2017-03-27")
	port := b.agency(t, "Port Authority", "us-ny")
	b.request(t, port, "Port security contracts", "2017-03-27")
	tx := "us-tx"
	_, err = b.s.UpdateAgency(b.ctx, port.ID, sunshine.AgencyUpdate{Jurisdiction: &tx})
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "other")
	require.NoError(t, b.s.CreateAgency(other.Ctx, &sunshine.Agency{Name: "Seattle PD", Jurisdiction: "us-wa"}))

	codes, err = b.s.FindJurisdictionsInUse(b.ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"us-ca", "us-federal", "us-ny", "us-tx"}, codes)
}

func TestStore_EventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "audit")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, s.CreateRequest(fx.Ctx, r))

	for _, q := range []string{`UPDATE request_events SET note = 'rewritten'`, `DELETE FROM request_events`} {
		_, err := s.DB().Exec(q)
		require.ErrorContains(t, err, "append-only", q)
	}
	es, _, err := s.FindEvents(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, es, 2)
}

// Dates on which something happened cannot be in the future (a day of
// slack for a person ahead of the agency's time zone): a mistyped year
// would otherwise make a deadline decades away. Nothing is changed.
func TestStore_DatesNotInFuture(t *testing.T) {
	t.Parallel()
	// The clock says Wed 5 Apr 2017, 15:00 UTC: 08:00 in Sacramento.
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "ICE", "2017-03-27")
	draft := b.request(t, a, "Draft", "")
	comm, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-04")}})
	require.NoError(t, err)
	future, tomorrow := d("2017-04-07"), d("2017-04-06")
	comm2 := func(on deadline.Date) sunshine.CommunicationInput {
		return sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindFollowUp, OccurredOn: on}}
	}

	for _, tc := range []struct {
		name  string
		field string // "" when the date is allowed
		do    func() error
	}{
		{"received in two days", "received_on", func() error {
			return b.s.CreateRequest(b.ctx, &sunshine.Request{AgencyID: a.ID, Title: "x", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: future})
		}},
		{"sent in two days", "sent_on", func() error {
			return b.s.CreateRequest(b.ctx, &sunshine.Request{AgencyID: a.ID, Title: "x", DeliveryMethod: sunshine.DeliveryEmail, SentOn: future})
		}},
		{"a draft submitted as received in two days", "received_on", func() error {
			_, err := b.s.TransitionRequest(b.ctx, draft.ID, sunshine.TransitionInput{To: sunshine.StatusSubmitted, ReceivedOn: future})
			return err
		}},
		{"withdrawn in two days", "effective_on", func() error {
			_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn, EffectiveOn: future})
			return err
		}},
		{"a letter dated in two days", "occurred_on", func() error {
			_, _, err := b.s.CreateCommunication(b.ctx, r.ID, comm2(future))
			return err
		}},
		{"a letter redated to two days ahead", "occurred_on", func() error {
			_, err := b.s.UpdateCommunication(b.ctx, comm.ID, sunshine.CommunicationUpdate{OccurredOn: &future})
			return err
		}},
		{"an agency reply redated to before receipt", "occurred_on", func() error {
			before := d("2017-03-20")
			_, err := b.s.UpdateCommunication(b.ctx, comm.ID, sunshine.CommunicationUpdate{OccurredOn: &before})
			return err
		}},
		{"an extension noticed in two days", "invoked_on", func() error {
			_, err := b.s.ExtendRequest(b.ctx, r.ID, future, "")
			return err
		}},
		{"tomorrow, the slack day", "", func() error {
			_, _, err := b.s.CreateCommunication(b.ctx, r.ID, comm2(tomorrow))
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			err = tc.do()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			requireField(t, err, sunshine.EInvalid, tc.field)
			after, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, before.Version, after.Version, "nothing changed")
			got, err := b.s.FindCommunicationByID(b.ctx, comm.ID)
			require.NoError(t, err)
			require.Equal(t, "2017-04-04", got.OccurredOn.String())
		})
	}
	t.Run("sent and received in two days", func(t *testing.T) {
		err := b.s.CreateRequest(b.ctx, &sunshine.Request{AgencyID: a.ID, Title: "x", DeliveryMethod: sunshine.DeliveryEmail,
			SentOn: future, ReceivedOn: future})
		var e *sunshine.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, []string{"sent_on", "received_on"}, fieldNames(e), "both named, not the first")
	})
}

// A mistyped receipt date can be corrected: the deadline follows, the
// reminders are rescheduled and the timeline keeps the previous date. A
// correction the request contradicts changes nothing.
func TestStore_CorrectReceiptDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "ICE", "2017-03-28") // mistyped: the agency received it on the 27th
	require.Equal(t, "2017-04-07", r.DueOn.String())

	on := d("2017-03-27")
	r, err := b.s.UpdateRequest(b.ctx, r.ID, sunshine.RequestUpdate{ReceivedOn: &on})
	require.NoError(t, err)
	require.Equal(t, "2017-03-27", r.ReceivedOn.String())
	require.Equal(t, "2017-04-06", r.DueOn.String())
	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var kinds []sunshine.EventKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	require.Equal(t, []sunshine.EventKind{sunshine.EventCreated, sunshine.EventDeadlineComputed, sunshine.EventUpdated, sunshine.EventDeadlineComputed}, kinds)
	require.JSONEq(t, `{"received_on": "2017-03-27", "previous_received_on": "2017-03-28"}`, string(es[2].Data))
	// Due tomorrow (6 April), so today's due-soon reminder is owed.
	n, err := b.s.PlanReminders(b.ctx, now)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	_, _, err = b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: d("2017-03-29")}})
	require.NoError(t, err)
	draft := b.request(t, a, "Draft", "")
	for _, tc := range []struct {
		name, id, received, sent, field string
	}{
		{"after the agency's first reply", r.ID, "2017-03-30", "", "received_on"},
		{"in the future", r.ID, "2017-04-20", "", "received_on"},
		{"sent after it was received", r.ID, "", "2017-03-28", "sent_on"},
		{"received before it was sent", r.ID, "2017-03-26", "2017-03-27", "received_on"},
		{"sent in the future", draft.ID, "", "2017-04-20", "sent_on"},
		{"agency's estimate before the receipt", r.ID, "", "estimate:2017-03-20", "agency_estimated_on"},
		{"a draft's, before it is submitted", draft.ID, "2017-03-27", "", "received_on"},
		{"cleared", r.ID, "zero", "", "received_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := b.s.FindRequestByID(b.ctx, tc.id)
			require.NoError(t, err)
			var upd sunshine.RequestUpdate
			if tc.received == "zero" {
				upd.ReceivedOn = &deadline.Date{}
			} else if tc.received != "" {
				v := d(tc.received)
				upd.ReceivedOn = &v
			}
			switch {
			case strings.HasPrefix(tc.sent, "estimate:"):
				v := d(strings.TrimPrefix(tc.sent, "estimate:"))
				upd.AgencyEstimatedOn = &v
			case tc.sent != "":
				v := d(tc.sent)
				upd.SentOn = &v
			}
			_, err = b.s.UpdateRequest(b.ctx, tc.id, upd)
			requireField(t, err, sunshine.EInvalid, tc.field)
			after, err := b.s.FindRequestByID(b.ctx, tc.id)
			require.NoError(t, err)
			require.Equal(t, before.Version, after.Version, "nothing changed")
		})
	}
}

// Overdue, due today and due within days are counted on each agency's own
// calendar. At 09:30 UTC on 6 April 2017 it is still the 5th in Honolulu,
// the 6th in London, and nearly the 7th on Kiritimati.
func TestStore_FindRequestsAgencyToday(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2017, 4, 6, 9, 30, 0, 0, time.UTC))
	zoned := func(name, zone string) *sunshine.Agency {
		a := &sunshine.Agency{Name: name, Jurisdiction: "us-ca", TimeZone: zone}
		require.NoError(t, b.s.CreateAgency(b.ctx, a))
		return a
	}
	honolulu, london, kiritimati := zoned("Honolulu", "Pacific/Honolulu"), zoned("London", "Europe/London"), zoned("Kiritimati", "Pacific/Kiritimati")
	due := func(a *sunshine.Agency, on string) string {
		r := b.request(t, a, a.Name+" "+on, "2017-03-27")
		_, err := b.s.SetCustomDueOn(b.ctx, r.ID, d(on), "agreed")
		require.NoError(t, err)
		return r.ID
	}
	hToday, lLate, kSoon, hTomorrow := due(honolulu, "2017-04-05"), due(london, "2017-04-05"), due(kiritimati, "2017-04-08"), due(honolulu, "2017-04-06")
	_ = due(kiritimati, "2017-04-15") // eight days out there
	for _, tc := range []struct {
		name string
		f    sunshine.RequestFilter
		want []string
	}{
		{"overdue", sunshine.RequestFilter{Overdue: true}, []string{lLate}},
		{"due today", sunshine.RequestFilter{DueIn: &sunshine.DayRange{From: 0, To: 0}}, []string{hToday}},
		{"due in the next 7 days", sunshine.RequestFilter{DueIn: &sunshine.DayRange{From: 1, To: 7}}, []string{hTomorrow, kSoon}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, _, err := b.s.FindRequests(b.ctx, tc.f)
			require.NoError(t, err)
			var got []string
			for _, r := range rs {
				got = append(got, r.ID)
			}
			require.ElementsMatch(t, tc.want, got)
		})
	}
}

// Input meant for another case is refused, naming the field, not ignored:
// a receipt date given to a submitted request's status change, a resulting
// status on a communication that is no records release, an announced date
// on one that is no extension notice. Nothing changes.
func TestStore_InputForAnotherCaseIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	comm := func(kind sunshine.CommKind, edit func(*sunshine.CommunicationInput)) error {
		in := sunshine.CommunicationInput{Communication: sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email",
			Kind: kind, OccurredOn: d("2017-03-29")}}
		edit(&in)
		_, _, err := b.s.CreateCommunication(b.ctx, r.ID, in)
		return err
	}
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"receipt date on a submitted request's status change", func() error {
			_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, ReceivedOn: d("2017-03-20")})
			return err
		}(), "received_on"},
		{"resulting status on a denial", comm(sunshine.KindDenial, func(in *sunshine.CommunicationInput) {
			in.ResultingStatus = sunshine.StatusNoRecords
		}), "resulting_status"},
		{"announced date on another kind", comm(sunshine.KindOther, func(in *sunshine.CommunicationInput) {
			in.CustomDueOn = d("2017-05-01")
		}), "custom_due_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireField(t, tc.err, sunshine.EInvalid, tc.field)
		})
	}
	after, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, r.Version, after.Version, "nothing changed")
	require.Equal(t, sunshine.StatusSubmitted, after.Status)
	comms, _, err := b.s.FindCommunications(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, comms)
}

// Washington's 5 business days are for a first response, and asking the
// requester to clarify is one (RCW 42.56.520(1)(d)): the request is
// acknowledged, waits on us, and is acknowledged again once we reply, so
// its statutory date is met, not missed. Elsewhere the request returns to
// submitted and its date still counts.
func TestStore_ClarificationRequestAsFirstResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		law, received string
		after         sunshine.Status
		tracked       bool
	}{
		{"us-wa", "2025-03-03", sunshine.StatusAcknowledged, false},
		{"us-ny", "2025-03-03", sunshine.StatusSubmitted, true},
		{"us-ca", "2025-03-03", sunshine.StatusSubmitted, true},
	} {
		t.Run(tc.law, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.clk.Set(time.Date(2025, 3, 17, 18, 0, 0, 0, time.UTC))
			r := b.request(t, b.agency(t, "Agency", tc.law), "Use of force", tc.received)
			log := func(dir sunshine.Direction, kind sunshine.CommKind, on string) *sunshine.Request {
				t.Helper()
				_, got, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
					Direction: dir, Channel: "email", Kind: kind, OccurredOn: d(on)}})
				require.NoError(t, err)
				return got
			}
			got := log(sunshine.DirectionIn, sunshine.KindClarificationRequest, "2025-03-05")
			require.Equal(t, sunshine.StatusAwaitingRequester, got.Status)
			got = log(sunshine.DirectionOut, sunshine.KindFollowUp, "2025-03-14")
			require.Equal(t, tc.after, got.Status)
			require.Equal(t, tc.tracked, got.DueTracked())
			require.Equal(t, tc.tracked, got.Overdue(d("2025-03-17")), "overdue against its first date")
		})
	}
}

// A Washington request that went from submitted straight to waiting on us
// on the agency's clarification request, before that counted as a first
// response (no acknowledged step, no acknowledged_on), is acknowledged as
// of the clarification request once we reply, not submitted and overdue.
// A pause that began otherwise returns to submitted, as before.
func TestStore_ReplyToClarificationPausedBeforeItCounted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, law string
		clarified bool // the pause began with the agency's clarification request
		after     sunshine.Status
		ackOn     string
	}{
		{"washington, clarification request", "us-wa", true, sunshine.StatusAcknowledged, "2025-03-05"},
		{"washington, paused by hand", "us-wa", false, sunshine.StatusSubmitted, ""},
		{"new york, clarification request", "us-ny", true, sunshine.StatusSubmitted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.clk.Set(time.Date(2025, 3, 17, 18, 0, 0, 0, time.UTC))
			r := b.request(t, b.agency(t, "Agency", tc.law), "Use of force", "2025-03-03")
			// As an earlier release left it: submitted, then waiting on us.
			_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester, EffectiveOn: d("2025-03-05")})
			require.NoError(t, err)
			if tc.clarified {
				require.NoError(t, store.Exec(b.s, `INSERT INTO communications (org_id, request_id, direction, channel, kind, occurred_on)
					VALUES ($1, $2, 'in', 'email', 'clarification_request', '2025-03-05')`, r.OrgID, r.ID))
			}
			_, got, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
				Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindFollowUp, OccurredOn: d("2025-03-14")}})
			require.NoError(t, err)
			require.Equal(t, tc.after, got.Status)
			require.Equal(t, tc.ackOn, dateOrEmpty(got.AcknowledgedOn))
			require.Equal(t, tc.after == sunshine.StatusSubmitted, got.DueTracked())
		})
	}
}

func dateOrEmpty(d deadline.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// A changed title's event keeps the title it replaced, as a changed
// tracking number's does, so the timeline can say what it was.
func TestStore_UpdateTitleKeepsPrevious(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "Jail contracts", "2017-03-27")
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name string
		upd  sunshine.RequestUpdate
		want string
	}{
		{"title", sunshine.RequestUpdate{Title: ptr("Jail contracts, 2017")},
			`{"title": "Jail contracts, 2017", "previous_title": "Jail contracts"}`},
		{"description alone", sunshine.RequestUpdate{Description: ptr("Every contract.")},
			`{"description": "Every contract."}`},
		{"the same title, and a description", sunshine.RequestUpdate{Title: ptr("Jail contracts, 2017"), Description: ptr("All of them.")},
			`{"description": "All of them."}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.UpdateRequest(b.ctx, r.ID, tc.upd)
			require.NoError(t, err)
			es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
			require.NoError(t, err)
			last := es[len(es)-1]
			require.Equal(t, sunshine.EventUpdated, last.Kind)
			require.JSONEq(t, tc.want, string(last.Data))
		})
	}
}

// A request in rolling production, under appeal or in litigation has the
// day of its latest move to that status from its timeline, for exports
// that ask for it (the list does not read it).
func TestStore_FindRequestsWithStatusChangedOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	at := func(title string, to sunshine.Status, on string) *sunshine.Request {
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-01")}
		require.NoError(t, b.s.CreateRequestAt(b.ctx, r, sunshine.TransitionInput{To: to, EffectiveOn: d(on)}))
		return r
	}
	move := func(r *sunshine.Request, to sunshine.Status, on string) {
		_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: to, EffectiveOn: d(on)})
		require.NoError(t, err)
	}
	rolling := at("Rolling", sunshine.StatusRollingProduction, "2017-03-10")
	again := at("Rolling again", sunshine.StatusRollingProduction, "2017-03-10")
	move(again, sunshine.StatusAwaitingRequester, "2017-03-15")
	move(again, sunshine.StatusRollingProduction, "2017-03-20")
	appealed := at("Appealed", sunshine.StatusAppealed, "2017-03-11")
	appealedAgain := at("Appealed after a release", sunshine.StatusAppealed, "2017-03-11")
	move(appealedAgain, sunshine.StatusRollingProduction, "2017-03-18")
	move(appealedAgain, sunshine.StatusAppealed, "2017-03-25")
	litigation := at("In court", sunshine.StatusInLitigation, "2017-03-12")
	acked := at("Acknowledged", sunshine.StatusAcknowledged, "2017-03-13")
	denied := at("Denied", sunshine.StatusDenied, "2017-03-14")
	submitted := b.request(t, a, "Submitted", "2017-03-01")

	want := map[string]struct{ changed, since string }{
		rolling.ID:       {"2017-03-10", "2017-03-10"},
		again.ID:         {"2017-03-20", "2017-03-20"}, // the latest move to it
		appealed.ID:      {"2017-03-11", "2017-03-11"},
		appealedAgain.ID: {"2017-03-25", "2017-03-25"},
		litigation.ID:    {"2017-03-12", "2017-03-12"},
		acked.ID:         {"", "2017-03-13"}, // its own column says
		denied.ID:        {"", "2017-03-14"},
		submitted.ID:     {"", ""},
	}
	for _, tc := range []struct {
		name string
		with bool
	}{{"for an export", true}, {"for the list", false}} {
		t.Run(tc.name, func(t *testing.T) {
			rs, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), WithStatusChangedOn: tc.with})
			require.NoError(t, err)
			require.Len(t, rs, len(want))
			for _, r := range rs {
				w := want[r.ID]
				if !tc.with {
					require.True(t, r.StatusChangedOn.IsZero(), r.Title)
					continue
				}
				require.Equal(t, w.changed, r.StatusChangedOn.String(), r.Title)
				require.Equal(t, w.since, r.StatusSince().String(), r.Title)
			}
		})
	}
}
