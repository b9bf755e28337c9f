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
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// letterPageData is the page that drafts a request's letter
// (sunshine.DraftLetter) for staff to edit, copy, download and log as sent.
type letterPageData struct {
	R        *sunshine.Request
	Form     *reqForm
	Channels []string
	CanWrite bool
	// FollowUp: the page drafts a follow-up on the request, not the
	// request itself (?kind=follow_up).
	FollowUp bool
	// ReplyTo is the request's reply address, "" without one.
	ReplyTo string
	// AgencyEmail is where "Open in your email program" addresses the
	// letter ("" without one: no such button), with the reply address in
	// copy so that the agency's answer to all comes back.
	AgencyEmail string
	// Sending: the form came back from Send by email (its refusal), not
	// from logging. CanSubmit: sending it may submit the request (the
	// request letter of a draft).
	Sending, CanSubmit bool
	// ReceiptWords say when a request emailed today is received, by its
	// law: "received the day it goes".
	ReceiptWords string
	// Documents are the request's, to attach to the letter sent by email
	// (not the bounces of its letters); MaxAttach says the limit in words.
	Documents []*sunshine.Document
	MaxAttach string
}

// Mailto is a mailto: link of the letter as drafted (the page's script
// writes the one of the letter as edited when it is clicked).
func (d *letterPageData) Mailto() string {
	if d.AgencyEmail == "" {
		return ""
	}
	return mailtoURL(d.AgencyEmail, d.ReplyTo, d.Form.V("subject"), d.Form.V("body"))
}

// mailtoURL is an RFC 6068 address: spaces as %20 (a "+" would stay a
// plus), lines ending in CRLF.
func mailtoURL(to, cc, subject, body string) string {
	esc := func(v string) string { return strings.ReplaceAll(url.QueryEscape(v), "+", "%20") }
	u := "mailto:" + esc(to) + "?"
	if cc != "" {
		u += "cc=" + esc(cc) + "&"
	}
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	return u + "subject=" + esc(subject) + "&body=" + esc(body)
}

// letterFieldLabels name the letter form's fields in its error summary as
// their labels do.
var letterFieldLabels = map[string]string{"to": "To", "subject": "Subject", "body": "Letter",
	"occurred_on": "Sent on", "channel": "Sent by", "email_to": "Email to", "cc": "Copy to", "submit": "Submit the request",
	"attachment_ids": "Attach"}

func newLetterForm(values url.Values) *reqForm {
	f := newReqForm("letter", values)
	f.labels = letterFieldLabels
	return f
}

// letterKind is the kind of letter a page drafts or logs: its kind
// parameter (query or form), the request letter when absent.
func letterKind(c *gin.Context) (sunshine.LetterKind, error) {
	return sunshine.ParseLetterKind(c.Request.FormValue("kind"))
}

// draftLetter is the letter of the path's request, of the kind asked for,
// signed by the person signed in, with what it was drafted from; false
// when the page has answered already (not found, or a kind that is none).
func (s *Server) draftLetter(c *gin.Context) (sunshine.LetterInput, sunshine.Letter, bool) {
	kind, err := letterKind(c)
	if err != nil {
		s.fail(c, err)
		return sunshine.LetterInput{}, sunshine.Letter{}, false
	}
	in, err := s.store.FindLetterInput(ctxOf(c), c.Param("id"))
	if err == nil {
		err = sunshine.CheckLetter(in.Request, kind)
	}
	if err != nil {
		s.fail(c, err)
		return sunshine.LetterInput{}, sunshine.Letter{}, false
	}
	in.Kind, in.ReplyDomain = kind, s.cfg.InboundDomain
	return in, sunshine.DraftLetter(in, s.store.Clock().Now()), true
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
	in, l, ok := s.draftLetter(c)
	if !ok {
		return
	}
	r := in.Request
	// The request letter was sent on the day the request says, when it
	// says; a follow-up, and a letter not sent yet, today, as it is dated.
	kind, _ := letterKind(c) // (draftLetter checked it)
	sent := r.SentOn
	if sent.IsZero() || kind == sunshine.LetterFollowUp {
		sent = r.Today(s.store.Clock().Now())
	}
	f := newLetterForm(url.Values{"to": {l.To}, "from": {l.From}, "subject": {l.Subject}, "body": {l.Body},
		"occurred_on": {sent.String()}, "channel": {letterChannel(r)}, "kind": {string(kind)},
		"email_to": {in.Agency.Email}, "copy_sender": {"1"}, "save_email": {"1"}})
	if canSubmit(r, kind) {
		f.Values.Set("submit", "1")
	}
	s.renderLetter(c, http.StatusOK, r, in.Agency, f)
}

// renderLetter renders the letter page of r, whose agency is a (nil: read
// here, for a refused form).
func (s *Server) renderLetter(c *gin.Context, status int, r *sunshine.Request, a *sunshine.Agency, f *reqForm) {
	kind := sunshine.LetterKind(f.V("kind"))
	d := &letterPageData{R: r, Form: f, Channels: sunshine.Channels, FollowUp: kind == sunshine.LetterFollowUp,
		ReplyTo: sunshine.ReplyAddress(s.cfg.InboundDomain, r.ReplyToken), Sending: f.V("send") == "1", CanSubmit: canSubmit(r, kind)}
	if p, ok := sunshine.PrincipalFrom(ctxOf(c)); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if a == nil {
		var err error
		if a, err = s.store.FindAgencyByID(ctxOf(c), r.AgencyID); err != nil {
			s.fail(c, err)
			return
		}
	}
	d.AgencyEmail = a.Email
	if d.CanWrite {
		docs, _, err := s.store.FindDocuments(ctxOf(c), r.ID, store.All, "")
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, doc := range docs {
			if !doc.Bounce {
				d.Documents = append(d.Documents, doc)
			}
		}
		d.MaxAttach = fmt.Sprintf("at most %d, %s together", sunshine.MaxLetterAttachments, sunshine.FileSize(sunshine.MaxLetterAttachmentBytes))
	}
	d.ReceiptWords = "received the day it goes"
	if j, err := deadline.Lookup(r.Jurisdiction); err == nil && j.ElectronicReceipt > 0 {
		d.ReceiptWords = fmt.Sprintf("received %s after it goes (%s)", j.Days(j.ElectronicReceipt, deadline.BusinessDays), j.ElectronicReceiptCitation)
	}
	title := "Draft the letter"
	if d.FollowUp {
		title = "Draft a follow-up letter"
	}
	s.render(c, status, "letter", title, d)
}

// handleLetterText downloads the drafted letter as a text file.
func (s *Server) handleLetterText(c *gin.Context) {
	in, l, ok := s.draftLetter(c)
	if !ok {
		return
	}
	r := in.Request
	h := c.Writer.Header()
	// Named for its kind and agency: a group's letters are many downloads.
	name := "letter - " + fileSafe(r.AgencyName) + ".txt"
	if kind, _ := letterKind(c); kind == sunshine.LetterFollowUp { // (draftLetter checked it)
		name = "follow-up - " + fileSafe(r.AgencyName) + ".txt"
	}
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(l.Body))
}

// postedLetter reads the letter form posted for the path's request, which
// the person may change; false when the page has answered.
func (s *Server) postedLetter(c *gin.Context) (*sunshine.Request, *reqForm, sunshine.LetterKind, bool) {
	r, ok := s.requestToChange(c)
	if !ok {
		return nil, nil, "", false
	}
	_ = c.Request.ParseForm()
	f := newLetterForm(c.Request.PostForm)
	kind, err := sunshine.ParseLetterKind(f.V("kind"))
	if err != nil {
		s.fail(c, err) // the page's own hidden field, not one a person types
		return nil, nil, "", false
	}
	return r, f, kind, true
}

// handleLetterLog logs the letter, as edited on the page, as sent to the
// agency: an outgoing communication of its kind (request or follow_up),
// through the store's one way of logging a communication. Logging our
// letter changes neither the request's status nor its dates.
func (s *Server) handleLetterLog(c *gin.Context) {
	r, f, kind, ok := s.postedLetter(c)
	if !ok {
		return
	}
	ctx := ctxOf(c)
	in := sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut,
		Kind:      sunshine.CommKind(kind), // a letter is logged as the communication of its kind
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
	// Every mistake at once: the fields' own, the date's against the
	// request (which the store checks only once the fields are right), and
	// a request that takes no letter of this kind (a follow-up on a
	// request closed meanwhile), said above the letter as edited.
	if err := in.Communication.Validate(); err != nil {
		f.fail(err)
	}
	if f.E("occurred_on") == "" {
		if err := s.store.CheckOccurredOn(r, &in.Communication); err != nil {
			f.fail(err)
		}
	}
	if err := sunshine.CheckLetter(r, kind); err != nil || f.HasErrors() {
		status := http.StatusBadRequest
		if err != nil {
			if conflict := f.fail(err); len(f.Errors) == 1 {
				status = conflict // nothing for the person to fix in the letter
			}
		}
		s.renderLetter(c, status, r, nil, f)
		return
	}
	cm, _, err := s.store.CreateCommunication(ctx, r.ID, in)
	if err != nil {
		status := f.fail(err)
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.renderLetter(c, status, r, nil, f)
		return
	}
	what := "request letter"
	if kind == sunshine.LetterFollowUp {
		what = "follow-up letter"
	}
	s.redirectBack(c, commPath(cm), "Logged the "+what+" of "+cm.OccurredOn.Format("Mon 2 Jan 2006")+".")
}

// handleGroupLetters is GET /requests/{id}/letters.zip: the letter of each
// request filed together with this one, one text file an agency, to print
// or to paste into each agency's email or portal. Each is drafted as its
// own page drafts it (sunshine.DraftLetter), signed by the person signed in.
func (s *Server) handleGroupLetters(c *gin.Context) {
	ctx := ctxOf(c)
	in, err := s.store.FindLetterInput(ctx, c.Param("id")) // the signer and organization, once
	if err != nil {
		s.fail(c, err)
		return
	}
	in.ReplyDomain = s.cfg.InboundDomain
	group := []*sunshine.Request{in.Request}
	if in.Request.GroupID != nil {
		if group, err = s.groupOf(c, in.Request); err != nil {
			s.fail(c, err)
			return
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	now := s.store.Clock().Now()
	for i, g := range group {
		if in.Agency, err = s.store.FindAgencyByID(ctx, g.AgencyID); err != nil {
			s.fail(c, err)
			return
		}
		in.Request = g
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
