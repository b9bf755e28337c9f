package web

import (
	"net/http"

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
	if _, err := s.store.ShareGroup(ctxOf(c), id, renew); err != nil {
		s.fail(c, err)
		return
	}
	note := "The status board is ready: copy its link below and send it to whoever should see it."
	if renew {
		note = "The status board has a new link, below: the old one opens nothing."
	}
	s.redirectBack(c, requestPath(id)+"#group", note)
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
