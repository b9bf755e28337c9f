package textract

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"path"
	"strings"
)

// sniffLen is how many leading bytes Sniff looks at.
const sniffLen = 512

// Sniff returns the content type of a document from its first bytes (up to
// 512; more are ignored) and its sanitised file name. It is
// http.DetectContentType, refined:
//
//   - a file named *.eml whose head parses as RFC 5322 header fields is
//     "message/rfc822";
//   - text/plain named *.csv is text/csv (with the same charset parameter).
//
// It never trusts a type declared by the client (it takes none), and the
// name only refines what the bytes say: PDF bytes named x.png are still
// application/pdf.
func Sniff(head []byte, filename string) string {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	ct := http.DetectContentType(head)
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
	isText := strings.HasPrefix(ct, "text/plain")
	switch {
	case ext == ".eml" && isText && looksLikeMailHeader(head):
		return "message/rfc822"
	case ext == ".csv" && isText:
		return "text/csv" + strings.TrimPrefix(ct, "text/plain")
	}
	return ct
}

// mailFields are header fields of which at least one must appear for a head
// to count as an e-mail message.
var mailFields = []string{
	"From", "To", "Subject", "Date", "Received", "Return-Path", "Message-Id",
	"Mime-Version", "Delivered-To", "Sender", "Reply-To", "Cc", "Thread-Topic",
	"X-Mailer", "Content-Type",
}

// looksLikeMailHeader reports whether head starts with RFC 5322 header
// fields. head may end mid-way through the header, so a last, incomplete line
// is ignored (unless it is the only one).
func looksLikeMailHeader(head []byte) bool {
	block := head
	if i := bytes.Index(block, []byte("\n\r\n")); i >= 0 {
		block = block[:i+1]
	} else if i := bytes.Index(block, []byte("\n\n")); i >= 0 {
		block = block[:i+1]
	} else if i := bytes.LastIndexByte(block, '\n'); i >= 0 && len(head) == sniffLen {
		block = block[:i+1] // drop the incomplete last line
	}
	// An mbox "From " separator line sometimes precedes the header.
	if bytes.HasPrefix(block, []byte("From ")) {
		i := bytes.IndexByte(block, '\n')
		if i < 0 {
			return false
		}
		block = block[i+1:]
	}
	block = bytes.TrimRight(block, "\r\n")
	if len(block) == 0 {
		return false
	}
	r := textproto.NewReader(bufio.NewReader(withHeaderEnd(block)))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		return false
	}
	for _, f := range mailFields {
		if _, ok := h[f]; ok {
			return true
		}
	}
	return false
}

// withHeaderEnd returns block followed by the blank line that ends a header.
func withHeaderEnd(block []byte) *bytes.Reader {
	b := make([]byte, 0, len(block)+4)
	b = append(b, block...)
	b = append(b, "\r\n\r\n"...)
	return bytes.NewReader(b)
}
