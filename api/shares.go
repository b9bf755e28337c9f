package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// A request's shared page (store.ShareRequest): a read-only page for
// people without an account. GET says whether the request has one; staff
// make it (PUT, keeping a link already sent unless renew) and stop it
// (DELETE), and mark the documents it shows (PUT /documents/{id}/shared).

type shareJSON struct {
	Shared bool `json:"shared"`
	// URL is the page's address, for those who may share it (staff and
	// admins); null for viewers and when not shared.
	URL       *string    `json:"url"`
	CreatedAt *time.Time `json:"created_at"`
	CreatedBy *string    `json:"created_by"` // a name
	// ExpiresOn is the link's last day, null for none; Expired, that it
	// has passed.
	ExpiresOn *deadline.Date `json:"expires_on"`
	Expired   bool           `json:"expired"`
}

// sharedLink is how the API reads and makes one kind of shared link: a
// request's shared page or its group's status board.
type sharedLink struct {
	path string // the page's address under /shared/
	of   func(ctx context.Context, requestID string) (*store.Share, error)
	make func(ctx context.Context, requestID string, renew bool, last *deadline.Date) (string, error)
}

func (s *Server) pageLink() sharedLink {
	return sharedLink{"/shared/", s.store.ShareOf, s.store.ShareRequestUntil}
}

func (s *Server) boardLink() sharedLink {
	return sharedLink{"/shared/board/", s.store.GroupShareOf, s.store.ShareGroup}
}

func (s *Server) respondLink(c *gin.Context, status int, k sharedLink) {
	ctx := c.Request.Context()
	sh, err := k.of(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := shareJSON{}
	if sh != nil {
		out = shareJSON{Shared: true, CreatedAt: &sh.CreatedAt, CreatedBy: &sh.CreatedBy, ExpiresOn: sh.ExpiresOn, Expired: sh.Expired}
		if p, _ := sunshine.PrincipalFrom(ctx); p.Role.CanWrite() {
			url := s.cfg.BaseURL + k.path + sh.Token
			out.URL = &url
			c.Header("Cache-Control", "no-store") // the link opens the page to anyone
		}
	}
	c.JSON(status, out)
}

// putLink makes the link; {"renew": true} gives it a new token, and
// expires_on its last day (null: none). The body may be empty.
func (s *Server) putLink(c *gin.Context, k sharedLink) {
	var in struct {
		Renew     optional[bool]   `json:"renew"`
		ExpiresOn optional[string] `json:"expires_on"`
	}
	emptyBodyAsObject(c)
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	renew := set(&fe, "renew", in.Renew)
	var last deadline.Date
	if in.ExpiresOn.given(&fe, "expires_on") && !in.ExpiresOn.Null {
		if last = fe.date("expires_on", &in.ExpiresOn.Value); last.IsZero() && in.ExpiresOn.Value == "" {
			fe.add("expires_on", "must be a date YYYY-MM-DD, or null for none")
		}
	}
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	var until *deadline.Date
	if in.ExpiresOn.Set {
		until = &last // the zero Date (null) clears it
	}
	if _, err := k.make(c.Request.Context(), c.Param("id"), renew != nil && *renew, until); err != nil {
		fail(c, err)
		return
	}
	s.respondLink(c, http.StatusOK, k)
}

func (s *Server) handleShareGet(c *gin.Context) { s.respondLink(c, http.StatusOK, s.pageLink()) }

// handleSharePut makes the request's shared page (putLink).
func (s *Server) handleSharePut(c *gin.Context) { s.putLink(c, s.pageLink()) }

func (s *Server) handleShareDelete(c *gin.Context) {
	if err := s.store.StopSharing(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleDocumentShared marks a document to show on its request's shared
// page, or not: {"shared": true}. An email cannot be (400 naming shared).
func (s *Server) handleDocumentShared(c *gin.Context) {
	var in struct {
		Shared optional[bool] `json:"shared"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	shared := set(&fe, "shared", in.Shared)
	if shared == nil && len(fe) == 0 {
		fe.add("shared", "is required: true to show the document on the shared page, false to hide it")
	}
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	d, err := s.store.SetDocumentShared(c.Request.Context(), c.Param("id"), *shared)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// A group's status board (store.ShareGroup): a read-only page of every
// request of the group, asked and made from any of them, as the shared
// page. A request filed alone is a 409.

func (s *Server) handleBoardGet(c *gin.Context) { s.respondLink(c, http.StatusOK, s.boardLink()) }

func (s *Server) handleBoardPut(c *gin.Context) { s.putLink(c, s.boardLink()) }

func (s *Server) handleBoardDelete(c *gin.Context) {
	if err := s.store.StopSharingGroup(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
