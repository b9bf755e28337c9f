package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// autoFollowUpJSON is a request's automatic follow-ups as the API answers
// them: on, or off with every other field null.
type autoFollowUpJSON struct {
	RequestID string         `json:"request_id"`
	On        bool           `json:"on"`
	EveryDays *int           `json:"every_days"`
	SignerID  *string        `json:"signer_id"`
	Since     *time.Time     `json:"since"`
	NextOn    *deadline.Date `json:"next_on"`
	// Held is what keeps any from going now, null for nothing.
	Held *sunshine.FollowUpHold `json:"held"`
}

func newAutoFollowUpJSON(requestID string, a *sunshine.AutoFollowUp) autoFollowUpJSON {
	out := autoFollowUpJSON{RequestID: requestID}
	if a != nil {
		out.On, out.EveryDays, out.SignerID, out.Since, out.NextOn = true, &a.EveryDays, &a.SignerID, &a.CreatedAt, a.NextOn
		if a.Held != "" {
			out.Held = &a.Held
		}
	}
	return out
}

// handleAutoFollowUpGet is GET /requests/{id}/auto_follow_up: whether the
// request's automatic follow-ups are on, and when the next would go.
func (s *Server) handleAutoFollowUpGet(c *gin.Context) {
	a, err := s.store.FindAutoFollowUp(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newAutoFollowUpJSON(c.Param("id"), a))
}

// handleAutoFollowUpPut is PUT /requests/{id}/auto_follow_up
// {"every_days": 14}: automatic follow-ups on (or changed), signed by the
// caller.
func (s *Server) handleAutoFollowUpPut(c *gin.Context) {
	var in struct {
		EveryDays optional[int] `json:"every_days"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	every := set(&fe, "every_days", in.EveryDays)
	if every == nil && len(fe) == 0 {
		fe.add("every_days", "is required: how many days without news between follow-ups, 7 to 90")
	}
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	a, err := s.store.SetAutoFollowUp(c.Request.Context(), c.Param("id"), *every)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newAutoFollowUpJSON(c.Param("id"), a))
}

// handleAutoFollowUpDelete is DELETE /requests/{id}/auto_follow_up:
// automatic follow-ups off.
func (s *Server) handleAutoFollowUpDelete(c *gin.Context) {
	if err := s.store.StopAutoFollowUp(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
