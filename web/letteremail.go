package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// Sending a letter by email from Sunshine: the letter page's "Send by
// email" (handleLetterSend) puts it in the outbox for the agency; the
// request page lists it until the mail server takes it
// (newLetterNotice), when it is logged with the correspondence.

// letterEmailFields are the letter form's fields a letter email's
// refusal names, by the store's names: the form's To and From are the
// letter's addressee and signer lines, its Email to the address.
var letterEmailFields = map[string]string{"to": "email_to", "to_party": "to", "from_party": "from"}

// formFields renames the fields err names to the letter form's.
func formFields(err error) error {
	var e *sunshine.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	renamed := *e
	renamed.Fields = make([]sunshine.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if name, ok := letterEmailFields[f.Field]; ok {
			f.Field = name
		}
		renamed.Fields[i] = f
	}
	return &renamed
}

// handleLetterSend sends the letter, as edited on the letter page, to the
// agency by email: it waits in the outbox until the mail server takes it,
// and is logged then. Refused, the page comes back with every problem and
// the letter as typed.
func (s *Server) handleLetterSend(c *gin.Context) {
	r, f, kind, ok := s.postedLetter(c)
	if !ok {
		return
	}
	in := sunshine.LetterEmailInput{Kind: kind, To: f.V("email_to"), Cc: []string{f.V("cc")}, CopySender: f.V("copy_sender") == "1",
		ToParty: f.V("to"), FromParty: f.V("from"), Subject: f.V("subject"), Body: f.V("body"), Submit: f.V("submit") == "1",
		AttachmentIDs: f.Values["attachment_ids"]}
	in.Normalize()
	e, err := s.store.QueueLetterEmail(ctxOf(c), r.ID, in)
	if err != nil {
		status := f.fail(formFields(err))
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.renderLetter(c, status, r, nil, f)
		return
	}
	what := describeLetter(e)
	note := strings.ToUpper(what[:1]) + what[1:] + " is on its way"
	if e.Submit {
		note += ": the request is submitted once the mail server takes it"
	}
	note += "."
	if f.V("save_email") == "1" {
		note += s.saveAgencyEmail(c, r.AgencyID, "", e.To)
	}
	s.redirectBack(c, requestPath(r.ID), note)
}

// saveAgencyEmail gives an agency the address a letter went to, when its
// email is still was: none (the letter page offers it then), or the
// address a letter bounced from, sent again to addr. It says so: later
// letters and the agency's page have it.
func (s *Server) saveAgencyEmail(c *gin.Context, agencyID, was, addr string) string {
	ctx := ctxOf(c)
	a, err := s.store.FindAgencyByID(ctx, agencyID)
	if err != nil || !strings.EqualFold(a.Email, was) || strings.EqualFold(a.Email, addr) {
		return "" // another (a colleague's, meanwhile): kept
	}
	if _, err := s.store.UpdateAgencyIfUnchanged(ctx, a, sunshine.AgencyUpdate{Email: &addr}); err != nil {
		return " The address was not saved to the agency: " + sunshine.ErrorMessage(err)
	}
	return " " + addr + " is now " + a.Name + "'s email."
}

// describeLetter names a letter email for people, with its attachments:
// "the follow-up letter to records@agency.gov with 2 attachments".
func describeLetter(e *sunshine.LetterEmail) string {
	switch n := len(e.AttachmentIDs); n {
	case 0:
		return e.Describe()
	case 1:
		return e.Describe() + " with 1 attachment"
	default:
		return fmt.Sprintf("%s with %d attachments", e.Describe(), n)
	}
}

// letterNotice is a letter email not sent yet, as the request page says
// it: on its way (Since; Error and Next after a refused attempt), Failed
// with Error, or Bounced (sent on SentOn) with Error. To is its address,
// to correct before sending it again (AgencyHas: the agency's email is
// it); CountsFrom, for a bounced request letter the request's clock still
// runs from, is that day.
type letterNotice struct {
	ID, What, To       string
	ReportID           string // the bounce report, a document
	Failed, Bounced    bool
	AgencyHas          bool
	Since, Next, Error string
	SentOn, CountsFrom string
}

func newLetterNotice(r *sunshine.Request, a *sunshine.Agency, e *sunshine.LetterEmail) letterNotice {
	const clock = "15:04 Mon 2 Jan"
	loc := a.Location()
	n := letterNotice{ID: e.ID, What: describeLetter(e), To: e.To, AgencyHas: strings.EqualFold(a.Email, e.To),
		Failed:  e.Status == sunshine.LetterEmailFailed,
		Bounced: e.Status == sunshine.LetterEmailBounced, Since: e.CreatedAt.In(loc).Format(clock), Error: e.LastError}
	switch {
	case n.Bounced:
		n.SentOn = e.SentAt.In(loc).Format("Mon 2 Jan")
		if e.BounceDocumentID != nil {
			n.ReportID = *e.BounceDocumentID
		}
		if e.Kind == sunshine.LetterRequest && r.CountsFrom(r.Today(*e.SentAt)) {
			n.CountsFrom = r.ReceivedOn.Format("Mon 2 Jan")
		}
	case !n.Failed && e.LastError != "":
		n.Next = e.NextAttemptAt.In(loc).Format(clock)
	}
	return n
}

// handleLetterEmailRetry sends a refused or bounced letter email again:
// to the address the form gives (corrected after a bounce), saved as the
// agency's email where asked.
func (s *Server) handleLetterEmailRetry(c *gin.Context) {
	again := store.Resend{To: strings.TrimSpace(c.PostForm("to")), Redate: c.PostForm("redate") == "1"}
	s.changeLetterEmail(c, func(id string) (*sunshine.LetterEmail, error) { return s.store.RetryLetterEmail(ctxOf(c), id, again) },
		func(was, e *sunshine.LetterEmail) string {
			note := "Sending " + e.Describe() + " again."
			if e.Redate {
				note += " The request is received the day it goes, and its deadline counts from then."
			}
			if c.PostForm("save_email") == "1" && !strings.EqualFold(was.To, e.To) {
				if r, err := s.store.FindRequestByID(ctxOf(c), e.RequestID); err == nil {
					note += s.saveAgencyEmail(c, r.AgencyID, was.To, e.To)
				}
			}
			return note
		})
}

// handleLetterEmailCancel stops a letter email not sent.
func (s *Server) handleLetterEmailCancel(c *gin.Context) {
	s.changeLetterEmail(c, func(id string) (*sunshine.LetterEmail, error) { return s.store.CancelLetterEmail(ctxOf(c), id) },
		func(was, e *sunshine.LetterEmail) string {
			if was.Status == sunshine.LetterEmailBounced {
				return "Cancelled " + e.Describe() + ": it is not sent again."
			}
			return "Cancelled " + e.Describe() + ": it was not sent."
		})
}

// changeLetterEmail applies a change to the path's letter email and goes
// back to its request, saying what was done (done: the letter as it was
// and is), or why not.
func (s *Server) changeLetterEmail(c *gin.Context, change func(id string) (*sunshine.LetterEmail, error), done func(was, is *sunshine.LetterEmail) string) {
	if !s.canWrite(c) {
		return
	}
	e, err := s.store.FindLetterEmail(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	changed, err := change(e.ID)
	switch {
	case sunshine.ErrorCode(err) == sunshine.EConflict || sunshine.ErrorCode(err) == sunshine.EInvalid:
		s.redirectBack(c, requestPath(e.RequestID), sunshine.ErrorMessage(err))
	case err != nil:
		s.fail(c, err)
	default:
		s.redirectBack(c, requestPath(e.RequestID), done(e, changed))
	}
}

// canSubmit reports whether a letter of kind sent by email may submit r:
// the request letter of a draft.
func canSubmit(r *sunshine.Request, kind sunshine.LetterKind) bool {
	return kind == sunshine.LetterRequest && r.Status == sunshine.StatusDraft
}
