package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// dashFilter is the dashboard's filter form; the CSV export takes the same
// query parameters, named as in the API (assignee_id, agency_id, status, tag).
type dashFilter struct {
	AssigneeID string // a user's ID, or unassigned ("none")
	AgencyID   string
	Status     string
	Tag        string
}

// parseDashFilter reads the filters from the query string. An unknown
// status is a field error; malformed IDs are refused by the store.
func parseDashFilter(c *gin.Context) (dashFilter, error) {
	f := dashFilter{
		AssigneeID: strings.TrimSpace(c.Query("assignee_id")),
		AgencyID:   strings.TrimSpace(c.Query("agency_id")),
		Status:     strings.TrimSpace(c.Query("status")),
		Tag:        strings.TrimSpace(c.Query("tag")),
	}
	if f.Status == "any" || f.Status == "open" {
		// The Requests page's groups: every section is of one of them.
		f.Status = ""
	}
	if f.Status != "" && !sunshine.Status(f.Status).Valid() {
		return f, sunshine.FieldInvalid("status", "unknown status %q", f.Status)
	}
	return f, nil
}

// values is the filter as query parameters, for links that keep it.
func (f dashFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"assignee_id": f.AssigneeID, "agency_id": f.AgencyID, "status": f.Status, "tag": f.Tag} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter is set.
func (f dashFilter) Active() bool { return f != dashFilter{} }

// request is the store filter for one section: the section's statuses
// narrowed to the chosen status. ok is false when nothing can match.
func (f dashFilter) request(statuses []sunshine.Status) (rf sunshine.RequestFilter, ok bool) {
	rf = sunshine.RequestFilter{AgencyID: f.AgencyID, AssigneeID: f.AssigneeID, Tag: f.Tag, Limit: 200}
	if f.AssigneeID == unassigned {
		rf.AssigneeID, rf.Unassigned = "", true
	}
	switch {
	case f.Status == "":
		rf.Statuses = statuses
	case statuses == nil || slices.Contains(statuses, sunshine.Status(f.Status)):
		rf.Statuses = []sunshine.Status{sunshine.Status(f.Status)}
	default:
		return rf, false
	}
	return rf, true
}

// dashShows reports whether a request in st can be in a dashboard section:
// drafts, with no clock and no due date, never are.
func dashShows(st sunshine.Status) bool {
	return st == sunshine.StatusAwaitingRequester || slices.Contains(clockRunning, st) || slices.Contains(sunshine.ClosedStatuses, st)
}

// clockRunning are the statuses in which a request can be due or overdue.
var clockRunning = []sunshine.Status{sunshine.StatusSubmitted, sunshine.StatusAcknowledged,
	sunshine.StatusRollingProduction, sunshine.StatusAppealed, sunshine.StatusInLitigation}

type dashSection struct {
	ID, Title, Empty string
	Hint             string // what the section lists, under its heading
	Closed           bool   // show the closing date instead of the due date
	Todo             bool   // a column says what gives each request a date
	Rows             []*sunshine.Request
	More             bool // the list was cut; the CSV export has every row
}

type dashOption struct {
	Value, Label string
	Selected     bool
}

type calDay struct {
	Date  deadline.Date
	Day   int
	Other bool   // outside the month shown: a day of the weeks it starts or ends in
	Month string // "Mar", shown beside the day of another month
	Label string // "Thu 6 Apr", the agenda's
	Today bool
	Items []calItem
}

// calItem is a request on a calendar day, with how its date stands on its
// agency's calendar.
type calItem struct {
	*sunshine.Request
	Late         bool // overdue
	PastEstimate bool // the agency's estimate, the date to follow, has passed
}

type dashCalendar struct {
	Caption  string
	Weekdays []string
	// Weeks is the grid, Sunday to Saturday, with the days of the month
	// before and after that its first and last weeks hold, and what is due
	// on them.
	Weeks [][]*calDay
	// Agenda is the days of the month that have something due, in order:
	// the calendar as a narrow screen shows it.
	Agenda     []*calDay
	Prev, Next string // links
	PrevLabel  string
	NextLabel  string
	Month      string // 2017-04
	Count      int    // requests due in the month
}

type dashData struct {
	Note      string
	Filter    dashFilter
	Assignees []dashOption
	Agencies  []dashOption
	Statuses  []dashOption
	Sections  []*dashSection
	Calendar  dashCalendar
	ExportURL string
	ListURL   string // the Requests page, with the same filters
	// FailedReminders counts reminder emails that could not be sent: the
	// dashboard says so, since nobody got them.
	FailedReminders int
	CanWrite        bool // may send failed reminders again
	// Emails are the agencies' emails to reply addresses not logged yet
	// (the oldest few), and EmailsCount all of them.
	Emails      []dashEmail
	EmailsCount int
	// Letters are the letters to agencies the mail server refused or
	// that bounced (the oldest few), and LettersCount all of them.
	Letters      []store.FailedLetter
	LettersCount int
	// Todos are the person's open to-dos, late or due within 7 days;
	// TodosLater counts those due after.
	Todos      []todoRow
	TodosLater int
}

// dashEmail is an email to log, with the day it came in the
// organization's time zone.
type dashEmail struct {
	store.UnloggedEmail
	On deadline.Date
}

// dashEmails is how many emails to log the dashboard lists.
const dashEmails = 10

// orgToday is today in the signed-in organization's time zone (UTC without
// one), as the layout shows it; kept on c so a page asks the database once.
func (s *Server) orgToday(c *gin.Context) deadline.Date {
	if v, ok := c.Get("sunshine.orgToday"); ok {
		return v.(deadline.Date)
	}
	today := deadline.Today(s.store.Clock().Now(), s.orgLocation(c))
	c.Set("sunshine.orgToday", today)
	return today
}

// orgLocation is the signed-in organization's time zone, UTC without one;
// kept on c, as orgToday is.
func (s *Server) orgLocation(c *gin.Context) *time.Location {
	if v, ok := c.Get("sunshine.orgLocation"); ok {
		return v.(*time.Location)
	}
	loc := time.UTC
	if _, signedIn := sunshine.PrincipalFrom(ctxOf(c)); signedIn {
		if pol, err := s.store.ReminderPolicy(ctxOf(c)); err == nil {
			loc = sunshine.Location(pol.TimeZone)
		}
	}
	c.Set("sunshine.orgLocation", loc)
	return loc
}

// findAll pages through a request list up to max rows; more reports a cut.
func (s *Server) findAll(ctx context.Context, f sunshine.RequestFilter, max int) (rs []*sunshine.Request, more bool, err error) {
	for {
		page, next, err := s.store.FindRequests(ctx, f)
		if err != nil {
			return nil, false, err
		}
		rs = append(rs, page...)
		if next == "" {
			return rs, false, nil
		}
		if len(rs) >= max {
			return rs, true, nil
		}
		f.After = next
	}
}

// handleDashboard is GET /: what is overdue, due today, due this week, past
// the agency's estimate, waiting on us, without a date to follow and
// recently closed, and a month calendar of the dates to follow.
func (s *Server) handleDashboard(c *gin.Context) {
	ctx := ctxOf(c)
	f, err := parseDashFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if f.Status != "" && !dashShows(sunshine.Status(f.Status)) {
		// No section lists such a request (a draft has no due date): the
		// Requests page does, with the same filters.
		c.Redirect(http.StatusSeeOther, "/requests?"+f.values().Encode())
		return
	}
	today := s.orgToday(c)
	month, err := parseMonth(c.Query("month"), today)
	if err != nil {
		s.fail(c, err)
		return
	}

	d := &dashData{Note: s.takeNote(c), Filter: f}
	q := f.values()
	if f.Status == "" {
		// The dashboard shows recently closed requests too: its export and
		// its link to every request have every status ("Any status").
		q.Set("status", "any")
	}
	d.ExportURL, d.ListURL = "/export/requests.csv?"+q.Encode(), "/requests?"+q.Encode()

	// Overdue, today and this week on each agency's calendar, as the API
	// and the reminders count them (an agency may be hours behind us).
	sections := []struct {
		sec      dashSection
		statuses []sunshine.Status
		overdue  bool
		dueIn    *sunshine.DayRange
		passed   bool // past the agency's estimate
		noDate   bool // no date to follow
	}{
		{sec: dashSection{ID: "overdue", Title: "Overdue", Empty: "Nothing is overdue."},
			statuses: clockRunning, overdue: true},
		{sec: dashSection{ID: "today", Title: "Due today", Empty: "Nothing is due today."},
			statuses: clockRunning, dueIn: &sunshine.DayRange{From: 0, To: 0}},
		{sec: dashSection{ID: "week", Title: "Due in the next 7 days", Empty: "Nothing is due in the next 7 days."},
			statuses: clockRunning, dueIn: &sunshine.DayRange{From: 1, To: 7}},
		{sec: dashSection{ID: "estimate", Title: "Agency's estimate passed", Empty: "No acknowledged request is past the agency's estimated date.",
			Hint: "The agency acknowledged these requests in time, which meets the law's date (New York, Washington), and the date it estimated has passed. Ask the agency for news and a new estimate, then record it under Edit details."},
			statuses: []sunshine.Status{sunshine.StatusAcknowledged, sunshine.StatusRollingProduction}, passed: true},
		{sec: dashSection{ID: "waiting", Title: "Waiting on us", Empty: "No request is waiting on us for clarification or fees."},
			statuses: []sunshine.Status{sunshine.StatusAwaitingRequester}},
		{sec: dashSection{ID: "nodate", Title: "No date to follow", Empty: "Every open request has a date to follow.", Todo: true,
			Hint: "These open requests have no date, so no due-date reminder and no calendar entry comes for them until they get one."},
			statuses: clockRunning, noDate: true},
	}
	for _, sc := range sections {
		sec := sc.sec
		if rf, ok := f.request(sc.statuses); ok {
			rf.Overdue, rf.DueIn, rf.EstimatePassed, rf.NoDateToFollow = sc.overdue, sc.dueIn, sc.passed, sc.noDate
			page, next, err := s.store.FindRequests(ctx, rf)
			if err != nil {
				s.fail(c, err)
				return
			}
			sec.Rows, sec.More = page, next != ""
		}
		d.Sections = append(d.Sections, &sec)
	}

	// Recently closed: the store lists by due date, so the closing date is
	// checked here over the closed requests.
	closed := &dashSection{ID: "closed", Title: "Recently closed", Empty: "No request closed in the last 30 days.", Closed: true}
	if rf, ok := f.request(sunshine.ClosedStatuses); ok {
		rs, _, err := s.findAll(ctx, rf, 2000)
		if err != nil {
			s.fail(c, err)
			return
		}
		since := today.AddDays(-30)
		for _, r := range rs {
			if !r.ClosedOn.IsZero() && !r.ClosedOn.Before(since) {
				closed.Rows = append(closed.Rows, r)
			}
		}
		sort.SliceStable(closed.Rows, func(i, j int) bool { return closed.Rows[j].ClosedOn.Before(closed.Rows[i].ClosedOn) })
		if len(closed.Rows) > 200 {
			closed.Rows, closed.More = closed.Rows[:200], true
		}
	}
	d.Sections = append(d.Sections, closed)

	if d.Calendar, err = s.dashCalendar(ctx, f, month, today); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.dashOptions(ctx, d); err != nil {
		s.fail(c, err)
		return
	}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if d.FailedReminders, err = s.store.CountFailedReminders(ctx); err != nil {
		s.fail(c, err)
		return
	}
	emails, n, err := s.store.FindUnloggedEmails(ctx, dashEmails)
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := s.orgLocation(c)
	for _, e := range emails {
		d.Emails = append(d.Emails, dashEmail{e, deadline.DateOf(e.ReceivedAt.In(loc))})
	}
	d.EmailsCount = n
	if d.Letters, d.LettersCount, err = s.store.FindFailedLetters(ctx, dashEmails); err != nil {
		s.fail(c, err)
		return
	}
	if d.Todos, d.TodosLater, err = s.myTodos(c, today); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "dashboard", "Dashboard", d)
}

// parseMonth reads ?month=2017-04; empty is today's month. It returns the
// first day of the month.
func parseMonth(s string, today deadline.Date) (deadline.Date, error) {
	if s == "" {
		y, m, _ := today.Civil()
		return deadline.MustDate(y, m, 1), nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return deadline.Date{}, sunshine.FieldInvalid("month", "must be a month such as 2017-04")
	}
	return deadline.MustDate(t.Year(), t.Month(), 1), nil
}

// dashCalendar lays out a month, weeks from Sunday, with each open
// request's title on its date to follow (Request.FollowOn: the agency's
// estimate for an acknowledged FOIL or PRA request), as the calendar feed.
func (s *Server) dashCalendar(ctx context.Context, f dashFilter, first deadline.Date, today deadline.Date) (dashCalendar, error) {
	y, m, _ := first.Civil()
	last := first.AddDays(32)
	{
		ny, nm, _ := last.Civil()
		last = deadline.MustDate(ny, nm, 1).AddDays(-1)
	}
	prev := first.AddDays(-1)
	py, pm, _ := prev.Civil()
	next := last.AddDays(1)
	monthLink := func(d deadline.Date) string {
		v := f.values()
		v.Set("month", d.Format("2006-01"))
		return "/?" + v.Encode() + "#calendar"
	}
	cal := dashCalendar{
		Caption:   fmt.Sprintf("%s %d", m, y),
		Weekdays:  []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		Prev:      monthLink(deadline.MustDate(py, pm, 1)),
		PrevLabel: prev.Format("January 2006"),
		Next:      monthLink(next),
		NextLabel: next.Format("January 2006"),
		Month:     first.Format("2006-01"),
	}
	// The grid's weeks, from the Sunday on or before the first to the
	// Saturday on or after the last: the days of the months before and
	// after show what is due on them too.
	start := first.AddDays(-int(first.Weekday()))
	end := last.AddDays(int(time.Saturday - last.Weekday()))
	byDay := map[deadline.Date][]calItem{}
	now := s.store.Clock().Now()
	if rf, ok := f.request(sunshine.OpenStatuses); ok {
		rf.FollowAfter, rf.FollowBefore = start, end
		rs, _, err := s.findAll(ctx, rf, 1000)
		if err != nil {
			return cal, err
		}
		for _, r := range rs {
			on := r.FollowOn()
			rt := r.Today(now)
			byDay[on] = append(byDay[on], calItem{Request: r, Late: r.Overdue(rt), PastEstimate: r.EstimatePassed(rt)})
			if !on.Before(first) && !on.After(last) {
				cal.Count++
			}
		}
	}
	for day := start; !day.After(end); day = day.AddDays(1) {
		if day.Weekday() == time.Sunday {
			cal.Weeks = append(cal.Weeks, nil)
		}
		_, dm, dd := day.Civil()
		cd := &calDay{Date: day, Day: dd, Other: dm != m, Label: day.Format("Mon 2 Jan"), Today: day == today, Items: byDay[day]}
		if cd.Other {
			cd.Month = day.Format("Jan")
		} else if len(cd.Items) > 0 {
			cal.Agenda = append(cal.Agenda, cd)
		}
		cal.Weeks[len(cal.Weeks)-1] = append(cal.Weeks[len(cal.Weeks)-1], cd)
	}
	return cal, nil
}

// dashOptions fills the filter form's choices.
func (s *Server) dashOptions(ctx context.Context, d *dashData) error {
	var err error
	if _, d.Assignees, d.Agencies, err = s.filterOptions(ctx, d.Filter.AssigneeID, d.Filter.AgencyID); err != nil {
		return err
	}
	for _, st := range slices.Concat(sunshine.OpenStatuses, sunshine.ClosedStatuses) {
		d.Statuses = append(d.Statuses, dashOption{string(st), strings.ReplaceAll(string(st), "_", " "), string(st) == d.Filter.Status})
	}
	return nil
}

// filterOptions are the choices of the assignee and agency filters, with
// the chosen ones selected: the dashboard's and the Requests page's.
func (s *Server) filterOptions(ctx context.Context, assigneeID, agencyID string) (users []*sunshine.User, assignees, agencies []dashOption, err error) {
	if users, err = s.store.FindUsers(ctx); err != nil {
		return nil, nil, nil, err
	}
	for _, u := range users {
		assignees = append(assignees, dashOption{u.ID, choiceLabel(u), u.ID == assigneeID})
	}
	as, _, err := s.store.FindAgencies(ctx, sunshine.AgencyFilter{Limit: 200})
	if err != nil {
		return nil, nil, nil, err
	}
	for _, a := range as {
		agencies = append(agencies, dashOption{a.ID, a.Name, a.ID == agencyID})
	}
	return users, assignees, agencies, nil
}
