package textract

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Prepare readies an uploaded file for storage: it sanitises the client's
// file name, sniffs the content type from the first bytes (never trusting a
// declared type), and returns a reader of the whole content, those first
// bytes included. A read error is returned as it came.
func Prepare(r io.Reader, clientName string) (name, contentType string, content io.Reader, err error) {
	name = SanitizeFilename(clientName)
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", "", nil, err
	}
	head = head[:n]
	return name, Sniff(head, name), io.MultiReader(strings.NewReader(string(head)), r), nil
}

// ContentDisposition names a file for download as an attachment, never
// shown inline, with an ASCII fallback and the UTF-8 name (RFC 6266).
func ContentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}
