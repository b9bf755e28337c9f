package deadline

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/us"
)

// Holiday calendars, one per law, as rules valid for any year. Sources and
// the decisions behind each list are in ../shared/deadline-rules.md §3-4 and
// docs/deadlines.md. Dates come from rickar/cal definitions (fixed dates,
// nth and last weekdays, Easter offsets, offsets from another holiday); the
// observance rule is the jurisdiction's (decision A7).

// Rules shared by most lists.
var (
	lincolnsBirthday = &cal.Holiday{Month: time.February, Day: 12, Func: cal.CalcDayOfMonth}
	electionDay      = &cal.Holiday{Month: time.November, Day: 2, Weekday: time.Tuesday, Offset: 1, Func: cal.CalcWeekdayFrom} // Tuesday after the first Monday
	flagDay          = &cal.Holiday{Month: time.June, Day: 14, Func: cal.CalcDayOfMonth}
	juneteenth       = &cal.Holiday{Month: time.June, Day: 19, Func: cal.CalcDayOfMonth}
	// The day after Thanksgiving is Thanksgiving + 1 (rickar/cal's CalcOffset),
	// never "the 4th Friday": in 2024 Thanksgiving is 28 November and the 4th
	// Friday is the 22nd.
	dayAfterThanksgiving = us.DayAfterThanksgivingDay
)

// usFederal: 5 U.S.C. 6103(a); observed days per 6103(b) and EO 11582
// (decision A3). Executive-order closures are working days (decision A2).
var usFederal = newCalendar("legal public holidays, 5 U.S.C. 6103", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Birthday of Martin Luther King, Jr.", from(1986)),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(us.Juneteenth, "Juneteenth National Independence Day", from(2021)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usCA: the CCP 135 judicial holidays, which with every Saturday and Sunday
// move a CPRA last day under CCP 12a (decision A4); weekend holidays observed
// per Cal. Rules of Court 1.11. Admission Day, Lunar New Year, Genocide
// Remembrance Day, Diwali and Good Friday (noon to 3) are state holidays but
// not judicial ones (decision A11).
var usCA = newCalendar("California judicial holidays, CCP 135", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Dr. Martin Luther King, Jr. Day", from(1986)),
	holiday(lincolnsBirthday, "Lincoln Day"),
	holiday(us.PresidentsDay, "Washington Day"),
	fixed(time.March, 31, "Cesar Chavez Day", from(2001)),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2023)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	nth(4, time.Friday, time.September, "Native American Day", from(2022)), // AB 855 (2021)
	holiday(us.ColumbusDay, "Columbus Day", until(2021)),                   // AB 855 (2021)
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(dayAfterThanksgiving, "Day after Thanksgiving"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usTX: Gov't Code 552.0031 (from 2023-09-01): national holidays of
// 662.003(a) and state holidays of 662.003(b); optional holidays and
// substitute days count only if the officer observes them, so neither is
// listed (decision A7).
var usTX = newCalendar("Texas national and state holidays, Gov't Code 662.003(a)-(b)", NoSubstitute,
	holiday(us.NewYear, "New Year's Day"),
	fixed(time.January, 19, "Confederate Heroes Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr., Day"),
	holiday(us.PresidentsDay, "Presidents' Day"),
	fixed(time.March, 2, "Texas Independence Day"),
	fixed(time.April, 21, "San Jacinto Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Emancipation Day in Texas"),
	holiday(us.IndependenceDay, "Independence Day"),
	fixed(time.August, 27, "Lyndon Baines Johnson Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(dayAfterThanksgiving, "Friday after Thanksgiving Day"),
	fixed(time.December, 24, "December 24"),
	holiday(us.ChristmasDay, "Christmas Day"),
	fixed(time.December, 26, "December 26"),
)

// usNY: General Construction Law 24; a Sunday holiday moves to Monday, a
// Saturday one does not. Lincoln's Birthday and general election day are
// kept although some local offices stay open (decision A6).
var usNY = newCalendar("New York public holidays, General Construction Law 24", SundayToMonday,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Dr. Martin Luther King, Jr. Day"),
	holiday(lincolnsBirthday, "Lincoln's Birthday"),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	holiday(us.MemorialDay, "Memorial Day"),
	nth(2, time.Sunday, time.June, "Flag Day", observed(NoSubstitute)),
	holiday(juneteenth, "Juneteenth", from(2021)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(electionDay, "General Election Day"),
	holiday(us.VeteransDay, "Veterans' Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usIL: the core State holidays; Juneteenth is never moved (decision A7).
// Casimir Pulaski Day, Good Friday, the day after Thanksgiving and election
// day are contested and left out (decision A6).
var usIL = newCalendar("Illinois State holidays, 5 ILCS 490", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Dr. Martin Luther King, Jr.'s Birthday"),
	holiday(lincolnsBirthday, "Lincoln's Birthday"),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth National Freedom Day", from(2022), observed(NoSubstitute)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usWA: RCW 1.16.050. Columbus Day is only a recognized day.
var usWA = newCalendar("Washington legal holidays, RCW 1.16.050", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(us.PresidentsDay, "Presidents' Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2022)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.VeteransDay, "Veterans' Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(dayAfterThanksgiving, "Native American Heritage Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usPA: the Commonwealth office holidays that make business days;
// Juneteenth has been one since 2022.
var usPA = newCalendar("Pennsylvania Commonwealth holidays", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(us.PresidentsDay, "Presidents' Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2022)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(dayAfterThanksgiving, "Day after Thanksgiving"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usPALastDay: 1 Pa.C.S. 1908 omits, for the last day of a period, any
// Pennsylvania or federal legal holiday, which adds these to the office
// holidays. Used only for the last day of the 30-day extension.
var usPALastDay = usPA.extend("Pennsylvania and federal legal holidays, 1 Pa.C.S. 1908",
	holiday(aa.GoodFriday, "Good Friday"),
	holiday(flagDay, "Flag Day", observed(NoSubstitute)),
	holiday(electionDay, "Election Day"),
	holiday(us.Juneteenth, "Juneteenth National Independence Day", until(2021)), // from 2022 an office holiday
)

// usMA: G.L. c. 4 s. 7 cl. 18; a Sunday holiday moves to Monday, a Saturday
// one does not. Suffolk-only days and the day after Thanksgiving are not
// counted (decision A6).
var usMA = newCalendar("Massachusetts legal holidays, G.L. c. 4 s. 7 cl. 18", SundayToMonday,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	nth(3, time.Monday, time.April, "Patriots' Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth Independence Day", from(2021)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usNJ: N.J.S.A. 36:1-1; Lincoln's Birthday is not a State holiday there.
var usNJ = newCalendar("New Jersey public holidays, N.J.S.A. 36:1-1", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr.'s Birthday"),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	holiday(aa.GoodFriday, "Good Friday"),
	holiday(us.MemorialDay, "Memorial Day"),
	nth(3, time.Friday, time.June, "Juneteenth Day", from(2021)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(electionDay, "General Election Day"),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usVA: Va. Code 2.2-3300. Election Day replaced Lee-Jackson Day in 2020.
// Governor-designated extra days are not included.
var usVA = newCalendar("Virginia legal holidays, Va. Code 2.2-3300", WeekendToNear,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Lee-Jackson Day", until(2020), func(h *cal.Holiday) { h.CalcOffset = -3 }), // the Friday before the third Monday
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(us.PresidentsDay, "George Washington Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2021)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day and Yorktown Victory Day"),
	holiday(electionDay, "Election Day", from(2020)),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(dayAfterThanksgiving, "Day after Thanksgiving"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usCO: C.R.S. 24-11-101; a Sunday holiday moves to Monday only. Cabrini Day
// replaced Columbus Day in 2020.
var usCO = newCalendar("Colorado legal holidays, C.R.S. 24-11-101", SundayToMonday,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(us.PresidentsDay, "Washington-Lincoln Day"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2022)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day", until(2019)),
	nth(1, time.Monday, time.October, "Frances Xavier Cabrini Day", from(2020)),
	holiday(us.VeteransDay, "Veterans Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usMI: MCL 435.101, as read by AG Op. 7172: legal holidays, not days the
// office happens to close (decision A6). A Saturday holiday is not moved.
var usMI = newCalendar("Michigan legal holidays, MCL 435.101", SundayToMonday,
	holiday(us.NewYear, "New Year's Day"),
	holiday(us.MlkDay, "Martin Luther King, Jr. Day"),
	holiday(lincolnsBirthday, "Lincoln's Birthday"),
	holiday(us.PresidentsDay, "Washington's Birthday"),
	holiday(us.MemorialDay, "Memorial Day"),
	holiday(juneteenth, "Juneteenth", from(2024)),
	holiday(us.IndependenceDay, "Independence Day"),
	holiday(us.LaborDay, "Labor Day"),
	holiday(us.ColumbusDay, "Columbus Day"),
	holiday(us.VeteransDay, "Veterans' Day"),
	holiday(us.ThanksgivingDay, "Thanksgiving Day"),
	holiday(us.ChristmasDay, "Christmas Day"),
)

// usGA: the Governor proclaims Georgia's State holidays each year (O.C.G.A.
// 1-4-1), so only the published years can be computed (decision A10). Add a
// year's list here when georgia.gov publishes it; until a release carries
// it, an operator can load it (LoadProclaimed). 1-4-1(b) closes state
// offices at least 12 days a year.
var usGA = newCalendar("Georgia State holidays as proclaimed by the Governor, O.C.G.A. 1-4-1", NoSubstitute).
	withProclaimed(2024, 2025, 12,
		gaDay("2024-01-01", "New Year's Day"),
		gaDay("2024-01-15", "Martin Luther King, Jr.'s Birthday"),
		gaDay("2024-03-29", "State Holiday"),
		gaDay("2024-05-27", "Memorial Day"),
		gaDay("2024-06-19", "Juneteenth"),
		gaDay("2024-07-04", "Independence Day"),
		gaDay("2024-09-02", "Labor Day"),
		gaDay("2024-10-14", "Columbus Day"),
		gaDay("2024-11-11", "Veterans Day"),
		gaDay("2024-11-28", "Thanksgiving Day"),
		gaDay("2024-11-29", "State Holiday"),
		gaDay("2024-12-24", "Washington's Birthday (observed)"),
		gaDay("2024-12-25", "Christmas Day"),
		gaDay("2025-01-01", "New Year's Day"),
		gaDay("2025-01-20", "Martin Luther King, Jr.'s Birthday"),
		gaDay("2025-04-18", "State Holiday"),
		gaDay("2025-05-26", "Memorial Day"),
		gaDay("2025-06-19", "Juneteenth"),
		gaDay("2025-07-04", "Independence Day"),
		gaDay("2025-09-01", "Labor Day"),
		gaDay("2025-10-13", "Columbus Day"),
		gaDay("2025-11-11", "Veterans Day"),
		gaDay("2025-11-27", "Thanksgiving Day"),
		gaDay("2025-11-28", "State Holiday"),
		gaDay("2025-12-25", "Christmas Day"),
		gaDay("2025-12-26", "Washington's Birthday (observed)"),
	)

func gaDay(date, name string) Holiday {
	d := MustParseDate(date)
	return Holiday{Date: d, Name: name, Actual: d}
}
