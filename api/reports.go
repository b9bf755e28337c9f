package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// recordJSON is an agency's record, or the total of all, as the API and
// the CSV download give it.
type recordJSON struct {
	AgencyID           *string                      `json:"agency_id,omitempty"`
	AgencyName         *string                      `json:"agency_name,omitempty"`
	Jurisdiction       *string                      `json:"jurisdiction,omitempty"`
	Filed              int                          `json:"filed"`
	Open               int                          `json:"open"`
	Overdue            int                          `json:"overdue"`
	Responded          int                          `json:"responded"`
	MedianResponseDays *int                         `json:"median_days_to_first_response"`
	OnTimePercent      *int                         `json:"on_time_percent"`
	StatutoryDate      map[sunshine.DateOutcome]int `json:"statutory_date"`
	Closed             map[sunshine.Status]int      `json:"closed"`
	Exemptions         []sunshine.ExemptionCount    `json:"exemptions_cited"`
	FeeEstimates       int                          `json:"fee_estimates"`
	MedianFee          *string                      `json:"median_fee"`
}

// topExemptions is how many of an agency's most cited exemptions a record
// lists.
const topExemptions = 10

// toRecordJSON is a's record as JSON: agency fields only for an agency's.
func toRecordJSON(a *sunshine.AgencyRecord) recordJSON {
	out := recordJSON{Filed: a.Filed, Open: a.Open, Overdue: a.Overdue, Responded: a.Responded,
		StatutoryDate: map[sunshine.DateOutcome]int{}, Closed: map[sunshine.Status]int{}, Exemptions: a.TopExemptions(topExemptions)}
	if a.AgencyID != "" {
		out.AgencyID, out.AgencyName, out.Jurisdiction = &a.AgencyID, &a.AgencyName, &a.Jurisdiction
	}
	if n, ok := a.MedianResponseDays(); ok {
		out.MedianResponseDays = &n
	}
	if n, ok := a.OnTimePercent(); ok {
		out.OnTimePercent = &n
	}
	out.FeeEstimates = a.FeeEstimates
	if c, ok := a.MedianFee(); ok {
		fee := sunshine.FormatCents(c)
		out.MedianFee = &fee
	}
	// Every key, zeros too: a reader's table has every column.
	for _, o := range sunshine.DateOutcomes {
		out.StatutoryDate[o] = a.Outcomes[o]
	}
	for _, st := range sunshine.ClosedStatuses {
		out.Closed[st] = a.Closed[st]
	}
	return out
}

type recordReportJSON struct {
	AsOf         time.Time      `json:"as_of"`
	ReceivedFrom *deadline.Date `json:"received_from"`
	ReceivedTo   *deadline.Date `json:"received_to"`
	Jurisdiction *string        `json:"jurisdiction"`
	AgencyID     *string        `json:"agency_id"`
	Agencies     []recordJSON   `json:"agencies"`
	Total        recordJSON     `json:"total"`
}

// recordFilterParams are the filters of GET /reports/agencies.
var recordFilterParams = []string{"received_from", "received_to", "jurisdiction", "agency_id"}

// recordFilter reads recordFilterParams.
func (q *query) recordFilter() sunshine.RecordFilter {
	f := sunshine.RecordFilter{ReceivedFrom: q.date("received_from"), ReceivedTo: q.date("received_to"), AgencyID: q.id("agency_id")}
	if laws := q.jurisdictions("jurisdiction"); len(laws) > 1 {
		q.errs.add("jurisdiction", "must be given once")
	} else if len(laws) == 1 {
		f.Jurisdiction = laws[0]
	}
	return f
}

// agencyRecords reads the filters and adds up the records they pick;
// false when it answered with an error.
func (s *Server) agencyRecords(c *gin.Context) (sunshine.RecordFilter, *sunshine.RecordReport, bool) {
	q := newQuery(c, recordFilterParams...)
	f := q.recordFilter()
	if err := q.err(); err != nil {
		fail(c, err)
		return f, nil, false
	}
	ctx := c.Request.Context()
	if f.AgencyID != "" {
		// Another organization's agency is a 404, as everywhere.
		if _, err := s.store.FindAgencyByID(ctx, f.AgencyID); err != nil {
			fail(c, err)
			return f, nil, false
		}
	}
	rep, err := s.store.AgencyRecords(ctx, f)
	if err != nil {
		fail(c, err)
		return f, nil, false
	}
	return f, rep, true
}

// handleAgencyRecordsCSV serves GET /api/v1/reports/agencies.csv: the
// records as a spreadsheet, the total last.
func (s *Server) handleAgencyRecordsCSV(c *gin.Context) {
	_, rep, ok := s.agencyRecords(c)
	if !ok {
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="agency-records.csv"`)
	c.Status(http.StatusOK)
	_ = sunshine.WriteRecordCSV(c.Writer, rep)
}

// handleAgencyRecords serves GET /api/v1/reports/agencies: each agency's
// record over the organization's filed requests the filters pick.
func (s *Server) handleAgencyRecords(c *gin.Context) {
	f, rep, ok := s.agencyRecords(c)
	if !ok {
		return
	}
	out := recordReportJSON{AsOf: s.store.Clock().Now().UTC(), Agencies: make([]recordJSON, 0, len(rep.Agencies)), Total: toRecordJSON(rep.Total)}
	if !f.ReceivedFrom.IsZero() {
		out.ReceivedFrom = &f.ReceivedFrom
	}
	if !f.ReceivedTo.IsZero() {
		out.ReceivedTo = &f.ReceivedTo
	}
	if f.Jurisdiction != "" {
		out.Jurisdiction = &f.Jurisdiction
	}
	if f.AgencyID != "" {
		out.AgencyID = &f.AgencyID
	}
	for _, a := range rep.Agencies {
		out.Agencies = append(out.Agencies, toRecordJSON(a))
	}
	c.JSON(http.StatusOK, out)
}
