package api

import (
	"errors"
	"net/http"

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
	Due          deadline.Date `json:"due"`
	Steps        []string      `json:"steps"`
}

// handleDeadline is the public calculator: GET /api/v1/deadline?jurisdiction=&received=&extended=.
func (s *Server) handleDeadline(c *gin.Context) {
	q := newQuery(c, "jurisdiction", "received", "extended")
	code, rawReceived := q.one("jurisdiction"), q.one("received")
	received := q.errs.date("received", &rawReceived)
	extended := q.boolean("extended")
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
	res, err := j.Compute(received, deadline.Options{Extended: extended})
	if err != nil {
		fail(c, engineError(err))
		return
	}
	c.JSON(http.StatusOK, calculatorJSON{Jurisdiction: j.Code, Law: lawOf(j), Received: received,
		Extended: extended, Due: res.Due, Steps: res.Explain()})
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

type jurisdictionJSON struct {
	Code          string         `json:"code"`
	Region        string         `json:"region"`
	Law           string         `json:"law"`
	ShortName     string         `json:"short_name"`
	Citation      string         `json:"citation"`
	Period        *int           `json:"period"`
	Unit          *string        `json:"unit"`
	NoDeadline    *string        `json:"no_deadline"`
	Extension     *extensionJSON `json:"extension"`
	NoExtension   *string        `json:"no_extension"`
	Tolls         bool           `json:"tolls"`
	TimeZone      string         `json:"time_zone"`
	Source        string         `json:"source"`
	Notes         []string       `json:"notes"`
	EffectiveFrom deadline.Date  `json:"effective_from"`
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
			NoDeadline: strPtr(j.NoDeadline), Tolls: j.Tolls, TimeZone: j.TimeZone, Source: j.Source,
			Notes: j.Notes, EffectiveFrom: j.EffectiveFrom}
		if v.Notes == nil {
			v.Notes = []string{}
		}
		if j.HasDeadline() {
			period, unit := j.Period, string(j.Unit)
			v.Period, v.Unit = &period, &unit
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
