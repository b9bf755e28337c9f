package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// reminderStatuses are the filters of the reminder emails page, in the
// order its links show them.
var reminderStatuses = []struct{ Value, Label string }{
	{"", "All"}, {"failed", "Failed"}, {"pending", "Waiting to be sent"}, {"sent", "Sent"}, {"cancelled", "Cancelled"},
}

// reminderKindNames name a reminder's kind in a list.
var reminderKindNames = map[string]string{
	sunshine.ReminderDueSoon: "Due soon", sunshine.ReminderDueToday: "Due today", sunshine.ReminderOverdue: "Overdue",
	sunshine.ReminderExtensionEnding: "Extension ending", sunshine.ReminderEstimatePassed: "Agency's date passed",
	sunshine.ReminderAwaiting: "Waiting on us", sunshine.ReminderDigest: "Weekday digest", "invite": "Invitation",
	sunshine.ReminderAssigned: "Assigned to them", sunshine.ReminderPasswordReset: "Password reset",
	sunshine.ReminderEmailReceived: "Email to log", sunshine.ReminderLetterFailed: "Letter not sent",
	sunshine.ReminderTwoStep: "Two-step sign-in notice", sunshine.ReminderTodo: "To-dos of the day",
	sunshine.ReminderWebhookOff: "Webhook turned off", sunshine.ReminderSearchAlert: "Search alert",
	sunshine.ReminderMentioned: "Mentioned in a note",
}

type reminderRow struct {
	*sunshine.Reminder
	Kind, Recipient, Created, Sent string
	// Permanent: the mail server's answer was a 5xx, which sending again
	// does not cure (a wrong or closed address).
	Permanent bool
}

type remindersData struct {
	Status   string
	Filters  []reminderFilter
	Rows     []reminderRow
	Failed   int
	Next     string
	First    string
	Later    bool
	CanWrite bool
	Note     string
}

type reminderFilter struct {
	Label, URL string
	Current    bool
}

// handleReminders is GET /reminders: the organization's reminder emails,
// newest first, 50 a page, by status; failed ones can be sent again.
func (s *Server) handleReminders(c *gin.Context) {
	ctx := ctxOf(c)
	status, cursor := c.Query("status"), c.Query("cursor")
	known := false
	for _, f := range reminderStatuses {
		known = known || f.Value == status
	}
	if !known {
		status = ""
	}
	d := &remindersData{Status: status, Later: cursor != "", First: remindersURL(status, ""), Note: s.takeNote(c)}
	for _, f := range reminderStatuses {
		d.Filters = append(d.Filters, reminderFilter{Label: f.Label, URL: remindersURL(f.Value, ""), Current: f.Value == status})
	}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	var statuses []string // the page filters by one status, or none
	if status != "" {
		statuses = []string{status}
	}
	rs, next, err := s.store.FindReminders(ctx, statuses, 50, cursor)
	if sunshine.ErrorCode(err) == sunshine.EInvalid { // a cursor from elsewhere: start again
		rs, next, err = s.store.FindReminders(ctx, statuses, 50, "")
		d.Later = false
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if next != "" {
		d.Next = remindersURL(status, next)
	}
	if d.Failed, err = s.store.CountFailedReminders(ctx); err != nil {
		s.fail(c, err)
		return
	}
	users, err := s.store.FindUsers(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = userLabel(u)
	}
	pol, err := s.store.ReminderPolicy(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := sunshine.Location(pol.TimeZone)
	for _, r := range rs {
		row := reminderRow{Reminder: r, Kind: reminderKindNames[r.Kind], Recipient: names[r.RecipientID], Created: stamp(r.CreatedAt, loc),
			Permanent: r.Status == "failed" && permanentSMTP.MatchString(r.LastError)}
		if row.Kind == "" {
			row.Kind = r.Kind
		}
		if r.SentAt != nil {
			row.Sent = stamp(*r.SentAt, loc)
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(c, http.StatusOK, "reminders", "Reminder emails", d)
}

func remindersURL(status, cursor string) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/reminders"
	}
	return "/reminders?" + q.Encode()
}

// handleReminderRetry is POST /reminders/:id/retry: a failed reminder goes
// back in the outbox.
func (s *Server) handleReminderRetry(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	if _, err := s.store.RetryReminder(ctxOf(c), c.Param("id")); err != nil {
		if sunshine.ErrorCode(err) == sunshine.EConflict { // sent or retried meanwhile
			s.redirectBack(c, "/reminders?status=failed", sunshine.ErrorMessage(err)+".")
			return
		}
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "/reminders?status=failed", "The reminder is back in the outbox: it is sent within a few minutes.")
}

// handleRemindersRetryAll is POST /reminders/retry: every failed reminder
// of the organization goes back in the outbox (after a mail outage).
func (s *Server) handleRemindersRetryAll(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	n, err := s.store.RetryFailedReminders(ctxOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	note := "No failed reminder was left to send."
	switch {
	case n == 1:
		note = "1 reminder is back in the outbox: it is sent within a few minutes."
	case n > 1:
		note = strconv.Itoa(n) + " reminders are back in the outbox: they are sent within a few minutes."
	}
	back := "/reminders"
	if c.PostForm("status") == "failed" { // sent from the Failed list: back to it
		back = "/reminders?status=failed"
	}
	s.redirectBack(c, back, note)
}

// permanentSMTP matches a mail server's permanent refusal: an SMTP reply
// code 5xx (RFC 5321 4.2.1), such as "550 5.1.1 mailbox unavailable".
var permanentSMTP = regexp.MustCompile(`(^|\D)5[0-9]{2}[ -]`)
