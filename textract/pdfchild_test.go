package textract_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// childEnv marks a process started by these tests as a PDF-reading child.
const childEnv = "TEXTRACT_TEST_CHILD"

// TestMain lets the tests read PDFs in a child process: the test binary
// itself, started again, runs textract.RunChild instead of the tests. The
// variable is set for every process this one starts, so a child never
// runs tests.
func TestMain(m *testing.M) {
	// (Not a fuzzing worker: go test starts those from this binary too,
	// with this environment, and they must fuzz.)
	fuzzWorker := slices.ContainsFunc(os.Args, func(a string) bool { return strings.HasPrefix(a, "-test.fuzzworker") })
	if os.Getenv(childEnv) == "1" && !fuzzWorker {
		os.Exit(textract.RunChild(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Setenv(childEnv, "1")
	os.Exit(m.Run())
}

// useChild makes Extract read PDFs in a child process (this test binary)
// with a memory limit, until the test ends. Such tests cannot be parallel:
// the setting is the package's, and they measure the process's heap.
func useChild(t *testing.T, memory int64) {
	textract.UseChildProcess([]string{os.Args[0]}, memory)
	t.Cleanup(func() { textract.UseChildProcess(nil, 0) })
}

// streamBomb returns a PDF of a few KB whose one page lists, repeat
// times, one content stream that inflates to mib MiB.
func streamBomb(t testing.TB, mib, repeat int) []byte {
	t.Helper()
	var content bytes.Buffer
	zw, err := zlib.NewWriterLevel(&content, zlib.BestCompression)
	require.NoError(t, err)
	zw.Write([]byte("BT /F1 12 Tf 72 712 Td ("))
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range mib {
		zw.Write(chunk)
	}
	zw.Write([]byte(") Tj ET\n"))
	require.NoError(t, zw.Close())
	var b bytes.Buffer
	var offs []int
	obj := func(s string) { offs = append(offs, b.Len()); b.WriteString(s) }
	b.WriteString("%PDF-1.4\n")
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	obj("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [" + strings.Repeat("4 0 R ", repeat) + "] >> endobj\n")
	obj("4 0 obj << /Length " + strconv.Itoa(content.Len()) + " /Filter /FlateDecode >> stream\n")
	b.Write(content.Bytes())
	b.WriteString("\nendstream endobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 5\n0000000000 65535 f \n")
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// xrefBomb returns a PDF of about 265 bytes whose cross-reference table
// has a subsection starting at object start: the library sizes its object
// table by it when it opens the file.
func xrefBomb(start int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	o1 := b.Len()
	b.WriteString("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	o2 := b.Len()
	b.WriteString("2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n")
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n%d 1\n0000000000 00000 n \n", o1, o2, start)
	fmt.Fprintf(&b, "trailer << /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}

// TestChildProcess_RefusesPDFBombs: PDFs of a few hundred bytes that take
// gigabytes in-process (785 MiB of heap for the first, a fatal "out of
// memory" while opening the second) are refused with a plain message, and
// the parent allocates next to nothing.
func TestChildProcess_RefusesPDFBombs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pdf    []byte
		memory int64
	}{
		// A small limit: the stream bomb grows gradually (about 2 s to
		// reach 512 MiB, far more under -race).
		{"one 1 MiB stream listed 256 times", streamBomb(t, 1, 256), 64 << 20},
		// The default limit: the allocation is made at once.
		{"xref naming object 2,000,000,000", xrefBomb(2_000_000_000), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			useChild(t, tc.memory)
			mib := tc.memory >> 20
			if tc.memory == 0 {
				mib = textract.DefaultPDFMemory >> 20
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			text, err := extract(t, "application/pdf", tc.pdf)
			runtime.ReadMemStats(&after)
			require.EqualError(t, err, fmt.Sprintf("not a valid PDF: reading it needs more than %d MiB of memory", mib))
			require.Empty(t, text)
			// Everything the parent allocated while the child read the PDF,
			// garbage included: an upper bound on its heap's growth.
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte PDF: the parent allocated %d KiB; heap in use %d -> %d KiB", len(tc.pdf), allocated>>10, before.HeapInuse>>10, after.HeapInuse>>10)
			require.Less(t, allocated, uint64(8<<20))
		})
	}
}

// TestChildProcess_SameTextAsInProcess reads the package's test PDFs, and
// some it cannot read, both ways.
func TestChildProcess_SameTextAsInProcess(t *testing.T) {
	var pages [][]string
	for i := range 40 {
		pages = append(pages, []string{fmt.Sprintf("Page %d of the production", i+1)})
	}
	pdf := makePDF(t, []string{"Immigration detainer requests, fiscal year 2025", "Agreement under section 287(g)"},
		[]string{"Page two mentions the zymurgical inventory."})
	for _, tc := range []struct {
		name string
		pdf  []byte
	}{
		{"two pages", pdf},
		{"40 pages", makePDF(t, pages...)},
		{"PDF 2.0 header", append([]byte("%PDF-2.0"), pdf[8:]...)},
		{"truncated", pdf[:len(pdf)/2]},
		{"not a PDF", []byte("%PDF-1.4\nnothing else")},
		{"empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := extract(t, "application/pdf", tc.pdf)
			useChild(t, 0)
			got, err := extract(t, "application/pdf", tc.pdf)
			require.Equal(t, want, got)
			if wantErr != nil {
				require.EqualError(t, err, wantErr.Error())
			} else {
				require.NoError(t, err)
				require.NotEmpty(t, got)
			}
		})
	}
	t.Run("from a file", func(t *testing.T) {
		// A document that is a file already is given to the child as it is.
		path := filepath.Join(t.TempDir(), "two.pdf")
		require.NoError(t, os.WriteFile(path, pdf, 0o600))
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		want, err := extract(t, "application/pdf", pdf)
		require.NoError(t, err)
		useChild(t, 0)
		got, err := textract.Extract(context.Background(), "application/pdf", f, int64(len(pdf)), limit)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

// TestChildProcess_KilledWithContext: the child is killed when the
// caller's context ends, and Extract says so at once.
func TestChildProcess_KilledWithContext(t *testing.T) {
	// A limit the PDF does not reach: read whole, it takes 10-25 s and
	// about 800 MiB.
	useChild(t, 2<<30)
	pdf := streamBomb(t, 1, 256)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := textract.Extract(ctx, "application/pdf", bytes.NewReader(pdf), int64(len(pdf)), limit)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
}

// TestRunChild runs the child's command line as a person might.
func TestRunChild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pdf := makePDF(t, []string{"Detainer log"})
	pdfPath, junkPath := filepath.Join(dir, "ok.pdf"), filepath.Join(dir, "junk.pdf")
	require.NoError(t, os.WriteFile(pdfPath, pdf, 0o600))
	require.NoError(t, os.WriteFile(junkPath, []byte("%PDF-1.7 junk"), 0o600))
	for _, tc := range []struct {
		name       string
		args       []string
		stdin      []byte
		code       int
		out, inErr string
	}{
		{"file", []string{pdfPath}, nil, 0, "Detainer log", ""},
		{"standard input, a pipe", nil, pdf, 0, "Detainer log", ""},
		{"not a PDF", []string{junkPath}, nil, textract.ExitUnreadable, "", "not a valid PDF"},
		{"no such file", []string{filepath.Join(dir, "none.pdf")}, nil, 1, "", "no such file"},
		{"bad limit", []string{"--memory", "0", pdfPath}, nil, 1, "", "give a positive --memory"},
		{"two files", []string{pdfPath, pdfPath}, nil, 1, "", "at most one PDF file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], tc.args...)
			if tc.stdin != nil {
				cmd.Stdin = bytes.NewReader(tc.stdin)
			}
			var out, errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.code, code, errb.String())
			require.Contains(t, out.String(), tc.out)
			require.Contains(t, errb.String(), tc.inErr)
		})
	}
}
