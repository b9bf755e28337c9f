package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// A person's search alerts (sunshine.SearchAlert): made from the Search
// page, listed and stopped there and in Settings. Anyone may have them,
// viewers too: they only read.

// handleSearchAlertCreate is POST /search/alerts: follow the words of the
// search shown. Refused words show the Search page again, saying why.
func (s *Server) handleSearchAlertCreate(c *gin.Context) {
	q := c.PostForm("q")
	if _, err := s.store.CreateSearchAlert(ctxOf(c), q); err != nil {
		var e *sunshine.Error
		if !errors.As(err, &e) || (e.Code != sunshine.EInvalid && e.Code != sunshine.EConflict) {
			s.fail(c, err)
			return
		}
		status := http.StatusBadRequest
		if e.Code == sunshine.EConflict {
			status = http.StatusConflict
		}
		d := &searchData{Q: strings.TrimSpace(q), AlertErr: "No alert made: the words " + fieldMessage(e, "q") + "."}
		if e.Code == sunshine.EConflict {
			d.AlertErr = "You already have an alert for these words."
		}
		s.showSearch(c, status, d)
		return
	}
	s.redirectBack(c, searchPath(q)+"#alert", "Alert made: what newly matches these words is emailed to you (checked about every hour).")
}

// handleSearchAlertStop is POST /search/alerts/:id/stop: from the Search
// page (back to its words) or Settings (back there).
func (s *Server) handleSearchAlertStop(c *gin.Context) {
	ctx := ctxOf(c)
	a, err := s.store.SearchAlert(ctx, c.Param("id"))
	if err == nil {
		err = s.store.DeleteSearchAlert(ctx, a.ID)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	back := "/settings#search-alerts"
	if c.PostForm("back") == "search" {
		back = searchPath(a.Q) + "#alert"
	}
	s.redirectBack(c, back, "Alert stopped: no more emails for “"+a.Q+"”.")
}

func searchPath(q string) string { return "/search?" + url.Values{"q": {q}}.Encode() }

// fieldMessage is what e says of field, else its message.
func fieldMessage(e *sunshine.Error, field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return e.Message
}
