package textract_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/image/tiff"

	"github.com/sunshine-records/sunshine/textract"
	"github.com/sunshine-records/sunshine/textract/textracttest"
)

func useOCR(t *testing.T) { textracttest.UseOCR(t) }

func scan(t testing.TB, lines ...string) *image.Gray { return textracttest.Scan(t, lines...) }

func encode(t testing.TB, img image.Image, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	switch format {
	case "png":
		require.NoError(t, png.Encode(&b, img))
	case "jpeg":
		require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}))
	case "tiff":
		require.NoError(t, tiff.Encode(&b, img, &tiff.Options{Compression: tiff.Deflate}))
	case "gif":
		require.NoError(t, gif.Encode(&b, img, nil))
	}
	return b.Bytes()
}

func scannedPDF(t testing.TB, pages ...[]string) []byte { return textracttest.ScanPDF(t, pages...) }

func extractResult(t testing.TB, ctx context.Context, contentType string, data []byte) (textract.Result, error) {
	t.Helper()
	return textract.ExtractResult(ctx, contentType, bytes.NewReader(data), int64(len(data)), limit)
}

// words says whether text holds each of the words, in any case: OCR may
// read the rest of a line slightly differently.
func requireWords(t *testing.T, text string, words ...string) {
	t.Helper()
	for _, w := range words {
		require.Contains(t, strings.ToLower(text), strings.ToLower(w), "OCR text: %q", text)
	}
}

func TestOCR_ReadsImages(t *testing.T) {
	useOCR(t)
	page := scan(t, "Detainer requests from Immigration and Customs", "Enforcement received by the Sheriff in 2017")
	for _, format := range []string{"png", "jpeg", "tiff", "gif"} {
		t.Run(format, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := extractResult(t, ctx, "image/"+format, encode(t, page, format))
			require.NoError(t, err)
			requireWords(t, res.Text, "Detainer", "Immigration", "Customs", "Enforcement", "Sheriff", "2017")
			require.Equal(t, 1, res.OCRPages)
			require.False(t, res.Truncated)
		})
	}
}

// With OCR on, an image of another kind is still unsupported, and says
// which kinds are read.
func TestOCR_OtherImages(t *testing.T) {
	useOCR(t)
	_, err := extractResult(t, context.Background(), "image/heic", []byte("not read"))
	require.ErrorIs(t, err, textract.ErrUnsupported)
	require.Equal(t, "an image of a kind OCR does not read: no text (PNG, JPEG, TIFF, GIF, BMP and WebP are read)", textract.UnsupportedReason("image/heic"))
}

func TestOCR_Off(t *testing.T) {
	data := encode(t, scan(t, "Detainer requests"), "png")
	_, err := extractResult(t, context.Background(), "image/png", data)
	require.ErrorIs(t, err, textract.ErrUnsupported)

	res, err := extractResult(t, context.Background(), "application/pdf", scannedPDF(t,
		[]string{"scan:", "Detainer requests"}, []string{"Cover letter from the Records Unit", "of the Sheriff, on your request of March"},
		[]string{"scan:", "Booking log", "stamp:SHERIFF-000003"}))
	require.NoError(t, err)
	require.Equal(t, textract.Result{Text: res.Text, Pages: 3, PagesRead: 3, ScansUnread: 2}, res, "the scans are counted, for OCR later")
	requireWords(t, res.Text, "Cover letter", "SHERIFF-000003")
}

// A PDF's pages with no text are read as pictures, in page order after the
// text of the others; pages with text are not read again.
func TestOCR_ScannedPagesOfPDFs(t *testing.T) {
	useOCR(t)
	for _, child := range []bool{false, true} {
		t.Run(fmt.Sprintf("child process %v", child), func(t *testing.T) {
			if child {
				useChild(t, 256<<20)
			}
			pdf := scannedPDF(t,
				[]string{"Cover letter from the Records Unit", "of the Sheriff, on your request of March"},
				[]string{"scan:", "Memorandum on the 287g agreement", "stamp:SHERIFF-000002"},
				[]string{"Index of withheld records, with the exemption", "claimed for each of them"},
				[]string{"scan:", "Booking log for January", "stamp:Page 4 of 4 (b)(6)"},
				[]string{"Attachment B"}, // short, but typed: no picture
			)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := extractResult(t, ctx, "application/pdf", pdf)
			require.NoError(t, err)
			requireWords(t, res.Text, "Cover letter", "withheld records", "Memorandum", "agreement", "Booking log", "January")
			require.Less(t, strings.Index(res.Text, "Memorandum"), strings.Index(res.Text, "Booking"))
			require.Equal(t, 1, strings.Count(res.Text, "Cover letter"), "a page with text is not read twice")
			require.Contains(t, res.Text, "SHERIFF-000002", "a scan's stamp is kept, and the page read by OCR")
			require.Equal(t, 1, strings.Count(res.Text, "Attachment B"), "a short typed page is not read by OCR")
			require.Equal(t, textract.Result{Text: res.Text, Pages: 5, PagesRead: 5, OCRPages: 2}, res)
		})
	}
}

// OCR stops short of the extraction's deadline and keeps the pages it
// read: the text is marked cut before the first page not read.
func TestOCR_StopsBeforeTheDeadline(t *testing.T) {
	o := textracttest.UseOCR(t)
	o.Tesseract = script(t, "tesseract", "cat >/dev/null\nsleep 0.4\necho 'Scanned page text'") // a slow page, every time
	textract.UseOCR(o)
	pages := [][]string{{"Cover letter from the Records Unit", "of the Sheriff, on your request of March"}}
	for i := range 12 {
		pages = append(pages, []string{"scan:", fmt.Sprintf("Scanned page number %d of the release", i+2)})
	}
	pdf := scannedPDF(t, pages...)
	// 4 s past the margin kept: time for a page or more even on a busy
	// machine (pdftoppm draws each at 300 dpi), not for twelve.
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Second)
	defer cancel()
	start := time.Now()
	res, err := extractResult(t, ctx, "application/pdf", pdf)
	require.NoError(t, err)
	require.Less(t, time.Since(start), 9*time.Second)
	require.True(t, res.Truncated)
	require.Equal(t, 13, res.Pages)
	require.Less(t, res.OCRPages, 12)
	require.Positive(t, res.OCRPages, "the pages read in time are kept")
	requireWords(t, res.Text, "Scanned page text")
	require.Equal(t, 1+res.OCRPages, res.PagesRead, "the pages whole: the text page and those read")
	require.Equal(t, 12-res.OCRPages, res.OCRSkipped)
	require.Equal(t, "OCR ran out of the time given to read the document", res.OCRNote)
	requireWords(t, res.Text, "Cover letter")
}

// A picture too large for OCR is refused from its header, unread.
func TestOCR_RefusesHugeImages(t *testing.T) {
	useOCR(t)
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, 8000, 6000))))
	start := time.Now()
	_, err := extractResult(t, context.Background(), "image/png", b.Bytes())
	require.ErrorContains(t, err, "too large to read by OCR: 8000×6000 pixels")
	require.Less(t, time.Since(start), 5*time.Second)

	_, err = extractResult(t, context.Background(), "image/jpeg", []byte("not a picture"))
	require.ErrorContains(t, err, "not a valid image")
	require.False(t, errors.Is(err, textract.ErrUnsupported))
}

func TestFindOCR_NamesWhatIsMissing(t *testing.T) {
	useOCR(t)
	_, err := textract.FindOCR(context.Background(), "eng+xyz")
	require.ErrorContains(t, err, `no "xyz" language data`)

	t.Setenv("PATH", t.TempDir())
	_, err = textract.FindOCR(context.Background(), "eng")
	require.ErrorContains(t, err, "tesseract (Debian: tesseract-ocr) and pdftoppm (Debian: poppler-utils), not found on PATH")
}

// A page OCR cannot read is left out, saying why; the document fails only
// when nothing at all could be read.
func TestOCR_PagesItCannotRead(t *testing.T) {
	o := textracttest.UseOCR(t)
	o.Tesseract = script(t, "tesseract", "echo 'Warning: Invalid resolution 0 dpi' >&2\necho 'Error in pixReadStream: Unknown format' >&2\nexit 1")
	textract.UseOCR(o)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := extractResult(t, ctx, "application/pdf", scannedPDF(t, []string{"Cover letter from the Records Unit", "of the Sheriff, on your request of March"}, []string{"scan:", "Memorandum"}))
	require.NoError(t, err)
	requireWords(t, res.Text, "Cover letter")
	require.Equal(t, 0, res.OCRPages)
	require.Equal(t, 1, res.OCRSkipped)
	require.Equal(t, "OCR could not read page 2: OCR could not read the picture (exit status 1): Error in pixReadStream: Unknown format", res.OCRNote)
	require.False(t, res.Truncated, "the pages are all there; one has no text")

	_, err = extractResult(t, ctx, "application/pdf", scannedPDF(t, []string{"scan:", "Memorandum"}))
	require.EqualError(t, err, "OCR could not read the scanned pages: page 1: OCR could not read the picture (exit status 1): Error in pixReadStream: Unknown format")
}

// script writes a shell script standing in for one of OCR's programs.
func script(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return path
}

// OCR's programs run under a hard memory limit (on Linux): past it they
// fail, and the document with them, not the server.
func TestOCR_MemoryLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the memory limit is Linux's RLIMIT_AS")
	}
	o := textracttest.UseOCR(t)
	o.Memory = 20 << 20
	textract.UseOCR(o)
	_, err := extractResult(t, context.Background(), "image/png", encode(t, scan(t, "Booking log"), "png"))
	require.ErrorContains(t, err, "OCR could not read the picture (")
	_, err = extractResult(t, context.Background(), "application/pdf", scannedPDF(t, []string{"scan:", "Booking log"}))
	require.ErrorContains(t, err, "OCR could not read the scanned pages: page 1: could not make a picture of the page: it needs more memory than OCR may use")
}

// BenchmarkOCR_ScannedPage reads a letter page scanned at 300 dpi, a PDF
// of one picture, as the server does: pdftoppm draws it and Tesseract reads
// it, one thread. docs/operations.md#ocr quotes the time per page.
func BenchmarkOCR_ScannedPage(b *testing.B) {
	textracttest.UseOCR(b)
	lines := []string{"scan:"}
	for i := range 25 { // a page of typed text
		lines = append(lines, fmt.Sprintf("%d. Detainer request received from Immigration and Customs Enforcement", i+1))
	}
	pdf := scannedPDF(b, lines)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := extractResult(b, ctx, "application/pdf", pdf)
		if err != nil || res.OCRPages != 1 {
			b.Fatalf("OCR pages %d, err %v", res.OCRPages, err)
		}
	}
}

// multiTIFF returns a TIFF of pages, uncompressed, 8-bit grey; a nil page
// is declared huge (7000×7000) with no pixels.
func multiTIFF(pages ...*image.Gray) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(8)) // the first directory, right after
	for i, p := range pages {
		w, h, data := uint32(7000), uint32(7000), []byte{0}
		if p != nil {
			w, h, data = uint32(p.Rect.Dx()), uint32(p.Rect.Dy()), p.Pix
		}
		const entries = 9
		dir := uint32(b.Len())
		pixels := dir + 2 + entries*12 + 4
		next := uint32(0)
		if i < len(pages)-1 {
			next = pixels + uint32(len(data))
		}
		binary.Write(&b, le, uint16(entries))
		for _, e := range [][3]uint32{{256, 4, w}, {257, 4, h}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, pixels}, {277, 3, 1}, {278, 4, h}, {279, 4, uint32(len(data))}} {
			binary.Write(&b, le, uint16(e[0]))
			binary.Write(&b, le, uint16(e[1]))
			binary.Write(&b, le, uint32(1))
			if e[1] == 3 {
				binary.Write(&b, le, uint16(e[2]))
				binary.Write(&b, le, uint16(0))
			} else {
				binary.Write(&b, le, e[2])
			}
		}
		binary.Write(&b, le, next)
		b.Write(data)
	}
	return b.Bytes()
}

// Every page of a fax (a TIFF of several pages) is read, and each page's
// size checked first.
func TestOCR_FaxOfSeveralPages(t *testing.T) {
	useOCR(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := extractResult(t, ctx, "image/tiff", multiTIFF(scan(t, "Booking log of the first page"), scan(t, "Release notes on the second page")))
	require.NoError(t, err)
	requireWords(t, res.Text, "first page", "second page")
	require.Equal(t, 2, res.OCRPages)

	start := time.Now()
	_, err = extractResult(t, ctx, "image/tiff", multiTIFF(scan(t, "Booking log"), nil))
	require.EqualError(t, err, "the image is too large to read by OCR (page 2): 7000×7000 pixels, more than 40 million")
	require.Less(t, time.Since(start), 2*time.Second, "refused unread")
}

// formPDF returns a one-page PDF with a stamp of text ("Page 3 of 40") that
// then draws the form named do ("" for none): /Fm1 draws an image, /Fm2
// only a line.
func formPDF(do string) []byte {
	stream := func(dict, data string) string {
		return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
	}
	content := "BT /F1 12 Tf 72 700 Td (Page 3 of 40) Tj ET"
	if do != "" {
		content += " /" + do + " Do"
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << /Fm1 6 0 R /Fm2 7 0 R >> >> /Contents 5 0 R >>",
		stream("", content),
		stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Im1 8 0 R >> >>", "/Im1 Do"),
		stream("/Type /XObject /Subtype /Form /BBox [0 0 612 792]", "0 0 m 10 10 l S"),
		stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\x00"),
	}
	return pdfOf(objs)
}

// A page with a little text is taken for a scan when it draws a picture,
// even inside a form, and only then (OCR off: counted as unread).
func TestPDFPagesThatLookScanned(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   string
		want int
	}{
		{"form drawing a picture", "Fm1", 1},
		{"form drawing a line", "Fm2", 0},
		{"nothing drawn", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := extractResult(t, context.Background(), "application/pdf", formPDF(tc.do))
			require.NoError(t, err)
			require.Contains(t, res.Text, "Page 3 of 40")
			require.Equal(t, tc.want, res.ScansUnread)
		})
	}
}
