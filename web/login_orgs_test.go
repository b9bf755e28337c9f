package web_test

import (
	"context"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const reporter = "reporter@example.org"

// member adds the reporter to f's organization, with password pw.
func (b *bundle) member(f storetest.Fixture, pw string) *sunshine.User {
	b.t.Helper()
	u := &sunshine.User{Email: reporter, Name: "Reporter", Role: sunshine.RoleStaff}
	require.NoError(b.t, b.st.CreateUser(f.Ctx, u))
	require.NoError(b.t, b.st.SetPassword(context.Background(), u.ID, pw))
	return u
}

// signedInAs checks that the browser's session is u's.
func (b *bundle) signedInAs(u *sunshine.User) {
	b.t.Helper()
	require.NotNil(b.t, b.cookie, "signed in")
	p, err := b.st.Session(context.Background(), b.cookie.Value)
	require.NoError(b.t, err)
	require.Equal(b.t, u.ID, p.UserID)
	require.Equal(b.t, u.OrgID, p.OrgID)
}

// choiceForm reads the organization choice page: the hidden fields it
// posts again, and the organizations offered (slug → label).
func choiceForm(t *testing.T, page string) (url.Values, map[string]string) {
	t.Helper()
	hidden := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		hidden.Add(m[1], html.UnescapeString(m[2]))
	}
	orgs := map[string]string{}
	re := regexp.MustCompile(`<input type="radio" id="(org-[^"]+)" name="org" value="([^"]+)"[^>]*>\s*<label for="([^"]+)">([^<]*)</label>`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		require.Equal(t, m[1], m[3], "each choice is labelled")
		orgs[html.UnescapeString(m[2])] = html.UnescapeString(m[4])
	}
	return hidden, orgs
}

// One person, accounts in two organizations, a password each: each
// password signs in to its own organization, with no question asked.
func TestLogin_SameEmailDifferentPasswords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.st, "other")
	mine, theirs := b.member(b.fx, "first long password"), b.member(other, "second long password")
	for _, tc := range []struct {
		pw   string
		want *sunshine.User
	}{{"first long password", mine}, {"second long password", theirs}} {
		b.cookie = nil
		rec := b.post("/login", url.Values{"email": {reporter}, "password": {tc.pw}, "next": {"/requests"}})
		require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
		require.Equal(t, "/requests", rec.Header().Get("Location"))
		b.signedInAs(tc.want)
	}
	b.cookie = nil
	rec := b.post("/login", url.Values{"email": {reporter}, "password": {"neither long password"}})
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Contains(t, body(rec), "That email and password did not work.")
	require.NotContains(t, body(rec), `name="org"`)
	require.Nil(t, b.cookie)
}

// When one password opens accounts in several organizations, the page asks
// which, listing exactly those, and signs in to the one chosen. The page
// carries a one-time token for the accounts the password opened, never the
// password; a used, forged or tampered choice is refused and opens no
// session, and the choice is a same-site form like any other.
func TestLogin_ChooseOrganization(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other, third := storetest.Org(t, b.st, "other"), storetest.Org(t, b.st, "third")
	storetest.Org(t, b.st, "unrelated")
	mine, theirs := b.member(b.fx, password), b.member(other, password)
	b.member(third, "a different password")

	askWhich := func() url.Values {
		t.Helper()
		b.cookie = nil
		rec := b.post("/login", url.Values{"email": {reporter}, "password": {password}, "next": {"/requests/new"}})
		require.Equal(t, http.StatusOK, rec.Code, body(rec))
		require.Nil(t, b.cookie, "no session before the choice")
		page := body(rec)
		require.Contains(t, page, "<h1>Choose an organization</h1>")
		require.Contains(t, page, "<legend>"+reporter+" has an account with this password in several organizations. Sign in to:</legend>")
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		require.NotContains(t, page, password, "the page does not carry the password")
		hidden, orgs := choiceForm(t, page)
		require.Equal(t, map[string]string{b.fx.Org.Slug: "ndlon", other.Org.Slug: "other"}, orgs,
			"only the organizations whose account the password opened")
		require.Equal(t, []string{"choice", "email", "next"}, slices.Sorted(maps.Keys(hidden)))
		require.Equal(t, reporter, hidden.Get("email"))
		require.Equal(t, "/requests/new", hidden.Get("next"))
		require.Len(t, hidden.Get("choice"), 43)
		return hidden
	}
	choose := func(hidden url.Values, slug string) *httptest.ResponseRecorder {
		b.cookie = nil
		form := url.Values{"org": {slug}}
		for k, v := range hidden {
			form[k] = v
		}
		return b.post("/login", form)
	}
	refused := func(rec *httptest.ResponseRecorder, why string) {
		t.Helper()
		require.Equal(t, http.StatusUnauthorized, rec.Code, why)
		require.Contains(t, body(rec), "That sign-in has expired. Sign in again.", why)
		require.Contains(t, body(rec), `value="`+reporter+`"`, "%s: the email is kept", why)
		require.Nil(t, b.cookie, why)
	}

	for _, tc := range []struct {
		slug string
		want *sunshine.User
	}{{other.Org.Slug, theirs}, {b.fx.Org.Slug, mine}} {
		hidden := askWhich()
		rec := choose(hidden, tc.slug)
		require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
		require.Equal(t, "/requests/new", rec.Header().Get("Location"))
		b.signedInAs(tc.want)
		refused(choose(hidden, tc.slug), "a choice works once")
	}

	// An organization whose account the password does not open, one where
	// the email has no account, one that does not exist, and a forged
	// token: refused, no session.
	hidden := askWhich()
	for _, slug := range []string{third.Org.Slug, "unrelated", "no-such-org"} {
		refused(choose(hidden, slug), slug)
	}
	forged := url.Values{"email": {reporter}, "choice": {strings.Repeat("A", 43)}}
	refused(choose(forged, b.fx.Org.Slug), "forged token")
	// The old way, the password with an organization, picks nothing: with
	// two accounts opened, the page asks again.
	rec := b.post("/login", url.Values{"email": {reporter}, "password": {password}, "org": {other.Org.Slug}})
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), "<h1>Choose an organization</h1>")
	require.Nil(t, b.cookie)

	// The choice, like every form, is refused from another site.
	b.cookie = nil
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"choice": {hidden.Get("choice")}, "org": {b.fx.Org.Slug}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = b.do(req)
	require.Equal(t, http.StatusForbidden, rec.Code)
	require.Nil(t, b.cookie)
	// And the refused cross-site post did not use it up.
	rec = choose(hidden, b.fx.Org.Slug)
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	b.signedInAs(mine)
}

// A link from another of the person's organizations answers 404 where they
// are signed in; the page offers to sign in there and come back to it.
// Someone with one account is offered nothing, and the offer says nothing
// about whether the link's page exists.
func TestNotFound_OffersAnotherOrganization(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.st, "other")
	mine, theirs := b.member(b.fx, "first long password"), b.member(other, "second long password")
	a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Stop-and-frisk data", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(other.Ctx, r))
	path := "/requests/" + r.ID

	rec := b.post("/login", url.Values{"email": {reporter}, "password": {"first long password"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	b.signedInAs(mine)
	rec = b.get(path)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, body(rec), `<input type="hidden" name="next" value="`+path+`">`)
	require.Contains(t, body(rec), "Sign out and sign in to another organization")
	require.Contains(t, body(rec), "You are signed in to ndlon, and you also have an account in another.")
	// The same offer for a page that does not exist at all.
	require.Contains(t, body(b.get("/requests/00000000-0000-0000-0000-000000000000")), "Sign out and sign in to another organization")

	rec = b.post("/logout", url.Values{"next": {path}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/login?next="+url.QueryEscape(path), rec.Header().Get("Location"))
	require.Contains(t, body(b.get(rec.Header().Get("Location"))), `<input type="hidden" name="next" value="`+path+`">`)
	rec = b.post("/login", url.Values{"email": {reporter}, "password": {"second long password"}, "next": {path}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, path, rec.Header().Get("Location"))
	b.signedInAs(theirs)
	require.Equal(t, http.StatusOK, b.get(path).Code)

	// One account: nothing to switch to.
	b.cookie = nil
	b.login(b.fx.Admin.Email)
	rec = b.get(path)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.NotContains(t, body(rec), "another organization\n<form", "no offer")
	require.NotContains(t, body(rec), "Sign out and sign in")
	// A plain sign-out still lands on the sign-in page.
	require.Equal(t, "/login", b.post("/logout", nil).Header().Get("Location"))
}
