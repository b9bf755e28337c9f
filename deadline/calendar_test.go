package deadline

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func holidayDates(t *testing.T, code string, year int) []string {
	t.Helper()
	hs, err := Holidays(code, year)
	require.NoError(t, err)
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Date.String()
	}
	return out
}

// The published calendars of deadline-rules.md §3.1-3.2 (checked against
// published calendars for 2017 and 2024-2028), date for date.
func TestHolidays_PublishedCalendars(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		code string
		year int
		want string
	}{
		// §3.2, the bold (CCP 135 judicial) dates. 2017: Columbus Day is
		// judicial, Native American Day (Fri Sep 22) is not; New Year's Day,
		// Lincoln Day (Sundays) and Veterans Day (a Saturday) are observed.
		{"CA2017", "us-ca", 2017, "01-02 01-16 02-13 02-20 03-31 05-29 07-04 09-04 10-09 11-10 11-23 11-24 12-25"},
		// 2024: Chavez Day (Sunday) observed Monday; Native American Day
		// judicial, Columbus Day not (AB 855); day after Thanksgiving is Nov 29.
		{"CA2024", "us-ca", 2024, "01-01 01-15 02-12 02-19 04-01 05-27 06-19 07-04 09-02 09-27 11-11 11-28 11-29 12-25"},
		{"CA2025", "us-ca", 2025, "01-01 01-20 02-12 02-17 03-31 05-26 06-19 07-04 09-01 09-26 11-11 11-27 11-28 12-25"},
		// 2026: July 4 is a Saturday, observed Friday Jul 3 (CRC 1.11).
		{"CA2026", "us-ca", 2026, "01-01 01-19 02-12 02-16 03-31 05-25 06-19 07-03 09-07 09-25 11-11 11-26 11-27 12-25"},
		// 2027: Juneteenth, Christmas and New Year 2028 fall on Saturdays.
		{"CA2027", "us-ca", 2027, "01-01 01-18 02-12 02-15 03-31 05-31 06-18 07-05 09-06 09-24 11-11 11-25 11-26 12-24 12-31"},
		// 2028: Jan 1 was observed in 2027; Lincoln Day and Veterans Day on Saturdays.
		{"CA2028", "us-ca", 2028, "01-17 02-11 02-21 03-31 05-29 06-19 07-04 09-04 09-22 11-10 11-23 11-24 12-25"},
		// §3.1, 5 U.S.C. 6103 with Friday/Monday observed days.
		{"Federal2017", "us-federal", 2017, "01-02 01-16 02-20 05-29 07-04 09-04 10-09 11-10 11-23 12-25"},
		{"Federal2024", "us-federal", 2024, "01-01 01-15 02-19 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25"},
		{"Federal2027", "us-federal", 2027, "01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31"},
		{"Federal2028", "us-federal", 2028, "01-17 02-21 05-29 06-19 07-04 09-04 10-09 11-10 11-23 12-25"},
		// Juneteenth starts in 2021 (Act of June 17, 2021): Saturday, observed Friday Jun 18.
		{"Federal2021", "us-federal", 2021, "01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31"},
		{"Federal2020NoJuneteenth", "us-federal", 2020, "01-01 01-20 02-17 05-25 07-03 09-07 10-12 11-11 11-26 12-25"},
		// §3.3 Georgia: the Governor's 2024 list, including Washington's Birthday on Dec 24.
		{"GA2024", "us-ga", 2024, "01-01 01-15 03-29 05-27 06-19 07-04 09-02 10-14 11-11 11-28 11-29 12-24 12-25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var want []string
			for _, md := range strings.Fields(tc.want) {
				year := tc.year
				want = append(want, MustParseDate(itoa4(year)+"-"+md).String())
			}
			require.Equal(t, want, holidayDates(t, tc.code, tc.year))
		})
	}
}

func itoa4(y int) string { return MustDate(y, time.January, 1).String()[:4] }

func TestHolidays_Rules(t *testing.T) {
	t.Parallel()
	has := func(t *testing.T, code, date string) (string, bool) {
		t.Helper()
		d := MustParseDate(date)
		hs, err := Holidays(code, d.Year())
		require.NoError(t, err)
		for _, h := range hs {
			if h.Date == d {
				return h.Name, true
			}
		}
		return "", false
	}
	for _, tc := range []struct {
		name, code, date string
		want             bool
		wantName         string
	}{
		// Thanksgiving + 1, not the 4th Friday (MuckRock's bug, deadline-rules.md §2).
		{"DayAfterThanksgiving2024IsNov29", "us-ca", "2024-11-29", true, "Day after Thanksgiving"},
		{"FourthFriday2024IsNotAHoliday", "us-ca", "2024-11-22", false, ""},
		{"WANativeAmericanHeritageDay2024", "us-wa", "2024-11-29", true, "Native American Heritage Day"},
		// California's 2022 change (AB 855): Columbus Day out, Native American Day in.
		{"CAColumbus2021", "us-ca", "2021-10-11", true, "Columbus Day"},
		{"CANoColumbus2022", "us-ca", "2022-10-10", false, ""},
		{"CANoNativeAmericanDay2021", "us-ca", "2021-09-24", false, ""},
		{"CANativeAmericanDay2022", "us-ca", "2022-09-23", true, "Native American Day"},
		// California Juneteenth is judicial from 2023 only.
		{"CANoJuneteenth2022", "us-ca", "2022-06-20", false, ""},
		{"CAJuneteenth2023ObservedMonday", "us-ca", "2023-06-19", true, "Juneteenth"},
		// Never judicial: Admission Day, Lunar New Year, Genocide Remembrance Day (A11).
		{"CANoAdmissionDay", "us-ca", "2025-09-09", false, ""},
		{"CANoGenocideRemembranceDay", "us-ca", "2025-04-24", false, ""},
		// Colorado: Cabrini Day replaces Columbus Day from 2020.
		{"COColumbus2019", "us-co", "2019-10-14", true, "Columbus Day"},
		{"CONoColumbus2020", "us-co", "2020-10-12", false, ""},
		{"COCabrini2020", "us-co", "2020-10-05", true, "Frances Xavier Cabrini Day"},
		// Colorado moves Sunday holidays only: Saturday 4 July 2026 is not moved.
		{"CONoFridayFor2026July4", "us-co", "2026-07-03", false, ""},
		{"COSundayToMonday2022Dec26", "us-co", "2022-12-26", true, "Christmas Day (observed)"},
		// Illinois never moves Juneteenth (A7): Saturday 19 June 2027 stays.
		{"ILJuneteenth2027Saturday", "us-il", "2027-06-19", true, "Juneteenth National Freedom Day"},
		{"ILNoJuneteenthFriday2027", "us-il", "2027-06-18", false, ""},
		{"ILIndependenceDayObservedFriday2026", "us-il", "2026-07-03", true, "Independence Day (observed)"},
		// New York: no Saturday rule; election day every year; Lincoln's Birthday.
		{"NYNoFridayFor2026July4", "us-ny", "2026-07-03", false, ""},
		{"NYElectionDay2025", "us-ny", "2025-11-04", true, "General Election Day"},
		{"NYLincoln2025", "us-ny", "2025-02-12", true, "Lincoln's Birthday"},
		// Massachusetts: Patriots' Day, third Monday in April.
		{"MAPatriotsDay2025", "us-ma", "2025-04-21", true, "Patriots' Day"},
		// New Jersey: Good Friday; Juneteenth on the third Friday of June.
		{"NJGoodFriday2025", "us-nj", "2025-04-18", true, "Good Friday"},
		{"NJJuneteenth2025", "us-nj", "2025-06-20", true, "Juneteenth Day"},
		{"NJNotJune19", "us-nj", "2025-06-19", false, ""},
		// Virginia: Lee-Jackson Day until 2020, Election Day from 2020.
		{"VALeeJackson2020", "us-va", "2020-01-17", true, "Lee-Jackson Day"},
		{"VANoLeeJackson2021", "us-va", "2021-01-15", false, ""},
		{"VANoElectionDay2019", "us-va", "2019-11-05", false, ""},
		{"VAElectionDay2020", "us-va", "2020-11-03", true, "Election Day"},
		// Michigan: Juneteenth from 2024.
		{"MINoJuneteenth2023", "us-mi", "2023-06-19", false, ""},
		{"MIJuneteenth2024", "us-mi", "2024-06-19", true, "Juneteenth"},
		// Texas: state holidays, no substitutes.
		{"TXDec26", "us-tx", "2025-12-26", true, "December 26"},
		{"TXConfederateHeroesDay", "us-tx", "2024-01-19", true, "Confederate Heroes Day"},
		// Two holidays on one day are both named (MLK Day is 19 Jan 2026).
		{"TXConfederateHeroesDayIsMLKDay2026", "us-tx", "2026-01-19", true, "Confederate Heroes Day and Martin Luther King, Jr., Day"},
		{"TXNoColumbusDay", "us-tx", "2024-10-14", false, ""},
		// Pennsylvania: Good Friday and Election Day are business days (they
		// only stop a last day, TestJurisdiction_LastDayOnlyHolidays).
		{"PAGoodFridayIsBusinessDay", "us-pa", "2025-04-18", false, ""},
		{"PAElectionDayIsBusinessDay", "us-pa", "2025-11-04", false, ""},
		{"PAJuneteenthOfficeHoliday2022", "us-pa", "2022-06-20", true, "Juneteenth (observed)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name, ok := has(t, tc.code, tc.date)
			require.Equal(t, tc.want, ok, "holiday on %s in %s", tc.date, tc.code)
			require.Equal(t, tc.wantName, name)
		})
	}
}

func TestHolidays_Errors(t *testing.T) {
	t.Parallel()
	_, err := Holidays("us-ga", 2026)
	require.ErrorIs(t, err, ErrOutOfRange)
	require.Contains(t, err.Error(), "2024-2025")
	_, err = Holidays("us-zz", 2026)
	require.ErrorIs(t, err, ErrUnknownJurisdiction)
	_, err = Holidays("us-fl", 2026)
	require.Error(t, err)
	_, err = Holidays("us-ca", 1899)
	require.ErrorIs(t, err, ErrOutOfRange)
}

// Every rule-based calendar yields, in every supported year, a sorted list
// of distinct dates inside that year.
func TestHolidays_EveryYearWellFormed(t *testing.T) {
	t.Parallel()
	for _, j := range Jurisdictions() {
		c := j.Business
		if c == nil {
			continue
		}
		first, last := MinYear, MaxYear
		if f, l := c.Range(); f != 0 {
			first, last = f, l
		}
		for y := first; y <= last; y++ {
			hs, err := c.Holidays(y)
			require.NoError(t, err)
			require.NotEmpty(t, hs, "%s %d", j.Code, y)
			for i, h := range hs {
				require.Equal(t, y, h.Date.Year(), "%s %s", j.Code, h.Name)
				require.NotEmpty(t, h.Name)
				if i > 0 {
					require.True(t, hs[i-1].Date.Before(h.Date), "%s %d not sorted at %s", j.Code, y, h.Date)
				}
			}
		}
	}
}

func TestCalendar_ConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	c := newCalendar("test", WeekendToNear, fixed(time.July, 4, "Independence Day"))
	var wg sync.WaitGroup
	results := make([][]Holiday, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.Holidays(2026)
		}()
	}
	wg.Wait()
	for _, r := range results {
		require.Equal(t, []Holiday{{Date: MustParseDate("2026-07-03"), Name: "Independence Day (observed)", Actual: MustParseDate("2026-07-04")}}, r)
	}
}
