package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// handleExportCSV streams GET /export/requests.csv: every request that
// matches the filters of the dashboard or the Requests page, one page of
// the database at a time, in the same columns as the API's
// GET /api/v1/requests.csv.
func (s *Server) handleExportCSV(c *gin.Context) {
	lf, err := parseListFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := lf.request(200)
	ctx := ctxOf(c)
	rs, next, err := s.store.FindRequests(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="requests.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	err = sunshine.WriteCSV(c.Writer, s.store.Clock().Now(), rs, next,
		func(after string) ([]*sunshine.Request, string, error) {
			f.After = after
			return s.store.FindRequests(ctx, f)
		})
	if err != nil {
		// The header is sent: end the body so the browser sees a broken download.
		_ = c.Error(err)
		s.log.Error("export requests", "err", err)
		panic(http.ErrAbortHandler)
	}
}
