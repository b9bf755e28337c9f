package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/sunshine-records/sunshine/textract"
)

// useOCR turns on OCR of scanned pages and images (textract.UseOCR) as
// SUNSHINE_OCR says: auto uses Tesseract when it is found and says in
// the log when it is not; on refuses to go on without it; off never uses
// it.
func useOCR(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.OCR == "off" {
		textract.UseOCR(nil)
		log.Info("OCR is off (SUNSHINE_OCR=off): scanned pages and images have no searchable text")
		return nil
	}
	o, err := textract.FindOCR(ctx, cfg.OCRLanguages)
	switch {
	case err != nil && cfg.OCR == "on":
		return fmt.Errorf("SUNSHINE_OCR=on: %w", err)
	case err != nil:
		textract.UseOCR(nil)
		log.Warn("OCR is off: scanned pages and images have no searchable text (docs/operations.md#ocr)", "reason", err.Error())
		return nil
	}
	o.Memory = cfg.ExtractMemory
	textract.UseOCR(o)
	log.Info("OCR reads scanned pages and images", "languages", o.Languages, "tesseract", o.Tesseract)
	return nil
}
