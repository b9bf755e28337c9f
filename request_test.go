package sunshine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
)

// The date to follow: the agency's estimate for an acknowledged FOIL or
// PRA request without a custom date, none under appeal without one, else
// the effective due date; and what to do when there is none.
func TestRequest_FollowOn(t *testing.T) {
	t.Parallel()
	statutory, estimate, custom := deadline.MustParseDate("2026-11-30"), deadline.MustParseDate("2026-12-04"), deadline.MustParseDate("2026-12-10")
	today := deadline.MustParseDate("2026-12-05")
	for _, tc := range []struct {
		name           string
		r              Request
		follows        bool
		follow         deadline.Date
		passed, noDate bool
		todo           string // a word of the hint
	}{
		{"FOILAcknowledgedEstimatePassed", Request{Jurisdiction: "us-ny", Status: StatusAcknowledged, DueOn: statutory, AgencyEstimatedOn: estimate},
			true, estimate, true, false, ""},
		{"PRARollingEstimateAhead", Request{Jurisdiction: "us-wa", Status: StatusRollingProduction, DueOn: statutory, AgencyEstimatedOn: custom},
			true, custom, false, false, ""},
		{"FOILAcknowledgedNoEstimate", Request{Jurisdiction: "us-ny", Status: StatusAcknowledged, DueOn: statutory},
			true, deadline.Date{}, false, true, "estimated date"},
		{"FOILAcknowledgedCustomDate", Request{Jurisdiction: "us-ny", Status: StatusAcknowledged, DueOn: statutory, AgencyEstimatedOn: estimate, CustomDueOn: custom},
			false, custom, false, false, ""},
		{"FOILSubmitted", Request{Jurisdiction: "us-ny", Status: StatusSubmitted, DueOn: statutory, AgencyEstimatedOn: estimate},
			false, statutory, false, false, ""},
		{"CPRAAcknowledged", Request{Jurisdiction: "us-ca", Status: StatusAcknowledged, DueOn: statutory, AgencyEstimatedOn: estimate},
			false, statutory, false, false, ""},
		{"FloridaNoDate", Request{Jurisdiction: "us-fl", Status: StatusSubmitted},
			false, deadline.Date{}, false, true, "No statutory date"},
		{"FloridaCustomDate", Request{Jurisdiction: "us-fl", Status: StatusAcknowledged, CustomDueOn: custom},
			false, custom, false, false, ""},
		{"AppealedNoDecisionDate", Request{Jurisdiction: "us-ca", Status: StatusAppealed, DueOn: statutory},
			false, deadline.Date{}, false, true, "appeal decision"},
		{"AppealedFOILWithEstimate", Request{Jurisdiction: "us-ny", Status: StatusAppealed, DueOn: statutory, AgencyEstimatedOn: estimate},
			false, deadline.Date{}, false, true, "appeal decision"},
		{"AppealedDecisionDate", Request{Jurisdiction: "us-ca", Status: StatusAppealed, DueOn: statutory, CustomDueOn: custom},
			false, custom, false, false, ""},
		{"InLitigation", Request{Jurisdiction: "us-ca", Status: StatusInLitigation, DueOn: statutory},
			false, deadline.Date{}, false, true, "court"},
		{"FloridaDraft", Request{Jurisdiction: "us-fl", Status: StatusDraft},
			false, deadline.Date{}, false, false, ""},
		{"FloridaWaitingOnUs", Request{Jurisdiction: "us-fl", Status: StatusAwaitingRequester},
			false, deadline.Date{}, false, false, ""},
		{"FOILClosed", Request{Jurisdiction: "us-ny", Status: StatusFulfilled, DueOn: statutory, AgencyEstimatedOn: estimate},
			false, deadline.Date{}, false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.r
			require.Equal(t, tc.follows, r.FollowsEstimate())
			require.Equal(t, tc.follow, r.FollowOn())
			require.Equal(t, tc.passed, r.EstimatePassed(today))
			require.False(t, tc.passed && r.Overdue(today), "a passed estimate is not a statutory breach")
			require.Equal(t, tc.noDate, r.NoDateToFollow())
			if tc.todo == "" {
				require.Empty(t, r.DateTodo())
			} else {
				require.Contains(t, r.DateTodo(), tc.todo)
			}
		})
	}
}

// An extension notice is late after the original due date, and only
// under a law with a fixed extension to invoke.
func TestRequest_ExtensionNoticeLate(t *testing.T) {
	t.Parallel()
	due := deadline.MustParseDate("2025-03-10")
	for _, tc := range []struct {
		name, law, on string
		extended      bool
		late          bool
	}{
		{"Virginia, on the due date", "us-va", "2025-03-10", false, false},
		{"Virginia, the day after", "us-va", "2025-03-11", false, true},
		{"Virginia, already extended", "us-va", "2025-03-20", true, false},
		{"New York has no fixed extension", "us-ny", "2025-03-20", false, false},
		{"Texas has no fixed extension", "us-tx", "2025-03-20", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Request{Jurisdiction: tc.law, Status: StatusSubmitted, DueOn: due, Extended: tc.extended}
			require.Equal(t, tc.late, r.ExtensionNoticeLate(deadline.MustParseDate(tc.on)))
		})
	}
}

// WaitedPastDue finds the wait on us during which the due date passed
// (the CPRA's clock runs on while the agency waits for a fee).
func TestRequest_WaitedPastDue(t *testing.T) {
	t.Parallel()
	d := deadline.MustParseDate
	due := d("2017-04-06") // received 2017-03-27 under the CPRA
	for _, tc := range []struct {
		name   string
		pauses []deadline.Pause
		custom string
		want   *deadline.Pause
	}{
		{"no wait", nil, "", nil},
		{"answered before the date", []deadline.Pause{{From: d("2017-03-29"), To: d("2017-04-03")}}, "", nil},
		{"answered on the date", []deadline.Pause{{From: d("2017-03-29"), To: due}}, "", nil},
		{"asked on the date, answered after", []deadline.Pause{{From: due, To: d("2017-04-10")}}, "", &deadline.Pause{From: due, To: d("2017-04-10")}},
		{"the second wait", []deadline.Pause{{From: d("2017-03-28"), To: d("2017-03-29")}, {From: d("2017-04-04"), To: d("2017-04-12")}}, "",
			&deadline.Pause{From: d("2017-04-04"), To: d("2017-04-12")}},
		{"asked after the date", []deadline.Pause{{From: d("2017-04-07"), To: d("2017-04-12")}}, "", nil},
		{"still waiting", []deadline.Pause{{From: d("2017-04-04")}}, "", nil},
		{"an agreed date", []deadline.Pause{{From: d("2017-04-04"), To: d("2017-04-12")}}, "2017-04-20", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Request{Jurisdiction: "us-ca", ReceivedOn: d("2017-03-27"), DueOn: due, Status: StatusSubmitted, Pauses: tc.pauses}
			if tc.custom != "" {
				r.CustomDueOn = d(tc.custom)
			}
			got, ok := r.WaitedPastDue()
			if tc.want == nil {
				require.False(t, ok, "%+v", got)
				return
			}
			require.True(t, ok)
			require.Equal(t, *tc.want, got)
		})
	}
}

// A note's text is trimmed, required, and at most 10000 characters (not
// bytes: "é" is one).
func TestNoteText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		err            string // a word of the message; "" for none
	}{
		{"OK", "  Called the records officer.\nFirst batch next week.\n", "Called the records officer.\nFirst batch next week.", ""},
		{"AtLimit", strings.Repeat("é", 10000), strings.Repeat("é", 10000), ""},
		{"ErrEmpty", "", "", "required"},
		{"ErrWhitespace", " \n\t ", "", "required"},
		{"ErrTooLong", strings.Repeat("a", 10001), "", "at most 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NoteText(tc.in)
			if tc.err == "" {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
				return
			}
			require.Equal(t, EInvalid, ErrorCode(err))
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Len(t, e.Fields, 1)
			require.Equal(t, "text", e.Fields[0].Field)
			require.Contains(t, e.Fields[0].Message, tc.err)
		})
	}
}

// An external ID is checked as migration 0038 checks it, and "" is none.
func TestRequest_ValidateExternalID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, id string
		want     string // the field's message; "" when valid
	}{
		{"a spreadsheet row", "row-17", ""},
		{"a MuckRock number", "MR 123456", ""},
		{"200 characters", strings.Repeat("é", 200), ""},
		{"201 characters", strings.Repeat("é", 201), "must be at most 200 characters"},
		{"space before", " row-17", "must not begin or end with a space"},
		{"no-break space after", "row-17\u00a0", "must not begin or end with a space"},
		{"two lines", "row\n17", "must be one line, without control characters"},
		{"NUL", "row\x0017", "must be one line, without control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.id
			r := &Request{Title: "Records", DeliveryMethod: DeliveryEmail, ExternalID: &id}
			err := r.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, tc.id, *r.ExternalID, "kept as given")
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, []FieldError{{"external_id", tc.want}}, e.Fields)
		})
	}
	empty := ""
	r := &Request{Title: "Records", DeliveryMethod: DeliveryEmail, ExternalID: &empty}
	require.NoError(t, r.Validate())
	require.Nil(t, r.ExternalID, `"" is none`)
}
