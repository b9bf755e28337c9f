package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

func testPDF(t *testing.T, line string) []byte {
	doc := fpdf.New("P", "mm", "Letter", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, line)
	var buf bytes.Buffer
	require.NoError(t, doc.Output(&buf))
	return buf.Bytes()
}

// xrefBomb is a PDF of 266 bytes whose cross-reference table names object
// 2,000,000,000: read in-process, it stops the server with Go's "fatal
// error: out of memory" as the file is opened.
func xrefBomb() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	o1 := b.Len()
	b.WriteString("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	o2 := b.Len()
	b.WriteString("2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n")
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 3\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n2000000000 1\n0000000000 00000 n \n", o1, o2)
	fmt.Fprintf(&b, "trailer << /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}

// TestExtractTextCommand runs the hidden command as serve does, and checks
// help keeps it hidden.
func TestExtractTextCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pdf, bomb := filepath.Join(dir, "letter.pdf"), filepath.Join(dir, "bomb.pdf")
	require.NoError(t, os.WriteFile(pdf, testPDF(t, "Response to request 2026-014"), 0o600))
	require.NoError(t, os.WriteFile(bomb, xrefBomb(), 0o600))

	code, out, errOut := runMain(t, nil, "extract-text", pdf)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "Response to request 2026-014", out)

	code, out, errOut = runMain(t, nil, "extract-text", "--memory", "67108864", bomb)
	require.Equal(t, 2, code, "Go's fatal error")
	require.Empty(t, out)
	// Go's words for a heap that cannot grow: under the race detector (make
	// test) they are "too many address space collisions".
	require.Regexp(t, `fatal error: (out of memory|too many address space collisions)`, errOut)

	code, _, errOut = runMain(t, nil, "extract-text", filepath.Join(dir, "none.pdf"))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no such file")

	var help strings.Builder
	require.Equal(t, 0, run([]string{"help"}, &help, &help))
	require.NotContains(t, help.String(), "extract-text")
}

// TestUseExtractChild: what serve sets at start makes text extraction run
// this binary's extract-text command (here the test binary, which TestMain
// turns into the command) with the configured limit. Not parallel: the
// setting is textract's, for the whole process.
func TestUseExtractChild(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"SUNSHINE_EXTRACT_MEMORY": "67108864"}[k]
	})
	require.NoError(t, err)
	require.NoError(t, useExtractChild(cfg))
	t.Cleanup(func() { textract.UseChildProcess(nil, 0) })
	extract := func(data []byte) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return textract.Extract(ctx, "application/pdf", bytes.NewReader(data), int64(len(data)), 0)
	}

	text, err := extract(testPDF(t, "Detainer log, page one"))
	require.NoError(t, err)
	require.Equal(t, "Detainer log, page one", text)

	_, err = extract(xrefBomb())
	require.EqualError(t, err, "not a valid PDF: reading it needs more than 64 MiB of memory")
}
