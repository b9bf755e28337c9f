package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain lets a test run the command in a process of its own (runMain):
// a holidays file changes the engine's calendars for the whole process.
// The variable is set for every process the tests start, so that this
// binary started again (as serve starts extract-text, useExtractChild) runs
// the command, never the tests.
func TestMain(m *testing.M) {
	// (Not a fuzzing worker: go test starts those from this binary too,
	// with this environment, and they must fuzz.)
	fuzzWorker := slices.ContainsFunc(os.Args, func(a string) bool { return strings.HasPrefix(a, "-test.fuzzworker") })
	if os.Getenv("SUNSHINE_TEST_RUN_MAIN") == "1" && !fuzzWorker {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Setenv("SUNSHINE_TEST_RUN_MAIN", "1")
	os.Exit(m.Run())
}

// runMain runs the command line in a new process with extra environment.
func runMain(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "SUNSHINE_TEST_RUN_MAIN=1"), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err)
	return 0, out.String(), errb.String()
}

// testGeorgia2026 is a made-up list of 12 weekday closures in 2026 (not
// Georgia's real one), with a row for 2025, a year the release carries.
func testGeorgia2026(t *testing.T) string {
	var b strings.Builder
	b.WriteString("jurisdiction,date,name\n# test data, not Georgia's list\nus-ga,2025-03-03,Ignored\n")
	for _, d := range []string{"01-01", "01-19", "03-10", "05-25", "06-19", "07-03", "09-07", "10-12", "11-11", "11-26", "11-27", "12-25"} {
		fmt.Fprintf(&b, "us-ga,2026-%s,Test closure %s\n", d, d)
	}
	path := filepath.Join(t.TempDir(), "holidays.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

func TestHolidaysFile_AddsAYear(t *testing.T) {
	t.Parallel()
	file := []string{"SUNSHINE_HOLIDAYS_FILE=" + testGeorgia2026(t)}
	args := []string{"deadline", "--jurisdiction", "us-ga", "--received", "2026-03-06"}

	code, _, errOut := runMain(t, nil, args...)
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "loaded only for 2024-2025, not 2026 (once published, the operator can load a year's list)", "without the file")

	code, out, errOut := runMain(t, file, args...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "2026-03-12", strings.SplitN(out, "\n", 2)[0], "Tue 10 Mar is a loaded closure")
	require.Contains(t, out, "Test closure 03-10")
	require.Contains(t, errOut, "us-ga 2025 is in this release; the file's rows for it are ignored")

	code, out, _ = runMain(t, file, "holidays", "--jurisdiction", "us-ga", "--year", "2025")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "Ignored", "the release's 2025 list wins")
}

func TestHolidaysFile_Refused(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("jurisdiction,date,name\nus-ga,2026-01-03,Saturday\n"), 0o600))
	for _, tc := range []struct{ name, path, want string }{
		{"BadRow", bad, "sunshine jurisdictions: SUNSHINE_HOLIDAYS_FILE: " + bad + ": line 2: 2026-01-03 is a Saturday"},
		{"Missing", filepath.Join(t.TempDir(), "none.csv"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runMain(t, []string{"SUNSHINE_HOLIDAYS_FILE=" + tc.path}, "jurisdictions")
			require.Equal(t, 1, code)
			require.Empty(t, out, "the command did not run")
			require.Contains(t, errOut, tc.want)
		})
	}
}
