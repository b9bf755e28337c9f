package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// handleActivity is GET /events: the organization's timeline events across
// its requests, newest first, by actor_id, kind (repeatable) and the notes
// that mention someone (mention_id), a page at a time.
func (s *Server) handleActivity(c *gin.Context) {
	q := newQuery(c, "actor_id", "kind", "mention_id", "cursor", "limit")
	f := store.ActivityFilter{ActorID: q.id("actor_id"), MentionID: q.id("mention_id"), Limit: q.limit(), After: q.one("cursor")}
	for _, k := range c.QueryArray("kind") {
		if !slices.Contains(sunshine.EventKinds, sunshine.EventKind(k)) {
			q.errs.add("kind", "must be an event kind, such as status_changed or note_added")
			break
		}
		f.Kinds = append(f.Kinds, sunshine.EventKind(k))
	}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	items, next, err := s.store.Activity(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	events := make([]sunshine.Event, len(items))
	for i, it := range items {
		events[i] = it.Event
	}
	c.JSON(http.StatusOK, newPage(events, next))
}
