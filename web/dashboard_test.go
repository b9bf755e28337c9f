package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// today is the test clock's date in Sacramento.
var dashToday = deadline.MustParseDate("2017-04-05")

// dash holds the requests of the dashboard tests.
type dashFixture struct {
	*bundle
	sac, ice                              *sunshine.Agency
	soon, late, dueToday, waiting, closed *sunshine.Request
	formula, other                        *sunshine.Request
}

func (b *bundle) dashAgency(ctx context.Context, name, law string) *sunshine.Agency {
	b.t.Helper()
	a := &sunshine.Agency{Name: name, Jurisdiction: law, Email: "records@" + law + ".example"}
	require.NoError(b.t, b.st.CreateAgency(ctx, a))
	return a
}

func (b *bundle) dashRequest(ctx context.Context, a *sunshine.Agency, title, desc, received string, then ...sunshine.Status) *sunshine.Request {
	b.t.Helper()
	r := &sunshine.Request{AgencyID: a.ID, Title: title, Description: desc, DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate(received)}
	require.NoError(b.t, b.st.CreateRequest(ctx, r))
	for _, st := range then {
		var err error
		r, err = b.st.TransitionRequest(ctx, r.ID, sunshine.TransitionInput{To: st, EffectiveOn: deadline.MustParseDate("2017-04-03")})
		require.NoError(b.t, err)
	}
	return r
}

func setupDash(t *testing.T) *dashFixture {
	t.Helper()
	b := setup(t)
	ctx := b.fx.Ctx
	pol, err := b.st.ReminderPolicy(ctx)
	require.NoError(t, err)
	pol.TimeZone = "America/Los_Angeles"
	require.NoError(t, b.st.SetReminderPolicy(ctx, *pol))

	d := &dashFixture{bundle: b}
	d.sac = b.dashAgency(ctx, "Sacramento County Sheriff's Department", "us-ca")
	d.ice = b.dashAgency(ctx, "U.S. Immigration and Customs Enforcement", "us-federal")
	d.soon = b.dashRequest(ctx, d.sac, "All communications with ICE since 20 January 2017",
		"All communications with U.S. Immigration and Customs Enforcement, including detainer requests.", "2017-03-27")
	require.Equal(t, "2017-04-06", d.soon.DueOn.String())
	admin := b.fx.Admin.ID
	tags := []string{"ice", "cpra"}
	d.soon, err = b.st.UpdateRequest(ctx, d.soon.ID, sunshine.RequestUpdate{AssigneeID: &admin, Tags: &tags})
	require.NoError(t, err)

	d.late = b.dashRequest(ctx, d.sac, "Jail access logs", "Logs of visits by federal agents.", "2017-03-17")
	require.True(t, d.late.DueOn.Before(dashToday), d.late.DueOn.String())
	d.dueToday = b.dashRequest(ctx, d.sac, "Booking records referred to ICE", "Booking records.", "2017-03-26")
	require.Equal(t, dashToday, d.dueToday.DueOn)
	d.waiting = b.dashRequest(ctx, d.ice, "287(g) agreements", "All 287(g) agreements.", "2017-03-20", sunshine.StatusAwaitingRequester)
	d.closed = b.dashRequest(ctx, d.ice, "Detention contracts", "Contracts for detention beds.", "2017-03-01", sunshine.StatusDenied)
	d.formula = b.dashRequest(ctx, d.ice, "=HYPERLINK(\"http://evil.example\")", "Spreadsheet trap.", "2017-04-03")

	other := storetest.Org(t, b.st, "other").Ctx
	oa := b.dashAgency(other, "Other County Sheriff", "us-ca")
	d.other = b.dashRequest(other, oa, "Other organization's secret request", "Detainer requests of the other org.", "2017-03-27")

	b.login(b.fx.Admin.Email)
	return d
}

// section returns the HTML of the dashboard section with the id.
func dashSectionOf(t *testing.T, html, id string) string {
	t.Helper()
	i := strings.Index(html, `<section class="dash-section" id="`+id+`"`)
	require.GreaterOrEqual(t, i, 0, "section %s", id)
	j := strings.Index(html[i:], "</section>")
	require.Greater(t, j, 0)
	return html[i : i+j]
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	rec := d.get("/")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	html := body(rec)

	// Sections in order.
	var last int
	for _, h := range []string{"Overdue", "Due today", "Due in the next 7 days", "Waiting on us", "Recently closed", "Calendar of due dates"} {
		i := strings.Index(html, ">"+h)
		require.Greater(t, i, last, h)
		last = i
	}

	week := dashSectionOf(t, html, "week")
	require.Contains(t, week, "Sacramento County Sheriff&#39;s Department")
	require.Contains(t, week, `<a href="/requests/`+d.soon.ID+`">All communications with ICE since 20 January 2017</a>`)
	require.Contains(t, week, `<span class="due due-soon"><time datetime="2017-04-06">Thu 6 Apr 2017</time> · due tomorrow</span>`)
	require.Contains(t, week, `<td data-label="Assignee">`+d.fx.Admin.Name+`</td>`, "the assignee by name, as the filter names them")
	require.NotContains(t, week, d.late.Title)

	overdue := dashSectionOf(t, html, "overdue")
	lateBy := d.late.DueOn.DaysUntil(dashToday)
	require.Contains(t, overdue, d.late.Title)
	require.Contains(t, overdue, fmt.Sprintf("%d days late", lateBy))
	require.Contains(t, overdue, "due-late")
	require.Contains(t, overdue, `<td data-label="Assignee">Unassigned</td>`, "no assignee")
	require.NotContains(t, overdue, d.soon.Title)

	require.Contains(t, dashSectionOf(t, html, "today"), d.dueToday.Title)
	require.Contains(t, dashSectionOf(t, html, "today"), "due today")
	waiting := dashSectionOf(t, html, "waiting")
	require.Contains(t, waiting, d.waiting.Title)
	require.Contains(t, waiting, "clock paused: waiting on us")
	closed := dashSectionOf(t, html, "closed")
	require.Contains(t, closed, d.closed.Title)
	require.Contains(t, closed, "Mon 3 Apr 2017")

	require.Contains(t, html, `href="/export/requests.csv?status=any"`, "recently closed ones too")
	require.Contains(t, html, `href="/requests/new"`)
	require.Contains(t, html, `<label for="f-assignee">Assignee</label>`)
	require.NotContains(t, html, d.other.Title, "another organization's request")
	require.NotContains(t, html, "Other County Sheriff")
}

func TestDashboard_Filters(t *testing.T) {
	t.Parallel()
	d := setupDash(t)

	// By agency: ICE only.
	html := body(d.get("/?agency_id=" + d.ice.ID))
	require.Contains(t, html, `<option value="`+d.ice.ID+`" selected>`)
	require.NotContains(t, dashSectionOf(t, html, "week"), d.soon.Title)
	require.Contains(t, dashSectionOf(t, html, "week"), "Nothing is due in the next 7 days.")
	require.Contains(t, dashSectionOf(t, html, "waiting"), d.waiting.Title)
	require.Contains(t, html, `href="/export/requests.csv?agency_id=`+d.ice.ID+`&amp;status=any"`)

	// By assignee: only the admin's request.
	html = body(d.get("/?assignee_id=" + d.fx.Admin.ID))
	require.Contains(t, dashSectionOf(t, html, "week"), d.soon.Title)
	require.Contains(t, dashSectionOf(t, html, "overdue"), "Nothing is overdue.")
	require.Contains(t, dashSectionOf(t, html, "waiting"), "No request is waiting on us")

	// Unassigned: all but the admin's request; the form keeps it, and the
	// export and Requests page links have it.
	html = body(d.get("/?assignee_id=none"))
	require.Contains(t, html, `<option value="none" selected>Unassigned</option>`)
	require.Contains(t, dashSectionOf(t, html, "overdue"), d.late.Title)
	require.Contains(t, dashSectionOf(t, html, "waiting"), d.waiting.Title)
	require.Contains(t, dashSectionOf(t, html, "week"), "Nothing is due in the next 7 days.", "the admin's request is assigned")
	require.NotContains(t, html, d.soon.Title)
	require.Contains(t, html, `href="/export/requests.csv?assignee_id=none&amp;status=any"`)
	// The Requests page's status groups, carried over by hand, show the
	// whole dashboard rather than an error.
	for _, st := range []string{"open", "any"} {
		require.Equal(t, http.StatusOK, d.get("/?status="+st).Code, st)
	}
	require.Contains(t, html, `href="/requests?assignee_id=none&amp;status=any"`)
	require.Contains(t, body(d.get("/")), `<option value="none">Unassigned</option>`)

	// By status: a closed status empties the open sections.
	html = body(d.get("/?status=denied"))
	require.Contains(t, dashSectionOf(t, html, "closed"), d.closed.Title)
	require.Contains(t, dashSectionOf(t, html, "overdue"), "Nothing is overdue.")
	require.Contains(t, dashSectionOf(t, html, "today"), "Nothing is due today.")
	require.Contains(t, dashSectionOf(t, html, "week"), "Nothing is due in the next 7 days.")

	// By tag.
	html = body(d.get("/?tag=cpra"))
	require.Contains(t, dashSectionOf(t, html, "week"), d.soon.Title)
	require.NotContains(t, html, d.late.Title)
	require.Contains(t, html, `id="f-tag" name="tag" type="text" value="cpra"`)

	// Bad filters are a 400, not a 500.
	require.Equal(t, http.StatusBadRequest, d.get("/?status=bogus").Code)
	require.Equal(t, http.StatusBadRequest, d.get("/?agency_id=nope").Code)
	require.Equal(t, http.StatusBadRequest, d.get("/?assignee_id=nobody").Code)
	require.Equal(t, http.StatusBadRequest, d.get("/?month=April").Code)
}

func TestDashboard_Calendar(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	for _, path := range []string{"/", "/?month=2017-04"} {
		rec := d.get(path)
		require.Equal(t, http.StatusOK, rec.Code)
		cal := dashSectionOf(t, body(rec), "calendar")
		require.Contains(t, cal, "<caption>April 2017</caption>")
		require.Contains(t, cal, `<th scope="col"><abbr title="Sunday">Sun</abbr></th>`)
		i := strings.Index(cal, `<span class="cal-day">6</span>`)
		require.Greater(t, i, 0)
		cell := cal[i:]
		cell = cell[:strings.Index(cell, "</td>")]
		require.Contains(t, cell, `<a href="/requests/`+d.soon.ID+`">All communications with ICE since 20 January 2017</a>`)
		require.Contains(t, cal, `aria-current="date"`, "today is marked")
		require.Contains(t, cal, `href="/?month=2017-03#calendar"`)
		require.Contains(t, cal, `href="/?month=2017-05#calendar"`)
		require.NotContains(t, cal, d.other.Title)
	}
	cal := dashSectionOf(t, body(d.get("/?month=2017-05")), "calendar")
	require.Contains(t, cal, "<caption>May 2017</caption>")
	require.NotContains(t, cal, d.soon.Title)
	require.Contains(t, cal, "HYPERLINK", "due 1 May 2017")
	require.Contains(t, dashSectionOf(t, body(d.get("/?month=2017-07")), "calendar"), "No open request is due in July 2017.")
	// Filters carry over to the month links.
	cal = dashSectionOf(t, body(d.get("/?month=2017-04&tag=ice")), "calendar")
	require.Contains(t, cal, `href="/?month=2017-05&amp;tag=ice#calendar"`)
	require.Contains(t, cal, d.soon.Title)
}

func TestAgencies(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	rec := d.get("/agencies")
	require.Equal(t, http.StatusOK, rec.Code)
	html := body(rec)
	require.Contains(t, html, "Sacramento County Sheriff&#39;s Department")
	require.Contains(t, html, `California: <abbr title="California Public Records Act">CPRA</abbr>`)
	require.Contains(t, html, "America/Los_Angeles")
	require.Contains(t, html, `<label for="agency-jurisdiction">Law</label>`)
	require.Contains(t, html, `<option value="us-ca">`)
	require.NotContains(t, html, "Other County Sheriff")

	html = body(d.get("/agencies?q=immigration"))
	require.Contains(t, html, "U.S. Immigration and Customs Enforcement")
	require.NotContains(t, html, "Sacramento County")
	require.Contains(t, body(d.get("/agencies?q=zzz")), "No agency's name contains")

	// Bad input: 400, each error by its field, everything typed kept.
	rec = d.post("/agencies", url.Values{"name": {""}, "jurisdiction": {"us-ca"}, "email": {"not-an-email"},
		"records_contact": {"Public Records Unit"}, "portal_url": {"ftp://x"}, "time_zone": {"Mars/Olympus"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	html = body(rec)
	for _, f := range []string{"name", "email", "portal_url", "time_zone"} {
		require.Contains(t, html, `id="`+f+`-error"`, f)
		require.Regexp(t, `name="`+f+`"[^>]*aria-invalid="true" aria-describedby="`+f+`-error`, html)
	}
	require.Contains(t, html, `value="not-an-email"`)
	require.Contains(t, html, `value="Public Records Unit"`)
	require.Contains(t, html, `value="ftp://x"`)
	require.Contains(t, html, `value="Mars/Olympus"`)
	require.Contains(t, html, `<option value="us-ca" selected>`)

	rec = d.post("/agencies", url.Values{"name": {"Fresno Police"}, "jurisdiction": {"nope"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="jurisdiction-error"`)
	require.Contains(t, body(rec), `value="Fresno Police"`)

	// Created.
	rec = d.post("/agencies", url.Values{"name": {"Fresno Police Department"}, "jurisdiction": {"us-ca"},
		"email": {"records@fresno.example"}, "portal_url": {"https://fresno.example/records"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	loc := rec.Header().Get("Location")
	require.Equal(t, "/agencies", loc)
	html = body(d.get(loc))
	require.Contains(t, html, `class="note"`)
	require.Contains(t, html, "Fresno Police Department")
	require.Contains(t, html, `<a href="mailto:records@fresno.example">`)
	as, _, err := d.st.FindAgencies(d.fx.Ctx, sunshine.AgencyFilter{Q: "Fresno"})
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, "America/Los_Angeles", as[0].TimeZone, "the law's default zone")

	// The same name again is an error on the name.
	rec = d.post("/agencies", url.Values{"name": {"Fresno Police Department"}, "jurisdiction": {"us-ca"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "Name is already in the directory")

	// A viewer reads but cannot add.
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Name: "Viewer", Role: sunshine.RoleViewer}
	require.NoError(t, d.st.CreateUser(d.fx.Ctx, viewer))
	require.NoError(t, d.st.SetPassword(context.Background(), viewer.ID, password))
	d.login(viewer.Email)
	rec = d.get("/agencies")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NotContains(t, body(rec), "Add agency")
	rec = d.post("/agencies", url.Values{"name": {"Viewer Agency"}, "jurisdiction": {"us-ca"}})
	require.Equal(t, http.StatusForbidden, rec.Code)
	as, _, err = d.st.FindAgencies(d.fx.Ctx, sunshine.AgencyFilter{Q: "Viewer"})
	require.NoError(t, err)
	require.Empty(t, as)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	rec := d.get("/search")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, body(rec), `<label for="search-q">Words to find</label>`)

	rec = d.get("/search?q=detainer")
	require.Equal(t, http.StatusOK, rec.Code)
	html := body(rec)
	require.Contains(t, html, `<a href="/requests/`+d.soon.ID+`">All communications with ICE since 20 January 2017</a>`)
	require.Contains(t, html, "<mark>detainer</mark>")
	require.Contains(t, html, "Sacramento County Sheriff&#39;s Department")
	require.Contains(t, html, "Mon 27 Mar 2017")
	require.NotContains(t, html, d.other.Title, "another organization's request")

	// The status filter narrows; nothing found says so.
	html = body(d.get("/search?q=detainer&status=closed"))
	require.NotContains(t, html, d.soon.Title)
	require.Contains(t, html, "Nothing matched")
	require.Contains(t, body(d.get("/search?q=zebra")), "Nothing matched “zebra”")
	require.Equal(t, http.StatusBadRequest, d.get("/search?q=x&status=bogus").Code)

	// Dates narrow to the hit's date, are kept in the form, and must be dates.
	html = body(d.get("/search?q=detainer&from=2017-03-01&to=2017-03-31"))
	require.Contains(t, html, d.soon.Title, "received 27 March 2017")
	require.Contains(t, html, `name="from" type="date" value="2017-03-01"`)
	html = body(d.get("/search?q=detainer&from=2017-04-01&to=2017-04-30"))
	require.NotContains(t, html, `<a href="/requests/`+d.soon.ID+`">`)
	require.Equal(t, http.StatusBadRequest, d.get("/search?q=x&from=31/03/2017").Code)

	// Typed markup is escaped, never run.
	_ = d.dashRequest(d.fx.Ctx, d.sac, "Markup <b>test</b>", "a <script>alert(1)</script> unicorn", "2017-04-03")
	html = body(d.get("/search?q=unicorn"))
	require.NotContains(t, html, "<script>alert")
	require.NotContains(t, html, "<b>test")
	require.Contains(t, html, "Markup &lt;b&gt;test&lt;/b&gt;")
	require.Contains(t, html, "<mark>unicorn</mark>")
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	rows := func(rec *httptest.ResponseRecorder) [][]string {
		t.Helper()
		require.Equal(t, http.StatusOK, rec.Code, body(rec))
		text, ok := strings.CutPrefix(body(rec), "\ufeff")
		require.True(t, ok, "a byte order mark, for Excel")
		rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		require.NoError(t, err)
		return rows
	}
	require.Len(t, rows(d.get("/export/requests.csv")), 6, "the five open requests, as the Requests page lists them")
	rec := d.get("/export/requests.csv?status=any")
	require.Equal(t, `attachment; filename="requests.csv"`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	all := rows(rec)
	require.Equal(t, []string{"id", "title", "agency", "jurisdiction", "status", "received_on", "due_on", "extended",
		"days_overdue", "tracking_number", "assignee", "last_communication_on", "closed_on", "agency_estimated_on", "follow_on"}, all[0][:15])
	require.Equal(t, sunshine.CSVHeader, all[0])
	require.Len(t, all, 7, "six requests of this organization")
	byID := map[string][]string{}
	for _, r := range all[1:] {
		byID[r[0]] = r
	}
	require.Equal(t, []string{d.soon.ID, "All communications with ICE since 20 January 2017", "Sacramento County Sheriff's Department",
		"us-ca", "submitted", "2017-03-27", "2017-04-06", "false", "", "", d.fx.Admin.Email, "", "", "", "2017-04-06"}, byID[d.soon.ID][:15])
	require.Equal(t, fmt.Sprint(d.late.DueOn.DaysUntil(dashToday)), byID[d.late.ID][8])
	require.Equal(t, `'=HYPERLINK("http://evil.example")`, byID[d.formula.ID][1], "formula-injection guard")
	require.NotContains(t, byID, d.other.ID)

	// The dashboard's filters apply.
	denied := rows(d.get("/export/requests.csv?agency_id=" + d.ice.ID + "&status=denied"))
	require.Len(t, denied, 2)
	require.Equal(t, d.closed.ID, denied[1][0])
	require.Equal(t, "2017-04-03", denied[1][12])

	// Unassigned and by law, as the dashboard and the Requests page link them.
	open := rows(d.get("/export/requests.csv?assignee_id=none&jurisdiction=us-ca"))
	require.Len(t, open, 3)
	require.ElementsMatch(t, []string{d.late.ID, d.dueToday.ID}, []string{open[1][0], open[2][0]})

	require.Equal(t, http.StatusBadRequest, d.get("/export/requests.csv?status=bogus").Code)
	// An API filter the export does not take is refused, not ignored (it
	// would export every request).
	rec = d.get("/export/requests.csv?overdue=true&due_before=2017-04-10")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "“due_before”, “overdue” is not a filter of this list")
	require.NotContains(t, body(rec), "_: ", "no internal field name")
}

// "Today" for a deadline is the agency's: late on the evening of 5 April in
// Honolulu, when it is already the 6th for the organization, a Honolulu
// request due on the 5th is due today, not a day late.
func TestDashboard_AgencyToday(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.st.SetReminderPolicy(b.fx.Ctx, sunshine.ReminderPolicy{TimeZone: "America/New_York", SoonDays: []int{3, 1}, OverdueRepeatDays: 7, AwaitingAfterDays: 3}))
	b.clk.Set(time.Date(2017, 4, 6, 8, 0, 0, 0, time.UTC)) // 22:00 on the 5th in Honolulu, 04:00 on the 6th in New York
	a := &sunshine.Agency{Name: "Honolulu Police Department", Jurisdiction: "us-ca", TimeZone: "Pacific/Honolulu"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Use of force, 2016", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	_, err := b.st.SetCustomDueOn(b.fx.Ctx, r.ID, deadline.MustParseDate("2017-04-05"), "agreed")
	require.NoError(t, err)
	b.login(b.fx.Admin.Email)

	html := body(b.get("/"))
	require.Contains(t, html, "Today is Thu 6 Apr 2017.", "the organization's date")
	today := dashSectionOf(t, html, "today")
	require.Contains(t, today, r.Title)
	require.Contains(t, today, "due today")
	require.NotContains(t, dashSectionOf(t, html, "overdue"), r.Title)
	require.NotContains(t, body(b.get("/requests")), "late")
}

// The grid's first and last weeks hold days of the months before and after:
// they show what is due on them, named with their month, rather than
// blank days that look free. "Nothing is due" counts the month alone.
func TestDashboard_CalendarOtherMonths(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	cal := dashSectionOf(t, body(d.get("/?month=2017-04")), "calendar")
	require.Contains(t, calCell(t, cal, "27 Mar"), `<a href="/requests/`+d.late.ID+`">Jail access logs</a> <span class="due-late">(late)</span>`)
	require.Contains(t, calCell(t, cal, "1 May"), "HYPERLINK")
	require.Contains(t, calCell(t, cal, "6"), d.soon.Title)
	require.Contains(t, calCell(t, cal, "26 Mar"), "</span>", "an empty day of March is still a day")

	// Due on Sunday 30 July, the day before August's first week begins.
	july := d.dashRequest(d.fx.Ctx, d.sac, "Body camera footage", "Footage.", "2017-04-03")
	_, err := d.st.SetCustomDueOn(d.fx.Ctx, july.ID, deadline.MustParseDate("2017-07-30"), "agreed by phone")
	require.NoError(t, err)
	cal = dashSectionOf(t, body(d.get("/?month=2017-08")), "calendar")
	require.Contains(t, calCell(t, cal, "30 Jul"), `<a href="/requests/`+july.ID+`">Body camera footage</a>`)
	require.Contains(t, cal, "No open request is due in August 2017.")
	require.NotContains(t, cal, `class="cal-agenda"`, "no day of August to list")
	require.Contains(t, calCell(t, dashSectionOf(t, body(d.get("/?month=2017-07")), "calendar"), "30"), "Body camera footage")
}

// On a narrow screen the calendar is an agenda: the month's days that have
// something due, in order, each with its date in full.
func TestDashboard_CalendarAgenda(t *testing.T) {
	t.Parallel()
	d := setupDash(t)
	cal := dashSectionOf(t, body(d.get("/?month=2017-04")), "calendar")
	i := strings.Index(cal, `<div class="cal-agenda">`)
	require.Greater(t, i, 0)
	agenda := cal[i:]
	require.Contains(t, agenda, `<p class="cal-agenda-month" id="cal-agenda-h">April 2017</p>`)
	require.Contains(t, agenda, `<ol aria-labelledby="cal-agenda-h">`)
	today := strings.Index(agenda, `<li class="cal-today" aria-current="date">`)
	require.Greater(t, today, 0)
	require.Contains(t, agenda[today:], `<time datetime="2017-04-05">Wed 5 Apr</time> · today`)
	soon := strings.Index(agenda, `<time datetime="2017-04-06">Thu 6 Apr</time>`)
	require.Greater(t, soon, today, "in order")
	require.Contains(t, agenda[soon:], d.soon.Title)
	require.NotContains(t, agenda, "2017-03-27", "only the month's own days")
	require.NotContains(t, agenda, "2017-05-01")
	require.Equal(t, strings.Count(agenda, "<li"), strings.Count(agenda, `<p class="cal-agenda-day">`)+strings.Count(agenda, "<li><a"),
		"every day listed has something due")
}
