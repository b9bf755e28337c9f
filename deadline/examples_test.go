package deadline_test

// Independent worked examples for the deadline engine. Every expected date
// below was counted by hand from ../shared/deadline-rules.md (sections 1-4,
// decisions A1-A12) and the holiday lists of docs/deadlines.md, on a
// calendar, without running the engine. "BD" = business
// day, "WD" = working day, "CD" = calendar day; day 1 is always the day after
// receipt (rules 1.1, 1.2), except Massachusetts (rule 1.2, 950 CMR 32.06(2)(e)).

import (
	"errors"
	"testing"

	"github.com/sunshine-records/sunshine/deadline"
)

func d(s string) deadline.Date { return deadline.MustParseDate(s) }

func TestWorkedExamples(t *testing.T) {
	type example struct {
		name      string
		code      string
		received  string
		extended  bool
		pauses    []deadline.Pause
		want      string // expected Due; "" means the zero Date
		paused    bool
		remaining int
		err       error
	}
	cases := []example{
		// ---------------------------------------------------------------
		// us-federal: 5 U.S.C. 552(a)(6)(A)(i), 20 WD excluding Sat, Sun and
		// 5 U.S.C. 6103 legal public holidays; observed days are non-working (A3);
		// EO closure days are working days (A2); +10 WD under 552(a)(6)(B)(i).
		// ---------------------------------------------------------------

		// Plain: Mon 2024-03-04; March 2024 has no federal holiday.
		// Mar 5-8 (4), 11-15 (9), 18-22 (14), 25-29 (19), Apr 1 (20).
		{name: "federal/plain", code: "us-federal", received: "2024-03-04", want: "2024-04-01"},
		// Extension (rule 1.3: base + 10 WD = 30 WD after receipt): ... Apr 1 (20),
		// Apr 2-5 (24), Apr 8-12 (29), Apr 15 (30).
		{name: "federal/extended +10 WD", code: "us-federal", received: "2024-03-04", extended: true, want: "2024-04-15"},
		// Crosses Veterans Day (Mon Nov 11) and Thanksgiving (Thu Nov 28); the
		// day after Thanksgiving is a working day (rules 3.1).
		// Nov 4-8 (5), 12-15 (9), 18-22 (14), 25-27 (17), 29 (18), Dec 2 (19), Dec 3 (20).
		{name: "federal/Veterans Day and Thanksgiving, Nov 29 counted", code: "us-federal", received: "2024-11-01", want: "2024-12-03"},
		// Weekend receipt (Sat 2024-06-15): day 1 is Mon Jun 17 (A1). Juneteenth
		// (Wed Jun 19, 6103 since 2021) and Jul 4 (Thu) are skipped.
		// Jun 17-18 (2), 20-21 (4), 24-28 (9), Jul 1-3 (12), 5 (13), 8-12 (18), 15-16 (20).
		{name: "federal/Saturday receipt, Juneteenth and July 4", code: "us-federal", received: "2024-06-15", want: "2024-07-16"},
		// A2: EO closures 2024-12-24 and 2025-01-09 count as working days.
		// Dec 17-20 (4), 23-24 (6), 26-27 (8), 30-31 (10), Jan 2-3 (12),
		// Jan 6-10 (17), 13-15 (20).
		{name: "federal/A2 EO closure days counted", code: "us-federal", received: "2024-12-16", want: "2025-01-15"},
		// Rules 3.1: New Year's Day 2028 (Sat) observed Fri 2027-12-31; Christmas
		// 2027 (Sat) observed Fri 2027-12-24. Mon 2027-12-06:
		// Dec 7-10 (4), 13-17 (9), 20-23 (13), 27-30 (17), Jan 3-5 2028 (20).
		{name: "federal/New Year 2028 observed Fri 2027-12-31", code: "us-federal", received: "2027-12-06", want: "2028-01-05"},
		// Tolling (rule 1.4, 552(a)(6)(A)(ii)): paused Mon Mar 11 - Fri Mar 15
		// inclusive; counting resumes Mar 18. Mar 5-8 (4), 18-22 (9),
		// 25-29 (14), Apr 1-5 (19), Apr 8 (20).
		{name: "federal/closed pause", code: "us-federal", received: "2024-03-04",
			pauses: []deadline.Pause{{From: d("2024-03-11"), To: d("2024-03-15")}}, want: "2024-04-08"},
		// Open pause from Mar 11: 4 WD counted (Mar 5-8), 16 remain, no date.
		{name: "federal/open pause", code: "us-federal", received: "2024-03-04",
			pauses: []deadline.Pause{{From: d("2024-03-11")}}, want: "", paused: true, remaining: 16},
		// A pause starting before receipt is invalid.
		{name: "federal/pause before receipt", code: "us-federal", received: "2024-03-04",
			pauses: []deadline.Pause{{From: d("2024-03-01"), To: d("2024-03-05")}}, err: deadline.ErrInvalidPause},

		// ---------------------------------------------------------------
		// us-ca: Gov. Code 7922.535(a) 10 CD; CCP 12 excludes the first day;
		// CCP 12a rolls a last day on Sat/Sun/CCP 135 holiday (CRC 1.11 observed
		// days, rules 3.2, A4); extension 24 CD from receipt, then roll (A5).
		// ---------------------------------------------------------------

		// The CPRA example in the brief: Mon 2017-03-27 + 10 = Thu Apr 6.
		{name: "ca/CPRA example", code: "us-ca", received: "2017-03-27", want: "2017-04-06"},
		// Same, extended: + 24 = Thu Apr 20 (A5).
		{name: "ca/CPRA example extended", code: "us-ca", received: "2017-03-27", extended: true, want: "2017-04-20"},
		// FAC worked example (rules 1.1): received Monday Apr 10, due Thursday
		// Apr 20. Apr 10 is a Monday in 2017 and in 2023.
		{name: "ca/FAC example 2017", code: "us-ca", received: "2017-04-10", want: "2017-04-20"},
		{name: "ca/FAC example 2023", code: "us-ca", received: "2023-04-10", want: "2023-04-20"},
		// Plain weekend receipt: calendar days, so Sat 2024-06-08 + 10 = Tue Jun 18.
		{name: "ca/Saturday receipt", code: "us-ca", received: "2024-06-08", want: "2024-06-18"},
		// Last day Sat 2024-03-16 rolls to Mon Mar 18 (CCP 12a).
		{name: "ca/last day Saturday rolls to Monday", code: "us-ca", received: "2024-03-06", want: "2024-03-18"},
		// Sunday receipt; last day Wed 2024-06-19 is Juneteenth (judicial since
		// 2023, rules 3.2) and rolls to Thu Jun 20.
		{name: "ca/last day Juneteenth 2024", code: "us-ca", received: "2024-06-09", want: "2024-06-20"},
		// 2024-11-19 + 10 = Fri Nov 29, the day after Thanksgiving (CCP 135;
		// Thanksgiving is Nov 28 in 2024, so NOT the 4th Friday Nov 22),
		// then Sat, Sun -> Mon Dec 2.
		{name: "ca/2024 day after Thanksgiving Nov 29 rolls", code: "us-ca", received: "2024-11-19", want: "2024-12-02"},
		// 2024-11-12 + 10 = Fri Nov 22, the 4th Friday, an ordinary court day
		// (rules 2, MuckRock note).
		{name: "ca/2024 4th Friday Nov 22 is not a holiday", code: "us-ca", received: "2024-11-12", want: "2024-11-22"},
		// 2017: Tue Nov 14 + 10 = Fri Nov 24 (day after Thanksgiving) -> Mon Nov 27.
		{name: "ca/2017 day after Thanksgiving rolls", code: "us-ca", received: "2017-11-14", want: "2017-11-27"},
		// A5: Fri 2024-11-01 + 10 = Mon Nov 11 (Veterans Day) -> Tue Nov 12.
		{name: "ca/last day Veterans Day rolls", code: "us-ca", received: "2024-11-01", want: "2024-11-12"},
		// A5: extension is 24 days from receipt (Mon Nov 25), not 14 from the
		// rolled day 10 (which would give Tue Nov 26).
		{name: "ca/A5 extension 24 days from receipt", code: "us-ca", received: "2024-11-01", extended: true, want: "2024-11-25"},
		// A5 then roll: Tue 2024-11-05 + 24 = Fri Nov 29 -> Mon Dec 2.
		{name: "ca/A5 extension then roll", code: "us-ca", received: "2024-11-05", extended: true, want: "2024-12-02"},
		// Columbus Day is not judicial from 2022 (AB 855): last day Mon 2024-10-14 stands.
		{name: "ca/Columbus Day 2024 not judicial", code: "us-ca", received: "2024-10-04", want: "2024-10-14"},
		// Columbus Day was judicial in 2017 (rules 3.2): Mon 2017-10-09 -> Tue Oct 10.
		{name: "ca/Columbus Day 2017 judicial", code: "us-ca", received: "2017-09-29", want: "2017-10-10"},
		// CRC 1.11: Jul 4 2026 (Sat) observed Fri Jul 3. Tue 2026-06-23 + 10 =
		// Fri Jul 3 -> Sat, Sun -> Mon Jul 6.
		{name: "ca/CRC 1.11 Jul 3 2026 observed", code: "us-ca", received: "2026-06-23", want: "2026-07-06"},

		// ---------------------------------------------------------------
		// us-tx: Gov't Code 552.221(d)/552.301(b) 10 BD; 552.0031 BD from
		// 2023-09-01 = not Sat/Sun/662.003(a)/(b) holiday, no substitute days (A7).
		// ---------------------------------------------------------------

		// Plain: Mon 2024-03-04 (Texas Independence Day Mar 2 was a Saturday).
		// Mar 5-8 (4), 11-15 (9), 18 (10).
		{name: "tx/plain", code: "us-tx", received: "2024-03-04", want: "2024-03-18"},
		// Dec 24, 25, 26 (662.003(a)(9), (b)(7), (b)(8)) and Jan 1.
		// Dec 17-20 (4), 23 (5), 27 (6), 30-31 (8), Jan 2-3 (10).
		{name: "tx/Dec 24-26 and New Year", code: "us-tx", received: "2024-12-16", want: "2025-01-03"},
		// Confederate Heroes Day Fri 2024-01-19 (662.003(b)(1)) and MLK Jan 15.
		// Jan 11-12 (2), 16-18 (5), 22-26 (10).
		{name: "tx/Confederate Heroes Day and MLK", code: "us-tx", received: "2024-01-10", want: "2024-01-26"},
		// Friday after Thanksgiving (662.003(b)(6)): Nov 18-22 (5), 25-27 (8),
		// Dec 2 (9), Dec 3 (10).
		{name: "tx/Thanksgiving and Friday after", code: "us-tx", received: "2024-11-15", want: "2024-12-03"},
		// Weekend receipt Sat 2024-08-24; LBJ Day Tue Aug 27 (b)(5), Labor Day Sep 2.
		// Aug 26 (1), 28-30 (4), Sep 3-6 (8), 9-10 (10).
		{name: "tx/Saturday receipt, LBJ Day and Labor Day", code: "us-tx", received: "2024-08-24", want: "2024-09-10"},
		// Weekend receipt Sat 2025-03-01; Texas Independence Day Sun Mar 2 has no
		// Monday substitute (A7, research notes). Mar 3-7 (5), 10-14 (10).
		{name: "tx/Saturday receipt, Mar 2 on Sunday not moved", code: "us-tx", received: "2025-03-01", want: "2025-03-14"},
		// First day of 552.0031: Fri 2023-09-01, Labor Day Sep 4.
		// Sep 5-8 (4), 11-15 (9), 18 (10).
		{name: "tx/first day of 552.0031", code: "us-tx", received: "2023-09-01", want: "2023-09-18"},
		// A10: before 2023-09-01 the engine refuses.
		{name: "tx/received 2023-08-31 out of range", code: "us-tx", received: "2023-08-31", err: deadline.ErrOutOfRange},
		// A8: no fixed statutory extension.
		{name: "tx/extension refused", code: "us-tx", received: "2024-03-04", extended: true, err: deadline.ErrNoExtension},

		// ---------------------------------------------------------------
		// us-ny: POL 89(3)(a) 5 BD; GCL 24 holidays (Lincoln's Birthday, general
		// election day every year), Sun->Mon only, no Saturday rule (A7).
		// ---------------------------------------------------------------

		// Plain: Mar 5-8 (4), Mar 11 (5).
		{name: "ny/plain", code: "us-ny", received: "2024-03-04", want: "2024-03-11"},
		// Lincoln's Birthday Wed 2025-02-12 and Washington's Birthday Mon Feb 17.
		// Feb 11 (1), 13-14 (3), 18-19 (5).
		{name: "ny/Lincoln's Birthday", code: "us-ny", received: "2025-02-10", want: "2025-02-19"},
		// Election Day Tue 2025-11-04 (odd year) and Veterans Day Tue Nov 11.
		// Nov 5-7 (3), 10 (4), 12 (5).
		{name: "ny/Election Day 2025 and Veterans Day", code: "us-ny", received: "2025-11-03", want: "2025-11-12"},
		// Saturday receipt 2024-06-15; Juneteenth Wed Jun 19 (since 2021).
		// Jun 17-18 (2), 20-21 (4), 24 (5).
		{name: "ny/Saturday receipt, Juneteenth", code: "us-ny", received: "2024-06-15", want: "2024-06-24"},
		// Jul 4 2026 is a Saturday: no Friday substitute in NY (A7).
		// Jul 1-3 (3), 6-7 (5).
		{name: "ny/Saturday holiday not moved to Friday", code: "us-ny", received: "2026-06-30", want: "2026-07-07"},
		// A8: no fixed extension.
		{name: "ny/extension refused", code: "us-ny", received: "2024-03-04", extended: true, err: deadline.ErrNoExtension},

		// ---------------------------------------------------------------
		// us-il: 5 ILCS 140/3(d) 5 BD, 3(e) +5 BD; core State holidays with
		// Sat->Fri, Sun->Mon except Juneteenth never moved; Pulaski Day, Good
		// Friday, day after Thanksgiving left out (rules 3.3, A6, A7).
		// ---------------------------------------------------------------

		// Plain: Apr 9-12 (4), Apr 15 (5).
		{name: "il/plain", code: "us-il", received: "2024-04-08", want: "2024-04-15"},
		// Extension: +5 BD from the original due date: Apr 16-19 (9), Apr 22 (10).
		{name: "il/extended +5 BD", code: "us-il", received: "2024-04-08", extended: true, want: "2024-04-22"},
		// Lincoln's Birthday Wed 2025-02-12, Presidents' Day Feb 17.
		// Feb 11 (1), 13-14 (3), 18-19 (5).
		{name: "il/Lincoln's Birthday", code: "us-il", received: "2025-02-10", want: "2025-02-19"},
		// Juneteenth Sat 2027-06-19 is not moved (5 ILCS 490/63): Fri Jun 18 counts.
		// Jun 15-18 (4), Jun 21 (5).
		{name: "il/Juneteenth on Saturday 2027 not moved", code: "us-il", received: "2027-06-14", want: "2027-06-21"},
		// Casimir Pulaski Day Mon 2025-03-03 is counted (A6, contested).
		// Mar 3-7 (5).
		{name: "il/Pulaski Day counted", code: "us-il", received: "2025-02-28", want: "2025-03-07"},
		// Sunday receipt 2024-06-16; Juneteenth Wed Jun 19.
		// Jun 17-18 (2), 20-21 (4), 24 (5).
		{name: "il/Sunday receipt, Juneteenth", code: "us-il", received: "2024-06-16", want: "2024-06-24"},

		// ---------------------------------------------------------------
		// us-wa: RCW 42.56.520(1) 5 BD; RCW 1.16.050 holidays, Sat->Fri, Sun->Mon;
		// Native American Heritage Day = Thanksgiving + 1; Columbus Day not a holiday.
		// ---------------------------------------------------------------

		// Plain: Apr 9-12 (4), Apr 15 (5).
		{name: "wa/plain", code: "us-wa", received: "2024-04-08", want: "2024-04-15"},
		// Thanksgiving Thu 2024-11-28 and Native American Heritage Day Fri Nov 29.
		// Nov 26-27 (2), Dec 2-4 (5).
		{name: "wa/Native American Heritage Day", code: "us-wa", received: "2024-11-25", want: "2024-12-04"},
		// Saturday receipt 2024-10-12; Columbus Day Oct 14 is a business day.
		// Oct 14-18 (5).
		{name: "wa/Saturday receipt, Columbus Day counted", code: "us-wa", received: "2024-10-12", want: "2024-10-18"},
		// Jul 4 2026 (Sat) observed Fri Jul 3 (RCW 1.16.050 Sat->Fri).
		// Jul 1-2 (2), 6-8 (5).
		{name: "wa/Saturday holiday observed Friday", code: "us-wa", received: "2026-06-30", want: "2026-07-08"},
		// A8: no fixed extension.
		{name: "wa/extension refused", code: "us-wa", received: "2024-04-08", extended: true, err: deadline.ErrNoExtension},

		// ---------------------------------------------------------------
		// us-pa: 65 P.S. 67.901 5 BD (Commonwealth office holidays); extension
		// 67.902(b)(2): 30 CD after the 5th BD, last day rolled under 1 Pa.C.S.
		// 1908 (Sat/Sun/PA or US legal holiday incl. Good Friday, Flag Day,
		// Election Day, federal Juneteenth).
		// ---------------------------------------------------------------

		// Plain: Apr 9-12 (4), Apr 15 (5).
		{name: "pa/plain", code: "us-pa", received: "2024-04-08", want: "2024-04-15"},
		// Extension: 5th BD Mon Apr 15 + 30 CD = Wed May 15.
		{name: "pa/extended 30 CD after 5th BD", code: "us-pa", received: "2024-04-08", extended: true, want: "2024-05-15"},
		// Day after Thanksgiving is a Commonwealth holiday.
		// Nov 26-27 (2), Dec 2-4 (5).
		{name: "pa/Thanksgiving and day after", code: "us-pa", received: "2024-11-25", want: "2024-12-04"},
		// Saturday receipt 2024-01-13; MLK Mon Jan 15.
		// Jan 16-19 (4), Jan 22 (5).
		{name: "pa/Saturday receipt, MLK", code: "us-pa", received: "2024-01-13", want: "2024-01-22"},
		// 1908 roll over Good Friday: Wed 2025-03-12, 5th BD Wed Mar 19
		// (Mar 13-14, 17-19); + 30 = Fri Apr 18 = Good Friday 2025 -> Sat, Sun -> Mon Apr 21.
		{name: "pa/extension last day Good Friday", code: "us-pa", received: "2025-03-12", extended: true, want: "2025-04-21"},
		// 1908 roll over Flag Day: Wed 2024-05-08, 5th BD Wed May 15
		// (May 9-10, 13-15); + 30 = Fri Jun 14 = Flag Day -> Sat, Sun -> Mon Jun 17.
		{name: "pa/extension last day Flag Day", code: "us-pa", received: "2024-05-08", extended: true, want: "2024-06-17"},
		// Tolling (rule 1.4: the OB policy tolls from a prepayment demand until
		// payment): paused Wed Apr 10 - Fri Apr 12. Apr 9 (1), Apr 15-18 (5).
		{name: "pa/closed pause", code: "us-pa", received: "2024-04-08",
			pauses: []deadline.Pause{{From: d("2024-04-10"), To: d("2024-04-12")}}, want: "2024-04-18"},

		// ---------------------------------------------------------------
		// us-ma: G.L. c. 66 s. 10(b), 950 CMR 32.06(2)(b) 10 BD; a request
		// received on a non-business day is deemed received the next BD and the
		// count starts the BD after (32.06(2)(e), rule 1.2, A1); c. 4 s. 7 cl. 18
		// holidays incl. Patriots' Day, Sun->Mon only.
		// ---------------------------------------------------------------

		// Plain: Mar 5-8 (4), 11-15 (9), 18 (10).
		{name: "ma/plain", code: "us-ma", received: "2024-03-04", want: "2024-03-18"},
		// Patriots' Day Mon 2025-04-21 (Good Friday Apr 18 is a business day).
		// Apr 15-18 (4), 22-25 (8), 28-29 (10).
		{name: "ma/Patriots' Day", code: "us-ma", received: "2025-04-14", want: "2025-04-29"},
		// Saturday receipt 2024-03-02: deemed received Mon Mar 4, day 1 Tue Mar 5
		// -> Mon Mar 18 (elsewhere day 1 would be Mar 4 and the 10th BD Mar 15).
		{name: "ma/Saturday receipt deemed next business day", code: "us-ma", received: "2024-03-02", want: "2024-03-18"},
		// Receipt on Patriots' Day 2025-04-21: deemed Tue Apr 22, day 1 Wed Apr 23.
		// Apr 23-25 (3), 28-May 2 (8), May 5-6 (10).
		{name: "ma/holiday receipt deemed next business day", code: "us-ma", received: "2025-04-21", want: "2025-05-06"},
		// Jul 4 2026 (Sat) is not moved to Friday in MA.
		// Jun 29-Jul 3 (5), Jul 6-10 (10).
		{name: "ma/Saturday holiday not moved", code: "us-ma", received: "2026-06-26", want: "2026-07-10"},
		// Extensions are not modelled (rules 2, A8).
		{name: "ma/extension refused", code: "us-ma", received: "2024-03-04", extended: true, err: deadline.ErrNoExtension},

		// ---------------------------------------------------------------
		// us-nj: N.J.S.A. 47:1A-5(i) 7 BD; 36:1-1 holidays incl. Good Friday,
		// general election day every year, Juneteenth = 3rd Friday of June;
		// Lincoln's Birthday not a holiday; Sat->Fri, Sun->Mon.
		// ---------------------------------------------------------------

		// Plain: Mar 5-8 (4), 11-13 (7).
		{name: "nj/plain", code: "us-nj", received: "2024-03-04", want: "2024-03-13"},
		// Good Friday 2025-04-18 (Easter Apr 20).
		// Apr 15-17 (3), 21-24 (7).
		{name: "nj/Good Friday", code: "us-nj", received: "2025-04-14", want: "2025-04-24"},
		// General election day Tue 2025-11-04 and Veterans Day Tue Nov 11.
		// Nov 3 (1), 5-7 (4), 10 (5), 12-13 (7).
		{name: "nj/Election Day and Veterans Day", code: "us-nj", received: "2025-10-31", want: "2025-11-13"},
		// Juneteenth = 3rd Friday, 2025-06-20; Thu Jun 19 counts.
		// Jun 17-19 (3), 23-26 (7).
		{name: "nj/Juneteenth third Friday", code: "us-nj", received: "2025-06-16", want: "2025-06-26"},
		// Sunday receipt 2024-02-11; Lincoln's Birthday Mon Feb 12 counts
		// (36:1-1(d)); Presidents Day Feb 19. Feb 12-16 (5), 20-21 (7).
		{name: "nj/Sunday receipt, Lincoln's Birthday counted", code: "us-nj", received: "2024-02-11", want: "2024-02-21"},

		// ---------------------------------------------------------------
		// us-va: Va. Code 2.2-3704(B) 5 WD, +7 WD; 2.2-3300 holidays incl. day
		// after Thanksgiving and Election Day (from 2020); Sat->Fri, Sun->Mon.
		// ---------------------------------------------------------------

		// Plain: Apr 9-12 (4), Apr 15 (5).
		{name: "va/plain", code: "us-va", received: "2024-04-08", want: "2024-04-15"},
		// Extension +7 = 12 WD: Apr 16-19 (9), 22-24 (12).
		{name: "va/extended +7 WD", code: "us-va", received: "2024-04-08", extended: true, want: "2024-04-24"},
		// Thanksgiving and the day after, 2024-11-28/29. Nov 26-27 (2), Dec 2-4 (5).
		{name: "va/day after Thanksgiving", code: "us-va", received: "2024-11-25", want: "2024-12-04"},
		// Election Day Tue 2024-11-05 and Veterans Day Mon Nov 11.
		// Nov 4 (1), 6-8 (4), 12 (5).
		{name: "va/Election Day and Veterans Day", code: "us-va", received: "2024-11-01", want: "2024-11-12"},
		// Same, extended: Nov 13-15 (8), 18-21 (12).
		{name: "va/Election Day extended", code: "us-va", received: "2024-11-01", extended: true, want: "2024-11-21"},
		// Saturday receipt 2024-08-31; Labor Day Sep 2. Sep 3-6 (4), 9 (5).
		{name: "va/Saturday receipt, Labor Day", code: "us-va", received: "2024-08-31", want: "2024-09-09"},

		// ---------------------------------------------------------------
		// us-co: C.R.S. 24-72-203(3)(b) 3 WD, +7 WD; 24-11-101 holidays: Cabrini
		// Day (1st Mon Oct) from 2020, Columbus Day until 2019; Sun->Mon only (A7).
		// ---------------------------------------------------------------

		// Plain: Apr 9-11 (3).
		{name: "co/plain", code: "us-co", received: "2024-04-08", want: "2024-04-11"},
		// Extension +7 = 10 WD: Apr 9-12 (4), 15-19 (9), 22 (10).
		{name: "co/extended +7 WD", code: "us-co", received: "2024-04-08", extended: true, want: "2024-04-22"},
		// Cabrini Day Mon 2024-10-07. Oct 8-10 (3).
		{name: "co/Cabrini Day 2024", code: "us-co", received: "2024-10-04", want: "2024-10-10"},
		// Columbus Day Mon 2024-10-14 is a working day from 2020. Oct 14-16 (3).
		{name: "co/Columbus Day 2024 counted", code: "us-co", received: "2024-10-11", want: "2024-10-16"},
		// Extension across both: Oct 8-11 (4), 14 (5), 15-18 (9), 21 (10).
		{name: "co/Cabrini Day extended", code: "us-co", received: "2024-10-04", extended: true, want: "2024-10-21"},
		// Before 2020: 1st Monday Oct 7 2019 counts. Oct 7-9 (3).
		{name: "co/2019 first Monday of October counted", code: "us-co", received: "2019-10-04", want: "2019-10-09"},
		// Before 2020: Columbus Day Mon 2019-10-14 is a holiday. Oct 15-17 (3).
		{name: "co/2019 Columbus Day holiday", code: "us-co", received: "2019-10-11", want: "2019-10-17"},
		// Saturday receipt 2024-06-15; Juneteenth Wed Jun 19 (from 2022).
		// Jun 17-18 (2), 20 (3).
		{name: "co/Saturday receipt, Juneteenth", code: "us-co", received: "2024-06-15", want: "2024-06-20"},
		// Jul 4 2026 (Sat) is not moved (A7): Fri Jul 3 counts. Jul 2-3 (2), 6 (3).
		{name: "co/Saturday holiday not moved", code: "us-co", received: "2026-07-01", want: "2026-07-06"},

		// ---------------------------------------------------------------
		// us-mi: MCL 15.235(2) 5 BD, +10 BD (15 BD after receipt, Key v. Paw
		// Paw Twp.); MCL 435.101 holidays incl. Lincoln's Birthday and Columbus
		// Day, Juneteenth from 2024, no day after Thanksgiving (A6, AG Op. 7172).
		// ---------------------------------------------------------------

		// Plain: Apr 9-12 (4), Apr 15 (5).
		{name: "mi/plain", code: "us-mi", received: "2024-04-08", want: "2024-04-15"},
		// Extension: 15 BD: Apr 16-19 (9), 22-26 (14), 29 (15).
		{name: "mi/extended +10 BD", code: "us-mi", received: "2024-04-08", extended: true, want: "2024-04-29"},
		// Lincoln's Birthday Wed 2025-02-12, Washington's Birthday Feb 17.
		// Feb 11 (1), 13-14 (3), 18-19 (5).
		{name: "mi/Lincoln's Birthday", code: "us-mi", received: "2025-02-10", want: "2025-02-19"},
		// Sunday receipt 2024-10-13; Columbus Day Mon Oct 14. Oct 15-18 (4), 21 (5).
		{name: "mi/Sunday receipt, Columbus Day", code: "us-mi", received: "2024-10-13", want: "2024-10-21"},
		// Extension across Columbus Day: Oct 10-11 (2), 15-18 (6), 21-25 (11), 28-31 (15).
		{name: "mi/Columbus Day extended", code: "us-mi", received: "2024-10-09", extended: true, want: "2024-10-31"},
		// Day after Thanksgiving is a business day. Nov 26-27 (2), 29 (3), Dec 2-3 (5).
		{name: "mi/day after Thanksgiving counted", code: "us-mi", received: "2024-11-25", want: "2024-12-03"},
		// Juneteenth Wed 2024-06-19 (2023 PA 54). Jun 18 (1), 20-21 (3), 24-25 (5).
		{name: "mi/Juneteenth 2024", code: "us-mi", received: "2024-06-17", want: "2024-06-25"},

		// ---------------------------------------------------------------
		// us-ga: O.C.G.A. 50-18-71(b)(1)(A) 3 BD; only the Governor's 2024 and
		// 2025 lists (rules 3.3 Georgia list, rule 1.5, A10).
		// ---------------------------------------------------------------

		// Plain: Apr 9-11 (3).
		{name: "ga/plain", code: "us-ga", received: "2024-04-08", want: "2024-04-11"},
		// Proclaimed State Holiday Fri 2024-03-29. Mar 28 (1), Apr 1-2 (3).
		{name: "ga/proclaimed State Holiday Mar 29 2024", code: "us-ga", received: "2024-03-27", want: "2024-04-02"},
		// Washington's Birthday observed Tue 2024-12-24 + Christmas Wed Dec 25.
		// Dec 23 (1), 26-27 (3).
		{name: "ga/Washington's Birthday observed Dec 24 2024", code: "us-ga", received: "2024-12-20", want: "2024-12-27"},
		// Presidents' Day Mon 2024-02-19 is NOT on Georgia's list. Feb 19-21 (3).
		{name: "ga/third Monday of February counted", code: "us-ga", received: "2024-02-16", want: "2024-02-21"},
		// Christmas Thu 2025-12-25 and Washington's Birthday observed Fri Dec 26.
		// Dec 24 (1), 29-30 (3).
		{name: "ga/Dec 25-26 2025", code: "us-ga", received: "2025-12-23", want: "2025-12-30"},
		// Saturday receipt 2025-12-20: Dec 22-24 (3) (Dec 24 2025 not on the list).
		{name: "ga/Saturday receipt", code: "us-ga", received: "2025-12-20", want: "2025-12-24"},
		// Received in 2026: no holiday list loaded (A10).
		{name: "ga/received 2026 out of range", code: "us-ga", received: "2026-01-05", err: deadline.ErrOutOfRange},
		// Received 2025-12-30: the count runs into 2026 (Jan 1 2026 onward),
		// whose list is not loaded (rule 1.5, A10).
		{name: "ga/count runs into 2026 out of range", code: "us-ga", received: "2025-12-30", err: deadline.ErrOutOfRange},
		// A8: no fixed extension.
		{name: "ga/extension refused", code: "us-ga", received: "2024-04-08", extended: true, err: deadline.ErrNoExtension},

		// ---------------------------------------------------------------
		// Other.
		// ---------------------------------------------------------------

		// Florida: Fla. Stat. 119.07(1) sets no fixed days ("no statutory date").
		{name: "fl/no statutory date", code: "us-fl", received: "2024-04-08", want: ""},
		// Unknown code.
		{name: "unknown jurisdiction", code: "us-zz", received: "2024-04-08", err: deadline.ErrUnknownJurisdiction},
	}

	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			res, err := deadline.Compute(tc.code, d(tc.received), deadline.Options{Extended: tc.extended, Pauses: tc.pauses})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Compute(%s, %s, ext=%v) error = %v, want %v (due %s)", tc.code, tc.received, tc.extended, err, tc.err, res.Due)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compute(%s, %s, ext=%v) unexpected error: %v", tc.code, tc.received, tc.extended, err)
			}
			var want deadline.Date
			if tc.want != "" {
				want = d(tc.want)
			}
			if res.Due != want {
				t.Errorf("Compute(%s, %s, ext=%v) Due = %s, want %s", tc.code, tc.received, tc.extended, res.Due, want)
			}
			if res.Paused != tc.paused {
				t.Errorf("Paused = %v, want %v", res.Paused, tc.paused)
			}
			if tc.paused && res.Remaining != tc.remaining {
				t.Errorf("Remaining = %d, want %d", res.Remaining, tc.remaining)
			}
		})
	}
}
