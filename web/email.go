package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// emailRoute takes an e-mail message to log, a file as large as an
// upload: the upload limit, not formLimit.
const emailRoute = "/requests/:id/communications/email"

// handleEmailUpload is the first step of logging a communication from an
// e-mail message saved as a file (.eml): it stores the file as a document
// of the request, attached to no communication yet (the original record,
// kept even if the communication is never logged), and sends the browser
// to the request page with the log form filled from it
// (?email=<document>). A file that is not an e-mail message is refused,
// and nothing is stored.
func (s *Server) handleEmailUpload(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	requestID := c.Param("id")
	f := newReqForm("email", nil)
	failed := func(err error) {
		s.uploadFailed(c, f, err, func(d *requestPageData) { d.EmailForm, d.LogOpen = f, true })
	}
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "multipart/form-data" {
		failed(sunshine.FieldInvalid("file", "send the email file with the form"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.UploadLimit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		failed(sunshine.FieldInvalid("file", "the upload could not be read: %v", err))
		return
	}
	var (
		name, contentType string
		data              []byte
		got               bool
	)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			failed(s.webUploadErr(err))
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			_, _ = io.Copy(io.Discard, io.LimitReader(part, 1<<10)) // the button; a file input left empty
			continue
		}
		if got {
			failed(sunshine.FieldInvalid("file", "choose one email file at a time"))
			return
		}
		got = true
		var content io.Reader
		if name, contentType, content, err = textract.Prepare(&uploadCap{r: part, left: s.cfg.UploadLimit, s: s}, part.FileName()); err == nil {
			data, err = io.ReadAll(content)
		}
		if err != nil {
			failed(s.webUploadErr(err))
			return
		}
	}
	if !got {
		failed(sunshine.FieldInvalid("file", "choose the email file (.eml) to read"))
		return
	}
	if err := checkEmailFile(ctx, name, contentType, data); err != nil {
		failed(err)
		return
	}
	sd, err := s.store.SpoolDocument(ctx, store.NewDocument{RequestID: requestID, Filename: name, ContentType: contentType,
		Content: bytes.NewReader(data)})
	if err != nil {
		failed(err)
		return
	}
	defer sd.Remove()
	doc, err := sd.Create(ctx)
	if err != nil {
		failed(err)
		return
	}
	wait, cancel := s.textWaiting(ctx)
	defer cancel()
	s.extractDocumentText(wait, doc) // searchable, as any upload
	c.Redirect(http.StatusSeeOther, emailLogPath(requestID, doc.ID))
}

// checkEmailFile refuses, naming the file field, a file that is not an
// e-mail message Sunshine can read.
func checkEmailFile(ctx context.Context, name, contentType string, data []byte) error {
	switch contentType {
	case "message/rfc822", textract.MSG:
	default:
		return sunshine.FieldInvalid("file", "%s is not an email saved as a file (.eml, or .msg from Outlook): save the agency's email from your mail program (File, Save as, or drag it out of Outlook) and choose that file", name)
	}
	if _, err := textract.ReadEmailFile(ctx, contentType, data); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return sunshine.FieldInvalid("file", "%s could not be read as an email: %s", name, strings.TrimPrefix(err.Error(), "not a valid email message: "))
	}
	return nil
}

// emailLogPath is the request page with its log form filled from e-mail
// document docID.
func emailLogPath(requestID, docID string) string {
	return requestPath(requestID) + "?email=" + url.QueryEscape(docID) + "#log"
}

// emailNote is what the log form says about the e-mail message it was
// filled from.
type emailNote struct {
	Filename    string
	Attachments []string
	Cut         []string // the fields cut to fit
	NoDate      bool     // the email has no date that can be read
}

// Text is the note: where the form's values come from, and what logging
// attaches.
func (n *emailNote) Text() string {
	t := "Read from " + n.Filename + ". Choose what the message is, check the fields, and log it: the email"
	switch len(n.Attachments) {
	case 0:
	case 1:
		t += " and its 1 attachment (" + n.Attachments[0] + ")"
	default:
		t += " and its " + strconv.Itoa(len(n.Attachments)) + " attachments (" + strings.Join(n.Attachments, ", ") + ")"
	}
	return t + " will be attached to it."
}

// Hints are the notes about fields the email did not fill as it is.
func (n *emailNote) Hints() []string {
	var out []string
	if n.NoDate {
		out = append(out, "The email has no date Sunshine can read: enter the day it was sent.")
	}
	for _, f := range n.Cut {
		switch f {
		case "body":
			out = append(out, fmt.Sprintf("The message is longer than a communication holds (%d bytes), so it was cut; the whole text stays in the email file, which is searchable.", sunshine.MaxBodyBytes))
		default:
			out = append(out, "The "+formLabels["comm"][f]+" field was cut to fit; the email file keeps it whole.")
		}
	}
	return out
}

func newEmailNote(ed *store.EmailDocument) *emailNote {
	return &emailNote{Filename: ed.Document.Filename, Attachments: ed.AttachmentNames(), Cut: ed.Cut, NoDate: ed.Fill.OccurredOn.IsZero()}
}

// fillFromEmail fills the page's log form from e-mail document docID
// (the request page's ?email=), or says plainly why it cannot: a
// document unknown, removed, another request's or organization's, not an
// e-mail message, or logged already. Any other error is returned.
func (s *Server) fillFromEmail(ctx context.Context, d *requestPageData, docID string) error {
	d.LogOpen = true
	ed, err := s.store.ReadEmailDocument(ctx, d.R.ID, docID)
	if sunshine.ErrorCode(err) == sunshine.EInvalid {
		d.EmailProblem = "The email could not be used to fill the form: " + uploadMessage(err) + "."
		return nil
	}
	if err != nil {
		return err
	}
	var cm sunshine.Communication
	ed.FillBlanks(&cm, store.EmailFields...)
	v := d.CommForm.Values // today's date stays when the email has none
	v.Set("email_document_id", ed.Document.ID)
	v.Set("channel", cm.Channel)
	v.Set("direction", string(cm.Direction))
	if !cm.OccurredOn.IsZero() {
		v.Set("occurred_on", cm.OccurredOn.String())
	}
	v.Set("from", cm.From)
	v.Set("to", cm.To)
	v.Set("subject", cm.Subject)
	v.Set("body", cm.Body)
	d.Email = newEmailNote(ed)
	return nil
}
