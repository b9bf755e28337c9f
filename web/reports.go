package web

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// recordsFilter is the Agency records page's form; its CSV download takes
// the same query parameters.
type recordsFilter struct {
	From, To     string // received_from, received_to as typed (YYYY-MM-DD)
	Jurisdiction string
	Sort         string // recordSorts' keys
}

// recordSort is one of the page's orders.
type recordSort struct {
	Key, Label string
	cmp        func(a, b *sunshine.AgencyRecord) int
}

// recordSorts are the page's orders, the default first.
var recordSorts = []recordSort{
	{"requests", "Most requests first", func(a, b *sunshine.AgencyRecord) int { return cmp.Compare(b.Filed, a.Filed) }},
	{"on_time", "Least on time first", func(a, b *sunshine.AgencyRecord) int {
		pa, oka := a.OnTimePercent()
		pb, okb := b.OnTimePercent()
		switch {
		case oka && !okb: // the measured first
			return -1
		case !oka && okb:
			return 1
		}
		return cmp.Compare(pa, pb)
	}},
	{"name", "By name", func(a, b *sunshine.AgencyRecord) int { return 0 }},
}

var recordsParams = []string{"received_from", "received_to", "jurisdiction", "sort"}

// parseRecordsFilter reads the page's query: every bad value a field error.
func parseRecordsFilter(c *gin.Context) (recordsFilter, sunshine.RecordFilter, map[string]string) {
	f := recordsFilter{From: strings.TrimSpace(c.Query("received_from")), To: strings.TrimSpace(c.Query("received_to")),
		Jurisdiction: strings.TrimSpace(c.Query("jurisdiction")), Sort: strings.TrimSpace(c.Query("sort"))}
	if f.Sort == "" {
		f.Sort = recordSorts[0].Key
	}
	errs := map[string]string{}
	if unknown := unknownParams(c, recordsParams); unknown != "" {
		errs["_"] = unknown + " is not a filter of this page; use the form's filters (dates, law, order)"
	}
	rf := sunshine.RecordFilter{Jurisdiction: f.Jurisdiction}
	date := func(field, v string, to *deadline.Date) {
		if v == "" {
			return
		}
		d, err := deadline.ParseDate(v)
		if err != nil {
			errs[field] = quote(v) + " is not a date: give it as YYYY-MM-DD"
			return
		}
		*to = d
	}
	date("received_from", f.From, &rf.ReceivedFrom)
	date("received_to", f.To, &rf.ReceivedTo)
	if !slices.ContainsFunc(recordSorts, func(s recordSort) bool { return s.Key == f.Sort }) {
		errs["sort"] = "unknown order " + quote(f.Sort) + "; choose one from the list"
	}
	if err := rf.Validate(); err != nil {
		for field, msg := range fieldErrors(err) {
			switch field {
			case "jurisdiction":
				msg = "unknown law " + quote(f.Jurisdiction) + "; choose a law from the list"
			case "received_to":
				msg = "must not be before the date received from"
			}
			errs[field] = msg
		}
	}
	return f, rf, errs
}

// values is the filter as query parameters; the default order goes
// without saying.
func (f recordsFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"received_from": f.From, "received_to": f.To, "jurisdiction": f.Jurisdiction, "sort": f.Sort} {
		if s != "" && !(k == "sort" && s == recordSorts[0].Key) {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter is set (the order is none).
func (f recordsFilter) Active() bool { return f.From != "" || f.To != "" || f.Jurisdiction != "" }

type recordsData struct {
	Filter    recordsFilter
	Periods   []periodLink
	Errors    map[string]string
	Laws      []dashOption
	Sorts     []dashOption
	Rows      []recordView // nil when the filters are wrong
	Total     recordView
	ExportURL string
}

// periodLink is a ready-made period of receipt dates, keeping the other
// filters; Current when it is the one shown.
type periodLink struct {
	Label, URL string
	Current    bool
}

// periods are the usual periods of a report, as of today: this year so
// far, the last 12 months, last year, and all time.
func (f recordsFilter) periods(today deadline.Date) []periodLink {
	year := today.Year()
	jan1 := func(y int) deadline.Date { d, _ := deadline.NewDate(y, time.January, 1); return d }
	var out []periodLink
	for _, p := range []struct {
		label    string
		from, to deadline.Date
	}{
		{"This year", jan1(year), deadline.Date{}},
		{"Last 12 months", today.AddDays(-364), deadline.Date{}},
		{strconv.Itoa(year - 1), jan1(year - 1), jan1(year).AddDays(-1)},
		{"All time", deadline.Date{}, deadline.Date{}},
	} {
		g := f
		g.From, g.To = "", ""
		if !p.from.IsZero() {
			g.From = p.from.String()
		}
		if !p.to.IsZero() {
			g.To = p.to.String()
		}
		u := "/reports/agencies"
		if v := g.values(); len(v) > 0 {
			u += "?" + v.Encode()
		}
		out = append(out, periodLink{p.label, u, g.From == f.From && g.To == f.To})
	}
	return out
}

// recordView is an agency's record (or the total) as the pages show it.
type recordView struct {
	*sunshine.AgencyRecord
	Law string // its label
	// OnTime ("60%") and Median ("9 days") are "" where there is none.
	OnTime, Median string
	// The statutory-date outcomes; Measured is met and missed.
	Met, Measured, MissedWaiting, Pending, NotMeasured int
	// Ended are its closed requests by status ("3 fulfilled"); Requests
	// links the Requests page with the agency's requests.
	Ended    []string
	Requests string
	// Exemptions are the ones cited on the most requests, and MedianFee
	// the median fee asked ("$45.50", "" for none) (the agency page shows
	// them).
	Exemptions []sunshine.ExemptionCount
	MedianFee  string
}

// endedWords name the closed statuses in a record.
var endedWords = map[sunshine.Status]string{sunshine.StatusFulfilled: "fulfilled", sunshine.StatusPartiallyGranted: "partly granted",
	sunshine.StatusDenied: "denied", sunshine.StatusNoRecords: "no records", sunshine.StatusWithdrawn: "withdrawn",
	sunshine.StatusAbandoned: "abandoned"}

func viewRecord(a *sunshine.AgencyRecord) recordView {
	o := a.Outcomes
	v := recordView{AgencyRecord: a, Met: o[sunshine.DateMet], Measured: a.Measured(),
		MissedWaiting: o[sunshine.DateMissedWaitingOnUs], Pending: o[sunshine.DatePending], NotMeasured: o[sunshine.DateNotMeasured],
		Exemptions: a.TopExemptions(5)}
	for _, st := range sunshine.ClosedStatuses {
		if n := a.Closed[st]; n > 0 {
			v.Ended = append(v.Ended, strconv.Itoa(n)+" "+endedWords[st])
		}
	}
	if a.Jurisdiction != "" {
		v.Law = lawLabel(a.Jurisdiction)
	}
	if pct, ok := a.OnTimePercent(); ok {
		v.OnTime = strconv.Itoa(pct) + "%"
	}
	if c, ok := a.MedianFee(); ok {
		v.MedianFee = "$" + sunshine.FormatCents(c)
	}
	if n, ok := a.MedianResponseDays(); ok {
		v.Median = strconv.Itoa(n) + " days"
		if n == 1 {
			v.Median = "1 day"
		}
	}
	if a.AgencyID != "" {
		v.Requests = "/requests?" + url.Values{"agency_id": {a.AgencyID}, "status": {"any"}}.Encode()
	}
	return v
}

// handleAgencyRecords is GET /reports/agencies: how each agency answers
// the organization's requests.
func (s *Server) handleAgencyRecords(c *gin.Context) {
	ctx := ctxOf(c)
	f, rf, errs := parseRecordsFilter(c)
	d := &recordsData{Filter: f, Errors: errs, Periods: f.periods(s.orgToday(c))}
	var err error
	if d.Laws, err = s.lawOptions(ctx, f.Jurisdiction); err != nil {
		s.fail(c, err)
		return
	}
	for _, o := range recordSorts {
		d.Sorts = append(d.Sorts, dashOption{o.Key, o.Label, o.Key == f.Sort})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	} else {
		rep, err := s.store.AgencyRecords(ctx, rf)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, o := range recordSorts {
			if o.Key == f.Sort {
				slices.SortStableFunc(rep.Agencies, o.cmp) // stable: by name within a tie
			}
		}
		d.Rows = make([]recordView, len(rep.Agencies))
		for i, a := range rep.Agencies {
			d.Rows[i] = viewRecord(a)
		}
		d.Total = viewRecord(rep.Total)
		d.ExportURL = "/export/agency-records.csv"
		if v := f.values(); len(v) > 0 {
			d.ExportURL += "?" + v.Encode()
		}
	}
	s.render(c, status, "reports", "Agency records", d)
}

// handleAgencyRecordsCSV is GET /export/agency-records.csv: the page's
// records as a spreadsheet, with the page's filters.
func (s *Server) handleAgencyRecordsCSV(c *gin.Context) {
	_, rf, errs := parseRecordsFilter(c)
	if len(errs) > 0 {
		msgs := slices.Sorted(maps.Values(errs))
		s.fail(c, sunshine.Errorf(sunshine.EInvalid, "%s", strings.Join(msgs, "; ")))
		return
	}
	rep, err := s.store.AgencyRecords(ctxOf(c), rf)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="agency-records.csv"`)
	c.Status(http.StatusOK)
	_ = sunshine.WriteRecordCSV(c.Writer, rep)
}
