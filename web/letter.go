package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// letterPageData is the page that drafts a request's letter
// (sunshine.DraftLetter) for staff to edit, copy, download and log as sent.
type letterPageData struct {
	R        *sunshine.Request
	Form     *reqForm
	Channels []string
	CanWrite bool
}

// letterFieldLabels name the letter form's fields in its error summary as
// their labels do.
var letterFieldLabels = map[string]string{"to": "To", "subject": "Subject", "body": "Letter",
	"occurred_on": "Sent on", "channel": "Sent by"}

func newLetterForm(values url.Values) *reqForm {
	f := newReqForm("letter", values)
	f.labels = letterFieldLabels
	return f
}

// draftLetter is the letter of the path's request, signed by the person
// signed in; false when the page has answered already (not found).
func (s *Server) draftLetter(c *gin.Context) (*sunshine.Request, sunshine.Letter, bool) {
	in, err := s.store.FindLetterInput(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return nil, sunshine.Letter{}, false
	}
	return in.Request, sunshine.DraftLetter(in, s.store.Clock().Now()), true
}

// letterChannel is the channel the letter most likely went by: the
// request's delivery method where it is one, else email.
func letterChannel(r *sunshine.Request) string {
	if slices.Contains(sunshine.Channels, string(r.DeliveryMethod)) {
		return string(r.DeliveryMethod)
	}
	return "email"
}

func (s *Server) handleLetterPage(c *gin.Context) {
	r, l, ok := s.draftLetter(c)
	if !ok {
		return
	}
	// Sent on the day the request says it was sent, when it says; else
	// today, as the letter is dated.
	sent := r.SentOn
	if sent.IsZero() {
		sent = r.Today(s.store.Clock().Now())
	}
	f := newLetterForm(url.Values{"to": {l.To}, "from": {l.From}, "subject": {l.Subject}, "body": {l.Body},
		"occurred_on": {sent.String()}, "channel": {letterChannel(r)}})
	s.renderLetter(c, http.StatusOK, r, f)
}

func (s *Server) renderLetter(c *gin.Context, status int, r *sunshine.Request, f *reqForm) {
	d := &letterPageData{R: r, Form: f, Channels: sunshine.Channels}
	if p, ok := sunshine.PrincipalFrom(ctxOf(c)); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	s.render(c, status, "letter", "Draft the letter", d)
}

// handleLetterText downloads the drafted letter as a text file.
func (s *Server) handleLetterText(c *gin.Context) {
	r, l, ok := s.draftLetter(c)
	if !ok {
		return
	}
	h := c.Writer.Header()
	// Named for its agency: a group's letters are many downloads.
	name := "letter - " + fileSafe(r.AgencyName) + ".txt"
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(l.Body))
}

// handleLetterLog logs the letter, as edited on the page, as the request
// sent to the agency: an outgoing communication of kind request, through
// the store's one way of logging a communication. Logging our request
// letter changes neither the request's status nor its dates.
func (s *Server) handleLetterLog(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	r, err := s.store.FindRequestByID(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	_ = c.Request.ParseForm()
	f := newLetterForm(c.Request.PostForm)
	in := sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut,
		Kind:      sunshine.KindRequest,
		Channel:   f.V("channel"),
		From:      strings.TrimSpace(f.V("from")),
		To:        strings.TrimSpace(f.V("to")),
		Subject:   strings.TrimSpace(f.V("subject")),
		Body:      strings.ReplaceAll(f.V("body"), "\r\n", "\n"), // a browser sends the textarea's line breaks as CRLF
	}}
	if strings.TrimSpace(in.Body) == "" {
		f.Errors["body"] = "is required: the letter as sent"
	}
	if strings.TrimSpace(f.V("occurred_on")) == "" {
		f.Errors["occurred_on"] = "is required: the day the letter was sent"
	}
	in.OccurredOn = f.parseDateField("occurred_on")
	if f.HasErrors() {
		if err := in.Communication.Validate(); err != nil { // every mistake at once
			f.fail(err)
		}
		s.renderLetter(c, http.StatusBadRequest, r, f)
		return
	}
	cm, _, err := s.store.CreateCommunication(ctx, r.ID, in)
	if err != nil {
		status := f.fail(err)
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.renderLetter(c, status, r, f)
		return
	}
	s.redirectBack(c, commPath(cm), "Logged the request letter of "+cm.OccurredOn.Format("Mon 2 Jan 2006")+".")
}

// handleGroupLetters is GET /requests/{id}/letters.zip: the letter of each
// request filed together with this one, one text file an agency, to print
// or to paste into each agency's email or portal. Each is drafted as its
// own page drafts it (sunshine.DraftLetter), signed by the person signed in.
func (s *Server) handleGroupLetters(c *gin.Context) {
	ctx := ctxOf(c)
	r, err := s.store.FindRequestByID(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	group := []*sunshine.Request{r}
	if r.GroupID != nil {
		if group, err = s.groupOf(c, r); err != nil {
			s.fail(c, err)
			return
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	now := s.store.Clock().Now()
	for i, g := range group {
		in, err := s.store.FindLetterInput(ctx, g.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		w, err := zw.Create(fmt.Sprintf("%02d %s.txt", i+1, fileSafe(g.AgencyName)))
		if err == nil {
			_, err = io.WriteString(w, sunshine.DraftLetter(in, now).Body)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "letters.zip"}))
	h.Set("Cache-Control", "private, no-cache")
	c.Data(http.StatusOK, "application/zip", buf.Bytes())
}

// fileSafe is a name as a file in a ZIP may carry it: no path separators
// or control characters, and not too long.
func fileSafe(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || unicode.IsControl(r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	return name
}
