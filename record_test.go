package sunshine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
)

// How a request stands against its statutory date, for an agency's
// record: what answers it under each law, what a wait on us or our own
// withdrawal does, and what cannot be measured.
func TestRecordEntry_Outcome(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	received, due := d("2026-03-02"), d("2026-03-12")
	ca := func(st Status) *Request {
		return &Request{Jurisdiction: "us-ca", Status: st, ReceivedOn: received, DueOn: due}
	}
	closed := func(st Status, on string) *Request {
		r := ca(st)
		r.ClosedOn = d(on)
		return r
	}
	paused := func(from, to string) *Request {
		r := ca(StatusAwaitingRequester)
		p := deadline.Pause{From: d(from)}
		if to != "" {
			p.To = d(to)
			r.Status = StatusSubmitted
		}
		r.Pauses = []deadline.Pause{p}
		return r
	}
	for _, tc := range []struct {
		name             string
		r                *Request
		response, answer string // "" for none
		today            string
		want             DateOutcome
	}{
		{"AnsweredBeforeTheDate", ca(StatusRollingProduction), "2026-03-10", "2026-03-10", "2026-03-20", DateMet},
		{"AnsweredOnTheDate", ca(StatusDenied), "", "2026-03-12", "2026-03-20", DateMet},
		{"AnsweredTheDayAfter", ca(StatusRollingProduction), "", "2026-03-13", "2026-03-20", DateMissed},
		{"AcknowledgedOnlyUnderCPRA", ca(StatusAcknowledged), "2026-03-05", "", "2026-03-20", DateMissed},
		{"AcknowledgedInTimeUnderFOIL", &Request{Jurisdiction: "us-ny", Status: StatusAcknowledged, ReceivedOn: received, DueOn: d("2026-03-09")},
			"2026-03-06", "", "2026-03-20", DateMet},
		{"AcknowledgedLateUnderFOIL", &Request{Jurisdiction: "us-ny", Status: StatusAcknowledged, ReceivedOn: received, DueOn: d("2026-03-09")},
			"2026-03-10", "", "2026-03-20", DateMissed},
		{"NotYetDue", ca(StatusSubmitted), "", "", "2026-03-12", DatePending},
		{"DuePassedUnanswered", ca(StatusSubmitted), "", "", "2026-03-13", DateMissed},
		{"ClosedNoRecordsWithoutALetter", closed(StatusNoRecords, "2026-03-11"), "", "", "2026-03-20", DateMet},
		{"FulfilledLateWithoutALetter", closed(StatusFulfilled, "2026-03-16"), "", "", "2026-03-20", DateMissed},
		{"WithdrawnBeforeTheDate", closed(StatusWithdrawn, "2026-03-08"), "", "", "2026-03-20", DateNotMeasured},
		{"WithdrawnAfterTheDateUnanswered", closed(StatusWithdrawn, "2026-03-15"), "", "", "2026-03-20", DateMissed},
		{"WaitingOnUsNow", paused("2026-03-06", ""), "2026-03-06", "", "2026-03-20", DatePending},
		{"WaitedOnUsPastTheDate", paused("2026-03-10", "2026-03-14"), "2026-03-10", "2026-03-16", "2026-03-20", DateMissedWaitingOnUs},
		{"WaitedOnUsBeforeTheDate", paused("2026-03-05", "2026-03-07"), "2026-03-05", "2026-03-16", "2026-03-20", DateMissed},
		{"NoStatutoryDate", &Request{Jurisdiction: "us-fl", Status: StatusSubmitted, ReceivedOn: received}, "", "", "2026-03-20", DateNotMeasured},
		{"NoDateRecorded", &Request{Jurisdiction: "us-ca", Status: StatusWithdrawn, ReceivedOn: received, ClosedOn: d("2026-03-20")},
			"", "", "2026-03-20", DateNotMeasured},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := RecordEntry{Request: tc.r}
			if tc.response != "" {
				e.FirstResponseOn = d(tc.response)
			}
			if tc.answer != "" {
				e.FirstAnswerOn = d(tc.answer)
			}
			assert.Equal(t, tc.want, e.Outcome(d(tc.today)))
		})
	}
}

// The first response is the earliest of any letter from the agency and
// the day it closed the request with an answer.
func TestRecordEntry_RespondedOn(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	r := &Request{Jurisdiction: "us-ca", Status: StatusNoRecords, ReceivedOn: d("2026-03-02"), ClosedOn: d("2026-03-04")}
	assert.Equal(t, d("2026-03-04"), RecordEntry{Request: r}.RespondedOn(), "closed with an answer, no letter")
	assert.Equal(t, d("2026-03-03"), RecordEntry{Request: r, FirstResponseOn: d("2026-03-03")}.RespondedOn())
	r = &Request{Jurisdiction: "us-ca", Status: StatusWithdrawn, ReceivedOn: d("2026-03-02"), ClosedOn: d("2026-03-04")}
	assert.True(t, RecordEntry{Request: r}.RespondedOn().IsZero(), "our withdrawal is no response")
}

// The builder adds each request to its agency and to the total: counts by
// state, the on-time share of the measured, the median days to respond.
func TestRecordBuilder(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	now := time.Date(2026, 3, 20, 18, 0, 0, 0, time.UTC) // 20 March in California
	b := NewRecordBuilder(RecordFilter{}, now)
	req := func(agency string, st Status, closedOn string) *Request {
		r := &Request{AgencyID: agency, Jurisdiction: "us-ca", TimeZone: "America/Los_Angeles", Status: st,
			ReceivedOn: d("2026-03-02"), DueOn: d("2026-03-12")}
		if closedOn != "" {
			r.ClosedOn = d(closedOn)
		}
		return r
	}
	sheriff, police := "a1", "a2"
	fee := int64(4550)
	for _, e := range []RecordEntry{
		{Request: req(sheriff, StatusRollingProduction, ""), FirstResponseOn: d("2026-03-04"), FirstAnswerOn: d("2026-03-10"),
			Exemptions: []string{"Gov. Code 7923.600"}}, // met, 2 days
		{Request: req(sheriff, StatusDenied, "2026-03-11"), FirstResponseOn: d("2026-03-11"), FirstAnswerOn: d("2026-03-11"),
			Exemptions: []string{"Gov. Code § 7923.600", "Gov. Code 7922.000"}}, // met, 9 days
		{Request: req(sheriff, StatusSubmitted, ""), FeeAsked: true},                                                      // missed, overdue; a fee asked, no amount
		{Request: req(sheriff, StatusAcknowledged, ""), FirstResponseOn: d("2026-03-08"), FeeAsked: true, FeeCents: &fee}, // missed, overdue, 6 days
		{Request: req(police, StatusWithdrawn, "2026-03-05")},                                                             // not measured
	} {
		name := map[string]string{sheriff: "Sheriff", police: "Police"}[e.Request.AgencyID]
		b.Add(e, name, "us-ca")
	}
	rep := b.Report()
	require.Len(t, rep.Agencies, 2)
	assert.Equal(t, "Police", rep.Agencies[0].AgencyName, "agencies by name")
	s := rep.Agencies[1]
	// Overdue as the lists say (Request.Overdue): the open ones past the
	// date, the one in rolling production too.
	assert.Equal(t, [4]int{4, 3, 3, 3}, [4]int{s.Filed, s.Open, s.Overdue, s.Responded}, "filed, open, overdue, responded")
	assert.Equal(t, map[DateOutcome]int{DateMet: 2, DateMissed: 2}, s.Outcomes)
	assert.Equal(t, map[Status]int{StatusDenied: 1}, s.Closed)
	pct, ok := s.OnTimePercent()
	assert.True(t, ok)
	assert.Equal(t, 50, pct)
	days, ok := s.MedianResponseDays()
	assert.True(t, ok)
	assert.Equal(t, 6, days, "median of 2, 6 and 9 days")

	assert.Equal(t, []ExemptionCount{{"Gov. Code 7923.600", 2}, {"Gov. Code 7922.000", 1}}, s.TopExemptions(5),
		"the most cited first, two spellings of one section as one")
	assert.Equal(t, []ExemptionCount{{"Gov. Code 7923.600", 2}}, s.TopExemptions(1))

	assert.Equal(t, 2, s.FeeEstimates)
	cents, ok := s.MedianFee()
	require.True(t, ok)
	assert.Equal(t, "45.50", FormatCents(cents))
	assert.Equal(t, []string{"2", "45.50", "Gov. Code 7923.600 (2); Gov. Code 7922.000 (1)"}, RecordCSV(s)[len(RecordCSVHeader)-3:])

	p := rep.Agencies[0]
	assert.Empty(t, p.TopExemptions(5))
	_, ok = p.MedianFee()
	assert.False(t, ok)
	assert.Equal(t, []string{"0", "", ""}, RecordCSV(p)[len(RecordCSVHeader)-3:])
	_, ok = p.OnTimePercent()
	assert.False(t, ok, "nothing measured")
	_, ok = p.MedianResponseDays()
	assert.False(t, ok, "no response")
	assert.Equal(t, 5, rep.Total.Filed)
	assert.Equal(t, map[DateOutcome]int{DateMet: 2, DateMissed: 2, DateNotMeasured: 1}, rep.Total.Outcomes)
}

// An agency's most-cited exemptions count each provision once however it
// was spelled, once per request that cited it, under the spelling used on
// the most requests.
func TestAgencyRecord_TopExemptions(t *testing.T) {
	t.Parallel()
	now, received := time.Date(2026, 3, 20, 18, 0, 0, 0, time.UTC), deadline.MustParseDate("2026-03-02")
	type cited struct {
		law        string
		exemptions []string
	}
	for _, tc := range []struct {
		name     string
		requests []cited
		want     []ExemptionCount
	}{
		{"SpellingsOfOneSection", []cited{
			{"us-ca", []string{"Gov. Code 7923.600"}},
			{"us-ca", []string{"Gov. Code § 7923.600"}},
			{"us-ca", []string{"7923.600"}},
			{"us-ca", []string{"Gov. Code 7923.600", "Gov. Code 7922.000"}},
		}, []ExemptionCount{{"Gov. Code 7923.600", 4}, {"Gov. Code 7922.000", 1}}},
		{"SpellingsOfOneFOIAExemption", []cited{
			{"us-federal", []string{"(b)(5)"}},
			{"us-federal", []string{"b5"}},
			{"us-federal", []string{"Exemption 5", "(b)(6)"}},
			{"us-federal", []string{"5 U.S.C. 552(b)(5)", "(b)(6)"}},
			{"us-federal", []string{"FOIA exemption (b)(5)"}},
		}, []ExemptionCount{{"b5", 5}, {"(b)(6)", 2}}}, // five spellings once each: the shortest
		{"TwoSpellingsOnOneRequestCountOnce", []cited{
			{"us-federal", []string{"(b)(7)(C)", "b7C", "Exemption 7(C)", " (b)(7)(C) "}},
			{"us-federal", []string{"(b)(7)(C)"}},
		}, []ExemptionCount{{"(b)(7)(C)", 2}}},
		{"TheSpellingUsedMostNamesIt", []cited{
			{"us-ca", []string{"Government Code section 7922.000"}},
			{"us-ca", []string{"Government Code section 7922.000"}},
			{"us-ca", []string{"7922.000"}},
		}, []ExemptionCount{{"Government Code section 7922.000", 3}}},
		{"TiedSpellingsTheShortest", []cited{
			{"us-ca", []string{"Gov. Code § 7922.000"}},
			{"us-ca", []string{"Gov. Code 7922.000"}},
		}, []ExemptionCount{{"Gov. Code 7922.000", 2}}},
		{"GenuinelyDifferentProvisionsApart", []cited{
			{"us-ca", []string{"Gov. Code 7923.600", "Gov. Code 7923.610"}},
			{"us-federal", []string{"(b)(6)", "(b)(7)(C)", "(b)(7)(E)"}},
		}, []ExemptionCount{{"(b)(6)", 1}, {"(b)(7)(C)", 1}, {"(b)(7)(E)", 1}, {"Gov. Code 7923.600", 1}, {"Gov. Code 7923.610", 1}}},
		{"TextByItsWords", []cited{
			{"us-ca", []string{"Privacy"}},
			{"us-ca", []string{"privacy ", "PRIVACY"}},
			{"us-ca", []string{"Privacy", "law enforcement"}},
		}, []ExemptionCount{{"Privacy", 3}, {"law enforcement", 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewRecordBuilder(RecordFilter{}, now)
			for _, r := range tc.requests {
				b.Add(RecordEntry{Request: &Request{AgencyID: "a1", Jurisdiction: r.law, TimeZone: "America/New_York", Status: StatusDenied,
					ReceivedOn: received, ClosedOn: received}, Exemptions: r.exemptions}, "Agency", r.law)
			}
			rep := b.Report()
			assert.Equal(t, tc.want, rep.Agencies[0].TopExemptions(10))
			assert.Equal(t, tc.want, rep.Total.TopExemptions(10))
		})
	}
}

func TestAgencyRecord_OnTimePercentRounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ met, missed, want int }{{2, 1, 67}, {1, 2, 33}, {1, 7, 13}, {1, 0, 100}, {0, 3, 0}} {
		a := &AgencyRecord{Outcomes: map[DateOutcome]int{DateMet: tc.met, DateMissed: tc.missed, DateMissedWaitingOnUs: 5}}
		pct, ok := a.OnTimePercent()
		assert.True(t, ok)
		assert.Equal(t, tc.want, pct, "%d met, %d missed", tc.met, tc.missed)
	}
}

func TestFormatCents(t *testing.T) {
	t.Parallel()
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", 100: "1.00", 4550: "45.50", 123456789: "1234567.89"} {
		assert.Equal(t, want, FormatCents(c))
	}
}

func TestRecordFilter_Validate(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	require.NoError(t, RecordFilter{ReceivedFrom: d("2026-01-01"), ReceivedTo: d("2026-01-01"), Jurisdiction: "us-ca"}.Validate())
	err := RecordFilter{ReceivedFrom: d("2026-02-01"), ReceivedTo: d("2026-01-01")}.Validate()
	require.Equal(t, EInvalid, ErrorCode(err))
	assert.Equal(t, "received_to", err.(*Error).Fields[0].Field)
	err = RecordFilter{Jurisdiction: "us-zz"}.Validate()
	assert.Equal(t, "jurisdiction", err.(*Error).Fields[0].Field)
}
