package api

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/sunshine-records/sunshine/store"
)

// handleSearch is GET /api/v1/search?q=…: ranked hits across requests,
// communications and released documents, each with a snippet.
func (s *Server) handleSearch(c *gin.Context) {
	q := newQuery(c, "q", "status", "agency_id", "from", "to", "cursor", "limit")
	f := store.SearchFilter{Q: q.one("q"), Statuses: q.statuses("status"), AgencyID: q.id("agency_id"),
		From: q.date("from"), To: q.date("to"), Limit: q.limit()}
	if f.Q == "" {
		q.errs.add("q", "is required: the words to search for")
	}
	if cur := q.one("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			q.errs.add("cursor", "is not a cursor from this search")
		}
		f.Offset = n
	}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	hits, more, err := s.store.Search(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	next := ""
	if more {
		limit := f.Limit
		if limit == 0 {
			limit = store.DefaultPageSize
		}
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(f.Offset + limit)))
	}
	c.JSON(http.StatusOK, newPage(hits, next))
}
