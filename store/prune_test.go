package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// PruneExpired deletes sessions, organization choices and unused invitation
// links once they have expired, and nothing that still works: a live
// session, a pending invitation, an accepted one.
func TestStore_PruneExpired(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	db := storetest.DB(t)
	s := store.New(db, clk)
	fx, other := storetest.Org(t, s, "ndlon"), storetest.Org(t, s, "other")
	count := func(table string) (n int) {
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM `+table))
		return n
	}
	invite := func(f storetest.Fixture, email string) string {
		t.Helper()
		u := &sunshine.User{Email: email, Role: sunshine.RoleStaff}
		require.NoError(t, s.InviteUser(f.Ctx, u, "https://sunshine.example"))
		pending, _, err := s.FindReminders(f.Ctx, []string{"pending"}, 200, "")
		require.NoError(t, err)
		i := slices.IndexFunc(pending, func(r *sunshine.Reminder) bool { return r.RecipientID == u.ID })
		require.NotEqual(t, -1, i)
		link, err := s.InvitePayload(f.Ctx, pending[i].ID)
		require.NoError(t, err)
		return strings.TrimPrefix(link, "https://sunshine.example/invite/")
	}

	// At now: one person with the same password in two organizations (a
	// session each from accepting, then a pending choice), and an invitation
	// left unused.
	early, _, err := s.AcceptInvite(context.Background(), invite(fx, "reporter@example.org"), testPassword)
	require.NoError(t, err)
	_, _, err = s.AcceptInvite(context.Background(), invite(other, "reporter@example.org"), testPassword)
	require.NoError(t, err)
	_, _, choice, err := s.Login(context.Background(), "reporter@example.org", testPassword)
	require.NoError(t, err)
	require.NotNil(t, choice)
	invite(fx, "unused@example.org")
	require.Equal(t, 2, count("sessions"))
	require.Equal(t, 3, count("user_invites"))

	// A week and a day later the choice and the unused link have expired;
	// the sessions (two weeks) have not. A new sign-in then.
	clk.Set(now.Add(store.InviteTTL + 24*time.Hour))
	_, _, second, err := s.Login(context.Background(), "reporter@example.org", testPassword)
	require.NoError(t, err)
	require.NotNil(t, second)
	fresh := invite(other, "fresh@example.org")
	n, err := s.PruneExpired(context.Background())
	require.NoError(t, err)
	require.Equal(t, store.Pruned{Sessions: 0, Choices: 1, Invites: 1}, n)
	require.Equal(t, 1, count("sign_in_choices"), "the new choice stays")
	require.Equal(t, 3, count("user_invites"), "the two accepted and the fresh one stay")
	_, err = s.Session(context.Background(), early)
	require.NoError(t, err, "a live session stays")

	// Past the first sessions' two weeks: they and the second choice go,
	// and the fresh invitation still works.
	clk.Set(now.Add(store.SessionTTL))
	n, err = s.PruneExpired(context.Background())
	require.NoError(t, err)
	require.Equal(t, store.Pruned{Sessions: 2, Choices: 1, Invites: 0}, n)
	require.Equal(t, 0, count("sessions"))
	_, _, err = s.AcceptInvite(context.Background(), fresh, testPassword)
	require.NoError(t, err, "a pending invitation still works")

	n, err = s.PruneExpired(context.Background())
	require.NoError(t, err)
	require.Equal(t, store.Pruned{}, n, "nothing more to prune")
}

// Reset links go once expired, used or not (a used one records nothing a
// person needs); an invitation still pending and an accepted one stay.
func TestStore_PruneExpiredResetLinks(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	db := storetest.DB(t)
	s := store.New(db, clk)
	fx := storetest.Org(t, s, "ndlon")
	links := func(purpose string) (n int) {
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM user_invites WHERE purpose = $1`, purpose))
		return n
	}
	user := func(email string) *sunshine.User {
		u := &sunshine.User{Email: email, Role: sunshine.RoleStaff}
		require.NoError(t, s.CreateUser(fx.Ctx, u))
		require.NoError(t, s.SetPassword(context.Background(), u.ID, testPassword))
		_, err := s.RequestPasswordReset(context.Background(), email, baseURL)
		require.NoError(t, err)
		return u
	}
	user("unused@example.org")
	used := user("used@example.org")
	_, _, err := s.ResetPassword(context.Background(), lastResetToken(t, s, fx, used.ID), "my new password")
	require.NoError(t, err)
	accepted := &sunshine.User{Email: "accepted@example.org", Role: sunshine.RoleStaff}
	require.NoError(t, s.InviteUser(fx.Ctx, accepted, baseURL))
	_, _, err = s.AcceptInvite(context.Background(), tokenOf(t, pendingLinks(t, s, fx, accepted.ID, "invite")[0]), testPassword)
	require.NoError(t, err)
	require.NoError(t, s.InviteUser(fx.Ctx, &sunshine.User{Email: "pending@example.org", Role: sunshine.RoleStaff}, baseURL))
	require.Equal(t, 2, links("reset"))
	require.Equal(t, 2, links("invite"))

	n, err := s.PruneExpired(context.Background())
	require.NoError(t, err)
	require.Zero(t, n.Resets, "both still within their hour")

	clk.Set(now.Add(store.ResetTTL))
	n, err = s.PruneExpired(context.Background())
	require.NoError(t, err)
	require.Equal(t, store.Pruned{Resets: 2}, n)
	require.Zero(t, links("reset"))
	require.Equal(t, 2, links("invite"), "the accepted and the pending invitation stay")
}
