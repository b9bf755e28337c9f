package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// A group's status board (/shared/board/{token}): read-only, for people
// without an account, with each agency's request of the group, its status
// and dates and the documents marked shared; staff make and stop it from
// any request of the group. The token in the address is the credential.

type boardData struct {
	OrgName, Title, Token string
	Group                 *groupPanel
	// Documents are each row's documents, in the rows' order.
	Documents [][]*sunshine.Document
}

func (s *Server) handleBoardPage(c *gin.Context) {
	noIndex(c)
	v, err := s.store.GroupBoard(ctxOf(c), c.Param("token"))
	if err != nil {
		s.sharedFail(c, err)
		return
	}
	d := boardData{OrgName: v.OrgName, Title: v.Title, Token: c.Param("token")}
	var rs []*sunshine.Request
	for _, row := range v.Rows {
		rs = append(rs, row.Request)
		d.Documents = append(d.Documents, row.Documents)
	}
	d.Group = newGroupPanel(rs, s.store.Clock().Now())
	s.render(c, http.StatusOK, "board", v.Title, d)
}

// boardCSVHeader are the columns of a status board's spreadsheet: what
// its page shows, one row an agency, for a newsroom's chart.
var boardCSVHeader = []string{"agency", "law", "status", "sent_on", "received_on", "due_on", "days_overdue", "closed_on", "documents_shared"}

// handleBoardCSV downloads a status board as CSV, with a byte order mark
// for Excel, as the Requests page's export.
func (s *Server) handleBoardCSV(c *gin.Context) {
	noIndex(c)
	v, err := s.store.GroupBoard(ctxOf(c), c.Param("token"))
	if err != nil {
		s.sharedFail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="status-board.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString(sunshine.UTF8BOM)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(boardCSVHeader)
	now := s.store.Clock().Now()
	for _, row := range v.Rows {
		r := row.Request
		due, overdue := "", ""
		if r.Status.Open() {
			due = r.FollowOn().String()
			if today := r.Today(now); r.Overdue(today) {
				overdue = strconv.Itoa(r.EffectiveDueOn().DaysUntil(today))
			}
		}
		rec := []string{r.AgencyName, lawLabel(r.Jurisdiction), string(r.Status), r.SentOn.String(), r.ReceivedOn.String(),
			due, overdue, r.ClosedOn.String(), strconv.Itoa(len(row.Documents))}
		for i := range rec {
			rec[i] = sunshine.CSVSafe(rec[i])
		}
		_ = w.Write(rec)
	}
	w.Flush()
}

// handleBoardDownload serves a document of a status board, marked shared,
// as every download is served.
func (s *Server) handleBoardDownload(c *gin.Context) {
	noIndex(c)
	d, err := s.store.GroupBoardDocument(ctxOf(c), c.Param("token"), c.Param("id"))
	if err != nil {
		s.sharedFail(c, err)
		return
	}
	s.serveDocument(c, d)
}

// handleBoard makes the status board of the request's group (renew=1: a
// new link).
func (s *Server) handleBoard(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	id, renew := c.Param("id"), c.PostForm("renew") == "1"
	if _, err := s.store.ShareGroup(ctxOf(c), id, renew, nil); err != nil {
		s.fail(c, err)
		return
	}
	note := "The status board is ready: copy its link below and send it to whoever should see it."
	if renew {
		note = "The status board has a new link, below: the old one opens nothing."
	}
	s.redirectBack(c, requestPath(id)+"#group", note)
}

// handleBoardExpiry sets or clears the last day of the group's status
// board.
func (s *Server) handleBoardExpiry(c *gin.Context) {
	s.linkExpiry(c, linkForm{id: "board-expiry", what: "The status board's link", place: "#group", set: s.store.SetBoardExpiry,
		keep: func(d *requestPageData, f *reqForm) {
			if d.BoardExpiryForm != nil {
				d.BoardExpiryForm = f
			}
		}})
}

// handleBoardStop deletes the status board of the request's group.
func (s *Server) handleBoardStop(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	id := c.Param("id")
	if err := s.store.StopSharingGroup(ctxOf(c), id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, requestPath(id)+"#group", "The status board is no longer shared: its link opens nothing.")
}
