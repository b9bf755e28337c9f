package sunshine

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sunshine-records/sunshine/deadline"
)

// LetterEmail is a request's letter sent to the agency by email from
// Sunshine. It waits in the outbox (LetterEmailPending) until the mail
// server accepts it (LetterEmailSent): only then is it logged as the
// outgoing communication of its kind, dated the day it went, and, where
// Submit asked, the draft request submitted. One the mail server keeps
// refusing is LetterEmailFailed, with why, until someone sends it again or
// cancels it. One accepted that a mail server then returned undelivered
// (a bounce) is LetterEmailBounced: sent, yet the agency never got it.
type LetterEmail struct {
	ID        string     `db:"id" json:"id"`
	OrgID     string     `db:"org_id" json:"-"`
	RequestID string     `db:"request_id" json:"request_id"`
	Kind      LetterKind `db:"kind" json:"kind"`
	SenderID  string     `db:"sender_id" json:"sender_id"`
	// To is the agency's address; Cc more addresses in copy; CopySender
	// sends the sender a blind copy, to keep in their own mailbox.
	To         string   `db:"to_address" json:"to"`
	Cc         []string `db:"-" json:"cc"`
	CopySender bool     `db:"copy_sender" json:"copy_sender"`
	// ToParty and FromParty are the letter's addressee and signer as the
	// communication logs them; Subject and Body its subject and text.
	ToParty   string `db:"to_party" json:"to_party"`
	FromParty string `db:"from_party" json:"from_party"`
	Subject   string `db:"subject" json:"subject"`
	Body      string `db:"body" json:"body"`
	Submit    bool   `db:"submit" json:"submit"`
	// AttachmentIDs are documents of the request sent with the letter, in
	// order (a signed PDF of it, an earlier letter).
	AttachmentIDs []string `db:"-" json:"attachment_ids"`

	Status          LetterEmailStatus `db:"status" json:"status"`
	Attempts        int               `db:"attempts" json:"attempts"`
	NextAttemptAt   time.Time         `db:"next_attempt_at" json:"next_attempt_at"`
	SentAt          *time.Time        `db:"sent_at" json:"sent_at"`
	LastError       string            `db:"last_error" json:"last_error"`
	CommunicationID *string           `db:"communication_id" json:"communication_id"`
	CreatedAt       time.Time         `db:"created_at" json:"created_at"`
	// BouncedAt is when a bounce for it came; BounceDocumentID the bounce,
	// filed with the request (nil once removed).
	BouncedAt        *time.Time `db:"bounced_at" json:"bounced_at"`
	BounceDocumentID *string    `db:"bounce_document_id" json:"bounce_document_id"`
	// Redate: a request letter sent again after a bounce moves the
	// request's dates to the day it goes (staff said the agency never got
	// the first).
	Redate bool `db:"redate" json:"redate"`
	// Automatic marks a follow-up the request's automatic follow-ups
	// queued (AutoFollowUp), signed by their signer (SenderID).
	Automatic bool `db:"automatic" json:"automatic"`
}

// LetterEmailStatus is where a letter email is.
type LetterEmailStatus string

// Letter email statuses.
const (
	LetterEmailPending   LetterEmailStatus = "pending"
	LetterEmailSent      LetterEmailStatus = "sent"
	LetterEmailFailed    LetterEmailStatus = "failed"
	LetterEmailCancelled LetterEmailStatus = "cancelled"
	LetterEmailBounced   LetterEmailStatus = "bounced"
)

// NotSent reports whether e did not reach the agency and waits for staff
// to send it again or cancel it: refused by the mail server, or returned
// by a bounce.
func (e *LetterEmail) NotSent() bool {
	return e.Status == LetterEmailFailed || e.Status == LetterEmailBounced
}

// MaxLetterCc is how many more addresses a letter email may copy.
const MaxLetterCc = 10

// MaxLetterAttachments is how many documents a letter email may attach,
// and MaxLetterAttachmentBytes their total size: 7 MiB, about 9.5 MB once
// encoded for email, under the 10 MB that many agencies' mail servers
// accept at most.
const (
	MaxLetterAttachments     = 10
	MaxLetterAttachmentBytes = 7 << 20
)

// LetterEmailInput is a letter to send by email: what the letter page or
// the API gives.
type LetterEmailInput struct {
	Kind       LetterKind
	To         string
	Cc         []string
	CopySender bool
	ToParty    string
	FromParty  string
	Subject    string
	Body       string
	// Submit the draft request once the email is accepted (only for the
	// request letter of a draft).
	Submit bool
	// AttachmentIDs are documents of the request to attach.
	AttachmentIDs []string
	// Automatic: queued by the request's automatic follow-ups.
	Automatic bool
}

// Normalize trims the addresses and lines, splits copies given in one
// line ("a@x.org, b@y.org") and drops empty ones, as a form gives them;
// no kind is the request letter.
func (in *LetterEmailInput) Normalize() {
	if in.Kind == "" {
		in.Kind = LetterRequest
	}
	in.To = strings.TrimSpace(in.To)
	cc := []string{}
	for _, a := range in.Cc {
		cc = append(cc, strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })...)
	}
	in.Cc = cc
	in.ToParty = strings.TrimSpace(in.ToParty)
	in.FromParty = strings.TrimSpace(in.FromParty)
	in.Subject = strings.TrimSpace(in.Subject)
	in.Body = strings.ReplaceAll(in.Body, "\r\n", "\n")
}

// Validate names every field that is wrong, at once.
func (in *LetterEmailInput) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, FieldInvalid(field, format, args...)) }
	if in.Kind != LetterRequest && in.Kind != LetterFollowUp {
		bad("kind", "must be request or follow_up")
	}
	switch {
	case in.To == "":
		bad("to", "is required: the agency's email address")
	case !ValidEmail(in.To):
		bad("to", "must be one email address, such as records@agency.gov")
	}
	seen := map[string]bool{strings.ToLower(in.To): true}
	switch {
	case len(in.Cc) > MaxLetterCc:
		bad("cc", "must have at most %d addresses", MaxLetterCc)
	default:
		for _, a := range in.Cc {
			if !ValidEmail(a) {
				bad("cc", "%q is not an email address", a)
				break
			}
			if seen[strings.ToLower(a)] {
				bad("cc", "names %s twice", a)
				break
			}
			seen[strings.ToLower(a)] = true
		}
	}
	switch {
	case in.Subject == "":
		bad("subject", "is required: agencies sort their email by it")
	case len([]rune(in.Subject)) > 1000:
		bad("subject", "must be at most 1000 characters")
	case strings.ContainsAny(in.Subject, "\r\n"):
		bad("subject", "must be one line")
	}
	switch {
	case strings.TrimSpace(in.Body) == "":
		bad("body", "is required: the letter to send")
	case len([]rune(in.Body)) > 1000000:
		bad("body", "must be at most 1,000,000 characters")
	}
	if len([]rune(in.ToParty)) > 500 {
		bad("to_party", "must be at most 500 characters")
	}
	if len([]rune(in.FromParty)) > 500 {
		bad("from_party", "must be at most 500 characters")
	}
	if len(in.AttachmentIDs) > MaxLetterAttachments {
		bad("attachment_ids", "must name at most %d documents", MaxLetterAttachments)
	} else {
		seenDoc := map[string]bool{}
		for _, id := range in.AttachmentIDs {
			if seenDoc[strings.ToLower(id)] {
				bad("attachment_ids", "names %s twice", id)
				break
			}
			seenDoc[strings.ToLower(id)] = true
		}
	}
	return JoinInvalid(errs...)
}

// CheckSubmit refuses Submit for a letter that cannot submit r: only the
// request letter of a draft can.
func (in *LetterEmailInput) CheckSubmit(r *Request) error {
	if !in.Submit {
		return nil
	}
	if in.Kind != LetterRequest || r.Status != StatusDraft {
		return FieldInvalid("submit", "is only for the request letter of a draft request (this one is %s)", strings.ReplaceAll(string(r.Status), "_", " "))
	}
	return nil
}

// Describe names a letter email for people: "the request letter to
// records@agency.gov".
func (e *LetterEmail) Describe() string {
	return fmt.Sprintf("%s to %s", e.Kind.Words(), e.To)
}

// Words names a letter kind in a sentence: "the follow-up letter".
func (k LetterKind) Words() string {
	if k == LetterFollowUp {
		return "the follow-up letter"
	}
	return "the request letter"
}

// CountsFrom reports whether the clock of r, submitted, still runs from
// its request letter sent on day: its sent date is that day, or, without
// one, its receipt date. A request letter that bounced that day did not
// reach the agency: sent again, the request is received then instead.
func (r *Request) CountsFrom(day deadline.Date) bool {
	if r.Status != StatusSubmitted {
		return false
	}
	return r.SentOn == day || (r.SentOn.IsZero() && r.ReceivedOn == day)
}
