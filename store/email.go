package store

import (
	"bytes"
	"context"
	"io"
	"net/mail"
	"strings"
	"unicode/utf8"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/textract"
)

// An EmailDocument is an e-mail message (.eml) stored as a document of a
// request and read to be logged as a communication: the pages' "log it
// from the email file" and the API's email_document_id share it, so that
// both fill a communication from an email the same way (FillBlanks).
type EmailDocument struct {
	Document *sunshine.Document
	Email    *textract.Email
	// Fill is the communication as the email gives it: by email, on the
	// Date header's day in the agency's time zone (zero when the email has
	// no readable date), from, to (and Cc), subject and text, each cut to
	// its limit; direction "out" when the sender is one of the
	// organization's people, else "in". The kind is for a person to
	// choose.
	Fill sunshine.Communication
	// Cut names the fields of Fill cut to fit ("body", "subject"…).
	Cut []string

	s         *Store
	requestID string
}

// EmailFields are the fields FillBlanks fills, in the API's names.
var EmailFields = []string{"channel", "occurred_on", "from", "to", "subject", "body", "direction"}

// errNoEmailDocument refuses an email document that is unknown, another
// organization's or request's, or removed.
var errNoEmailDocument = sunshine.FieldInvalid("email_document_id", "no such document on this request (it may have been removed)")

func emailAttached(d *sunshine.Document) error {
	return sunshine.FieldInvalid("email_document_id", "%s is attached to a communication already: it was logged", d.Filename)
}

// ReadEmailDocument reads document docID of request requestID as an
// e-mail message to log: it must be the request's live document, an
// e-mail message (message/rfc822) that reads as one, attached to no
// communication yet; each refusal is EInvalid naming email_document_id.
// An unknown request is ENotFound.
func (s *Store) ReadEmailDocument(ctx context.Context, requestID, docID string) (*EmailDocument, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.findRequest(ctx, s.q(), org, requestID, false)
	if err != nil {
		return nil, err
	}
	d, err := findDocument(ctx, s.q(), org, strings.TrimSpace(docID))
	switch {
	case sunshine.ErrorCode(err) == sunshine.ENotFound || (err == nil && d.RequestID != r.ID):
		return nil, errNoEmailDocument
	case err != nil:
		return nil, err
	case d.CommunicationID != nil:
		return nil, emailAttached(d)
	}
	if !d.EmailFile() {
		return nil, sunshine.FieldInvalid("email_document_id", "%s is not an e-mail message (.eml or .msg)", d.Filename)
	}
	data, err := io.ReadAll(s.Content(ctx, d))
	if err != nil {
		return nil, err
	}
	e, err := textract.ReadEmailFile(ctx, d.ContentType, data)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, sunshine.FieldInvalid("email_document_id", "%s could not be read: %s", d.Filename, err.Error())
	}
	ed := &EmailDocument{Document: d, Email: e, s: s, requestID: r.ID}
	f := &ed.Fill
	f.Channel, f.Direction = "email", sunshine.DirectionIn
	if !e.Date.IsZero() {
		f.OccurredOn = deadline.Today(e.Date, sunshine.Location(r.TimeZone))
	}
	cut := func(name, v string, n int, bytes bool) string {
		if (bytes && len(v) <= n) || (!bytes && utf8.RuneCountInString(v) <= n) {
			return v
		}
		ed.Cut = append(ed.Cut, name)
		if bytes {
			return cutText(v, n)
		}
		return string([]rune(v)[:n-1]) + "…"
	}
	f.From = cut("from", e.From, sunshine.MaxPartyChars, false)
	f.To = cut("to", e.To, sunshine.MaxPartyChars, false)
	f.Subject = cut("subject", e.Subject, sunshine.MaxSubjectChars, false)
	f.Body = cut("body", e.Text, sunshine.MaxBodyBytes, true)
	if addr := senderAddress(e.From); addr != "" {
		var ours bool
		const q = `SELECT EXISTS (SELECT 1 FROM users WHERE org_id = $1 AND email = $2)`
		if err := s.q().QueryRowxContext(ctx, q, org, addr).Scan(&ours); err != nil {
			return nil, translate(err, "users")
		}
		if ours {
			f.Direction = sunshine.DirectionOut
		}
	}
	return ed, nil
}

// senderAddress is the address of a From header, lower case; "" when it
// has none.
func senderAddress(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return strings.ToLower(a.Address)
	}
	// Not RFC 5322 (a name with a comma, unquoted): the part in <…>.
	if i, j := strings.LastIndexByte(from, '<'), strings.LastIndexByte(from, '>'); i >= 0 && j > i {
		return strings.ToLower(strings.TrimSpace(from[i+1 : j]))
	}
	return ""
}

// FillBlanks sets the fields of c named (of EmailFields) from the email's
// Fill: a form opened from the email fills them all, the API those its
// client left out.
func (ed *EmailDocument) FillBlanks(c *sunshine.Communication, fields ...string) {
	for _, name := range fields {
		switch name {
		case "channel":
			c.Channel = ed.Fill.Channel
		case "occurred_on":
			c.OccurredOn = ed.Fill.OccurredOn
		case "from":
			c.From = ed.Fill.From
		case "to":
			c.To = ed.Fill.To
		case "subject":
			c.Subject = ed.Fill.Subject
		case "body":
			c.Body = ed.Fill.Body
		case "direction":
			c.Direction = ed.Fill.Direction
		}
	}
}

// AttachmentNames lists the email's attachments by name.
func (ed *EmailDocument) AttachmentNames() []string {
	names := make([]string, len(ed.Email.Attachments))
	for i, a := range ed.Email.Attachments {
		names[i] = a.Filename
	}
	return names
}

// SpoolAttachments spools each of the email's attachments, for
// CreateCommunication to store with the communication. The caller removes
// them (SpooledDocument.Remove); on error none is left spooled.
func (ed *EmailDocument) SpoolAttachments(ctx context.Context) ([]*SpooledDocument, error) {
	var out []*SpooledDocument
	for _, a := range ed.Email.Attachments {
		sd, err := ed.s.SpoolDocument(ctx, NewDocument{RequestID: ed.requestID, Filename: a.Filename,
			ContentType: a.ContentType, Content: bytes.NewReader(a.Data)})
		if err != nil {
			for _, sd := range out {
				sd.Remove()
			}
			return nil, err
		}
		out = append(out, sd)
	}
	return out, nil
}
