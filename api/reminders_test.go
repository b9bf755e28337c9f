package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

var allKinds = []any{"due_soon", "due_today", "overdue", "extension_ending", "agency_estimate_passed", "awaiting_requester", "assigned", "email_received", "mentioned"}

func TestPreferences(t *testing.T) {
	t.Parallel()
	b := setup(t)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)

	r := b.call("GET", "/api/v1/me/preferences", viewer, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, map[string]any{"digest": true, "digest_hour": float64(7), "kinds": allKinds}, r.body)

	// Absent fields keep their value; kinds replaces the list.
	r = b.call("PUT", "/api/v1/me/preferences", viewer, map[string]any{"digest": false, "kinds": []string{"overdue"}})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, map[string]any{"digest": false, "digest_hour": float64(7), "kinds": []any{"overdue"}}, r.body)
	r = b.call("PUT", "/api/v1/me/preferences", viewer, map[string]any{"digest_hour": 0, "kinds": []string{}})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, map[string]any{"digest": false, "digest_hour": float64(0), "kinds": []any{}}, r.body)
	r = b.call("GET", "/api/v1/me/preferences", viewer, nil)
	require.Equal(t, map[string]any{"digest": false, "digest_hour": float64(0), "kinds": []any{}}, r.body)

	// Each user has their own: the admin still has the defaults.
	r = b.call("GET", "/api/v1/me/preferences", b.token, nil)
	require.Equal(t, map[string]any{"digest": true, "digest_hour": float64(7), "kinds": allKinds}, r.body)

	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"HourTooLarge", map[string]any{"digest_hour": 24}, "digest_hour"},
		{"HourNegative", map[string]any{"digest_hour": -1}, "digest_hour"},
		{"HourNotANumber", map[string]any{"digest_hour": "seven"}, "digest_hour"},
		{"UnknownKind", map[string]any{"kinds": []string{"overdue", "weekly"}}, "kinds"},
		{"DigestIsNotAPerRequestKind", map[string]any{"kinds": []string{"digest"}}, "kinds"},
		{"UnknownField", map[string]any{"email": true}, "email"},
	} {
		r := b.call("PUT", "/api/v1/me/preferences", viewer, tc.body)
		require.Equal(t, http.StatusBadRequest, r.status(), tc.name)
		require.Equal(t, []string{tc.field}, r.fieldErrors(), tc.name)
	}
	r = b.call("PUT", "/api/v1/me/preferences", viewer, nil)
	require.Equal(t, http.StatusUnsupportedMediaType, r.status())
	r = b.call("PUT", "/api/v1/me/preferences", viewer, `{"kinds":["`+strings.Repeat("x", 70<<10)+`"]}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.status())
	r = b.call("GET", "/api/v1/me/preferences?verbose=1", viewer, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"verbose"}, r.fieldErrors())
	require.Equal(t, http.StatusUnauthorized, b.call("GET", "/api/v1/me/preferences", "", nil).status())

	// Nothing invalid was stored.
	r = b.call("GET", "/api/v1/me/preferences", viewer, nil)
	require.Equal(t, map[string]any{"digest": false, "digest_hour": float64(0), "kinds": []any{}}, r.body)
}

// calendarPath rotates the caller's calendar secret and returns the feed's path.
func (b *testBundle) calendarPath(token string) string {
	b.t.Helper()
	r := b.call("POST", "/api/v1/me/calendar", token, nil)
	require.Equal(b.t, http.StatusCreated, r.status(), r.rec.Body.String())
	require.Equal(b.t, "no-store", r.rec.Header().Get("Cache-Control"))
	u, err := url.Parse(r.str("url"))
	require.NoError(b.t, err)
	require.True(b.t, strings.HasPrefix(u.Path, "/calendar/") && strings.HasSuffix(u.Path, ".ics"), u.Path)
	return u.Path
}

// feed fetches a calendar feed without a token and parses it.
func (b *testBundle) feed(path string) (string, *ics.Calendar) {
	b.t.Helper()
	r := b.call("GET", path, "", nil)
	require.Equal(b.t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(b.t, "text/calendar; charset=utf-8", r.rec.Header().Get("Content-Type"))
	body := r.rec.Body.String()
	// RFC 5545 3.1: every content line ends with CRLF.
	require.True(b.t, strings.HasSuffix(body, "END:VCALENDAR\r\n"), body)
	require.Equal(b.t, strings.Count(body, "\n"), strings.Count(body, "\r\n"), "every line ends with CRLF")
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	require.NoError(b.t, err, body)
	return body, cal
}

func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sacramento County Sheriff's Department", "us-ca")
	id := b.request(a, "2017-03-27") // due Thu 6 April 2017
	b.request(a, "")                 // a draft: no date, no event
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)

	path := b.calendarPath(viewer)
	body, cal := b.feed(path)
	require.Contains(t, body, "BEGIN:VCALENDAR")
	require.Contains(t, body, "DTSTART;VALUE=DATE:20170406")
	events := cal.Events()
	require.Len(t, events, 1)
	uid := events[0].Id()
	require.Equal(t, "request-"+id+"@sunshine", uid)
	require.Contains(t, events[0].GetProperty(ics.ComponentPropertySummary).Value, "Sacramento County Sheriff")
	start, err := events[0].GetAllDayStartAt()
	require.NoError(t, err)
	require.Equal(t, "2017-04-06", start.Format("2006-01-02"))

	_, again := b.feed(path)
	require.Len(t, again.Events(), 1)
	require.Equal(t, uid, again.Events()[0].Id(), "the UID is stable across fetches")

	// Rotating replaces the address: the old one is gone at once.
	newPath := b.calendarPath(viewer)
	require.NotEqual(t, path, newPath)
	r := b.call("GET", path, "", nil)
	require.Equal(t, http.StatusNotFound, r.status())
	_, cal = b.feed(newPath)
	require.Equal(t, uid, cal.Events()[0].Id())

	// Another user's feed is separate from the viewer's.
	adminPath := b.calendarPath(b.token)
	b.feed(adminPath)
	b.feed(newPath)

	for _, p := range []string{
		"/calendar/nope.ics",
		"/calendar/" + strings.Repeat("A", 43) + ".ics",
		strings.TrimSuffix(newPath, ".ics"), // the secret without .ics
		strings.TrimSuffix(newPath, ".ics") + ".ical",
	} {
		r := b.call("GET", p, "", nil)
		require.Equal(t, http.StatusNotFound, r.status(), p)
	}

	// A New York request the agency acknowledged: its 5 business days are
	// met, so the feed shows the agency's estimate, or nothing without one.
	ny := b.request(b.agency("New York City Police Department", "us-ny"), "2017-03-27")
	require.Len(t, b.feedEvents(newPath), 2)
	r = b.call("POST", "/api/v1/requests/"+ny+"/transitions", b.token, map[string]any{"to": "acknowledged", "effective_on": "2017-03-29"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Len(t, b.feedEvents(newPath), 1)
	r = b.call("PATCH", "/api/v1/requests/"+ny, b.token, map[string]any{"agency_estimated_on": "2017-04-26"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	events = b.feedEvents(newPath)
	require.Len(t, events, 2)
	for _, ev := range events {
		if ev.Id() == "request-"+ny+"@sunshine" {
			require.Equal(t, "Agency's estimate: All communications with ICE since 20 January 2017 (New York City Police Department)", ev.GetProperty(ics.ComponentPropertySummary).Value)
			start, err := ev.GetAllDayStartAt()
			require.NoError(t, err)
			require.Equal(t, "2017-04-26", start.Format("2006-01-02"))
		}
	}

	// Under appeal the estimate is moot: no date to follow, no event, until
	// the appeal decision's date is set as a custom date, as the
	// dashboard's calendar has it.
	r = b.call("POST", "/api/v1/requests/"+ny+"/transitions", b.token, map[string]any{"to": "appealed", "effective_on": "2017-04-03"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Len(t, b.feedEvents(newPath), 1)
	r = b.call("PUT", "/api/v1/requests/"+ny+"/custom_due_on", b.token, map[string]any{"date": "2017-05-15", "reason": "appeal decision due"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	events = b.feedEvents(newPath)
	require.Len(t, events, 2)
	for _, ev := range events {
		if ev.Id() == "request-"+ny+"@sunshine" {
			require.True(t, strings.HasPrefix(ev.GetProperty(ics.ComponentPropertySummary).Value, "Due: "))
			start, err := ev.GetAllDayStartAt()
			require.NoError(t, err)
			require.Equal(t, "2017-05-15", start.Format("2006-01-02"))
		}
	}

	r = b.call("POST", "/api/v1/me/calendar?x=1", viewer, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"x"}, r.fieldErrors())
	require.Equal(t, http.StatusUnauthorized, b.call("POST", "/api/v1/me/calendar", "", nil).status())
	b.feed(newPath) // a refused rotation changes nothing
}

// feedEvents fetches a calendar feed's events.
func (b *testBundle) feedEvents(path string) []*ics.VEvent {
	b.t.Helper()
	_, cal := b.feed(path)
	return cal.Events()
}

func TestReminderPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := b.user("staff@ndlon.example", sunshine.RoleStaff)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	defaults := map[string]any{"time_zone": "America/New_York", "due_soon_business_days": []any{float64(3), float64(1)},
		"overdue_repeat_days": float64(7), "awaiting_after_business_days": float64(3)}

	for _, tok := range []string{b.token, staff, viewer} {
		r := b.call("GET", "/api/v1/reminder_policy", tok, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		require.Equal(t, defaults, r.body)
	}

	// A request to reschedule when the policy changes.
	b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	r := b.call("PUT", "/api/v1/reminder_policy", b.token, map[string]any{"time_zone": "America/Los_Angeles", "due_soon_business_days": []int{5, 2, 1}})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	changed := map[string]any{"time_zone": "America/Los_Angeles", "due_soon_business_days": []any{float64(5), float64(2), float64(1)},
		"overdue_repeat_days": float64(7), "awaiting_after_business_days": float64(3)}
	require.Equal(t, changed, r.body)
	r = b.call("PUT", "/api/v1/reminder_policy", b.token, map[string]any{"due_soon_business_days": []int{}, "overdue_repeat_days": 14})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, []any{}, r.body["due_soon_business_days"])
	require.Equal(t, float64(14), r.body["overdue_repeat_days"])
	require.Equal(t, "America/Los_Angeles", r.str("time_zone"))
	r = b.call("GET", "/api/v1/reminder_policy", viewer, nil)
	require.Equal(t, []any{}, r.body["due_soon_business_days"])

	for _, tok := range []string{staff, viewer} {
		r := b.call("PUT", "/api/v1/reminder_policy", tok, map[string]any{"overdue_repeat_days": 1})
		require.Equal(t, http.StatusForbidden, r.status())
	}
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"UnknownTimeZone", map[string]any{"time_zone": "America/Springfield"}, "time_zone"},
		{"EmptyTimeZone", map[string]any{"time_zone": ""}, "time_zone"},
		{"LocalTimeZone", map[string]any{"time_zone": "Local"}, "time_zone"},
		{"TooManySoonDays", map[string]any{"due_soon_business_days": []int{1, 2, 3, 4, 5, 6}}, "due_soon_business_days"},
		{"SoonDayZero", map[string]any{"due_soon_business_days": []int{0}}, "due_soon_business_days"},
		{"RepeatTooLong", map[string]any{"overdue_repeat_days": 91}, "overdue_repeat_days"},
		{"AwaitingZero", map[string]any{"awaiting_after_business_days": 0}, "awaiting_after_business_days"},
		{"UnknownField", map[string]any{"digest_hour": 7}, "digest_hour"},
	} {
		r := b.call("PUT", "/api/v1/reminder_policy", b.token, tc.body)
		require.Equal(t, http.StatusBadRequest, r.status(), tc.name)
		require.Equal(t, []string{tc.field}, r.fieldErrors(), tc.name)
	}
	r = b.call("PUT", "/api/v1/reminder_policy", b.token, `{"time_zone":"UTC"}`+"\n")
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "UTC", r.str("time_zone"))
	require.Equal(t, http.StatusUnauthorized, b.call("GET", "/api/v1/reminder_policy", "", nil).status())
	r = b.call("GET", "/api/v1/reminder_policy?tz=1", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"tz"}, r.fieldErrors())
}

func TestWatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	path := "/api/v1/requests/" + id + "/watch"

	for _, tok := range []string{viewer, b.token} {
		for _, method := range []string{"PUT", "PUT", "DELETE", "DELETE", "PUT"} { // both are idempotent
			r := b.call(method, path, tok, nil)
			require.Equal(t, http.StatusNoContent, r.status(), "%s %s", method, r.rec.Body.String())
			require.Empty(t, r.rec.Body.String())
		}
	}

	other := storetest.Org(t, b.st, "other")
	for _, method := range []string{"PUT", "DELETE"} {
		r := b.call(method, path, other.Token, nil)
		require.Equal(t, http.StatusNotFound, r.status(), "another organization's request")
		r = b.call(method, "/api/v1/requests/00000000-0000-0000-0000-000000000000/watch", viewer, nil)
		require.Equal(t, http.StatusNotFound, r.status())
		r = b.call(method, "/api/v1/requests/not-a-uuid/watch", viewer, nil)
		require.Equal(t, http.StatusNotFound, r.status())
		r = b.call(method, path+"?x=1", viewer, nil)
		require.Equal(t, http.StatusBadRequest, r.status())
		require.Equal(t, http.StatusUnauthorized, b.call(method, path, "", nil).status())
	}
	r := b.call("POST", path, viewer, nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status())
	require.Equal(t, "DELETE, PUT", r.rec.Header().Get("Allow"))
}

func TestReminders_ListAndRetry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := b.user("staff@ndlon.example", sunshine.RoleStaff)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)

	r := b.call("GET", "/api/v1/reminders", viewer, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, map[string]any{"items": []any{}, "next_cursor": nil}, r.body)
	for _, q := range []string{"status=lost", "status=pending&status=lost", "limit=0", "cursor=zzz", "stauts=sent"} {
		r := b.call("GET", "/api/v1/reminders?"+q, viewer, nil)
		require.Equal(t, http.StatusBadRequest, r.status(), q)
		require.Len(t, r.fieldErrors(), 1, q)
	}
	r = b.call("GET", "/api/v1/reminders?status=lost", viewer, nil)
	require.Equal(t, []string{"status"}, r.fieldErrors())
	require.Equal(t, http.StatusUnauthorized, b.call("GET", "/api/v1/reminders", "", nil).status())

	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "not-a-uuid"} {
		r := b.call("POST", "/api/v1/reminders/"+id+"/retry", staff, nil)
		require.Equal(t, http.StatusNotFound, r.status(), id)
	}

	// A request due tomorrow (6 April) owes a due_soon reminder today, to the
	// admins (nobody is assigned or watching); the viewer watches a second one.
	a := b.agency("Sheriff", "us-ca")
	b.request(a, "2017-03-27")
	watched := b.request(a, "2017-03-27")
	require.Equal(t, http.StatusNoContent, b.call("PUT", "/api/v1/requests/"+watched+"/watch", viewer, nil).status())
	ctx := context.Background()
	n, err := b.st.PlanReminders(ctx, now)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)

	r = b.call("GET", "/api/v1/reminders?status=pending", viewer, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Len(t, r.items(), 2)
	for _, it := range r.items() {
		require.Equal(t, "due_soon", it["kind"])
		require.Equal(t, "2017-04-06", it["due_on"])
		require.Nil(t, it["sent_at"])
	}
	first := b.call("GET", "/api/v1/reminders?limit=1", viewer, nil)
	require.Len(t, first.items(), 1)
	cursor, _ := first.body["next_cursor"].(string)
	require.NotEmpty(t, cursor)
	second := b.call("GET", "/api/v1/reminders?limit=1&cursor="+url.QueryEscape(cursor), viewer, nil)
	require.Equal(t, http.StatusOK, second.status(), second.rec.Body.String())
	require.Len(t, second.items(), 1)
	require.NotEqual(t, first.items()[0]["id"], second.items()[0]["id"])
	require.Nil(t, second.body["next_cursor"])

	// Every attempt fails.
	claimed, err := b.st.ClaimReminders(ctx, now, 100, 0)
	require.NoError(t, err)
	var failedID string
	for _, c := range claimed {
		if c.OrgID != b.fx.Org.ID {
			continue
		}
		require.NoError(t, b.st.MarkReminderFailed(ctx, c, "550 mailbox unavailable", now, true))
		failedID = c.ID
	}
	require.NotEmpty(t, failedID)
	r = b.call("GET", "/api/v1/reminders?status=failed", viewer, nil)
	require.Len(t, r.items(), 2)
	require.Equal(t, "550 mailbox unavailable", r.items()[0]["last_error"])
	require.Equal(t, float64(1), r.items()[0]["attempts"])

	retry := "/api/v1/reminders/" + failedID + "/retry"
	require.Equal(t, http.StatusForbidden, b.call("POST", retry, viewer, nil).status())
	r = b.call("POST", retry, staff, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, failedID, r.str("id"))
	require.Equal(t, "pending", r.str("status"))
	require.Equal(t, float64(0), r.body["attempts"])
	r = b.call("POST", retry, b.token, nil)
	require.Equal(t, http.StatusConflict, r.status(), "only a failed reminder can be retried")
	r = b.call("POST", retry+"?now=1", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())

	r = b.call("GET", "/api/v1/reminders?status=pending", viewer, nil)
	require.Len(t, r.items(), 1)
	require.Equal(t, failedID, r.items()[0]["id"])

	// status may be repeated, as on /requests: any of them, paged.
	var both []any
	path := "/api/v1/reminders?status=pending&status=failed&limit=1"
	for path != "" {
		r = b.call("GET", path, viewer, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		for _, it := range r.items() {
			both = append(both, it["status"])
		}
		path = ""
		if next, ok := r.body["next_cursor"].(string); ok {
			path = "/api/v1/reminders?status=pending&status=failed&limit=1&cursor=" + url.QueryEscape(next)
		}
	}
	require.ElementsMatch(t, []any{"pending", "failed"}, both)
	r = b.call("GET", "/api/v1/reminders?status=sent&status=cancelled", viewer, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Empty(t, r.items())

	// Another organization sees none of it.
	other := storetest.Org(t, b.st, "other")
	r = b.call("GET", "/api/v1/reminders", other.Token, nil)
	require.Empty(t, r.items())
	require.Equal(t, http.StatusNotFound, b.call("POST", retry, other.Token, nil).status())
}

func TestCalendarSecretNeverLogged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := b.calendarPath(b.token)
	secret := strings.TrimSuffix(strings.TrimPrefix(path, "/calendar/"), ".ics")
	require.NotEmpty(t, secret)
	b.feed(path)
	// Near misses a calendar app might send, which match no route.
	for _, p := range []string{path + "/", path + "x", "/calendar/" + secret, "/invite/" + secret + "/"} {
		require.Equal(t, http.StatusNotFound, b.call("GET", p, "", nil).status(), p)
	}
	require.NotContains(t, b.logs.String(), secret)
	require.Contains(t, b.logs.String(), `"path":"/calendar/[secret].ics"`)
}

// A reminder email the mail server accepted is in the request's timeline,
// as the API (checked against docs/openapi.yaml) and the archive give it,
// for any member to see; a failed one is not.
func TestReminders_SentInTimeline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	a := b.agency("Sheriff", "us-ca")
	delivered, failed := b.request(a, "2017-03-27"), b.request(a, "2017-03-27") // due tomorrow, 6 April
	ctx := context.Background()
	_, err := b.st.PlanReminders(ctx, now)
	require.NoError(t, err)
	claimed, err := b.st.ClaimReminders(ctx, now, 100, 0)
	require.NoError(t, err)
	var reminderID string
	for _, c := range claimed {
		switch *c.RequestID {
		case delivered:
			reminderID = c.ID
			require.NoError(t, b.st.MarkReminderSent(ctx, c,
				store.Delivery{Subject: "Due Thu 6 Apr (1 business day)", Summary: "due in 1 business day (Thu 6 Apr 2017)"}, now))
		case failed:
			require.NoError(t, b.st.MarkReminderFailed(ctx, c, "550 mailbox unavailable", now, true))
		}
	}
	require.NotEmpty(t, reminderID)

	sentEvents := func(id string) []map[string]any {
		r := b.call("GET", "/api/v1/requests/"+id+"/events", viewer, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		var out []map[string]any
		for _, e := range r.items() {
			if e["kind"] == "reminder_sent" {
				out = append(out, e)
			}
		}
		return out
	}
	require.Empty(t, sentEvents(failed))
	es := sentEvents(delivered)
	require.Len(t, es, 1)
	e := es[0]
	require.Equal(t, "Reminder sent to "+b.fx.Admin.Name+": due in 1 business day (Thu 6 Apr 2017).", e["note"])
	require.Nil(t, e["actor_id"])
	require.Nil(t, e["effective_on"])
	require.Equal(t, "2017-04-05T15:00:00Z", e["created_at"])
	require.Equal(t, map[string]any{"reminder_id": reminderID, "reminder_kind": "due_soon", "due_on": "2017-04-06",
		"recipient_id": b.fx.Admin.ID, "recipient_name": b.fx.Admin.Name, "recipient_email": b.fx.Admin.Email}, e["data"])

	// The archive's timeline has it too.
	rec := b.raw("/api/v1/requests/" + delivered + "/export.zip")
	require.Equal(t, http.StatusOK, rec.Code)
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	require.NoError(t, err)
	f, err := zr.Open("timeline.json")
	require.NoError(t, err)
	var timeline []map[string]any
	require.NoError(t, json.NewDecoder(f).Decode(&timeline))
	var inArchive []any
	for _, te := range timeline {
		if te["kind"] == "reminder_sent" {
			inArchive = append(inArchive, te["note"])
		}
	}
	require.Equal(t, []any{e["note"]}, inArchive)
}

// A person's calendar feed has their open to-dos on their days, not a
// colleague's, and not one done.
func TestCalendarFeed_Todos(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "2017-03-27")
	staff := b.user("staff@ndlon.example", sunshine.RoleStaff)
	add := func(token, text string) string {
		t.Helper()
		r := b.call("POST", "/api/v1/requests/"+id+"/todos", token, map[string]any{"text": text, "due_on": "2017-04-10"})
		require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
		return r.str("id")
	}
	mine := add(b.token, "Call the records officer")
	done := add(b.token, "Check the portal")
	add(staff, "A colleague's to-do")
	r := b.call("PATCH", "/api/v1/todos/"+done, b.token, map[string]any{"done": true})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())

	var todos []*ics.VEvent
	for _, ev := range b.feedEvents(b.calendarPath(b.token)) {
		if strings.HasPrefix(ev.Id(), "todo-") {
			todos = append(todos, ev)
		}
	}
	require.Len(t, todos, 1)
	require.Equal(t, "todo-"+mine+"@sunshine", todos[0].Id())
	require.Equal(t, "To do: Call the records officer (All communications with ICE since 20 January 2017)", todos[0].GetProperty(ics.ComponentPropertySummary).Value)
	start, err := todos[0].GetAllDayStartAt()
	require.NoError(t, err)
	require.Equal(t, "2017-04-10", start.Format("2006-01-02"))
	require.Equal(t, "/requests/"+id+"#todo-"+mine, todos[0].GetProperty(ics.ComponentPropertyUrl).Value)
}
