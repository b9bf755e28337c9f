package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

type communicationInput struct {
	Direction       *string   `json:"direction"`
	Channel         *string   `json:"channel"`
	Kind            *string   `json:"kind"`
	OccurredOn      *string   `json:"occurred_on"`
	From            *string   `json:"from"`
	To              *string   `json:"to"`
	Subject         *string   `json:"subject"`
	Body            *string   `json:"body"`
	ExemptionsCited *[]string `json:"exemptions_cited"`
	FeeAmount       *string   `json:"fee_amount"`
	// The effect's parameters.
	ResultingStatus *string `json:"resulting_status"`
	CustomDueOn     *string `json:"custom_due_on"`
	// Saved on the request, from an agency's message.
	TrackingNumber    *string `json:"tracking_number"`
	AgencyEstimatedOn *string `json:"agency_estimated_on"`
	// An e-mail message (.eml) uploaded as a document of the request, to
	// log: its fields fill those left out, and it and its attachments
	// become the communication's documents.
	EmailDocumentID *string `json:"email_document_id"`
}

// communication is the input as a new communication; email, when the
// client gave email_document_id, fills the fields it left out (channel,
// occurred_on, from, to, subject, body), as the pages' form is filled.
func (in communicationInput) communication(email *store.EmailDocument) (sunshine.CommunicationInput, error) {
	var fe fieldErrors
	var out sunshine.CommunicationInput
	c := &out.Communication
	required := func(name string, v *string, dst *string) {
		if v == nil || *v == "" {
			fe.add(name, "is required")
			return
		}
		*dst = *v
	}
	var dir, kind string
	required("direction", in.Direction, &dir)
	if email == nil || in.Channel != nil {
		required("channel", in.Channel, &c.Channel)
	}
	required("kind", in.Kind, &kind)
	c.Direction, c.Kind = sunshine.Direction(dir), sunshine.CommKind(kind)
	c.OccurredOn = fe.date("occurred_on", in.OccurredOn)
	c.From, c.To, c.Subject, c.Body = deref(in.From), deref(in.To), deref(in.Subject), deref(in.Body)
	if email != nil {
		var blank []string
		for name, v := range map[string]*string{"channel": in.Channel, "occurred_on": in.OccurredOn, "from": in.From,
			"to": in.To, "subject": in.Subject, "body": in.Body} {
			if v == nil {
				blank = append(blank, name)
			}
		}
		email.FillBlanks(c, blank...)
		out.EmailDocumentID = email.Document.ID
	}
	if in.OccurredOn == nil && c.OccurredOn.IsZero() {
		if email != nil {
			fe.add("occurred_on", "is required (YYYY-MM-DD): the email has no date to take it from")
		} else {
			fe.add("occurred_on", "is required (YYYY-MM-DD)")
		}
	}
	if in.ExemptionsCited != nil {
		c.ExemptionsCited = *in.ExemptionsCited
	}
	c.FeeAmount = in.FeeAmount
	if in.ResultingStatus != nil {
		out.ResultingStatus = sunshine.Status(*in.ResultingStatus)
		if !out.ResultingStatus.Valid() {
			fe.add("resulting_status", "unknown status %q", *in.ResultingStatus)
		}
	}
	out.CustomDueOn = fe.date("custom_due_on", in.CustomDueOn)
	out.TrackingNumber = strings.TrimSpace(deref(in.TrackingNumber))
	out.AgencyEstimatedOn = fe.date("agency_estimated_on", in.AgencyEstimatedOn)
	verr := c.Validate()
	if len(fe) > 0 { // shape errors, and the domain's on the other fields
		return out, fe.also(verr)
	}
	return out, verr
}

// communicationCreated is the answer to logging a communication: it and
// the request as its effect left it, and, logged from an email
// (email_document_id), the documents attached to it: the email, then its
// attachments.
type communicationCreated struct {
	Communication *sunshine.Communication `json:"communication"`
	Request       requestJSON             `json:"request"`
	Documents     []*sunshine.Document    `json:"documents,omitempty"`
}

func (s *Server) handleCommunicationCreate(c *gin.Context) {
	var in communicationInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var email *store.EmailDocument
	if in.EmailDocumentID != nil {
		var err error
		if email, err = s.store.ReadEmailDocument(ctx, c.Param("id"), *in.EmailDocumentID); err != nil {
			fail(c, err) // the fields it would fill cannot be checked without it
			return
		}
	}
	ci, err := in.communication(email)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, err = ifMatch(c, "request")
	if err != nil {
		fail(c, err)
		return
	}
	var attach []*store.SpooledDocument
	defer func() {
		for _, a := range attach {
			a.Remove()
		}
	}()
	if email != nil {
		if attach, err = email.SpoolAttachments(ctx); err != nil {
			fail(c, err)
			return
		}
	}
	comm, r, err := s.store.CreateCommunication(ctx, c.Param("id"), ci, attach...)
	if err != nil {
		fail(c, err)
		return
	}
	out := communicationCreated{Communication: comm, Request: s.requestOut(r)}
	if email != nil {
		doc := *email.Document
		doc.CommunicationID = &comm.ID
		out.Documents = append(out.Documents, &doc)
		for _, a := range attach {
			out.Documents = append(out.Documents, s.extractAfterUpload(ctx, a.Document()))
		}
	}
	c.Header("ETag", etag(r))
	created(c, "/api/v1/communications/"+comm.ID, out)
}

func (s *Server) handleCommunicationList(c *gin.Context) { requestPage(c, s.store.FindCommunications) }

func (s *Server) handleCommunicationGet(c *gin.Context) {
	comm, err := s.store.FindCommunicationByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", versionTag(comm.Version))
	c.JSON(http.StatusOK, comm)
}

type communicationPatch struct {
	Channel         optional[string]   `json:"channel"`
	OccurredOn      optional[string]   `json:"occurred_on"`
	From            optional[string]   `json:"from"`
	To              optional[string]   `json:"to"`
	Subject         optional[string]   `json:"subject"`
	Body            optional[string]   `json:"body"`
	ExemptionsCited optional[[]string] `json:"exemptions_cited"`
	FeeAmount       optional[string]   `json:"fee_amount"`
}

func (in communicationPatch) update() (sunshine.CommunicationUpdate, error) {
	var fe fieldErrors
	var u sunshine.CommunicationUpdate
	str := func(name string, o optional[string]) *string { return set(&fe, name, o) }
	u.Channel, u.From, u.To = str("channel", in.Channel), str("from", in.From), str("to", in.To)
	u.Subject, u.Body = str("subject", in.Subject), str("body", in.Body)
	if v := str("occurred_on", in.OccurredOn); v != nil {
		d := fe.date("occurred_on", v)
		u.OccurredOn = &d
	}
	if in.ExemptionsCited.given(&fe, "exemptions_cited") {
		ex := in.ExemptionsCited.Value
		if ex == nil {
			ex = []string{}
		}
		u.ExemptionsCited = &ex
	}
	if in.FeeAmount.given(&fe, "fee_amount") {
		var fee *string
		if !in.FeeAmount.Null {
			fee = &in.FeeAmount.Value
		}
		u.FeeAmount = &fee
	}
	return u, fe.err()
}

// handleCommunicationDelete removes a communication logged by mistake; the
// body, optional, gives the reason ({"reason": "..."}). If-Match, when
// sent, is the communication's version.
func (s *Server) handleCommunicationDelete(c *gin.Context) {
	emptyBodyAsObject(c)
	var in struct {
		Reason *string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ctx, err := ifMatch(c, "communication")
	if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.store.DeleteCommunication(ctx, c.Param("id"), deref(in.Reason)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) handleCommunicationUpdate(c *gin.Context) {
	var in communicationPatch
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	upd, err := in.update()
	if err != nil {
		fail(c, err)
		return
	}
	// The communication's own version: a form sending every field must not
	// overwrite a correction made since it was read.
	ctx, err := ifMatch(c, "communication")
	if err != nil {
		fail(c, err)
		return
	}
	comm, err := s.store.UpdateCommunication(ctx, c.Param("id"), upd)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", versionTag(comm.Version))
	c.JSON(http.StatusOK, comm)
}
