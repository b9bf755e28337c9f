package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
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
}

func (in communicationInput) communication() (sunshine.CommunicationInput, error) {
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
	required("channel", in.Channel, &c.Channel)
	required("kind", in.Kind, &kind)
	c.Direction, c.Kind = sunshine.Direction(dir), sunshine.CommKind(kind)
	if in.OccurredOn == nil {
		fe.add("occurred_on", "is required (YYYY-MM-DD)")
	}
	c.OccurredOn = fe.date("occurred_on", in.OccurredOn)
	c.From, c.To, c.Subject, c.Body = deref(in.From), deref(in.To), deref(in.Subject), deref(in.Body)
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
// the request as its effect left it.
type communicationCreated struct {
	Communication *sunshine.Communication `json:"communication"`
	Request       requestJSON             `json:"request"`
}

func (s *Server) handleCommunicationCreate(c *gin.Context) {
	var in communicationInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ci, err := in.communication()
	if err != nil {
		fail(c, err)
		return
	}
	ctx, err := ifMatch(c, "request")
	if err != nil {
		fail(c, err)
		return
	}
	comm, r, err := s.store.CreateCommunication(ctx, c.Param("id"), ci)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(r))
	created(c, "/api/v1/communications/"+comm.ID, communicationCreated{Communication: comm, Request: s.requestOut(r)})
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
