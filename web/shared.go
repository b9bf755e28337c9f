package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// A request's shared page (/shared/{token}): read-only, for people without
// an account, with the request's status and dates and the documents marked
// shared; staff make it, mark documents and stop it on the request page.
// The token in the address is the credential.

type sharedData struct {
	OrgName   string
	R         *sunshine.Request
	Law       string
	Token     string
	Letters   []store.SharedLetter
	Documents []*sunshine.Document
}

// noIndex keeps shared pages out of search engines: anyone with the link
// may read one, but nobody should find it by searching.
func noIndex(c *gin.Context) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
}

func (s *Server) handleSharedPage(c *gin.Context) {
	noIndex(c)
	v, err := s.store.SharedPage(ctxOf(c), c.Param("token"))
	if err != nil {
		s.sharedFail(c, err)
		return
	}
	d := sharedData{OrgName: v.OrgName, R: v.Request, Token: c.Param("token"), Letters: v.Letters, Documents: v.Documents}
	if law, err := deadline.Lookup(v.Request.Jurisdiction); err == nil {
		d.Law = law.Law + " (" + law.Region + ")"
	}
	s.render(c, http.StatusOK, "shared", v.Request.Title, d)
}

// handleSharedDownload serves a document of a shared page, marked shared,
// as the request page's downloads are served: an attachment, never shown
// inline.
func (s *Server) handleSharedDownload(c *gin.Context) {
	noIndex(c)
	d, err := s.store.SharedDocument(ctxOf(c), c.Param("token"), c.Param("id"))
	if err != nil {
		s.sharedFail(c, err)
		return
	}
	s.serveDocument(c, d)
}

// sharedFail answers a shared link that opens nothing with a page that
// says only that.
func (s *Server) sharedFail(c *gin.Context, err error) {
	if sunshine.ErrorCode(err) != sunshine.ENotFound {
		s.serverError(c, err)
		return
	}
	s.render(c, http.StatusNotFound, "error", "Not found", errorPage{
		Message: "This link opens nothing: it may have been replaced or stopped. Ask whoever sent it for a new one."})
}

// shareLink is a shared page's address.
func (s *Server) shareLink(c *gin.Context, token string) string {
	return strings.TrimRight(s.baseURL(c), "/") + "/shared/" + token
}

// handleShare makes the request's shared page (a page shared already
// keeps its link), or with renew=1 a new link for it (the old one stops
// working).
func (s *Server) handleShare(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	id, renew := c.Param("id"), c.PostForm("renew") == "1"
	if _, err := s.store.ShareRequest(ctxOf(c), id, renew); err != nil {
		s.fail(c, err)
		return
	}
	note := "The shared page is ready: copy its link below and send it to whoever should see it."
	if renew {
		note = "The shared page has a new link, below: the old one opens nothing."
	}
	s.redirectBack(c, "/requests/"+id+"#sharing", note)
}

// handleShareExpiry sets the last day the request's shared page opens,
// or clears it (an empty date).
func (s *Server) handleShareExpiry(c *gin.Context) {
	s.linkExpiry(c, linkForm{id: "share-expiry", what: "The shared page's link", place: "#sharing", set: s.store.SetShareExpiry,
		keep: func(d *requestPageData, f *reqForm) {
			if d.ShareExpiryForm != nil {
				d.ShareExpiryForm = f
			}
		}})
}

// linkForm is a form setting a shared link's last day: the request's
// shared page's, or its group's status board's.
type linkForm struct {
	id, what, place string
	set             func(ctx context.Context, requestID string, last deadline.Date) error
	// keep puts a refused form on the page shown again, where the page
	// has it (the link may have been stopped meanwhile).
	keep func(d *requestPageData, f *reqForm)
}

// linkExpiry sets or clears (an empty date) the last day of a link.
func (s *Server) linkExpiry(c *gin.Context, lf linkForm) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm(lf.id, c.Request.PostForm)
	last := f.parseDateField("expires_on")
	if f.HasErrors() {
		s.actionFailed(c, f, nil, lf.keep)
		return
	}
	if err := lf.set(ctxOf(c), c.Param("id"), last); err != nil {
		s.actionFailed(c, f, err, lf.keep)
		return
	}
	note := lf.what + " works until you stop sharing."
	if !last.IsZero() {
		note = lf.what + " works until " + last.Format("Mon 2 Jan 2006") + ", then opens nothing."
	}
	s.redirectBack(c, "/requests/"+c.Param("id")+lf.place, note)
}

// handleShareStop deletes the request's shared page.
func (s *Server) handleShareStop(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	id := c.Param("id")
	if err := s.store.StopSharing(ctxOf(c), id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, "/requests/"+id+"#sharing", "The request is no longer shared: its link opens nothing.")
}

// handleDocumentShared marks a document to show on its request's shared
// page, or not.
func (s *Server) handleDocumentShared(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	shared := c.PostForm("shared") == "on"
	d, err := s.store.SetDocumentShared(ctxOf(c), c.Param("id"), shared)
	if err != nil {
		if sunshine.ErrorCode(err) == sunshine.EInvalid {
			if doc, ferr := s.store.FindDocumentByID(ctxOf(c), c.Param("id")); ferr == nil {
				s.redirectBack(c, s.listedAt(ctxOf(c), doc, "/requests/"+doc.RequestID+"#documents"), sentence(fieldErrors(err)["shared"])+".")
				return
			}
		}
		s.fail(c, err)
		return
	}
	note := d.Filename + " no longer shows on the shared page."
	if shared {
		note = d.Filename + " shows on the shared page."
	}
	s.redirectBack(c, s.listedAt(ctxOf(c), d, "/requests/"+d.RequestID+"#documents"), note)
}
