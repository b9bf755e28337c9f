package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

var (
	tableRe   = regexp.MustCompile(`(?s)<table[^>]*>.*?</table>`)
	labelByRe = regexp.MustCompile(`^<table[^>]*\saria-labelledby="([^"]+)"`)
)

// requireTablesNamed checks that every table of the page has an accessible
// name: a caption, or aria-labelledby naming an element of the page.
func requireTablesNamed(t *testing.T, path, page string) {
	t.Helper()
	tables := tableRe.FindAllString(page, -1)
	require.NotEmpty(t, tables, "%s has no table to check", path)
	for _, table := range tables {
		if strings.Contains(table, "<caption") {
			continue
		}
		m := labelByRe.FindStringSubmatch(table)
		require.NotNil(t, m, "%s: a table without a caption or aria-labelledby: %.120s", path, table)
		for _, id := range strings.Fields(m[1]) {
			require.Contains(t, page, ` id="`+id+`"`, "%s: aria-labelledby names %q, which is not on the page", path, id)
		}
	}
}

// Every list table of the pages has a name a screen reader announces on
// entering it: its section's heading.
func TestTables_HaveNames(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	_, _, err := b.st.CreateToken(b.fx.Ctx, b.fx.Admin.ID, "records bot")
	require.NoError(t, err)
	_, err = b.st.AddClosure(b.fx.Ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: deadline.MustParseDate("2017-04-10"), Reason: "power outage"})
	require.NoError(t, err)
	b.failReminders(r)
	closed := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-01")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, closed))
	_, err = b.st.TransitionRequest(b.fx.Ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusDenied, EffectiveOn: deadline.MustParseDate("2017-04-03")})
	require.NoError(t, err)

	for _, path := range []string{"/", "/requests", "/agencies", "/agencies/" + a.ID, "/settings", "/reminders"} {
		rec := b.get(path)
		require.Equal(t, http.StatusOK, rec.Code, path)
		requireTablesNamed(t, path, body(rec))
	}
	page := body(b.get("/"))
	require.Contains(t, page, `<table class="rows" aria-labelledby="week-h">`)
	require.Contains(t, page, `<h2 id="week-h">Due in the next 7 days`)
	require.Contains(t, page, `<table class="rows" aria-labelledby="closed-h">`)
	settings := body(b.get("/settings"))
	require.Contains(t, settings, `<table class="rows" aria-labelledby="tokens-h">`)
	require.Contains(t, settings, `<table class="rows" aria-labelledby="users-h">`)
}

// A refused form's page says so first in its title, which a screen reader
// reads on arrival; a page shown as asked does not.
func TestTitle_SaysRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	require.Contains(t, body(b.get("/settings")), "<title>Settings · Sunshine</title>")
	rec := b.post("/settings/tokens", url.Values{"name": {"  "}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "<title>Error: Settings · Sunshine</title>")
	rec = b.get("/requests?status=bogus")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "<title>Error: Requests · Sunshine</title>")
	require.Contains(t, body(b.get("/requests")), "<title>Requests · Sunshine</title>")
}

// The Requests page's words look only at titles, descriptions and
// tracking numbers: when they match nothing, the page offers the full
// search, which looks through correspondence and documents too.
func TestRequestList_NoMatchOffersSearch(t *testing.T) {
	t.Parallel()
	l := setupList(t)
	page := body(l.get("/requests?q=" + url.QueryEscape("quetzal codename")))
	require.Empty(t, listedIDs(page))
	require.Contains(t, page, `<a href="/search?q=quetzal&#43;codename">Search for “quetzal codename” in correspondence and documents too</a>`)
	// Only a closed request matches: both ways on are offered.
	page = body(l.get("/requests?q=detention"))
	require.Contains(t, page, "but a closed one does")
	require.Contains(t, page, `<a href="/search?q=detention">`)
	// Something matches, or no words were typed: no offer.
	require.NotContains(t, body(l.get("/requests?q=detainer")), `href="/search?q=`)
	require.NotContains(t, body(l.get("/requests?tag=nothing-has-this")), `href="/search?q=`)
}

// An address with a typing mistake, or with a slash added, is a person's
// error: a browser gets a page, not the API's problem+json. A page's
// address with a slash goes to the page; the API's paths, and clients
// that ask for JSON, keep the problem.
func TestUnknownAddress_Page(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browse := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", accept)
		return b.do(req)
	}
	const html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

	// Signed out: the page, without the navigation.
	rec := browse("/dashboard", html)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Contains(t, body(rec), "<title>Error: Not found · Sunshine</title>")
	require.Contains(t, body(rec), "There is no page at this address.")
	require.Contains(t, body(rec), `<a href="/">Back to the dashboard</a>`)
	require.Contains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.NotContains(t, body(rec), `<nav aria-label="Main">`)

	b.login(b.fx.Admin.Email)
	for _, path := range []string{"/dashboard", "/request", "/settings/nope", "/requests/new/x"} {
		rec := browse(path, html)
		require.Equal(t, http.StatusNotFound, rec.Code, path)
		require.Contains(t, body(rec), "There is no page at this address.", path)
		require.Contains(t, body(rec), `<nav aria-label="Main">`, "signed in: the navigation, %s", path)
	}
	require.Equal(t, http.StatusNotFound, b.get("/dashboard").Code, "no Accept: a page too")
	require.Contains(t, body(b.get("/dashboard")), "There is no page at this address.")

	// A slash added: to the page, with its query.
	for path, to := range map[string]string{"/requests/": "/requests", "/settings/": "/settings",
		"/requests/?status=any": "/requests?status=any", "/agencies/": "/agencies", "/requests/new/": "/requests/new"} {
		rec := browse(path, html)
		require.Equal(t, http.StatusMovedPermanently, rec.Code, path)
		require.Equal(t, to, rec.Header().Get("Location"), path)
	}
	for _, path := range []string{"//evil.example/", "/nope/", "/requests//"} {
		rec := browse(path, html)
		require.Equal(t, http.StatusNotFound, rec.Code, path)
		require.Empty(t, rec.Header().Get("Location"), path)
	}

	// A form's address opened as a page (a refused form's page bookmarked,
	// /logout typed in): to the page the form is on.
	id := "6a1d8f0e-2b7c-4c55-9d3e-7f1a0b2c3d4e"
	for path, to := range map[string]string{"/logout": "/", "/requests/" + id + "/communications": "/requests/" + id,
		"/requests/" + id + "/extension/undo": "/requests/" + id, "/agencies/" + id + "/closures": "/agencies/" + id,
		"/communications/" + id + "/delete": "/communications/" + id + "/edit"} {
		rec := browse(path, html)
		require.Equal(t, http.StatusSeeOther, rec.Code, path)
		require.Equal(t, to, rec.Header().Get("Location"), path)
	}
	rec = browse("/api/v1/requests/"+id+"/extension", html)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code, "the API's wrong methods stay 405")
	require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))

	// The API's paths, and JSON clients elsewhere, keep the problem.
	for _, tc := range []struct{ path, accept string }{
		{"/api/v1/nope", html}, {"/api/v1/requests/", html}, {"/api", html}, {"/dashboard", "application/json"},
		{"/healthz/", "application/problem+json"},
	} {
		rec := browse(tc.path, tc.accept)
		require.Equal(t, http.StatusNotFound, rec.Code, tc.path)
		require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), tc.path)
		require.Contains(t, body(rec), "no such route", tc.path)
	}
}
