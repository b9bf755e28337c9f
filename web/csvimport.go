package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/encoding/charmap"

	"github.com/sunshine-records/sunshine/store"
)

// What the spreadsheet imports (requests, agencies) share: reading the
// upload, its characters and separator, its header, its cells.

// importFile is what every import page shows of the file: its text, kept
// to import it after a check, its name, what is wrong with it as a whole,
// and whether it was checked.
type importFile struct {
	CSV      string
	Filename string
	Error    string
	Checked  bool
}

func (f *importFile) file() *importFile { return f }

// sheetImport is one kind of import (requests, agencies) as runImport
// drives it: the page's data, which embeds importFile.
type sheetImport interface {
	file() *importFile
	// read parses the file's text into rows, noting each row's problems;
	// a fileProblem is the file's as a whole.
	read(s *Server, c *gin.Context) error
	// add saves the rows through st, one transaction's store, noting on
	// each what came of it; an error is the database's.
	add(ctx context.Context, st *store.Store) error
	problemRows() int
	// done is where to go once imported, and what to say there.
	done() (path, note string)
}

// runImport checks the uploaded spreadsheet, or imports it: every row is
// saved in one transaction, kept only on import when no row has a
// problem, so a check refuses each row exactly as the import would.
func (s *Server) runImport(c *gin.Context, ctx context.Context, page, title string, d sheetImport) {
	f := d.file()
	raw, name, err := importUpload(c)
	if err != nil {
		f.Error = err.Error()
		s.render(c, http.StatusBadRequest, page, title, d)
		return
	}
	f.Filename = name
	text, err := csvText(raw)
	if err == nil {
		f.CSV = text
		err = d.read(s, c)
	}
	var bad fileProblem
	switch {
	case errors.As(err, &bad):
		f.Error = bad.Error()
		s.render(c, http.StatusBadRequest, page, title, d)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	save := c.PostForm("action") == "import"
	err = s.store.Atomically(ctx, func(st *store.Store) error {
		if err := d.add(ctx, st); err != nil {
			return err
		}
		if !save || d.problemRows() > 0 {
			return errCheckOnly
		}
		return nil
	})
	switch {
	case err == nil:
		path, note := d.done()
		s.redirectBack(c, path, note)
		return
	case !errors.Is(err, errCheckOnly):
		s.fail(c, err)
		return
	}
	f.Checked = true
	status := http.StatusOK
	if d.problemRows() > 0 && save {
		status = http.StatusUnprocessableEntity
	}
	s.render(c, status, page, title, d)
}

// errCheckOnly rolls back a check: every row is saved, to be refused
// exactly as an import would refuse it, and then nothing is kept.
var errCheckOnly = errors.New("web: import checked, not saved")

// fileProblem is what is wrong with an imported file as a whole, said to
// the person importing it.
type fileProblem string

func (p fileProblem) Error() string { return string(p) }

func fileProblemf(format string, args ...any) error { return fileProblem(fmt.Sprintf(format, args...)) }

// counted is n things in words: "1 row", "2 rows".
func counted(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// importUpload reads the posted spreadsheet: the file chosen, or the text
// a check kept in the page.
func importUpload(c *gin.Context) (raw []byte, name string, err error) {
	if err := c.Request.ParseMultipartForm(formLimit); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, "", fileProblemf("The file could not be read (at most %d MiB): nothing was imported.", formLimit>>20)
	}
	if f, h, err := c.Request.FormFile("file"); err == nil {
		defer f.Close()
		raw, err := io.ReadAll(f)
		return raw, h.Filename, err
	}
	if kept := c.PostForm("csv"); kept != "" {
		return []byte(kept), c.PostForm("filename"), nil
	}
	return nil, "", fileProblem("Choose a CSV file to import.")
}

// csvText is a file's text: UTF-8 (a byte-order mark dropped), or else
// Windows-1252, which Excel writes as "CSV" on Windows.
func csvText(raw []byte) (string, error) {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if bytes.IndexByte(raw, 0) >= 0 {
		return "", fileProblem("This is not a CSV file (it holds binary data). Save the spreadsheet as CSV and try again.")
	}
	if utf8.Valid(raw) {
		return string(raw), nil
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return "", fileProblem("The file's characters could not be read. Save it as \"CSV UTF-8\" and try again.")
	}
	return string(text), nil
}

// sheet is a CSV file read: its header, its records under it, each
// record's line in the file (empty lines are skipped, multi-line cells
// counted) and the separator it uses.
type sheet struct {
	Header []string
	Rows   [][]string
	Lines  []int
	Comma  rune
}

// readSheet reads text as CSV separated by commas, semicolons (a
// spreadsheet in a language that writes decimal commas) or tabs (pasted
// from a sheet), whichever its first line has most of, with any line
// endings; a file without rows under its header, or with more than
// maxRows, is a fileProblem.
func readSheet(text string, maxRows int) (*sheet, error) {
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n") // an old Mac's line endings
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	first, _, _ := strings.Cut(text, "\n")
	switch commas := strings.Count(first, ","); {
	case strings.Count(first, "\t") > commas:
		cr.Comma = '\t'
	case strings.Count(first, ";") > commas:
		cr.Comma = ';'
	}
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fileProblemf("The file is not valid CSV (%v): nothing was imported.", err)
		}
		line, _ := cr.FieldPos(0)
		records, lines = append(records, rec), append(lines, line)
	}
	if len(records) < 2 {
		return nil, fileProblem("The file has no rows under its header: nothing to import.")
	}
	if len(records)-1 > maxRows {
		return nil, fileProblemf("The file has %d rows; import at most %d at a time.", len(records)-1, maxRows)
	}
	return &sheet{Header: records[0], Rows: records[1:], Lines: lines[1:], Comma: cr.Comma}, nil
}

// columns maps the columns an import reads to their place in a row.
type columns map[string]int

// columnsOf reads a header: each heading, as people write it ("Received
// on", "received-on"), that names one of known or is one of aliases
// names its column; the other headings (and a name's second column) are
// ignored, as written.
func columnsOf(header, known []string, aliases map[string]string) (col columns, ignored []string) {
	col = columns{}
	for i, h := range header {
		name := strings.ToLower(strings.Join(strings.FieldsFunc(h, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_"))
		if a, ok := aliases[name]; ok {
			name = a
		}
		if _, dup := col[name]; dup || !slices.Contains(known, name) {
			if strings.TrimSpace(h) != "" {
				ignored = append(ignored, strings.TrimSpace(h))
			}
			continue
		}
		col[name] = i
	}
	return col, ignored
}

// cell is the named column's cell of rec, as uncell reads it; "" if the
// file has no such column or the row stops short of it.
func (col columns) cell(rec []string, name string) string {
	i, ok := col[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return uncell(rec[i])
}

// blank says whether rec is an empty line of the sheet (commas only).
func blank(rec []string) bool { return strings.TrimSpace(strings.Join(rec, "")) == "" }

// uncell is a cell's text: trimmed, and without the quote a spreadsheet
// export (Sunshine's too: sunshine.CSVSafe) puts before text that would
// otherwise run as a formula.
func uncell(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		return v[1:]
	}
	return v
}

// nameKey is a name as people type it, to compare: case, spaces and a
// word processor's quotes aside.
func nameKey(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(s) // a word processor's quotes
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
