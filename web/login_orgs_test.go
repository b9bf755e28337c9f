package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	pathpkg "path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
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
// Someone with one account is offered nothing. A page that exists in one
// of the person's organizations names it (more in
// TestNotFound_NamesTheOrganizationThatHasIt); one that exists nowhere
// gets the general offer.
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
	require.Contains(t, body(rec), "Sign out and sign in to other</button>", "the organization it is in, named")
	// The general offer for a page that does not exist at all.
	page := body(b.get("/requests/00000000-0000-0000-0000-000000000000"))
	require.Contains(t, page, "Sign out and sign in to another organization")
	require.Contains(t, page, "You are signed in to ndlon, and you also have an account in another.")

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

// A link to a request (any of its pages), a communication or a document
// of another organization where the person has an active account of their
// own: the 404 names that organization and offers to sign in to it, coming
// back to the page. Anyone else, with no account there or a deactivated
// one, gets the page an ID that exists nowhere gets, byte for byte: the
// hint tells them nothing. The API's 404 does not change.
func TestNotFound_NamesTheOrganizationThatHasIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.st, "coalition")
	mine, theirs := b.member(b.fx, "first long password"), b.member(other, "second long password")
	a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Stop-and-frisk data", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(other.Ctx, r))
	cm, _, err := b.st.CreateCommunication(other.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-28"), Body: "Received."}})
	require.NoError(t, err)
	doc, err := b.st.CreateDocument(other.Ctx, store.NewDocument{RequestID: r.ID, Filename: "letter.txt", ContentType: "text/plain",
		Content: strings.NewReader("the agency's letter")})
	require.NoError(t, err)
	pages := []struct{ path, id, kind string }{
		{"/requests/" + r.ID, r.ID, "request"},
		{"/requests/" + r.ID + "/letter", r.ID, "request"},
		{"/requests/" + r.ID + "/copies", r.ID, "request"},
		{"/requests/" + r.ID + "/export.zip", r.ID, "request"},
		{"/communications/" + cm.ID + "/edit", cm.ID, "communication"},
		{"/communications/" + cm.ID + "/message.txt", cm.ID, "communication"},
		{"/documents/" + doc.ID + "/download", doc.ID, "document"},
		{"/documents/" + doc.ID + "/text", doc.ID, "document"},
	}
	const nowhere = "5c0a3f7e-2b9d-4e61-8f43-0d8e6a1b2c3d"
	hint := func(kind string) string {
		return "This " + kind + " is in coalition's Sunshine; you are signed in to ndlon. Sign in to coalition to open it."
	}

	rec := b.post("/login", url.Values{"email": {reporter}, "password": {"first long password"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	b.signedInAs(mine)
	for _, p := range pages {
		rec := b.get(p.path)
		require.Equal(t, http.StatusNotFound, rec.Code, p.path)
		page := html.UnescapeString(body(rec))
		require.Contains(t, page, "There is nothing here, or it belongs to another organization.", p.path)
		require.Contains(t, page, hint(p.kind), p.path)
		require.Contains(t, page, `<input type="hidden" name="next" value="`+p.path+`">`, p.path)
		require.Contains(t, page, "Sign out and sign in to coalition</button>", p.path)
		require.NotContains(t, page, "you also have an account in another", "the named offer, not the general one")
		// An ID that exists nowhere: the general offer, naming nobody.
		page = body(b.get(strings.ReplaceAll(p.path, p.id, nowhere)))
		require.Contains(t, page, "Sign out and sign in to another organization", p.path)
		require.NotContains(t, page, "coalition", p.path)
	}
	// The button signs out and comes back to the page once signed in there.
	rec = b.post("/logout", url.Values{"next": {pages[0].path}})
	require.Equal(t, "/login?next="+url.QueryEscape(pages[0].path), rec.Header().Get("Location"))
	rec = b.post("/login", url.Values{"email": {reporter}, "password": {"second long password"}, "next": {pages[0].path}})
	require.Equal(t, pages[0].path, rec.Header().Get("Location"), body(rec))
	b.signedInAs(theirs)
	require.Equal(t, http.StatusOK, b.get(pages[0].path).Code)

	// samePage asserts that the 404 for each page is the one for an ID that
	// exists nowhere, byte for byte (but for the address, when the page
	// offers to come back to it).
	samePage := func(t *testing.T) {
		t.Helper()
		for _, p := range pages {
			rec := b.get(p.path)
			require.Equal(t, http.StatusNotFound, rec.Code, p.path)
			got := strings.ReplaceAll(body(rec), p.id, nowhere)
			want := b.get(strings.ReplaceAll(p.path, p.id, nowhere))
			require.Equal(t, http.StatusNotFound, want.Code, p.path)
			require.Equal(t, body(want), got, p.path)
			require.NotContains(t, got, "coalition", p.path)
		}
	}
	t.Run("no account there", func(t *testing.T) {
		b.cookie = nil
		b.login(b.fx.Admin.Email)
		samePage(t)
		// Not even the address differs: the page offers nothing.
		require.Equal(t, body(b.get("/requests/"+nowhere)), body(b.get(pages[0].path)))
	})
	t.Run("a deactivated account there", func(t *testing.T) {
		// In ndlon, deactivated in coalition, active in a third
		// organization: the page offers the general sign-in elsewhere.
		const ana = "ana@example.org"
		third := storetest.Org(t, b.st, "third")
		var here *sunshine.User
		for i, f := range []storetest.Fixture{b.fx, other, third} {
			u := &sunshine.User{Email: ana, Name: "Ana", Role: sunshine.RoleStaff}
			require.NoError(t, b.st.CreateUser(f.Ctx, u))
			require.NoError(t, b.st.SetPassword(context.Background(), u.ID, fmt.Sprintf("password number %d", i)))
			switch f.Org.ID {
			case b.fx.Org.ID:
				here = u
			case other.Org.ID:
				_, err := b.st.SetUserActive(other.Ctx, u.ID, false)
				require.NoError(t, err)
			}
		}
		b.cookie = nil
		rec := b.post("/login", url.Values{"email": {ana}, "password": {"password number 0"}})
		require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
		b.signedInAs(here)
		require.Contains(t, body(b.get(pages[0].path)), "Sign out and sign in to another organization")
		samePage(t)
	})
	t.Run("the API", func(t *testing.T) {
		token, _, err := b.st.CreateToken(b.fx.Ctx, mine.ID, "api")
		require.NoError(t, err)
		api := func(path string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			b.engine.ServeHTTP(rec, req)
			return rec
		}
		for _, path := range []string{"/api/v1/requests/" + r.ID, "/api/v1/communications/" + cm.ID, "/api/v1/documents/" + doc.ID} {
			// The problem, but for its request_id (each answer's own).
			problem := func(rec *httptest.ResponseRecorder) map[string]any {
				t.Helper()
				require.Equal(t, http.StatusNotFound, rec.Code, path)
				require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), path)
				var p map[string]any
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
				require.NotEmpty(t, p["request_id"])
				delete(p, "request_id")
				return p
			}
			got := api(path)
			require.NotContains(t, body(got), "coalition", path)
			require.Equal(t, problem(api(pathpkg.Dir(path)+"/"+nowhere)), problem(got), path)
		}
	})
}
