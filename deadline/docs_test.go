package deadline

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rickar/cal/v2"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated part of docs/deadlines.md")

const docsPath = "../docs/deadlines.md"

// TestDocs_DeadlinesUpToDate keeps the per-law reference in docs/deadlines.md
// equal to the code. After changing a jurisdiction or a calendar, run
// go test ./deadline -run TestDocs -update.
func TestDocs_DeadlinesUpToDate(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(docsPath)
	require.NoError(t, err)
	doc := string(raw)
	const begin, end = "<!-- BEGIN GENERATED: jurisdictions -->\n", "<!-- END GENERATED: jurisdictions -->"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "docs/deadlines.md lacks the generated-block markers")
	want := doc[:i+len(begin)] + renderReference() + doc[j:]
	if *updateDocs {
		require.NoError(t, os.WriteFile(docsPath, []byte(want), 0o644))
		return
	}
	require.Equal(t, want, doc, "docs/deadlines.md is stale: run go test ./deadline -run TestDocs -update")
}

func renderReference() string {
	var b strings.Builder
	for _, j := range Jurisdictions() {
		fmt.Fprintf(&b, "\n### %s: %s (%s), %s\n\n", j.Code, j.Law, j.ShortName, j.Region)
		b.WriteString("| | |\n|---|---|\n")
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, "| %s | %s |\n", k, strings.ReplaceAll(v, "|", "\\|"))
			}
		}
		if j.HasDeadline() {
			row("Period", j.Days(j.Period, j.Unit)+" ("+j.Citation+")")
		} else {
			row("Period", "No statutory date ("+j.Citation+"): "+j.NoDeadline)
		}
		row("Clock starts", j.ClockStart)
		if j.HasDeadline() {
			row("Day 1", "The day after receipt ("+j.DayOne+")")
			if j.DeemedNextBusinessDay {
				row("Receipt on a non-business day", "Deemed received on the next business day ("+j.DeemedCitation+")")
			}
			roll := j.Roll
			if roll == "" {
				roll = "Not needed: counting in " + unitWords(BusinessDays, j.DayWord, 2) + " always ends on one."
			}
			row("Last day on a weekend or holiday", roll)
			if e := j.Extension; e != nil {
				row("Extension", "+"+j.Days(e.Days, e.Unit)+", counted after "+e.From+" ("+e.Citation+")")
			} else {
				row("Extension", "None: "+j.NoExtension+".")
			}
			if j.MetByAcknowledgment {
				row("Met by", "A written acknowledgment with an estimated date, as well as a grant or a denial: an acknowledged request is no longer overdue on this date and follows the agency's estimate (or a custom date).")
			}
			if j.ClosuresCounted != "" {
				row("Agency closure days", "Counted as business days ("+j.ClosuresCounted+"); each gets a step saying so.")
			}
			if j.ClarificationCitation != "" {
				row("A request for clarification", "Meets the date too ("+j.ClarificationCitation+"): a submitted request the agency asks to clarify is acknowledged first, then waits on the requester, and returns to acknowledged.")
			}
			if j.Tolls {
				row("Pauses", "The clock stops while the agency waits on the requester ("+j.TollCitation+").")
			} else {
				row("Pauses", "The clock keeps running ("+j.TollCitation+").")
			}
			if !j.EffectiveFrom.IsZero() {
				row("Counting rule in force from", j.EffectiveFrom.String())
			}
			row("Holidays", describeCalendar(j.Business))
			if j.Last != nil {
				row("Also never a last day", describeExtra(j.Business, j.Last))
			}
		}
		row("Default time zone", j.TimeZone)
		row("Source", j.Source)
		for _, n := range j.Notes {
			fmt.Fprintf(&b, "\n- %s", n)
		}
		if len(j.Notes) > 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

func describeCalendar(c *Calendar) string {
	var parts []string
	for _, h := range c.rules {
		parts = append(parts, describeRule(h, c.Observance))
	}
	if first, last := c.Range(); first != 0 {
		days := make([]string, 0, len(c.proclaimed))
		for _, h := range c.proclaimed {
			days = append(days, h.Date.String()+" "+h.Name)
		}
		return c.Name + ", loaded for " + fmt.Sprint(first) + "-" + fmt.Sprint(last) + ": " + strings.Join(days, "; ") + "."
	}
	return c.Name + "; " + c.Observance.String() + ": " + strings.Join(parts, "; ") + "."
}

func describeExtra(base, wider *Calendar) string {
	var parts []string
	for _, h := range wider.rules[len(base.rules):] {
		parts = append(parts, describeRule(h, wider.Observance))
	}
	return wider.Name + ": " + strings.Join(parts, "; ") + "."
}

var ordinals = map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}

func describeRule(h *cal.Holiday, obs Observance) string {
	fn := reflect.ValueOf(h.Func).Pointer()
	var when string
	switch fn {
	case reflect.ValueOf(cal.CalcDayOfMonth).Pointer():
		when = fmt.Sprintf("%s %d", h.Month, h.Day)
	case reflect.ValueOf(cal.CalcWeekdayOffset).Pointer():
		when = fmt.Sprintf("%s %s of %s", ordinals[h.Offset], h.Weekday, h.Month)
	case reflect.ValueOf(cal.CalcWeekdayFrom).Pointer():
		when = fmt.Sprintf("the %s %s on or after %s %d", ordinals[h.Offset], h.Weekday, h.Month, h.Day)
	case reflect.ValueOf(cal.CalcEasterOffset).Pointer():
		when = fmt.Sprintf("Easter Sunday %+d days", h.Offset)
	default:
		panic("describeRule: unknown rule for " + h.Name)
	}
	switch {
	case h.CalcOffset == 1:
		when = "the day after the " + when
	case h.CalcOffset < 0:
		when = fmt.Sprintf("%d days before the %s", -h.CalcOffset, when)
	}
	s := h.Name + " (" + when
	if h.StartYear > 0 && h.StartYear > MinYear {
		s += fmt.Sprintf(", from %d", h.StartYear)
	}
	if h.EndYear > 0 {
		s += fmt.Sprintf(", until %d", h.EndYear)
	}
	if len(h.Observed) == 0 && obs != NoSubstitute {
		s += ", never moved"
	}
	return s + ")"
}
