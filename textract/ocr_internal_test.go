package textract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeOCR returns an OCR whose programs are shell scripts: pdftoppm makes
// any "picture", and Tesseract reads the same line in each.
func fakeOCR(t *testing.T, line string) *OCR {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return &OCR{
		Pdftoppm:  write("pdftoppm", "echo picture"),
		Tesseract: write("tesseract", "cat >/dev/null\necho '"+line+"'"),
		Languages: "eng",
	}
}

// When the text reaches the cap, OCR stops, says why, and the pages whole
// end before the one whose text was cut.
func TestReadPages_TextCap(t *testing.T) {
	o := fakeOCR(t, "Memorandum on the agreement")
	for _, tc := range []struct {
		name                    string
		layer                   int // bytes of text from the text layer
		pagesRead, ocr, skipped int
		note                    string
	}{
		{"room for one page, cut", maxText - 10, 1, 1, 1, "the text is longer than Sunshine indexes"},
		{"no room at all", maxText, 1, 0, 2, "the text is longer than Sunshine indexes"},
		{"room for both", maxText - 100, 3, 2, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Result{Text: strings.Repeat("x", tc.layer), Pages: 3, PagesRead: 3, blank: []int{2, 3}}
			res, err := o.readPages(context.Background(), "release.pdf", in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Text) > maxText {
				t.Errorf("text of %d bytes, more than %d", len(res.Text), maxText)
			}
			if res.PagesRead != tc.pagesRead || res.OCRPages != tc.ocr || res.OCRSkipped != tc.skipped || res.OCRNote != tc.note {
				t.Errorf("read %d, OCR %d, skipped %d, note %q; want %d, %d, %d, %q",
					res.PagesRead, res.OCRPages, res.OCRSkipped, res.OCRNote, tc.pagesRead, tc.ocr, tc.skipped, tc.note)
			}
			if res.Truncated != (tc.pagesRead < 3) {
				t.Errorf("Truncated = %v", res.Truncated)
			}
		})
	}
}

// A TIFF whose directories loop, or that is not a classic TIFF, is refused.
func TestTIFFPageSizes_Refuses(t *testing.T) {
	loop := []byte("II\x2a\x00\x08\x00\x00\x00" + "\x00\x00" + "\x08\x00\x00\x00") // no entries, next = itself
	for name, data := range map[string][]byte{
		"loop":    loop,
		"BigTIFF": []byte("II\x2b\x00\x08\x00\x00\x00"),
		"short":   []byte("II"),
		"cut":     []byte("II\x2a\x00\x08\x00\x00\x00\x05\x00"),
	} {
		if _, err := tiffPageSizes(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzTIFFPageSizes: whatever the bytes, tiffPageSizes ends, without
// panicking, with at most maxTIFFPages pages.
func FuzzTIFFPageSizes(f *testing.F) {
	f.Add([]byte("II\x2a\x00\x08\x00\x00\x00\x00\x00\x08\x00\x00\x00"))
	f.Add([]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x02\x01\x00\x00\x03\x00\x00\x00\x01\x00\x10\x00\x00\x01\x01\x00\x04\x00\x00\x00\x01\x00\x00\x00\x20\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sizes, err := tiffPageSizes(bytes.NewReader(data))
		if err == nil && len(sizes) > maxTIFFPages {
			t.Fatalf("%d pages", len(sizes))
		}
	})
}
