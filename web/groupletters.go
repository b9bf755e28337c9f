package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// Sending every agency of requests filed together its request letter by
// email, from one page (/requests/{id}/letters/send): each letter as its
// own page drafts it (sunshine.DraftLetter), queued all or none.

// groupLetterRow is one request of the group on that page.
type groupLetterRow struct {
	R     *sunshine.Request
	Email string // its agency's address, "" for none
	store.RequestLetters
}

// Sendable reports whether the row's letter can be sent: its agency has
// an address and none is on its way.
func (g groupLetterRow) Sendable() bool { return g.Email != "" && !g.OnItsWay }

type groupLettersData struct {
	R       *sunshine.Request
	Rows    []groupLetterRow
	Form    *reqForm
	ReplyTo bool // the letters are answered to reply addresses
	Submits int  // drafts among the rows
}

// groupLetters reads the path's request, its group and its agencies, and
// where each request letter stands; false when the page has answered.
func (s *Server) groupLetters(c *gin.Context) (*groupLettersData, []sunshine.LetterInput, bool) {
	ctx := ctxOf(c)
	in, err := s.store.FindLetterInput(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	in.ReplyDomain = s.cfg.InboundDomain
	group := []*sunshine.Request{in.Request}
	if in.Request.GroupID != nil {
		if group, err = s.groupOf(c, in.Request); err != nil {
			s.fail(c, err)
			return nil, nil, false
		}
	}
	ids := make([]string, len(group))
	for i, g := range group {
		ids[i] = g.ID
	}
	states, err := s.store.FindRequestLetters(ctx, ids)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	d := &groupLettersData{R: in.Request, ReplyTo: s.cfg.InboundDomain != ""}
	inputs := make([]sunshine.LetterInput, 0, len(group))
	for _, g := range group {
		a, err := s.store.FindAgencyByID(ctx, g.AgencyID)
		if err != nil {
			s.fail(c, err)
			return nil, nil, false
		}
		row := groupLetterRow{R: g, Email: a.Email, RequestLetters: states[g.ID]}
		d.Rows = append(d.Rows, row)
		if g.Status == sunshine.StatusDraft {
			d.Submits++
		}
		gi := in
		gi.Request, gi.Agency = g, a
		inputs = append(inputs, gi)
	}
	return d, inputs, true
}

func (s *Server) handleGroupLettersPage(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	d, _, ok := s.groupLetters(c)
	if !ok {
		return
	}
	d.Form = newReqForm("letters", nil)
	d.Form.Values.Set("copy_sender", "1")
	d.Form.Values.Set("submit", "1")
	for _, row := range d.Rows {
		// Chosen at first: open requests with an address whose letter
		// was never sent (a closed one was answered already).
		if row.Sendable() && row.LastSentOn.IsZero() && row.R.Status.Open() {
			d.Form.Values.Add("id", row.R.ID)
		}
	}
	s.render(c, http.StatusOK, "group_letters", "Email each agency its letter", d)
}

// handleGroupLettersSend queues the letter of each request chosen, as its
// page drafts it, all or none.
func (s *Server) handleGroupLettersSend(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	d, inputs, ok := s.groupLetters(c)
	if !ok {
		return
	}
	d.Form = newReqForm("letters", c.Request.PostForm)
	chosen := d.Form.Values["id"]
	now := s.store.Clock().Now()
	var letters []store.LetterFor
	for i, row := range d.Rows {
		if !slices.Contains(chosen, row.R.ID) {
			continue
		}
		l := sunshine.DraftLetter(inputs[i], now)
		in := sunshine.LetterEmailInput{Kind: sunshine.LetterRequest, To: row.Email, CopySender: d.Form.V("copy_sender") == "1",
			ToParty: l.To, FromParty: l.From, Subject: l.Subject, Body: l.Body,
			Submit: d.Form.V("submit") == "1" && row.R.Status == sunshine.StatusDraft}
		in.Normalize()
		if row.Email == "" {
			d.Form.Errors["id"] = row.R.AgencyName + " has no email address: add it on the agency's page, or leave it out"
			break
		}
		letters = append(letters, store.LetterFor{RequestID: row.R.ID, Letter: in})
	}
	if len(letters) == 0 && d.Form.Errors["id"] == "" {
		d.Form.Errors["id"] = "choose at least one agency"
	}
	if d.Form.HasErrors() {
		s.render(c, http.StatusBadRequest, "group_letters", "Email each agency its letter", d)
		return
	}
	if _, err := s.store.QueueLetterEmails(ctxOf(c), letters); err != nil {
		status := d.Form.fail(err)
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.render(c, status, "group_letters", "Email each agency its letter", d)
		return
	}
	note := "1 request letter is on its way."
	if n := len(letters); n > 1 {
		note = fmt.Sprintf("%d request letters are on their way, one to each agency.", n)
	}
	s.redirectBack(c, requestPath(d.R.ID)+"#group", note+" Each is logged with its request once the mail server takes it.")
}
