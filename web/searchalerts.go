package web

import (
	"errors"
	"fmt"
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
// search shown. Refused words show the Search page again, saying why in
// the page's own words.
func (s *Server) handleSearchAlertCreate(c *gin.Context) {
	ctx := ctxOf(c)
	q := c.PostForm("q")
	status, why := http.StatusBadRequest, ""
	if _, err := sunshine.SearchAlertWords(q); err != nil {
		why = "No alert made: type the words to follow (at most 200 characters, no control characters), then search."
		if strings.TrimSpace(q) == "" {
			why = "No alert made: type the words to follow first, then search."
		}
	} else if alerts, err := s.store.SearchAlerts(ctx); err != nil {
		s.fail(c, err)
		return
	} else if len(alerts) >= sunshine.MaxSearchAlerts {
		why = fmt.Sprintf("No alert made: you have %d search alerts, the most a person may have. Stop one in Settings first.", len(alerts))
	} else if _, err := s.store.CreateSearchAlert(ctx, q); err != nil {
		// Checked above; what is left is the same words (or a race).
		var e *sunshine.Error
		if !errors.As(err, &e) || (e.Code != sunshine.EInvalid && e.Code != sunshine.EConflict) {
			s.fail(c, err)
			return
		}
		why = "No alert made: " + fieldMessage(e, "q") + "."
		if e.Code == sunshine.EConflict {
			status, why = http.StatusConflict, "You already have an alert for these words."
		}
	}
	if why != "" {
		s.showSearch(c, status, &searchData{Q: strings.TrimSpace(q), AlertErr: why})
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
