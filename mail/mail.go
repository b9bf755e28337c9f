// Package mail sends Sunshine's reminder and digest emails.
//
// Delivery is at-least-once (DESIGN.md, "Jobs and email guarantees"): the jobs
// code claims a reminder, calls [Mailer.Send], then records the outcome. A
// crash between sending and recording sends the reminder again, so every
// Message carries a stable ID from which the Message-ID header is derived; a
// resend is then recognisable to the recipient's mail system and to us.
//
// Three Mailers exist: [NewSMTP] for real delivery, [NewDir] which writes .eml
// files for development without a mail server, and [Fake] for tests.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email. ID is stable per reminder ("reminder-<uuid>"); the
// Message-ID header is "<ID@" + host of the From address + ">" so a resend
// after a crash is recognisable.
type Message struct {
	ID      string
	To      string // address
	ToName  string
	Subject string
	Text    string // text/plain body
	HTML    string // text/html body

	// A letter to an agency, which a person wrote and Sunshine sends for
	// them, also has these. FromName stands for the From address's name
	// ("Ana Ruiz, NDLON": the address stays Sunshine's own, which its
	// domain lets it send from); ReplyTo is where the agency's answer
	// goes; Cc is copied openly, Bcc blindly (the sender's own copy).
	FromName string
	ReplyTo  string
	Cc, Bcc  []string
	// Bounces is the envelope sender (SMTP MAIL FROM, the Return-Path),
	// where a mail server that accepted the message and could not deliver
	// it later sends its bounce; "" for the From address. A letter's is the
	// request's reply address, so that its bounce is filed with the
	// request, as Alaveteli does.
	Bounces string
	// Thread names earlier messages this one follows, by their IDs (as
	// ID): the last one is its In-Reply-To, all its References, so a
	// follow-up shows in the agency's mailbox with the letter it follows.
	Thread []string
	// Letter marks a person's letter: it is not Auto-Submitted, so the
	// agency's own auto-replies (acknowledgments with a tracking number)
	// are not held back.
	Letter bool
	// Attachments go with the message, in order.
	Attachments []Attachment
	// Copy, where set, receives the message as sent (RFC 5322, the blind
	// copy's address not in it) once the server has accepted it: a
	// letter's record of what went.
	Copy *bytes.Buffer
}

// Attachment is a file sent with a message: its name, its type
// ("application/pdf") and its bytes.
type Attachment struct {
	Filename, ContentType string
	Content               []byte
}

// Mailer delivers messages.
type Mailer interface {
	// Send delivers a batch over one connection where the transport has one,
	// and returns one error per message (nil = accepted by the server), in
	// order. A connection failure fails every message with that error.
	Send(ctx context.Context, msgs []Message) []error
	// Describe says where mail goes, for the log: "smtp://mail.example:587
	// (STARTTLS)" (never the password), "files in ./.data/outbox".
	Describe() string
}

type progressKey struct{}

// WithProgress returns ctx carrying fn, which Send calls after each message
// it delivers (i is its index in the batch), as soon as the server accepted
// it: a caller can record each delivery before the next one is attempted,
// so a process killed mid-batch resends at most one message.
func WithProgress(ctx context.Context, fn func(i int)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// delivered reports message i as accepted to the caller's progress function.
func delivered(ctx context.Context, i int) {
	if fn, ok := ctx.Value(progressKey{}).(func(int)); ok {
		fn(i)
	}
}

// Header names Sunshine adds to every message.
const (
	// HeaderAutoSubmitted (RFC 3834) tells auto-responders not to reply.
	HeaderAutoSubmitted = "Auto-Submitted"
	// HeaderMessage carries Message.ID, for finding a message in logs and tests.
	HeaderMessage = "X-Sunshine-Message"
)

// sender is the parsed From address shared by the SMTP and Dir mailers.
type sender struct {
	from *netmail.Address
	host string // domain of the From address, used in Message-ID
}

// CheckFrom reports what is wrong with a sender address the mailers take.
func CheckFrom(from string) error {
	_, err := parseSender(from)
	return err
}

func parseSender(from string) (sender, error) {
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return sender{}, fmt.Errorf("invalid from address %q: %w", from, err)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 || at == len(a.Address)-1 {
		return sender{}, fmt.Errorf("from address %q has no domain", from)
	}
	return sender{from: a, host: a.Address[at+1:]}, nil
}

// MessageID returns the Message-ID header value for id sent from host,
// angle brackets included.
func MessageID(id, host string) string { return "<" + id + "@" + host + ">" }

// validID reports whether id can go into a Message-ID and a file name: it
// must be non-empty and use only letters, digits and "-._+=".
func validID(id string) bool {
	if id == "" || len(id) > 200 || id[0] == '.' {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-._+=", r):
		default:
			return false
		}
	}
	return true
}

// oneLine keeps user input (titles end up in subjects) from breaking headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// build turns m into a go-mail message with Sunshine's headers.
func (s sender) build(m Message, now time.Time) (*gomail.Msg, error) {
	if !validID(m.ID) {
		return nil, fmt.Errorf("mail: invalid message ID %q", m.ID)
	}
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: message %s: invalid recipient %q: %w", m.ID, m.To, err)
	}
	if m.ToName != "" {
		to.Name = oneLine(m.ToName)
	}
	if m.Text == "" && m.HTML == "" {
		return nil, fmt.Errorf("mail: message %s: empty body", m.ID)
	}
	msg := gomail.NewMsg()
	from := *s.from
	if m.FromName != "" {
		from.Name = oneLine(m.FromName)
	}
	msg.FromMailAddress(&from)
	msg.ToMailAddress(to)
	for _, set := range []struct {
		header string
		addrs  []string
		add    func(...string) error
	}{{"Cc", m.Cc, msg.Cc}, {"Bcc", m.Bcc, msg.Bcc}} {
		if len(set.addrs) == 0 {
			continue
		}
		if err := set.add(set.addrs...); err != nil {
			return nil, fmt.Errorf("mail: message %s: invalid %s %q: %w", m.ID, set.header, set.addrs, err)
		}
	}
	if m.Bounces != "" {
		if err := msg.EnvelopeFrom(m.Bounces); err != nil {
			return nil, fmt.Errorf("mail: message %s: invalid envelope sender %q: %w", m.ID, m.Bounces, err)
		}
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("mail: message %s: invalid Reply-To %q: %w", m.ID, m.ReplyTo, err)
		}
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(m.ID + "@" + s.host) // go-mail adds the angle brackets
	if n := len(m.Thread); n > 0 {
		refs := make([]string, n)
		for i, id := range m.Thread {
			if !validID(id) {
				return nil, fmt.Errorf("mail: message %s: invalid message ID %q in its thread", m.ID, id)
			}
			refs[i] = MessageID(id, s.host)
		}
		msg.SetGenHeader(gomail.HeaderInReplyTo, refs[n-1])
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	msg.SetUserAgent("Sunshine")
	if !m.Letter {
		msg.SetGenHeader(gomail.Header(HeaderAutoSubmitted), "auto-generated")
	}
	msg.SetGenHeader(gomail.Header(HeaderMessage), m.ID)
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := msg.AttachReader(oneLine(a.Filename), bytes.NewReader(a.Content), opts...); err != nil {
			return nil, fmt.Errorf("mail: message %s: attach %q: %w", m.ID, a.Filename, err)
		}
	}
	return msg, nil
}

// writeMessage writes m as an RFC 5322 message to w.
func (s sender) writeMessage(w io.Writer, m Message, now time.Time) error {
	msg, err := s.build(m, now)
	if err != nil {
		return err
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fmt.Errorf("mail: message %s: %w", m.ID, err)
	}
	return nil
}

// Permanent reports whether err is the mail server's permanent refusal of
// a message (an SMTP 5xx reply: no such mailbox, message refused): sending
// it again as it is will not help. A temporary refusal (4xx), a connection
// that failed and anything else may pass on a later attempt.
func Permanent(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
}

// ErrCanceled wraps the context error for messages not attempted because
// the context ended mid-batch.
var ErrCanceled = errors.New("mail: not sent, context ended")
