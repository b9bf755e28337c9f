package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// exportHeader and exportRow match the API's GET /api/v1/requests.csv
// (api/export.go); web does not import api, so the logic is kept here too.
var exportHeader = []string{"id", "title", "agency", "jurisdiction", "status", "received_on", "due_on", "extended",
	"days_overdue", "tracking_number", "assignee", "last_communication_on", "closed_on"}

// handleExportCSV streams GET /export/requests.csv: every request that
// matches the dashboard's filters, one page of the database at a time.
func (s *Server) handleExportCSV(c *gin.Context) {
	df, err := parseDashFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, _ := df.request(nil)
	f.Q = strings.TrimSpace(c.Query("q"))
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
	w := csv.NewWriter(c.Writer)
	_ = w.Write(exportHeader)
	now := s.store.Clock().Now()
	for {
		for _, r := range rs {
			_ = w.Write(exportRow(r, deadline.Today(now, (&sunshine.Agency{TimeZone: r.TimeZone}).Location())))
		}
		w.Flush()
		if next == "" || w.Error() != nil {
			break
		}
		f.After = next
		if rs, next, err = s.store.FindRequests(ctx, f); err != nil {
			// The header is sent: end the body so the browser sees a broken download.
			_ = c.Error(err)
			s.log.Error("export requests", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

func exportRow(r *sunshine.Request, today deadline.Date) []string {
	overdue := ""
	if r.Overdue(today) {
		overdue = strconv.Itoa(r.EffectiveDueOn().DaysUntil(today))
	}
	assignee := ""
	if r.AssigneeEmail != nil {
		assignee = *r.AssigneeEmail
	}
	row := []string{r.ID, r.Title, r.AgencyName, r.Jurisdiction, string(r.Status), r.ReceivedOn.String(),
		r.EffectiveDueOn().String(), strconv.FormatBool(r.Extended), overdue, r.TrackingNumber, assignee,
		r.LastCommunicationOn.String(), r.ClosedOn.String()}
	for i, v := range row {
		row[i] = exportSafe(v)
	}
	return row
}

// exportSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): text that starts with = + - @ tab or CR gets a quote.
func exportSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "'" + v
		}
	}
	return v
}
