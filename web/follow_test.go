package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// followFixture is a clinic's requests on Saturday 5 December 2026: New
// York and Washington requests the agencies acknowledged (their 5 business
// days met), and requests with no date to follow.
type followFixture struct {
	*bundle
	passed, ahead, noEstimate, florida, appealed, decided, late *sunshine.Request
}

func setupFollow(t *testing.T) *followFixture {
	t.Helper()
	b := setup(t)
	ctx := b.fx.Ctx
	b.clk.Set(time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
	require.NoError(t, b.st.SetReminderPolicy(ctx, sunshine.ReminderPolicy{TimeZone: "America/New_York", SoonDays: []int{3, 1}, OverdueRepeatDays: 7, AwaitingAfterDays: 3}))
	ny := b.dashAgency(ctx, "New York City Police Department", "us-ny")
	wa := b.dashAgency(ctx, "Seattle Police Department", "us-wa")
	ca := b.dashAgency(ctx, "Sacramento County Sheriff's Department", "us-ca")
	fl := b.dashAgency(ctx, "Miami-Dade Police Department", "us-fl")
	request := func(a *sunshine.Agency, title, received string, to ...sunshine.Status) *sunshine.Request {
		t.Helper()
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate(received)}
		require.NoError(t, b.st.CreateRequest(ctx, r))
		for _, st := range to {
			var err error
			r, err = b.st.TransitionRequest(ctx, r.ID, sunshine.TransitionInput{To: st, EffectiveOn: deadline.MustParseDate("2026-11-25")})
			require.NoError(t, err)
		}
		return r
	}
	estimate := func(r *sunshine.Request, on string) *sunshine.Request {
		t.Helper()
		e := deadline.MustParseDate(on)
		r, err := b.st.UpdateRequest(ctx, r.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &e})
		require.NoError(t, err)
		return r
	}
	f := &followFixture{bundle: b}
	f.passed = estimate(request(ny, "Stop-and-frisk data", "2026-11-20", sunshine.StatusAcknowledged), "2026-12-04")
	require.Equal(t, "2026-11-30", f.passed.DueOn.String())
	f.ahead = estimate(request(wa, "Use-of-force reports", "2026-11-20", sunshine.StatusAcknowledged), "2026-12-08")
	f.noEstimate = request(ny, "Body camera policy", "2026-11-20", sunshine.StatusAcknowledged)
	f.florida = request(fl, "Jail contracts", "2026-11-20")
	f.appealed = request(ca, "Detainer requests", "2026-11-02", sunshine.StatusDenied, sunshine.StatusAppealed)
	f.decided = request(ca, "Booking records", "2026-11-02", sunshine.StatusDenied, sunshine.StatusAppealed)
	var err error
	f.decided, err = b.st.SetCustomDueOn(ctx, f.decided.ID, deadline.MustParseDate("2026-12-20"), "appeal decision due")
	require.NoError(t, err)
	f.late = request(ca, "Jail access logs", "2026-11-20")
	b.login(b.fx.Admin.Email)
	return f
}

// calCell is the calendar grid's cell of a day: "6", or "27 Mar" for a day
// of the month before or after.
func calCell(t *testing.T, cal string, day string) string {
	t.Helper()
	i := strings.Index(cal, `<span class="cal-day">`+day+`</span>`)
	require.Greater(t, i, 0, "day %s", day)
	return cal[i : i+strings.Index(cal[i:], "</td>")]
}

// An acknowledged FOIL request whose agency's estimate has passed reads the
// same everywhere: the estimate is the date to follow and it has passed;
// the statutory date stays visible and met, never late.
func TestFollowDates_EstimatePassedEverywhere(t *testing.T) {
	t.Parallel()
	f := setupFollow(t)

	page := body(f.get("/requests/" + f.passed.ID))
	require.Contains(t, page, `<strong>Fri 4 Dec 2026</strong> <span class="pill due-passed">agency&#39;s estimate passed</span>`)
	require.Contains(t, page, `<dt>Statutory date</dt><dd>Mon 30 Nov 2026 <span class="hint">(met:`)

	list := body(f.get("/requests"))
	row := listRow(t, list, f.passed.ID)
	require.Contains(t, row, `<span class="due due-passed"><time datetime="2026-12-04">Fri 4 Dec 2026</time> · agency&#39;s estimate passed</span> <span class="hint">(statutory date Mon 30 Nov 2026 met)</span>`)
	require.NotContains(t, row, "late")
	require.Contains(t, listRow(t, list, f.ahead.ID), `<time datetime="2026-12-08">Tue 8 Dec 2026</time> · agency&#39;s estimate, in 3 days</span>`)
	require.Contains(t, listRow(t, list, f.noEstimate.ID), `<time datetime="2026-11-30">Mon 30 Nov 2026</time> · met: acknowledged; no estimate recorded</span>`)

	dash := body(f.get("/"))
	var last int
	for _, h := range []string{"Overdue", "Due today", "Due in the next 7 days", "Agency&#39;s estimate passed", "Waiting on us", "No date to follow", "Recently closed"} {
		i := strings.Index(dash, ">"+h+" <span")
		require.Greater(t, i, last, h)
		last = i
	}
	est := dashSectionOf(t, dash, "estimate")
	require.Contains(t, est, `<a href="/requests/`+f.passed.ID+`">Stop-and-frisk data</a>`)
	require.Contains(t, est, "agency&#39;s estimate passed")
	require.Contains(t, est, "Ask the agency for news and a new estimate")
	require.NotContains(t, est, f.ahead.Title, "its estimate is ahead")
	require.NotContains(t, est, "late")
	overdue := dashSectionOf(t, dash, "overdue")
	require.Contains(t, overdue, f.late.Title)
	require.NotContains(t, overdue, f.passed.Title, "no statutory breach")

	// The calendar has it on the estimate, not on the statutory date.
	dec := dashSectionOf(t, body(f.get("/?month=2026-12")), "calendar")
	require.Contains(t, calCell(t, dec, "4"), `<a href="/requests/`+f.passed.ID+`">Stop-and-frisk data</a> <span class="due-passed">(agency's estimate, passed)</span>`)
	require.Contains(t, calCell(t, dec, "8"), f.ahead.Title+`</a> <span class="hint">(agency's estimate)</span>`)
	require.Contains(t, calCell(t, dec, "20"), f.decided.Title, "an appeal's decision date is followed")
	nov := dashSectionOf(t, body(f.get("/?month=2026-11")), "calendar")
	require.Contains(t, calCell(t, nov, "30"), f.late.Title)
	for _, r := range []*sunshine.Request{f.passed, f.ahead, f.noEstimate, f.appealed} {
		require.NotContains(t, calCell(t, nov, "30"), r.Title, "no event on a met or superseded statutory date")
	}
	// November's last week ends with days of December: they show the
	// estimate there, as December does, and nothing has an event twice.
	require.Contains(t, calCell(t, nov, "4 Dec"), f.passed.Title)
	require.Equal(t, 1, strings.Count(nov, f.passed.Title))
	require.NotContains(t, nov, f.noEstimate.Title)
	require.NotContains(t, nov, f.appealed.Title)

	// The export: due_on stays the statutory date, the estimate and the
	// date to follow have their columns, and nothing counts as overdue.
	rec := f.get("/export/requests.csv")
	require.Equal(t, http.StatusOK, rec.Code)
	rows, err := csv.NewReader(strings.NewReader(body(rec))).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, r := range rows[1:] {
		if r[0] == f.passed.ID {
			require.Equal(t, "2026-11-30", r[col["due_on"]])
			require.Equal(t, "", r[col["days_overdue"]])
			require.Equal(t, "2026-12-04", r[col["agency_estimated_on"]])
			require.Equal(t, "2026-12-04", r[col["follow_on"]])
		}
	}
}

// Open requests with no date to follow have a section of their own, each
// with what to do and a link to do it.
func TestDashboard_NoDateToFollow(t *testing.T) {
	t.Parallel()
	f := setupFollow(t)
	dash := body(f.get("/"))
	nodate := dashSectionOf(t, dash, "nodate")
	for _, tc := range []struct {
		r          *sunshine.Request
		todo, link string
	}{
		{f.florida, "No statutory date: set a custom due date", `href="/requests/` + f.florida.ID + `#custom-date">Set a date`},
		{f.appealed, "Under appeal: set a custom due date, the date the appeal decision is due.", `href="/requests/` + f.appealed.ID + `#custom-date">Set a date`},
		{f.noEstimate, "Statutory date met by the acknowledgment: record the agency&#39;s estimated date.", `href="/requests/` + f.noEstimate.ID + `#edit-agency-estimated-on">Record the estimate`},
	} {
		row := listRow(t, nodate, tc.r.ID)
		require.Contains(t, row, tc.todo, tc.r.Title)
		require.Contains(t, row, tc.link, tc.r.Title)
	}
	require.Contains(t, nodate, "<h2 id=\"nodate-h\">No date to follow <span class=\"count\">(3)</span></h2>")
	for _, r := range []*sunshine.Request{f.passed, f.ahead, f.decided, f.late} {
		require.NotContains(t, nodate, r.Title)
	}

	// A viewer reads what to do, without links to forms they do not have.
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, f.st.CreateUser(f.fx.Ctx, viewer))
	require.NoError(t, f.st.SetPassword(context.Background(), viewer.ID, password))
	vb := &bundle{t: t, st: f.st, fx: f.fx, engine: f.engine}
	vb.login(viewer.Email)
	row := listRow(t, dashSectionOf(t, body(vb.get("/")), "nodate"), f.florida.ID)
	require.Contains(t, row, "No statutory date: set a custom due date")
	require.NotContains(t, row, "Set a date", "viewers cannot set one")

	// The request page says the same, with the way to do it.
	require.Contains(t, body(f.get("/requests/"+f.appealed.ID)),
		`<p class="caution">Under appeal: set a custom due date, the date the appeal decision is due. <a href="#custom-date">Set a custom due date</a>.</p>`)

	// A custom date gives the request a date: it leaves the section.
	_, err := f.st.SetCustomDueOn(f.fx.Ctx, f.florida.ID, deadline.MustParseDate("2026-12-15"), "follow up")
	require.NoError(t, err)
	nodate = dashSectionOf(t, body(f.get("/")), "nodate")
	require.NotContains(t, nodate, f.florida.Title)
	require.Contains(t, nodate, "(2)")

	// The filters apply: a status no such request has empties it.
	require.Contains(t, dashSectionOf(t, body(f.get("/?status=awaiting_requester")), "nodate"), "Every open request has a date to follow.")
}
