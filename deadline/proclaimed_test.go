package deadline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// georgiaYear is a test list for a year: 12 weekday closures. The dates are
// made up for the test, not Georgia's.
func georgiaYear(y int) string {
	var b strings.Builder
	for m := 1; m <= 12; m++ {
		d := MustParseDate(fmt.Sprintf("%d-%02d-10", y, m))
		for d.Weekday() == 0 || d.Weekday() == 6 {
			d = d.AddDays(1)
		}
		fmt.Fprintf(&b, "us-ga,%s,Test closure %d\n", d, m)
	}
	return b.String()
}

// georgiaCopy is Georgia's jurisdiction with a calendar of its own, so a
// test can load years without changing the one every other test uses.
func georgiaCopy(t *testing.T) *Jurisdiction {
	t.Helper()
	j, err := Lookup("us-ga")
	require.NoError(t, err)
	c := *j
	c.Business = j.Business.copyProclaimed()
	return &c
}

func TestProclaimed_LoadedYearIsCounted(t *testing.T) {
	t.Parallel()
	ga := georgiaCopy(t)
	received := MustParseDate("2026-03-06") // a Friday; 3 business days: Wed 11 Mar
	_, err := ga.Compute(received, Options{})
	require.ErrorIs(t, err, ErrOutOfRange, "2026 is not in the release")

	days, err := readProclaimed(strings.NewReader("jurisdiction,date,name\n# copied from georgia.gov\n" + georgiaYear(2026) + georgiaYear(2027)))
	require.NoError(t, err)
	added, skipped, err := ga.Business.addProclaimed(days["us-ga"])
	require.NoError(t, err)
	require.Equal(t, []int{2026, 2027}, added)
	require.Empty(t, skipped)

	res, err := ga.Compute(received, Options{})
	require.NoError(t, err)
	// Tue 10 Mar 2026 is a loaded closure: Mon 9, Wed 11, Thu 12.
	require.Equal(t, "2026-03-12", res.Due.String())
	require.Contains(t, fmt.Sprint(res.Explain()), "Test closure 3")
	first, last := ga.Business.Range()
	require.Equal(t, []int{2024, 2027}, []int{first, last})

	global, err := Lookup("us-ga")
	require.NoError(t, err)
	_, err = global.Compute(received, Options{})
	require.ErrorIs(t, err, ErrOutOfRange, "the copy's years are its own")
}

func TestProclaimed_YearsInTheReleaseAreSkipped(t *testing.T) {
	t.Parallel()
	ga := georgiaCopy(t)
	before, err := ga.Holidays(2025)
	require.NoError(t, err)
	days, err := readProclaimed(strings.NewReader("jurisdiction,date,name\nus-ga,2025-03-03,Not in the release\n" + georgiaYear(2026)))
	require.NoError(t, err)
	added, skipped, err := ga.Business.addProclaimed(days["us-ga"])
	require.NoError(t, err)
	require.Equal(t, []int{2026}, added)
	require.Equal(t, []int{2025}, skipped)
	after, err := ga.Holidays(2025)
	require.NoError(t, err)
	require.Equal(t, before, after, "the release's list wins")
}

func TestProclaimed_Refused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, want string
	}{
		{"Empty", "", "the file is empty"},
		{"WrongHeader", "code,date,name\n", `line 1: the header must be jurisdiction,date,name, not "code,date,name"`},
		{"NotADate", "jurisdiction,date,name\nus-ga,2026-02-30,Oops\n", "line 2: "},
		{"NoName", "jurisdiction,date,name\nus-ga,2026-01-01, \n", "line 2: the name must be 1 to 100 characters"},
		{"Weekend", "jurisdiction,date,name\nus-ga,2026-01-03,Saturday\n", "line 2: 2026-01-03 is a Saturday; list the weekday the offices close"},
		{"TooFewFields", "jurisdiction,date,name\nus-ga,2026-01-01\n", "line 2"},
		{"GapYear", "jurisdiction,date,name\n" + georgiaYear(2027), "us-ga: 2027 does not follow the last year loaded (2025): add 2026 first"},
		{"Incomplete", "jurisdiction,date,name\n" + strings.Join(strings.SplitAfter(georgiaYear(2026), "\n")[:11], ""), "us-ga: 2026 lists 11 days; the law closes offices at least 12 days a year"},
		{"Twice", "jurisdiction,date,name\n" + georgiaYear(2026) + "us-ga,2026-01-12,Again\n", "us-ga: 2026-01-12 is listed twice"},
		{"RulesNotLists", "jurisdiction,date,name\nus-ca,2026-01-02,Closed\n", "us-ca: California Public Records Act's holidays are rules valid for any year"},
		{"UnknownLaw", "jurisdiction,date,name\nus-xx,2026-01-02,Closed\n", `unknown jurisdiction "us-xx"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// LoadProclaimed changes nothing when it refuses, so these run
			// against the calendars every other test uses.
			_, _, err := LoadProclaimed(strings.NewReader(tc.file))
			require.ErrorContains(t, err, tc.want)
		})
	}
	ga, err := Lookup("us-ga")
	require.NoError(t, err)
	first, last := ga.Business.Range()
	require.Equal(t, []int{2024, 2025}, []int{first, last}, "nothing was added")
}
