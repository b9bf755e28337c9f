package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

const searchPageSize = 50

type searchHit struct {
	Kind         string
	Path         string // the hit's place: its request's page, at a note's place for a note
	RequestTitle string
	Title        string // the communication's subject or the document's name
	AgencyName   string
	Status       sunshine.Status
	On           deadline.Date
	Snippet      template.HTML
	DocumentID   string
}

type searchData struct {
	Q        string
	Status   string
	After    string // the dates typed (YYYY-MM-DD): hits dated on or after,
	Before   string // and on or before
	Statuses []dashOption
	Searched bool
	Hits     []searchHit
	From     int // 1-based number of the first hit shown
	Prev     string
	Next     string
	// Alert is the person's search alert for these words, nil for none;
	// AlertErr why one could not be made.
	Alert    *sunshine.SearchAlert
	AlertErr string
	Note     string
}

// handleSearch is GET /search?q=…: requests, communications and documents
// ranked by PostgreSQL full-text search, with snippets.
func (s *Server) handleSearch(c *gin.Context) {
	d := &searchData{Q: strings.TrimSpace(c.Query("q")), Status: c.Query("status"),
		After: strings.TrimSpace(c.Query("from")), Before: strings.TrimSpace(c.Query("to"))}
	d.Note = s.takeNote(c)
	s.showSearch(c, http.StatusOK, d)
}

// showSearch answers the Search page for d's words and filters.
func (s *Server) showSearch(c *gin.Context, status int, d *searchData) {
	f := store.SearchFilter{Q: d.Q, Limit: searchPageSize}
	// Search ranks the most recent matches: dates reach older ones.
	for _, p := range []struct {
		field, value string
		into         *deadline.Date
	}{{"from", d.After, &f.From}, {"to", d.Before, &f.To}} {
		if p.value == "" {
			continue
		}
		day, err := deadline.ParseDate(p.value)
		if err != nil {
			s.fail(c, sunshine.FieldInvalid(p.field, "must be a date, YYYY-MM-DD"))
			return
		}
		*p.into = day
	}
	var ok bool
	if f.Statuses, ok = statusesFor(d.Status); !ok {
		s.fail(c, sunshine.FieldInvalid("status", "unknown status %q", d.Status))
		return
	}
	d.Statuses = []dashOption{{"open", "any open status", d.Status == "open"}, {"closed", "any closed status", d.Status == "closed"}}
	for _, st := range slices.Concat(sunshine.OpenStatuses, sunshine.ClosedStatuses) {
		d.Statuses = append(d.Statuses, dashOption{string(st), strings.ReplaceAll(string(st), "_", " "), string(st) == d.Status})
	}
	if page := c.Query("page"); page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 || n > 1000 {
			s.fail(c, sunshine.FieldInvalid("page", "must be a page number"))
			return
		}
		f.Offset = (n - 1) * searchPageSize
	}
	if d.Q != "" {
		hits, more, err := s.store.Search(ctxOf(c), f)
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Searched = true
		d.From = f.Offset + 1
		for _, h := range hits {
			sh := searchHit{Kind: h.Kind, Path: h.Path(), RequestTitle: h.RequestTitle, Title: h.OwnTitle(),
				AgencyName: h.AgencyName, Status: sunshine.Status(h.RequestStatus), On: h.On,
				// The store HTML-escapes the snippet and adds only <mark>.
				Snippet: template.HTML(h.SnippetHTML)}
			if h.DocumentID != nil {
				sh.DocumentID = *h.DocumentID
			}
			d.Hits = append(d.Hits, sh)
		}
		link := func(page int) string {
			v := url.Values{"q": {d.Q}}
			for k, val := range map[string]string{"status": d.Status, "from": d.After, "to": d.Before} {
				if val != "" {
					v.Set(k, val)
				}
			}
			if page > 1 {
				v.Set("page", strconv.Itoa(page))
			}
			return "/search?" + v.Encode()
		}
		page := f.Offset/searchPageSize + 1
		if page > 1 {
			d.Prev = link(page - 1)
		}
		if more {
			d.Next = link(page + 1)
		}
		alerts, err := s.store.SearchAlerts(ctxOf(c))
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Alert = sameWords(alerts, d.Q)
	}
	title := "Search"
	if d.Q != "" {
		title = "Search: " + d.Q
	}
	s.render(c, status, "search", title, d)
}

// sameWords is the alert for words q, as an alert keeps them (spaces
// collapsed, any letter case), or nil.
func sameWords(alerts []*sunshine.SearchAlert, q string) *sunshine.SearchAlert {
	q = strings.Join(strings.Fields(q), " ")
	for _, a := range alerts {
		if strings.EqualFold(a.Q, q) {
			return a
		}
	}
	return nil
}
