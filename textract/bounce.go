package textract

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/jhillyerd/enmime"
)

// Bounce is a delivery status notification (RFC 3464): a mail server's
// report that a message it had accepted could not be delivered to some of
// its recipients.
type Bounce struct {
	// MessageID is the returned message's Message-ID, without angle
	// brackets: "" when the report does not include its headers.
	MessageID string
	// Date is the returned message's Date header: when it was sent, zero
	// when the report does not say.
	Date time.Time
	// ReportingMTA is the mail server that reports it ("mx.agency.gov").
	ReportingMTA string
	// Failed lists the recipients it could not deliver to, for good.
	Failed []BounceRecipient
}

// BounceRecipient is a recipient a bounce reports failed.
type BounceRecipient struct {
	Address    string // the final recipient's address, "records@agency.gov"
	Original   string // the address the sender gave, where the report says so: "" or one forwarded to Address
	Status     string // the enhanced status code, "5.1.1"
	Diagnostic string // the remote server's words, "550 5.1.1 User unknown"
}

// Reason is one line saying why the message did not reach a recipient,
// for staff.
func (r BounceRecipient) Reason() string {
	switch {
	case r.Diagnostic != "":
		return r.Diagnostic
	case r.Status != "":
		return "status " + r.Status
	}
	return "no reason given"
}

// ReadBounce reads data, an email, as a delivery status notification. ok
// is false for any other email, and for a report that fails no recipient
// (a warning that delivery is delayed, a notice that it was delivered).
func ReadBounce(ctx context.Context, data []byte) (_ *Bounce, ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("could not read the email message: internal error: %v", p)
		}
	}()
	// Every email to a reply address is asked: most are not reports, and
	// one that never names the type ("Delivery-Status", any case as
	// servers write it) is not parsed to find that out.
	if !bytes.Contains(data, []byte("elivery-status")) && !bytes.Contains(data, []byte("ELIVERY-STATUS")) {
		return nil, false, nil
	}
	env, err := parseEmail(ctx, data)
	if err != nil {
		return nil, false, err
	}
	var status, returned *enmime.Part
	walkParts(env.Root, func(p *enmime.Part) {
		switch strings.ToLower(p.ContentType) {
		case "message/delivery-status", "message/global-delivery-status":
			if status == nil {
				status = p
			}
		case "text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers":
			if returned == nil {
				returned = p
			}
		}
	})
	if status == nil {
		return nil, false, nil
	}
	b := &Bounce{}
	fields := statusFields(status.Content)
	if len(fields) > 0 {
		b.ReportingMTA = typedValue(fields[0].Get("Reporting-Mta"))
	}
	for _, f := range fields[min(1, len(fields)):] {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(f.Get("Action"))), "failed") {
			continue
		}
		original := strings.Trim(typedValue(f.Get("Original-Recipient")), "<>")
		b.Failed = append(b.Failed, BounceRecipient{
			Address:    cmp.Or(strings.Trim(typedValue(f.Get("Final-Recipient")), "<>"), original),
			Original:   original,
			Status:     strings.TrimSpace(f.Get("Status")),
			Diagnostic: headerLine(typedValue(f.Get("Diagnostic-Code"))),
		})
	}
	if len(b.Failed) == 0 {
		return nil, false, nil
	}
	if returned != nil {
		if m, err := mail.ReadMessage(bytes.NewReader(returned.Content)); err == nil {
			b.MessageID = strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
			b.Date, _ = m.Header.Date() // (zero when missing or malformed)
		}
	}
	return b, true, nil
}

// walkParts calls fn for p and every part under it, depth first.
func walkParts(p *enmime.Part, fn func(*enmime.Part)) {
	for ; p != nil; p = p.NextSibling {
		fn(p)
		walkParts(p.FirstChild, fn)
	}
}

// statusFields reads a delivery status body: groups of fields, the first
// about the message, each next one about a recipient, separated by blank
// lines. It stops at the first line that is not a field.
func statusFields(content []byte) []textproto.MIMEHeader {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	var out []textproto.MIMEHeader
	for {
		// Blank lines between groups, however many.
		for {
			b, err := r.R.Peek(1)
			if err != nil || (b[0] != '\r' && b[0] != '\n') {
				break
			}
			if _, err := r.ReadLine(); err != nil {
				return out
			}
		}
		h, err := r.ReadMIMEHeader()
		if len(h) > 0 {
			out = append(out, h)
		}
		if err != nil { // the end (io.EOF), or a line that is no field
			return out
		}
	}
}

// typedValue drops the type a status field's value starts with
// ("rfc822; a@b.org", "smtp; 550 ...", "dns; mx.b.org").
func typedValue(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	return strings.TrimSpace(v)
}
