package store_test

import (
	"context"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

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
	planned, _, err := s.FindReminders(fx.Ctx, "pending", 100, "")
	require.NoError(t, err)
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
					require.NoError(t, s.MarkReminderSent(fx.Ctx, c, "Due tomorrow", now))
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
	all, _, err := s.FindReminders(ctx, "", 200, "")
	require.NoError(t, err)
	var out []*sunshine.Reminder
	for _, r := range all {
		if r.RequestID != nil && *r.RequestID == requestID {
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
