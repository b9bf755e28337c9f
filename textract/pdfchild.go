package textract

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Reading PDFs in a child process.
//
// The PDF library allocates what a file asks for: a 3 KB PDF listing one
// 1 MiB content stream 256 times took 785 MiB of heap, a 255 KB PDF with
// one 256 MiB stream 1.8 GiB, and a 266-byte PDF whose cross-reference
// table names object 2,000,000,000 stops the process with Go's
// unrecoverable "fatal error: out of memory" while the file is opened. No
// bound can be set inside the process: the largest allocations happen in
// the library, sized by numbers in the file, and Go's GOMEMLIMIT is soft.
// So the server reads each PDF in a process of its own, with a hard limit
// on its memory set before it reads anything: a PDF that needs more kills
// that process only, and the document is recorded as failed. The cost is a
// process per PDF (40-60 ms more per PDF, measured on a loaded 2-CPU
// machine, mostly the binary's start-up) and, for a document stored in the
// database, a copy of it in a temporary file.

// DefaultPDFMemory is the memory a child process may use to read one PDF
// when UseChildProcess is given none.
const DefaultPDFMemory = 512 << 20

// ExitUnreadable is RunChild's exit status for a PDF that cannot be read;
// the reason is on standard error, in one line.
const ExitUnreadable = 3

// childProcess is how the parent starts the child (UseChildProcess).
type childProcess struct {
	argv   []string
	memory int64
}

// pdfChild is set once at start by the binary (serve); unset, PDFs are
// read in-process, as the package's own tests mostly do.
var pdfChild atomic.Pointer[childProcess]

// UseChildProcess makes Extract read every PDF in a child process, started
// as argv followed by "--memory" and the limit in bytes, with the PDF as
// its standard input; the program must call RunChild with those arguments
// (sunshine's hidden "extract-text" command does). memory <= 0 means
// DefaultPDFMemory. An empty argv goes back to reading PDFs in-process.
func UseChildProcess(argv []string, memory int64) {
	if len(argv) == 0 {
		pdfChild.Store(nil)
		return
	}
	if memory <= 0 {
		memory = DefaultPDFMemory
	}
	pdfChild.Store(&childProcess{argv: slices.Clone(argv), memory: memory})
}

// readPDF returns a PDF's cleaned text: in a child process when one is
// configured, else in this one.
func readPDF(ctx context.Context, r io.ReaderAt, size int64) (Result, error) {
	if c := pdfChild.Load(); c != nil {
		return c.extract(ctx, r, size)
	}
	return readPDFHere(ctx, r, size)
}

// readPDFHere reads a PDF in this process.
func readPDFHere(ctx context.Context, r io.ReaderAt, size int64) (Result, error) {
	p, err := extractPDF(ctx, r, size)
	if err != nil {
		return Result{}, err
	}
	text, cut := cleanCut(p.text, maxText)
	res := Result{Text: text, Pages: p.pages, PagesRead: p.whole}
	if cut && res.PagesRead == res.Pages {
		res.PagesRead-- // cut by clean alone (invalid bytes grow as U+FFFD)
	}
	res.Truncated = res.PagesRead < res.Pages
	res.blank = wholeOnly(p.blank, res.PagesRead)
	return res, nil
}

// wholeOnly returns the pages of blank (in order) up to page whole.
func wholeOnly(blank []int, whole int) []int {
	n := 0
	for n < len(blank) && blank[n] <= whole {
		n++
	}
	return blank[:n]
}

// The child lists the pages with no text on standard error, after the
// pages line, when there are any: "blank pages: 1-3,5".
const blankPrefix = "blank pages: "

// formatPages writes pages (ascending) as ranges: "1-3,5".
func formatPages(pages []int) string {
	var b strings.Builder
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(pages[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(pages[j]))
		}
		i = j + 1
	}
	return b.String()
}

// parsePages reads formatPages' ranges; nil when s is not such a list,
// or lists more than max pages.
func parsePages(s string, max int) []int {
	var pages []int
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(from)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(to)
		}
		if err1 != nil || err2 != nil || a < 1 || b < a || b-a >= max-len(pages) ||
			(len(pages) > 0 && a <= pages[len(pages)-1]) {
			return nil
		}
		for p := a; p <= b; p++ {
			pages = append(pages, p)
		}
	}
	return pages
}

// The child reports a PDF's pages on standard error, in one line, when it
// succeeds: "pages: read R of N".
const pagesLine = "pages: read %d of %d\n"

// extract runs the child on the PDF and returns its text. The child is
// killed when ctx ends (the caller's timeout), and at most maxText+1 bytes
// of its output are kept.
func (c *childProcess) extract(ctx context.Context, r io.ReaderAt, size int64) (Result, error) {
	in, done, err := fileOf(ctx, r, size)
	if err != nil {
		return Result{}, err
	}
	defer done()
	args := append(slices.Clone(c.argv[1:]), "--memory", strconv.FormatInt(c.memory, 10))
	cmd := exec.CommandContext(ctx, c.argv[0], args...)
	cmd.Stdin = in                                                      // the open file itself: the child reads it where the parser asks
	stdout, stderr := &capped{max: maxText + 1}, &capped{max: 64 << 10} // the list of blank pages can be long
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Go's fatal errors print every goroutine's stack; the first line is
	// all the parent reads.
	cmd.Env = append(os.Environ(), "GOTRACEBACK=none")
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		// The child caps its text at maxText; clean again so that the
		// parent relies on nothing but the length it read.
		text, cut := cleanCut(string(stdout.b), maxText)
		res := Result{Text: text}
		if _, err := fmt.Sscanf(firstLine(stderr.b), strings.TrimSuffix(pagesLine, "\n"), &res.PagesRead, &res.Pages); err != nil {
			res.PagesRead, res.Pages = 0, 0
		}
		if cut && res.PagesRead == res.Pages {
			res.PagesRead = max(res.Pages-1, 0)
		}
		res.Truncated = cut || res.PagesRead < res.Pages
		// The list, when whole (ended by its newline), of pages for OCR.
		if _, rest, ok := bytes.Cut(stderr.b, []byte("\n")); ok {
			if line, _, whole := bytes.Cut(rest, []byte("\n")); whole {
				if list, ok := strings.CutPrefix(string(line), blankPrefix); ok {
					res.blank = wholeOnly(parsePages(list, res.Pages), res.PagesRead)
				}
			}
		}
		return res, nil
	case !errors.As(err, &exit):
		return Result{}, fmt.Errorf("could not read the document: start the PDF reader: %w", err)
	case exit.ExitCode() == ExitUnreadable:
		if msg := firstLine(stderr.b); msg != "" {
			return Result{}, errors.New(msg)
		}
		return Result{}, errors.New("not a valid PDF")
	case outOfMemory(stderr.b):
		return Result{}, fmt.Errorf("not a valid PDF: reading it needs more than %d MiB of memory", c.memory>>20)
	case exit.ExitCode() == -1:
		// Killed by a signal not ours (ctx is not done): most likely the
		// system's out-of-memory killer, the server having less memory
		// free than the limit.
		return Result{}, fmt.Errorf("not a valid PDF: the process reading it was stopped (%s), as when reading it needs more memory than the server has", exit)
	default:
		return Result{}, fmt.Errorf("could not read the document: the PDF reader failed (%s): %s", exit, firstLine(stderr.b))
	}
}

// fileOf returns a file holding the size bytes of r, for the child's
// standard input: r itself when it is such a file, else a temporary copy
// (a document stored in the database is read in chunks), which done
// removes.
func fileOf(ctx context.Context, r io.ReaderAt, size int64) (f *os.File, done func(), err error) {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() == size {
			return f, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "sunshine-pdf-*")
	if err != nil {
		return nil, nil, fmt.Errorf("could not read the document: %w", err)
	}
	done = func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	if _, err := io.Copy(tmp, ctxReader{ctx, io.NewSectionReader(r, 0, size)}); err != nil {
		done()
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("could not read the document: %w", err)
	}
	return tmp, done, nil
}

// outOfMemory reports whether a child's standard error shows Go's runtime
// stopping it for want of memory: "fatal error: out of memory" when the
// heap cannot grow, "runtime: cannot allocate memory" when mapping more
// of it fails (ENOMEM), "errno=12" when a thread cannot be created, and,
// in a binary built with the race detector (the tests under -race), "too
// many address space collisions" when the heap cannot grow.
func outOfMemory(stderr []byte) bool {
	for _, s := range []string{"out of memory", "cannot allocate memory", "errno=12", "address space collisions"} {
		if bytes.Contains(stderr, []byte(s)) {
			return true
		}
	}
	return false
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// capped keeps the first max bytes written to it and discards the rest,
// so that a child writing more cannot grow the parent.
type capped struct {
	b   []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// RunChild is the child's side of UseChildProcess, the body of sunshine's
// hidden command
//
//	sunshine extract-text [--memory bytes] [file]
//
// It sets a hard limit on its own memory before reading anything, reads
// the PDF (the file named, or standard input), writes its text (at most 2
// MiB) to stdout, and to stderr the line "pages: read R of N" (R the pages
// whole in the text, N the PDF's), and returns the exit status: 0; ExitUnreadable, with the
// reason on stderr, for a PDF that cannot be read; 1 when it cannot start
// (bad arguments, no file, no limit). A PDF that needs more memory than
// the limit stops the process with Go's "fatal error: out of memory" (exit
// status 2), which the parent reports as such.
func RunChild(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract-text", flag.ContinueOnError)
	fs.SetOutput(stderr)
	memory := fs.Int64("memory", DefaultPDFMemory, "hard limit on the memory used to read the PDF, in bytes")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	if fs.NArg() > 1 || *memory <= 0 {
		fmt.Fprintln(stderr, "extract-text: give a positive --memory and at most one PDF file (none reads standard input)")
		return 1
	}
	// First, before the PDF decides what is allocated.
	if err := limitMemory(*memory); err != nil {
		fmt.Fprintf(stderr, "extract-text: set the memory limit: %v\n", err)
		return 1
	}
	// The soft limit makes the collector work harder as the heap nears the
	// hard one, so that garbage does not count against the PDF.
	debug.SetMemoryLimit(*memory - *memory/4)

	in := stdin
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(stderr, "extract-text: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	var r io.ReaderAt = in
	var size int64
	if fi, err := in.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	} else {
		// A pipe: the parser reads at random, so the PDF is held in
		// memory, within the limit.
		data, err := io.ReadAll(in)
		if err != nil {
			fmt.Fprintf(stderr, "extract-text: read standard input: %v\n", err)
			return 1
		}
		r, size = bytes.NewReader(data), int64(len(data))
	}
	res, err := readPDFHere(context.Background(), r, size)
	if err != nil {
		fmt.Fprintln(stderr, strings.ReplaceAll(err.Error(), "\n", " "))
		return ExitUnreadable
	}
	if _, err := io.WriteString(stdout, res.Text); err != nil {
		fmt.Fprintf(stderr, "extract-text: write the text: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, pagesLine, res.PagesRead, res.Pages)
	if len(res.blank) > 0 {
		fmt.Fprintln(stderr, blankPrefix+formatPages(res.blank))
	}
	return 0
}
