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
//   - text/plain named *.csv is text/csv (with the same charset parameter);
//   - an OLE compound file (the container of Outlook messages and of
//     Office 97-2003 documents) named *.msg, *.doc, *.xls or *.ppt is
//     that kind of file (MSG, DOC, XLS, PPT), whose text Sunshine does not
//     read but can name; named otherwise it stays application/octet-stream.
//
// The first bytes of a Word, Excel or PowerPoint document (.docx, .xlsx,
// .pptx) say only application/zip: SniffZip tells them apart once the
// whole file is there.
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
	case bytes.HasPrefix(head, oleMagic) && oleTypes[ext] != "":
		return oleTypes[ext]
	}
	return ct
}

// Content types of OLE compound files, by name: Outlook messages and
// Office 97-2003 documents.
const (
	MSG = "application/vnd.ms-outlook"
	DOC = "application/msword"
	XLS = "application/vnd.ms-excel"
	PPT = "application/vnd.ms-powerpoint"
)

// oleMagic starts every OLE compound file.
var oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")

var oleTypes = map[string]string{".msg": MSG, ".doc": DOC, ".xls": XLS, ".ppt": PPT}

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
