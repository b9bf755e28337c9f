package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// handleLetter is GET /requests/{id}/letter: the request letter drafted
// from the request, its agency and its law, signed by the caller, as the
// staff page drafts it (sunshine.DraftLetter). It writes nothing.
func (s *Server) handleLetter(c *gin.Context) {
	in, err := s.store.FindLetterInput(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sunshine.DraftLetter(in, s.store.Clock().Now()))
}
