package textract

import "strings"

// UnsupportedReason says, in words, why a document of the given content
// type has no searchable text (Extract returned ErrUnsupported for it):
// what kind of file it is and what Sunshine does not do with it, such as
// "an image: no text (OCR, which reads pictures, is off on this server)".
func UnsupportedReason(contentType string) string {
	mt, _ := parseContentType(contentType)
	switch mt {
	case DOC:
		return "a Word 97-2003 document (.doc): Sunshine does not read its text yet (saved as .docx or PDF, it would be searchable)"
	case XLS:
		return "an Excel 97-2003 workbook (.xls): Sunshine does not read its text yet (saved as .xlsx or CSV, it would be searchable)"
	case PPT:
		return "a PowerPoint 97-2003 presentation (.ppt): Sunshine does not read its text yet (saved as .pptx or PDF, it would be searchable)"
	case "application/zip":
		// A ZIP archive named .zip is unpacked (api's unpacking): this is
		// a document that is one inside, or an archive named otherwise.
		return "a ZIP archive not named .zip (an OpenDocument file, an EPUB book, a Visio drawing…): Sunshine reads no text from it (an archive named .zip is unpacked, each file in it searchable)"
	case "application/x-gzip", "application/x-rar-compressed":
		return "an archive Sunshine does not unpack: only ZIP archives are (zipped, or uploaded one by one, its files would be searchable)"
	case "application/octet-stream", "":
		return "a kind of file Sunshine does not recognise: it reads no text from it"
	}
	switch kind, _, _ := strings.Cut(mt, "/"); kind {
	case "image":
		if OCROn() {
			return "an image of a kind OCR does not read: no text (PNG, JPEG, TIFF, GIF, BMP and WebP are read)"
		}
		return "an image: no text (OCR, which reads pictures, is off on this server)"
	case "audio":
		return "a sound recording: no text (Sunshine does not transcribe)"
	case "video":
		return "a video: no text (Sunshine does not transcribe)"
	case "font":
		return "a font: no text"
	}
	return "Sunshine cannot read text from " + mt + " files"
}
