package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// A person's search alerts (sunshine.SearchAlert): each caller sees,
// makes and stops only their own; another person's alert answers 404.

func (s *Server) handleSearchAlertList(c *gin.Context) {
	as, err := s.store.SearchAlerts(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(as, ""))
}

// handleSearchAlertCreate is POST /search_alerts {"q": …}: what is done
// from now on and matches the words is emailed.
func (s *Server) handleSearchAlertCreate(c *gin.Context) {
	var in struct {
		Q optional[string] `json:"q"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	q := set(&fe, "q", in.Q)
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	words := ""
	if q != nil {
		words = *q
	}
	a, err := s.store.CreateSearchAlert(c.Request.Context(), words)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

func (s *Server) handleSearchAlertGet(c *gin.Context) {
	a, err := s.store.SearchAlert(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

func (s *Server) handleSearchAlertDelete(c *gin.Context) {
	if err := s.store.DeleteSearchAlert(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
