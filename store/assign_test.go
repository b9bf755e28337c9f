package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// staffOf adds a staff member to fx's organization and returns them with
// a context in which they are signed in.
func staffOf(t *testing.T, s *store.Store, fx storetest.Fixture, email string) (*sunshine.User, context.Context) {
	t.Helper()
	u := &sunshine.User{Email: email, Name: "Staff " + email, Role: sunshine.RoleStaff}
	require.NoError(t, s.CreateUser(fx.Ctx, u))
	return u, sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: fx.Org.ID, UserID: u.ID, Role: u.Role})
}

// assignEvents counts r's timeline entries that changed its assignee.
func assignEvents(t *testing.T, s *store.Store, ctx context.Context, r *sunshine.Request) int {
	t.Helper()
	es, _, err := s.FindEvents(ctx, r.ID, store.All, "")
	require.NoError(t, err)
	n := 0
	for _, e := range es {
		var data map[string]any
		require.NoError(t, json.Unmarshal(e.Data, &data))
		if _, ok := data["assignee_id"]; ok {
			n++
		}
	}
	return n
}

// A change conditional on the assignee (WasAssigneeID) is made only while
// the request still has that assignee, or already the new one.
func TestStore_UpdateRequestWasAssignee(t *testing.T) {
	t.Parallel()
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name    string
		now     string // who has it: "", "ana" or "bo"
		was     string // who the page saw
		to      string
		wantErr string // "" when the change is made
	}{
		{name: "still unassigned", now: "", was: "", to: "ana"},
		{name: "still the one seen", now: "bo", was: "bo", to: "ana"},
		{name: "unassigning the one seen", now: "bo", was: "bo", to: ""},
		{name: "already the new one", now: "ana", was: "", to: "ana"},
		{name: "taken meanwhile", now: "bo", was: "", to: "ana",
			wantErr: "Someone changed the assignee after you opened the page: the request is assigned to Staff bo@ndlon.example now. Choose again if it should still change."},
		{name: "given up meanwhile", now: "", was: "bo", to: "ana",
			wantErr: "Someone changed the assignee after you opened the page: the request is assigned to nobody now. Choose again if it should still change."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			ana, _ := staffOf(t, b.s, b.fx, "ana@ndlon.example")
			bo, _ := staffOf(t, b.s, b.fx, "bo@ndlon.example")
			ids := map[string]string{"": "", "ana": ana.ID, "bo": bo.ID}
			r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "Booking records", "2017-03-27")
			if tc.now != "" {
				var err error
				r, err = b.s.UpdateRequest(b.ctx, r.ID, sunshine.RequestUpdate{AssigneeID: ptr(ids[tc.now])})
				require.NoError(t, err)
			}
			before := assignEvents(t, b.s, b.ctx, r)

			got, err := b.s.UpdateRequest(b.ctx, r.ID, sunshine.RequestUpdate{AssigneeID: ptr(ids[tc.to]), WasAssigneeID: ptr(ids[tc.was])})
			if tc.wantErr != "" {
				require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
				require.Equal(t, tc.wantErr, sunshine.ErrorMessage(err))
				after, err := b.s.FindRequestByID(b.ctx, r.ID)
				require.NoError(t, err)
				require.Equal(t, r.Version, after.Version, "nothing changed")
				require.Equal(t, ids[tc.now], deref(after.AssigneeID))
				require.Equal(t, before, assignEvents(t, b.s, b.ctx, r))
				return
			}
			require.NoError(t, err)
			require.Equal(t, ids[tc.to], deref(got.AssigneeID))
		})
	}
}

// Two people take the same unassigned request at the same instant, each
// from a page that showed it unassigned: exactly one gets it, with one
// timeline entry and one email; the other is told who has it, and changes
// nothing. The request's row is held so that both read it unassigned,
// then queue on its lock.
func TestStore_AssignAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		byThem bool // each takes it for themselves (no email), else the admin assigns one and Cy the other
	}{
		{name: "each for themselves", byThem: true},
		{name: "each for someone else"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, fx, r := committedRequest(t)
			ana, anaCtx := staffOf(t, s, fx, "ana@docs.example")
			bo, boCtx := staffOf(t, s, fx, "bo@docs.example")
			_, cyCtx := staffOf(t, s, fx, "cy@docs.example")
			ctxs := map[string]context.Context{ana.ID: anaCtx, bo.ID: boCtx}
			if !tc.byThem {
				ctxs = map[string]context.Context{ana.ID: fx.Ctx, bo.ID: cyCtx}
			}

			hold, err := s.DB().Beginx()
			require.NoError(t, err)
			defer hold.Rollback() //nolint:errcheck // released below
			_, err = hold.Exec(`SELECT 1 FROM requests WHERE id = $1 FOR UPDATE`, r.ID)
			require.NoError(t, err)
			type result struct {
				who string
				err error
			}
			results := make(chan result, 2)
			nobody := ""
			for who, ctx := range ctxs {
				go func() {
					_, err := s.UpdateRequest(ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &who, WasAssigneeID: &nobody})
					results <- result{who, err}
				}()
			}
			// (pg_stat_activity keeps only the start of the locked read's
			// text, its first 1 KB: the request's columns.)
			waitUntilBlocked(t, s.DB(), "SELECT r.id, r.org_id, r.agency_id", 2, "both changes wait for the request")
			require.NoError(t, hold.Rollback())

			var winner string
			var lost []error
			for range 2 {
				res := <-results
				if res.err == nil {
					winner = res.who
				} else {
					lost = append(lost, res.err)
				}
			}
			require.NotEmpty(t, winner, "one takes it")
			require.Len(t, lost, 1, "the other is refused")
			require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(lost[0]), "%v", lost[0])
			name := map[string]string{ana.ID: ana.Name, bo.ID: bo.Name}[winner]
			require.Equal(t, "Someone changed the assignee after you opened the page: the request is assigned to "+name+" now. Choose again if it should still change.",
				sunshine.ErrorMessage(lost[0]), "the one refused is told who has it")

			after, err := s.FindRequestByID(fx.Ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, winner, deref(after.AssigneeID))
			require.Equal(t, r.Version+1, after.Version, "changed once")
			require.Equal(t, 1, assignEvents(t, s, fx.Ctx, r), "assigned once")
			emails := 0
			require.NoError(t, s.DB().Get(&emails, `SELECT count(*) FROM reminders WHERE request_id = $1 AND kind = 'assigned'`, r.ID))
			if tc.byThem {
				require.Zero(t, emails, "nobody to tell")
			} else {
				require.Equal(t, 1, emails, "the one assigned is told, once")
			}
		})
	}
}
