package deadline

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Date is a civil calendar date (YYYY-MM-DD) with no time of day and no time
// zone. Deadlines are dates in the law's sense, so they are never stored as a
// time.Time at midnight UTC, which shifts by a day as soon as it meets a
// local zone.
//
// A Date is a day number, which makes arithmetic and weekday cheap. The zero
// Date is "no date": IsZero reports it, JSON writes it as null and SQL as NULL.
type Date struct {
	n int32 // days since 0000-03-01 in the proleptic Gregorian calendar, plus one; 0 means unset
}

// Supported years. Outside them the day-number conversions would still work,
// but no statute or calendar here means anything there.
const (
	MinYear = 1900
	MaxYear = 2199
)

// NewDate returns the date y-m-d. It reports an error for impossible dates
// (2023-02-29) and years outside MinYear..MaxYear.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("year %d is outside %d-%d", y, MinYear, MaxYear)
	}
	if m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, fmt.Errorf("%04d-%02d-%02d is not a calendar date", y, int(m), d)
	}
	return Date{n: fromCivil(y, m, d)}, nil
}

// MustDate is NewDate for constants in code and tests; it panics on a bad date.
func MustDate(y int, m time.Month, d int) Date {
	dt, err := NewDate(y, m, d)
	if err != nil {
		panic(err)
	}
	return dt
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{n: fromCivil(y, m, d)}
}

// Today returns the civil date of now in loc: "today" for an agency is the
// date on its own wall clock.
func Today(now time.Time, loc *time.Location) Date {
	return DateOf(now.In(loc))
}

// ParseDate parses exactly YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return NewDate(y, time.Month(m), d)
}

// MustParseDate is ParseDate for constants in code and tests; it panics on error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.n == 0 }

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) { return toCivil(d.n) }

// Year returns d's year.
func (d Date) Year() int { y, _, _ := toCivil(d.n); return y }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday {
	// Day number 1 is 0000-03-01, a Wednesday.
	return time.Weekday((int(d.n)-1+3)%7+7) % 7
}

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{n: d.n + int32(n)} }

// DaysUntil returns the number of days from d to e (negative when e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.n - d.n) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

// Format formats d with a time.Format layout, e.g. "Mon 2 Jan 2006".
func (d Date) Format(layout string) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format(layout)
}

func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.Civil()
	return append(b,
		byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-',
		byte('0'+dd/10), byte('0'+dd%10))
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. Empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := append(make([]byte, 0, 12), '"')
	return append(d.appendTo(b), '"'), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errors.New("a date must be a string in the form YYYY-MM-DD")
	}
	v, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: a Postgres DATE literal, or NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for a Postgres DATE. lib/pq hands a DATE over
// as a time.Time at midnight UTC; only its civil fields are kept.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case []byte:
		return d.UnmarshalText(v)
	case string:
		return d.UnmarshalText([]byte(v))
	default:
		return fmt.Errorf("deadline: cannot scan %T into a Date", src)
	}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// fromCivil and toCivil are Howard Hinnant's days_from_civil/civil_from_days,
// shifted so that day 1 is 0000-03-01 (years start in March, putting the leap
// day last). Valid for years 0..9999, far beyond MinYear..MaxYear.
func fromCivil(y int, m time.Month, d int) int32 {
	if m <= time.February {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe + 1)
}

func toCivil(n int32) (int, time.Month, int) {
	z := int(n) - 1
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := (mp+2)%12 + 1
	if m <= 2 {
		y++
	}
	return y, time.Month(m), d
}
