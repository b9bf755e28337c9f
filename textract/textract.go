// Package textract turns released records into plain text for search.
//
// It handles the document types that agencies commonly release in response to
// public-records requests: plain text and CSV, HTML, e-mail messages (.eml),
// PDF, and Word, Excel and PowerPoint documents (.docx, .xlsx, .pptx); with
// OCR (UseOCR), scanned pages and images too.
// Everything else (archives, legacy office files, ...) is
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
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// ErrUnsupported means the content type has no extractor (images, zip, ...).
// Callers record text_status "unsupported".
var ErrUnsupported = errors.New("no text extractor for this type of document")

// PDFTextTimeout bounds reading the text a PDF holds when OCR is on and
// Extract's context gives more time, for OCR: a PDF built to be slow to
// parse gets no more time than it would without OCR.
const PDFTextTimeout = 2 * time.Minute

const (
	// maxText caps the extracted text, in bytes.
	maxText = 2 << 20
	// defaultLimit is used when Extract is given limit <= 0.
	defaultLimit = 64 << 20
)

// Extract returns the text of a document of size bytes, read from r.
//
// Supported content types (parameters such as charset are honoured):
// text/plain and text/csv, text/html, message/rfc822, application/pdf and
// the Office Open XML types DOCX, XLSX and PPTX (Word, Excel, PowerPoint).
// With OCR on (UseOCR), also images (PNG, JPEG, TIFF, GIF, BMP, WebP),
// and a PDF's pages that hold no text are read as pictures. Any other type
// returns an error wrapping ErrUnsupported.
//
// A PDF is read where its cross-reference table points, and an office
// document where its list of files does, whatever its size: its text may
// be on its last page. Other types are read from the start, at
// most limit bytes (limit <= 0 means 64 MiB): the text of a larger one is
// that of its first limit bytes. The text returned is valid UTF-8 without
// NUL or other control characters (except newline and tab) and is capped at
// 2 MiB, cut at a rune boundary (ExtractResult says whether it was cut
// and, for a PDF, how many of its pages are whole). A corrupt document
// returns an error saying why in plain words; library panics are
// recovered.
//
// A PDF is read in a child process with a hard memory limit once
// UseChildProcess has been called (the server does): the process is killed
// when ctx is done, and a PDF that needs more memory than the limit is an
// error saying so. Otherwise PDF parsing runs in its own goroutine: if ctx
// is done first, Extract returns ctx.Err() at once (the parser goroutine is
// abandoned and finishes on its own), but the memory the file asks for is
// not bounded. Either way, callers should pass a context with a deadline.
func Extract(ctx context.Context, contentType string, r io.ReaderAt, size, limit int64) (string, error) {
	res, err := ExtractResult(ctx, contentType, r, size, limit)
	return res.Text, err
}

// A Result is a document's text as Extract reads it, and how much of the
// document that text covers.
type Result struct {
	Text string
	// Truncated reports that Text is only the start of the document's
	// text: the text is longer than the 2 MiB cap, or a document other
	// than a PDF is larger than the limit read (its text is that of its
	// first limit bytes), or an office document was read only up to a
	// cap on the bytes it unpacks to, or a PDF has more than 20,000 pages.
	Truncated bool
	// Pages is a PDF's number of pages, PagesRead how many of its first
	// pages are whole in Text (all of them unless Truncated); 0 for other
	// documents.
	Pages, PagesRead int
	// OCRPages is how many pages (a picture: 1) had their text read by
	// OCR (UseOCR), rather than from text the document holds.
	OCRPages int
	// OCRSkipped is how many scanned pages of a PDF OCR did not read, and
	// OCRNote why: out of time, or the first page it could not read.
	OCRSkipped int
	OCRNote    string
	// ScansUnread is how many pages of a PDF look scanned (their text is
	// too short for a typed page) and were not read by OCR because it is
	// off: with OCR on, reading the PDF again would read them.
	ScansUnread int

	// blank lists the PDF pages, among the PagesRead, whose text layer is
	// too short for a typed page (looksScanned): scanned pages, for OCR.
	blank []int
}

// ExtractResult is Extract, also saying whether the text was cut.
func ExtractResult(ctx context.Context, contentType string, r io.ReaderAt, size, limit int64) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("could not read the document: internal error: %v", p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	mediaType, params := parseContentType(contentType)
	ocr := ocrUsed.Load()
	switch {
	case mediaType == "text/plain", mediaType == "text/csv", mediaType == "text/html", mediaType == "message/rfc822",
		mediaType == "application/pdf", mediaType == DOCX, mediaType == XLSX, mediaType == PPTX, mediaType == MSG:
	case ocr != nil && isImage(mediaType):
		return ocr.readImage(ctx, r, size)
	default:
		if mediaType == "" {
			mediaType = "unknown"
		}
		return Result{}, fmt.Errorf("%w: %s", ErrUnsupported, mediaType)
	}
	if mediaType == "application/pdf" {
		layer := ctx
		if ocr != nil {
			// The text the PDF holds is read within the time it has without
			// OCR; the rest of ctx's is OCR's.
			var cancel context.CancelFunc
			layer, cancel = context.WithTimeout(ctx, PDFTextTimeout)
			defer cancel()
		}
		res, err := readPDF(layer, r, size)
		if err != nil || len(res.blank) == 0 {
			return res, err
		}
		if ocr == nil {
			res.ScansUnread, res.blank = len(res.blank), nil
			return res, nil
		}
		f, done, err := fileOf(ctx, r, size)
		if err != nil {
			return Result{}, err
		}
		defer done()
		return ocr.readPages(ctx, f.Name(), res)
	}
	if mediaType == MSG {
		e, err := readMSG(ctx, r, size, false)
		if err != nil {
			return Result{}, err
		}
		text, long := cleanCut(emailText(e), maxText)
		return Result{Text: text, Truncated: e.TextCut || long}, nil
	}
	if mediaType == DOCX || mediaType == XLSX || mediaType == PPTX {
		text, cut, err := readOOXMLCut(ctx, mediaType, r, size, zipBudget{part: maxPartBytes, left: maxZipBytes, shared: maxSharedText})
		if err != nil {
			return Result{}, err
		}
		return Result{Text: text, Truncated: cut}, nil
	}

	if limit <= 0 {
		limit = defaultLimit
	}
	in := ctxReader{ctx, io.NewSectionReader(r, 0, min(size, limit))}
	var (
		raw string
		cut bool
	)
	if mediaType == "text/html" {
		// Read as a stream, never held whole: its only errors are the
		// reader's.
		if raw, cut, err = extractHTML(ctx, in, contentType, maxText); err != nil {
			err = fmt.Errorf("could not read the document: %w", err)
		}
	} else {
		data, rerr := io.ReadAll(in)
		switch {
		case rerr != nil:
			err = fmt.Errorf("could not read the document: %w", rerr)
		case mediaType == "message/rfc822":
			raw, cut, err = extractEmail(ctx, data)
		default: // text/plain, text/csv
			raw, err = decodeText(ctx, data, params["charset"])
		}
	}
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if err != nil {
		return Result{}, err
	}
	text, long := cleanCut(raw, maxText)
	return Result{Text: text, Truncated: cut || long || size > limit}, nil
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

// cleanCut normalises line endings, replaces invalid UTF-8 with U+FFFD,
// drops control characters other than newline and tab (form feed becomes
// a newline), trims the ends and caps the result at limit bytes on a rune
// boundary, reporting whether it was cut there.
func cleanCut(s string, limit int) (_ string, cut bool) {
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
			cut = true
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String()), cut
}

// decodeText converts text in the given charset (or, when none is declared
// or the declared one is wrong, guessed) to UTF-8. It returns ctx.Err()
// once ctx is done (it looks every 32 KiB).
func decodeText(ctx context.Context, data []byte, charset string) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if enc := lookupCharset(charset); enc != nil && !isUTF8Name(charset) {
		out, err := decode(ctx, bytes.NewReader(data), len(data), enc)
		if err == nil || ctx.Err() != nil {
			return out, err
		}
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	// Declared UTF-8 (http.DetectContentType always says so) or nothing, but
	// not valid UTF-8: released records of this kind are nearly always
	// Windows-1252 / Latin-1.
	out, err := decode(ctx, bytes.NewReader(data), len(data), windows1252)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return string(data), nil // clean replaces the invalid bytes
	}
	return out, nil
}

// decode converts the text of r, of about size bytes, from enc to UTF-8,
// 32 KiB at a time, until ctx is done.
func decode(ctx context.Context, r io.Reader, size int, enc encoding.Encoding) (string, error) {
	var b strings.Builder
	b.Grow(size)
	if _, err := io.Copy(&b, ctxReader{ctx, transform.NewReader(r, enc.NewDecoder())}); err != nil {
		return "", err
	}
	return b.String(), nil
}
