package textract_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

func TestUnsupportedReason(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]string{
		textract.DOC:               "a Word 97-2003 document (.doc): Sunshine does not read its text yet (saved as .docx or PDF, it would be searchable)",
		"image/png":                "an image: no text (OCR, which reads pictures, is off on this server)",
		"IMAGE/JPEG":               "an image: no text (OCR, which reads pictures, is off on this server)",
		"video/mp4; codecs=x":      "a video: no text (Sunshine does not transcribe)",
		"application/zip":          "a ZIP archive not named .zip (an OpenDocument file, an EPUB book, a Visio drawing…): Sunshine reads no text from it (an archive named .zip is unpacked, each file in it searchable)",
		"application/x-gzip":       "an archive Sunshine does not unpack: only ZIP archives are (zipped, or uploaded one by one, its files would be searchable)",
		"application/octet-stream": "a kind of file Sunshine does not recognise: it reads no text from it",
		"application/wasm":         "Sunshine cannot read text from application/wasm files",
	} {
		t.Run(ct, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, want, textract.UnsupportedReason(ct))
		})
	}
}
