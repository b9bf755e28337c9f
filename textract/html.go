package textract

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// extractHTML decodes an HTML document (charset from the content type, a BOM
// or a <meta> tag) and converts it to text.
func extractHTML(data []byte, contentType string) (string, error) {
	enc, _, _ := charset.DetermineEncoding(data, contentType)
	if out, err := enc.NewDecoder().Bytes(data); err == nil {
		data = out
	}
	return htmlToText(bytes.NewReader(data), maxText), nil
}

// skipped elements: their content is not text a reader sees.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Head: true, atom.Noscript: true,
	atom.Template: true, atom.Iframe: true, atom.Object: true, atom.Svg: true,
	atom.Math: true, atom.Select: true,
}

// blocks: elements that start and end on their own line(s).
var blocks = map[atom.Atom]int{
	// one newline
	atom.Br: 1, atom.Li: 1, atom.Tr: 1, atom.Dt: 1, atom.Dd: 1, atom.Option: 1,
	atom.Caption: 1, atom.Figcaption: 1, atom.Summary: 1, atom.Legend: 1,
	atom.Div: 1, atom.Form: 1, atom.Label: 0, atom.Thead: 1, atom.Tbody: 1, atom.Tfoot: 1,
	// paragraph break
	atom.P: 2, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Table: 2, atom.Ul: 2, atom.Ol: 2, atom.Dl: 2, atom.Blockquote: 2, atom.Pre: 2,
	atom.Hr: 2, atom.Section: 2, atom.Article: 2, atom.Header: 2, atom.Footer: 2,
	atom.Nav: 2, atom.Aside: 2, atom.Main: 2, atom.Figure: 2, atom.Address: 2,
	atom.Fieldset: 2, atom.Details: 2, atom.Body: 2, atom.Html: 2,
}

// cells: table cells are separated by a tab.
var cells = map[atom.Atom]bool{atom.Td: true, atom.Th: true}

// htmlToText converts HTML to plain text: script, style, head and similar
// elements are skipped, block elements produce newlines, whitespace is
// collapsed (except inside <pre>) and entities are decoded. It stops once
// the text reaches limit bytes.
func htmlToText(r io.Reader, limit int) string {
	z := html.NewTokenizer(r)
	w := &textWriter{limit: limit}
	var skip []atom.Atom // open skipped elements
	pre := 0
	for !w.full() {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if len(skip) == 0 {
				w.text(string(z.Text()), pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == 0 {
				continue
			}
			start := tt != html.EndTagToken
			if skipped[a] {
				switch tt {
				case html.StartTagToken:
					skip = append(skip, a)
				case html.EndTagToken:
					if i := lastIndex(skip, a); i >= 0 {
						skip = skip[:i]
					}
				}
				continue
			}
			if start && (a == atom.Body || blocks[a] > 0) {
				// A document whose <head> was never closed: the body
				// content still counts.
				if i := lastIndex(skip, atom.Head); i >= 0 {
					skip = skip[:i]
				}
			}
			if len(skip) > 0 {
				continue
			}
			if a == atom.Pre {
				if start && tt != html.SelfClosingTagToken {
					pre++
				} else if !start && pre > 0 {
					pre--
				}
			}
			if n := blocks[a]; n > 0 {
				if a == atom.Br && !start {
					continue
				}
				w.newlines(n)
			} else if cells[a] && start {
				w.sep('\t')
			} else if a == atom.Img && start {
				if alt, ok := attr(z, "alt"); ok {
					w.text(" "+alt+" ", false)
				}
			}
		}
	}
	return w.String()
}

func lastIndex(s []atom.Atom, a atom.Atom) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == a {
			return i
		}
	}
	return -1
}

func attr(z *html.Tokenizer, name string) (string, bool) {
	for {
		k, v, more := z.TagAttr()
		if string(k) == name {
			return strings.TrimSpace(string(v)), true
		}
		if !more {
			return "", false
		}
	}
}

// textWriter accumulates text, collapsing whitespace and limiting blank lines.
type textWriter struct {
	b       strings.Builder
	limit   int
	space   bool // a collapsed space is pending
	nl      int  // newlines at the end of b (after the last visible text)
	pendSep rune // a separator (tab) pending before the next text
}

func (w *textWriter) full() bool { return w.b.Len() >= w.limit }

func (w *textWriter) String() string { return w.b.String() }

func (w *textWriter) text(s string, keepSpace bool) {
	for _, r := range s {
		if keepSpace {
			if r == '\n' {
				w.b.WriteByte('\n')
				w.nl++
				w.space, w.pendSep = false, 0
				continue
			}
			if r == '\r' {
				continue
			}
			w.flush()
			w.b.WriteRune(r)
			continue
		}
		if unicode.IsSpace(r) {
			w.space = true
			continue
		}
		w.flush()
		w.b.WriteRune(r)
	}
}

// flush writes a pending separator or space before visible text.
func (w *textWriter) flush() {
	atLineStart := w.b.Len() == 0 || w.nl > 0
	switch {
	case w.pendSep != 0 && !atLineStart:
		w.b.WriteRune(w.pendSep)
	case w.space && !atLineStart:
		w.b.WriteByte(' ')
	}
	w.space, w.pendSep, w.nl = false, 0, 0
}

func (w *textWriter) sep(r rune) {
	w.pendSep = r
	w.space = false
}

// newlines ends the current line; n == 2 leaves a blank line.
func (w *textWriter) newlines(n int) {
	w.space, w.pendSep = false, 0
	if w.b.Len() == 0 {
		return
	}
	for w.nl < n {
		w.b.WriteByte('\n')
		w.nl++
	}
}
