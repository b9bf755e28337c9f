package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// closureInput is the body of POST /agencies/{id}/closures.
type closureInput struct {
	ClosedOn *string `json:"closed_on"`
	Reason   *string `json:"reason"`
}

// closureJSON is a closure day and, after a change, the requests whose
// due dates it moved.
type closureJSON struct {
	*sunshine.Closure
	MovedRequests int                `json:"moved_requests"`
	Moved         []sunshine.DueMove `json:"moved"`
}

func (s *Server) handleClosureList(c *gin.Context) {
	cs, err := s.store.FindClosures(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(cs, ""))
}

func (s *Server) handleClosureCreate(c *gin.Context) {
	var in closureInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	cl := &sunshine.Closure{AgencyID: c.Param("id"), ClosedOn: fe.date("closed_on", in.ClosedOn), Reason: deref(in.Reason)}
	if len(fe) > 0 {
		fail(c, fe.also(cl.Validate()))
		return
	}
	moved, err := s.store.AddClosure(c.Request.Context(), cl)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, closureJSON{Closure: cl, MovedRequests: len(moved), Moved: moved})
}

// handleClosureDelete is DELETE /agencies/{id}/closures/{date}; it answers
// which requests' due dates moved back.
func (s *Server) handleClosureDelete(c *gin.Context) {
	on, err := deadline.ParseDate(c.Param("date"))
	if err != nil {
		fail(c, sunshine.FieldInvalid("date", "must be a date YYYY-MM-DD (%v)", err))
		return
	}
	_, moved, err := s.store.DeleteClosure(c.Request.Context(), c.Param("id"), on)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"moved_requests": len(moved), "moved": moved})
}
