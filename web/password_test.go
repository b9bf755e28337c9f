package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
)

const forgotAnswer = "If an account uses that address, we have emailed a link to reset its password. The link works once, for 1 hour."

// resetLinks are the links of the pending reset emails to userID.
func resetLinks(t *testing.T, b *bundle, userID string) []string {
	t.Helper()
	rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var links []string
	for _, r := range rs {
		if r.Kind == sunshine.ReminderPasswordReset && r.RecipientID == userID {
			link, _, err := b.st.ResetPayload(context.Background(), r.ID)
			require.NoError(t, err)
			links = append(links, link)
		}
	}
	return links
}

// The forgot-password form answers the same for an address with an account
// and one without, so it tells nobody which addresses have accounts; only
// the first sends an email. Requests from one address are limited.
func TestForgotPassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	login := body(b.get("/login"))
	require.Contains(t, login, `<a href="/password/forgot">Forgot your password?</a>`)
	require.NotContains(t, login, "Ask an admin of your organization")

	rec := b.get("/password/forgot")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `<form method="post" action="/password/forgot"`)
	require.Equal(t, "same-origin", rec.Header().Get("Referrer-Policy"))

	known := b.post("/password/forgot", url.Values{"email": {b.fx.Admin.Email}})
	unknown := b.post("/password/forgot", url.Values{"email": {"nobody@ndlon.example"}})
	require.Equal(t, http.StatusOK, known.Code)
	require.Equal(t, known.Code, unknown.Code)
	require.Equal(t, body(known), body(unknown), "the same page for both")
	require.Contains(t, body(known), forgotAnswer)
	require.Len(t, resetLinks(t, b, b.fx.Admin.ID), 1)
	// Within two minutes: the same answer, and no second email.
	again := b.post("/password/forgot", url.Values{"email": {b.fx.Admin.Email}})
	require.Equal(t, body(known), body(again))
	require.Len(t, resetLinks(t, b, b.fx.Admin.ID), 1)

	// A Host of the sender's own does not make the link: the configured
	// address does (a link to their host would take the token to them).
	req := httptest.NewRequest("POST", "/password/forgot", strings.NewReader(url.Values{"email": {"host@ndlon.example"}}.Encode()))
	req.Host = "evil.example"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	hostUser := &sunshine.User{Email: "host@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, hostUser))
	require.Equal(t, http.StatusOK, b.do(req).Code)
	links := resetLinks(t, b, hostUser.ID)
	require.Len(t, links, 1)
	require.True(t, strings.HasPrefix(links[0], "https://sunshine.example/password/reset/"), links[0])

	rec = b.post("/password/forgot", url.Values{"email": {""}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="error" role="alert" id="forgot-error">Enter the email address you sign in with.</p>`)

	// From a cross-site form: refused, as every form is.
	req = httptest.NewRequest("POST", "/password/forgot", strings.NewReader(url.Values{"email": {b.fx.Admin.Email}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, b.do(req).Code)

	// Ten requests from one address in 15 minutes (four so far), then none.
	for i := 0; i < 6; i++ {
		rec = b.post("/password/forgot", url.Values{"email": {"someone@ndlon.example"}})
		require.Equal(t, http.StatusOK, rec.Code, i)
	}
	rec = b.post("/password/forgot", url.Values{"email": {"someone@ndlon.example"}})
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	require.Contains(t, body(rec), "Too many requests from here. Wait 15 minutes, then try again.")
}

// The whole reset: ask on the form, follow the emailed link, set a new
// password, and be signed in; the old password no longer works, the new
// one does, and the link works once. Its token never reaches the log.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	logs := &bytes.Buffer{}
	b := setupWith(t, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	b.login(b.fx.Admin.Email)
	elsewhere := b.cookie
	b.cookie = nil

	require.Equal(t, http.StatusOK, b.post("/password/forgot", url.Values{"email": {strings.ToUpper(b.fx.Admin.Email)}}).Code)
	links := resetLinks(t, b, b.fx.Admin.ID)
	require.Len(t, links, 1)
	path := strings.TrimPrefix(links[0], "https://sunshine.example")
	require.True(t, strings.HasPrefix(path, "/password/reset/"), path)
	token := strings.TrimPrefix(path, "/password/reset/")

	rec := b.get(path)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, `<form method="post" action="`+path+`" class="stack">`)
	require.Contains(t, page, `<label for="confirm">New password again</label>`)
	require.Equal(t, "same-origin", rec.Header().Get("Referrer-Policy"), "the token in the address goes to no other site")

	const newPassword = "a new long password"
	for _, tc := range []struct {
		name              string
		password, confirm string
		field, message    string
	}{
		{"ErrMismatch", newPassword, newPassword + "!", "confirm", "Type the same new password in both boxes."},
		{"ErrShort", "short", "short", "password", "Must be 10 to 72 characters."},
	} {
		rec = b.post(path, url.Values{"password": {tc.password}, "confirm": {tc.confirm}})
		require.Equal(t, http.StatusBadRequest, rec.Code, tc.name)
		require.Contains(t, body(rec), `<p class="field-error" id="`+tc.field+`-error">`+tc.message+`</p>`, tc.name)
		require.Contains(t, body(rec), `aria-describedby="`+tc.field+`-error"`, tc.name)
		require.Nil(t, b.cookie, tc.name)
	}

	rec = b.post(path, url.Values{"password": {newPassword}, "confirm": {newPassword}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/", rec.Header().Get("Location"))
	require.NotNil(t, b.cookie)
	require.Equal(t, http.StatusOK, b.get("/").Code, "signed in")

	// The session opened before the reset is over.
	b.cookie = elsewhere
	require.Equal(t, http.StatusSeeOther, b.get("/").Code, "signed out elsewhere")

	// The old password fails, the new one works.
	b.cookie = nil
	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {password}, "next": {"/"}})
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	rec = b.post("/login", url.Values{"email": {b.fx.Admin.Email}, "password": {newPassword}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)

	// The link works once.
	b.cookie = nil
	rec = b.post(path, url.Values{"password": {"yet another password"}, "confirm": {"yet another password"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `This link is not valid any more: links work once, for 1 hour. Ask for a new one. <a href="/password/forgot">Ask for a new link</a>.`)
	require.Nil(t, b.cookie)
	// Opened again, the page says so at once, with no form to fill in.
	rec = b.get(path)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, body(rec), `This link is not valid any more: links work once, for 1 hour. Ask for a new one. <a href="/password/forgot">Ask for a new link</a>.`)
	require.NotContains(t, body(rec), `<form method="post" action="`+path)

	require.NotContains(t, logs.String(), token)
	require.NotContains(t, logs.String(), newPassword)
	require.Contains(t, logs.String(), `"path":"/password/reset/[token]"`)
}

// An invitation's link is no reset link, nor the other way round: each page
// says its own message.
func TestPasswordReset_InvitationLinkRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := &sunshine.User{Email: "new@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.InviteUser(b.fx.Ctx, u, "https://sunshine.example"))
	rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	link, err := b.st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	token := strings.TrimPrefix(link, "https://sunshine.example/invite/")
	form := url.Values{"password": {"a long enough password"}, "confirm": {"a long enough password"}}
	rec := b.get("/password/reset/" + token)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, body(rec), "This link is not valid any more")
	require.Equal(t, http.StatusOK, b.get("/invite/"+token).Code)
	rec = b.post("/password/reset/"+token, form)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "This link is not valid any more")
	rec = b.post("/invite/"+token, form)
	require.Equal(t, http.StatusSeeOther, rec.Code, "it still works where it belongs")
}

// The settings page's change-password form: each mistake is named at its
// field and changes nothing; success keeps this browser signed in, signs
// out the others and says so.
func TestSettings_ChangePassword(t *testing.T) {
	t.Parallel()
	const newPassword = "a new long password"
	for _, tc := range []struct {
		name                   string
		current, next, confirm string
		field, message         string // "" for success
	}{
		{"ErrWrongCurrent", "not my password", newPassword, newPassword, "current-password", "Is not your current password."},
		{"ErrNoCurrent", "", newPassword, newPassword, "current-password", "Enter your current password."},
		{"ErrMismatch", password, newPassword, newPassword + "!", "confirm-password", "Type the same new password in both boxes."},
		{"ErrShort", password, "short", "short", "new-password", "Must be 10 to 72 characters."},
		{"OK", password, newPassword, newPassword, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			other := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
			other.login(b.fx.Admin.Email)
			b.login(b.fx.Admin.Email)
			page := body(b.get("/settings"))
			require.Contains(t, page, `<h2 id="password-h">Change your password</h2>`)
			require.Contains(t, page, `<a href="#password">Password</a>`)

			rec := b.post("/settings/password", url.Values{"current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.confirm}})
			if tc.field != "" {
				require.Equal(t, http.StatusBadRequest, rec.Code)
				require.Contains(t, body(rec), `aria-invalid="true" aria-describedby="`+tc.field+`-error"`)
				require.Contains(t, body(rec), `<p class="field-error" id="`+tc.field+`-error">`+tc.message+`</p>`)
				require.Equal(t, http.StatusOK, other.get("/").Code, "the other session stays")
				_, _, _, err := b.st.Login(context.Background(), b.fx.Admin.Email, password)
				require.NoError(t, err, "the password is unchanged")
				return
			}
			require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
			require.Equal(t, "/settings?saved=password#password", rec.Header().Get("Location"))
			require.Contains(t, body(b.get("/settings?saved=password")), "Your password was changed; other sign-ins were signed out.")
			require.Equal(t, http.StatusSeeOther, other.get("/").Code, "the other session ended")
			_, _, _, err := b.st.Login(context.Background(), b.fx.Admin.Email, newPassword)
			require.NoError(t, err)
		})
	}
}

// Guessing the current password through a session: five wrong tries in 15
// minutes, then every try is refused, the right password too, until the
// window moves on (in this process); another user is not affected.
func TestSettings_ChangePasswordRateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	try := func(b *bundle, current string) *httptest.ResponseRecorder {
		return b.post("/settings/password", url.Values{"current_password": {current}, "new_password": {"a new long password"}, "confirm_password": {"a new long password"}})
	}
	// A mistake elsewhere in the form does not count: the password was not tried.
	for range 3 {
		rec := b.post("/settings/password", url.Values{"current_password": {"guess"}, "new_password": {"short"}, "confirm_password": {"short"}})
		require.Contains(t, body(rec), `id="new-password-error"`)
	}
	for i := range 5 {
		rec := try(b, "guess number "+string(rune('a'+i)))
		require.Equal(t, http.StatusBadRequest, rec.Code, i)
	}
	rec := try(b, password)
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="current-password-error">Too many wrong tries. Wait 15 minutes, then try again.</p>`)
	_, _, _, err := b.st.Login(context.Background(), b.fx.Admin.Email, password)
	require.NoError(t, err, "unchanged")

	staff := &sunshine.User{Email: "staff@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, staff))
	require.NoError(t, b.st.SetPassword(context.Background(), staff.ID, password))
	colleague := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
	colleague.login(staff.Email)
	require.Equal(t, http.StatusSeeOther, try(colleague, password).Code, "each user's own count")
}
