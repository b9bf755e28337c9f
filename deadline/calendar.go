package deadline

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rickar/cal/v2"
)

// Holiday is one non-counting day of a calendar in a given year.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
	// Actual is the day the holiday itself falls on when Date is a substitute
	// ("observed") day; otherwise it equals Date.
	Actual Date `json:"actual"`
}

// Observed reports whether h is a substitute day for a holiday on a weekend.
func (h Holiday) Observed() bool { return h.Actual != h.Date }

// Observance says where a holiday falling on a weekend is observed.
type Observance int

// Observance rules. The choice is per jurisdiction and, where a statute says
// so, per holiday (Illinois never moves Juneteenth).
const (
	NoSubstitute   Observance = iota // the holiday stays on the weekend and changes nothing
	SundayToMonday                   // a Sunday holiday is observed on Monday; a Saturday one is not moved
	WeekendToNear                    // Saturday to the Friday before, Sunday to the Monday after
)

func (o Observance) altDays() []cal.AltDay {
	switch o {
	case SundayToMonday:
		return []cal.AltDay{{Day: time.Sunday, Offset: 1}}
	case WeekendToNear:
		return []cal.AltDay{{Day: time.Saturday, Offset: -1}, {Day: time.Sunday, Offset: 1}}
	}
	return []cal.AltDay{} // non-nil: Clone then replaces rickar's default shifts
}

// String describes o for people.
func (o Observance) String() string {
	switch o {
	case SundayToMonday:
		return "a Sunday holiday is observed on the Monday after; a Saturday holiday is not moved"
	case WeekendToNear:
		return "a Saturday holiday is observed on the Friday before, a Sunday holiday on the Monday after"
	}
	return "a holiday on a weekend is not moved to a weekday"
}

// ruleOpt adjusts a rule when a calendar is declared.
type ruleOpt func(*cal.Holiday)

// from sets the first year the holiday applies.
func from(year int) ruleOpt { return func(h *cal.Holiday) { h.StartYear = year } }

// until sets the last year the holiday applies.
func until(year int) ruleOpt { return func(h *cal.Holiday) { h.EndYear = year } }

// observed overrides the calendar's observance for one holiday.
func observed(o Observance) ruleOpt { return func(h *cal.Holiday) { h.Observed = o.altDays() } }

// holiday declares a holiday from a rickar/cal definition under our name.
func holiday(def *cal.Holiday, name string, opts ...ruleOpt) ruleDecl {
	return ruleDecl{def: def, name: name, opts: opts}
}

// fixed declares a holiday on the same month and day every year.
func fixed(m time.Month, d int, name string, opts ...ruleOpt) ruleDecl {
	return holiday(&cal.Holiday{Month: m, Day: d, Func: cal.CalcDayOfMonth}, name, opts...)
}

// nth declares a holiday on the nth weekday of a month (n = -1 for the last).
func nth(n int, wd time.Weekday, m time.Month, name string, opts ...ruleOpt) ruleDecl {
	return holiday(&cal.Holiday{Month: m, Weekday: wd, Offset: n, Func: cal.CalcWeekdayOffset}, name, opts...)
}

type ruleDecl struct {
	def  *cal.Holiday
	name string
	opts []ruleOpt
}

// Calendar is a jurisdiction's set of non-counting weekdays: holiday rules
// valid for any year, plus dates proclaimed year by year where the law leaves
// them to a government (Georgia's list, closure days). Saturdays and Sundays
// are never business days and are not listed. A Calendar is safe for
// concurrent use; each year's set is computed once, on first use.
type Calendar struct {
	// Name says whose holidays these are, e.g. "legal public holidays (5 U.S.C. 6103)".
	Name string
	// Observance is the calendar's default weekend rule.
	Observance Observance

	// rules are rickar/cal definitions (date rule, first and last year,
	// observance) renamed for the explanations.
	rules []*cal.Holiday
	// proclaimed dates, and the years they cover; when set, years outside
	// that range cannot be computed.
	proclaimed          []Holiday
	firstYear, lastYear int
	// minProclaimed is the fewest days a proclaimed year may list: fewer
	// means a list copied incompletely (LoadProclaimed).
	minProclaimed int

	years [MaxYear - MinYear + 1]atomic.Pointer[yearSet]
}

// newCalendar builds a calendar; obs applies to every rule that does not set
// its own observance.
func newCalendar(name string, obs Observance, decls ...ruleDecl) *Calendar {
	c := &Calendar{Name: name, Observance: obs}
	for _, d := range decls {
		def := d.def.Clone(&cal.Holiday{Name: d.name, Observed: obs.altDays()})
		for _, o := range d.opts {
			o(def)
		}
		c.rules = append(c.rules, def)
	}
	return c
}

// withProclaimed returns c with dates fixed by proclamation for the years
// first..last, the only years the calendar can then compute (more can be
// loaded: LoadProclaimed); a year has at least min days.
func (c *Calendar) withProclaimed(first, last, min int, days ...Holiday) *Calendar {
	c.proclaimed = days
	c.firstYear, c.lastYear, c.minProclaimed = first, last, min
	return c
}

// extend returns a new calendar with c's rules plus more, e.g. the wider list
// of legal holidays Pennsylvania uses only for a last day.
func (c *Calendar) extend(name string, decls ...ruleDecl) *Calendar {
	ext := newCalendar(name, c.Observance, decls...)
	ext.rules = append(append([]*cal.Holiday{}, c.rules...), ext.rules...)
	ext.proclaimed, ext.firstYear, ext.lastYear, ext.minProclaimed = c.proclaimed, c.firstYear, c.lastYear, c.minProclaimed
	return ext
}

// Covers reports whether c can compute holidays for year.
func (c *Calendar) Covers(year int) bool {
	if year < MinYear || year > MaxYear {
		return false
	}
	return c.firstYear == 0 || (year >= c.firstYear && year <= c.lastYear)
}

// Range returns the first and last year of proclaimed data, or 0, 0 when the
// calendar is made of rules valid for any year.
func (c *Calendar) Range() (first, last int) { return c.firstYear, c.lastYear }

// Holidays returns the weekday and weekend holidays observed in year, in date
// order, or an error when the year is not covered.
func (c *Calendar) Holidays(year int) ([]Holiday, error) {
	ys, err := c.year(year)
	if err != nil {
		return nil, err
	}
	return append([]Holiday(nil), ys.list...), nil
}

// yearSet is one year of a calendar: a bitset by day of year for the
// counting loop, and the named list for explanations.
type yearSet struct {
	first int32 // day number of 1 January
	days  int32 // 365 or 366
	bits  [6]uint64
	list  []Holiday
}

func (ys *yearSet) has(d Date) bool {
	i := d.n - ys.first
	return ys.bits[i>>6]&(1<<(uint(i)&63)) != 0
}

func (ys *yearSet) name(d Date) string {
	for _, h := range ys.list {
		if h.Date == d {
			return h.Name
		}
	}
	return ""
}

func (c *Calendar) year(y int) (*yearSet, error) {
	if !c.Covers(y) {
		if c.firstYear != 0 {
			return nil, fmt.Errorf("%w: the %s are loaded only for %d-%d, not %d (once published, the operator can load a year's list)", ErrOutOfRange, c.Name, c.firstYear, c.lastYear, y)
		}
		return nil, fmt.Errorf("%w: year %d is outside %d-%d", ErrOutOfRange, y, MinYear, MaxYear)
	}
	slot := &c.years[y-MinYear]
	if ys := slot.Load(); ys != nil {
		return ys, nil
	}
	ys := c.build(y)
	slot.CompareAndSwap(nil, ys) // a racing builder computed the same set
	return slot.Load(), nil
}

func (c *Calendar) build(y int) *yearSet {
	jan1 := Date{n: fromCivil(y, time.January, 1)}
	next := Date{n: fromCivil(y+1, time.January, 1)}
	ys := &yearSet{first: jan1.n, days: next.n - jan1.n}
	add := func(h Holiday) {
		if h.Date.Before(jan1) || !h.Date.Before(next) {
			return
		}
		if ys.has(h.Date) { // two holidays on one day (Texas, 2026: MLK Day and Confederate Heroes Day): both named
			for k := range ys.list {
				if ys.list[k].Date == h.Date && !strings.Contains(ys.list[k].Name, h.Name) {
					ys.list[k].Name += " and " + h.Name
				}
			}
			return
		}
		i := h.Date.n - ys.first
		ys.bits[i>>6] |= 1 << (uint(i) & 63)
		ys.list = append(ys.list, h)
	}
	// An observed day can fall in the year before the holiday: New Year's
	// Day 2028, a Saturday, is observed on Friday 31 December 2027.
	for _, hy := range [...]int{y, y + 1, y - 1} {
		for _, r := range c.rules {
			actual, obs := r.Calc(hy)
			if actual.IsZero() {
				continue
			}
			a, o := DateOf(actual), DateOf(obs)
			name := r.Name
			if a != o {
				name += " (observed)"
			}
			add(Holiday{Date: o, Name: name, Actual: a})
		}
	}
	for _, h := range c.proclaimed {
		if h.Actual.IsZero() {
			h.Actual = h.Date
		}
		add(h)
	}
	sort.Slice(ys.list, func(i, j int) bool { return ys.list[i].Date.Before(ys.list[j].Date) })
	return ys
}

// dayChecker answers "is this day a holiday?" in a counting loop without a
// lock or an allocation: it keeps the year set of the last day it was asked.
type dayChecker struct {
	cal *Calendar
	ys  *yearSet
	// extra non-counting days for one computation (an agency's closures)
	extra []Holiday
}

func (dc *dayChecker) holiday(d Date) (bool, error) {
	if dc.ys == nil || d.n < dc.ys.first || d.n >= dc.ys.first+dc.ys.days {
		ys, err := dc.cal.year(d.Year())
		if err != nil {
			return false, err
		}
		dc.ys = ys
	}
	if dc.ys.has(d) {
		return true, nil
	}
	for _, h := range dc.extra {
		if h.Date == d {
			return true, nil
		}
	}
	return false, nil
}

// name returns the name of the holiday on d and the calendar it comes from
// ("" for an extra day, whose name says why).
func (dc *dayChecker) name(d Date) (name, calendar string) {
	if n := dc.ys.name(d); n != "" {
		return n, dc.cal.Name
	}
	for _, h := range dc.extra {
		if h.Date == d {
			return h.Name, ""
		}
	}
	return "", ""
}
