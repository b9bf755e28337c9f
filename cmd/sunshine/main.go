// Command sunshine is Sunshine's one binary: the deadline calculator, and
// (as the project grows) the server, the scheduler and operator commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/textract"
)

// exitUsage is the exit status for bad input: a flag or value the command
// cannot use. Every such error is one line on stderr.
const exitUsage = 2

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands map[string]command

// extractTextCommand is the hidden command serve starts to read one PDF in
// a process of its own, with a hard memory limit (textract.RunChild). It is
// not meant for people, so help does not list it.
const extractTextCommand = "extract-text"

func init() {
	commands = map[string]command{
		"deadline":      {"compute a request's statutory due date and explain it", runDeadline},
		"holidays":      {"list the non-counting days of a jurisdiction in a year", runHolidays},
		"jurisdictions": {"list the supported laws", runJurisdictions},
		"serve":         {"run the HTTP server (API, health, metrics)", runServe},
		"migrate":       {"apply database migrations", runMigrate},
		"org":           {"org create: create an organization, its admin and a token", runOrg},
		"token":         {"token create: issue an API token for a user", runToken},
		"seed":          {"seed --demo: create the demo organization (once)", runSeed},
		"healthcheck":   {"check a running server's /healthz (for containers)", runHealthcheck},
		"remind":        {"remind --once: plan and deliver reminder emails once", runRemind},
		"mail-in":       {"file an email to a request's reply address (read from standard input; run by the mail server)", runMailIn},
		"user":          {"user set-password: set a user's password (read from standard input) and sign them out everywhere; user reset-two-step: turn off their two-step sign-in (a lost phone)", runUser},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is bad input from the person at the terminal.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run executes one command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return 0
	}
	if args[0] == extractTextCommand {
		// Before loadHolidays: reading a PDF computes no dates.
		return textract.RunChild(args[1:], os.Stdin, stdout, stderr)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sunshine: unknown command %q (run 'sunshine help')\n", args[0])
		return exitUsage
	}
	if err := loadHolidays(stderr); err != nil {
		fmt.Fprintf(stderr, "sunshine %s: SUNSHINE_HOLIDAYS_FILE: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
	err := cmd.run(args[1:], stdout, stderr)
	var ue usageError
	var es exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &es):
		fmt.Fprintf(stderr, "sunshine %s: %s\n", args[0], oneLine(es.err.Error()))
		return es.code
	case errors.Is(err, errHelpShown):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "sunshine %s: %s\n", args[0], oneLine(ue.msg))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "sunshine %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

// loadHolidays adds the proclaimed holiday years of SUNSHINE_HOLIDAYS_FILE
// (Georgia's lists published after this release) before any command
// computes a date; years the release carries are skipped, with a warning.
func loadHolidays(stderr io.Writer) error {
	path := getenv("SUNSHINE_HOLIDAYS_FILE")
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, skipped, err := deadline.LoadProclaimed(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, code := range slices.Sorted(maps.Keys(skipped)) {
		for _, y := range skipped[code] {
			fmt.Fprintf(stderr, "sunshine: SUNSHINE_HOLIDAYS_FILE: %s %d is in this release; the file's rows for it are ignored\n", code, y)
		}
	}
	return nil
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sunshine <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'sunshine <command> -h' for a command's flags.")
}
