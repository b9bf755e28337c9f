package api

import (
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

func (s *Server) handleReminderList(c *gin.Context) {
	q := newQuery(c, "status", "cursor", "limit")
	// status may be repeated, as on /requests: any of them.
	var statuses []string
	for _, st := range q.c.QueryArray("status") {
		switch st {
		case "": // refused by newQuery
		case "pending", "sent", "failed", "cancelled":
			statuses = append(statuses, st)
		default:
			q.errs.add("status", "must be pending, sent, failed or cancelled")
		}
	}
	limit, cursor := q.limit(), q.one("cursor")
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	rs, next, err := s.store.FindReminders(c.Request.Context(), statuses, limit, cursor)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(rs, next))
}

func (s *Server) handleReminderRetry(c *gin.Context) {
	r, err := s.store.RetryReminder(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) handlePreferencesGet(c *gin.Context) {
	p, err := s.store.Preferences(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// preferencesInput: a field left out keeps its value; null is refused.
type preferencesInput struct {
	Digest     optional[bool]     `json:"digest"`
	DigestHour optional[int]      `json:"digest_hour"`
	Kinds      optional[[]string] `json:"kinds"`
}

// handlePreferencesPut replaces the caller's preferences; absent fields keep
// their current value.
func (s *Server) handlePreferencesPut(c *gin.Context) {
	var in preferencesInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	digest, hour, kinds := set(&fe, "digest", in.Digest), set(&fe, "digest_hour", in.DigestHour), set(&fe, "kinds", in.Kinds)
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p, err := s.store.Preferences(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	if digest != nil {
		p.Digest = *digest
	}
	if hour != nil {
		p.DigestHour = *hour
	}
	if kinds != nil {
		p.Kinds = *kinds
	}
	if err := s.store.SetPreferences(ctx, *p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

type calendarJSON struct {
	URL string `json:"url"`
}

// handleCalendarRotate gives the caller a new calendar feed address; the
// previous one stops working.
func (s *Server) handleCalendarRotate(c *gin.Context) {
	secret, err := s.store.RotateCalendarSecret(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, calendarJSON{URL: s.cfg.BaseURL + "/calendar/" + secret + ".ics"})
}

// handleCalendarFeed serves GET /calendar/{secret}.ics: every open request
// of the owner's organization with a date to follow, as an all-day event.
func (s *Server) handleCalendarFeed(c *gin.Context) {
	secret, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		fail(c, sunshine.Errorf(sunshine.ENotFound, "no such calendar"))
		return
	}
	p, err := s.store.CalendarOwner(c.Request.Context(), secret)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := sunshine.WithPrincipal(c.Request.Context(), p)
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Sunshine//Public records deadlines//EN")
	cal.SetName("Sunshine deadlines")
	cal.SetXWRCalName("Sunshine deadlines")
	now := s.store.Clock().Now().UTC()
	f := sunshine.RequestFilter{Statuses: sunshine.OpenStatuses, FollowAfter: s.today().AddDays(-365), Limit: 200}
	for {
		rs, next, err := s.store.FindRequests(ctx, f)
		if err != nil {
			fail(c, err)
			return
		}
		for _, r := range rs {
			// The date to follow, as the dashboard's calendar has it: the
			// agency's estimate where an acknowledgment met the statutory
			// date (FOIL, the PRA); none under appeal or in litigation
			// until a custom date is set.
			due, what := r.FollowOn(), "Due: "
			if r.FollowsEstimate() {
				what = "Agency's estimate: "
			}
			if due.IsZero() {
				continue
			}
			ev := cal.AddEvent("request-" + r.ID + "@sunshine")
			ev.SetDtStampTime(now)
			ev.SetLastModifiedAt(r.UpdatedAt.UTC())
			ev.SetAllDayStartAt(due.Time(time.UTC))
			ev.SetAllDayEndAt(due.AddDays(1).Time(time.UTC))
			ev.SetSummary(what + r.Title + " (" + r.AgencyName + ")")
			ev.SetDescription("Status: " + string(r.Status) + "\nAgency: " + r.AgencyName + "\n" + s.cfg.BaseURL + "/requests/" + r.ID)
			ev.SetURL(s.cfg.BaseURL + "/requests/" + r.ID)
		}
		if next == "" {
			break
		}
		f.After = next
	}
	// The feed's owner's open to-dos, on their days.
	todos, err := s.store.OpenTodos(ctx, p.UserID, deadline.Date{})
	if err != nil {
		fail(c, err)
		return
	}
	for _, t := range todos {
		ev := cal.AddEvent("todo-" + t.ID + "@sunshine")
		ev.SetDtStampTime(now)
		ev.SetAllDayStartAt(t.DueOn.Time(time.UTC))
		ev.SetAllDayEndAt(t.DueOn.AddDays(1).Time(time.UTC))
		ev.SetSummary("To do: " + t.Text + " (" + t.RequestTitle + ")")
		ev.SetDescription(t.Text + "\n" + s.cfg.BaseURL + "/requests/" + t.RequestID + "#todo-" + t.ID)
		ev.SetURL(s.cfg.BaseURL + "/requests/" + t.RequestID + "#todo-" + t.ID)
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", []byte(cal.Serialize(ics.WithNewLineWindows))) // CRLF, as RFC 5545 3.1 requires
}

// today is the server's UTC date: the calendar feed's window reaches back a year from it.
func (s *Server) today() deadline.Date { return deadline.Today(s.store.Clock().Now(), time.UTC) }

// policyInput: a field left out keeps its value; null is refused.
type policyInput struct {
	TimeZone          optional[string] `json:"time_zone"`
	SoonDays          optional[[]int]  `json:"due_soon_business_days"`
	OverdueRepeatDays optional[int]    `json:"overdue_repeat_days"`
	AwaitingAfterDays optional[int]    `json:"awaiting_after_business_days"`
}

func (s *Server) handlePolicyGet(c *gin.Context) {
	p, err := s.store.ReminderPolicy(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) handlePolicyPut(c *gin.Context) {
	var in policyInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	zone, soon := set(&fe, "time_zone", in.TimeZone), set(&fe, "due_soon_business_days", in.SoonDays)
	repeat, awaiting := set(&fe, "overdue_repeat_days", in.OverdueRepeatDays), set(&fe, "awaiting_after_business_days", in.AwaitingAfterDays)
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p, err := s.store.ReminderPolicy(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	if zone != nil {
		p.TimeZone = *zone
	}
	if soon != nil {
		p.SoonDays = *soon
	}
	if repeat != nil {
		p.OverdueRepeatDays = *repeat
	}
	if awaiting != nil {
		p.AwaitingAfterDays = *awaiting
	}
	if err := s.store.SetReminderPolicy(ctx, *p); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) handleWatch(c *gin.Context) {
	if err := s.store.Watch(c.Request.Context(), c.Param("id"), c.Request.Method == http.MethodPut); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
