package deadline

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func d(s string) Date { return MustParseDate(s) }

func TestCompute_Pauses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		code     string
		received string
		extended bool
		pauses   []Pause
		wantDue  string // "" while paused
		wantLeft int
		wantStep string // a phrase the explanation must contain
		notStep  string // and one it must not
	}{
		{
			// Day 1 Tue 28 Mar; paused Wed 29 Mar - Mon 3 Apr; counting
			// resumes Tue 4 Apr as day 2, so day 20 is Fri 28 Apr.
			name: "FederalClosedPause", code: "us-federal", received: "2017-03-27",
			pauses:  []Pause{{From: d("2017-03-29"), To: d("2017-04-03")}},
			wantDue: "2017-04-28", wantStep: "Clock stopped from Wed 29 Mar 2017 to Mon 3 Apr 2017",
		},
		{
			name: "FederalNoPause", code: "us-federal", received: "2017-03-27",
			wantDue: "2017-04-24", wantStep: "Day 20 is Mon 24 Apr 2017",
		},
		{
			// One day counted (Tue 28 Mar) before the open pause: 19 left.
			name: "FederalOpenPause", code: "us-federal", received: "2017-03-27",
			pauses:   []Pause{{From: d("2017-03-29")}},
			wantLeft: 19, wantStep: "with 19 working days left",
		},
		{
			name: "FederalPausedOnReceiptDay", code: "us-federal", received: "2017-03-27",
			pauses:   []Pause{{From: d("2017-03-27")}},
			wantLeft: 20, wantStep: "with 20 working days left",
		},
		{
			// Two tolls: 28 Mar is day 1; 29-31 Mar paused; 3-4 Apr are days
			// 2-3; 5-10 Apr paused; from Tue 11 Apr day 4 ... day 20 is Wed 3 May.
			name: "FederalTwoPauses", code: "us-federal", received: "2017-03-27",
			pauses:  []Pause{{From: d("2017-03-29"), To: d("2017-03-31")}, {From: d("2017-04-05"), To: d("2017-04-10")}},
			wantDue: "2017-05-03", wantStep: "Clock stopped from Wed 5 Apr 2017 to Mon 10 Apr 2017",
		},
		{
			// The pause starts after the due date: nothing changes.
			name: "FederalPauseAfterDue", code: "us-federal", received: "2017-03-27",
			pauses:  []Pause{{From: d("2017-05-01"), To: d("2017-05-05")}},
			wantDue: "2017-04-24", wantStep: "Due Mon 24 Apr 2017",
		},
		{
			// Pennsylvania tolls too: 5 BD from Fri 1 Mar 2024 is Fri 8 Mar;
			// paused 5-7 Mar after day 2 (Tue 5 Mar not counted), so day 1 Mon
			// 4 Mar, paused Tue-Thu, days 2-5 are Fri 8, Mon 11, Tue 12, Wed 13.
			name: "PennsylvaniaTolls", code: "us-pa", received: "2024-03-01",
			pauses:  []Pause{{From: d("2024-03-05"), To: d("2024-03-07")}},
			wantDue: "2024-03-13", wantStep: "Clock stopped from Tue 5 Mar 2024",
		},
		{
			// The CPRA does not toll: the date stays and the steps say so.
			name: "CaliforniaDoesNotToll", code: "us-ca", received: "2017-03-27",
			pauses:  []Pause{{From: d("2017-03-29"), To: d("2017-04-03")}},
			wantDue: "2017-04-06", wantStep: "does not stop the clock under this law",
		},
		{
			name: "CaliforniaOpenPauseKeepsDate", code: "us-ca", received: "2017-03-27",
			pauses:  []Pause{{From: d("2017-03-29")}},
			wantDue: "2017-04-06", wantStep: "Waiting on the requester from Wed 29 Mar 2017 does not stop the clock",
		},
		{
			// A toll during the extension: 30 WD from Mon 27 Mar 2017 is
			// Mon 8 May; paused 1-5 May (days 25-29 would have been
			// 1-5 May) pushes day 30 to Mon 15 May.
			name: "FederalPauseDuringExtension", code: "us-federal", received: "2017-03-27", extended: true,
			pauses:  []Pause{{From: d("2017-05-01"), To: d("2017-05-05")}},
			wantDue: "2017-05-15", wantStep: "Day 30 is Mon 15 May 2017",
		},
		{
			// A pause, not decision A1, moves day 1: Mon 2 Mar 2026 is a
			// working day; paused Tue 3 - Thu 5 Mar, day 1 is Fri 6 Mar,
			// days 2-6 are 9-13 Mar ... day 20 is Thu 2 Apr.
			name: "FederalPauseBeforeDayOne", code: "us-federal", received: "2026-03-02",
			pauses:  []Pause{{From: d("2026-03-03"), To: d("2026-03-05")}},
			wantDue: "2026-04-02", wantStep: "Day 1 is Fri 6 Mar 2026, the first working day after Mon 2 Mar 2026.",
			notStep: "decision A1",
		},
		{
			// Day 5 is Mon 9 Mar 2026; 30 calendar days after it, leaving out
			// the paused 20-24 Mar: 10-19 Mar (10), 25-31 Mar (17), 1-13 Apr (30).
			name: "PennsylvaniaPauseInExtension", code: "us-pa", received: "2026-03-02", extended: true,
			pauses:  []Pause{{From: d("2026-03-20"), To: d("2026-03-24")}},
			wantDue: "2026-04-13", wantStep: "Day 30 of the extension is Mon 13 Apr 2026: 30 calendar days after Mon 9 Mar 2026, not counting the paused days",
		},
		{
			// Day 5 is Thu 14 May 2026; day 30 after it is Sat 13 Jun, which
			// rolls (1 Pa.C.S. 1908) over the weekend and the pause of
			// Mon 15 - Wed 17 Jun to Thu 18 Jun. The paused days are a pause,
			// not a weekend.
			name: "PennsylvaniaRollOverPause", code: "us-pa", received: "2026-05-07", extended: true,
			pauses:  []Pause{{From: d("2026-06-15"), To: d("2026-06-17")}},
			wantDue: "2026-06-18", wantStep: "Clock stopped from Mon 15 Jun 2026 to Wed 17 Jun 2026",
			notStep: "Mon 15 Jun 2026: weekend",
		},
		{
			// The same period, but the pause is still open on Mon 15 Jun, the
			// day the last day would roll to: the period has run and the
			// clock is stopped, nothing left to count.
			name: "PennsylvaniaRollIntoOpenPause", code: "us-pa", received: "2026-05-07", extended: true,
			pauses:   []Pause{{From: d("2026-06-15")}},
			wantLeft: 0, wantStep: "Clock stopped since Mon 15 Jun 2026 while the agency waits on the requester (Office of Budget RTKL policy: tolled from a prepayment demand until payment), after the period ran",
		},
		{
			name: "PennsylvaniaRollIntoOpenPauseOnSunday", code: "us-pa", received: "2026-05-07", extended: true,
			pauses:   []Pause{{From: d("2026-06-14")}},
			wantLeft: 0, wantStep: "Clock stopped since Sun 14 Jun 2026",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Compute(tc.code, d(tc.received), Options{Extended: tc.extended, Pauses: tc.pauses})
			require.NoError(t, err)
			if tc.wantDue == "" {
				require.True(t, r.Paused)
				require.True(t, r.Due.IsZero())
				require.Equal(t, tc.wantLeft, r.Remaining)
			} else {
				require.False(t, r.Paused)
				require.Equal(t, tc.wantDue, r.Due.String())
			}
			steps := strings.Join(r.Explain(), "\n")
			require.Contains(t, steps, tc.wantStep)
			if tc.notStep != "" {
				require.NotContains(t, steps, tc.notStep)
			}
		})
	}
}

// A law that does not toll names each wait after the due date, so the count
// from receipt to due date reads unbroken.
func TestCompute_IgnoredPausesFollowTheDueDate(t *testing.T) {
	t.Parallel()
	r, err := Compute("us-ca", d("2017-03-27"), Options{Pauses: []Pause{
		{From: d("2017-03-29"), To: d("2017-03-30")},
		{From: d("2017-04-03")},
	}})
	require.NoError(t, err)
	require.Equal(t, "2017-04-06", r.Due.String())
	var kinds []StepKind
	for _, s := range r.Steps {
		kinds = append(kinds, s.Kind)
	}
	require.Equal(t, StepReceived, kinds[0])
	require.Equal(t, StepDayOne, kinds[1])
	require.Equal(t, []StepKind{StepDue, StepPauseIgnored, StepPauseIgnored}, kinds[len(kinds)-3:])
	require.Equal(t, "Waiting on the requester from Mon 3 Apr 2017 does not stop the clock under this law; the due date is unchanged.", r.Explain()[len(kinds)-1])
}

func TestCompute_Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		code     string
		received string
		opts     Options
		want     error
		wantText string
	}{
		{"UnknownJurisdiction", "us-xx", "2024-01-02", Options{}, ErrUnknownJurisdiction, `"us-xx"`},
		{"NoExtensionTexas", "us-tx", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Texas Public Information Act"},
		{"NoExtensionNewYork", "us-ny", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Freedom of Information Law"},
		{"NoExtensionWashington", "us-wa", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Public Records Act"},
		{"NoExtensionMassachusetts", "us-ma", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Public Records Law"},
		{"NoExtensionNewJersey", "us-nj", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Open Public Records Act"},
		{"NoExtensionGeorgia", "us-ga", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Georgia Open Records Act"},
		{"NoExtensionNoDateLaw", "us-fl", "2024-01-02", Options{Extended: true}, ErrNoExtension, "Florida"},
		{"TexasBeforeRule", "us-tx", "2023-08-31", Options{}, ErrOutOfRange, "2023-09-01"},
		{"GeorgiaBeforeLoadedYears", "us-ga", "2023-12-20", Options{}, ErrOutOfRange, "2024-2025"},
		{"GeorgiaAfterLoadedYears", "us-ga", "2026-01-05", Options{}, ErrOutOfRange, "2024-2025"},
		// Received in a loaded year, but the count runs into 2026.
		{"GeorgiaCountRunsOutOfData", "us-ga", "2025-12-30", Options{}, ErrOutOfRange, "not 2026"},
		{"ZeroReceipt", "us-ca", "", Options{}, ErrOutOfRange, "receipt date is required"},
		{"PauseBeforeReceipt", "us-federal", "2024-01-10", Options{Pauses: []Pause{{From: d("2024-01-09"), To: d("2024-01-12")}}}, ErrInvalidPause, "before the request was received"},
		{"PauseEndsBeforeStart", "us-federal", "2024-01-10", Options{Pauses: []Pause{{From: d("2024-01-12"), To: d("2024-01-11")}}}, ErrInvalidPause, "before it starts"},
		{"PauseOverlap", "us-federal", "2024-01-10", Options{Pauses: []Pause{{From: d("2024-01-11"), To: d("2024-01-15")}, {From: d("2024-01-15"), To: d("2024-01-16")}}}, ErrInvalidPause, "before pause 1 ends"},
		{"OpenPauseNotLast", "us-federal", "2024-01-10", Options{Pauses: []Pause{{From: d("2024-01-11")}, {From: d("2024-01-15"), To: d("2024-01-16")}}}, ErrInvalidPause, "still open"},
		{"PauseWithoutStart", "us-federal", "2024-01-10", Options{Pauses: []Pause{{To: d("2024-01-16")}}}, ErrInvalidPause, "no start date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var received Date
			if tc.received != "" {
				received = d(tc.received)
			}
			r, err := Compute(tc.code, received, tc.opts)
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), tc.wantText)
			require.True(t, r.Due.IsZero(), "no date on error")
		})
	}
}

func TestCompute_NoStatutoryDate(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"us-fl", "us-oh", "us-az", "us-or", "us-mn", "us-nc"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			r, err := Compute(code, d("2024-05-01"), Options{})
			require.NoError(t, err)
			require.True(t, r.Due.IsZero())
			require.False(t, r.Paused)
			steps := r.Explain()
			require.Len(t, steps, 1)
			require.Contains(t, steps[0], "No statutory date ("+r.Jurisdiction.Citation+")")
			require.Contains(t, steps[0], `"`, "quotes the law's own words")
		})
	}
}

func TestCompute_Closures(t *testing.T) {
	t.Parallel()
	// CCP 12b: a day the office is closed moves a CPRA last day. Day 10
	// after Mon 27 Mar 2017 is Thu 6 Apr; with the office closed that day
	// the last day is Fri 7 Apr.
	closed := []Holiday{{Date: d("2017-04-06"), Name: "office closed (CCP 12b)"}}
	r, err := Compute("us-ca", d("2017-03-27"), Options{Closures: closed})
	require.NoError(t, err)
	require.Equal(t, "2017-04-07", r.Due.String())
	require.Contains(t, strings.Join(r.Explain(), "\n"), "Thu 6 Apr 2017: office closed (CCP 12b); the last day cannot fall on it.")
	require.Contains(t, r.Explain(), "The last day, Thu 6 Apr 2017, is a weekend day, holiday or office closure day, so it moves forward to Fri 7 Apr 2017 (CCP 12a: a last day on a Saturday, Sunday or judicial holiday moves to the next day that is none of these).")

	// Michigan counts legal holidays only (AG Op. 7172): the closure day is
	// a business day, and a step says so.
	r, err = Compute("us-mi", d("2025-03-03"), Options{Closures: []Holiday{{Date: d("2025-03-05"), Name: "office closed (storm)"}}})
	require.NoError(t, err)
	require.Equal(t, "2025-03-10", r.Due.String())
	require.Contains(t, r.Explain(), "Wed 5 Mar 2025: office closed (storm), counted (AG Op. 7172: business days exclude legal holidays, not days the office closes).")

	// A closure is a non-business day for business-day laws too.
	r, err = Compute("us-ny", d("2025-03-03"), Options{Closures: []Holiday{{Date: d("2025-03-05"), Name: "snow closure"}}})
	require.NoError(t, err)
	require.Equal(t, "2025-03-11", r.Due.String()) // Tue 4, Thu 6, Fri 7, Mon 10, Tue 11
	require.Contains(t, strings.Join(r.Explain(), "\n"), "Wed 5 Mar 2025: snow closure, not counted")
}

func TestCompute_ExplainsEveryStep(t *testing.T) {
	t.Parallel()
	// Received Friday 20 Dec 2024 under FOIA: the weekend, Christmas, New
	// Year's Day and MLK Day are skipped by name; day 20 is Wed 22 Jan 2025.
	r, err := Compute("us-federal", d("2024-12-20"), Options{})
	require.NoError(t, err)
	require.Equal(t, []string{
		"Received Fri 20 Dec 2024; the day of receipt is not counted (DOJ/OIP: the day after receipt is day 1).",
		"Sat 21 Dec 2024 and Sun 22 Dec 2024: weekend, not counted.",
		"Day 1 is Mon 23 Dec 2024, the first working day after Fri 20 Dec 2024.", // a Friday receipt: no decision A1
		"Wed 25 Dec 2024: Christmas Day, not counted (legal public holidays, 5 U.S.C. 6103).",
		"Sat 28 Dec 2024 and Sun 29 Dec 2024: weekend, not counted.",
		"Wed 1 Jan 2025: New Year's Day, not counted (legal public holidays, 5 U.S.C. 6103).",
		"Sat 4 Jan 2025 and Sun 5 Jan 2025: weekend, not counted.",
		"Sat 11 Jan 2025 and Sun 12 Jan 2025: weekend, not counted.",
		"Sat 18 Jan 2025 and Sun 19 Jan 2025: weekend, not counted.",
		"Mon 20 Jan 2025: Birthday of Martin Luther King, Jr., not counted (legal public holidays, 5 U.S.C. 6103).",
		"Day 20 is Wed 22 Jan 2025: 20 working days (5 U.S.C. 552(a)(6)(A)(i)).",
		"Due Wed 22 Jan 2025.",
	}, r.Explain())

	// A CPRA period that spans Thanksgiving counts both holidays, and its
	// last day, Sat 27 Nov 2027, rolls over the weekend to Mon 29 Nov (CCP 12a).
	r, err = Compute("us-ca", d("2027-11-17"), Options{})
	require.NoError(t, err)
	require.Equal(t, "2027-11-29", r.Due.String())
	steps := strings.Join(r.Explain(), "\n")
	require.Contains(t, steps, "Thu 25 Nov 2027: Thanksgiving Day, counted: the period is in calendar days.")
	require.Contains(t, steps, "Fri 26 Nov 2027: Day after Thanksgiving, counted: the period is in calendar days.")
	require.Contains(t, steps, "Sat 27 Nov 2027: weekend; the last day cannot fall on it.")
	require.Contains(t, steps, "The last day, Sat 27 Nov 2027, is a weekend day or holiday, so it moves forward to Mon 29 Nov 2027 (CCP 12a")
}

// Decision A5: the CPRA extension is 24 days from receipt, then the roll,
// not 14 days from the rolled-forward tenth day. Received Mon 14 Nov 2022:
// day 10 is Thu 24 Nov (Thanksgiving), which would roll to Mon 28 Nov;
// day 24 is Thu 8 Dec, a plain weekday.
func TestCompute_CaliforniaExtensionFromUnrolledTenthDay(t *testing.T) {
	t.Parallel()
	r, err := Compute("us-ca", d("2022-11-14"), Options{})
	require.NoError(t, err)
	require.Equal(t, "2022-11-28", r.Due.String())
	r, err = Compute("us-ca", d("2022-11-14"), Options{Extended: true})
	require.NoError(t, err)
	require.Equal(t, "2022-12-08", r.Due.String()) // not 2022-12-12 (28 Nov + 14)
	require.True(t, r.Extended)
}

func TestCompute_PennsylvaniaLastDayUsesWiderList(t *testing.T) {
	t.Parallel()
	// Received Wed 12 Mar 2025: day 5 is Wed 19 Mar; the 30th calendar day
	// after it is Good Friday 18 Apr 2025, which 1 Pa.C.S. 1908 omits as a
	// last day, then the weekend: due Mon 21 Apr.
	r, err := Compute("us-pa", d("2025-03-12"), Options{Extended: true})
	require.NoError(t, err)
	require.Equal(t, "2025-04-21", r.Due.String()) // Good Friday, then the weekend
	steps := strings.Join(r.Explain(), "\n")
	require.Contains(t, steps, "Day 30 of the extension is Fri 18 Apr 2025: 30 calendar days after Wed 19 Mar 2025")
	require.Contains(t, steps, "Fri 18 Apr 2025: Good Friday (Pennsylvania and federal legal holidays, 1 Pa.C.S. 1908)")

	// Good Friday is still a business day within the first five.
	r, err = Compute("us-pa", d("2025-04-15"), Options{})
	require.NoError(t, err)
	require.Equal(t, "2025-04-22", r.Due.String()) // Wed 16, Thu 17, Fri 18, Mon 21, Tue 22
}

// An open pause before an extension's days: they are still owed.
func TestCompute_OpenPauseWithExtension(t *testing.T) {
	t.Parallel()
	// Received Mon 3 Mar 2025; days 1-4 are Tue 4 - Fri 7 Mar; paused from
	// Mon 10 Mar with 16 of 20 working days left, plus the extension's 10.
	r, err := Compute("us-federal", d("2025-03-03"), Options{Extended: true, Pauses: []Pause{{From: d("2025-03-10")}}})
	require.NoError(t, err)
	require.True(t, r.Paused)
	require.Equal(t, 26, r.Remaining)
	steps := strings.Join(r.Explain(), "\n")
	require.Contains(t, steps, "with 26 working days left")
	require.Contains(t, steps, "10 more working days follow the original period once the clock resumes")

	// Pennsylvania's extension is in calendar days: the business days left
	// and the 30 calendar days are reported apart.
	r, err = Compute("us-pa", d("2025-03-03"), Options{Extended: true, Pauses: []Pause{{From: d("2025-03-05")}}})
	require.NoError(t, err)
	require.Equal(t, 4, r.Remaining)
	require.Contains(t, strings.Join(r.Explain(), "\n"), "30 more calendar days follow the original period once the clock resumes")
}

func TestJurisdiction_LastDayOnlyHolidays(t *testing.T) {
	t.Parallel()
	pa, err := Lookup("us-pa")
	require.NoError(t, err)
	hs, err := pa.LastDayOnlyHolidays(2025)
	require.NoError(t, err)
	var names []string
	for _, h := range hs {
		names = append(names, h.Date.String()+" "+h.Name)
	}
	require.Equal(t, []string{"2025-04-18 Good Friday", "2025-06-14 Flag Day", "2025-11-04 Election Day"}, names)
	biz, err := pa.Holidays(2025)
	require.NoError(t, err)
	for _, h := range biz {
		require.NotEqual(t, "Good Friday", h.Name, "Good Friday is a Pennsylvania business day")
	}
	ca, err := Lookup("us-ca")
	require.NoError(t, err)
	hs, err = ca.LastDayOnlyHolidays(2025)
	require.NoError(t, err)
	require.Nil(t, hs)
}

func TestJurisdiction_AddBusinessDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code, from string
		n                int
		want             string
		closed           []Holiday
	}{
		// Due Thu 6 Apr 2017 (CPRA): 3 business days before is Mon 3 Apr;
		// Fri 31 Mar (Cesar Chavez Day) is skipped going further back.
		{"ThreeBefore", "us-ca", "2017-04-06", -3, "2017-04-03", nil},
		{"FourBeforeSkipsChavezDay", "us-ca", "2017-04-06", -4, "2017-03-30", nil},
		{"OneAfterOverWeekend", "us-ca", "2017-04-07", 1, "2017-04-10", nil},
		{"FederalOverThanksgiving", "us-federal", "2024-11-27", 1, "2024-11-29", nil},
		{"Zero", "us-ny", "2025-03-01", 0, "2025-03-01", nil},
		// An agency closure day is skipped like a holiday: Mon 3 Apr, Thu 30
		// and Wed 29 Mar (Thu 30 without it).
		{"ThreeBeforeOverClosure", "us-ny", "2017-04-04", -3, "2017-03-29", []Holiday{{Date: d("2017-03-31"), Actual: d("2017-03-31"), Name: "office closed (snow)"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j, err := Lookup(tc.code)
			require.NoError(t, err)
			got, err := j.AddBusinessDays(d(tc.from), tc.n, tc.closed...)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.String())
		})
	}
	fl, _ := Lookup("us-fl")
	_, err := fl.AddBusinessDays(d("2024-01-02"), 1)
	require.Error(t, err)
}

// Michigan counts an e-mailed or faxed request as received 1 business day
// after it was sent (MCL 15.235(1)); other laws start when the agency
// receives it, which only the requester knows.
func TestJurisdiction_ElectronicReceiptOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code, sent string
		closed           []Holiday
		want             string // "" for no rule
	}{
		{"MIThursdayToFriday", "us-mi", "2024-10-10", nil, "2024-10-11"},
		{"MIFridayOverColumbusDay", "us-mi", "2024-10-11", nil, "2024-10-15"},
		{"MISaturdayToMonday", "us-mi", "2024-04-06", nil, "2024-04-08"},
		{"MIClosureDayIsABusinessDay", "us-mi", "2024-04-08", []Holiday{{Date: MustParseDate("2024-04-09"), Name: "office closed (flood)"}}, "2024-04-09"}, // AG Op. 7172
		{"CANoRule", "us-ca", "2017-03-27", nil, ""},
		{"FLNoDateNoRule", "us-fl", "2024-05-01", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j, err := Lookup(tc.code)
			require.NoError(t, err)
			got, ok, err := j.ElectronicReceiptOn(MustParseDate(tc.sent), tc.closed...)
			require.NoError(t, err)
			require.Equal(t, tc.want != "", ok)
			if ok {
				require.Equal(t, tc.want, got.String())
			}
		})
	}
}

// Decision A1 is named where it applies: a request received on a day that
// is not a business day. A Friday's weekend is plain counting.
func TestCompute_DayOneNamesDecisionA1OnlyForNonBusinessReceipt(t *testing.T) {
	t.Parallel()
	const a1 = "(decision A1: counting starts on the next"
	for _, tc := range []struct {
		name, code, received string
		a1                   bool
	}{
		{"federal, received on a Saturday", "us-federal", "2025-03-15", true},
		{"federal, received on MLK Day", "us-federal", "2025-01-20", true},
		{"federal, received on a Friday", "us-federal", "2025-03-14", false},
		{"New York, received the day before Thanksgiving", "us-ny", "2025-11-26", false},
		{"New York, received on a Tuesday", "us-ny", "2025-03-04", false},
		{"Georgia, received on a Friday of a year not loaded", "us-ga", "2023-12-29", false},
		{"Georgia, received on a Saturday of a year not loaded", "us-ga", "2023-12-30", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Compute(tc.code, d(tc.received), Options{})
			require.NoError(t, err)
			var dayOne string
			for _, s := range r.Explain() {
				if strings.HasPrefix(s, "Day 1 is") {
					dayOne = s
				}
			}
			require.Equal(t, tc.a1, strings.Contains(dayOne, a1), dayOne)
		})
	}
}
