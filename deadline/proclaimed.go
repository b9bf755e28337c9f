package deadline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// LoadProclaimed adds years of proclaimed holidays (Georgia's: the Governor
// publishes each year's list, decision A10) from a CSV file an operator
// keeps, so a year can be computed as soon as it is published rather than
// when Sunshine's next release carries it. The file has the header
// "jurisdiction,date,name" and one row per day offices close; lines starting
// with # are comments. Each year must follow the last one loaded, with at
// least the days the law requires. Rows for a year the release already
// carries are skipped (the release wins), so an upgrade never stops a server
// whose file still lists that year. Nothing is added unless the whole file
// is valid. Call it at start-up, before any computation: calendars are not
// changed safely while in use. It returns the years added and skipped per
// jurisdiction.
func LoadProclaimed(r io.Reader) (added, skipped map[string][]int, err error) {
	byCode, err := readProclaimed(r)
	if err != nil {
		return nil, nil, err
	}
	cals := map[string]*Calendar{}
	for code, days := range byCode {
		j, err := Lookup(code)
		if err != nil {
			return nil, nil, err
		}
		if j.Business == nil || j.Business.firstYear == 0 {
			return nil, nil, fmt.Errorf("%s: %s's holidays are rules valid for any year, not lists proclaimed each year", code, j.Law)
		}
		// Check on a copy, so that a bad year of one law leaves every law as it was.
		if _, _, err := j.Business.copyProclaimed().addProclaimed(days); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", code, err)
		}
		cals[code] = j.Business
	}
	added, skipped = map[string][]int{}, map[string][]int{}
	for code, c := range cals {
		// Checked above on a copy; it cannot fail here.
		added[code], skipped[code], _ = c.addProclaimed(byCode[code])
	}
	return added, skipped, nil
}

// readProclaimed parses the file, naming the line of each mistake.
func readProclaimed(r io.Reader) (map[string][]Holiday, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty: its first line must be jurisdiction,date,name")
	}
	if err != nil {
		return nil, err
	}
	if strings.Join(header, ",") != "jurisdiction,date,name" {
		return nil, fmt.Errorf("line 1: the header must be jurisdiction,date,name, not %q", strings.Join(header, ","))
	}
	out := map[string][]Holiday{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err // csv's errors name the line
		}
		line, _ := cr.FieldPos(0)
		code, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[2])
		d, err := ParseDate(strings.TrimSpace(rec[1]))
		switch {
		case err != nil:
			return nil, fmt.Errorf("line %d: %w", line, err)
		case name == "" || utf8.RuneCountInString(name) > 100:
			return nil, fmt.Errorf("line %d: the name must be 1 to 100 characters", line)
		case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
			return nil, fmt.Errorf("line %d: %s is a %s; list the weekday the offices close", line, d, d.Weekday())
		}
		out[code] = append(out[code], Holiday{Date: d, Name: name, Actual: d})
	}
}

// copyProclaimed returns a calendar with c's rules and proclaimed days and
// an empty cache, for checking additions without touching c.
func (c *Calendar) copyProclaimed() *Calendar {
	return &Calendar{Name: c.Name, Observance: c.Observance, rules: c.rules,
		proclaimed: slices.Clone(c.proclaimed), firstYear: c.firstYear, lastYear: c.lastYear, minProclaimed: c.minProclaimed}
}

// addProclaimed extends c's proclaimed years with days: whole years, each
// the one after the last covered, each with at least minProclaimed days and
// no day twice. Days of years c covers already are skipped.
func (c *Calendar) addProclaimed(days []Holiday) (added, skipped []int, err error) {
	byYear := map[int][]Holiday{}
	for _, h := range days {
		y := h.Date.Year()
		if c.Covers(y) {
			if !slices.Contains(skipped, y) {
				skipped = append(skipped, y)
			}
			continue
		}
		for _, o := range byYear[y] {
			if o.Date == h.Date {
				return nil, nil, fmt.Errorf("%s is listed twice", h.Date)
			}
		}
		byYear[y] = append(byYear[y], h)
	}
	slices.Sort(skipped)
	last := c.lastYear
	for _, y := range slices.Sorted(maps.Keys(byYear)) {
		if y != last+1 {
			return nil, nil, fmt.Errorf("%d does not follow the last year loaded (%d): add %d first", y, last, last+1)
		}
		if n := len(byYear[y]); n < c.minProclaimed {
			return nil, nil, fmt.Errorf("%d lists %d days; the law closes offices at least %d days a year, so the list is incomplete", y, n, c.minProclaimed)
		}
		c.proclaimed = append(c.proclaimed, byYear[y]...)
		added, last = append(added, y), y
	}
	c.lastYear = last
	return added, skipped, nil
}
