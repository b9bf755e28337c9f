package textract

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/jhillyerd/enmime"
)

var mailParser = enmime.NewParser(
	// We convert HTML ourselves, the same way as for text/html documents.
	enmime.DisableTextConversion(true),
	enmime.SkipMalformedParts(true),
	enmime.MaxStoredPartErrors(10),
)

// extractEmail returns an e-mail message's main headers, its text body (or
// its HTML body converted to text) and the names of its attachments.
func extractEmail(data []byte) (string, error) {
	env, err := mailParser.ReadEnvelope(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("not a valid email message: %s", plainError(err))
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
		body = htmlToText(strings.NewReader(env.HTML), maxText)
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
		return "", errors.New("not a valid email message: no headers, text or attachments found")
	}
	return b.String(), nil
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
