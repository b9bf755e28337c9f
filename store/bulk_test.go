package store_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// One change made to many requests: each changed one gets its timeline
// entry and its assignee's email, those already so are left alone.
func TestStore_ChangeRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ana, _ := staffOf(t, b.s, b.fx, "ana@ndlon.example")
	a := b.agency(t, "Sheriff", "us-ca")
	booking := b.request(t, a, "Booking records", "2017-03-27")
	ice := b.request(t, a, "ICE emails", "2017-03-28")
	already := b.request(t, a, "Jail contracts", "2017-03-29")
	tags := []string{"ICE"}
	_, err := b.s.UpdateRequest(b.ctx, already.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID, Tags: &tags})
	require.NoError(t, err)
	untouched := b.request(t, a, "Not chosen", "2017-03-29")

	res, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{
		RequestIDs: []string{booking.ID, ice.ID, already.ID, booking.ID},
		AssigneeID: &ana.ID, AddTags: []string{"ice"}, AssignmentNote: "The jail ones.",
	})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{booking.ID, ice.ID}, res.Changed)
	require.Equal(t, []string{already.ID}, res.Unchanged)

	all, _, err := b.s.FindReminders(b.ctx, nil, 200, "")
	require.NoError(t, err)
	for _, tc := range []struct {
		r        *sunshine.Request
		tags     []string
		assigned bool
		emails   int
	}{
		{booking, []string{"ice"}, true, 1},
		{ice, []string{"ice"}, true, 1},
		{already, []string{"ICE"}, true, 1}, // the tag as it was typed first
		{untouched, []string{}, false, 0},
	} {
		got, err := b.s.FindRequestByID(b.ctx, tc.r.ID)
		require.NoError(t, err)
		require.Equal(t, tc.tags, got.Tags, tc.r.Title)
		require.Equal(t, tc.assigned, got.AssigneeID != nil && *got.AssigneeID == ana.ID, tc.r.Title)
		require.Equal(t, tc.emails, assignEvents(t, b.s, b.ctx, got), "%s: assignment entries", tc.r.Title)
		emails := slices.DeleteFunc(slices.Clone(all), func(m *sunshine.Reminder) bool {
			return m.Kind != sunshine.ReminderAssigned || *m.RequestID != tc.r.ID || m.RecipientID != ana.ID
		})
		require.Len(t, emails, tc.emails, "%s: assignment emails", tc.r.Title)
		for _, m := range emails {
			by, note, err := b.s.Assignment(b.ctx, m.ID)
			require.NoError(t, err)
			require.Equal(t, "Admin of ndlon", by)
			// The note went only with the assignments this change made.
			require.Equal(t, map[bool]string{true: "", false: "The jail ones."}[tc.r == already], note, tc.r.Title)
		}
	}

	// Removing a tag compares without case; watching is the caller's.
	watch := true
	res, err = b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{booking.ID, already.ID}, RemoveTags: []string{"Ice"}, Watch: &watch})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{booking.ID, already.ID}, res.Changed)
	for _, r := range []*sunshine.Request{booking, already} {
		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		require.Empty(t, got.Tags)
		ws, err := b.s.Watchers(b.ctx, r.ID)
		require.NoError(t, err)
		require.Len(t, ws, 1)
		require.Equal(t, b.fx.Admin.ID, ws[0].ID)
	}
	watch = false
	res, err = b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{booking.ID, ice.ID}, Watch: &watch})
	require.NoError(t, err)
	require.Equal(t, []string{booking.ID}, res.Changed, "ice was not watched")
	require.Equal(t, []string{ice.ID}, res.Unchanged)
}

// A change one request cannot take changes none of them, and says which.
func TestStore_ChangeRequestsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	first := b.request(t, a, "Booking records", "2017-03-27")
	full := b.request(t, a, "Many tags", "2017-03-27")
	var twenty []string
	for i := range 20 {
		twenty = append(twenty, string(rune('a'+i)))
	}
	_, err := b.s.UpdateRequest(b.ctx, full.ID, sunshine.RequestUpdate{Tags: &twenty})
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "other")
	oa := &sunshine.Agency{Name: "Other sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, oa))
	theirs := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, b.s.CreateRequest(other.Ctx, theirs))

	for _, tc := range []struct {
		name      string
		ids       []string
		code      sunshine.Code
		field     string
		wantInMsg string
	}{
		{"another organization's request", []string{first.ID, theirs.ID}, sunshine.ENotFound, "", theirs.ID},
		{"unknown request", []string{first.ID, "00000000-0000-4000-8000-000000000000"}, sunshine.ENotFound, "", "00000000-0000-4000-8000-000000000000"},
		{"a 21st tag", []string{first.ID, full.ID}, sunshine.EInvalid, "add_tags", "“Many tags”: at most 20 tags"},
		{"not an ID", []string{first.ID, "booking"}, sunshine.EInvalid, "request_ids", `"booking" is not a request ID`},
		{"none", nil, sunshine.EInvalid, "request_ids", "choose at least one request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: tc.ids, AddTags: []string{"foia-2017"}})
			require.Equal(t, tc.code, sunshine.ErrorCode(err), "%v", err)
			if tc.field != "" {
				var e *sunshine.Error
				require.ErrorAs(t, err, &e)
				fields := e.Fields
				require.Len(t, fields, 1)
				require.Equal(t, tc.field, fields[0].Field)
				require.Contains(t, fields[0].Message, tc.wantInMsg)
			} else {
				require.Contains(t, sunshine.ErrorMessage(err), tc.wantInMsg)
			}
			got, err := b.s.FindRequestByID(b.ctx, first.ID)
			require.NoError(t, err)
			require.Empty(t, got.Tags, "the first request is unchanged")
			theirsNow, err := b.s.FindRequestByID(other.Ctx, theirs.ID)
			require.NoError(t, err)
			require.Empty(t, theirsNow.Tags)
		})
	}
}

// Closing many requests at once: each open one moves to the status with
// its timeline entry; one in it already is left;
// one that cannot move to it refuses the whole change, naming it.
func TestStore_ChangeRequestsClose(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	open := b.request(t, a, "Booking records", "2017-03-27")
	draft := b.request(t, a, "Never sent", "")
	withdrawn := b.request(t, a, "Withdrawn already", "2017-03-27")
	denied := b.request(t, a, "Denied", "2017-03-27")
	for r, to := range map[*sunshine.Request]sunshine.Status{withdrawn: sunshine.StatusWithdrawn, denied: sunshine.StatusDenied} {
		_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: to})
		require.NoError(t, err)
	}
	to := sunshine.StatusWithdrawn

	_, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{open.ID, denied.ID}, Close: &to})
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
	require.Contains(t, sunshine.ErrorMessage(err), "“Denied”")
	got, err := b.s.FindRequestByID(b.ctx, open.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusSubmitted, got.Status, "nothing changed")

	res, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{open.ID, draft.ID, withdrawn.ID},
		Close: &to, CloseNote: "The campaign ended."})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{open.ID, draft.ID}, res.Changed)
	require.Equal(t, []string{withdrawn.ID}, res.Unchanged)
	for _, r := range []*sunshine.Request{open, draft} {
		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, sunshine.StatusWithdrawn, got.Status, r.Title)
		require.Equal(t, "2017-04-05", got.ClosedOn.String(), "today, the agency's")
		events, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
		require.NoError(t, err)
		last := events[len(events)-1]
		require.Equal(t, sunshine.EventStatusChanged, last.Kind)
		require.Equal(t, "The campaign ended.", last.Note)
	}
}

// Many requests' automatic follow-ups turn on together, signed by the
// caller, or off; one that takes none (its agency without an email
// address, or closed) refuses them all, naming it; those so already are
// unchanged.
func TestStore_ChangeRequestsAutoFollowUps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca", Email: "records@sheriff.example"}
	require.NoError(t, b.s.CreateAgency(b.ctx, a))
	one := b.request(t, a, "Booking records", "2017-03-27")
	two := b.request(t, a, "Jail contracts", "2017-03-27")
	noEmail := b.request(t, b.agency(t, "Police", "us-ca"), "Arrests", "2017-03-27")
	every := func(n int) *int { return &n }

	_, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{one.ID, noEmail.ID}, AutoFollowUpDays: every(14)})
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
	require.Contains(t, sunshine.ErrorMessage(err), "“Arrests”")
	got, err := b.s.FindAutoFollowUp(b.ctx, one.ID)
	require.NoError(t, err)
	require.Nil(t, got, "nothing changed")
	_, err = b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{one.ID}, AutoFollowUpDays: every(5)})
	requireField(t, err, sunshine.EInvalid, "auto_follow_up_days")
	withdrawn := sunshine.StatusWithdrawn
	_, err = b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{one.ID}, AutoFollowUpDays: every(14), Close: &withdrawn})
	requireField(t, err, sunshine.EInvalid, "auto_follow_up_days")

	_, err = b.s.SetAutoFollowUp(b.ctx, two.ID, 30)
	require.NoError(t, err)
	res, err := b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{one.ID, two.ID}, AutoFollowUpDays: every(30)})
	require.NoError(t, err)
	require.Equal(t, []string{one.ID}, res.Changed)
	require.Equal(t, []string{two.ID}, res.Unchanged, "so already")
	for _, r := range []*sunshine.Request{one, two} {
		got, err := b.s.FindAutoFollowUp(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, 30, got.EveryDays)
		require.Equal(t, b.fx.Admin.ID, got.SignerID)
	}

	res, err = b.s.ChangeRequests(b.ctx, sunshine.BulkChange{RequestIDs: []string{one.ID, two.ID, noEmail.ID}, AutoFollowUpDays: every(0)})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{one.ID, two.ID}, res.Changed)
	require.Equal(t, []string{noEmail.ID}, res.Unchanged, "had none")
	got, err = b.s.FindAutoFollowUp(b.ctx, one.ID)
	require.NoError(t, err)
	require.Nil(t, got)
}
