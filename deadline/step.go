package deadline

import (
	"strconv"
)

// StepKind names one kind of explanation step.
type StepKind string

// Step kinds, in the order they usually appear.
const (
	StepNoDeadline     StepKind = "no_deadline"     // the law sets no fixed date
	StepReceived       StepKind = "received"        // receipt; the day itself not counted
	StepDeemed         StepKind = "deemed_received" // non-business-day receipt moved (MA)
	StepDayOne         StepKind = "day_one"         // the first counted day
	StepWeekend        StepKind = "weekend"         // Saturday and/or Sunday not counted
	StepHoliday        StepKind = "holiday"         // a holiday not counted
	StepCountedHoliday StepKind = "holiday_counted" // a holiday counted because the period is in calendar days
	StepPaused         StepKind = "paused"          // days not counted while the clock was stopped
	StepPausedOpen     StepKind = "paused_open"     // the clock is stopped now
	StepPeriodEnd      StepKind = "period_end"      // the last counted day
	StepExtension      StepKind = "extension"       // the extension and where it counts from
	StepRollSkip       StepKind = "roll_skip"       // a day the last day cannot fall on
	StepRolled         StepKind = "rolled"          // the last day moved forward
	StepDue            StepKind = "due"             // the due date
	StepPauseIgnored   StepKind = "pause_ignored"   // waiting on the requester does not stop this law's clock
	StepClosureCounted StepKind = "closure_counted" // an agency closure day this law counts as a business day
)

// Step is one line of a deadline's explanation, in terms a person can check
// against the statute. String renders it.
type Step struct {
	Kind     StepKind
	Date     Date
	Until    Date   // end of a range (weekend, pause, roll target, deemed date)
	N        int    // a day number or count
	Unit     Unit   // of N
	Name     string // holiday name
	Citation string
	Text     string // the law's own words (no-deadline laws)
	// Moved (day_one): the request was received on a day that is not a
	// business day, so day 1 is the next business day (decision A1).
	Moved bool
	// SkipsPause (period_end): paused days fell within the count.
	SkipsPause bool
	// Closure (rolled): a day the roll skipped was an agency closure day.
	Closure bool
}

// dateFmt is how explanations write a date: "Mon 27 Mar 2017".
const dateFmt = "Mon 2 Jan 2006"

// human writes d as dateFmt does, without going through time.Time: lists
// explain every request's date, and this is most of that cost.
func human(d Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.Civil()
	if y < 1000 {
		return d.Format(dateFmt) // time.Format pads the year; never a real request's
	}
	b := make([]byte, 0, len("Wed 30 Sep 2026"))
	b = append(b, d.Weekday().String()[:3]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(dd), 10)
	b = append(b, ' ')
	b = append(b, m.String()[:3]...)
	b = append(b, ' ')
	return string(strconv.AppendInt(b, int64(y), 10))
}

func unitWords(u Unit, word string, n int) string {
	w := "calendar"
	if u == BusinessDays {
		w = word
		if w == "" {
			w = "business"
		}
	}
	if n == 1 {
		return w + " day"
	}
	return w + " days"
}

func cite(c string) string {
	if c == "" {
		return ""
	}
	return " (" + c + ")"
}

// text renders the step; word is the law's name for a business day
// ("business" or "working").
func (s Step) text(word string) string {
	d := human(s.Date)
	switch s.Kind {
	case StepNoDeadline:
		return "No statutory date" + cite(s.Citation) + ": " + s.Text
	case StepReceived:
		return "Received " + d + "; the day of receipt is not counted" + cite(s.Citation) + "."
	case StepDeemed:
		return d + " is not a business day, so the request is deemed received on " + human(s.Until) + " and counting starts the business day after" + cite(s.Citation) + "."
	case StepClosureCounted:
		name := "office closed"
		if s.Name != "" {
			name = s.Name
		}
		return d + ": " + name + ", counted" + cite(s.Citation) + "."
	case StepPauseIgnored:
		span := "from " + d
		if !s.Until.IsZero() {
			span += " to " + human(s.Until)
		}
		return "Waiting on the requester " + span + " does not stop the clock under this law; the due date is unchanged."
	case StepDayOne:
		if s.Unit == CalendarDays {
			return "Day 1 is " + d + ", the day after receipt."
		}
		first := ""
		if s.Moved {
			first = " (decision A1: counting starts on the next " + unitWords(s.Unit, word, 1) + ")"
		}
		return "Day 1 is " + d + ", the first " + unitWords(s.Unit, word, 1) + " after " + human(s.Until) + first + "."
	case StepWeekend:
		if s.Until != s.Date {
			return d + " and " + human(s.Until) + ": weekend, not counted."
		}
		return d + ": weekend, not counted."
	case StepHoliday:
		return d + ": " + s.Name + ", not counted" + cite(s.Citation) + "."
	case StepCountedHoliday:
		return d + ": " + s.Name + ", counted: the period is in calendar days."
	case StepPaused:
		return "Clock stopped from " + d + " to " + human(s.Until) + " while the agency waited on the requester" + cite(s.Citation) + ": those days do not count."
	case StepPausedOpen:
		if s.N == 0 {
			return "Clock stopped since " + d + " while the agency waits on the requester" + cite(s.Citation) + ", after the period ran: when it resumes, the last day is the first day after the pause it may fall on."
		}
		return "Clock stopped since " + d + " while the agency waits on the requester" + cite(s.Citation) + ", with " + strconv.Itoa(s.N) + " " + unitWords(s.Unit, word, s.N) + " left: the due date is set again when it resumes."
	case StepPeriodEnd:
		if !s.Until.IsZero() {
			paused := ""
			if s.SkipsPause {
				paused = ", not counting the paused days"
			}
			return "Day " + strconv.Itoa(s.N) + " of the extension is " + d + ": " + strconv.Itoa(s.N) + " " + unitWords(s.Unit, word, s.N) + " after " + human(s.Until) + paused + cite(s.Citation) + "."
		}
		return "Day " + strconv.Itoa(s.N) + " is " + d + ": " + strconv.Itoa(s.N) + " " + unitWords(s.Unit, word, s.N) + cite(s.Citation) + "."
	case StepExtension:
		if s.Date.IsZero() {
			return "Extension invoked" + cite(s.Citation) + ": " + strconv.Itoa(s.N) + " more " + unitWords(s.Unit, word, s.N) + " follow the original period once the clock resumes."
		}
		return "Extension invoked" + cite(s.Citation) + ": " + strconv.Itoa(s.N) + " more " + unitWords(s.Unit, word, s.N) + ", counted after " + d + ", the last day of the original period before any roll-forward."
	case StepRollSkip:
		why := "weekend"
		if s.Name != "" {
			why = s.Name + cite(s.Citation)
		}
		return d + ": " + why + "; the last day cannot fall on it."
	case StepRolled:
		what := "a weekend day or holiday"
		if s.Closure {
			what = "a weekend day, holiday or office closure day"
		}
		return "The last day, " + d + ", is " + what + ", so it moves forward to " + human(s.Until) + cite(s.Citation) + "."
	case StepDue:
		return "Due " + d + "."
	}
	return string(s.Kind) + " " + d
}

// String renders the step with "business day" as the day word.
func (s Step) String() string { return s.text("") }

// Explain renders every step of the result as a sentence.
func (r Result) Explain() []string {
	word := ""
	if r.Jurisdiction != nil {
		word = r.Jurisdiction.DayWord
	}
	out := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.text(word)
	}
	return out
}
