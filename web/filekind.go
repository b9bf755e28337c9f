package web

import (
	"mime"
	"strings"

	"github.com/sunshine-records/sunshine/textract"
)

// fileKinds names, as people know them, the kinds of file Sunshine's
// sniffing gives documents (textract.Sniff: http.DetectContentType
// refined, and SniffZip for Office files), by media type.
var fileKinds = map[string]string{
	"application/pdf":              "PDF",
	textract.DOCX:                  "Word document",
	textract.XLSX:                  "Excel spreadsheet",
	textract.PPTX:                  "PowerPoint presentation",
	textract.DOC:                   "Word 97-2003 document",
	textract.XLS:                   "Excel 97-2003 spreadsheet",
	textract.PPT:                   "PowerPoint 97-2003 presentation",
	textract.MSG:                   "Outlook message (.msg)",
	"message/rfc822":               "Email (.eml)",
	"text/plain":                   "Plain text",
	"text/csv":                     "CSV spreadsheet",
	"text/html":                    "Web page (HTML)",
	"text/xml":                     "XML",
	"application/postscript":       "PostScript",
	"application/zip":              "ZIP archive",
	"application/x-gzip":           "Gzip archive",
	"application/x-rar-compressed": "RAR archive",
	"image/png":                    "Image (PNG)",
	"image/jpeg":                   "Image (JPEG)",
	"image/gif":                    "Image (GIF)",
	"image/webp":                   "Image (WebP)",
	"image/bmp":                    "Image (BMP)",
	"image/x-icon":                 "Icon (ICO)",
	"audio/mpeg":                   "Audio (MP3)",
	"audio/wave":                   "Audio (WAV)",
	"audio/aiff":                   "Audio (AIFF)",
	"audio/basic":                  "Audio (AU)",
	"audio/midi":                   "Audio (MIDI)",
	"application/ogg":              "Audio or video (Ogg)",
	"video/mp4":                    "Video (MP4)",
	"video/webm":                   "Video (WebM)",
	"video/avi":                    "Video (AVI)",
	"font/ttf":                     "Font (TTF)",
	"font/otf":                     "Font (OTF)",
	"font/woff":                    "Font (WOFF)",
	"font/woff2":                   "Font (WOFF2)",
	"application/octet-stream":     "Unknown kind of file",
}

// fileKind names a document's kind of file for the pages: "Word document"
// rather than its content type, which the pages keep in a title. A
// content type not in fileKinds is shown as it is.
func fileKind(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	if kind, ok := fileKinds[mt]; ok {
		return kind
	}
	return contentType
}
