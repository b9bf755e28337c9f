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

// Follow-ups go on weekdays from 9:00 to 17:00 where the agency is.
func TestFollowUpHours(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	for _, tc := range []struct {
		when string
		tz   string
		want bool
	}{
		{"2017-04-07 09:00", "America/Los_Angeles", true},
		{"2017-04-07 08:59", "America/Los_Angeles", false},
		{"2017-04-07 16:59", "America/Los_Angeles", true},
		{"2017-04-07 17:00", "America/Los_Angeles", false},
		{"2017-04-08 10:00", "America/Los_Angeles", false}, // Saturday
		{"2017-04-09 10:00", "America/Los_Angeles", false}, // Sunday
		{"2017-04-07 07:00", "America/New_York", true},     // 10:00 in New York
		{"2017-04-07 14:30", "America/New_York", false},    // 17:30 in New York
	} {
		t.Run(tc.when+" "+tc.tz, func(t *testing.T) {
			at, err := time.ParseInLocation("2006-01-02 15:04", tc.when, la)
			require.NoError(t, err)
			require.Equal(t, tc.want, FollowUpHours(at, tc.tz))
		})
	}
}
