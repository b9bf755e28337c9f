package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const baseURL = "https://sunshine.example"

// pendingLinks returns the links of the pending emails of kind ("invite",
// "password_reset") to user, oldest first, as delivery would read them.
func pendingLinks(t *testing.T, s *store.Store, f storetest.Fixture, userID, kind string) []string {
	t.Helper()
	rs, _, err := s.FindReminders(f.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var links []string
	for i := len(rs) - 1; i >= 0; i-- { // newest first
		r := rs[i]
		if r.RecipientID != userID || r.Kind != kind {
			continue
		}
		require.Nil(t, r.RequestID)
		var link string
		if kind == "invite" {
			link, err = s.InvitePayload(context.Background(), r.ID)
		} else {
			link, _, err = s.ResetPayload(context.Background(), r.ID)
		}
		require.NoError(t, err)
		links = append(links, link)
	}
	return links
}

// tokenOf is a link's token.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	for _, prefix := range []string{baseURL + "/password/reset/", baseURL + "/invite/"} {
		if strings.HasPrefix(link, prefix) {
			return strings.TrimPrefix(link, prefix)
		}
	}
	t.Fatalf("not a link of ours: %s", link)
	return ""
}

// lastResetToken is the token of the newest pending reset email to user.
func lastResetToken(t *testing.T, s *store.Store, f storetest.Fixture, userID string) string {
	t.Helper()
	links := pendingLinks(t, s, f, userID, "password_reset")
	require.NotEmpty(t, links)
	return tokenOf(t, links[len(links)-1])
}

func signIn(t *testing.T, s *store.Store, email, pw string) (string, error) {
	t.Helper()
	tok, _, choice, err := s.Login(context.Background(), email, pw)
	require.Nil(t, choice)
	return tok, err
}

// A signed-in person changes their own password with the current one. A
// wrong current password or a bad new one changes nothing; success keeps
// the session they use, ends the others and voids their unused links.
func TestStore_ChangePassword(t *testing.T) {
	t.Parallel()
	const newPassword = "a brand new password"
	for _, tc := range []struct {
		name, current, next string
		field               string // "" for success
	}{
		{"OK", testPassword, newPassword, ""},
		{"ErrWrongCurrent", "not my password", newPassword, "current_password"},
		{"ErrEmptyCurrent", "", newPassword, "current_password"},
		{"ErrShortNew", testPassword, "short", "new_password"},
		{"ErrLongNew", testPassword, strings.Repeat("x", 73), "new_password"},
		{"ErrShortNewAndWrongCurrent", "not my password", "short", "new_password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			me := b.fx.Admin
			require.NoError(t, b.s.SetPassword(context.Background(), me.ID, testPassword))
			here, err := signIn(t, b.s, me.Email, testPassword)
			require.NoError(t, err)
			elsewhere, err := signIn(t, b.s, me.Email, testPassword)
			require.NoError(t, err)
			// An unused invitation and an unused reset link, each with its
			// email still waiting.
			require.NoError(t, b.s.Reinvite(b.ctx, me.ID, baseURL))
			invite := tokenOf(t, pendingLinks(t, b.s, b.fx, me.ID, "invite")[0])
			sent, err := b.s.RequestPasswordReset(context.Background(), me.Email, baseURL)
			require.NoError(t, err)
			require.Equal(t, 1, sent)
			reset := lastResetToken(t, b.s, b.fx, me.ID)
			ctx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: me.ID, Role: sunshine.RoleAdmin})

			err = b.s.ChangePassword(ctx, tc.current, tc.next, here)
			if tc.field != "" {
				require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "%v", err)
				require.Equal(t, tc.field, fieldOf(err))
				// Nothing changed: both sessions, the old password, the links.
				for _, tok := range []string{here, elsewhere} {
					_, err := b.s.Session(context.Background(), tok)
					require.NoError(t, err)
				}
				_, err = signIn(t, b.s, me.Email, testPassword)
				require.NoError(t, err, "the old password still works")
				require.Len(t, pendingLinks(t, b.s, b.fx, me.ID, "invite"), 1)
				require.Len(t, pendingLinks(t, b.s, b.fx, me.ID, "password_reset"), 1)
				return
			}
			require.NoError(t, err)
			_, err = b.s.Session(context.Background(), here)
			require.NoError(t, err, "the session used stays signed in")
			_, err = b.s.Session(context.Background(), elsewhere)
			require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "other sessions end")
			_, err = signIn(t, b.s, me.Email, testPassword)
			require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the old password no longer works")
			_, err = signIn(t, b.s, me.Email, newPassword)
			require.NoError(t, err)
			_, _, err = b.s.ResetPassword(context.Background(), reset, "yet another password")
			require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the reset link stopped working")
			_, _, err = b.s.AcceptInvite(context.Background(), invite, "yet another password")
			require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the invitation stopped working")
			require.Empty(t, pendingLinks(t, b.s, b.fx, me.ID, "invite"), "its email is cancelled")
			require.Empty(t, pendingLinks(t, b.s, b.fx, me.ID, "password_reset"), "its email is cancelled")
		})
	}
}

// A reset request sends one link to every active account with the address,
// in every organization, and nothing for an unknown or deactivated one.
func TestStore_RequestPasswordReset(t *testing.T) {
	t.Parallel()
	const email = "reporter@example.org"
	// Committed, to read the links' rows as stored.
	db := storetest.DB(t)
	st := store.New(db, sunshine.NewFixedClock(now))
	fx, other, third := storetest.Org(t, st, "ndlon"), storetest.Org(t, st, "other"), storetest.Org(t, st, "third")
	account := func(f storetest.Fixture) *sunshine.User {
		u := &sunshine.User{Email: email, Name: "Reporter", Role: sunshine.RoleStaff}
		require.NoError(t, st.CreateUser(f.Ctx, u))
		require.NoError(t, st.SetPassword(context.Background(), u.ID, testPassword))
		return u
	}
	mine, theirs, gone := account(fx), account(other), account(third)
	_, err := st.SetUserActive(third.Ctx, gone.ID, false)
	require.NoError(t, err)

	for _, tc := range []struct {
		name, email string
		want        int
	}{
		{"UnknownEmail", "nobody@example.org", 0},
		{"TwoOrganizations", " Reporter@Example.org ", 2},
	} {
		sent, err := st.RequestPasswordReset(context.Background(), tc.email, baseURL)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, sent, tc.name)
	}
	for _, acc := range []struct {
		f storetest.Fixture
		u *sunshine.User
	}{{fx, mine}, {other, theirs}} {
		links := pendingLinks(t, st, acc.f, acc.u.ID, "password_reset")
		require.Len(t, links, 1)
		require.True(t, strings.HasPrefix(links[0], baseURL+"/password/reset/"), links[0])
		var n int
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM user_invites WHERE user_id = $1 AND purpose = 'reset'
			AND used_at IS NULL AND expires_at = $2 AND token_sha256 = sha256(convert_to($3, 'UTF8'))`,
			acc.u.ID, now.Add(time.Hour), tokenOf(t, links[0])))
		require.Equal(t, 1, n, "one link, stored hashed, for an hour")
	}
	require.Empty(t, pendingLinks(t, st, third, gone.ID, "password_reset"), "nothing for a deactivated account")

	// Each link sets its own account's password and signs it in.
	tok, p, err := st.ResetPassword(context.Background(), lastResetToken(t, st, other, theirs.ID), "their new password")
	require.NoError(t, err)
	require.Equal(t, theirs.ID, p.UserID)
	require.Equal(t, other.Org.ID, p.OrgID)
	_, err = st.Session(context.Background(), tok)
	require.NoError(t, err)
}

// The link's life: one use, one hour, only the newest works, an account
// gets one email per ResetEvery, and an invitation's link is not a reset
// link (nor the other way round).
func TestStore_ResetPassword(t *testing.T) {
	t.Parallel()
	gone := "This link is not valid any more: links work once, for 1 hour. Ask for a new one."
	// arrange sets up one account with a password, two sessions and a
	// reset link (its token).
	type arranged struct {
		b                  testBundle
		u                  *sunshine.User
		token              string
		session1, session2 string
	}
	arrange := func(t *testing.T) arranged {
		b := setup(t)
		u := &sunshine.User{Email: "reporter@example.org", Role: sunshine.RoleStaff}
		require.NoError(t, b.s.CreateUser(b.ctx, u))
		require.NoError(t, b.s.SetPassword(context.Background(), u.ID, testPassword))
		s1, err := signIn(t, b.s, u.Email, testPassword)
		require.NoError(t, err)
		s2, err := signIn(t, b.s, u.Email, testPassword)
		require.NoError(t, err)
		sent, err := b.s.RequestPasswordReset(context.Background(), u.Email, baseURL)
		require.NoError(t, err)
		require.Equal(t, 1, sent)
		return arranged{b: b, u: u, token: lastResetToken(t, b.s, b.fx, u.ID), session1: s1, session2: s2}
	}
	refused := func(t *testing.T, err error, msg string) {
		t.Helper()
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "%v", err)
		require.Equal(t, msg, sunshine.ErrorMessage(err))
	}

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		// An invitation sent meanwhile stops working too.
		require.NoError(t, a.b.s.Reinvite(a.b.ctx, a.u.ID, baseURL))
		invite := tokenOf(t, pendingLinks(t, a.b.s, a.b.fx, a.u.ID, "invite")[0])
		// (Reinvite replaced the reset link: ask for a new one.)
		a.b.clk.Set(now.Add(store.ResetEvery))
		_, err := a.b.s.RequestPasswordReset(context.Background(), a.u.Email, baseURL)
		require.NoError(t, err)
		token := lastResetToken(t, a.b.s, a.b.fx, a.u.ID)

		session, p, err := a.b.s.ResetPassword(context.Background(), token, "my new password")
		require.NoError(t, err)
		require.Equal(t, a.u.ID, p.UserID)
		_, err = a.b.s.Session(context.Background(), session)
		require.NoError(t, err, "signed in")
		for _, s := range []string{a.session1, a.session2} {
			_, err = a.b.s.Session(context.Background(), s)
			require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "every earlier session ends")
		}
		_, err = signIn(t, a.b.s, a.u.Email, testPassword)
		require.Error(t, err, "the old password no longer works")
		_, err = signIn(t, a.b.s, a.u.Email, "my new password")
		require.NoError(t, err)
		_, _, err = a.b.s.ResetPassword(context.Background(), token, "once more please")
		refused(t, err, gone)
		_, _, err = a.b.s.AcceptInvite(context.Background(), invite, "once more please")
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the invitation is used up")
		require.Empty(t, pendingLinks(t, a.b.s, a.b.fx, a.u.ID, "invite"))
	})

	t.Run("ErrShortPasswordKeepsTheLink", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		_, _, err := a.b.s.ResetPassword(context.Background(), a.token, "short")
		require.Equal(t, "password", fieldOf(err))
		_, err = a.b.s.Session(context.Background(), a.session1)
		require.NoError(t, err, "nothing changed")
		_, _, err = a.b.s.ResetPassword(context.Background(), a.token, "long enough now")
		require.NoError(t, err)
	})

	t.Run("ErrExpired", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		a.b.clk.Set(now.Add(store.ResetTTL - time.Second))
		require.NoError(t, a.b.s.CheckResetLink(context.Background(), a.token), "still works in its last second")
		a.b.clk.Set(now.Add(store.ResetTTL))
		refused(t, a.b.s.CheckResetLink(context.Background(), a.token), gone)
		_, _, err := a.b.s.ResetPassword(context.Background(), a.token, "my new password")
		refused(t, err, gone)
		_, err = signIn(t, a.b.s, a.u.Email, testPassword)
		require.NoError(t, err, "the password stays as it was")
		_, err = a.b.s.Session(context.Background(), a.session1)
		require.NoError(t, err, "and the sessions")
	})

	t.Run("ErrUnknown", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		_, _, err := a.b.s.ResetPassword(context.Background(), a.token+"x", "my new password")
		refused(t, err, gone)
	})

	t.Run("ErrInvitationIsNotAResetLink", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		invited := &sunshine.User{Email: "new@example.org", Role: sunshine.RoleStaff}
		require.NoError(t, a.b.s.InviteUser(a.b.ctx, invited, baseURL))
		invite := tokenOf(t, pendingLinks(t, a.b.s, a.b.fx, invited.ID, "invite")[0])
		refused(t, a.b.s.CheckResetLink(context.Background(), invite), gone)
		require.NoError(t, a.b.s.CheckInviteLink(context.Background(), invite))
		_, _, err := a.b.s.ResetPassword(context.Background(), invite, "my new password")
		refused(t, err, gone)
		_, _, err = a.b.s.AcceptInvite(context.Background(), a.token, "my new password")
		refused(t, err, "this invitation link is not valid any more; ask an admin for a new one")
		// Both still work where they belong.
		_, _, err = a.b.s.AcceptInvite(context.Background(), invite, "my new password")
		require.NoError(t, err)
		_, _, err = a.b.s.ResetPassword(context.Background(), a.token, "my new password")
		require.NoError(t, err)
	})

	t.Run("ErrDeactivated", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		_, err := a.b.s.SetUserActive(a.b.ctx, a.u.ID, false)
		require.NoError(t, err)
		_, _, err = a.b.s.ResetPassword(context.Background(), a.token, "my new password")
		refused(t, err, gone)
	})

	t.Run("ThrottleThenReplace", func(t *testing.T) {
		t.Parallel()
		a := arrange(t)
		// Within ResetEvery: nothing is sent, and the first link works.
		a.b.clk.Set(now.Add(store.ResetEvery - time.Second))
		sent, err := a.b.s.RequestPasswordReset(context.Background(), a.u.Email, baseURL)
		require.NoError(t, err)
		require.Zero(t, sent)
		require.Len(t, pendingLinks(t, a.b.s, a.b.fx, a.u.ID, "password_reset"), 1)
		require.Equal(t, a.token, lastResetToken(t, a.b.s, a.b.fx, a.u.ID))

		// After it: a new link replaces the first, whose email is cancelled.
		a.b.clk.Set(now.Add(store.ResetEvery))
		sent, err = a.b.s.RequestPasswordReset(context.Background(), a.u.Email, baseURL)
		require.NoError(t, err)
		require.Equal(t, 1, sent)
		links := pendingLinks(t, a.b.s, a.b.fx, a.u.ID, "password_reset")
		require.Len(t, links, 1, "the first email is cancelled")
		second := tokenOf(t, links[0])
		require.NotEqual(t, a.token, second)
		cancelled, _, err := a.b.s.FindReminders(a.b.ctx, []string{"cancelled"}, 0, "")
		require.NoError(t, err)
		require.Len(t, cancelled, 1)
		require.Equal(t, "replaced by a new reset link", cancelled[0].LastError)
		_, _, err = a.b.s.ResetPassword(context.Background(), a.token, "my new password")
		refused(t, err, gone)
		_, _, err = a.b.s.ResetPassword(context.Background(), second, "my new password")
		require.NoError(t, err)
	})
}
