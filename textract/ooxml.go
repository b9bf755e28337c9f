package textract

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Office Open XML: Word (.docx), Excel (.xlsx) and PowerPoint (.pptx)
// documents are ZIP archives of XML parts. Their text is read with the
// standard library, in this process: the ZIP reader (zipdir.go) bounds the
// files listed and the bytes unpacked, the XML is read as a stream, and
// reading stops once there is more text than maxText.

// Office Open XML content types.
const (
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// maxXMLDepth bounds how deeply a part's elements nest (Word nests tables
// in tables, a few dozen levels at most).
const maxXMLDepth = 256

// maxXMLToken bounds the bytes of one XML token (a tag with its
// attributes, a run of text, a comment). The XML reader holds a token
// whole, and a start tag's attributes take far more memory than their
// bytes: a 64 KB document whose one tag has 31 million attributes " a"
// took 5.4 GB of heap and more than two minutes. Office programs write
// tags of a few hundred bytes and runs of text well under this.
const maxXMLToken = 1 << 20

// SniffZip returns the content type of a ZIP archive r of size bytes that
// is an Office Open XML document (DOCX, XLSX or PPTX: it holds
// [Content_Types].xml and the main part of its kind), or "" for any other
// archive or a file that is not one. Only the archive's list of files is
// read, at most maxZipEntries of them.
func SniffZip(r io.ReaderAt, size int64) string {
	entries, err := zipEntries(r, size)
	if err != nil {
		return ""
	}
	has := func(name string) bool {
		return slices.ContainsFunc(entries, func(e zipEntry) bool { return e.name == name })
	}
	if !has("[Content_Types].xml") {
		return ""
	}
	switch {
	case has("word/document.xml"):
		return DOCX
	case has("xl/workbook.xml"):
		return XLSX
	case has("ppt/presentation.xml"):
		return PPTX
	}
	return ""
}

// readOOXMLCapped returns the cleaned text of an Office Open XML document.
// Each part is read up to budget.part bytes unpacked (and up to an XML token
// longer than maxXMLToken), and all of them up to budget.left: the text is
// that of the bytes read. A document that yields no text before a cap is
// refused, as damaged or a "zip bomb". Extract gives it maxPartBytes and
// maxZipBytes.
func readOOXMLCapped(ctx context.Context, mediaType string, r io.ReaderAt, size int64, budget zipBudget) (string, error) {
	text, _, err := readOOXMLCut(ctx, mediaType, r, size, budget)
	return text, err
}

// readOOXMLCut is readOOXMLCapped, also reporting whether the text is only
// the start of the document's: reading stopped at maxText or at a cap.
func readOOXMLCut(ctx context.Context, mediaType string, r io.ReaderAt, size int64, budget zipBudget) (_ string, cut bool, _ error) {
	kind := map[string]string{DOCX: "Word document", XLSX: "Excel workbook", PPTX: "PowerPoint presentation"}[mediaType]
	entries, err := zipEntries(r, size)
	if err != nil {
		if errors.Is(err, errZipFormat) {
			return "", false, fmt.Errorf("not a valid %s: it is not a whole ZIP archive", kind)
		}
		return "", false, fmt.Errorf("not a valid %s: %w", kind, err)
	}
	x := &ooxml{ctx: ctx, r: r, size: size, entries: entries, budget: budget, packed: size}
	switch mediaType {
	case DOCX:
		err = x.docx()
	case XLSX:
		err = x.xlsx()
	case PPTX:
		err = x.pptx()
	}
	enough := errors.Is(err, errEnoughText)
	if enough {
		err = nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		return "", false, fmt.Errorf("not a valid %s: %w", kind, err)
	}
	text, long := cleanCut(x.text.String(), maxText)
	if x.capped && text == "" {
		return "", false, fmt.Errorf("not a valid %s: it unpacks to more than Sunshine reads (%d MiB from one part, %d MiB in all, %d MiB in one XML tag or run of text) without any text: a damaged file or a \"zip bomb\"",
			kind, budget.part>>20, budget.left>>20, maxXMLToken>>20)
	}
	return text, enough || long || x.capped || x.dropped, nil
}

// errEnoughText stops reading once the text is longer than maxText.
var errEnoughText = errors.New("enough text")

type ooxml struct {
	ctx     context.Context
	r       io.ReaderAt
	size    int64
	entries []zipEntry
	budget  zipBudget
	packed  int64 // compressed bytes left to read, in all parts (zipEntry.open)
	capped  bool  // a part was read only up to a cap
	dropped bool  // text was left out at a cap on what is kept
	text    strings.Builder
}

func (x *ooxml) write(s string) error {
	x.text.WriteString(s)
	if x.text.Len() > maxText {
		return errEnoughText
	}
	return nil
}

// parts returns the entries named prefix + N + ".xml" (N a number, or
// nothing when bare is set), in the order of N.
func (x *ooxml) parts(prefix string, bare bool) []zipEntry {
	type numbered struct {
		n int
		e zipEntry
	}
	var out []numbered
	for _, e := range x.entries {
		num, ok := strings.CutPrefix(e.name, prefix)
		if !ok {
			continue
		}
		if num, ok = strings.CutSuffix(num, ".xml"); !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if (err != nil || n < 0) && !(bare && num == "") {
			continue
		}
		out = append(out, numbered{n, e})
	}
	slices.SortStableFunc(out, func(a, b numbered) int { return a.n - b.n })
	es := make([]zipEntry, len(out))
	for i, o := range out {
		es[i] = o.e
	}
	return es
}

func (x *ooxml) entry(name string) (zipEntry, bool) {
	i := slices.IndexFunc(x.entries, func(e zipEntry) bool { return e.name == name })
	if i < 0 {
		return zipEntry{}, false
	}
	return x.entries[i], true
}

// walk streams the XML of part e, calling fn for each token with the
// local names of the elements it is in (the innermost last).
func (x *ooxml) walk(e zipEntry, fn func(d *xml.Decoder, tok xml.Token, stack []string) error) error {
	rc, err := e.open(x.r, x.size, &x.packed)
	if err != nil {
		return err
	}
	tr := &tokenReader{r: ctxReader{x.ctx, x.budget.reader(rc)}}
	d := xml.NewDecoder(tr)
	d.Strict = false
	var stack []string
	skip := 0 // depth inside a skipped element
	for {
		tr.n = 0
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errZipCap) || errors.Is(err, errTokenCap) {
			// The text so far stands; the next part may still be read.
			x.capped = true
			return nil
		}
		if err != nil {
			if x.ctx.Err() != nil {
				return err
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("%s is not valid XML (line %d: %s)", e.name, se.Line, se.Msg)
			}
			return fmt.Errorf("%s cannot be read: %w", e.name, err)
		}
		if skip > 0 {
			switch tok.(type) {
			case xml.StartElement:
				skip++
				if len(stack)+skip > maxXMLDepth {
					return fmt.Errorf("%s nests elements more than %d deep", e.name, maxXMLDepth)
				}
			case xml.EndElement:
				skip--
			}
			continue
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return fmt.Errorf("%s nests elements more than %d deep", e.name, maxXMLDepth)
			}
			// Markup compatibility: the same content, again, for older
			// readers (a text box's text would come twice). Skipped here,
			// token by token, rather than with d.Skip, so that the caps on
			// depth and on a token's bytes hold inside it too.
			if t.Name.Local == "Fallback" {
				skip = 1
				continue
			}
			stack = append(stack, t.Name.Local)
			if err := fn(d, tok, stack); err != nil {
				return err
			}
		case xml.EndElement:
			if err := fn(d, tok, stack); err != nil {
				return err
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) == 0 {
				continue // around the root element
			}
			if err := fn(d, tok, stack); err != nil {
				return err
			}
		}
	}
}

// errTokenCap ends a part whose XML has a token longer than maxXMLToken.
var errTokenCap = errors.New("an XML token longer than Sunshine reads")

// tokenReader fails a read past maxXMLToken bytes since n was last reset
// (walk resets it before each token; the decoder reads ahead at most a
// few KiB).
type tokenReader struct {
	r io.Reader
	n int64
}

func (t *tokenReader) Read(p []byte) (int, error) {
	if t.n >= maxXMLToken {
		return 0, errTokenCap
	}
	p = p[:min(int64(len(p)), maxXMLToken-t.n)]
	n, err := t.r.Read(p)
	t.n += int64(n)
	return n, err
}

// runText reads WordprocessingML and DrawingML text: the text of t
// elements, a tab for a tab in a run, a new line for a break and at the
// end of each paragraph.
func (x *ooxml) runText(e zipEntry) error {
	return x.walk(e, func(_ *xml.Decoder, tok xml.Token, stack []string) error {
		name, parent := stack[len(stack)-1], ""
		if len(stack) > 1 {
			parent = stack[len(stack)-2]
		}
		switch t := tok.(type) {
		case xml.CharData:
			if name == "t" {
				return x.write(string(t))
			}
		case xml.StartElement:
			switch {
			case name == "tab" && parent == "r":
				return x.write("\t")
			case name == "br" || name == "cr":
				return x.write("\n")
			}
		case xml.EndElement:
			if name == "p" {
				return x.write("\n")
			}
		}
		return nil
	})
}

// docx reads the body, then the footnotes, endnotes, comments, headers and
// footers.
func (x *ooxml) docx() error {
	var parts []zipEntry
	for _, name := range []string{"word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/comments.xml"} {
		if e, ok := x.entry(name); ok {
			parts = append(parts, e)
		}
	}
	parts = append(parts, x.parts("word/header", true)...)
	parts = append(parts, x.parts("word/footer", true)...)
	for _, e := range parts {
		if err := x.runText(e); err != nil {
			return err
		}
		if err := x.write("\n"); err != nil {
			return err
		}
	}
	return nil
}

// pptx reads the slides in order.
func (x *ooxml) pptx() error {
	for _, e := range x.parts("ppt/slides/slide", false) {
		if err := x.runText(e); err != nil {
			return err
		}
		if err := x.write("\n"); err != nil {
			return err
		}
	}
	return nil
}

// maxSharedStrings bounds the shared strings kept from a workbook.
const maxSharedStrings = 1 << 20

// maxSharedText bounds the bytes of shared strings kept from a workbook:
// more than the text kept (maxText), as a sheet need not use them in
// order, or at all. A cell whose string is past a cap is left out and the
// text said to be cut.
const maxSharedText = 16 << 20

// sharedStrings are a workbook's shared strings, end to end in one buffer
// (a string's header would take more than the string).
type sharedStrings struct {
	text  []byte
	ends  []uint32 // where each string kept ends in text
	total int      // strings in the part, past the caps too
	full  bool     // no more strings are kept
}

// add ends the string whose text starts at start: it is kept unless it is
// past the caps (limit bytes of text, maxSharedStrings strings). Once one
// is left out, all that follow are.
func (ss *sharedStrings) add(start, limit int) {
	ss.total++
	if ss.full || len(ss.ends) >= maxSharedStrings || len(ss.text) > limit {
		ss.full = true
		ss.text = ss.text[:start]
		return
	}
	ss.ends = append(ss.ends, uint32(len(ss.text)))
}

// get returns string i, and whether it was left out at a cap.
func (ss *sharedStrings) get(i int) (_ string, cut bool) {
	switch {
	case i < 0 || i >= ss.total:
		return "", false // not a string of the workbook's
	case i >= len(ss.ends):
		return "", true
	}
	start := 0
	if i > 0 {
		start = int(ss.ends[i-1])
	}
	return string(ss.text[start:ss.ends[i]]), false
}

// xlsx reads each worksheet, in order, a line per row and a tab between
// cells: shared and inline strings, numbers and the results of formulas.
func (x *ooxml) xlsx() error {
	var shared sharedStrings
	if e, ok := x.entry("xl/sharedStrings.xml"); ok {
		start := 0 // of the string being read
		err := x.walk(e, func(_ *xml.Decoder, tok xml.Token, stack []string) error {
			switch t := tok.(type) {
			case xml.CharData:
				// Phonetic guides (rPh) repeat a string's reading.
				if stack[len(stack)-1] == "t" && !slices.Contains(stack, "rPh") && !shared.full && len(shared.text) <= x.budget.shared {
					shared.text = append(shared.text, t...)
				}
			case xml.EndElement:
				if t.Name.Local == "si" {
					shared.add(start, x.budget.shared)
					start = len(shared.text)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, e := range x.parts("xl/worksheets/sheet", false) {
		var (
			cellType string
			value    strings.Builder
			cells    int // in the row so far
		)
		err := x.walk(e, func(_ *xml.Decoder, tok xml.Token, stack []string) error {
			name := stack[len(stack)-1]
			switch t := tok.(type) {
			case xml.StartElement:
				if name == "c" {
					cellType = ""
					for _, a := range t.Attr {
						if a.Name.Local == "t" {
							cellType = a.Value
						}
					}
					value.Reset()
				}
			case xml.CharData:
				// A value (v), or an inline string's text (is/t); not a
				// formula (f).
				if (name == "v" || (name == "t" && slices.Contains(stack, "is"))) && value.Len() <= maxText {
					value.Write(t)
				}
			case xml.EndElement:
				switch name {
				case "c":
					v, cut := cellValue(cellType, strings.TrimSpace(value.String()), &shared)
					x.dropped = x.dropped || cut
					if v == "" {
						return nil
					}
					if cells > 0 {
						if err := x.write("\t"); err != nil {
							return err
						}
					}
					cells++
					return x.write(v)
				case "row":
					cells = 0
					return x.write("\n")
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := x.write("\n"); err != nil {
			return err
		}
	}
	return nil
}

// cellValue is the text of a cell of type t whose value is v, and whether
// it is a shared string left out at a cap.
func cellValue(t, v string, shared *sharedStrings) (string, bool) {
	switch t {
	case "s":
		i, err := strconv.Atoi(v)
		if err != nil {
			return "", false
		}
		return shared.get(i)
	case "b":
		switch v {
		case "1":
			return "TRUE", false
		case "0":
			return "FALSE", false
		}
	case "", "n":
		// Stored in full precision (0.1 as 0.10000000000000001): written
		// as the shortest number that reads back the same.
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64), false
		}
	}
	return v, false
}
