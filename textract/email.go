package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

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
	switch depth, parts := mimeShape(data); {
	case depth > maxMIMEDepth:
		return "", false, fmt.Errorf("not a valid email message: its parts nest more than %d deep", maxMIMEDepth)
	case parts > maxMIMEParts:
		return "", false, fmt.Errorf("not a valid email message: it has more than %d parts", maxMIMEParts)
	}
	env, err := mailParser.ReadEnvelope(ctxReader{ctx, bytes.NewReader(data)})
	if ctx.Err() != nil {
		return "", false, ctx.Err()
	}
	if err != nil {
		return "", false, fmt.Errorf("not a valid email message: %s", plainError(err))
	}
	var b strings.Builder
	headers := 0
	for _, h := range []string{"Subject", "From", "To", "Cc", "Date"} {
		if v := strings.TrimSpace(env.GetHeader(h)); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
			headers++
		}
	}
	body := strings.TrimSpace(env.Text)
	if body == "" && strings.TrimSpace(env.HTML) != "" {
		if body, cut, err = htmlToText(ctx, strings.NewReader(env.HTML), maxText); err != nil {
			return "", false, err
		}
	}
	if body != "" {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(body)
		b.WriteByte('\n')
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
	if len(names) > 0 {
		b.WriteString("\nAttachments:\n")
		for _, n := range names {
			b.WriteString("- " + n + "\n")
		}
	}
	if headers == 0 && body == "" && len(names) == 0 {
		return "", false, errors.New("not a valid email message: no headers, text or attachments found")
	}
	return b.String(), cut, nil
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
// one and starts a part of it (or, followed by "--", closes it too).
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
				ctypes, inCT = nil, false
				continue
			}
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
					open = append(open, b)
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
