package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// maxPDFPages bounds the pages read, whatever the (possibly corrupt) page
// count says.
const maxPDFPages = 20000

// pdfPages is the raw text of a PDF's first pages: pages is its number of
// pages, whole how many of the first are whole in text (reading stops once
// the text passes maxText, and at maxPDFPages).
type pdfPages struct {
	text         string
	pages, whole int
	blank        []int // pages that look scanned (looksScanned); readPDFHere keeps the whole ones
}

// extractPDF returns the text of all pages of a PDF. The parser runs in its
// own goroutine so that a corrupt file that sends it into a very long loop
// cannot hold the caller past ctx.
func extractPDF(ctx context.Context, r io.ReaderAt, size int64) (pdfPages, error) {
	type result struct {
		pdfPages
		err error
	}
	done := make(chan result, 1)
	go func() {
		var res result
		defer func() {
			if p := recover(); p != nil {
				res = result{err: fmt.Errorf("not a valid PDF: %v", p)}
			}
			done <- res
		}()
		res.pdfPages, res.err = pdfText(ctx, r, size)
	}()
	select {
	case res := <-done:
		return res.pdfPages, res.err
	case <-ctx.Done():
		return pdfPages{}, ctx.Err()
	}
}

func pdfText(ctx context.Context, ra io.ReaderAt, size int64) (pdfPages, error) {
	// The parser accepts only %PDF-1.0 to 1.7 headers; PDF 2.0 files share
	// the syntax it reads, so present them as 1.7 (same length, so every
	// offset is unchanged).
	head := make([]byte, 8)
	if n, _ := ra.ReadAt(head, 0); bytes.HasPrefix(head[:n], []byte("%PDF-2.")) {
		ra = asPDF17{ra}
	}
	r, err := pdf.NewReader(ctxReaderAt{ctx, ra}, size)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return pdfPages{}, errors.New("not a valid PDF: the PDF is encrypted with a password")
		}
		return pdfPages{}, fmt.Errorf("not a valid PDF: %s", pdfMessage(err))
	}
	total := r.NumPage()
	if total <= 0 {
		return pdfPages{}, errors.New("not a valid PDF: no pages found")
	}
	n := min(total, maxPDFPages)
	list := pageList(r, n)
	var b strings.Builder
	var firstErr error
	bad, whole := 0, 0
	var blank []int
	for i := 1; i <= n && b.Len() <= maxText; i++ {
		if err := ctx.Err(); err != nil {
			return pdfPages{}, err
		}
		whole = i - 1 // the text of pages 1 to i-1 fits
		var page pdf.Page
		if i <= len(list) {
			page = list[i-1]
		}
		if page.V.IsNull() {
			continue
		}
		// Fonts per page: font names such as /F1 are local to a page's
		// resources and may mean different fonts on different pages.
		text, picture, err := pageText(page, pageFonts(page))
		if err != nil {
			bad++
			if firstErr == nil {
				firstErr = fmt.Errorf("page %d: %s", i, pdfMessage(err))
			}
			continue
		}
		if looksScanned(text, picture) {
			blank = append(blank, i)
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Trim(text, "\n"))
	}
	if firstErr != nil && strings.TrimSpace(b.String()) == "" {
		return pdfPages{}, fmt.Errorf("not a valid PDF: %w", firstErr)
	}
	if b.Len() <= maxText {
		whole = n
	}
	return pdfPages{text: b.String(), pages: total, whole: whole, blank: blank}, nil
}

// scannedBelow is the number of letters and digits under which the text
// of a page that holds a picture is taken for a scan's: a scanned page
// often carries a little text of its own, stamped on it when it was
// released ("COUNTY-000123", "Page 3 of 40", "(b)(6)").
const scannedBelow = 40

// looksScanned reports whether a PDF page is likely a picture of a page,
// for OCR: it has no letter or digit in its text, or fewer than
// scannedBelow and draws a picture.
func looksScanned(text string, picture bool) bool {
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if n++; n >= scannedBelow {
				return false
			}
		}
	}
	return n == 0 || picture
}

// pageList returns a PDF's first n pages, in order, walking its page tree
// once: the library's Page(i) walks it from the root for each page, which
// made reading a PDF of 1,000 pages in one flat list of kids take four
// times as long as reading their text. The walk stops at depth 64 and
// after visiting 2n+1000 nodes, so that a page tree that loops ends.
func pageList(r *pdf.Reader, n int) (pages []pdf.Page) {
	defer func() {
		recover() // a corrupt node: the pages found so far
	}()
	visits := 2*n + 1000
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		kids := node.Key("Kids")
		for i := 0; i < kids.Len() && len(pages) < n && visits > 0; i++ {
			visits--
			kid := kids.Index(i)
			switch kid.Key("Type").Name() {
			case "Pages":
				if depth < 64 {
					walk(kid, depth+1)
				}
			case "Page":
				pages = append(pages, pdf.Page{V: kid})
			}
		}
	}
	walk(r.Trailer().Key("Root").Key("Pages"), 0)
	return pages
}

// pageFonts reads a page's fonts, recovering from the parser's panics on
// corrupt font dictionaries (a page whose fonts cannot be read falls back to
// raw text codes).
func pageFonts(p pdf.Page) (fonts map[string]*pdf.Font) {
	defer func() {
		if recover() != nil {
			fonts = map[string]*pdf.Font{}
		}
	}()
	fonts = map[string]*pdf.Font{}
	for _, name := range p.Fonts() {
		f := p.Font(name)
		fonts[name] = &f
	}
	return fonts
}

// asPDF17 reads a PDF 2.0 file with its header's version as "1.7".
type asPDF17 struct{ io.ReaderAt }

func (a asPDF17) ReadAt(p []byte, off int64) (int, error) {
	n, err := a.ReaderAt.ReadAt(p, off)
	const version, at = "1.7", 5 // "%PDF-2.0": the version is bytes 5 to 7
	for i := max(off, at); i < min(off+int64(n), at+int64(len(version))); i++ {
		p[i-off] = version[i-at]
	}
	return n, err
}

// ctxReaderAt stops a parser abandoned at ctx's deadline at its next read.
type ctxReaderAt struct {
	ctx context.Context
	r   io.ReaderAt
}

func (c ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.ReadAt(p, off)
}

func pdfMessage(err error) string {
	msg := plainError(err)
	for _, prefix := range []string{"not a PDF file: ", "malformed PDF file: ", "malformed PDF: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	// The reader writes "missing %%EOF" with its format string's percent
	// signs doubled.
	return strings.ReplaceAll(msg, "%%", "%")
}
