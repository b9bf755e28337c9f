package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// handleLetter is GET /requests/{id}/letter: the request letter (or, with
// kind=follow_up, a follow-up on it) drafted
// from the request, its agency and its law, signed by the caller, as the
// staff page drafts it (sunshine.DraftLetter). It writes nothing.
func (s *Server) handleLetter(c *gin.Context) {
	q := newQuery(c, "kind")
	kind, err := sunshine.ParseLetterKind(q.one("kind"))
	if err != nil {
		q.errs.add("kind", "must be request (the default) or follow_up")
	}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	in, err := s.store.FindLetterInput(c.Request.Context(), c.Param("id"))
	if err == nil {
		err = sunshine.CheckLetter(in.Request, kind)
	}
	if err != nil {
		fail(c, err)
		return
	}
	in.Kind, in.ReplyDomain = kind, s.cfg.InboundDomain
	c.JSON(http.StatusOK, sunshine.DraftLetter(in, s.store.Clock().Now()))
}

// letterSettings is the organization's letter settings: the paragraphs
// that end every request letter it drafts.
type letterSettings struct {
	Closing string `json:"closing"`
}

func (s *Server) handleLetterSettingsGet(c *gin.Context) {
	closing, err := s.store.LetterClosing(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, letterSettings{Closing: closing})
}

// handleLetterSettingsPut replaces the letter settings (admins).
func (s *Server) handleLetterSettingsPut(c *gin.Context) {
	var in struct {
		Closing optional[string] `json:"closing"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	closing := set(&fe, "closing", in.Closing)
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	out, err := s.store.LetterClosing(ctx)
	if err == nil && closing != nil {
		out, err = s.store.SetLetterClosing(ctx, *closing)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, letterSettings{Closing: out})
}
