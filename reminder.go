package sunshine

import (
	"slices"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// Reminder kinds.
const (
	ReminderDueSoon         = "due_soon"
	ReminderDueToday        = "due_today"
	ReminderOverdue         = "overdue"
	ReminderExtensionEnding = "extension_ending"
	ReminderEstimatePassed  = "agency_estimate_passed"
	ReminderAwaiting        = "awaiting_requester"
	ReminderDigest          = "digest"
	// ReminderAssigned tells a person someone assigned them a request.
	ReminderAssigned = "assigned"
	// ReminderPasswordReset carries a password reset link a person asked
	// for (no request; the link rides in the outbox row until it is sent).
	ReminderPasswordReset = "password_reset"
	// ReminderEmailReceived tells a request's followers that an email came
	// to its reply address, to log.
	ReminderEmailReceived = "email_received"
	// ReminderLetterFailed tells the sender of a letter to an agency that
	// the mail server refused it for good. Not a kind to choose: the
	// sender asked for the letter to go.
	ReminderLetterFailed = "letter_failed"
	// ReminderTwoStep tells a person their two-step sign-in changed, or a
	// recovery code signed them in: whoever did not do it learns of it.
	// Always sent; what happened rides in the outbox row until it is.
	ReminderTwoStep = "two_step"
	// ReminderTodo is a person's to-dos due on a day (sunshine.Todo), one
	// email a day listing them, read when it is sent. Always sent: someone
	// asked for it.
	ReminderTodo = "todo"
	// ReminderWebhookOff tells an organization's admins that Sunshine
	// turned a failing webhook off (sunshine.Webhook). Always sent: no
	// event reaches its address until someone turns it on again.
	ReminderWebhookOff = "webhook_off"
	// ReminderSearchAlert tells a person what newly matches the words of
	// their search alert (sunshine.SearchAlert). Always sent: they asked.
	ReminderSearchAlert = "search_alert"
	// ReminderMentioned emails a person a note that mentions them (its
	// data's mention_ids), one email a note.
	ReminderMentioned = "mentioned"
)

// ReminderKinds are the per-request kinds a user can choose.
var ReminderKinds = []string{ReminderDueSoon, ReminderDueToday, ReminderOverdue, ReminderExtensionEnding,
	ReminderEstimatePassed, ReminderAwaiting, ReminderAssigned, ReminderEmailReceived, ReminderMentioned}

// Reminder is an email owed to a person, and its delivery state: the outbox.
type Reminder struct {
	ID          string        `db:"id" json:"id"`
	OrgID       string        `db:"org_id" json:"-"`
	RequestID   *string       `db:"request_id" json:"request_id"`
	RecipientID string        `db:"recipient_id" json:"recipient_id"`
	Kind        string        `db:"kind" json:"kind"`
	DueOn       deadline.Date `db:"due_on" json:"due_on"`
	Occurrence  deadline.Date `db:"occurrence" json:"occurrence"`
	Status      string        `db:"status" json:"status"` // pending, sent, failed, cancelled
	Attempts    int           `db:"attempts" json:"attempts"`
	NextAttempt time.Time     `db:"next_attempt_at" json:"next_attempt_at"`
	SentAt      *time.Time    `db:"sent_at" json:"sent_at"`
	LastError   string        `db:"last_error" json:"last_error"`
	Subject     string        `db:"subject" json:"subject"`
	CreatedAt   time.Time     `db:"created_at" json:"created_at"`
	// RequestTitle is the request's title, for staff pages (FindReminders),
	// and AboutRequestID the request: RequestID, or for a mention the
	// request of its note.
	RequestTitle   string  `db:"request_title" json:"-"`
	AboutRequestID *string `db:"about_request_id" json:"-"`
}

// ReminderPolicy is an organization's reminder schedule.
type ReminderPolicy struct {
	TimeZone          string `db:"time_zone" json:"time_zone"`
	SoonDays          []int  `db:"-" json:"due_soon_business_days"`
	OverdueRepeatDays int    `db:"overdue_repeat_days" json:"overdue_repeat_days"`
	AwaitingAfterDays int    `db:"awaiting_after_days" json:"awaiting_after_business_days"`
}

// Validate checks the policy.
func (p *ReminderPolicy) Validate() error {
	var fs []FieldError
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" || p.TimeZone == "Local" {
		fs = append(fs, FieldError{"time_zone", "must be an IANA time zone such as America/Los_Angeles"})
	}
	if len(p.SoonDays) > 5 {
		fs = append(fs, FieldError{"due_soon_business_days", "at most 5 reminders"})
	}
	for _, d := range p.SoonDays {
		if d < 1 || d > 30 {
			fs = append(fs, FieldError{"due_soon_business_days", "each must be 1 to 30"})
			break
		}
	}
	if p.OverdueRepeatDays < 1 || p.OverdueRepeatDays > 90 {
		fs = append(fs, FieldError{"overdue_repeat_days", "must be 1 to 90"})
	}
	if p.AwaitingAfterDays < 1 || p.AwaitingAfterDays > 30 {
		fs = append(fs, FieldError{"awaiting_after_business_days", "must be 1 to 30"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// Preferences are a user's notification choices.
type Preferences struct {
	Digest     bool     `db:"digest" json:"digest"`
	DigestHour int      `db:"digest_hour" json:"digest_hour"`
	Kinds      []string `db:"-" json:"kinds"`
}

// Validate checks the preferences.
func (p *Preferences) Validate() error {
	var fs []FieldError
	if p.DigestHour < 0 || p.DigestHour > 23 {
		fs = append(fs, FieldError{"digest_hour", "must be an hour from 0 to 23"})
	}
	p.Kinds = slices.Compact(slices.Sorted(slices.Values(p.Kinds)))
	for _, k := range p.Kinds {
		known := false
		for _, rk := range ReminderKinds {
			known = known || k == rk
		}
		if !known {
			fs = append(fs, FieldError{"kinds", "unknown kind " + k})
			break
		}
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}
