package sunshine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// Direction says who sent a communication.
type Direction string

// Directions.
const (
	DirectionIn  Direction = "in"  // from the agency
	DirectionOut Direction = "out" // from us
)

// CommKind is what a communication is.
type CommKind string

// Communication kinds.
const (
	KindRequest              CommKind = "request"
	KindFollowUp             CommKind = "follow_up"
	KindAppeal               CommKind = "appeal"
	KindAcknowledgment       CommKind = "acknowledgment"
	KindExtensionNotice      CommKind = "extension_notice"
	KindFeeEstimate          CommKind = "fee_estimate"
	KindClarificationRequest CommKind = "clarification_request"
	KindRecordsRelease       CommKind = "records_release"
	KindDenial               CommKind = "denial"
	KindPartialDenial        CommKind = "partial_denial"
	KindOther                CommKind = "other"
)

// agencyKinds come only from the agency, requesterKinds only from us; an
// "other" goes either way. (A kind's effect on the request depends on it.)
var (
	agencyKinds = []CommKind{KindAcknowledgment, KindExtensionNotice, KindFeeEstimate, KindClarificationRequest,
		KindRecordsRelease, KindDenial, KindPartialDenial}
	requesterKinds = []CommKind{KindRequest, KindFollowUp, KindAppeal}
)

// CommKinds lists every kind.
var CommKinds = []CommKind{KindRequest, KindFollowUp, KindAppeal, KindAcknowledgment, KindExtensionNotice,
	KindFeeEstimate, KindClarificationRequest, KindRecordsRelease, KindDenial, KindPartialDenial, KindOther}

// Channels lists how a communication can travel.
var Channels = []string{"email", "portal", "mail", "fax", "phone", "in_person"}

// Limits of a communication's fields: its parties and subject in
// characters, its message in bytes (what is stored and read back whole).
const (
	MaxPartyChars   = 500
	MaxSubjectChars = 1000
	MaxBodyBytes    = maxBodyBytes
)

// Communication is one message in a request's correspondence.
type Communication struct {
	ID         string        `db:"id" json:"id"`
	OrgID      string        `db:"org_id" json:"-"`
	RequestID  string        `db:"request_id" json:"request_id"`
	Direction  Direction     `db:"direction" json:"direction"`
	Channel    string        `db:"channel" json:"channel"`
	Kind       CommKind      `db:"kind" json:"kind"`
	OccurredOn deadline.Date `db:"occurred_on" json:"occurred_on"`
	From       string        `db:"from_party" json:"from"`
	To         string        `db:"to_party" json:"to"`
	Subject    string        `db:"subject" json:"subject"`
	Body       string        `db:"body" json:"body"`
	// BodyBytes is the whole body's size where Body holds only its start
	// (a brief listing, for a page); 0 otherwise.
	BodyBytes       int      `db:"body_bytes" json:"-"`
	ExemptionsCited []string `db:"-" json:"exemptions_cited"`
	// FeeAmount is in dollars with cents, as a decimal string ("25.00").
	FeeAmount *string   `db:"fee_amount" json:"fee_amount"`
	CreatedBy *string   `db:"created_by" json:"created_by"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
	Version   int       `db:"version" json:"version"`
}

// Validate checks and normalises the fields a caller sets.
func (c *Communication) Validate() error {
	var fs []FieldError
	if c.Direction != DirectionIn && c.Direction != DirectionOut {
		fs = append(fs, FieldError{"direction", "must be in or out"})
	}
	if !slices.Contains(Channels, c.Channel) {
		fs = append(fs, FieldError{"channel", "must be one of " + strings.Join(Channels, ", ")})
	}
	switch {
	case !slices.Contains(CommKinds, c.Kind):
		fs = append(fs, FieldError{"kind", "unknown kind"})
	case c.Direction == DirectionOut && slices.Contains(agencyKinds, c.Kind):
		fs = append(fs, FieldError{"kind", "a " + strings.ReplaceAll(string(c.Kind), "_", " ") + " comes from the agency: log it as incoming (direction in)"})
	case c.Direction == DirectionIn && slices.Contains(requesterKinds, c.Kind):
		fs = append(fs, FieldError{"kind", "a " + strings.ReplaceAll(string(c.Kind), "_", " ") + " is ours: log it as outgoing (direction out)"})
	}
	if c.OccurredOn.IsZero() {
		fs = append(fs, FieldError{"occurred_on", "is required (YYYY-MM-DD)"})
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"from", c.From, MaxPartyChars}, {"to", c.To, MaxPartyChars}, {"subject", c.Subject, MaxSubjectChars}} {
		if chars(f.v) > f.max {
			fs = append(fs, FieldError{f.name, fmt.Sprintf("must be at most %d characters", f.max)})
		}
	}
	// A message's limit is in bytes: what is stored and read back whole.
	if len(c.Body) > MaxBodyBytes {
		fs = append(fs, FieldError{"body", fmt.Sprintf("must be at most %d bytes", MaxBodyBytes)})
	}
	if len(c.ExemptionsCited) > 50 {
		fs = append(fs, FieldError{"exemptions_cited", "at most 50 citations"})
	}
	for i, e := range c.ExemptionsCited {
		c.ExemptionsCited[i] = strings.TrimSpace(e)
		if c.ExemptionsCited[i] == "" || chars(e) > 200 {
			fs = append(fs, FieldError{"exemptions_cited", "each citation must be 1 to 200 characters"})
			break
		}
	}
	if c.FeeAmount != nil && !validMoney(*c.FeeAmount) {
		fs = append(fs, FieldError{"fee_amount", "must be an amount such as 25 or 25.50"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// validMoney accepts a non-negative amount with at most two decimals.
func validMoney(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 10 || len(frac) > 2 || (dot && frac == "") {
		return false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// CommunicationInput is a new communication and what its effect may need:
// the closed status a records release ends in, or the custom date an
// extension notice sets where the law has no fixed extension.
type CommunicationInput struct {
	Communication
	ResultingStatus Status
	CustomDueOn     deadline.Date
	// What an agency's message often gives besides (an acknowledgment's
	// tracking number and estimated date), saved on the request with it;
	// empty leaves the request's as they are.
	TrackingNumber    string
	AgencyEstimatedOn deadline.Date
	// EmailDocumentID is a document of the request, an e-mail message
	// (.eml) attached to no communication yet, that the communication was
	// read from: it is attached to the communication in the same
	// transaction. Empty: none.
	EmailDocumentID string
}

// CommunicationUpdate is a partial edit; kind and direction, which carried
// the communication's effect, cannot change.
type CommunicationUpdate struct {
	Channel         *string
	OccurredOn      *deadline.Date
	From            *string
	To              *string
	Subject         *string
	Body            *string
	ExemptionsCited *[]string
	FeeAmount       **string
}

// Document is a file attached to a request (and maybe a communication),
// its bytes stored in PostgreSQL.
type Document struct {
	ID              string    `db:"id" json:"id"`
	OrgID           string    `db:"org_id" json:"-"`
	RequestID       string    `db:"request_id" json:"request_id"`
	CommunicationID *string   `db:"communication_id" json:"communication_id"`
	BlobID          string    `db:"blob_id" json:"-"`
	Filename        string    `db:"filename" json:"filename"`
	ContentType     string    `db:"content_type" json:"content_type"`
	Size            int64     `db:"size" json:"size"`
	SHA256          string    `db:"sha256" json:"sha256"` // hex
	TextStatus      string    `db:"text_status" json:"text_status"`
	TextError       string    `db:"text_error" json:"text_error"`
	CreatedBy       *string   `db:"created_by" json:"created_by"`
	CreatedAt       time.Time `db:"created_at" json:"created_at"`
	// ReceivedFrom is the sender of an email that came to the request's
	// reply address, nil for a document a person uploaded.
	ReceivedFrom *string `db:"received_from" json:"received_from"`
	// Bounce marks such an email that is a mail server's report that a
	// letter of the request did not arrive (LetterEmailBounced): kept,
	// but no email to log.
	Bounce bool `db:"bounce" json:"bounce"`
	// ScansUnread counts the scanned pages (an image: 1) whose text was not
	// read because OCR was off (store.CanReadAgain).
	ScansUnread int `db:"scans_unread" json:"-"`
	// Shared: the document shows on its request's shared page, when the
	// request has one (store.ShareRequest).
	Shared bool `db:"shared" json:"shared"`
	// UnpackedFrom is the ZIP archive (a document of the same request) the
	// document was unpacked from, and ArchivePath where it was in it
	// ("Batch 1/memo.pdf"); both nil for a document stored as it came.
	UnpackedFrom *string `db:"unpacked_from" json:"unpacked_from"`
	ArchivePath  *string `db:"archive_path" json:"archive_path"`
	// UnpackedFiles counts the live documents unpacked from this one.
	UnpackedFiles int `db:"unpacked_files" json:"unpacked_files"`
}

// Archive reports a ZIP archive named .zip, whose files Sunshine unpacks.
// Many kinds of document are a ZIP archive inside (Visio drawings, EPUB
// books, Java programs...): named as what they are, each stays one
// document.
func (d *Document) Archive() bool {
	mediaType, _, _ := strings.Cut(d.ContentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "application/zip") && strings.HasSuffix(strings.ToLower(d.Filename), ".zip")
}

// Correspondence reports a document that is an email: one that came to
// the request's reply address, a bounce, a letter kept as sent, an .eml
// uploaded. It carries people's names and addresses and the whole thread,
// so it is never shown on a shared page: its attachments, the records,
// are documents of their own.
func (d *Document) Correspondence() bool {
	mediaType, _, _ := strings.Cut(d.ContentType, ";")
	return d.ReceivedFrom != nil || d.Bounce || strings.EqualFold(strings.TrimSpace(mediaType), "message/rfc822")
}

// EmailFile reports an email saved as a file: an .eml (message/rfc822),
// or an Outlook message (.msg), which a communication can be logged from.
func (d *Document) EmailFile() bool {
	mediaType, _, _ := strings.Cut(d.ContentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	return mediaType == "message/rfc822" || mediaType == "application/vnd.ms-outlook"
}

// Text extraction statuses of a document.
const (
	TextPending     = "pending"
	TextExtracted   = "extracted"
	TextUnsupported = "unsupported"
	TextFailed      = "failed"
)
