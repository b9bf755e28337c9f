package deadline

import (
	"fmt"
	"time"
)

// Pause is a stretch of days during which the agency waits on the requester
// (clarification, fees). From and To are both paused days; counting resumes
// the day after To. A zero To means the request is still paused.
type Pause struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Open reports whether the pause has not ended.
func (p Pause) Open() bool { return p.To.IsZero() }

// Options are the facts of one request that change its deadline.
type Options struct {
	// Extended: the agency invoked the law's fixed extension.
	Extended bool
	// Pauses in date order, not overlapping; only the last may be open.
	Pauses []Pause
	// Closures are extra days the agency's office was closed (CCP 12b,
	// executive orders). They do not count as business days and a last day
	// does not fall on them.
	Closures []Holiday
}

// Result is a computed deadline and the reasons for it.
type Result struct {
	Jurisdiction *Jurisdiction
	Received     Date
	// Due is the last day for the agency to respond; zero when the law sets
	// no date or while the clock is paused.
	Due      Date
	Extended bool
	// Paused: the clock is stopped by an open pause under a law that tolls;
	// Remaining then says how many days are left to count when it resumes.
	Paused    bool
	Remaining int
	Steps     []Step
}

// Compute returns the response deadline of a request received on received
// under the jurisdiction with the given code.
func Compute(code string, received Date, opts Options) (Result, error) {
	j, err := Lookup(code)
	if err != nil {
		return Result{}, err
	}
	return j.Compute(received, opts)
}

// Compute returns the response deadline of a request received on received.
// It never guesses: a law with no fixed period yields no date, an extension
// the law does not give is ErrNoExtension, and dates the law or its calendar
// cannot count are ErrOutOfRange.
func (j *Jurisdiction) Compute(received Date, opts Options) (Result, error) {
	r := Result{Jurisdiction: j, Received: received, Extended: opts.Extended}
	if received.IsZero() {
		return r, fmt.Errorf("%w: the receipt date is required", ErrOutOfRange)
	}
	if err := checkPauses(received, opts.Pauses); err != nil {
		return r, err
	}
	if !j.HasDeadline() {
		if opts.Extended {
			return r, fmt.Errorf("%w: %s (%s) sets no statutory date, so there is no extension to invoke; set a custom date instead", ErrNoExtension, j.Law, j.Citation)
		}
		r.Steps = append(make([]Step, 0, 1), Step{Kind: StepNoDeadline, Date: received, Text: j.NoDeadline, Citation: j.Citation})
		return r, nil
	}
	if opts.Extended && j.Extension == nil {
		return r, fmt.Errorf("%w: %s: %s; set a custom date instead", ErrNoExtension, j.Law, j.NoExtension)
	}
	if !j.EffectiveFrom.IsZero() && received.Before(j.EffectiveFrom) {
		return r, fmt.Errorf("%w: %s counts business days under its current rule only for requests received on or after %s", ErrOutOfRange, j.Law, j.EffectiveFrom)
	}

	closures := j.skippedClosures(opts.Closures)
	c := counter{j: j, r: &r, pauses: opts.Pauses,
		business: dayChecker{cal: j.Business, extra: closures},
		last:     dayChecker{cal: j.lastDayCalendar(), extra: closures}}
	if j.ClosuresCounted != "" {
		c.counted = opts.Closures
	}
	r.Steps = make([]Step, 0, 16)
	if err := c.run(received, opts.Extended); err != nil {
		return Result{Jurisdiction: j, Received: received, Extended: opts.Extended}, err
	}
	return r, nil
}

// counter walks the calendar one day at a time. The walk is short (a few
// dozen days) and allocation-free apart from the Steps slice.
type counter struct {
	j              *Jurisdiction
	r              *Result
	pauses         []Pause
	business, last dayChecker
	counted        []Holiday // agency closure days the law counts (ClosuresCounted)
}

func (c *counter) run(received Date, extended bool) error {
	j, r := c.j, c.r
	start := received
	r.Steps = append(r.Steps, Step{Kind: StepReceived, Date: received, Citation: j.DayOne})
	if j.DeemedNextBusinessDay {
		ok, err := c.isBusinessDay(received)
		if err != nil {
			return err
		}
		if !ok {
			deemed, err := c.nextBusinessDay(received)
			if err != nil {
				return err
			}
			r.Steps = append(r.Steps, Step{Kind: StepDeemed, Date: received, Until: deemed, Citation: j.DeemedCitation})
			start = deemed
		}
	}

	end, done, err := c.count(start, j.Period, j.Unit, j.Citation, 0)
	if err != nil {
		return err
	}
	if !done {
		if extended { // the extension's days are still to come once the clock resumes
			e := j.Extension
			if e.Unit == j.Unit {
				r.Remaining += e.Days
				r.Steps[len(r.Steps)-1].N = r.Remaining
			}
			r.Steps = append(r.Steps, Step{Kind: StepExtension, N: e.Days, Unit: e.Unit, Citation: e.Citation})
		}
		return nil
	}
	if extended {
		e := j.Extension
		r.Steps = append(r.Steps, Step{Kind: StepExtension, Date: end, N: e.Days, Unit: e.Unit, Citation: e.Citation})
		end, done, err = c.count(end, e.Days, e.Unit, e.Citation, j.Period)
		if err != nil || !done {
			return err
		}
	}
	// Counting business days always ends on one; a calendar-day period may
	// end on a weekend or holiday and then rolls forward.
	lastUnit := j.Unit
	if extended {
		lastUnit = j.Extension.Unit
	}
	if lastUnit == CalendarDays {
		if end, done, err = c.roll(end); err != nil || !done {
			return err
		}
	}
	r.Due = end
	r.Steps = append(r.Steps, Step{Kind: StepDue, Date: end})
	// A law that does not toll still names each wait, after the date it
	// leaves unchanged, so the count reads from receipt to due date unbroken.
	if !j.Tolls {
		for _, p := range c.pauses {
			r.Steps = append(r.Steps, Step{Kind: StepPauseIgnored, Date: p.From, Until: p.To})
		}
	}
	return nil
}

// count counts n days in unit after from, skipping paused days, and
// returns the nth. done is false when an open pause stops the clock. offset
// is the number of days already counted (for day numbers after an extension).
func (c *counter) count(from Date, n int, unit Unit, citation string, offset int) (Date, bool, error) {
	r, d := c.r, from
	moved, skipsPause := false, false // see Step.Moved and Step.SkipsPause
	if unit == BusinessDays && offset == 0 {
		// Decision A1 is about receipt on a day that is not a business
		// day, not about a Friday's weekend. A receipt date outside the
		// calendar's years (Georgia) is judged by its weekday alone.
		if ok, err := c.isBusinessDay(from); err == nil {
			moved = !ok
		} else {
			moved = from.Weekday() == time.Saturday || from.Weekday() == time.Sunday
		}
	}
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		if p, ok := c.pausedOn(d); ok && c.j.Tolls {
			skipsPause = true
			if p.Open() {
				r.Paused, r.Remaining = true, n-counted
				r.Steps = append(r.Steps, Step{Kind: StepPausedOpen, Date: p.From, N: n - counted, Unit: unit, Citation: c.j.TollCitation})
				return Date{}, false, nil
			} else {
				r.Steps = append(r.Steps, Step{Kind: StepPaused, Date: p.From, Until: p.To, Citation: c.j.TollCitation})
				d = p.To
				continue
			}
		}
		if unit == BusinessDays {
			ok, err := c.isBusinessDay(d)
			if err != nil {
				return Date{}, false, err
			}
			if !ok {
				c.skip(&d)
				continue
			}
			for _, h := range c.counted {
				if h.Date == d {
					r.Steps = append(r.Steps, Step{Kind: StepClosureCounted, Date: d, Name: h.Name, Citation: c.j.ClosuresCounted})
				}
			}
		} else if hol, err := c.business.holiday(d); err != nil {
			return Date{}, false, err
		} else if hol {
			name, _ := c.business.name(d)
			r.Steps = append(r.Steps, Step{Kind: StepCountedHoliday, Date: d, Name: name})
		}
		counted++
		if offset == 0 && counted == 1 {
			r.Steps = append(r.Steps, Step{Kind: StepDayOne, Date: d, Unit: unit, Until: from, Moved: moved})
		}
	}
	end := Step{Kind: StepPeriodEnd, Date: d, N: offset + n, Unit: unit, Citation: citation, SkipsPause: skipsPause}
	if offset > 0 && unit != c.j.Unit { // Pennsylvania: 30 calendar days after the 5th business day
		end.N, end.Until = n, from
	}
	r.Steps = append(r.Steps, end)
	return d, true, nil
}

// skip records a non-business day (a whole weekend as one step) and leaves
// d on the last day skipped.
func (c *counter) skip(d *Date) {
	if d.Weekday() == time.Saturday {
		if next := d.AddDays(1); !c.pausedAt(next) {
			c.r.Steps = append(c.r.Steps, Step{Kind: StepWeekend, Date: *d, Until: next})
			*d = next
			return
		}
	}
	if d.IsWeekend() {
		c.r.Steps = append(c.r.Steps, Step{Kind: StepWeekend, Date: *d, Until: *d})
		return
	}
	name, calendar := c.business.name(*d)
	c.r.Steps = append(c.r.Steps, Step{Kind: StepHoliday, Date: *d, Name: name, Citation: calendar})
}

// roll moves a last day off a weekend or holiday of the last-day calendar,
// and over paused days. done is false when it reaches an open pause: the
// period has run, and the last day is set when the clock resumes.
func (c *counter) roll(d Date) (Date, bool, error) {
	first, closure := d, false
	for {
		if p, ok := c.pausedOn(d); ok && c.j.Tolls {
			if p.Open() {
				c.r.Paused = true
				c.r.Steps = append(c.r.Steps, Step{Kind: StepPausedOpen, Date: p.From, Unit: c.j.Unit, Citation: c.j.TollCitation})
				return Date{}, false, nil
			}
			c.r.Steps = append(c.r.Steps, Step{Kind: StepPaused, Date: p.From, Until: p.To, Citation: c.j.TollCitation})
			d = p.To.AddDays(1)
			continue
		}
		hol, err := c.last.holiday(d)
		if err != nil {
			return Date{}, false, err
		}
		if !hol && !d.IsWeekend() {
			break
		}
		step := Step{Kind: StepRollSkip, Date: d}
		if hol {
			step.Name, step.Citation = c.last.name(d)
			closure = closure || step.Citation == "" // an extra day: a closure
		}
		c.r.Steps = append(c.r.Steps, step)
		d = d.AddDays(1)
	}
	if d != first {
		c.r.Steps = append(c.r.Steps, Step{Kind: StepRolled, Date: first, Until: d, Citation: c.j.Roll, Closure: closure})
	}
	return d, true, nil
}

func (c *counter) isBusinessDay(d Date) (bool, error) {
	if d.IsWeekend() {
		return false, nil
	}
	hol, err := c.business.holiday(d)
	return !hol, err
}

func (c *counter) nextBusinessDay(d Date) (Date, error) {
	for {
		d = d.AddDays(1)
		ok, err := c.isBusinessDay(d)
		if err != nil || ok {
			return d, err
		}
	}
}

// pausedOn returns the pause that covers d.
func (c *counter) pausedOn(d Date) (Pause, bool) {
	for _, p := range c.pauses {
		if !d.Before(p.From) && (p.Open() || !d.After(p.To)) {
			return p, true
		}
	}
	return Pause{}, false
}

// pausedAt reports whether d is a paused day under a law that tolls.
func (c *counter) pausedAt(d Date) bool {
	if !c.j.Tolls {
		return false
	}
	_, ok := c.pausedOn(d)
	return ok
}

func checkPauses(received Date, ps []Pause) error {
	for i, p := range ps {
		switch {
		case p.From.IsZero():
			return fmt.Errorf("%w: pause %d has no start date", ErrInvalidPause, i+1)
		case p.From.Before(received):
			return fmt.Errorf("%w: pause %d starts %s, before the request was received (%s)", ErrInvalidPause, i+1, p.From, received)
		case !p.Open() && p.To.Before(p.From):
			return fmt.Errorf("%w: pause %d ends %s, before it starts (%s)", ErrInvalidPause, i+1, p.To, p.From)
		case p.Open() && i != len(ps)-1:
			return fmt.Errorf("%w: pause %d is still open, so no pause can follow it", ErrInvalidPause, i+1)
		case i > 0 && !p.From.After(ps[i-1].To):
			return fmt.Errorf("%w: pause %d starts %s, before pause %d ends (%s)", ErrInvalidPause, i+1, p.From, i, ps[i-1].To)
		}
	}
	return nil
}
