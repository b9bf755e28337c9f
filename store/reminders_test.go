package store_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
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
