package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// lawJSON names a law in responses.
type lawJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Citation  string `json:"citation"`
}

func lawOf(j *deadline.Jurisdiction) lawJSON {
	return lawJSON{Code: j.Code, Name: j.Law, ShortName: j.ShortName, Citation: j.Citation}
}

type calculatorJSON struct {
	Jurisdiction string        `json:"jurisdiction"`
	Law          lawJSON       `json:"law"`
	Received     deadline.Date `json:"received"`
	Extended     bool          `json:"extended"`
	Closed       []closedJSON  `json:"closed"`
	Due          deadline.Date `json:"due"`
	Steps        []string      `json:"steps"`
}

// closedJSON is an office closure day the calculator was asked to skip.
type closedJSON struct {
	Date   deadline.Date `json:"date"`
	Reason string        `json:"reason"`
}

// maxCalculatorClosures bounds the closure days one calculation takes.
const maxCalculatorClosures = 100

// closures reads the repeatable closed=DATE[:REASON] parameter: days the
// agency's office was closed, as the CLI's --closed takes them.
func (q *query) closures(name string) []sunshine.Closure {
	vs := q.c.QueryArray(name)
	if len(vs) > maxCalculatorClosures {
		q.errs.add(name, "must be given at most %d times", maxCalculatorClosures)
		return nil
	}
	out := make([]sunshine.Closure, 0, len(vs))
	seen := map[deadline.Date]bool{}
	for _, v := range vs {
		day, reason, _ := strings.Cut(v, ":")
		on, err := deadline.ParseDate(day)
		if err != nil {
			q.errs.add(name, "%q is not YYYY-MM-DD or YYYY-MM-DD:REASON", v)
			continue
		}
		if seen[on] {
			q.errs.add(name, "%s is given twice", on)
			continue
		}
		seen[on] = true
		cl := sunshine.Closure{ClosedOn: on, Reason: strings.TrimSpace(reason)}
		if cl.Reason != "" { // optional here, checked as an agency's
			var invalid *sunshine.Error
			if errors.As(cl.Validate(), &invalid) {
				q.errs.add(name, "the reason for %s %s", on, invalid.Fields[0].Message)
				continue
			}
		}
		out = append(out, cl)
	}
	return out
}

// handleDeadline is the public calculator: GET /api/v1/deadline?jurisdiction=&received=&extended=.
func (s *Server) handleDeadline(c *gin.Context) {
	q := newQuery(c, "jurisdiction", "received", "extended", "closed")
	code, rawReceived := q.one("jurisdiction"), q.one("received")
	received := q.errs.date("received", &rawReceived)
	extended := q.boolean("extended")
	closed := q.closures("closed")
	if code == "" {
		q.errs.add("jurisdiction", "is required (see GET /api/v1/jurisdictions)")
	}
	if rawReceived == "" {
		q.errs.add("received", "is required (YYYY-MM-DD)")
	}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	j, err := deadline.Lookup(code)
	if err != nil {
		fail(c, sunshine.FieldInvalid("jurisdiction", "unknown jurisdiction %q (see GET /api/v1/jurisdictions)", code))
		return
	}
	opts := deadline.Options{Extended: extended}
	echoed := make([]closedJSON, len(closed))
	for i, cl := range closed {
		opts.Closures = append(opts.Closures, cl.Holiday())
		echoed[i] = closedJSON{Date: cl.ClosedOn, Reason: cl.Reason}
	}
	res, err := j.Compute(received, opts)
	if err != nil {
		fail(c, engineError(err))
		return
	}
	c.JSON(http.StatusOK, calculatorJSON{Jurisdiction: j.Code, Law: lawOf(j), Received: received,
		Extended: extended, Closed: echoed, Due: res.Due, Steps: res.Explain()})
}

// engineError maps a deadline engine refusal to a 422 naming the field.
func engineError(err error) error {
	field := "received"
	if errors.Is(err, deadline.ErrNoExtension) {
		field = "extended"
	}
	return &sunshine.Error{Code: sunshine.EUnprocessable, Message: err.Error(),
		Fields: []sunshine.FieldError{{Field: field, Message: err.Error()}}}
}

type extensionJSON struct {
	Days     int    `json:"days"`
	Unit     string `json:"unit"`
	From     string `json:"from"`
	Citation string `json:"citation"`
}

type electronicReceiptJSON struct {
	BusinessDays int    `json:"business_days"`
	Citation     string `json:"citation"`
}

type jurisdictionJSON struct {
	Code        string         `json:"code"`
	Region      string         `json:"region"`
	Law         string         `json:"law"`
	ShortName   string         `json:"short_name"`
	Citation    string         `json:"citation"`
	Period      *int           `json:"period"`
	Unit        *string        `json:"unit"`
	NoDeadline  *string        `json:"no_deadline"`
	Extension   *extensionJSON `json:"extension"`
	NoExtension *string        `json:"no_extension"`
	// ElectronicReceipt: where the law fixes when an e-mailed or faxed
	// request counts as received (Michigan); null elsewhere.
	ElectronicReceipt *electronicReceiptJSON `json:"electronic_receipt"`
	// MetByAcknowledgment: an acknowledgment meets the period (New York,
	// Washington); an acknowledged request then follows the agency's estimate.
	MetByAcknowledgment bool `json:"met_by_acknowledgment"`
	// MetByClarificationRequest cites why the agency's request for
	// clarification is a first response too (Washington); null elsewhere.
	MetByClarificationRequest *string       `json:"met_by_clarification_request"`
	Tolls                     bool          `json:"tolls"`
	TimeZone                  string        `json:"time_zone"`
	Source                    string        `json:"source"`
	Notes                     []string      `json:"notes"`
	EffectiveFrom             deadline.Date `json:"effective_from"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) handleJurisdictions(c *gin.Context) {
	if err := newQuery(c).err(); err != nil {
		fail(c, err)
		return
	}
	var out []jurisdictionJSON
	for _, j := range deadline.Jurisdictions() {
		v := jurisdictionJSON{Code: j.Code, Region: j.Region, Law: j.Law, ShortName: j.ShortName, Citation: j.Citation,
			NoDeadline: strPtr(j.NoDeadline), MetByAcknowledgment: j.MetByAcknowledgment,
			MetByClarificationRequest: strPtr(j.ClarificationCitation), Tolls: j.Tolls, TimeZone: j.TimeZone, Source: j.Source,
			Notes: j.Notes, EffectiveFrom: j.EffectiveFrom}
		if v.Notes == nil {
			v.Notes = []string{}
		}
		if j.HasDeadline() {
			period, unit := j.Period, string(j.Unit)
			v.Period, v.Unit = &period, &unit
		}
		if j.ElectronicReceipt > 0 {
			v.ElectronicReceipt = &electronicReceiptJSON{BusinessDays: j.ElectronicReceipt, Citation: j.ElectronicReceiptCitation}
		}
		if e := j.Extension; e != nil {
			v.Extension = &extensionJSON{Days: e.Days, Unit: string(e.Unit), From: e.From, Citation: e.Citation}
		} else {
			v.NoExtension = strPtr(j.NoExtension)
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, newPage(out, ""))
}
