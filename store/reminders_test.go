package store_test

import (
	"context"
	"crypto/sha256"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A planned reminder goes to the assignee and the watchers; to every admin
// of the organization only when nobody is assigned or watching.
func TestStore_PlanRemindersRecipients(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "recipients")
	user := func(email string, role sunshine.Role) *sunshine.User {
		u := &sunshine.User{Email: email, Name: email, Role: role}
		require.NoError(t, s.CreateUser(fx.Ctx, u))
		return u
	}
	admin2 := user("second-admin@recipients.example", sunshine.RoleAdmin)
	staff := user("staff@recipients.example", sunshine.RoleStaff)
	viewer := user("viewer@recipients.example", sunshine.RoleViewer)
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))

	// Each request is due tomorrow (6 April 2017): one due_soon reminder today.
	cases := []struct {
		name     string
		assignee *sunshine.User
		watchers []*sunshine.User
		want     []*sunshine.User
	}{
		{"nobody assigned or watching: every admin", nil, nil, []*sunshine.User{fx.Admin, admin2}},
		{"assigned: the assignee alone", staff, nil, []*sunshine.User{staff}},
		{"watched: the watcher alone", nil, []*sunshine.User{viewer}, []*sunshine.User{viewer}},
		{"assigned and watched: both", staff, []*sunshine.User{viewer, admin2}, []*sunshine.User{staff, viewer, admin2}},
		{"the assignee also watches: once", staff, []*sunshine.User{staff}, []*sunshine.User{staff}},
	}
	requestCase := map[string]int{}
	for i, tc := range cases {
		r := &sunshine.Request{AgencyID: a.ID, Title: tc.name, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
		if tc.assignee != nil {
			r.AssigneeID = &tc.assignee.ID
		}
		require.NoError(t, s.CreateRequest(fx.Ctx, r))
		for _, w := range tc.watchers {
			ctx := sunshine.WithPrincipal(fx.Ctx, sunshine.Principal{OrgID: fx.Org.ID, UserID: w.ID, Role: w.Role})
			require.NoError(t, s.Watch(ctx, r.ID, true))
		}
		requestCase[r.ID] = i
	}

	n, err := s.PlanReminders(fx.Ctx, now)
	require.NoError(t, err)
	planned, _, err := s.FindReminders(fx.Ctx, []string{"pending"}, 100, "")
	require.NoError(t, err)
	// (Filing a request assigned to staff told them so at once.)
	planned = slices.DeleteFunc(planned, func(p *sunshine.Reminder) bool { return p.Kind == sunshine.ReminderAssigned })
	require.EqualValues(t, len(planned), n)
	got := make([][]string, len(cases))
	for _, p := range planned {
		require.Equal(t, sunshine.ReminderDueSoon, p.Kind)
		i := requestCase[*p.RequestID]
		got[i] = append(got[i], p.RecipientID)
	}
	for i, tc := range cases {
		var want []string
		for _, u := range tc.want {
			want = append(want, u.ID)
		}
		slices.Sort(want)
		slices.Sort(got[i])
		require.Equal(t, want, got[i], tc.name)
	}
	// Delivery asks the same rule who gets a request's reminders now, and why.
	for id, i := range requestCase {
		rcs, err := s.ReminderRecipients(fx.Ctx, id)
		require.NoError(t, err)
		why := map[string]string{}
		for _, rc := range rcs {
			why[rc.UserID] = rc.Why
		}
		require.Len(t, why, len(rcs), "once each")
		want := map[string]string{}
		for _, u := range cases[i].want {
			want[u.ID] = store.RecipientWatcher
			if cases[i].assignee != nil && u.ID == cases[i].assignee.ID {
				want[u.ID] = store.RecipientAssignee
			}
			if cases[i].assignee == nil && cases[i].watchers == nil {
				want[u.ID] = store.RecipientAdmin
			}
		}
		require.Equal(t, want, why, cases[i].name)
	}

	again, err := s.PlanReminders(fx.Ctx, now)
	require.NoError(t, err)
	require.Zero(t, again, "planning twice creates nothing")
}

// A change that cancels a request's pending reminders, once undone, leaves
// the reminder owed again: planning brings the cancelled row back rather
// than skipping it for its unique key. A reminder already sent stays sent.
func TestStore_PlanRemindersAfterChangeUndone(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "undone")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))

	transition := func(to sunshine.Status) func(id string) error {
		return func(id string) error {
			_, err := s.TransitionRequest(fx.Ctx, id, sunshine.TransitionInput{To: to})
			return err
		}
	}
	customDue := func(on string) func(id string) error {
		return func(id string) error {
			var date deadline.Date
			if on != "" {
				date = d(on)
			}
			_, err := s.SetCustomDueOn(fx.Ctx, id, date, "agreed by phone")
			return err
		}
	}
	cases := []struct {
		name         string
		change, undo func(id string) error
		sentBefore   bool // the reminder went out before the change
	}{
		{"waiting on us, then answered the same day", transition(sunshine.StatusAwaitingRequester), transition(sunshine.StatusSubmitted), false},
		{"an agreed date set by mistake, then cleared", customDue("2017-04-20"), customDue(""), false},
		{"sent before the round trip: not sent twice", transition(sunshine.StatusAwaitingRequester), transition(sunshine.StatusSubmitted), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Due 6 April 2017, tomorrow: one due_soon reminder today.
			r := &sunshine.Request{AgencyID: a.ID, Title: tc.name, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
			require.NoError(t, s.CreateRequest(fx.Ctx, r))
			_, err := s.PlanReminders(fx.Ctx, now)
			require.NoError(t, err)
			before := requestReminders(t, s, fx.Ctx, r.ID)
			require.Len(t, before, 1)
			require.Equal(t, "pending", before[0].Status)
			if tc.sentBefore {
				claimed, err := s.ClaimReminders(fx.Ctx, now, 100, time.Minute)
				require.NoError(t, err)
				for _, c := range claimed {
					require.NoError(t, s.MarkReminderSent(fx.Ctx, c, store.Delivery{Subject: "Due tomorrow"}, now))
				}
			}

			require.NoError(t, tc.change(r.ID))
			if !tc.sentBefore {
				require.Equal(t, "cancelled", requestReminders(t, s, fx.Ctx, r.ID)[0].Status)
			}
			require.NoError(t, tc.undo(r.ID))
			_, err = s.PlanReminders(fx.Ctx, now)
			require.NoError(t, err)

			after := requestReminders(t, s, fx.Ctx, r.ID)
			require.Len(t, after, 1, "still one row per (request, kind, due date, recipient, occurrence)")
			want := "pending"
			if tc.sentBefore {
				want = "sent"
			}
			require.Equal(t, want, after[0].Status)
			require.Equal(t, before[0].DueOn, after[0].DueOn)
			if want == "pending" {
				require.Empty(t, after[0].LastError, "the cancellation's reason is cleared")
			}
		})
	}
}

// requestReminders returns every reminder of one request, whatever its status.
func requestReminders(t *testing.T, s *store.Store, ctx context.Context, requestID string) []*sunshine.Reminder {
	t.Helper()
	all, _, err := s.FindReminders(ctx, nil, 200, "")
	require.NoError(t, err)
	var out []*sunshine.Reminder
	for _, r := range all {
		// Its deadline reminders: not the email telling someone it was
		// assigned to them (TestStore_AssignedEmail).
		if r.RequestID != nil && *r.RequestID == requestID && r.Kind != sunshine.ReminderAssigned {
			out = append(out, r)
		}
	}
	return out
}

// Under appeal the agency's original response date is superseded: the
// request is not late and owes no due-date reminders, until staff set the
// appeal's own date, which then counts like any due date.
func TestStore_AppealSupersedesTheResponseDate(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	s := store.New(storetest.DB(t), clk)
	fx := storetest.Org(t, s, "appeal")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, s.CreateRequest(fx.Ctx, r)) // due Thu 6 Apr: two weeks late on the 20th
	overdue := func(on time.Time) bool {
		clk.Set(on)
		rs, _, err := s.FindRequests(fx.Ctx, sunshine.RequestFilter{Overdue: true})
		require.NoError(t, err)
		return len(rs) == 1
	}
	require.True(t, overdue(clk.Now()))

	_, err := s.TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusDenied, EffectiveOn: d("2017-04-12")})
	require.NoError(t, err)
	r, err = s.TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAppealed, EffectiveOn: d("2017-04-18")})
	require.NoError(t, err)
	today := d("2017-04-20")
	require.False(t, r.Overdue(today))
	require.False(t, overdue(clk.Now()))
	n, err := s.PlanReminders(fx.Ctx, clk.Now())
	require.NoError(t, err)
	require.Zero(t, n, "no overdue reminder for the superseded date")
	require.Empty(t, requestReminders(t, s, fx.Ctx, r.ID))

	// The appeal's decision is due Tue 25 Apr: due soon today (3 business
	// days before), late from the 26th.
	r, err = s.SetCustomDueOn(fx.Ctx, r.ID, d("2017-04-25"), "appeal decision due")
	require.NoError(t, err)
	require.False(t, r.Overdue(today))
	_, err = s.PlanReminders(fx.Ctx, clk.Now())
	require.NoError(t, err)
	rems := requestReminders(t, s, fx.Ctx, r.ID)
	require.Len(t, rems, 1)
	require.Equal(t, sunshine.ReminderDueSoon, rems[0].Kind)
	require.Equal(t, "2017-04-25", rems[0].DueOn.String())
	require.True(t, overdue(time.Date(2017, 4, 26, 20, 0, 0, 0, time.UTC)))
}

// A calendar feed's secret is kept only as its SHA-256: a copy of the
// database does not hand out anyone's feed.
func TestStore_CalendarSecretHashed(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "calendar")
	secret, err := s.RotateCalendarSecret(fx.Ctx)
	require.NoError(t, err)
	var stored []byte
	require.NoError(t, db.Get(&stored, `SELECT calendar_secret_sha256 FROM user_preferences WHERE user_id = $1`, fx.Admin.ID))
	want := sha256.Sum256([]byte(secret))
	require.Equal(t, want[:], stored)
	p, err := s.CalendarOwner(context.Background(), secret)
	require.NoError(t, err)
	require.Equal(t, fx.Admin.ID, p.UserID)
}

// A request's reminder that the mail server accepted is one reminder_sent
// event in the request's timeline, by the system, dated when it was sent
// and naming the recipient; a failed or cancelled attempt writes none, and
// a duplicate delivery (marked twice, or a stale claim finished late)
// writes no second one.
func TestStore_MarkReminderSentRecordsEvent(t *testing.T) {
	t.Parallel()
	const summary = "due in 1 business day (Thu 6 Apr 2017)"
	type bundle struct {
		s   *store.Store
		fx  storetest.Fixture
		ana *sunshine.User
		r   *sunshine.Request
	}
	// setup files a request due tomorrow (6 April 2017) assigned to Ana,
	// and claims the one due_soon reminder planned for her today.
	setup := func(t *testing.T, name string) (bundle, store.ClaimedReminder) {
		s := storetest.Tx(t, sunshine.NewFixedClock(now))
		fx := storetest.Org(t, s, "sent")
		ana := &sunshine.User{Email: "ana@" + fx.Org.Slug + ".example", Name: name, Role: sunshine.RoleStaff}
		require.NoError(t, s.CreateUser(fx.Ctx, ana))
		r := dueTomorrow(t, s, fx, &ana.ID)
		return bundle{s: s, fx: fx, ana: ana, r: r}, claimOne(t, s, now)
	}
	deliver := func(t *testing.T, b bundle, c store.ClaimedReminder, at time.Time) {
		require.NoError(t, b.s.MarkReminderSent(b.fx.Ctx, c, store.Delivery{Subject: "Due Thu 6 Apr (1 business day)", Summary: summary}, at))
	}
	later := now.Add(11 * time.Minute) // past the 10-minute stale claim

	cases := []struct {
		name       string
		recipient  string // Ana's name
		attempt    func(t *testing.T, b bundle, c store.ClaimedReminder)
		wantStatus string
		wantNote   string // the event's; "" for none
		wantAt     time.Time
	}{
		{"delivered", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) { deliver(t, b, c, now) },
			"sent", "Reminder sent to Ana Ruiz: " + summary + ".", now},
		{"delivered to a user with no name: named by email", "",
			func(t *testing.T, b bundle, c store.ClaimedReminder) { deliver(t, b, c, now) },
			"sent", "Reminder sent to ana@{slug}.example: " + summary + ".", now},
		{"the server refused it, retrying", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				require.NoError(t, b.s.MarkReminderFailed(b.fx.Ctx, c, "421 try again later", later, false))
			},
			"pending", "", time.Time{}},
		{"failed for good", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				require.NoError(t, b.s.MarkReminderFailed(b.fx.Ctx, c, "550 mailbox unavailable", now, true))
			},
			"failed", "", time.Time{}},
		{"cancelled before sending", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				require.NoError(t, b.s.CancelReminder(b.fx.Ctx, c, "the request's due date or status changed"))
			},
			"cancelled", "", time.Time{}},
		{"marked sent twice", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				deliver(t, b, c, now)
				deliver(t, b, c, later)
			},
			"sent", "Reminder sent to Ana Ruiz: " + summary + ".", now},
		{"claimed again when stale, both deliveries finish", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				again := claimOne(t, b.s, later)
				deliver(t, b, again, later)
				deliver(t, b, c, later.Add(time.Minute)) // the first process, late
			},
			"sent", "Reminder sent to Ana Ruiz: " + summary + ".", later},
		{"failed for good, retried by staff, then delivered", "Ana Ruiz",
			func(t *testing.T, b bundle, c store.ClaimedReminder) {
				require.NoError(t, b.s.MarkReminderFailed(b.fx.Ctx, c, "550 mailbox unavailable", now, true))
				require.Empty(t, sentEvents(t, b.s, b.fx.Ctx, b.r.ID))
				_, err := b.s.RetryReminder(b.fx.Ctx, c.ID)
				require.NoError(t, err)
				deliver(t, b, claimOne(t, b.s, now), now)
			},
			"sent", "Reminder sent to Ana Ruiz: " + summary + ".", now},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, c := setup(t, tc.recipient)
			tc.attempt(t, b, c)

			rs := requestReminders(t, b.s, b.fx.Ctx, b.r.ID)
			require.Len(t, rs, 1)
			require.Equal(t, tc.wantStatus, rs[0].Status)
			es := sentEvents(t, b.s, b.fx.Ctx, b.r.ID)
			if tc.wantNote == "" {
				require.Empty(t, es)
				return
			}
			require.Len(t, es, 1, "one event per delivered reminder")
			e := es[0]
			require.Equal(t, strings.ReplaceAll(tc.wantNote, "{slug}", b.fx.Org.Slug), e.Note)
			require.Nil(t, e.ActorID, "the system")
			require.True(t, e.EffectiveOn.IsZero())
			require.True(t, tc.wantAt.Equal(e.CreatedAt), "dated when sent: %s", e.CreatedAt)
			require.True(t, rs[0].SentAt.Equal(e.CreatedAt), "the reminder's sent_at")
			require.JSONEq(t, `{"reminder_id": "`+c.ID+`", "reminder_kind": "due_soon", "due_on": "2017-04-06",
				"recipient_id": "`+b.ana.ID+`", "recipient_name": "`+tc.recipient+`", "recipient_email": "`+b.ana.Email+`"}`,
				string(e.Data))
		})
	}

	// A digest is no request's: marked sent, it writes no event.
	t.Run("a digest", func(t *testing.T) {
		t.Parallel()
		b, c := setup(t, "Ana Ruiz")
		deliver(t, b, c, now)
		_, err := b.s.PlanDigests(b.fx.Ctx, now)
		require.NoError(t, err)
		digests, err := b.s.ClaimReminders(b.fx.Ctx, now, 100, 10*time.Minute)
		require.NoError(t, err)
		require.Len(t, digests, 2, "Ana's and the admin's")
		for _, c := range digests {
			require.Equal(t, sunshine.ReminderDigest, c.Kind)
			deliver(t, b, c, now) // an event would need a request: an error
		}
		require.Len(t, sentEvents(t, b.s, b.fx.Ctx, b.r.ID), 1, "the request's own reminder only")
	})
}

// A reminder sent once and put back in the outbox by hand (an operator's
// UPDATE, not a path Sunshine offers) is delivered again without an error
// and without a second event: the timeline has one per reminder
// (migration 0015), and delivery is not stuck retrying on it.
func TestStore_MarkReminderSentResentByHand(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "resent")
	r := dueTomorrow(t, s, fx, nil)
	sent := store.Delivery{Subject: "Due Thu 6 Apr (1 business day)", Summary: "due in 1 business day (Thu 6 Apr 2017)"}
	c := claimOne(t, s, now)
	require.NoError(t, s.MarkReminderSent(fx.Ctx, c, sent, now))

	s.DB().MustExec(`UPDATE reminders SET status = 'pending', next_attempt_at = $2 WHERE id = $1`, c.ID, now)
	again := claimOne(t, s, now)
	require.Equal(t, c.ID, again.ID)
	require.NoError(t, s.MarkReminderSent(fx.Ctx, again, sent, now.Add(time.Hour)))
	require.Equal(t, "sent", requestReminders(t, s, fx.Ctx, r.ID)[0].Status)
	es := sentEvents(t, s, fx.Ctx, r.ID)
	require.Len(t, es, 1)
	require.True(t, now.Equal(es[0].CreatedAt), "the first delivery's")
}

// A delivery marked while a change to its request is under way (which
// locks the request, then cancels the request's pending reminders) waits
// for the change instead of deadlocking with it. The email went out before
// the change cancelled the reminder: it is recorded as sent, with its
// event, so that planning does not owe it again.
func TestStore_MarkReminderSentWhileRequestChanges(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "locks")
	r := dueTomorrow(t, s, fx, nil)
	c := claimOne(t, s, now)

	// The change's locks, in its order (findRequest, then reschedule).
	change, err := db.Beginx()
	require.NoError(t, err)
	defer func() { _ = change.Rollback() }()
	change.MustExec(`SELECT id FROM requests WHERE id = $1 FOR UPDATE`, r.ID)
	done := make(chan error, 1)
	go func() {
		done <- s.MarkReminderSent(fx.Ctx, c, store.Delivery{Subject: "Due Thu 6 Apr (1 business day)"}, now)
	}()
	require.Eventually(t, func() bool {
		var waiting int
		err := db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		return err == nil && waiting == 1
	}, 10*time.Second, 10*time.Millisecond, "the delivery waits for the change")
	_, err = change.Exec(`UPDATE reminders SET status = 'cancelled' WHERE request_id = $1 AND status = 'pending'`, r.ID)
	require.NoError(t, err, "the change is not left waiting for the delivery")
	require.NoError(t, change.Commit())
	require.NoError(t, <-done)

	require.Equal(t, "sent", requestReminders(t, s, fx.Ctx, r.ID)[0].Status)
	require.Len(t, sentEvents(t, s, fx.Ctx, r.ID), 1)
	planned, err := s.PlanReminders(fx.Ctx, now)
	require.NoError(t, err)
	require.Zero(t, planned, "not owed again")
}

// dueTomorrow files a request received 27 March 2017, due Thu 6 April
// (tomorrow at now), assigned to assignee (nil: the admins are reminded),
// and plans its reminders: one due_soon reminder today.
func dueTomorrow(t *testing.T, s *store.Store, fx storetest.Fixture, assignee *string) *sunshine.Request {
	t.Helper()
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2017-03-27"), AssigneeID: assignee}
	ctx := fx.Ctx
	if assignee != nil { // filed by the assignee: no "assigned" email
		ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: fx.Org.ID, UserID: *assignee, Role: sunshine.RoleStaff})
	}
	require.NoError(t, s.CreateRequest(ctx, r))
	_, err := s.PlanReminders(fx.Ctx, now)
	require.NoError(t, err)
	return r
}

// claimOne claims the one reminder due at at (a claim 10 minutes old is
// taken again).
func claimOne(t *testing.T, s *store.Store, at time.Time) store.ClaimedReminder {
	t.Helper()
	claimed, err := s.ClaimReminders(context.Background(), at, 100, 10*time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	return claimed[0]
}

// sentEvents returns a request's reminder_sent events.
func sentEvents(t *testing.T, s *store.Store, ctx context.Context, requestID string) []*sunshine.Event {
	t.Helper()
	es, _, err := s.FindEvents(ctx, requestID, store.All, "")
	require.NoError(t, err)
	var out []*sunshine.Event
	for _, e := range es {
		if e.Kind == sunshine.EventReminderSent {
			out = append(out, e)
		}
	}
	return out
}

// Failed reminders are counted and resent per organization: after a mail
// server outage, staff put back every failed one of theirs, and another
// organization's stay failed. FindReminders names each one's request.
func TestStore_RetryFailedReminders(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	mine, theirs := storetest.Org(t, s, "ndlon"), storetest.Org(t, s, "other")
	fail := func(f storetest.Fixture) *sunshine.Request {
		t.Helper()
		r := dueTomorrow(t, s, f, &f.Admin.ID)
		c := claimOne(t, s, now)
		require.NoError(t, s.MarkReminderFailed(f.Ctx, c, "550 mailbox unavailable", now, true))
		return r
	}
	r := fail(mine)
	fail(theirs)

	for _, f := range []storetest.Fixture{mine, theirs} {
		n, err := s.CountFailedReminders(f.Ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	}
	failed, _, err := s.FindReminders(mine.Ctx, []string{"failed"}, 50, "")
	require.NoError(t, err)
	require.Len(t, failed, 1)
	require.Equal(t, r.Title, failed[0].RequestTitle)
	require.Equal(t, "550 mailbox unavailable", failed[0].LastError)

	n, err := s.RetryFailedReminders(mine.Ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	pending, _, err := s.FindReminders(mine.Ctx, []string{"pending"}, 50, "")
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, failed[0].ID, pending[0].ID)
	require.Zero(t, pending[0].Attempts)
	for _, tc := range []struct {
		f    storetest.Fixture
		want int
	}{{mine, 0}, {theirs, 1}} {
		n, err := s.CountFailedReminders(tc.f.Ctx)
		require.NoError(t, err)
		require.Equal(t, tc.want, n)
	}
	n, err = s.RetryFailedReminders(mine.Ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to resend")
}

// Under New York's FOIL and Washington's PRA the 5 business days are for a
// first response, and a written acknowledgment with an estimated date meets
// them: once acknowledged, a request is not overdue on the old date and
// gets no due-date reminders, until a custom date is set. Elsewhere (the
// CPRA, the federal FOIA) an acknowledgment changes nothing.
func TestStore_AcknowledgmentMeetsTheDateWhereTheLawSaysSo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		law      string
		received string
		met      bool
	}{
		{"us-ny", "2017-03-27", true},
		{"us-wa", "2017-03-27", true},
		{"us-ca", "2017-03-27", false},
		{"us-federal", "2017-03-06", false},
	} {
		t.Run(tc.law, func(t *testing.T) {
			t.Parallel()
			clk := sunshine.NewFixedClock(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
			s := store.New(storetest.DB(t), clk)
			fx := storetest.Org(t, s, "ack")
			a := &sunshine.Agency{Name: "Police Department", Jurisdiction: tc.law}
			require.NoError(t, s.CreateAgency(fx.Ctx, a))
			r := &sunshine.Request{AgencyID: a.ID, Title: "Use-of-force reports", DeliveryMethod: sunshine.DeliveryEmail,
				ReceivedOn: d(tc.received), AssigneeID: &fx.Admin.ID}
			require.NoError(t, s.CreateRequest(fx.Ctx, r))
			today := d("2017-04-20")
			require.True(t, r.DueOn.Before(today), "late by the 20th: %s", r.DueOn)
			overdue := func() bool {
				rs, _, err := s.FindRequests(fx.Ctx, sunshine.RequestFilter{Overdue: true})
				require.NoError(t, err)
				return len(rs) == 1
			}
			require.True(t, overdue())

			r, err := s.TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: d("2017-04-19")})
			require.NoError(t, err)
			require.Equal(t, tc.met, r.DueSuperseded())
			require.Equal(t, !tc.met, r.Overdue(today))
			require.Equal(t, !tc.met, overdue(), "the list agrees with the request")
			_, err = s.PlanReminders(fx.Ctx, clk.Now())
			require.NoError(t, err)
			var kinds []string
			for _, rem := range requestReminders(t, s, fx.Ctx, r.ID) {
				kinds = append(kinds, rem.Kind)
			}
			if tc.met {
				require.Empty(t, kinds, "no overdue reminder for a date the acknowledgment met")
			} else {
				require.Equal(t, []string{sunshine.ReminderOverdue}, kinds)
			}

			// Records arriving in parts: still met.
			r, err = s.TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusRollingProduction, EffectiveOn: d("2017-04-20")})
			require.NoError(t, err)
			require.Equal(t, !tc.met, overdue())

			// A date agreed with the agency is followed everywhere.
			_, err = s.SetCustomDueOn(fx.Ctx, r.ID, d("2017-04-19"), "agreed by phone")
			require.NoError(t, err)
			require.True(t, overdue())
		})
	}
}

// The SQL list of laws an acknowledgment meets is the engine's.
func TestDueTrackedMatchesTheEngine(t *testing.T) {
	var codes []string
	for _, j := range deadline.Jurisdictions() {
		if j.MetByAcknowledgment {
			codes = append(codes, "'"+j.Code+"'")
		}
	}
	require.Equal(t, "("+strings.Join(codes, ", ")+")", store.MetByAcknowledgmentSQL)
}

// A request with no date to follow (a law with none) is listed in a digest
// that goes out anyway, but sends none on its own: it would every day.
func TestStore_NoDateAloneSendsNoDigest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.request(t, b.agency(t, "Miami-Dade Police Department", "us-fl"), "Jail contracts", "2017-03-27")
	n, err := b.s.PlanDigests(b.ctx, now)
	require.NoError(t, err)
	require.Zero(t, n, "nothing else to report")

	b.request(t, b.agency(t, "Sheriff", "us-ca"), "Detainers", "2017-03-27") // due 6 April
	n, err = b.s.PlanDigests(b.ctx, now)
	require.NoError(t, err)
	require.NotZero(t, n, "a due date this week")
	rs, err := b.s.DigestRequests(b.ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.Len(t, rs, 2, "the Florida request rides along")
}

// Someone assigned a request by another person is told at once (an
// "assigned" email in the outbox, naming who did it); not when they assign
// themselves, not twice in a day, and not when they chose not to be.
func TestStore_AssignedEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := func(email string) (*sunshine.User, context.Context) {
		u := &sunshine.User{Email: email, Name: email, Role: sunshine.RoleStaff}
		require.NoError(t, b.s.CreateUser(b.ctx, u))
		return u, sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: u.ID, Role: u.Role})
	}
	ana, anaCtx := staff("ana@example.org")
	ben, benCtx := staff("ben@example.org")
	a := b.agency(t, "Sheriff", "us-ca")
	assigned := func(t *testing.T) []*sunshine.Reminder {
		t.Helper()
		all, _, err := b.s.FindReminders(b.ctx, nil, 200, "")
		require.NoError(t, err)
		return slices.DeleteFunc(all, func(r *sunshine.Reminder) bool { return r.Kind != sunshine.ReminderAssigned })
	}

	// Filed by the admin, assigned to Ana.
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27"), AssigneeID: &ana.ID}
	require.NoError(t, b.s.CreateRequest(b.ctx, r))
	got := assigned(t)
	require.Len(t, got, 1)
	require.Equal(t, ana.ID, got[0].RecipientID)
	require.Equal(t, r.ID, *got[0].RequestID)
	require.Equal(t, "pending", got[0].Status)
	sender, err := b.s.ReminderSender(b.ctx, got[0].ID)
	require.NoError(t, err)
	require.Equal(t, b.fx.Admin.Name, sender)

	// Ana hands it to Ben, who takes it back to her the same day: one more
	// for Ben, none again for Ana.
	_, err = b.s.UpdateRequest(anaCtx, r.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	_, err = b.s.UpdateRequest(benCtx, r.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	require.Len(t, assigned(t), 2)

	// Ben assigns himself: nothing to tell him.
	_, err = b.s.UpdateRequest(benCtx, r.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	require.Len(t, assigned(t), 2)

	// Ana chose not to get them.
	require.NoError(t, b.s.SetPreferences(anaCtx, sunshine.Preferences{Digest: true, DigestHour: 7, Kinds: []string{sunshine.ReminderOverdue}}))
	r2 := &sunshine.Request{AgencyID: a.ID, Title: "Jail logs", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27"), AssigneeID: &ana.ID}
	require.NoError(t, b.s.CreateRequest(b.ctx, r2))
	require.Len(t, assigned(t), 2)
}

// Planning never writes a reminder schedule from a request read before a
// change that rewrote the schedule meanwhile. The change (the agency's
// answer moving a request that waits on us to acknowledged) rewrites the
// schedule and stays open; planning, which read the request still waiting
// on us, blocks on it; the change commits. Planning used to finish by
// writing the schedule it computed from what it had read (nothing left to
// remind: NULL), and the request was never reminded of again; now it
// leaves the change's schedule for its next run.
func TestStore_PlanRemindersKeepsAScheduleRewrittenMeanwhile(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	clk := sunshine.NewFixedClock(time.Date(2017, 3, 29, 15, 0, 0, 0, time.UTC))
	s := store.New(db, clk)
	fx := storetest.Org(t, s, "rewritten")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, s.CreateRequest(fx.Ctx, r))
	_, err := s.TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester})
	require.NoError(t, err)
	schedule := func(q sqlx.QueryerContext) (next, awaiting *time.Time) {
		t.Helper()
		require.NoError(t, q.QueryRowxContext(context.Background(),
			`SELECT next_remind_on, awaiting_remind_on FROM reminder_schedule WHERE request_id = $1`, r.ID).Scan(&next, &awaiting))
		return next, awaiting
	}
	_, awaitingOn := schedule(db)
	require.NotNil(t, awaitingOn)
	// 08:00 in Sacramento on the day the awaiting-requester reminder falls due.
	planAt := time.Date(awaitingOn.Year(), awaitingOn.Month(), awaitingOn.Day(), 15, 0, 0, 0, time.UTC)
	clk.Set(planAt)

	change, err := db.Beginx()
	require.NoError(t, err)
	defer func() { _ = change.Rollback() }()
	_, err = store.NewInTx(change, clk).TransitionRequest(fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged})
	require.NoError(t, err)
	written, _ := schedule(change)
	require.NotNil(t, written, "the acknowledged request has reminders to come")

	done := make(chan error, 1)
	go func() {
		_, err := s.PlanReminders(context.Background(), planAt)
		done <- err
	}()
	waitUntilBlocked(t, db, "WITH cand AS", 1, "planning waits for the change")
	require.NoError(t, change.Commit())
	require.NoError(t, <-done)

	next, _ := schedule(db)
	require.NotNil(t, next, "the change's schedule was overwritten")
	require.Equal(t, written.Format(time.DateOnly), next.Format(time.DateOnly))
	// The next run reads the acknowledged request and moves its day on.
	_, err = s.PlanReminders(context.Background(), planAt)
	require.NoError(t, err)
	next, _ = schedule(db)
	require.NotNil(t, next)
	require.True(t, next.After(planAt), "next reminder day %s", next)
}
