package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// Webhooks (sunshine.Webhook), an admin's: the organization's events sent
// to an address as they happen. Their secrets sign the messages, so they
// are shown to admins only, as every route here is.

// webhookBody is a webhook as a client sends it: url required when it is
// made, the fields to change in a PATCH.
type webhookBody struct {
	URL         optional[string]   `json:"url"`
	Description optional[string]   `json:"description"`
	Format      optional[string]   `json:"format"`
	Kinds       optional[[]string] `json:"kinds"`
	Active      optional[bool]     `json:"active"`
}

func (b webhookBody) input() (sunshine.WebhookInput, error) {
	var fe fieldErrors
	in := sunshine.WebhookInput{URL: set(&fe, "url", b.URL), Description: set(&fe, "description", b.Description),
		Active: set(&fe, "active", b.Active)}
	if f := set(&fe, "format", b.Format); f != nil {
		format := sunshine.WebhookFormat(*f)
		in.Format = &format
	}
	if ks := set(&fe, "kinds", b.Kinds); ks != nil {
		kinds := make([]sunshine.EventKind, len(*ks))
		for i, k := range *ks {
			kinds[i] = sunshine.EventKind(k)
		}
		in.Kinds = &kinds
	}
	return in, fe.err()
}

// readWebhook decodes a webhook's body, or answers the problem with it.
func readWebhook(c *gin.Context) (sunshine.WebhookInput, bool) {
	var b webhookBody
	if err := decodeJSON(c, &b); err != nil {
		fail(c, err)
		return sunshine.WebhookInput{}, false
	}
	in, err := b.input()
	if err != nil {
		fail(c, err)
		return in, false
	}
	return in, true
}

func (s *Server) handleWebhookList(c *gin.Context) {
	if err := newQuery(c).err(); err != nil {
		fail(c, err)
		return
	}
	ws, err := s.store.Webhooks(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusOK, newPage(ws, ""))
}

// handleWebhookCreate is POST /webhooks: it sends the events that happen
// from now on.
func (s *Server) handleWebhookCreate(c *gin.Context) {
	in, ok := readWebhook(c)
	if !ok {
		return
	}
	w, err := s.store.CreateWebhook(c.Request.Context(), in)
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusCreated, w)
}

func (s *Server) handleWebhookGet(c *gin.Context) {
	w, err := s.store.Webhook(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusOK, w)
}

// handleWebhookUpdate is PATCH /webhooks/{id}: its address, description,
// format, kinds, or on and off.
func (s *Server) handleWebhookUpdate(c *gin.Context) {
	in, ok := readWebhook(c)
	if !ok {
		return
	}
	w, err := s.store.UpdateWebhook(c.Request.Context(), c.Param("id"), in)
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusOK, w)
}

func (s *Server) handleWebhookDelete(c *gin.Context) {
	if err := s.store.DeleteWebhook(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleWebhookPing is POST /webhooks/{id}/ping: a test message, sent
// within seconds; its answer is in the deliveries.
func (s *Server) handleWebhookPing(c *gin.Context) {
	w, err := s.store.PingWebhook(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusAccepted, w)
}

// handleWebhookSecret is POST /webhooks/{id}/secret: a new signing
// secret, used from the next message.
func (s *Server) handleWebhookSecret(c *gin.Context) {
	w, err := s.store.NewWebhookSecret(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	respondWebhook(c, http.StatusOK, w)
}

// handleWebhookDeliveries is GET /webhooks/{id}/deliveries: its latest
// tries to send, newest first (limit, at most 200; the last 30 days).
func (s *Server) handleWebhookDeliveries(c *gin.Context) {
	q := newQuery(c, "limit")
	limit := q.limit()
	if limit == 0 {
		limit = 50
	}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	ds, err := s.store.WebhookDeliveries(c.Request.Context(), c.Param("id"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(ds, ""))
}

// respondWebhook answers with webhooks, whose secrets no cache keeps.
func respondWebhook(c *gin.Context, status int, v any) {
	c.Header("Cache-Control", "no-store")
	c.JSON(status, v)
}
