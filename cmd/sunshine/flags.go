package main

import (
	"errors"
	"flag"
	"io"
	"strings"
)

// errHelpShown ends a command after -h printed its flags.
var errHelpShown = errors.New("help shown")

// newFlagSet returns a flag set that reports errors through parse rather
// than printing them, so each bad input is one line on stderr.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("sunshine "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args; -h prints the flags to stdout.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelpShown
	case err != nil:
		return usagef("%s", err)
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", strings.Join(fs.Args(), " "))
	}
	return nil
}
