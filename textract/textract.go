// Package textract turns released records into plain text for search.
//
// It handles the document types that agencies commonly release in response to
// public-records requests: plain text and CSV, HTML, e-mail messages (.eml)
// and PDF. Everything else (images, archives, office documents, ...) is
// reported as ErrUnsupported so callers can record that the document has no
// searchable text rather than treat it as a failure.
//
// The package is a leaf: it imports nothing else from Sunshine.
package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"
)

// ErrUnsupported means the content type has no extractor (images, zip, ...).
// Callers record text_status "unsupported".
var ErrUnsupported = errors.New("no text extractor for this type of document")

// ErrTooLarge means the document is larger than the maxBytes given to
// Extract. The returned error wraps it and names the limit.
var ErrTooLarge = errors.New("document is larger than the size limit")

const (
	// maxText caps the extracted text, in bytes.
	maxText = 2 << 20
	// defaultMaxBytes is used when Extract is given maxBytes <= 0.
	defaultMaxBytes = 64 << 20
)

// Extract reads the document and returns its text.
//
// Supported content types (parameters such as charset are honoured):
// text/plain and text/csv, text/html, message/rfc822 and application/pdf.
// Any other type returns an error wrapping ErrUnsupported.
//
// Extract reads at most maxBytes (maxBytes <= 0 means 64 MiB); a larger
// document returns an error wrapping ErrTooLarge. The text returned is valid
// UTF-8 without NUL or other control characters (except newline and tab) and
// is capped at 2 MiB, cut at a rune boundary. A corrupt document returns an
// error saying why in plain words; library panics are recovered.
//
// PDF parsing runs in its own goroutine: if ctx is done first, Extract
// returns ctx.Err() at once (the parser goroutine is abandoned and finishes
// on its own), so callers should pass a context with a deadline.
func Extract(ctx context.Context, contentType string, r io.Reader, maxBytes int64) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("could not read the document: internal error: %v", p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	mediaType, params := parseContentType(contentType)
	switch mediaType {
	case "text/plain", "text/csv", "text/html", "message/rfc822", "application/pdf":
	default:
		if mediaType == "" {
			mediaType = "unknown"
		}
		return "", fmt.Errorf("%w: %s", ErrUnsupported, mediaType)
	}

	if maxBytes <= 0 {
		maxBytes = defaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx, r}, maxBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("could not read the document: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return "", fmt.Errorf("%w of %d bytes", ErrTooLarge, maxBytes)
	}

	var raw string
	switch mediaType {
	case "text/plain", "text/csv":
		raw = decodeText(data, params["charset"])
	case "text/html":
		raw, err = extractHTML(data, contentType)
	case "message/rfc822":
		raw, err = extractEmail(data)
	case "application/pdf":
		raw, err = extractPDF(ctx, data)
	}
	if err != nil {
		return "", err
	}
	return clean(raw, maxText), nil
}

// parseContentType returns the lower-case media type and its parameters,
// tolerating malformed parameters.
func parseContentType(ct string) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		params = map[string]string{}
	}
	return mt, params
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// clean normalises line endings, replaces invalid UTF-8 with U+FFFD, drops
// control characters other than newline and tab (form feed becomes a
// newline), trims the ends and caps the result at limit bytes on a rune
// boundary.
func clean(s string, limit int) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	var b strings.Builder
	b.Grow(min(len(s), limit))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // CRLF: the LF is written next
			}
			r = '\n'
		case r == '\f' || r == '\v' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			r = '\n'
		case r == '\n' || r == '\t':
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			continue
		}
		if b.Len()+utf8.RuneLen(r) > limit {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// decodeText converts text in the given charset (or, when none is declared
// or the declared one is wrong, guessed) to UTF-8.
func decodeText(data []byte, charset string) string {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if enc := lookupCharset(charset); enc != nil && !isUTF8Name(charset) {
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			return string(out)
		}
	}
	if utf8.Valid(data) {
		return string(data)
	}
	// Declared UTF-8 (http.DetectContentType always says so) or nothing, but
	// not valid UTF-8: released records of this kind are nearly always
	// Windows-1252 / Latin-1.
	out, err := windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return string(data) // clean replaces the invalid bytes
	}
	return string(out)
}
