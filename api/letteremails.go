package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// letterEmailInput is the body of POST /requests/{id}/letter_emails: a
// letter to send the agency by email. kind left out is the request
// letter; copy_sender left out is true.
type letterEmailInput struct {
	Kind       string         `json:"kind"`
	To         string         `json:"to"`
	Cc         []string       `json:"cc"`
	CopySender optional[bool] `json:"copy_sender"`
	ToParty    string         `json:"to_party"`
	FromParty  string         `json:"from_party"`
	Subject    string         `json:"subject"`
	Body       string         `json:"body"`
	Submit     bool           `json:"submit"`
	// AttachmentIDs are documents of the request to attach, in order.
	AttachmentIDs []string `json:"attachment_ids"`
}

// letter is the input as the store takes it, normalized as the letter
// page's form is (sunshine.LetterEmailInput.Normalize). The rest of the
// checks are the store's, which names every bad field at once.
func (in letterEmailInput) letter() (sunshine.LetterEmailInput, error) {
	var fe fieldErrors
	out := sunshine.LetterEmailInput{Kind: sunshine.LetterKind(in.Kind), To: in.To, Cc: in.Cc, CopySender: true,
		ToParty: in.ToParty, FromParty: in.FromParty, Subject: in.Subject, Body: in.Body, Submit: in.Submit,
		AttachmentIDs: in.AttachmentIDs}
	if v := set(&fe, "copy_sender", in.CopySender); v != nil {
		out.CopySender = *v
	}
	out.Normalize() // (no kind is the request letter)
	if len(fe) > 0 {
		return out, fe.also(out.Validate())
	}
	return out, nil
}

// handleLetterEmailCreate is POST /requests/{id}/letter_emails: it puts a
// letter in the outbox for the agency, from the caller
// (store.QueueLetterEmail), and answers 202: it is logged as the request's
// communication only once the mail server accepts it.
func (s *Server) handleLetterEmailCreate(c *gin.Context) {
	var body letterEmailInput
	if err := decodeJSON(c, &body); err != nil {
		fail(c, err)
		return
	}
	in, err := body.letter()
	if err != nil {
		fail(c, err)
		return
	}
	e, err := s.store.QueueLetterEmail(c.Request.Context(), c.Param("id"), in)
	if err != nil {
		fail(c, err)
		return
	}
	accepted(c, "/api/v1/letter_emails/"+e.ID, e)
}

// handleLetterEmailList is GET /requests/{id}/letter_emails: the request's
// letter emails not sent (pending or failed), oldest first. Sent ones are
// its communications.
func (s *Server) handleLetterEmailList(c *gin.Context) {
	items, err := s.store.FindLetterEmails(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(items, ""))
}

func (s *Server) handleLetterEmailGet(c *gin.Context) {
	e, err := s.store.FindLetterEmail(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

// handleLetterEmailRetry is POST /letter_emails/{id}/retry: a failed or
// bounced letter email is pending again, to be sent at once; the body,
// optional, may give another address to send it to ({"to": ...}) and, for
// a request letter that bounced, ask that the request be received the day
// it goes ({"redate": true}).
func (s *Server) handleLetterEmailRetry(c *gin.Context) {
	emptyBodyAsObject(c)
	var body struct {
		To     *string `json:"to"`
		Redate bool    `json:"redate"`
	}
	if err := decodeJSON(c, &body); err != nil {
		fail(c, err)
		return
	}
	if body.To != nil && strings.TrimSpace(*body.To) == "" {
		fail(c, sunshine.FieldInvalid("to", "must be an email address: leave it out to send to the same one"))
		return
	}
	e, err := s.store.RetryLetterEmail(c.Request.Context(), c.Param("id"), store.Resend{To: deref(body.To), Redate: body.Redate})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

// handleLetterEmailCancel is POST /letter_emails/{id}/cancel: a pending,
// failed or bounced letter email is not sent (again).
func (s *Server) handleLetterEmailCancel(c *gin.Context) {
	e, err := s.store.CancelLetterEmail(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}
