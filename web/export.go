package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// handleExportCSV streams GET /export/requests.csv: every request that
// matches the filters of the dashboard or the Requests page (open ones
// unless the status filter says otherwise), one page of the database at a
// time, every page from one snapshot (a request edited meanwhile is in the
// file once), in the same columns as the API's GET /api/v1/requests.csv.
func (s *Server) handleExportCSV(c *gin.Context) {
	lf, err := parseListFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := lf.request(s.csvPage)
	f.WithStatusChangedOn = true // status_on of requests whose status only the timeline dates
	ctx := ctxOf(c)
	err = s.store.Snapshot(ctx, func(st *store.Store) error {
		rs, next, err := st.FindRequests(ctx, f)
		if err != nil {
			return err
		}
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="requests.csv"`)
		c.Header("Cache-Control", "no-store")
		c.Status(http.StatusOK)
		// A byte order mark, so Excel opening the file with a double-click
		// reads UTF-8 ("Pérez", "2025–2026") rather than the system code page.
		// (The API's export has none: programs read it.)
		_, _ = c.Writer.WriteString(sunshine.UTF8BOM)
		return sunshine.WriteCSV(c.Writer, st.Clock().Now(), rs, next,
			func(after string) ([]*sunshine.Request, string, error) {
				f.After = after
				return st.FindRequests(ctx, f)
			})
	})
	switch {
	case err == nil:
	case !c.Writer.Written():
		s.fail(c, err)
	default:
		// The header is sent: end the body so the browser sees a broken download.
		_ = c.Error(err)
		s.log.Error("export requests", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// handleRequestZip downloads one request's archive, the API's file. A
// request of another organization (or none) is the pages' 404, before any
// byte of the archive is sent.
func (s *Server) handleRequestZip(c *gin.Context) {
	if s.cfg.RequestZip == nil {
		s.fail(c, sunshine.Errorf(sunshine.ENotFound, "no archive download on this server"))
		return
	}
	if _, err := s.store.FindRequestByID(ctxOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	s.cfg.RequestZip(c)
}

// handleOrgZip downloads the organization's whole archive, the API's file
// (admins).
func (s *Server) handleOrgZip(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	if s.cfg.OrgZip == nil {
		s.fail(c, sunshine.Errorf(sunshine.ENotFound, "no archive download on this server"))
		return
	}
	s.cfg.OrgZip(c)
}
