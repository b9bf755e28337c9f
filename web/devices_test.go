package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// loginFrom signs in as email from a browser that says ua.
func (b *bundle) loginFrom(email, ua string) {
	b.t.Helper()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {email}, "password": {password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", ua)
	req.RemoteAddr = "203.0.113.9:40000"
	require.Equal(b.t, http.StatusSeeOther, b.do(req).Code)
}

// Settings lists where the person is signed in, by browser, this one
// first and marked; they sign another out, or all of them.
func TestSessions_SignOutElsewhere(t *testing.T) {
	t.Parallel()
	b := setup(t)
	phone := *b // another browser: its own cookie
	phone.cookie = nil
	phone.loginFrom(b.fx.Admin.Email, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1")
	b.loginFrom(b.fx.Admin.Email, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0")

	rec := b.get("/settings")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, `<td data-label="Browser">Firefox on Windows <strong>(this browser)</strong></td>`)
	require.Contains(t, page, `<td data-label="Browser">Safari on iPhone</td>`)
	require.Contains(t, page, `<td data-label="Address">203.0.113.9</td>`)
	require.Less(t, strings.Index(page, "Firefox on Windows"), strings.Index(page, "Safari on iPhone"), "this browser first")
	require.Contains(t, page, "Sign out everywhere else")

	sessions, err := b.st.MySessions(b.fx.Ctx, b.cookie.Value)
	require.NoError(t, err)
	require.Len(t, sessions, 2)
	rec = b.post("/settings/sessions/"+sessions[1].ID+"/end", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Contains(t, body(b.get("/settings?saved=session-ended")), "That browser is signed out.")
	rec = phone.get("/")
	require.Equal(t, http.StatusSeeOther, rec.Code, "the phone is signed out")
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login"))
	require.Equal(t, http.StatusOK, b.get("/").Code, "this browser is not")
	require.Equal(t, http.StatusNotFound, b.post("/settings/sessions/"+sessions[1].ID+"/end", nil).Code, "gone already")

	// Everywhere else.
	phone.cookie = nil
	phone.loginFrom(b.fx.Admin.Email, "curl/8.5.0")
	rec = b.post("/settings/sessions/end-others", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, http.StatusSeeOther, phone.get("/").Code)
	require.Equal(t, http.StatusOK, b.get("/").Code)
	page = body(b.get("/settings"))
	require.NotContains(t, page, "Sign out everywhere else", "only this browser is left")

	// Another person's session cannot be ended from here.
	staff := &sunshine.User{Email: "staff@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, staff))
	require.NoError(t, b.st.SetPassword(context.Background(), staff.ID, password))
	colleague := *b
	colleague.cookie = nil
	colleague.login(staff.Email)
	theirs, err := b.st.MySessions(sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: staff.ID, Role: staff.Role}), colleague.cookie.Value)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, b.post("/settings/sessions/"+theirs[0].ID+"/end", nil).Code)
	require.Equal(t, http.StatusOK, colleague.get("/").Code)
}
