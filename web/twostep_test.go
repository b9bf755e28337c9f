package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

var (
	qrImage      = regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)"`)
	secretShown  = regexp.MustCompile(`<code id="secret">([A-Z2-7 ]+)</code>`)
	recoveryCode = regexp.MustCompile(`<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>`)
)

// appCodeAt is the code an authenticator app shows for secret at t.
func appCodeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	require.NoError(t, err)
	return code
}

// setUpTwoStep turns on two-step sign-in through the set-up page for the
// signed-in person, as they would with their phone, and returns the
// app's secret and the recovery codes the page showed.
func (b *bundle) setUpTwoStep() (string, []string) {
	b.t.Helper()
	rec := b.get("/settings/two-step")
	require.Equal(b.t, http.StatusOK, rec.Code)
	m := secretShown.FindStringSubmatch(body(rec))
	require.NotNil(b.t, m, "the key to type is shown: %s", body(rec))
	secret := strings.ReplaceAll(m[1], " ", "")
	rec = b.post("/settings/two-step", url.Values{"code": {appCodeAt(b.t, secret, b.clk.Now())}, "password": {password}})
	require.Equal(b.t, http.StatusOK, rec.Code, body(rec))
	var codes []string
	for _, m := range recoveryCode.FindAllStringSubmatch(body(rec), -1) {
		codes = append(codes, m[1])
	}
	require.Len(b.t, codes, store.RecoveryCodes)
	return secret, codes
}

// signInAwaitingCode signs in with the password, going to next: the
// browser is sent to the code page.
func (b *bundle) signInAwaitingCode(email, next string) {
	b.t.Helper()
	rec := b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {next}})
	require.Equal(b.t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(b.t, next, rec.Header().Get("Location"))
	rec = b.get(next)
	require.Equal(b.t, http.StatusSeeOther, rec.Code)
	require.Equal(b.t, "/login/code?next="+url.QueryEscape(next), rec.Header().Get("Location"))
}

// A person sets up two-step sign-in from its page (the QR code and the key
// to type, then a code and their password), gets recovery codes once, and
// from then on signing in asks for the app's code, or a recovery code;
// they can turn it off with their password.
func TestTwoStep_SignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	rec := b.get("/settings")
	require.Contains(t, body(rec), `<a href="/settings/two-step">Set up two-step sign-in</a>`)

	rec = b.get("/settings/two-step")
	require.Equal(t, http.StatusOK, rec.Code)
	m := qrImage.FindStringSubmatch(body(rec))
	require.NotNil(t, m, "a QR code to scan")
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Equal(t, 240, img.Bounds().Dx())
	secret := strings.ReplaceAll(secretShown.FindStringSubmatch(body(rec))[1], " ", "")

	// Refused: a wrong code, a wrong password; nothing changes.
	rec = b.post("/settings/two-step", url.Values{"code": {"000000"}, "password": {password}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `aria-invalid="true" aria-describedby="setup-code-error"`)
	require.Contains(t, body(rec), "Did not work: type the six digits the app shows now")
	rec = b.post("/settings/two-step", url.Values{"code": {appCodeAt(t, secret, now)}, "password": {"not my password"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="on-password-error">Is not your current password.`)
	require.Contains(t, body(rec), secret[:4]+" "+secret[4:8], "the same key, to try again")
	me, err := b.st.FindUserByID(b.fx.Ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.False(t, me.TwoStep)

	gotSecret, codes := b.setUpTwoStep()
	require.Equal(t, secret, gotSecret)
	rec = b.get("/settings/two-step")
	require.Contains(t, body(rec), "Recovery codes left: 10.")
	require.NotContains(t, body(rec), codes[0], "recovery codes are shown once")
	require.NotContains(t, body(rec), "data:image/png", "no QR code once it is on")

	// Signing in asks for the code; nothing opens before it.
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.clk.Set(now.Add(time.Minute)) // the code used to turn it on works once
	b.signInAwaitingCode(b.fx.Admin.Email, "/requests")
	for _, path := range []string{"/", "/settings", "/settings/two-step"} {
		rec = b.get(path)
		require.Equal(t, "/login/code?next="+url.QueryEscape(path), rec.Header().Get("Location"), path)
	}
	rec = b.post("/requests/bulk", url.Values{"action": {"watch"}})
	require.Equal(t, "/login/code?next=%2F", rec.Header().Get("Location"), "a form goes to the code page too")
	rec = b.get("/login/code?next=%2Frequests")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), "Signing in to "+b.fx.Org.Name+" as "+b.fx.Admin.Email+".")
	require.Contains(t, body(rec), `autocomplete="one-time-code"`)

	rec = b.post("/login/code", url.Values{"code": {"123456"}, "next": {"/requests"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "That code did not work.")
	awaiting := b.cookie.Value
	rec = b.post("/login/code", url.Values{"code": {appCodeAt(t, secret, b.clk.Now())}, "next": {"/requests"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/requests", rec.Header().Get("Location"))
	require.NotEqual(t, awaiting, b.cookie.Value, "a new session token once the code is given")
	require.Equal(t, http.StatusOK, b.get("/requests").Code)
	rec = b.get("/login/code?next=%2Frequests")
	require.Equal(t, http.StatusSeeOther, rec.Code, "back to the code page once signed in: on to the page")
	require.Equal(t, "/requests", rec.Header().Get("Location"))

	// Cancel on the code page ends the sign-in.
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.signInAwaitingCode(b.fx.Admin.Email, "/")
	require.Contains(t, body(b.get("/login/code")), `<form method="post" action="/logout"><button type="submit" class="secondary">Cancel</button></form>`)
	awaiting = b.cookie.Value
	rec = b.post("/logout", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/login", rec.Header().Get("Location"))
	_, err = b.st.PendingSignIn(context.Background(), awaiting)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the sign-in is gone")

	// A recovery code: signed in, on to the page with a note of how many
	// are left.
	b.signInAwaitingCode(b.fx.Admin.Email, "/")
	rec = b.post("/login/code", url.Values{"code": {strings.ToUpper(codes[0])}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/", rec.Header().Get("Location"))
	rec = b.get("/")
	require.Contains(t, body(rec), "You signed in with a recovery code: 9 are left.")
	require.Contains(t, body(b.get("/settings/two-step")), "Recovery codes left: 9.")

	// New recovery codes replace the old ones, shown once.
	rec = b.post("/settings/two-step/codes", url.Values{"password": {"not my password"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="codes-password-error"`)
	rec = b.post("/settings/two-step/codes", url.Values{"password": {password}})
	require.Equal(t, http.StatusOK, rec.Code)
	fresh := recoveryCode.FindAllStringSubmatch(body(rec), -1)
	require.Len(t, fresh, store.RecoveryCodes)
	require.NotContains(t, body(rec), codes[1])

	// Off, with the password: the password alone signs in again.
	rec = b.post("/settings/two-step/off", url.Values{"password": {"not my password"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="off-password-error"`)
	rec = b.post("/settings/two-step/off", url.Values{"password": {password}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Contains(t, body(b.get("/settings/two-step")), "Two-step sign-in is off: signing in asks for your password only.")
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.login(b.fx.Admin.Email)
	require.Equal(t, http.StatusOK, b.get("/requests").Code)
}

// Wrong codes: a sign-in ends after store.MaxCodeFailures of them (the
// password is asked again), and an account takes at most 10 in 15 minutes
// across sign-ins, the right code too once past that.
func TestTwoStep_WrongCodes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	secret, _ := b.setUpTwoStep()
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.clk.Set(now.Add(time.Minute))

	b.signInAwaitingCode(b.fx.Admin.Email, "/")
	for range store.MaxCodeFailures - 1 {
		require.Equal(t, http.StatusBadRequest, b.post("/login/code", url.Values{"code": {"999999"}}).Code)
	}
	rec := b.post("/login/code", url.Values{"code": {"999999"}})
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Contains(t, body(rec), "That sign-in has ended: it expired, or too many codes were wrong. Sign in again.")
	require.Contains(t, body(rec), `<input id="password" name="password"`, "the sign-in form")
	rec = b.get("/login/code")
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Contains(t, body(rec), "That sign-in has expired. Sign in again.")

	// 4 more wrong in a new sign-in, then 1 in a third: 10 for the account.
	b.signInAwaitingCode(b.fx.Admin.Email, "/")
	for range store.MaxCodeFailures - 1 {
		require.Equal(t, http.StatusBadRequest, b.post("/login/code", url.Values{"code": {"999999"}}).Code)
	}
	b.signInAwaitingCode(b.fx.Admin.Email, "/")
	require.Equal(t, http.StatusBadRequest, b.post("/login/code", url.Values{"code": {"999999"}}).Code)
	rec = b.post("/login/code", url.Values{"code": {appCodeAt(t, secret, b.clk.Now())}})
	require.Equal(t, http.StatusTooManyRequests, rec.Code, "ten wrong codes for the account: even the right one waits")
	require.Contains(t, body(rec), "Too many wrong codes. Wait 15 minutes")
	_, err := b.st.Session(context.Background(), b.cookie.Value)
	require.ErrorIs(t, err, store.ErrAwaitingCode, "not signed in")
}

// An admin requires two-step sign-in: whoever has not set it up reaches
// only its set-up page (and signing out) until they have; it cannot be
// turned off while required; an admin turns off a member's who lost their
// phone, and the member sets it up again.
func TestTwoStep_Required(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := &sunshine.User{Email: "staff@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, staff))
	require.NoError(t, b.st.SetPassword(context.Background(), staff.ID, password))

	b.login(b.fx.Admin.Email)
	rec := b.post("/settings/two-step/require", url.Values{"required": {"on"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/settings/two-step", rec.Header().Get("Location"), "the admin without it: to set it up, with the note")
	require.Contains(t, body(b.get("/settings/two-step")), "Two-step sign-in is now required")
	// The admin has not set it up either: only the set-up page opens.
	for _, path := range []string{"/settings", "/", "/requests/new"} {
		rec = b.get(path)
		require.Equal(t, http.StatusSeeOther, rec.Code, path)
		require.Equal(t, "/settings/two-step", rec.Header().Get("Location"), path)
	}
	rec = b.get("/settings/two-step")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), "Your organization requires two-step sign-in: set it up here to go on.")
	adminSecret, _ := b.setUpTwoStep()
	rec = b.get("/settings")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `id="require-two-step" name="required" value="on" checked`)
	rec = b.get("/settings/two-step")
	require.NotContains(t, body(rec), "Turn off two-step sign-in", "required: no way to turn it off")

	// The member: sent to set it up, which they do.
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.login(staff.Email)
	require.Equal(t, "/settings/two-step", b.get("/requests").Header().Get("Location"))
	rec = b.post("/requests/bulk", url.Values{"action": {"watch"}})
	require.Equal(t, "/settings/two-step", rec.Header().Get("Location"), "forms too")
	b.setUpTwoStep()
	require.Equal(t, http.StatusOK, b.get("/requests").Code)
	// They lose their phone: an admin turns theirs off.
	require.Equal(t, http.StatusSeeOther, b.post("/logout", nil).Code)
	b.clk.Set(now.Add(time.Minute))
	b.cookie = nil
	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {"/settings"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	rec = b.post("/login/code", url.Values{"code": {appCodeAt(t, adminSecret, b.clk.Now())}, "next": {"/settings"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	rec = b.get("/settings")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `aria-label="Turn off two-step sign-in for staff@ndlon.example"`)
	require.NotContains(t, body(rec), `aria-label="Turn off two-step sign-in for `+b.fx.Admin.Email+`"`, "not one's own")
	rec = b.post("/settings/users/"+b.fx.Admin.ID+"/two-step/reset", nil)
	require.Equal(t, http.StatusConflict, rec.Code, "not one's own: that takes the password, on its page")
	require.Contains(t, body(rec), "Turn off your own two-step sign-in on its page, with your password.")
	rec = b.post("/settings/users/"+staff.ID+"/two-step/reset", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/settings?saved=two-step-reset#users", rec.Header().Get("Location"))
	require.Contains(t, body(b.get("/settings?saved=two-step-reset")), "Their two-step sign-in is off")
	u, err := b.st.FindUserByID(b.fx.Ctx, staff.ID)
	require.NoError(t, err)
	require.False(t, u.TwoStep)
	b.cookie = nil
	b.login(staff.Email) // the password alone, and the set-up page again
	require.Equal(t, "/settings/two-step", b.get("/requests").Header().Get("Location"))
	b.cookie = nil
	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {"/settings"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	b.clk.Set(now.Add(2 * time.Minute))
	rec = b.post("/login/code", url.Values{"code": {appCodeAt(t, adminSecret, b.clk.Now())}, "next": {"/settings"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))

	// No longer required: those who have it keep it.
	rec = b.post("/settings/two-step/require", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	me, err := b.st.FindUserByID(b.fx.Ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.True(t, me.TwoStep)
	require.Contains(t, body(b.get("/settings/two-step")), "Turn off two-step sign-in")
}
