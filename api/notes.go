package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// handleNoteCreate is POST /requests/{id}/notes: an internal note, one
// note_added event in the request's timeline, answered (201) as GET
// .../events lists it. A note changes nothing on the request (its ETag
// stays), so it takes no If-Match, and a closed request takes one too.
// Those it mentions (mention_ids) are emailed it.
func (s *Server) handleNoteCreate(c *gin.Context) {
	var in struct {
		Text *string `json:"text"`
		// MentionIDs are people of the organization the note is for: each
		// is emailed it.
		MentionIDs []string `json:"mention_ids"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	e, err := s.store.AddNote(c.Request.Context(), c.Param("id"), deref(in.Text), in.MentionIDs...)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}
