package deadline

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Errors returned by Compute and the lookups, wrapped with a message that
// names the law or the date. Test with errors.Is.
var (
	ErrUnknownJurisdiction = errors.New("unknown jurisdiction")
	ErrNoExtension         = errors.New("no fixed statutory extension")
	ErrOutOfRange          = errors.New("date outside the law's computable range")
	ErrInvalidPause        = errors.New("invalid pause")
)

// Unit is how a period is counted.
type Unit string

// Counting units.
const (
	CalendarDays Unit = "calendar_days"
	BusinessDays Unit = "business_days"
)

// Extension is a law's fixed extension of the response period.
type Extension struct {
	Days int  `json:"days"`
	Unit Unit `json:"unit"`
	// From says where the extra days are counted from, in words; the engine
	// always counts them from the last day of the original period before any
	// roll-forward (deadline-rules.md §1.3, decision A5).
	From     string `json:"from"`
	Citation string `json:"citation"`
}

// Jurisdiction is one open-records law and how its response deadline is
// computed. Values are defined in jurisdictions.go and never change.
type Jurisdiction struct {
	Code      string `json:"code"`       // "us-ca"
	Region    string `json:"region"`     // "California"
	Law       string `json:"law"`        // "California Public Records Act"
	ShortName string `json:"short_name"` // "CPRA"
	Citation  string `json:"citation"`   // of the initial period

	// Period is the initial response period in Unit; 0 when the law sets no
	// fixed date, in which case NoDeadline quotes the law's own words.
	Period     int    `json:"period"`
	Unit       Unit   `json:"unit"`
	DayWord    string `json:"day_word"` // "business", "working" or "calendar"
	NoDeadline string `json:"no_deadline,omitempty"`

	// ClockStart says what starts the clock; DayOne cites why the day of
	// receipt is not counted.
	ClockStart string `json:"clock_start"`
	DayOne     string `json:"day_one"`
	// DeemedNextBusinessDay: a request received on a non-business day is
	// deemed received on the next business day (Massachusetts).
	DeemedNextBusinessDay bool   `json:"deemed_next_business_day"`
	DeemedCitation        string `json:"deemed_citation,omitempty"`

	// ElectronicReceipt is how many business days after an e-mail, fax or
	// other electronic transmission a request counts as received, where the
	// law fixes it (Michigan: 1, 15.235(1)); 0 where the clock starts when
	// the agency receives it. ElectronicReceiptCitation cites the rule.
	ElectronicReceipt         int    `json:"electronic_receipt,omitempty"`
	ElectronicReceiptCitation string `json:"electronic_receipt_citation,omitempty"`

	// MetByAcknowledgment: the period is for the agency's first response,
	// and a written acknowledgment with an estimated date meets it (New
	// York, Washington). Once the agency has acknowledged the request the
	// date is no longer owed; the agency's estimate is the date to follow.
	MetByAcknowledgment bool `json:"met_by_acknowledgment,omitempty"`
	// ClosuresCounted, where set, cites why an agency's own closure days
	// are business days under this law (Michigan: legal holidays only);
	// they are then counted, each with a step saying why.
	ClosuresCounted string `json:"closures_counted,omitempty"`
	// ClarificationCitation, where set, is why asking the requester to
	// clarify the request is itself one of the responses the period is for
	// (Washington); such a request then counts as acknowledged.
	ClarificationCitation string `json:"clarification_citation,omitempty"`

	// Roll is the rule for a last day on a weekend or holiday; empty where
	// counting in business days always ends on a business day.
	Roll string `json:"roll,omitempty"`

	Extension   *Extension `json:"extension,omitempty"`
	NoExtension string     `json:"no_extension,omitempty"` // why there is none, when Extension is nil

	// Tolls: the clock stops while the agency waits for the requester.
	Tolls        bool   `json:"tolls"`
	TollCitation string `json:"toll_citation"`

	TimeZone string   `json:"time_zone"` // default IANA zone for the law's agencies
	Source   string   `json:"source"`    // where to read the statute
	Notes    []string `json:"notes,omitempty"`

	// EffectiveFrom is the first receipt date the counting rule applies to
	// (Texas 552.0031 from 2023-09-01); zero for no limit.
	EffectiveFrom Date `json:"effective_from"`

	// Business is the calendar of non-business days; Last, when set, is the
	// calendar of days a last day may not fall on (California's judicial
	// holidays, Pennsylvania's wider legal holidays), else Business is used.
	Business *Calendar `json:"-"`
	Last     *Calendar `json:"-"`
}

// Days writes n days of unit in the law's own words: "20 working days".
func (j *Jurisdiction) Days(n int, u Unit) string {
	return strconv.Itoa(n) + " " + unitWords(u, j.DayWord, n)
}

// HasDeadline reports whether the law sets a fixed number of days.
func (j *Jurisdiction) HasDeadline() bool { return j.Period > 0 }

// Holidays returns j's holidays in year: its non-business days, or for a
// calendar-day law the days that move a last day.
func (j *Jurisdiction) Holidays(year int) ([]Holiday, error) {
	if j.Business == nil {
		return nil, fmt.Errorf("%s sets no statutory date, so no holiday calendar applies", j.Law)
	}
	return j.Business.Holidays(year)
}

// LastDayOnlyHolidays returns the days in year that count as business days
// but on which a calendar-day last day may not fall (Pennsylvania's 1 Pa.C.S.
// 1908 list); nil for most laws.
func (j *Jurisdiction) LastDayOnlyHolidays(year int) ([]Holiday, error) {
	if j.Last == nil {
		return nil, nil
	}
	business, err := j.Business.year(year)
	if err != nil {
		return nil, err
	}
	last, err := j.Last.year(year)
	if err != nil {
		return nil, err
	}
	var out []Holiday
	for _, h := range last.list {
		if !business.has(h.Date) {
			out = append(out, h)
		}
	}
	return out, nil
}

func (j *Jurisdiction) lastDayCalendar() *Calendar {
	if j.Last != nil {
		return j.Last
	}
	return j.Business
}

var registry = map[string]*Jurisdiction{}

func register(js ...*Jurisdiction) {
	for _, j := range js {
		if _, dup := registry[j.Code]; dup {
			panic("deadline: duplicate jurisdiction " + j.Code)
		}
		registry[j.Code] = j
	}
}

// Lookup returns the jurisdiction with the given code.
func Lookup(code string) (*Jurisdiction, error) {
	j, ok := registry[code]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownJurisdiction, code, knownCodes())
	}
	return j, nil
}

// Jurisdictions returns every supported jurisdiction ordered by code, those
// with a statutory date first.
func Jurisdictions() []*Jurisdiction {
	out := make([]*Jurisdiction, 0, len(registry))
	for _, j := range registry {
		out = append(out, j)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].HasDeadline() != out[b].HasDeadline() {
			return out[a].HasDeadline()
		}
		return out[a].Code < out[b].Code
	})
	return out
}

// Codes returns every jurisdiction code, sorted.
func Codes() []string {
	out := make([]string, 0, len(registry))
	for c := range registry {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func knownCodes() string {
	s := ""
	for i, c := range Codes() {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// Holidays returns the non-counting days of a jurisdiction in year.
func Holidays(code string, year int) ([]Holiday, error) {
	j, err := Lookup(code)
	if err != nil {
		return nil, err
	}
	return j.Holidays(year)
}

// ElectronicReceiptOn is the legal receipt date of a request sent on sent
// by e-mail, fax or another electronic channel, where the law fixes one
// (decision A9); ok is false where the clock starts on the day the agency
// received it, which only the requester knows. Closures are the agency's
// closure days, skipped like holidays.
func (j *Jurisdiction) ElectronicReceiptOn(sent Date, closures ...Holiday) (received Date, ok bool, err error) {
	if j.ElectronicReceipt == 0 {
		return Date{}, false, nil
	}
	received, err = j.AddBusinessDays(sent, j.ElectronicReceipt, closures...)
	return received, err == nil, err
}

// skippedClosures is the agency closure days the law skips: none where
// they are business days (ClosuresCounted).
func (j *Jurisdiction) skippedClosures(closures []Holiday) []Holiday {
	if j.ClosuresCounted != "" {
		return nil
	}
	return closures
}

// AddBusinessDays returns the date n business days after d (before it when
// n is negative), skipping weekends and the law's holidays: "3 business
// days before the due date" for reminders. For a calendar-day law its
// holiday calendar stands in. A law with no statutory date has no calendar.
// Closures are the agency's closure days, skipped like holidays.
func (j *Jurisdiction) AddBusinessDays(d Date, n int, closures ...Holiday) (Date, error) {
	if j.Business == nil {
		return Date{}, fmt.Errorf("%s sets no statutory date, so it has no business-day calendar", j.Law)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	dc := dayChecker{cal: j.Business, extra: j.skippedClosures(closures)}
	for n > 0 {
		d = d.AddDays(step)
		if d.IsWeekend() {
			continue
		}
		hol, err := dc.holiday(d)
		if err != nil {
			return Date{}, err
		}
		if !hol {
			n--
		}
	}
	return d, nil
}
