package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// pauseList collects repeated --pause FROM:TO flags (TO may be empty while
// the request is still paused).
type pauseList []deadline.Pause

func (p *pauseList) String() string { return fmt.Sprint(*p) }

func (p *pauseList) Set(v string) error {
	from, to, ok := strings.Cut(v, ":")
	if !ok {
		return fmt.Errorf("%q is not FROM:TO (YYYY-MM-DD:YYYY-MM-DD, TO empty while still paused)", v)
	}
	f, err := deadline.ParseDate(from)
	if err != nil {
		return err
	}
	var t deadline.Date
	if to != "" {
		if t, err = deadline.ParseDate(to); err != nil {
			return err
		}
	}
	*p = append(*p, deadline.Pause{From: f, To: t})
	return nil
}

// closureList collects repeated --closed DATE:REASON flags: the agency's
// closure days, as the server reads them from the agency.
type closureList []deadline.Holiday

func (c *closureList) String() string { return fmt.Sprint(*c) }

func (c *closureList) Set(v string) error {
	day, reason, _ := strings.Cut(v, ":")
	on, err := deadline.ParseDate(day)
	if err != nil {
		return err
	}
	cl := sunshine.Closure{ClosedOn: on, Reason: reason}
	if err := cl.Validate(); err != nil {
		return fmt.Errorf("%q is not DATE:REASON (a reason of one line is required)", v)
	}
	*c = append(*c, cl.Holiday())
	return nil
}

// dateFlag is a required YYYY-MM-DD flag.
type dateFlag struct{ d deadline.Date }

func (f *dateFlag) String() string { return f.d.String() }
func (f *dateFlag) Set(v string) (err error) {
	f.d, err = deadline.ParseDate(v)
	return err
}

// deadlineJSON is the --json output of 'sunshine deadline'.
type deadlineJSON struct {
	Jurisdiction string        `json:"jurisdiction"`
	Received     deadline.Date `json:"received"`
	Extended     bool          `json:"extended"`
	Due          deadline.Date `json:"due"`
	Steps        []string      `json:"steps"`
}

func runDeadline(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("deadline")
	code := fs.String("jurisdiction", "", "law code, e.g. us-ca (see 'sunshine jurisdictions')")
	var received dateFlag
	fs.Var(&received, "received", "legal receipt date, YYYY-MM-DD")
	extended := fs.Bool("extended", false, "the agency invoked the law's extension")
	var pauses pauseList
	fs.Var(&pauses, "pause", "a pause of the clock, FROM:TO (repeatable; TO empty while still paused)")
	var closures closureList
	fs.Var(&closures, "closed", "a day the agency's office was closed, DATE:REASON (repeatable)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if *code == "" {
		return usagef("--jurisdiction is required (e.g. us-ca; see 'sunshine jurisdictions')")
	}
	if received.d.IsZero() {
		return usagef("--received is required (YYYY-MM-DD)")
	}
	res, err := deadline.Compute(*code, received.d, deadline.Options{Extended: *extended, Pauses: pauses, Closures: closures})
	if err != nil {
		return usagef("%s", err)
	}
	if *asJSON {
		return writeJSON(stdout, deadlineJSON{Jurisdiction: *code, Received: received.d, Extended: *extended, Due: res.Due, Steps: res.Explain()})
	}
	switch {
	case !res.Due.IsZero():
		fmt.Fprintln(stdout, res.Due)
	case res.Paused:
		fmt.Fprintf(stdout, "paused (%d days left)\n", res.Remaining)
	default:
		fmt.Fprintln(stdout, "no statutory date")
	}
	j := res.Jurisdiction
	fmt.Fprintf(stdout, "%s (%s), %s\n", j.Law, j.Citation, j.Code)
	for _, s := range res.Explain() {
		fmt.Fprintf(stdout, "  - %s\n", s)
	}
	return nil
}

// holidaysJSON is the --json output of 'sunshine holidays'.
type holidaysJSON struct {
	Jurisdiction string             `json:"jurisdiction"`
	Year         int                `json:"year"`
	Calendar     string             `json:"calendar"`
	Holidays     []deadline.Holiday `json:"holidays"`
	// LastDayOnly: business days on which a calendar-day last day still may
	// not fall (Pennsylvania's 1 Pa.C.S. 1908).
	LastDayOnly []deadline.Holiday `json:"last_day_only,omitempty"`
}

func runHolidays(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("holidays")
	code := fs.String("jurisdiction", "", "law code, e.g. us-ca")
	year := fs.Int("year", 0, "calendar year, e.g. 2027")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if *code == "" {
		return usagef("--jurisdiction is required (e.g. us-ca; see 'sunshine jurisdictions')")
	}
	if *year == 0 {
		return usagef("--year is required (e.g. 2027)")
	}
	j, err := deadline.Lookup(*code)
	if err != nil {
		return usagef("%s", err)
	}
	hs, err := j.Holidays(*year)
	if err != nil {
		return usagef("%s", err)
	}
	lastOnly, err := j.LastDayOnlyHolidays(*year)
	if err != nil {
		return usagef("%s", err)
	}
	if *asJSON {
		return writeJSON(stdout, holidaysJSON{Jurisdiction: j.Code, Year: *year, Calendar: j.Business.Name, Holidays: hs, LastDayOnly: lastOnly})
	}
	fmt.Fprintf(stdout, "%s, %d: %s (Saturdays and Sundays are never business days)\n", j.Code, *year, j.Business.Name)
	printHolidays(stdout, hs)
	if len(lastOnly) > 0 {
		fmt.Fprintf(stdout, "\nBusiness days, but never the last day of a calendar-day period (%s):\n", j.Last.Name)
		printHolidays(stdout, lastOnly)
	}
	return nil
}

func printHolidays(w io.Writer, hs []deadline.Holiday) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, h := range hs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Date, h.Date.Weekday().String()[:3], h.Name)
	}
	_ = tw.Flush()
}

func runJurisdictions(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("jurisdictions")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	js := deadline.Jurisdictions()
	if *asJSON {
		return writeJSON(stdout, js)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tLAW\tPERIOD\tEXTENSION\tCITATION")
	for _, j := range js {
		period, ext := "no statutory date", "-"
		if j.HasDeadline() {
			period = j.Days(j.Period, j.Unit)
		}
		if e := j.Extension; e != nil {
			ext = "+" + j.Days(e.Days, e.Unit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.Code, j.Law, period, ext, j.Citation)
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return errors.Join(errors.New("write JSON"), err)
	}
	return nil
}

var _ flag.Value = (*pauseList)(nil)
