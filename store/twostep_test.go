package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const stepPassword = "a long test password"

// appCode is the code an authenticator app shows for secret at t.
func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	require.NoError(t, err)
	return code
}

// twoStepOn gives f's admin a password and turns on their two-step
// sign-in at the clock's time, returning the app's secret and the
// recovery codes.
func twoStepOn(t *testing.T, b testBundle, f storetest.Fixture) (string, []string) {
	t.Helper()
	require.NoError(t, b.s.SetPassword(context.Background(), f.Admin.ID, stepPassword))
	setup, err := b.s.BeginTwoStep(f.Ctx)
	require.NoError(t, err)
	codes, err := b.s.EnableTwoStep(f.Ctx, stepPassword, appCode(t, setup.Secret, b.clk.Now()), "")
	require.NoError(t, err)
	return setup.Secret, codes
}

// signIn signs f's admin in with their password: a session awaiting its code.
func awaitCode(t *testing.T, b testBundle, f storetest.Fixture) string {
	t.Helper()
	tok, _, choice, err := b.s.Login(context.Background(), f.Admin.Email, stepPassword)
	require.NoError(t, err)
	require.Nil(t, choice)
	_, err = b.s.Session(context.Background(), tok)
	require.ErrorIs(t, err, store.ErrAwaitingCode, "no page opens before the code")
	return tok
}

// Setting up: the app's secret stays the same until confirmed; the
// password and a code from the app are both needed, and a refusal changes
// nothing; once on, ten recovery codes come, shown once.
func TestStore_EnableTwoStep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.s.SetPassword(context.Background(), b.fx.Admin.ID, stepPassword))

	_, err := b.s.EnableTwoStep(b.fx.Ctx, stepPassword, "123456", "")
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "nothing set up yet: %v", err)

	setup, err := b.s.BeginTwoStep(b.fx.Ctx)
	require.NoError(t, err)
	require.Regexp(t, `^otpauth://totp/Sunshine%20%28ndlon%29:ndlon-\d+@example.org\?`, setup.URL)
	require.Contains(t, setup.URL, "secret="+setup.Secret)
	again, err := b.s.BeginTwoStep(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, setup.Secret, again.Secret, "an app that read the first still works")

	good := appCode(t, setup.Secret, b.clk.Now())
	for _, tc := range []struct {
		name, password, code, field string
	}{
		{"wrong password", "not my password", good, "password"},
		{"wrong code", stepPassword, "000000", "code"},
		{"code of another secret", stepPassword, appCode(t, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", b.clk.Now()), "code"},
		{"a recovery code is no app code", stepPassword, "abcd-efgh-ijkl-mnop", "code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.EnableTwoStep(b.fx.Ctx, tc.password, tc.code, "")
			requireField(t, err, sunshine.EInvalid, tc.field)
			ts, err := b.s.TwoStepOf(b.fx.Ctx)
			require.NoError(t, err)
			require.False(t, ts.On)
		})
	}

	// Another session of the person, and the one they turn it on from.
	elsewhere, _, _, err := b.s.Login(context.Background(), b.fx.Admin.Email, stepPassword)
	require.NoError(t, err)
	mine, _, _, err := b.s.Login(context.Background(), b.fx.Admin.Email, stepPassword)
	require.NoError(t, err)
	codes, err := b.s.EnableTwoStep(b.fx.Ctx, stepPassword, " "+good[:3]+" "+good[3:]+" ", mine)
	require.NoError(t, err)
	require.Len(t, codes, store.RecoveryCodes)
	seen := map[string]bool{}
	for _, c := range codes {
		require.Regexp(t, regexp.MustCompile(`^[a-z2-7]{4}(-[a-z2-7]{4}){3}$`), c)
		require.False(t, seen[c], "codes differ")
		seen[c] = true
	}
	ts, err := b.s.TwoStepOf(b.fx.Ctx)
	require.NoError(t, err)
	require.True(t, ts.On)
	require.Equal(t, store.RecoveryCodes, ts.CodesLeft)
	require.WithinDuration(t, b.clk.Now(), *ts.Since, time.Second)
	me, err := b.s.FindUserByID(b.fx.Ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.True(t, me.TwoStep)
	_, err = b.s.Session(context.Background(), elsewhere)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the other session ends")
	_, err = b.s.Session(context.Background(), mine)
	require.NoError(t, err, "the one it was turned on from stays")

	_, err = b.s.BeginTwoStep(b.fx.Ctx)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "already on: %v", err)
	_, err = b.s.EnableTwoStep(b.fx.Ctx, stepPassword, good, "")
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "already on: %v", err)
}

// Signing in to an account with two-step on: the password opens a session
// that awaits its code; the app's code (of now, or 30 seconds off) or an
// unused recovery code completes it; each code works once, wrong codes are
// counted, and a sign-in ends after MaxCodeFailures of them or CodeTTL.
func TestStore_SignInWithCode(t *testing.T) {
	t.Parallel()

	t.Run("the code completes the sign-in for SessionTTL", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		b.clk.Set(now.Add(5 * time.Minute))
		tok := awaitCode(t, b, b.fx)
		sc, err := b.s.PendingSignIn(context.Background(), tok)
		require.NoError(t, err)
		require.Equal(t, b.fx.Admin.Email, sc.Email)
		require.Equal(t, b.fx.Org.Name, sc.OrgName)
		require.Equal(t, b.fx.Admin.ID, sc.UserID)

		res, err := b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.NoError(t, err)
		require.False(t, res.Recovery)
		require.Equal(t, b.fx.Admin.ID, res.Principal.UserID)
		require.NotEqual(t, tok, res.Session, "a new token")
		_, err = b.s.Session(context.Background(), tok)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the token the password opened is of no use now")
		require.NotErrorIs(t, err, store.ErrAwaitingCode)
		b.clk.Set(now.Add(5*time.Minute + store.SessionTTL - time.Minute))
		p, err := b.s.Session(context.Background(), res.Session)
		require.NoError(t, err, "the session lasts SessionTTL from the code, not CodeTTL")
		require.Equal(t, b.fx.Admin.ID, p.UserID)
		_, err = b.s.PendingSignIn(context.Background(), res.Session)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "it awaits nothing any more")
		_, err = b.s.CompleteSignIn(context.Background(), res.Session, appCode(t, secret, b.clk.Now()))
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
	})

	t.Run("codes 30 seconds off work, each once", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		at := now.Add(10 * time.Minute)
		b.clk.Set(at)
		for _, tc := range []struct {
			name   string
			offset time.Duration
			works  bool
		}{
			{"a minute old", -time.Minute, false},
			{"the step before", -30 * time.Second, true},
			{"the step before, again", -30 * time.Second, false},
			{"now", 0, true},
			{"now, again", 0, false},
			{"the step after", 30 * time.Second, true},
			{"a minute ahead", time.Minute, false},
		} {
			tok := awaitCode(t, b, b.fx)
			_, err := b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, at.Add(tc.offset)))
			if tc.works {
				require.NoError(t, err, tc.name)
				continue
			}
			requireField(t, err, sunshine.EInvalid, "code")
		}
	})

	t.Run("a recovery code works once, however typed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, codes := twoStepOn(t, b, b.fx)
		tok := awaitCode(t, b, b.fx)
		typed := " " + strings.ToUpper(codes[3][:9]) + " " + codes[3][10:] + " " // a space for a dash
		res, err := b.s.CompleteSignIn(context.Background(), tok, typed)
		require.NoError(t, err)
		require.True(t, res.Recovery)
		require.Equal(t, store.RecoveryCodes-1, res.RecoveryLeft)
		tok = awaitCode(t, b, b.fx)
		_, err = b.s.CompleteSignIn(context.Background(), tok, codes[3])
		requireField(t, err, sunshine.EInvalid, "code")
		// Read off paper: a 0 for an o, a 1 for an l, an 8 for a b.
		typed = strings.NewReplacer("o", "0", "l", "1", "b", "8").Replace(codes[4])
		res, err = b.s.CompleteSignIn(context.Background(), tok, typed)
		require.NoError(t, err)
		require.Equal(t, store.RecoveryCodes-2, res.RecoveryLeft)
		ts, err := b.s.TwoStepOf(b.fx.Ctx)
		require.NoError(t, err)
		require.Equal(t, store.RecoveryCodes-2, ts.CodesLeft)
		require.ElementsMatch(t, []string{
			"Two-step sign-in was turned on for your account: signing in now asks for a code from your authenticator app after your password.",
			"A recovery code was used to sign in to your account: 9 are left.",
			"A recovery code was used to sign in to your account: 8 are left.",
		}, twoStepNotices(t, b), "each emailed to them")
	})

	t.Run("too many wrong codes end the sign-in", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		b.clk.Set(now.Add(time.Minute))
		tok := awaitCode(t, b, b.fx)
		for range store.MaxCodeFailures - 1 {
			_, err := b.s.CompleteSignIn(context.Background(), tok, "999999")
			requireField(t, err, sunshine.EInvalid, "code")
		}
		_, err := b.s.CompleteSignIn(context.Background(), tok, "999999")
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the last wrong code ends it: %v", err)
		_, err = b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "even the right code is too late")
		_, err = b.s.Session(context.Background(), tok)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
		require.NotErrorIs(t, err, store.ErrAwaitingCode, "the session is gone")
		require.Contains(t, twoStepNotices(t, b), "Someone signed in with your password, then typed 5 wrong codes, and was stopped. "+
			"If it was not you, your password is known to someone else.", "the person is told")

		// A new sign-in starts its count again.
		tok = awaitCode(t, b, b.fx)
		_, err = b.s.CompleteSignIn(context.Background(), tok, "999999")
		requireField(t, err, sunshine.EInvalid, "code")
		_, err = b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.NoError(t, err)
	})

	t.Run("a sign-in waits CodeTTL for its code", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		b.clk.Set(now.Add(time.Minute))
		tok := awaitCode(t, b, b.fx)
		b.clk.Set(now.Add(time.Minute + store.CodeTTL))
		_, err := b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "%v", err)
		_, err = b.s.PendingSignIn(context.Background(), tok)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
	})

	t.Run("a reset link's sign-in awaits the code too", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		b.clk.Set(now.Add(time.Minute))
		n, err := b.s.RequestPasswordReset(context.Background(), b.fx.Admin.Email, baseURL)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		links := pendingLinks(t, b.s, b.fx, b.fx.Admin.ID, sunshine.ReminderPasswordReset)
		require.Len(t, links, 1)
		tok, _, err := b.s.ResetPassword(context.Background(), tokenOf(t, links[0]), "a brand new password")
		require.NoError(t, err)
		_, err = b.s.Session(context.Background(), tok)
		require.ErrorIs(t, err, store.ErrAwaitingCode, "a reset link is no second step")
		res, err := b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.NoError(t, err)
		_, err = b.s.Session(context.Background(), res.Session)
		require.NoError(t, err)
	})

	t.Run("turned off meanwhile, the sign-in starts again", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		secret, _ := twoStepOn(t, b, b.fx)
		b.clk.Set(now.Add(time.Minute))
		tok := awaitCode(t, b, b.fx)
		require.NoError(t, b.s.DisableTwoStep(b.fx.Ctx, stepPassword))
		_, err := b.s.CompleteSignIn(context.Background(), tok, appCode(t, secret, b.clk.Now()))
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "%v", err)
		_, err = b.s.Session(context.Background(), tok)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
		tok, _, _, err = b.s.Login(context.Background(), b.fx.Admin.Email, stepPassword)
		require.NoError(t, err)
		_, err = b.s.Session(context.Background(), tok)
		require.NoError(t, err, "the password alone now")
	})
}

// twoStepNotices is what the two-step notices waiting in the outbox say.
func twoStepNotices(t *testing.T, b testBundle) []string {
	t.Helper()
	rs, _, err := b.s.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var out []string
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Kind == sunshine.ReminderTwoStep {
			what, err := b.s.TwoStepNotice(context.Background(), rs[i].ID)
			require.NoError(t, err)
			out = append(out, what)
		}
	}
	return out
}

// Recovery codes made again replace the old ones; turning two-step off
// takes the password and is refused while the organization requires it;
// an admin turns a member's off, in their own organization only; and a
// person without it in an organization that requires it is told to set
// it up.
func TestStore_TwoStepOffResetAndRequired(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, old := twoStepOn(t, b, b.fx)

	_, err := b.s.NewRecoveryCodes(b.fx.Ctx, "not my password")
	requireField(t, err, sunshine.EInvalid, "password")
	fresh, err := b.s.NewRecoveryCodes(b.fx.Ctx, stepPassword)
	require.NoError(t, err)
	require.Len(t, fresh, store.RecoveryCodes)
	require.NotContains(t, fresh, old[0])
	tok := awaitCode(t, b, b.fx)
	_, err = b.s.CompleteSignIn(context.Background(), tok, old[0])
	requireField(t, err, sunshine.EInvalid, "code")
	res, err := b.s.CompleteSignIn(context.Background(), tok, fresh[0])
	require.NoError(t, err)
	tok = res.Session

	// Required: it cannot be turned off; a member without it must set it up.
	require.NoError(t, b.s.SetRequireTwoStep(b.fx.Ctx, true))
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(b.s.DisableTwoStep(b.fx.Ctx, stepPassword)))
	member := &sunshine.User{Email: "member@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.CreateUser(b.fx.Ctx, member))
	require.NoError(t, b.s.SetPassword(context.Background(), member.ID, stepPassword))
	mtok, _, _, err := b.s.Login(context.Background(), member.Email, stepPassword)
	require.NoError(t, err)
	p, err := b.s.Session(context.Background(), mtok)
	require.NoError(t, err, "required, a member without it still signs in, to set it up")
	require.True(t, p.SetUpTwoStep)
	p, err = b.s.Session(context.Background(), tok)
	require.NoError(t, err)
	require.False(t, p.SetUpTwoStep, "the admin has it")
	require.NoError(t, b.s.SetRequireTwoStep(b.fx.Ctx, false))
	p, err = b.s.Session(context.Background(), mtok)
	require.NoError(t, err)
	require.False(t, p.SetUpTwoStep)

	// Off, with the password: the password alone signs in.
	requireField(t, b.s.DisableTwoStep(b.fx.Ctx, "not my password"), sunshine.EInvalid, "password")
	require.NoError(t, b.s.DisableTwoStep(b.fx.Ctx, stepPassword))
	ts, err := b.s.TwoStepOf(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, store.TwoStep{}, ts)
	tok, _, _, err = b.s.Login(context.Background(), b.fx.Admin.Email, stepPassword)
	require.NoError(t, err)
	_, err = b.s.Session(context.Background(), tok)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{
		"Two-step sign-in was turned on for your account: signing in now asks for a code from your authenticator app after your password.",
		"New recovery codes were made for your account: the old ones no longer work.",
		"A recovery code was used to sign in to your account: 9 are left.",
		"Two-step sign-in was turned off for your account: signing in asks for your password only."}, twoStepNotices(t, b))

	// An admin turns a member's off: in their own organization only, not
	// their own; every session of the member ends (one may be on the lost
	// phone).
	other := storetest.Org(t, b.s, "other")
	otherSecret, _ := twoStepOn(t, b, other)
	b.clk.Set(now.Add(time.Minute))
	tok, _, _, err = b.s.Login(context.Background(), other.Admin.Email, stepPassword)
	require.NoError(t, err)
	res, err = b.s.CompleteSignIn(context.Background(), tok, appCode(t, otherSecret, b.clk.Now()))
	require.NoError(t, err)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.ResetTwoStep(b.fx.Ctx, other.Admin.ID)))
	u, err := b.s.FindUserByID(other.Ctx, other.Admin.ID)
	require.NoError(t, err)
	require.True(t, u.TwoStep, "another organization's admin keeps theirs")
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(b.s.ResetTwoStep(other.Ctx, other.Admin.ID)), "not one's own, without the password")
	operator := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: other.Org.ID})
	require.NoError(t, b.s.ResetTwoStep(operator, other.Admin.ID))
	_, err = b.s.Session(context.Background(), res.Session)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "signed out everywhere")
	u, err = b.s.FindUserByID(other.Ctx, other.Admin.ID)
	require.NoError(t, err)
	require.False(t, u.TwoStep)
	tok, _, _, err = b.s.Login(context.Background(), other.Admin.Email, stepPassword)
	require.NoError(t, err)
	_, err = b.s.Session(context.Background(), tok)
	require.NoError(t, err, "reset, the password alone signs in")
}

// The secret being set up stays the same while the page is shown again,
// for an hour; after that, or once the password changes, a new one
// replaces it, and a code of the old one no longer turns it on.
func TestStore_TwoStepSecretGoesStale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		after func(t *testing.T, b testBundle)
	}{
		{"an hour later", func(t *testing.T, b testBundle) { b.clk.Set(now.Add(time.Hour)) }},
		{"a new password", func(t *testing.T, b testBundle) {
			require.NoError(t, b.s.ChangePassword(b.fx.Ctx, stepPassword, stepPassword+" too", ""))
			require.NoError(t, b.s.SetPassword(context.Background(), b.fx.Admin.ID, stepPassword))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			require.NoError(t, b.s.SetPassword(context.Background(), b.fx.Admin.ID, stepPassword))
			first, err := b.s.BeginTwoStep(b.fx.Ctx)
			require.NoError(t, err)
			b.clk.Set(now.Add(59 * time.Minute))
			again, err := b.s.BeginTwoStep(b.fx.Ctx)
			require.NoError(t, err)
			require.Equal(t, first.Secret, again.Secret, "within the hour")
			b.clk.Set(now)
			tc.after(t, b)
			_, err = b.s.EnableTwoStep(b.fx.Ctx, stepPassword, appCode(t, first.Secret, b.clk.Now()), "")
			require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
			fresh, err := b.s.BeginTwoStep(b.fx.Ctx)
			require.NoError(t, err)
			require.NotEqual(t, first.Secret, fresh.Secret)
			_, err = b.s.EnableTwoStep(b.fx.Ctx, stepPassword, appCode(t, fresh.Secret, b.clk.Now()), "")
			require.NoError(t, err)
		})
	}
}
