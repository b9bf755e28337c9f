package sunshine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
)

// The next automatic follow-up is due every days after the last exchange
// with the agency, never before the day after the date to follow, and
// never while there is no date to follow or the clock does not run.
func TestFollowUpDue(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	base := func(mod func(r *Request)) *Request {
		r := &Request{Status: StatusSubmitted, Jurisdiction: "us-ca", DueOn: d("2017-04-06")}
		if mod != nil {
			mod(r)
		}
		return r
	}
	for _, tc := range []struct {
		name  string
		r     *Request
		every int
		last  string
		want  string // "" for none
	}{
		{"the day after the date passed", base(nil), 7, "2017-03-27", "2017-04-07"},
		{"days after the last exchange", base(nil), 14, "2017-03-27", "2017-04-10"},
		{"an answer starts the count again", base(nil), 7, "2017-04-12", "2017-04-19"},
		{"no exchange known", base(nil), 7, "", "2017-04-07"},
		{"a custom date is the one to follow", base(func(r *Request) { r.CustomDueOn = d("2017-05-01") }), 7, "2017-03-27", "2017-05-02"},
		{"acknowledged under FOIL: the agency's estimate", &Request{Status: StatusAcknowledged, Jurisdiction: "us-ny",
			DueOn: d("2017-04-03"), AgencyEstimatedOn: d("2017-05-15")}, 7, "2017-04-01", "2017-05-16"},
		{"waiting on us", base(func(r *Request) { r.Status = StatusAwaitingRequester }), 7, "2017-03-27", ""},
		{"paused", base(func(r *Request) { r.Pauses = []deadline.Pause{{From: d("2017-04-01")}} }), 7, "2017-03-27", ""},
		{"a draft", base(func(r *Request) { r.Status = StatusDraft }), 7, "2017-03-27", ""},
		{"closed", base(func(r *Request) { r.Status = StatusDenied }), 7, "2017-03-27", ""},
		{"under appeal, no decision date", base(func(r *Request) { r.Status = StatusAppealed }), 7, "2017-03-27", ""},
		{"under appeal, a decision date", base(func(r *Request) { r.Status = StatusAppealed; r.CustomDueOn = d("2017-05-01") }), 7, "2017-03-27", ""},
		{"in litigation, the court's date", base(func(r *Request) { r.Status = StatusInLitigation; r.CustomDueOn = d("2017-05-01") }), 7, "2017-03-27", ""},
		{"no deadline (Florida)", &Request{Status: StatusSubmitted, Jurisdiction: "us-fl"}, 7, "2017-03-27", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var last deadline.Date
			if tc.last != "" {
				last = d(tc.last)
			}
			got := FollowUpDue(tc.r, tc.every, last)
			if tc.want == "" {
				require.True(t, got.IsZero(), "got %s", got)
				return
			}
			require.Equal(t, tc.want, got.String())
		})
	}
}

// Follow-ups go from 9:00 to 17:00 on the agency's business days, in its
// time zone: not at the weekend, on its law's holidays or its closure days.
func TestFollowUpHours(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	ca := &Request{Jurisdiction: "us-ca", TimeZone: "America/Los_Angeles",
		Closures: []deadline.Holiday{{Date: deadline.MustParseDate("2017-04-12"), Name: "flood"}}}
	ny := &Request{Jurisdiction: "us-ny", TimeZone: "America/New_York"}
	// Florida sets no statutory date: no holiday calendar, weekdays but
	// the agency's closure days.
	fl := &Request{Jurisdiction: "us-fl", TimeZone: "America/New_York",
		Closures: []deadline.Holiday{{Date: deadline.MustParseDate("2017-04-11"), Name: "storm"}}}
	for _, tc := range []struct {
		when string
		r    *Request
		want bool
	}{
		{"2017-04-07 09:00", ca, true},
		{"2017-04-07 08:59", ca, false},
		{"2017-04-07 16:59", ca, true},
		{"2017-04-07 17:00", ca, false},
		{"2017-04-08 10:00", ca, false}, // Saturday
		{"2017-04-09 10:00", ca, false}, // Sunday
		{"2017-03-31 10:00", ca, false}, // Cesar Chavez Day
		{"2017-04-12 10:00", ca, false}, // the agency's closure day
		{"2017-04-07 07:00", ny, true},  // 10:00 in New York
		{"2017-04-07 14:30", ny, false}, // 17:30 in New York
		{"2017-04-10 07:00", fl, true},  // Monday 10:00 in Miami
		{"2017-04-08 07:00", fl, false}, // Saturday
		{"2017-04-11 07:00", fl, false}, // the agency's closure day
	} {
		t.Run(tc.when+" "+tc.r.Jurisdiction, func(t *testing.T) {
			at, err := time.ParseInLocation("2006-01-02 15:04", tc.when, la)
			require.NoError(t, err)
			require.Equal(t, tc.want, FollowUpHours(at, tc.r))
		})
	}
}

// The next follow-up is the day it is due, or the next business day of
// the agency from now on: today while its hours last.
func TestNextFollowUp(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	r := &Request{Status: StatusSubmitted, Jurisdiction: "us-ca", TimeZone: "America/Los_Angeles", DueOn: deadline.MustParseDate("2017-03-30")}
	for _, tc := range []struct {
		name, now, last, want string
	}{
		{"due later", "2017-04-03 10:00", "2017-04-03", "2017-04-10"},
		{"due on a Saturday: Monday", "2017-04-03 10:00", "2017-04-01", "2017-04-10"}, // (8 Apr)
		{"due the day after the date, a holiday: the next day", "2017-03-27 10:00", "2017-03-20", "2017-04-03"},
		{"due already: today", "2017-04-05 10:00", "2017-03-20", "2017-04-05"},
		{"due already, after hours: tomorrow", "2017-04-05 18:00", "2017-03-20", "2017-04-06"},
		{"due already, Friday night: Monday", "2017-04-07 18:00", "2017-03-20", "2017-04-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, err := time.ParseInLocation("2006-01-02 15:04", tc.now, la)
			require.NoError(t, err)
			require.Equal(t, tc.want, NextFollowUp(r, 7, deadline.MustParseDate(tc.last), now).String())
		})
	}
	// A law with no statutory date, followed by a date agreed: a weekday.
	fl := &Request{Status: StatusAcknowledged, Jurisdiction: "us-fl", TimeZone: "America/New_York", CustomDueOn: deadline.MustParseDate("2017-04-07")}
	now, err := time.ParseInLocation("2006-01-02 15:04", "2017-04-07 12:00", la)
	require.NoError(t, err)
	require.Equal(t, "2017-04-10", NextFollowUp(fl, 7, deadline.MustParseDate("2017-03-01"), now).String(), "Saturday the 8th: Monday")
}
