package sunshine

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// An agency's record is what its requests say of how it answers: how many
// were answered by the law's date, how long the first response took, how
// they ended. Advocacy groups publish such figures ("the sheriff missed the
// CPRA deadline in 8 of 10 requests"), so each is counted by a rule a
// reader can check (docs/api.md, "Agency records").

// AnswerKinds are the communications from the agency that answer a request
// as the statutory periods ask: a determination, with records, a refusal
// or the fee to pay for them. An acknowledgment answers only where the law
// says it does (MetByAcknowledgment); an extension notice moves the date,
// and a request for clarification pauses it where the law tolls.
var AnswerKinds = []CommKind{KindRecordsRelease, KindDenial, KindPartialDenial, KindFeeEstimate}

// answeredClosures are the closed statuses only the agency's answer brings:
// the day such a request closed is an answer's day too, where no
// communication records one (a request marked "no records" after a phone
// call).
var answeredClosures = []Status{StatusFulfilled, StatusPartiallyGranted, StatusDenied, StatusNoRecords}

// AnsweringStatuses are the statuses a request reaches by the agency's
// answer: records coming, or a closing only the agency brings. The first
// day a request's timeline moved it to one is an answer's day, as the
// first AnswerKinds message is (staff often change the status without
// logging the letter).
var AnsweringStatuses = append([]Status{StatusRollingProduction}, answeredClosures...)

// RespondingStatuses are the statuses a request reaches by any response of
// the agency: the answers, an acknowledgment, and its asking us for
// something (a fee, a clarification).
var RespondingStatuses = append([]Status{StatusAcknowledged, StatusAwaitingRequester}, AnsweringStatuses...)

// RecordEntry is one filed request as an agency's record counts it: the
// request (its status, dates and pauses) with the days of the agency's
// first response of any kind (an incoming message, or a move to one of
// RespondingStatuses) and its first answer (an AnswerKinds message, or a
// move to one of AnsweringStatuses); zero when none came.
type RecordEntry struct {
	Request         *Request
	FirstResponseOn deadline.Date
	FirstAnswerOn   deadline.Date
	// Exemptions are the exemptions the agency's messages on the request
	// cite, as staff typed them; the record counts each provision once
	// however many ways it was spelled (ExemptionKey).
	Exemptions []string
	// FeeAsked: the agency sent a fee estimate; FeeCents is the latest
	// estimate's amount in cents, nil when none gave one.
	FeeAsked bool
	FeeCents *int64
}

// DateOutcome is how a request stands against its statutory date.
type DateOutcome string

// Date outcomes.
const (
	// DateMet: answered on or before the statutory date.
	DateMet DateOutcome = "met"
	// DateMissed: answered after it, or not answered and the date passed.
	DateMissed DateOutcome = "missed"
	// DateMissedWaitingOnUs: missed while the agency waited on us, under a
	// law whose clock does not stop for it (Request.WaitedPastDue): not the
	// agency's miss alone, so neither met nor missed.
	DateMissedWaitingOnUs DateOutcome = "missed_waiting_on_us"
	// DatePending: not answered, and the date has not passed, or the clock
	// is stopped while the agency waits on us.
	DatePending DateOutcome = "pending"
	// DateNotMeasured: the law sets no date (Florida's "promptly"), the
	// request has none recorded, or we withdrew it before the date.
	DateNotMeasured DateOutcome = "not_measured"
)

// DateOutcomes lists every outcome, in the order reports show them.
var DateOutcomes = []DateOutcome{DateMet, DateMissed, DateMissedWaitingOnUs, DatePending, DateNotMeasured}

// AnsweredOn is the day the agency answered the request as its law's
// period asks, zero before then: the first answer (AnswerKinds) or the day
// it closed with one (fulfilled, denied, …), whichever came first; where an
// acknowledgment meets the period (New York, Washington), its first
// response of any kind.
func (e RecordEntry) AnsweredOn() deadline.Date {
	on := e.FirstAnswerOn
	if slices.Contains(answeredClosures, e.Request.Status) {
		on = earliest(on, e.Request.ClosedOn)
	}
	if e.Request.MetByAcknowledgment() {
		on = earliest(on, e.FirstResponseOn)
	}
	return on
}

// RespondedOn is the day of the agency's first response of any kind
// (including the day it closed the request with an answer); zero for none.
func (e RecordEntry) RespondedOn() deadline.Date {
	return earliest(e.FirstResponseOn, e.AnsweredOn())
}

// Outcome says how the request stands against its statutory date (DueOn:
// the law's, extended where the agency invoked an extension, moved by the
// pauses the law tolls; a date agreed with the agency does not change it)
// on today, the agency's date.
func (e RecordEntry) Outcome(today deadline.Date) DateOutcome {
	r := e.Request
	if j, err := deadline.Lookup(r.Jurisdiction); err != nil || !j.HasDeadline() {
		return DateNotMeasured
	}
	answered, due := e.AnsweredOn(), r.DueOn
	switch {
	case !answered.IsZero() && !due.IsZero() && !answered.After(due):
		return DateMet
	case answered.IsZero() && r.Status.Open() && r.Paused():
		return DatePending // the clock waits on us
	case due.IsZero():
		return DateNotMeasured
	case answered.IsZero() && !r.Status.Open() && !r.ClosedOn.After(due):
		return DateNotMeasured // we closed it before the date
	case answered.IsZero() && !due.Before(today):
		return DatePending
	}
	if _, ok := r.WaitedPastDue(); ok {
		return DateMissedWaitingOnUs
	}
	return DateMissed
}

// AgencyRecord is one agency's record over the requests counted.
type AgencyRecord struct {
	AgencyID, AgencyName string
	// Jurisdiction is the agency's law now (its requests keep the law they
	// were filed under).
	Jurisdiction string
	// Filed counts the requests sent (drafts are not counted), Open those
	// still open, Overdue those past their date to follow today
	// (Request.Overdue), Responded those the agency has responded to.
	Filed, Open, Overdue, Responded int
	// Outcomes counts each statutory-date outcome.
	Outcomes map[DateOutcome]int
	// Closed counts the closed requests by status.
	Closed map[Status]int
	// responseDays are the calendar days from receipt to first response.
	responseDays []int
	// exemptions counts the requests citing each exemption, by its key
	// (ExemptionKey).
	exemptions map[string]*exemptionTally
	// FeeEstimates counts the requests the agency asked a fee for;
	// feeCents are the latest amounts asked, where given.
	FeeEstimates int
	feeCents     []int64
}

// MedianFee is the median of the latest fee asked on each request with
// an amount, in cents (the lower middle of an even count); ok is false
// when none gave one.
func (a *AgencyRecord) MedianFee() (cents int64, ok bool) { return lowerMedian(a.feeCents) }

// FormatCents writes an amount in cents as dollars with cents, as fee
// amounts are written: "25.00".
func FormatCents(c int64) string {
	return strconv.FormatInt(c/100, 10) + "." + fmt.Sprintf("%02d", c%100)
}

// ExemptionCount is an exemption and how many requests it was cited on.
type ExemptionCount struct {
	Exemption string `json:"exemption"`
	Requests  int    `json:"requests"`
}

// exemptionTally is one exemption's count: the requests that cited it,
// and on how many of them each spelling was used.
type exemptionTally struct {
	requests  int
	spellings map[string]int
}

// label is the spelling used on the most requests; of those tied, the
// shortest, then the first in byte order. Not the first seen: the store
// streams the requests in no set order, and a label that changed between
// two loads of the same report would be confusing.
func (t *exemptionTally) label() string {
	var best string
	for s, n := range t.spellings {
		if best == "" || cmp.Or(cmp.Compare(t.spellings[best], n), cmp.Compare(chars(s), chars(best)), cmp.Compare(s, best)) < 0 {
			best = s
		}
	}
	return best
}

// TopExemptions are the n exemptions cited on the most requests, the most
// first (then by their label). An exemption is counted by its key
// (ExemptionKey), so its spellings count as one, and once per request
// however many ways it cites it; it is labelled with its spelling used on
// the most requests (exemptionTally.label).
func (a *AgencyRecord) TopExemptions(n int) []ExemptionCount {
	out := make([]ExemptionCount, 0, len(a.exemptions))
	for _, t := range a.exemptions {
		out = append(out, ExemptionCount{t.label(), t.requests})
	}
	slices.SortFunc(out, func(x, y ExemptionCount) int {
		return cmp.Or(cmp.Compare(y.Requests, x.Requests), cmp.Compare(x.Exemption, y.Exemption))
	})
	return out[:min(n, len(out))]
}

// OnTimePercent is the share of the requests measured (met or missed) that
// were answered by the date, rounded to a whole percent; ok is false when
// none was measured.
func (a *AgencyRecord) OnTimePercent() (pct int, ok bool) {
	met, n := a.Outcomes[DateMet], a.Measured()
	if n == 0 {
		return 0, false
	}
	return (200*met + n) / (2 * n), true
}

// Measured counts the requests whose date was met or missed.
func (a *AgencyRecord) Measured() int { return a.Outcomes[DateMet] + a.Outcomes[DateMissed] }

// MedianResponseDays is the median of the calendar days from receipt to
// the first response (the lower middle of an even count); ok is false when
// the agency has responded to none.
func (a *AgencyRecord) MedianResponseDays() (days int, ok bool) { return lowerMedian(a.responseDays) }

// lowerMedian is the median of xs, the lower middle of an even count; ok
// is false for none.
func lowerMedian[T cmp.Ordered](xs []T) (m T, ok bool) {
	if len(xs) == 0 {
		return m, false
	}
	s := slices.Sorted(slices.Values(xs))
	return s[(len(s)-1)/2], true
}

func (a *AgencyRecord) add(e RecordEntry, cited []citation, today deadline.Date) {
	r := e.Request
	a.Filed++
	switch {
	case r.Status.Open():
		a.Open++
	default:
		a.Closed[r.Status]++
	}
	if r.Overdue(today) {
		a.Overdue++
	}
	if on := e.RespondedOn(); !on.IsZero() {
		a.Responded++
		a.responseDays = append(a.responseDays, max(0, r.ReceivedOn.DaysUntil(on)))
	}
	a.Outcomes[e.Outcome(today)]++
	a.addExemptions(cited)
	if e.FeeAsked {
		a.FeeEstimates++
	}
	if e.FeeCents != nil {
		a.feeCents = append(a.feeCents, *e.FeeCents)
	}
}

// citation is one exemption a request cited: its spelling and its key
// (ExemptionKey).
type citation struct{ key, spelling string }

// addExemptions counts one request's citations (each spelling once):
// each key once.
func (a *AgencyRecord) addExemptions(cited []citation) {
	keys := map[string]bool{}
	for _, c := range cited {
		t := a.exemptions[c.key]
		if t == nil {
			t = &exemptionTally{spellings: map[string]int{}}
			a.exemptions[c.key] = t
		}
		if !keys[c.key] {
			keys[c.key] = true
			t.requests++
		}
		t.spellings[c.spelling]++
	}
}

// RecordFilter picks the requests an agency record counts: those received
// from ReceivedFrom to ReceivedTo (either may be zero: no limit), of the
// agency AgencyID and under the law Jurisdiction when set.
type RecordFilter struct {
	ReceivedFrom, ReceivedTo deadline.Date
	Jurisdiction             string
	AgencyID                 string
}

// Validate checks the filter's dates and law.
func (f RecordFilter) Validate() error {
	var fs []FieldError
	if !f.ReceivedFrom.IsZero() && !f.ReceivedTo.IsZero() && f.ReceivedTo.Before(f.ReceivedFrom) {
		fs = append(fs, FieldError{"received_to", "must not be before received_from"})
	}
	if f.Jurisdiction != "" {
		if _, err := deadline.Lookup(f.Jurisdiction); err != nil {
			fs = append(fs, FieldError{"jurisdiction", "unknown jurisdiction " + f.Jurisdiction})
		}
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// RecordReport is the agency records of an organization: one per agency
// with a request counted, and their total.
type RecordReport struct {
	Filter   RecordFilter
	Agencies []*AgencyRecord
	Total    *AgencyRecord
}

// RecordBuilder adds up agency records one request at a time, so a store
// can stream an organization's requests through it.
type RecordBuilder struct {
	now    time.Time
	byID   map[string]*AgencyRecord
	report RecordReport
	// keys caches ExemptionKey by law and spelling: an organization types
	// a few hundred spellings over many thousand requests, and reading
	// one takes microseconds.
	keys map[[2]string]string
}

// NewRecordBuilder starts a report as of now (each request's today is its
// agency's date then).
func NewRecordBuilder(f RecordFilter, now time.Time) *RecordBuilder {
	return &RecordBuilder{now: now, byID: map[string]*AgencyRecord{}, keys: map[[2]string]string{},
		report: RecordReport{Filter: f, Total: newAgencyRecord("", "", "")}}
}

func newAgencyRecord(id, name, law string) *AgencyRecord {
	return &AgencyRecord{AgencyID: id, AgencyName: name, Jurisdiction: law,
		Outcomes: map[DateOutcome]int{}, Closed: map[Status]int{}, exemptions: map[string]*exemptionTally{}}
}

// Add counts one request of the agency named, whose law is now law.
func (b *RecordBuilder) Add(e RecordEntry, agencyName, agencyLaw string) {
	r := e.Request
	a, ok := b.byID[r.AgencyID]
	if !ok {
		a = newAgencyRecord(r.AgencyID, agencyName, agencyLaw)
		b.byID[r.AgencyID] = a
		b.report.Agencies = append(b.report.Agencies, a)
	}
	today := r.Today(b.now)
	cited := b.citations(r.Jurisdiction, e.Exemptions)
	a.add(e, cited, today)
	b.report.Total.add(e, cited, today)
}

// citations are the exemptions a request under law cited, each spelling
// once (trimmed), with its key.
func (b *RecordBuilder) citations(law string, exemptions []string) []citation {
	var out []citation
	for _, x := range exemptions {
		x = strings.TrimSpace(x)
		if x == "" || slices.ContainsFunc(out, func(c citation) bool { return c.spelling == x }) {
			continue
		}
		k, ok := b.keys[[2]string{law, x}]
		if !ok {
			k = ExemptionKey(law, x)
			b.keys[[2]string{law, x}] = k
		}
		out = append(out, citation{k, x})
	}
	return out
}

// Report is the records added up, the agencies by name.
func (b *RecordBuilder) Report() *RecordReport {
	slices.SortFunc(b.report.Agencies, func(x, y *AgencyRecord) int {
		return cmp.Or(cmp.Compare(x.AgencyName, y.AgencyName), cmp.Compare(x.AgencyID, y.AgencyID))
	})
	return &b.report
}

func earliest(a, b deadline.Date) deadline.Date {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// RecordCSVHeader names the columns of an agency records download
// (RecordCSV's cells): the agency, its counts, the median days to a first
// response and the on-time percent (empty when there is none), each
// statutory-date outcome (DateOutcomes), each closed status, and the fee
// estimates with their median (empty when none gave an amount).
var RecordCSVHeader = func() []string {
	h := []string{"agency_id", "agency", "jurisdiction", "filed", "open", "overdue", "responded",
		"median_days_to_first_response", "on_time_percent"}
	for _, o := range DateOutcomes {
		h = append(h, string(o))
	}
	for _, st := range ClosedStatuses {
		h = append(h, string(st))
	}
	return append(h, "fee_estimates", "median_fee", "exemptions_cited")
}()

// csvExemptions is how many exemptions a record's CSV row names, as the
// API's exemptions_cited does.
const csvExemptions = 10

// RecordCSV is a's record as one row of RecordCSVHeader; the total's
// agency is "All agencies".
func RecordCSV(a *AgencyRecord) []string {
	name := a.AgencyName
	if a.AgencyID == "" {
		name = "All agencies"
	}
	optional := func(n int, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.Itoa(n)
	}
	row := []string{a.AgencyID, CSVSafe(name), a.Jurisdiction, strconv.Itoa(a.Filed), strconv.Itoa(a.Open),
		strconv.Itoa(a.Overdue), strconv.Itoa(a.Responded), optional(a.MedianResponseDays()), optional(a.OnTimePercent())}
	for _, o := range DateOutcomes {
		row = append(row, strconv.Itoa(a.Outcomes[o]))
	}
	for _, st := range ClosedStatuses {
		row = append(row, strconv.Itoa(a.Closed[st]))
	}
	fee := ""
	if c, ok := a.MedianFee(); ok {
		fee = FormatCents(c)
	}
	var cited []string
	for _, e := range a.TopExemptions(csvExemptions) {
		cited = append(cited, fmt.Sprintf("%s (%d)", e.Exemption, e.Requests))
	}
	// One cell, the most cited first: "(b)(5) (3); (b)(7)(C) (2)".
	return append(row, strconv.Itoa(a.FeeEstimates), fee, CSVSafe(strings.Join(cited, "; ")))
}

// WriteRecordCSV writes rep as CSV: the header, each agency, the total.
func WriteRecordCSV(w io.Writer, rep *RecordReport) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(RecordCSVHeader)
	for _, a := range rep.Agencies {
		_ = cw.Write(RecordCSV(a))
	}
	_ = cw.Write(RecordCSV(rep.Total))
	cw.Flush()
	return cw.Error()
}
