package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
	"github.com/sunshine-records/sunshine/textract/textracttest"
)

// SUNSHINE_OCR: auto turns OCR on when Tesseract is found and says in the
// log when it is not; on refuses to go on without it; off never uses it.
// Not parallel: OCR is the process's setting.
func TestUseOCR(t *testing.T) {
	textracttest.UseOCR(t) // this machine has it
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx := context.Background()

	require.NoError(t, useOCR(ctx, Config{OCR: "auto", OCRLanguages: "eng"}, log))
	require.True(t, textract.OCROn())
	require.Contains(t, logs.String(), "OCR reads scanned pages and images")
	require.NoError(t, useOCR(ctx, Config{OCR: "off", OCRLanguages: "eng"}, log))
	require.False(t, textract.OCROn())
	require.ErrorContains(t, useOCR(ctx, Config{OCR: "on", OCRLanguages: "eng+xyz"}, log), `SUNSHINE_OCR=on: tesseract has no "xyz" language data`)

	t.Setenv("PATH", t.TempDir())
	logs.Reset()
	require.NoError(t, useOCR(ctx, Config{OCR: "auto", OCRLanguages: "eng"}, log))
	require.False(t, textract.OCROn())
	require.Contains(t, logs.String(), "OCR is off: scanned pages and images have no searchable text")
	require.Contains(t, logs.String(), "tesseract (Debian: tesseract-ocr)")
	require.ErrorContains(t, useOCR(ctx, Config{OCR: "on", OCRLanguages: "eng"}, log), "SUNSHINE_OCR=on: OCR needs tesseract")
}
