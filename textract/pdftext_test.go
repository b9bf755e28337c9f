package textract_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// rawPDF returns a one-page PDF whose page draws content with font /F1,
// described by fontDict (its dictionary's entries but /Type).
func rawPDF(fontDict, content string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Font " + fontDict + " >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content+"\n"),
	}
	return pdfOf(objs)
}

// pdfOf returns a PDF of objs, numbered from 1, the first its catalog.
func pdfOf(objs []string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

// widths lists a font's widths for codes 32 to 126: 500 each, 250 for the
// space, as a font embedded by pdfTeX lists them.
func widths() string {
	w := make([]string, 0, 95)
	for c := 32; c <= 126; c++ {
		w = append(w, map[bool]string{true: "250", false: "500"}[c == ' '])
	}
	return "/Subtype /Type1 /BaseFont /CMR10 /FirstChar 32 /LastChar 126 /Widths [" + strings.Join(w, " ") + "]"
}

// TestPDFWordsFromPositions checks that words placed apart are read apart,
// and glyphs placed together are read together: a PDF has no spaces as
// such, only text moved on.
func TestPDFWordsFromPositions(t *testing.T) {
	t.Parallel()
	const helvetica = "/Subtype /Type1 /BaseFont /Helvetica" // a standard font: no widths listed
	tests := []struct {
		name, font, content string
		want                []string
	}{
		{"each word placed with its own Td", helvetica,
			"BT /F1 12 Tf 72 720 Td (Sheriff) Tj 44 0 Td (Thompson) Tj 58 0 Td (approved) Tj 50 0 Td (overtime) Tj ET",
			[]string{"Sheriff Thompson approved overtime"}},
		{"TJ with word gaps and kerning", helvetica,
			"BT /F1 12 Tf 72 720 Td [(Sheriff)-300(Thom)15(pson)-280(ap)-20(proved)] TJ ET",
			[]string{"Sheriff Thompson approved"}},
		{"two lines joined by Td", helvetica,
			"BT /F1 12 Tf 72 720 Td (The memo from Sheriff) Tj 0 -14 Td (Thompson approved overtime) Tj ET",
			[]string{"The memo from Sheriff\nThompson approved overtime"}},
		{"lines by T* and TL", helvetica,
			"BT /F1 12 Tf 14 TL 72 720 Td (Sheriff) Tj T* (Thompson approved) Tj ET",
			[]string{"Sheriff\nThompson approved"}},
		{"pdfTeX-like: Tm, widths, TJ spaces and kerning", widths(),
			"BT /F1 9.9626 Tf 72 700 Td [(Sheri)28(ff)-333(Thomp)-27(son)-334(appro)28(v)28(ed)] TJ " +
				"0 -11.955 Td [(the)-333(o)28(v)27(ertime.)] TJ ET " +
				"BT /F1 9.9626 Tf 1 0 0 1 72 660 Tm [(Next)-333(page)] TJ ET",
			[]string{"Sheriff Thompson approved\nthe overtime.\nNext page"}},
		{"one glyph per Tm, with widths", widths(),
			"BT /F1 10 Tf 1 0 0 1 72 700 Tm (S) Tj 1 0 0 1 77 700 Tm (h) Tj 1 0 0 1 82 700 Tm (e) Tj " +
				"1 0 0 1 90 700 Tm (r) Tj 1 0 0 1 95 700 Tm (i) Tj ET",
			[]string{"She ri"}},
		{"one glyph per Tm, Type3 font with its own glyph space",
			"/Subtype /Type3 /FontMatrix [0.01 0 0 0.01 0 0] /FontBBox [0 0 100 100] /CharProcs << >> /FirstChar 65 /LastChar 122 /Widths [" +
				strings.Repeat("50 ", 58) + "]",
			"BT /F1 10 Tf 1 0 0 1 72 700 Tm (S) Tj 1 0 0 1 77 700 Tm (h) Tj 1 0 0 1 82 700 Tm (e) Tj " +
				"1 0 0 1 90 700 Tm (r) Tj 1 0 0 1 95 700 Tm (i) Tj ET",
			[]string{"She ri"}},
		{"a space in the text stays one space", widths(),
			"BT /F1 10 Tf 72 700 Td (Sheriff ) Tj 5 0 Td (Thompson) Tj ET",
			[]string{"Sheriff Thompson"}},
		{"ligatures spelled out", "/Subtype /Type1 /BaseFont /CMR10 /Encoding << /Differences [12 /fi 13 /fl 14 /ffi] >>",
			"BT /F1 10 Tf 72 700 Td [(\\014ce)-333(\\014le)-333(\\015o)28(or)-333(o\\016cer)] TJ ET",
			[]string{"fice file floor officer"}},
		{"rotated text reads along its baseline", widths(),
			"BT /F1 10 Tf 0 1 -1 0 300 100 Tm [(Sheriff)-333(Thompson)] TJ 0 -12 Td (approved) Tj ET",
			[]string{"Sheriff Thompson\napproved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			text, err := extract(t, "application/pdf", rawPDF(tt.font, tt.content))
			require.NoError(t, err)
			for _, w := range tt.want {
				require.Contains(t, text, w, "text: %q", text)
			}
		})
	}
}

// longPDF returns a PDF of pages pages, each with lines lines of text
// naming the page ("page 7 line 3 ..."), in the standard Helvetica font.
func longPDF(pages, lines int) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for p := 1; p <= pages; p++ {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*(p-1)))
		var c strings.Builder
		c.WriteString("BT /F1 10 Tf 12 TL 72 740 Td\n")
		for l := 1; l <= lines; l++ {
			fmt.Fprintf(&c, "(page %d line %d of the records released under the act) Tj T*\n", p, l)
		}
		c.WriteString("ET")
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len()+1, c.String()+"\n"))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return []byte(b.String())
}

// TestExtractReportsTruncation checks that a text cut at the cap says so,
// and for a PDF how many of its pages are whole, both in this process and
// in a child process.
func TestExtractReportsTruncation(t *testing.T) {
	long := strings.Repeat("The sheriff approved the overtime. ", 100_000) // 3.5 MB
	// 1,000 pages of about 3.7 KB of text: the 2 MiB cap falls near page 570.
	pdf := longPDF(1000, 60)
	short := longPDF(3, 2)
	tests := []struct {
		name, contentType string
		data              []byte
		limit             int64
		truncated         bool
		pages             int
	}{
		{"long text", "text/plain", []byte(long), limit, true, 0},
		{"text longer than the limit read", "text/plain", []byte(long[:10_000]), 5_000, true, 0},
		{"short text", "text/plain", []byte(long[:10_000]), limit, false, 0},
		{"long PDF", "application/pdf", pdf, limit, true, 1000},
		{"short PDF", "application/pdf", short, limit, false, 3},
	}
	for _, child := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/child=%v", tt.name, child), func(t *testing.T) {
				if child {
					useChild(t, 0)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				res, err := textract.ExtractResult(ctx, tt.contentType, bytes.NewReader(tt.data), int64(len(tt.data)), tt.limit)
				require.NoError(t, err)
				require.Equal(t, tt.truncated, res.Truncated)
				require.Equal(t, tt.pages, res.Pages)
				if tt.pages == 0 {
					require.Zero(t, res.PagesRead)
					return
				}
				if !tt.truncated {
					require.Equal(t, tt.pages, res.PagesRead)
					require.Contains(t, res.Text, fmt.Sprintf("page %d line 2 of", tt.pages))
					return
				}
				// The pages said read are whole; the next is not.
				require.Greater(t, res.PagesRead, 100)
				require.Less(t, res.PagesRead, 1000)
				require.Contains(t, res.Text, fmt.Sprintf("page %d line 60 of", res.PagesRead))
				require.NotContains(t, res.Text, fmt.Sprintf("page %d line 60 of", res.PagesRead+1))
				require.LessOrEqual(t, len(res.Text), 2<<20)
			})
		}
	}
}
