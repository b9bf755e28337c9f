package web_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/web"
)

// listFixture is the dashboard's requests plus the ones no dashboard
// section shows: a draft, one under a law with no statutory date, and one
// due in 30 days.
type listFixture struct {
	*dashFixture
	fl                  *sunshine.Agency
	draft, florida, far *sunshine.Request
}

func setupList(t *testing.T) *listFixture {
	t.Helper()
	d := setupDash(t)
	ctx := d.fx.Ctx
	l := &listFixture{dashFixture: d}
	l.draft = &sunshine.Request{AgencyID: d.sac.ID, Title: "Draft: body camera policy", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, d.st.CreateRequest(ctx, l.draft))
	require.Equal(t, sunshine.StatusDraft, l.draft.Status)

	l.fl = d.dashAgency(ctx, "Miami-Dade Police Department", "us-fl")
	l.florida = d.dashRequest(ctx, l.fl, "Miami-Dade 287(g) task force records", "Task force records.", "2017-03-27")
	require.Equal(t, sunshine.StatusSubmitted, l.florida.Status)
	require.True(t, l.florida.EffectiveDueOn().IsZero(), "Florida: promptly, no statutory date")

	l.far = d.dashRequest(ctx, d.ice, "Detainer statistics for 2016", "Counts by month.", "2017-04-03")
	var err error
	l.far, err = d.st.SetCustomDueOn(ctx, l.far.ID, dashToday.AddDays(30), "agreed by phone")
	require.NoError(t, err)
	tracking := "FOIA-2017-0042"
	l.far, err = d.st.UpdateRequest(ctx, l.far.ID, sunshine.RequestUpdate{TrackingNumber: &tracking})
	require.NoError(t, err)
	return l
}

var requestLinkRe = regexp.MustCompile(`<td data-label="Request"><a href="/requests/([0-9a-f-]{36})">`)

// listedIDs are the requests a Requests page lists, in its order.
func listedIDs(page string) []string {
	var ids []string
	for _, m := range requestLinkRe.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// listRow is the table row of the request with the id.
func listRow(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<a href="/requests/`+id+`">`)
	require.GreaterOrEqual(t, i, 0, "request %s is not listed", id)
	start := strings.LastIndex(page[:i], "<tr>")
	end := strings.Index(page[i:], "</tr>")
	require.True(t, start >= 0 && end > 0)
	return page[start : i+end]
}

// nextLink is the page's "Next page" link, or "".
func nextLink(page string) string {
	m := regexp.MustCompile(`<a href="([^"]*)" rel="next">Next page</a>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// storeOrder walks FindRequests over f, the order the page must keep.
func storeOrder(t *testing.T, b *bundle, f sunshine.RequestFilter) []string {
	t.Helper()
	var ids []string
	f.Limit = 200
	for {
		rs, next, err := b.st.FindRequests(b.fx.Ctx, f)
		require.NoError(t, err)
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if next == "" {
			return ids
		}
		f.After = next
	}
}

func TestRequestList(t *testing.T) {
	t.Parallel()
	l := setupList(t)
	rec := l.get("/requests")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page := body(rec)

	require.Contains(t, page, `<a href="/requests" aria-current="page">Requests</a>`, "in the main navigation")
	require.Contains(t, page, `<th scope="col">Tracking number</th>`)
	require.Contains(t, page, `<label for="f-status">Status</label>`)
	require.Contains(t, page, `href="/export/requests.csv"`)
	// Unasked, the open requests: closed ones, with their past due dates,
	// would otherwise come first.
	require.Contains(t, page, `<h2 id="list-h">Open requests</h2>`)
	require.Contains(t, page, `<option value="open" selected>any open status</option>`)
	require.Equal(t, storeOrder(t, l.bundle, sunshine.RequestFilter{Statuses: sunshine.OpenStatuses}), listedIDs(page))
	require.NotContains(t, listedIDs(page), l.closed.ID)

	// Any status: every request of the organization, in the store's order
	// (due date, no date last).
	page = body(l.get("/requests?status=any"))
	require.Contains(t, page, `<option value="any" selected>Any status, open or closed</option>`)
	require.Contains(t, page, `href="/export/requests.csv?status=any"`)
	want := storeOrder(t, l.bundle, sunshine.RequestFilter{})
	require.Len(t, want, 9)
	require.Equal(t, want, listedIDs(page))
	require.Empty(t, nextLink(page), "one page")

	// What no dashboard section shows.
	draft := listRow(t, page, l.draft.ID)
	require.Contains(t, draft, "Draft: body camera policy")
	require.Contains(t, draft, `<span class="pill">draft</span>`)
	require.Contains(t, draft, "not sent yet")
	florida := listRow(t, page, l.florida.ID)
	require.Contains(t, florida, "Miami-Dade Police Department")
	require.Contains(t, florida, "no statutory date")
	far := listRow(t, page, l.far.ID)
	require.Contains(t, far, `<time datetime="2017-05-05">Fri 5 May 2017</time> · due in 30 days</span>`)
	require.Contains(t, far, "FOIA-2017-0042")

	// The dashboard's wording for the rest.
	soon := listRow(t, page, l.soon.ID)
	require.Contains(t, soon, `<span class="due due-soon"><time datetime="2017-04-06">Thu 6 Apr 2017</time> · due tomorrow</span>`)
	require.Contains(t, soon, `<td data-label="Assignee">`+l.fx.Admin.Name+`</td>`)
	require.Contains(t, listRow(t, page, l.late.ID), fmt.Sprintf("%d days late", l.late.DueOn.DaysUntil(dashToday)))
	require.Contains(t, listRow(t, page, l.waiting.ID), "clock paused: waiting on us")
	closed := listRow(t, page, l.closed.ID)
	require.Contains(t, closed, `<span class="pill">denied</span>`)
	require.Contains(t, closed, "Mon 3 Apr 2017", "the closing date")
	require.Contains(t, page, "=HYPERLINK(&#34;http://evil.example&#34;)", "titles are escaped")

	// Another organization's request is never listed.
	require.NotContains(t, page, l.other.ID)
	require.NotContains(t, page, l.other.Title)
	require.NotContains(t, page, "Other County Sheriff")
}

func TestRequestList_Filters(t *testing.T) {
	t.Parallel()
	l := setupList(t)
	listed := func(path string) []string {
		t.Helper()
		rec := l.get(path)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", path, body(rec))
		return listedIDs(body(rec))
	}

	require.Equal(t, []string{l.draft.ID}, listed("/requests?status=draft"))
	require.Equal(t, []string{l.closed.ID}, listed("/requests?status=denied"))
	require.Equal(t, []string{l.waiting.ID}, listed("/requests?status=awaiting_requester"))
	open := listed("/requests?status=open")
	require.Len(t, open, 8)
	require.NotContains(t, open, l.closed.ID)
	require.Contains(t, open, l.draft.ID)
	require.Equal(t, []string{l.closed.ID}, listed("/requests?status=closed"))
	require.ElementsMatch(t, []string{l.soon.ID}, listed("/requests?tag=cpra"))
	require.ElementsMatch(t, []string{l.soon.ID}, listed("/requests?assignee_id="+l.fx.Admin.ID))
	require.ElementsMatch(t, []string{l.waiting.ID, l.formula.ID, l.far.ID}, listed("/requests?agency_id="+l.ice.ID), "open ones unless asked")
	require.ElementsMatch(t, []string{l.waiting.ID, l.closed.ID, l.formula.ID, l.far.ID}, listed("/requests?status=any&agency_id="+l.ice.ID))
	require.ElementsMatch(t, []string{l.florida.ID}, listed("/requests?agency_id="+l.fl.ID+"&status=submitted"))
	// Words: the other organization's request also mentions detainers.
	require.ElementsMatch(t, []string{l.soon.ID, l.far.ID}, listed("/requests?q=detainer"))

	// The form keeps the filters, and the export link has them.
	page := body(l.get("/requests?status=draft&agency_id=" + l.sac.ID + "&q=camera"))
	require.Contains(t, page, `<option value="draft" selected>draft</option>`)
	require.Contains(t, page, `<option value="`+l.sac.ID+`" selected>`)
	require.Contains(t, page, `name="q" type="search" value="camera"`)
	require.Contains(t, page, `href="/export/requests.csv?agency_id=`+l.sac.ID+`&amp;q=camera&amp;status=draft"`)
	require.Contains(t, page, `<a href="/requests">Clear filters</a>`)
	rec := l.get("/export/requests.csv?agency_id=" + l.sac.ID + "&q=camera&status=draft")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	rows, err := csv.NewReader(strings.NewReader(body(rec))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, l.draft.ID, rows[1][0])
	rec = l.get("/export/requests.csv?status=closed")
	require.Equal(t, http.StatusOK, rec.Code, "the page's status groups export too")

	// Unassigned: every request but the admin's (open ones unless asked).
	require.Equal(t, storeOrder(t, l.bundle, sunshine.RequestFilter{Statuses: sunshine.OpenStatuses, Unassigned: true}),
		listed("/requests?assignee_id=none"))
	unassigned := listed("/requests?assignee_id=none")
	require.Len(t, unassigned, 7)
	require.NotContains(t, unassigned, l.soon.ID)
	require.ElementsMatch(t, append(unassigned, l.closed.ID), listed("/requests?assignee_id=none&status=any"))
	// By law: the law each request was filed under.
	require.Equal(t, []string{l.florida.ID}, listed("/requests?jurisdiction=us-fl"))
	require.ElementsMatch(t, []string{l.waiting.ID, l.formula.ID, l.far.ID}, listed("/requests?jurisdiction=us-federal"))
	require.ElementsMatch(t, []string{l.late.ID, l.dueToday.ID, l.draft.ID}, listed("/requests?jurisdiction=us-ca&assignee_id=none"))
	require.Empty(t, listed("/requests?jurisdiction=us-ny"), "a law no request is under")

	// The Law choices: the laws of the organization's agencies, by name;
	// not every law, nor another organization's.
	page = body(l.get("/requests"))
	require.Contains(t, page, `<label for="f-law">Law</label>`)
	require.Contains(t, page, `<option value="">Any law</option>`)
	require.Contains(t, page, `<option value="us-ca">California: CPRA</option>`+
		`<option value="us-fl">Florida: Chapter 119</option><option value="us-federal">United States (federal): FOIA</option>`+"\n")
	require.Contains(t, page, `<option value="none">Unassigned</option>`)
	require.NotContains(t, page, `value="us-ny"`)

	// The form keeps the new filters too, and the export link has them.
	page = body(l.get("/requests?assignee_id=none&jurisdiction=us-federal&status=any"))
	require.Contains(t, page, `<option value="none" selected>Unassigned</option>`)
	require.Contains(t, page, `<option value="us-federal" selected>United States (federal): FOIA</option>`)
	require.Contains(t, page, `href="/export/requests.csv?assignee_id=none&amp;jurisdiction=us-federal&amp;status=any"`)
	rec = l.get("/export/requests.csv?assignee_id=none&jurisdiction=us-federal&status=any")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(body(rec), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	var exported []string
	for _, row := range rows[1:] {
		exported = append(exported, row[0])
		require.Equal(t, "us-federal", row[3])
		require.Empty(t, row[10], "no assignee")
	}
	require.ElementsMatch(t, []string{l.waiting.ID, l.closed.ID, l.formula.ID, l.far.ID}, exported)
	// A chosen law that no agency or request of the organization is under
	// stays chosen.
	page = body(l.get("/requests?jurisdiction=us-ny"))
	require.Contains(t, page, `<option value="us-ny" selected>New York: FOIL</option>`)

	// Nothing matches: the page says what to do.
	page = body(l.get("/requests?tag=nothing-has-this"))
	require.Empty(t, listedIDs(page))
	require.Contains(t, page, "No request matches these filters.")
	// Only a closed request matches: the page says so and links to it,
	// so a denied request does not look as if it did not exist.
	page = body(l.get("/requests?q=detention"))
	require.Empty(t, listedIDs(page))
	require.Contains(t, page, `No open request matches these filters, but a closed one does. <a href="/requests?q=detention&amp;status=any">Show closed requests too</a>`)
	require.Equal(t, []string{l.closed.ID}, listedIDs(body(l.get("/requests?q=detention&status=any"))))
	// Another organization's agency matches nothing here.
	page = body(l.get("/requests?agency_id=" + l.other.AgencyID))
	require.Empty(t, listedIDs(page))
	require.NotContains(t, page, l.other.Title)
}

func TestRequestList_BadFilters(t *testing.T) {
	t.Parallel()
	l := setupList(t)
	for _, c := range []struct {
		query, field, says string
	}{
		{"status=bogus", "f-status", "unknown status “bogus”"},
		{"agency_id=nope", "f-agency", "“nope” is not an agency&#39;s ID"},
		{"assignee_id=12345", "f-assignee", "“12345” is not a person&#39;s ID; choose a person, or Unassigned, from the list"},
		{"assignee_id=None", "f-assignee", "“None” is not a person&#39;s ID"},
		{"jurisdiction=us-zz", "f-law", "unknown law “us-zz”; choose a law from the list"},
		{"jurisdiction=New%20York", "f-law", "unknown law “New York”"},
		{"q=" + strings.Repeat("x", 501), "f-q", "must be at most 500 characters"},
	} {
		rec := l.get("/requests?" + c.query)
		require.Equal(t, http.StatusBadRequest, rec.Code, c.query)
		page := body(rec)
		require.Contains(t, page, `role="alert"`, c.query)
		require.Contains(t, page, `<p class="field-error" id="`+c.field+`-error">`, c.query)
		require.Regexp(t, `id="`+c.field+`"[^>]*aria-invalid="true"`, page, c.query)
		require.Regexp(t, `id="`+c.field+`"[^>]*aria-describedby="[^"]*`+c.field+`-error`, page, c.query)
		require.Contains(t, page, c.says, c.query)
		require.Empty(t, listedIDs(page), c.query)
	}

	require.Equal(t, http.StatusBadRequest, l.get("/export/requests.csv?q=%ff").Code)
	require.Equal(t, http.StatusBadRequest, l.get("/export/requests.csv?jurisdiction=us-zz").Code)
	require.Equal(t, http.StatusBadRequest, l.get("/export/requests.csv?assignee_id=nobody").Code)
	require.Equal(t, http.StatusBadRequest, l.get("/?tag=%ff").Code, "the dashboard's tag too")
	require.Equal(t, http.StatusOK, l.get("/requests").Code, "the database is still fine")

	// Every bad field at once.
	page := body(l.get("/requests?status=bogus&agency_id=nope&jurisdiction=us-zz&assignee_id=nobody"))
	require.Contains(t, page, `id="f-status-error"`)
	require.Contains(t, page, `id="f-agency-error"`)
	require.Contains(t, page, `id="f-law-error"`)
	require.Contains(t, page, `id="f-assignee-error"`)
	require.NotContains(t, page, `value="us-zz"`, "an unknown law is not offered")

	// A cursor that is not one of this list's: a link back to the first page.
	for _, cursor := range []string{
		"garbage!",
		base64.RawURLEncoding.EncodeToString([]byte("requests\x002017-13-45\x00" + l.soon.ID)),
		base64.RawURLEncoding.EncodeToString([]byte("agencies\x00x\x00" + l.soon.ID)),
		base64.RawURLEncoding.EncodeToString([]byte("requests\x002017-04-06\x00not-a-uuid")),
	} {
		rec := l.get("/requests?status=any&cursor=" + cursor)
		require.Equal(t, http.StatusBadRequest, rec.Code, cursor)
		page := body(rec)
		require.Contains(t, page, "the page link is broken or out of date", cursor)
		require.Contains(t, page, `<a href="/requests?status=any">Start again from the first page</a>`, cursor)
		require.Empty(t, listedIDs(page), cursor)
	}
}

func TestRequestList_Paging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.fx.Ctx
	sac := b.dashAgency(ctx, "Sacramento County Sheriff's Department", "us-ca")
	fl := b.dashAgency(ctx, "Miami-Dade Police Department", "us-fl")
	var mine []string
	drafts := map[string]bool{}
	for i := range 130 {
		r := &sunshine.Request{AgencyID: sac.ID, Title: fmt.Sprintf("Request %03d", i), DeliveryMethod: sunshine.DeliveryEmail}
		switch i % 4 {
		case 0: // a draft: no date
		case 1: // no statutory date
			r.AgencyID, r.ReceivedOn = fl.ID, deadline.MustParseDate("2017-03-01")
		default: // due dates spread over a month, several on each day
			r.ReceivedOn = deadline.MustParseDate("2017-03-01").AddDays(i % 25)
		}
		require.NoError(t, b.st.CreateRequest(ctx, r))
		mine = append(mine, r.ID)
		if r.Status == sunshine.StatusDraft {
			drafts[r.ID] = true
		}
	}
	other := storetest.Org(t, b.st, "other")
	oa := b.dashAgency(other.Ctx, "Other County Sheriff", "us-ca")
	foreign := b.dashRequest(other.Ctx, oa, "Other organization's request", "Secret.", "2017-03-27")
	b.login(b.fx.Admin.Email)

	walk := func(path string) (ids []string, pages int) {
		t.Helper()
		for path != "" {
			rec := b.get(path)
			require.Equal(t, http.StatusOK, rec.Code, "%s: %s", path, body(rec))
			page := body(rec)
			got := listedIDs(page)
			require.LessOrEqual(t, len(got), 50, path)
			require.NotContains(t, page, foreign.ID)
			ids = append(ids, got...)
			pages++
			next := nextLink(page)
			if next != "" {
				require.Len(t, got, 50, "a page before the last is full")
			}
			if strings.Contains(path, "cursor=") {
				require.Contains(t, page, "First page</a>", path)
			}
			path = next
		}
		return ids, pages
	}

	ids, pages := walk("/requests")
	require.Equal(t, 3, pages)
	require.Equal(t, storeOrder(t, b, sunshine.RequestFilter{}), ids, "every request once, in the store's order")
	require.ElementsMatch(t, mine, ids)
	// By due date, requests with no date last.
	var dues []deadline.Date
	for _, id := range ids {
		r, err := b.st.FindRequestByID(ctx, id)
		require.NoError(t, err)
		dues = append(dues, r.EffectiveDueOn())
	}
	require.True(t, slices.IsSortedFunc(dues, func(a, c deadline.Date) int {
		switch {
		case a == c:
			return 0
		case a.IsZero():
			return 1
		case c.IsZero():
			return -1
		case a.Before(c):
			return -1
		}
		return 1
	}), "ordered by due date, no date last")

	// Paging keeps the filters.
	ids, pages = walk("/requests?status=draft")
	require.Equal(t, 1, pages)
	require.Len(t, ids, len(drafts))
	rec := b.get("/requests?status=any")
	require.Contains(t, nextLink(body(rec)), "status=any")
	ids, _ = walk("/requests?status=any")
	require.ElementsMatch(t, mine, ids)
	// The unassigned and law filters too (every request here is unassigned).
	next := nextLink(body(b.get("/requests?assignee_id=none&jurisdiction=us-ca")))
	require.Contains(t, next, "assignee_id=none")
	require.Contains(t, next, "jurisdiction=us-ca")
	ids, pages = walk("/requests?assignee_id=none&jurisdiction=us-ca")
	require.Equal(t, 2, pages)
	require.Equal(t, storeOrder(t, b, sunshine.RequestFilter{Statuses: sunshine.OpenStatuses, Unassigned: true, Jurisdictions: []string{"us-ca"}}), ids)
	require.Len(t, ids, 130-130/4-1) // not the Florida ones (i % 4 == 1)
	for _, id := range ids[:len(drafts)] {
		require.False(t, drafts[id])
	}

	// Past the last page: nothing more, and a way back.
	rec = b.get("/requests")
	second := nextLink(body(rec))
	require.NotEmpty(t, second)
	third := nextLink(body(b.get(second)))
	last := body(b.get(third))
	require.Empty(t, nextLink(last))
	require.Contains(t, last, `<a href="/requests">First page</a>`)
}

func TestRequestList_ViewerAndEmpty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.fx.Ctx
	b.login(b.fx.Admin.Email)
	page := body(b.get("/requests"))
	require.Contains(t, page, "Your organization has no requests yet.")
	require.Contains(t, page, `<a href="/requests/new">File the first one</a>`)

	sac := b.dashAgency(ctx, "Sacramento County Sheriff's Department", "us-ca")
	draft := &sunshine.Request{AgencyID: sac.ID, Title: "Draft: jail contracts", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(ctx, draft))
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	b.cookie = nil
	b.login(viewer.Email)
	rec := b.get("/requests")
	require.Equal(t, http.StatusOK, rec.Code)
	page = body(rec)
	require.Equal(t, []string{draft.ID}, listedIDs(page))
	require.NotContains(t, page, `<a class="button" href="/requests/new">`, "viewers cannot file requests")
	require.NotContains(t, page, `form="bulk"`, "nor change requests in bulk")
	require.NotContains(t, page, "Change the selected requests")
	rec = b.post("/requests/bulk", url.Values{"id": {draft.ID}, "action": {"watch"}})
	require.Equal(t, http.StatusForbidden, rec.Code)
}

// The dashboard's sections never show a draft: filtering it by that status
// goes to the Requests page, filters kept; other filters link there.
func TestDashboard_StatusNoSectionShows(t *testing.T) {
	t.Parallel()
	l := setupList(t)
	rec := l.get("/?status=draft&agency_id=" + l.sac.ID)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	loc := rec.Header().Get("Location")
	require.Equal(t, "/requests?agency_id="+l.sac.ID+"&status=draft", loc)
	require.Equal(t, []string{l.draft.ID}, listedIDs(body(l.get(loc))))

	rec = l.get("/?status=submitted")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `<a href="/requests?status=submitted">See every request that matches these filters</a>`)
	require.Contains(t, body(l.get("/")), `<a href="/requests?status=any">See every request</a>`, "closed ones too")
	require.Equal(t, http.StatusBadRequest, l.get("/?status=bogus").Code)
}

// hookWriter records a response and calls onWrite with the body so far
// after each write that reaches it: between the pages a download flushes.
type hookWriter struct {
	*httptest.ResponseRecorder
	onWrite func(body []byte)
}

func (w *hookWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseRecorder.Write(p)
	w.onWrite(w.Body.Bytes())
	return n, err
}

func (w *hookWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// A request whose custom due date moves it to a page the export has
// already written is in the file once, as it was when the export began:
// every page is read from one snapshot (a store that commits, so the edit
// would be seen by a page read without one).
func TestExportCSV_OneSnapshot(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	b := setupStore(t, store.New(storetest.DB(t), clk), clk, api.Config{})
	web.SetCSVPage(b.web, 2)
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	var ids []string
	for _, received := range []string{"2017-03-20", "2017-03-27", "2017-03-28"} { // due 30 March, 6 and 7 April
		r := &sunshine.Request{AgencyID: a.ID, Title: "Received " + received, DeliveryMethod: sunshine.DeliveryEmail,
			ReceivedOn: deadline.MustParseDate(received)}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
		ids = append(ids, r.ID)
	}
	b.login(b.fx.Admin.Email)

	moved := false
	req := httptest.NewRequest("GET", "/export/requests.csv", nil)
	req.AddCookie(b.cookie)
	w := &hookWriter{ResponseRecorder: httptest.NewRecorder(), onWrite: func(body []byte) {
		if moved || !strings.Contains(string(body), ids[1]) {
			return
		}
		moved = true // between the pages: a colleague agrees an earlier date for the third
		_, err := b.st.SetCustomDueOn(b.fx.Ctx, ids[2], deadline.MustParseDate("2017-03-29"), "agreed by phone")
		require.NoError(t, err)
	}}
	b.engine.ServeHTTP(w, req)
	require.True(t, moved)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[0])
	}
	require.Equal(t, ids, got, "every request once, in the snapshot's order")
	require.Equal(t, "2017-04-07", rows[3][6], "as it was when the export began")
}

// A draft saved with the day it was sent but no received date says so in
// the lists, as its page does, rather than "not sent yet".
func TestRequestList_DraftSentWithoutReceivedDate(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	r := &sunshine.Request{AgencyID: a.ID, Title: "Jail staffing rosters", DeliveryMethod: sunshine.DeliveryEmail, SentOn: deadline.MustParseDate("2017-04-03")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	require.Equal(t, sunshine.StatusDraft, r.Status)
	row := listRow(t, body(b.get("/requests")), r.ID)
	require.Contains(t, row, "sent Mon 3 Apr 2017; no received date yet")
	require.NotContains(t, row, "not sent yet")
}
