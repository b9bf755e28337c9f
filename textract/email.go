package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime"
	"github.com/jhillyerd/enmime/mediatype"
)

var mailParser = enmime.NewParser(
	// We convert HTML ourselves, the same way as for text/html documents.
	enmime.DisableTextConversion(true),
	enmime.SkipMalformedParts(true),
	enmime.MaxStoredPartErrors(10),
)

// extractEmail returns an e-mail message's main headers, its text body (or
// its HTML body converted to text) and the names of its attachments, and
// whether the HTML body was cut. It returns ctx.Err() once ctx is done (the
// parser reads the message through ctx, the HTML body is converted as
// htmlToText does).
func extractEmail(ctx context.Context, data []byte) (_ string, cut bool, _ error) {
	env, err := parseEmail(ctx, data)
	if err != nil {
		return "", false, err
	}
	var headers [][2]string
	for _, h := range []string{"Subject", "From", "To", "Cc", "Date"} {
		if v := strings.TrimSpace(env.GetHeader(h)); v != "" {
			headers = append(headers, [2]string{h, v})
		}
	}
	body, cut, err := emailBody(ctx, env)
	if err != nil {
		return "", false, err
	}
	var names []string
	seen := map[string]bool{}
	for _, parts := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, p := range parts {
			name := strings.TrimSpace(p.FileName)
			if name != "" && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	if len(headers) == 0 && body == "" && len(names) == 0 {
		return "", false, errNoEmail
	}
	return searchText(headers, body, names), cut, nil
}

// searchText is an email's text for search, an .eml's or an Outlook
// message's: its headers given (name and value, none empty), its body
// after a blank line, and its attachments' names.
func searchText(headers [][2]string, body string, names []string) string {
	var b strings.Builder
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\n", h[0], h[1])
	}
	if body != "" {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(body)
		b.WriteByte('\n')
	}
	if len(names) > 0 {
		b.WriteString("\nAttachments:\n")
		for _, n := range names {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

// errNoEmail is a "message" in which the parser found nothing of one.
var errNoEmail = errors.New("not a valid email message: no headers, text or attachments found")

// parseEmail parses message data, within the bounds on its shape that keep
// the parser quick (maxMIMEDepth, maxMIMEParts). It returns ctx.Err() once
// ctx is done.
func parseEmail(ctx context.Context, data []byte) (*enmime.Envelope, error) {
	switch depth, parts := mimeShape(data); {
	case depth > maxMIMEDepth:
		return nil, fmt.Errorf("not a valid email message: its parts nest more than %d deep", maxMIMEDepth)
	case parts > maxMIMEParts:
		return nil, fmt.Errorf("not a valid email message: it has more than %d parts", maxMIMEParts)
	}
	env, err := mailParser.ReadEnvelope(ctxReader{ctx, bytes.NewReader(data)})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("not a valid email message: %s", plainError(err))
	}
	return env, nil
}

// emailBody is a message's text body, or its HTML body converted to text
// when it has no text one, and whether the HTML was cut.
func emailBody(ctx context.Context, env *enmime.Envelope) (body string, cut bool, err error) {
	body = strings.TrimSpace(env.Text)
	if body == "" && strings.TrimSpace(env.HTML) != "" {
		if body, cut, err = htmlToText(ctx, strings.NewReader(env.HTML), maxText); err != nil {
			return "", false, err
		}
	}
	return body, cut, nil
}

// An Email is a message read by ReadEmail: what a person logging it as a
// communication would type from it, and its attachments.
type Email struct {
	// Date is the Date header's time, in the zone it was written in; zero
	// when the header is missing or cannot be read.
	Date time.Time
	// From is the From header; To the To header followed by the Cc
	// header's addresses (comma-separated, as one list of recipients).
	// Both are decoded (RFC 2047) and, like Subject, on one line.
	From, To, Subject string
	// Text is the text body, or the HTML body converted to text when the
	// message has none: valid UTF-8 without control characters other than
	// newline and tab, at most 2 MiB (TextCut says it was cut).
	Text    string
	TextCut bool
	// Attachments are the message's files: those attached, and those
	// shown inline that are not images (an inline PDF is a record; an
	// inline image is nearly always a logo or a signature's picture).
	Attachments []Attachment
}

// An Attachment is a file of an e-mail message, decoded. Filename is
// sanitised as an upload's (SanitizeFilename; "attachment N" when the
// message names none) and ContentType sniffed from the bytes as an
// upload's is (Sniff), never taken from the message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// ReadEmail reads an e-mail message (an .eml file): its date, sender,
// recipients, subject, text and attachments. It refuses, with an error
// saying why in plain words, data that is not an e-mail message, and
// messages whose parts nest too deeply or are too many to read quickly;
// it returns ctx.Err() once ctx is done. Library panics are recovered.
func ReadEmail(ctx context.Context, data []byte) (_ *Email, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("could not read the email message: internal error: %v", p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	env, err := parseEmail(ctx, data)
	if err != nil {
		return nil, err
	}
	e := &Email{
		From:    headerLine(env.GetHeader("From")),
		Subject: headerLine(env.GetHeader("Subject")),
	}
	if d, err := env.Date(); err == nil {
		e.Date = d
	}
	var to []string
	for _, h := range []string{"To", "Cc"} {
		if v := headerLine(env.GetHeader(h)); v != "" {
			to = append(to, v)
		}
	}
	e.To = strings.Join(to, ", ")
	body, cut, err := emailBody(ctx, env)
	if err != nil {
		return nil, err
	}
	e.Text, e.TextCut = cleanCut(body, maxText)
	e.TextCut = e.TextCut || cut
	seen := map[*enmime.Part]bool{} // an inline application/octet-stream part is in both lists
	for _, parts := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, p := range parts {
			if seen[p] {
				continue
			}
			seen[p] = true
			if !strings.EqualFold(p.Disposition, "attachment") && strings.HasPrefix(strings.ToLower(p.ContentType), "image/") {
				continue // a logo, a signature's picture
			}
			name := strings.TrimSpace(p.FileName)
			if name == "" {
				name = fmt.Sprintf("attachment %d", len(e.Attachments)+1)
			}
			name = SanitizeFilename(name)
			e.Attachments = append(e.Attachments, Attachment{Filename: name, ContentType: Sniff(p.Content, name), Data: p.Content})
		}
	}
	if e.From == "" && e.To == "" && e.Subject == "" && e.Date.IsZero() && e.Text == "" && len(e.Attachments) == 0 {
		return nil, errNoEmail
	}
	return e, nil
}

// headerLine is a decoded header value on one line, as a form's field
// holds it: valid UTF-8, control characters dropped, runs of white space
// one space.
func headerLine(v string) string {
	v, _ = cleanCut(v, 3*len(v)+utf8.UTFMax) // room for U+FFFD for each invalid byte
	return strings.Join(strings.Fields(v), " ")
}

// plainError returns err's message without the stack-trace noise some
// libraries attach.
func plainError(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// maxMIMEDepth bounds how deeply a message's multipart parts nest (mail
// programs nest three or four: mixed, alternative, related). The parser's
// time grows about twofold with each level: a 1.2 KB message nesting 21
// deep took a second, one of 2 KB (37 deep) did not finish in hours, and
// the parser cannot be stopped.
const maxMIMEDepth = 12

// maxMIMEParts bounds a message's parts (its body, alternatives and
// attachments, at all levels). The parser's time grows with the square of
// the parts of one level: 20,000 empty parts in a 160 KB message took 3.2
// s, 140,000 in 1 MB more than 100 s.
const maxMIMEParts = 1000

// mimeShape returns how deeply the multipart parts of message data nest
// as the parser reads them (or more), and how many parts it has. As in the parser, a header declaring
// a boundary opens a level, and a line "--" boundary, followed by white
// space, "--" or nothing, is a delimiter of the outermost open level with
// that boundary, in a header or a body: it closes the levels inside that
// one and starts a part of it (or, followed by "--", closes it too). In a
// level's preamble (before its first part) the parser finds its boundary
// anywhere in a line, and so does this.
// Header fields are read as the parser reads them (folded lines, lines
// without a colon continuing the field before, lines it skips), and
// Content-Type is parsed with the parser's own media type parser. It stops
// reading past maxMIMEDepth levels or maxMIMEParts parts.
func mimeShape(data []byte) (depth, parts int) {
	var (
		open   []string // boundaries, outermost first
		header = true   // in a header, which ends at an empty line
		ctypes [][]byte // the header's Content-Type fields, unfolded
		inCT   bool     // the last one's continuation lines come next
		root   = true   // the header is the message's own
		// preamble: the innermost level opened and has no part yet.
		preamble bool
	)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if rest, ok := bytes.CutPrefix(line, []byte("--")); ok {
			delimiter := false
			for i, b := range open {
				after, ok := bytes.CutPrefix(rest, []byte(b))
				if !ok {
					continue
				}
				if bytes.HasPrefix(after, []byte("--")) {
					open, header, delimiter = open[:i], false, true
					break
				}
				if len(after) == 0 || unicode.IsSpace(rune(after[0])) {
					open, header, delimiter = open[:i+1], true, true
					if parts++; parts > maxMIMEParts {
						return depth, parts // too many already
					}
					break
				}
			}
			if delimiter {
				ctypes, inCT, preamble = nil, false, false
				continue
			}
		}
		if preamble && len(open) > 0 {
			b := []byte("--" + open[len(open)-1])
			if bytes.Contains(line, append(b, '-', '-')) {
				open, header, preamble = open[:len(open)-1], false, false
			} else if i := bytes.Index(line, b); i >= 0 && (i+len(b) == len(line) || unicode.IsSpace(rune(line[i+len(b)]))) {
				header, preamble, ctypes, inCT = true, false, nil, false
				if parts++; parts > maxMIMEParts {
					return depth, parts
				}
			}
			continue
		}
		if !header {
			continue
		}
		switch {
		case len(line) == 0:
			// Should the parser take another of several Content-Type
			// fields than the first, any with a boundary opens a level.
			for _, ct := range ctypes {
				mt, params, _, err := mediatype.Parse(string(ct))
				// The message's own header opens a level even without a
				// boundary: its delimiter is then "--".
				b := params["boundary"]
				if err == nil && (b != "" || root && strings.HasPrefix(mt, "multipart/")) {
					open, preamble = append(open, b), true
					depth = max(depth, len(open))
					if depth > maxMIMEDepth {
						return depth, parts // too deep already
					}
					break
				}
			}
			header, ctypes, inCT, root = false, nil, false, false
		case line[0] == ' ' || line[0] == '\t' || line[0] == '\r':
			// Unfolded as the parser's header reader does: trimmed, joined
			// by a space.
			if inCT {
				ct := append(ctypes[len(ctypes)-1], ' ')
				ctypes[len(ctypes)-1] = append(ct, bytes.TrimSpace(line)...)
			}
		default:
			colon := bytes.IndexByte(line, ':')
			switch {
			case colon == 0:
				// The parser skips a line that starts with a colon.
			case colon < 0:
				// A line without a colon continues the field before it,
				// joined by a space, as the parser repairs it.
				if inCT {
					ct := append(ctypes[len(ctypes)-1], ' ')
					ctypes[len(ctypes)-1] = append(ct, line...)
				}
			default:
				if bytes.Contains(line[:colon+1], []byte(" :")) {
					line = bytes.Replace(line, []byte(" :"), []byte(":"), 1)
					colon = bytes.IndexByte(line, ':')
				}
				if !headerName(line[:colon]) {
					continue // skipped by the parser: what follows continues the field before
				}
				inCT = strings.EqualFold(string(bytes.TrimSpace(line[:colon])), "Content-Type")
				if inCT {
					// Trimmed as the parser's header reader trims it: " ;
					// boundary=b" is then a boundary without a media type.
					ctypes = append(ctypes, append([]byte(nil), bytes.TrimSpace(line[colon+1:])...))
				}
			}
		}
	}
	return depth, parts
}

// headerName reports whether the parser's header reader takes name as a
// field's name: spaces and visible ASCII but the colon.
func headerName(name []byte) bool {
	for _, c := range name {
		if c != ' ' && (c < '!' || c > '~') {
			return false
		}
	}
	return true
}
