package sunshine

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WebhookFormat is how a webhook's messages are written.
type WebhookFormat string

const (
	// WebhookJSON is a Standard Webhooks message: the event, its request
	// and its line, as JSON, signed with the webhook's secret.
	WebhookJSON WebhookFormat = "json"
	// WebhookSlack is a chat message ({"text": …}), the event's line with
	// a link to its request: what Slack's incoming webhooks (and the chat
	// programs that read Slack's form) post in a channel.
	WebhookSlack WebhookFormat = "slack"
)

// Webhook sends the organization's events, as they happen, to an address
// its admins chose: a chat channel, an automation tool, a newsroom's own
// program. Each event is sent at least once, in order; an address that
// fails is tried again for up to WebhookGiveUp, then the webhook is turned
// off and the admins emailed.
type Webhook struct {
	ID          string        `db:"id" json:"id"`
	URL         string        `db:"url" json:"url"`
	Description string        `db:"description" json:"description"`
	Format      WebhookFormat `db:"format" json:"format"`
	// Kinds are the events sent; none is every kind.
	Kinds  []EventKind `db:"-" json:"kinds"`
	Secret string      `db:"secret" json:"secret"`
	Active bool        `db:"active" json:"active"`
	// OffReason says why Sunshine turned it off ("" when on, or turned off
	// by a person).
	OffReason string     `db:"off_reason" json:"off_reason"`
	CreatedBy *string    `db:"created_by" json:"created_by"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	LastSent  *time.Time `db:"last_sent_at" json:"last_sent_at"`
	// FailingSince is when the address began failing, and LastError what
	// it answered; NextAttempt when it is tried again.
	FailingSince *time.Time `db:"failing_since" json:"failing_since"`
	LastError    string     `db:"last_error" json:"last_error"`
	NextAttempt  time.Time  `db:"next_attempt_at" json:"next_attempt_at"`
	// PingAsked: a test message is waiting to be sent.
	PingAsked bool `db:"ping" json:"test_pending"`
}

// Failing reports whether the webhook's address failed on its latest
// tries and is being tried again.
func (w *Webhook) Failing() bool { return w.Active && w.FailingSince != nil }

// WebhookDelivery is one try to send a message to a webhook's address.
type WebhookDelivery struct {
	ID          string    `db:"id" json:"id"`
	MessageID   string    `db:"message_id" json:"message_id"` // the event's ID, or a test message's
	Kind        string    `db:"kind" json:"kind"`             // the event's kind, or "ping"
	RequestID   *string   `db:"request_id" json:"request_id"`
	AttemptedAt time.Time `db:"attempted_at" json:"attempted_at"`
	StatusCode  *int      `db:"status_code" json:"status_code"` // null when no answer came
	Error       string    `db:"error" json:"error"`             // "" when it was taken
	DurationMS  int       `db:"duration_ms" json:"duration_ms"`
}

// WebhookPing is the kind of a test message.
const WebhookPing = "ping"

// MaxWebhooks is how many webhooks an organization may have: each is
// read and sent to every few seconds.
const MaxWebhooks = 10

// WebhookGiveUp is how long a failing address is tried again before the
// webhook is turned off.
const WebhookGiveUp = 72 * time.Hour

// WebhookInput makes a webhook (URL required; Format json by default) or
// changes one (nil leaves a field as it is).
type WebhookInput struct {
	URL         *string        `json:"url"`
	Description *string        `json:"description"`
	Format      *WebhookFormat `json:"format"`
	Kinds       *[]EventKind   `json:"kinds"`
	Active      *bool          `json:"active"`
}

// Validate checks the input and tidies it: the address trimmed, kinds
// without repeats.
func (in *WebhookInput) Validate(create bool) error {
	var fs []FieldError
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		if msg := webhookURLProblem(u); msg != "" {
			fs = append(fs, FieldError{"url", msg})
		} else {
			u = "https" + u[len("https"):] // the scheme as written: HTTPS://
		}
		in.URL = &u
	} else if create {
		fs = append(fs, FieldError{"url", "is required: the https:// address to send events to"})
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		in.Description = &d
		if chars(d) > 200 {
			fs = append(fs, FieldError{"description", "must be at most 200 characters"})
		}
	}
	if in.Format == nil && create {
		f := WebhookJSON
		in.Format = &f
	}
	if in.Format != nil && *in.Format != WebhookJSON && *in.Format != WebhookSlack {
		fs = append(fs, FieldError{"format", "must be json or slack"})
	}
	if in.Kinds != nil {
		var kinds []EventKind
		for _, k := range *in.Kinds {
			if !slices.Contains(EventKinds, k) {
				fs = append(fs, FieldError{"kinds", "has " + strings.TrimSpace(string(k)) + ", which is not a kind of event"})
				break
			}
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		in.Kinds = &kinds
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// webhookURLProblem says what is wrong with a webhook's address, "" when
// nothing is: an absolute https address (events carry notes and titles:
// never in clear text) as a browser would send it, without a password in
// it.
func webhookURLProblem(s string) string {
	if s == "" {
		return "is required: the https:// address to send events to"
	}
	if len(s) > 2000 {
		return "must be at most 2000 characters"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '"' || r == '<' || r == '>' }) {
		return "must not hold spaces or quotes: copy the address as the service gives it"
	}
	u, err := url.ParseRequestURI(s)
	switch {
	case err != nil || u.Host == "" || u.Hostname() == "":
		return "must be a web address such as https://hooks.slack.com/services/…"
	case u.Scheme != "https":
		return "must start with https:// (events are sent encrypted)"
	case u.User != nil:
		return "must not hold a user name or password (put the credential in the path or query, as the service says)"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "has a port that is not a number from 1 to 65535"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "has an empty port: leave out the colon"
	}
	return ""
}

// WebhookHost is where a webhook sends, as lists and emails show it: the
// address's host, with a label long enough to be a credential (as some
// services put one in the host) cut short. The path is left out: a chat
// service's path is its credential.
func WebhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "an address"
	}
	labels := strings.Split(u.Hostname(), ".")
	for i, l := range labels {
		if r := []rune(l); len(r) > 16 {
			labels[i] = string(r[:4]) + "…"
		}
	}
	return strings.Join(labels, ".")
}
