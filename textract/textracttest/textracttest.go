// Package textracttest helps tests of text extraction: pictures of typed
// pages to read by OCR, and OCR turned on for a test.
package textracttest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/sunshine-records/sunshine/textract"
)

// UseOCR turns OCR on until the test ends, with the Tesseract and
// pdftoppm of this machine. Without them the test skips, or fails when
// SUNSHINE_REQUIRE_OCR=1 (CI: scripts/ocr.sh installs them). Tests that
// use it must not run in parallel with tests that expect OCR off.
func UseOCR(t testing.TB) *textract.OCR {
	t.Helper()
	o, err := textract.FindOCR(context.Background(), "eng")
	if err != nil {
		if os.Getenv("SUNSHINE_REQUIRE_OCR") == "1" {
			t.Fatalf("OCR required: %v", err)
		}
		t.Skipf("no OCR here (%v); scripts/ocr.sh installs it", err)
	}
	textract.UseOCR(o)
	t.Cleanup(func() { textract.UseOCR(nil) })
	return o
}

// Scan returns a picture of a page of typed lines, as a scanner at 300 dpi
// makes of a letter page: black text on white, 12-point type.
func Scan(t testing.TB, lines ...string) *image.Gray {
	t.Helper()
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 12, DPI: 300, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	img := image.NewGray(image.Rect(0, 0, 2550, 300+110*len(lines)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, line := range lines {
		d.Dot = fixed.P(200, 250+110*i)
		d.DrawString(line)
	}
	return img
}

// ScanPNG is Scan as a PNG file.
func ScanPNG(t testing.TB, lines ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, Scan(t, lines...)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ScanPDF returns a PDF of pages, each either typed text (a text layer),
// or, for a page whose first line is "scan:", a picture of its other lines
// (Scan) filling the page's width, with no text of its own but the lines
// that start "stamp:" (a Bates number stamped on the release), typed at
// its foot.
func ScanPDF(t testing.TB, pages ...[]string) []byte {
	t.Helper()
	doc := fpdf.New("P", "pt", "Letter", "")
	doc.SetFont("Helvetica", "", 12)
	for i, lines := range pages {
		doc.AddPage()
		if len(lines) > 0 && lines[0] == "scan:" {
			var scanned, stamps []string
			for _, l := range lines[1:] {
				if stamp, ok := strings.CutPrefix(l, "stamp:"); ok {
					stamps = append(stamps, stamp)
				} else {
					scanned = append(scanned, l)
				}
			}
			name := fmt.Sprintf("page%d", i)
			opts := fpdf.ImageOptions{ImageType: "PNG"}
			doc.RegisterImageOptionsReader(name, opts, bytes.NewReader(ScanPNG(t, scanned...)))
			doc.ImageOptions(name, 0, 0, 612, 0, false, opts, 0, "")
			for j, stamp := range stamps {
				doc.Text(400, float64(760-14*j), stamp)
			}
			continue
		}
		for j, line := range lines {
			doc.Text(72, float64(100+20*j), line)
		}
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
