package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDeadlineCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		args      []string
		wantFirst string // first line of stdout
		wantStep  string
	}{
		{"CPRA", []string{"deadline", "--jurisdiction", "us-ca", "--received", "2017-03-27"}, "2017-04-06", "Day 10 is Thu 6 Apr 2017"},
		{"CPRAExtended", []string{"deadline", "--jurisdiction", "us-ca", "--received", "2017-03-27", "--extended"}, "2017-04-20", "Day 24 is Thu 20 Apr 2017"},
		{"FOIAWithPause", []string{"deadline", "--jurisdiction", "us-federal", "--received", "2017-03-27", "--pause", "2017-03-29:2017-04-03"}, "2017-04-28", "Clock stopped from Wed 29 Mar 2017 to Mon 3 Apr 2017"},
		{"NYWithClosure", []string{"deadline", "--jurisdiction", "us-ny", "--received", "2017-03-27", "--closed", "2017-03-29:snow"}, "2017-04-04", "Wed 29 Mar 2017: office closed (snow), not counted."},
		{"FOIAStillPaused", []string{"deadline", "--jurisdiction", "us-federal", "--received", "2017-03-27", "--pause", "2017-03-29:"}, "paused (19 days left)", "with 19 working days left"},
		{"Florida", []string{"deadline", "--jurisdiction=us-fl", "--received=2024-05-01"}, "no statutory date", "\"promptly\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(tc.args...)
			require.Equal(t, 0, code, errOut)
			require.Empty(t, errOut)
			require.Equal(t, tc.wantFirst, strings.SplitN(out, "\n", 2)[0])
			require.Contains(t, out, tc.wantStep)
		})
	}
}

func TestDeadlineCommand_JSON(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI("deadline", "--jurisdiction", "us-ca", "--received", "2017-03-27", "--json")
	require.Equal(t, 0, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 5, "exactly jurisdiction, received, extended, due, steps")
	require.Equal(t, "us-ca", got["jurisdiction"])
	require.Equal(t, "2017-03-27", got["received"])
	require.Equal(t, false, got["extended"])
	require.Equal(t, "2017-04-06", got["due"])
	steps := got["steps"].([]any)
	require.Equal(t, "Received Mon 27 Mar 2017; the day of receipt is not counted (CCP 12).", steps[0])
	require.Equal(t, "Due Thu 6 Apr 2017.", steps[len(steps)-1])

	code, out, _ = runCLI("deadline", "--jurisdiction", "us-oh", "--received", "2024-05-01", "--json")
	require.Equal(t, 0, code)
	require.Contains(t, out, `"due": null`)
}

func TestDeadlineCommand_BadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"NoJurisdiction", []string{"deadline", "--received", "2017-03-27"}, "--jurisdiction is required"},
		{"NoReceived", []string{"deadline", "--jurisdiction", "us-ca"}, "--received is required"},
		{"BadDate", []string{"deadline", "--jurisdiction", "us-ca", "--received", "2017-02-30"}, "2017-02-30 is not a calendar date"},
		{"BadDateFormat", []string{"deadline", "--jurisdiction", "us-ca", "--received", "03/27/2017"}, "YYYY-MM-DD"},
		{"UnknownLaw", []string{"deadline", "--jurisdiction", "us-zz", "--received", "2017-03-27"}, `unknown jurisdiction "us-zz"`},
		{"NoExtension", []string{"deadline", "--jurisdiction", "us-tx", "--received", "2024-03-27", "--extended"}, "Texas Public Information Act"},
		{"TexasTooEarly", []string{"deadline", "--jurisdiction", "us-tx", "--received", "2017-03-27"}, "2023-09-01"},
		{"BadPause", []string{"deadline", "--jurisdiction", "us-federal", "--received", "2017-03-27", "--pause", "2017-03-29"}, "FROM:TO"},
		{"ClosureWithoutReason", []string{"deadline", "--jurisdiction", "us-ny", "--received", "2017-03-27", "--closed", "2017-03-29"}, "DATE:REASON"},
		{"ClosureBadDate", []string{"deadline", "--jurisdiction", "us-ny", "--received", "2017-03-27", "--closed", "2017-02-30:snow"}, "2017-02-30"},
		{"PauseBeforeReceipt", []string{"deadline", "--jurisdiction", "us-federal", "--received", "2017-03-27", "--pause", "2017-03-20:2017-03-29"}, "before the request was received"},
		{"UnknownFlag", []string{"deadline", "--jurisdiction", "us-ca", "--recieved", "2017-03-27"}, "flag provided but not defined: -recieved"},
		{"StrayArgument", []string{"deadline", "--jurisdiction", "us-ca", "--received", "2017-03-27", "extra"}, `unexpected argument "extra"`},
		{"UnknownCommand", []string{"dedline"}, `unknown command "dedline"`},
		{"HolidaysNoYear", []string{"holidays", "--jurisdiction", "us-ca"}, "--year is required"},
		{"HolidaysGeorgia2026", []string{"holidays", "--jurisdiction", "us-ga", "--year", "2026"}, "2024-2025"},
		{"HolidaysBadYear", []string{"holidays", "--jurisdiction", "us-ca", "--year", "twenty"}, "invalid value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(tc.args...)
			require.Equal(t, exitUsage, code)
			require.Empty(t, out)
			require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			require.Contains(t, errOut, tc.want)
		})
	}
}

func TestHolidaysCommand(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI("holidays", "--jurisdiction", "us-ca", "--year", "2027")
	require.Equal(t, 0, code)
	require.Contains(t, out, "2027-12-31  Fri  New Year's Day (observed)")

	code, out, _ = runCLI("holidays", "--jurisdiction", "us-federal", "--year", "2024", "--json")
	require.Equal(t, 0, code)
	var got holidaysJSON
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Holidays, 11)
	require.Equal(t, "Thanksgiving Day", got.Holidays[9].Name)
	require.Equal(t, "2024-11-28", got.Holidays[9].Date.String())
}

func TestJurisdictionsCommand(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI("jurisdictions")
	require.Equal(t, 0, code)
	for _, want := range []string{"us-ca", "10 calendar days", "+14 calendar days", "us-fl", "no statutory date", "+10 working days"} {
		require.Contains(t, out, want)
	}
	code, out, _ = runCLI("jurisdictions", "--json")
	require.Equal(t, 0, code)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 19)
}

func TestHelp(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI("help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "deadline")
	code, out, _ = runCLI("deadline", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, out, "-received")
}

// FuzzDeadlineCommand feeds arbitrary flag values and dates to the command:
// it must never panic, and must either succeed with a date (or "no statutory
// date"/"paused") on the first line, or fail with exit status 2 and one line.
func FuzzDeadlineCommand(f *testing.F) {
	f.Add("us-ca", "2017-03-27", "", false)
	f.Add("us-federal", "2024-12-20", "2024-12-23:2025-01-02", true)
	f.Add("us-pa", "2025-03-12", "2025-03-13:", true)
	f.Add("us-ga", "2025-12-30", "", false)
	f.Add("us-tx", "2023-08-31", "x:y", false)
	f.Add("", "9999-99-99", "::", true)
	f.Fuzz(func(t *testing.T, code, received, pause string, extended bool) {
		args := []string{"deadline", "--jurisdiction", code, "--received", received}
		if pause != "" {
			args = append(args, "--pause", pause)
		}
		if extended {
			args = append(args, "--extended")
		}
		exit, out, errOut := runCLI(args...)
		switch exit {
		case 0:
			first := strings.SplitN(out, "\n", 2)[0]
			if len(first) != 10 && first != "no statutory date" && !strings.HasPrefix(first, "paused") {
				t.Fatalf("args %q: unexpected first line %q", args, first)
			}
		case exitUsage:
			if out != "" || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("args %q: want one stderr line and no stdout, got %q / %q", args, out, errOut)
			}
			if utf8.ValidString(code+received+pause) && !strings.HasPrefix(errOut, "sunshine deadline: ") {
				t.Fatalf("args %q: unprefixed error %q", args, errOut)
			}
		default:
			t.Fatalf("args %q: exit %d: %s", args, exit, errOut)
		}
	})
}

func TestHolidaysCommand_PennsylvaniaLastDayList(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI("holidays", "--jurisdiction", "us-pa", "--year", "2025")
	require.Equal(t, 0, code)
	business, lastOnly, ok := strings.Cut(out, "never the last day")
	require.True(t, ok, out)
	require.NotContains(t, business, "Good Friday")
	require.Contains(t, lastOnly, "2025-04-18  Fri  Good Friday")
}
