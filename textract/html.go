package textract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// extractHTML reads an HTML document from r, decoding it (charset from the
// content type, a BOM or a <meta> tag in its first 1024 bytes) and
// converting it to text as it goes: it holds at most a few MiB, whatever
// the document's size (see htmlToText). It reports whether the text was
// cut at limit bytes.
func extractHTML(ctx context.Context, r io.Reader, contentType string, limit int) (string, bool, error) {
	br := bufio.NewReaderSize(r, 1024)
	head, err := br.Peek(1024)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", false, err
	}
	var src io.Reader = br
	if enc, _, _ := charset.DetermineEncoding(head, contentType); enc != encoding.Nop {
		src = transform.NewReader(br, enc.NewDecoder())
	}
	return htmlToText(ctx, src, limit)
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

// maxHTMLToken bounds the bytes the HTML tokenizer holds for one token.
// It holds a token whole, in a buffer that doubles as the token grows: a
// 32 MiB run of text (a <pre> dump) took 250 MiB of heap. A longer token
// is read a piece at a time (see resync): text is kept, a tag or comment
// skipped.
const maxHTMLToken = 1 << 20

// ctxEvery is how many tokens (or lines, or KiB) a parser reads between
// looks at its context.
const ctxEvery = 1024

// rawTextTags are the elements whose content the tokenizer reads as raw
// text, up to their end tag.
var rawTextTags = map[atom.Atom]bool{
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true,
	atom.Plaintext: true, atom.Script: true, atom.Style: true, atom.Textarea: true,
	atom.Title: true, atom.Xmp: true,
}

// htmlToText converts HTML to plain text: script, style, head and similar
// elements are skipped, block elements produce newlines, whitespace is
// collapsed (except inside <pre>) and entities are decoded. It stops once
// the text reaches limit bytes, reporting it was cut, or returns ctx.Err()
// once ctx is done (it looks every ctxEvery tokens), or r's error.
func htmlToText(ctx context.Context, r io.Reader, limit int) (string, bool, error) {
	in := &pushback{r: r}
	z := html.NewTokenizer(in)
	z.SetMaxBuf(maxHTMLToken)
	w := &textWriter{limit: limit}
	var (
		skip     []atom.Atom // open skipped elements
		pre      int
		prev     html.TokenType // the token before this one
		rawIn    atom.Atom      // the raw-text element the last text token was in
		rawNext  atom.Atom      // the raw-text element the next token is in
		comment  bool           // the last comment token was a <!-- comment -->
		markEnd  []byte         // the last bytes of the last comment or doctype
		ignoreTT bool           // the next token is resync's own start tag
		carry    []byte         // a rune cut at the end of a long text token
	)
	for n := 0; !w.full(); n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return "", false, err
			}
		}
		tt := z.Next()
		if tt != html.ErrorToken {
			prev = tt
		}
		inRaw := rawNext
		rawNext = 0
		if ignoreTT {
			ignoreTT, rawNext = false, inRaw
			continue
		}
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			switch {
			case errors.Is(err, io.EOF):
				return w.String(), false, nil
			case errors.Is(err, html.ErrBufferExceeded):
				z, ignoreTT = resync(in, z, prev, rawIn, comment, markEnd, carry)
				if ignoreTT {
					rawNext = rawIn
				}
				continue
			case ctx.Err() != nil:
				return "", false, ctx.Err()
			}
			return "", false, err
		case html.CommentToken, html.DoctypeToken:
			raw := z.Raw()
			comment = bytes.HasPrefix(raw, []byte("<!--"))
			markEnd = slices.Clone(raw[max(0, len(raw)-3):])
		case html.TextToken:
			rawIn = inRaw
			raw := z.Raw()
			long := len(raw) >= maxHTMLToken // its start: more follows
			k := 0
			if long {
				k = cutTail(raw)
			}
			t := z.Text()
			carry = slices.Clone(t[len(t)-min(k, len(t)):])
			t = t[:len(t)-len(carry)]
			if len(skip) == 0 {
				w.text(t, pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if tt == html.StartTagToken && rawTextTags[a] {
				rawNext = a
			}
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
					w.text([]byte(" "+alt+" "), false)
				}
			}
		}
	}
	return w.String(), true, nil
}

// resync returns a tokenizer that goes on reading in after z stopped at a
// token longer than maxHTMLToken, and whether its first token is resync's
// own, to be ignored:
//
//   - A text token's first maxHTMLToken bytes were returned as a token
//     (prev), but for the bytes of a rune or of a "<" cut at its end
//     (carry): the rest is read by the new tokenizer, as more of the
//     raw-text element rawIn when set (a <script>'s or <style>'s content
//     is not taken for markup). An entity cut there stays as it is.
//   - The rest of a comment is skipped up to "-->" when it was a <!--
//     comment --> (it ended with markEnd), up to ">" otherwise; so is the
//     rest of a tag (its attributes: an <img> with a data: URI of
//     megabytes), unless the byte the tokenizer stopped at was its end,
//     and the tag is read again without its attributes. A tag's quoted
//     attribute value holding ">" ends it there: what follows up to the
//     real end is read as text.
func resync(in *pushback, z *html.Tokenizer, prev html.TokenType, rawIn atom.Atom, comment bool, markEnd, carry []byte) (*html.Tokenizer, bool) {
	in.unread(z.Buffered())
	ignore := false
	switch raw := z.Raw(); {
	case len(raw) > 0: // a tag's start: no token was returned
		if !bytes.HasSuffix(raw, []byte(">")) {
			in.skipPast(">")
		}
		// The tag without its attributes: a <p>, <pre> or <script> still
		// counts as one.
		name, end := bytes.CutPrefix(raw[1:], []byte("/"))
		if i := bytes.IndexAny(name, " \t\n\f\r/>"); i >= 0 {
			name = name[:i]
		}
		if a := atom.Lookup(bytes.ToLower(name)); a != 0 {
			if end {
				in.unread([]byte("</" + a.String() + ">"))
			} else {
				in.unread([]byte("<" + a.String() + ">"))
			}
		}
	case (prev == html.CommentToken || prev == html.DoctypeToken) && comment:
		if !bytes.HasSuffix(markEnd, []byte("-->")) {
			// A "-" or "--" read may start the "-->".
			in.unread(markEnd[len(bytes.TrimRight(markEnd, "-")):])
			in.skipPast("-->")
		}
	case prev == html.CommentToken || prev == html.DoctypeToken:
		if !bytes.HasSuffix(markEnd, []byte(">")) {
			in.skipPast(">")
		}
	case prev == html.TextToken:
		in.unread(carry)
		if rawIn != 0 {
			in.unread([]byte("<" + rawIn.String() + ">"))
			ignore = true
		}
	}
	nz := html.NewTokenizer(in)
	nz.SetMaxBuf(maxHTMLToken)
	return nz, ignore
}

// cutTail returns how many bytes at the end of the start of a long text
// token (raw) are to be read again with what follows: a '<' and the byte
// after it (the tokenizer stopped there before telling whether they start
// a tag), or the start of a rune.
func cutTail(raw []byte) int {
	n := len(raw)
	switch {
	case n >= 1 && raw[n-1] == '<':
		return 1
	case n >= 2 && raw[n-2] == '<':
		return 2
	}
	for i := 1; i <= min(utf8.UTFMax-1, n); i++ {
		if utf8.RuneStart(raw[n-i]) {
			if utf8.FullRune(raw[n-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// pushback reads r, after any bytes unread.
type pushback struct {
	r       io.Reader
	pending []byte
}

func (p *pushback) Read(b []byte) (int, error) {
	if len(p.pending) > 0 {
		n := copy(b, p.pending)
		p.pending = p.pending[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// unread puts b back in front of what is left to read.
func (p *pushback) unread(b []byte) {
	p.pending = append(slices.Clone(b), p.pending...)
}

// skipPast discards input up to and including the first delim (or all of
// it), keeping what follows.
func (p *pushback) skipPast(delim string) {
	buf := make([]byte, 32<<10)
	var tail []byte // the last len(delim)-1 bytes read, for a delim split across reads
	for {
		n, err := p.Read(buf)
		chunk := append(tail, buf[:n]...)
		if i := bytes.Index(chunk, []byte(delim)); i >= 0 {
			p.unread(chunk[i+len(delim):])
			return
		}
		if err != nil {
			return
		}
		tail = append([]byte(nil), chunk[max(0, len(chunk)-len(delim)+1):]...)
	}
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

// full reports that the text is longer than the limit (the cleaning
// that follows cuts it there).
func (w *textWriter) full() bool { return w.b.Len() > w.limit }

func (w *textWriter) String() string { return w.b.String() }

// text writes s (UTF-8), until the text is full.
func (w *textWriter) text(s []byte, keepSpace bool) {
	for len(s) > 0 && !w.full() {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
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
