package textract

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Reading a page's text from where its words are placed.
//
// A PDF has no spaces or line breaks as such: it places runs of glyphs at
// positions, and a generator such as pdfTeX writes "library for the" as
// [(library)-333(for)-334(the)] TJ, the space being a move to the right,
// while others place each word or line with its own Td or Tm. The
// library's GetPlainText only concatenates the runs ("libraryforthe"), so
// pageText follows the text state (text and line matrices, the current
// transformation matrix, font size, spacing, scaling, rise) and the
// glyphs' widths, and writes, between two runs,
//
//   - a newline when the next run starts more than half a font size above
//     or below the baseline of the previous one;
//   - a space when it starts more than a fifth of a font size after the
//     end of the previous one (a word space: pdfTeX's is a third of an em,
//     shrinking to about 0.22; kerning is a few hundredths), or more than
//     a font size before it (back to the start of a line or a column).
//
// Runs are kept in the content stream's order, as GetPlainText did: it is
// the reading order for nearly every generator, and sorting by position
// would interleave the lines of two columns. Distances are measured along
// and across the run's own baseline, so rotated text reads the same.
// A font whose widths are unknown (the standard 14 fonts, which need not
// list them) counts its glyphs as zero wide: a gap is then only seen where
// the file moves the text on, as it does between words it places itself.

// spaceGap and lineGap are the thresholds above, in font sizes.
const (
	spaceGap = 0.2
	lineGap  = 0.5
	backGap  = 1.0
)

// affine is a PDF transformation matrix [a b c d e f].
type affine [6]float64

var identity = affine{1, 0, 0, 1, 0, 0}

// mul returns m × n (m applied first).
func (m affine) mul(n affine) affine {
	return affine{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) affine { return affine{1, 0, 0, 1, x, y} }

// textFont is what pageText needs of a font: its decoder and widths.
type textFont struct {
	enc     pdf.TextEncoding
	twoByte bool      // a Type0 font with two-byte codes (Identity-H/V)
	first   int       // a simple font's FirstChar
	widths  []float64 // a simple font's Widths, in thousandths of an em
	cidW    map[int]float64
	dw      float64 // a Type0 font's default width
}

// newTextFont reads a font's encoding and widths, recovering from the
// parser's panics on corrupt font dictionaries (such a font decodes its
// codes as they are, zero wide).
func newTextFont(f *pdf.Font) (tf *textFont) {
	defer func() {
		if recover() != nil {
			tf = &textFont{enc: rawEncoding{}}
		}
	}()
	tf = &textFont{enc: f.Encoder()}
	if tf.enc == nil {
		tf.enc = rawEncoding{}
	}
	if f.V.Key("Subtype").Name() == "Type0" {
		switch f.V.Key("Encoding").Name() {
		case "Identity-H", "Identity-V":
			tf.twoByte = true
		}
		d := f.V.Key("DescendantFonts").Index(0)
		tf.dw = 1000
		if v := d.Key("DW"); v.Kind() == pdf.Integer || v.Kind() == pdf.Real {
			tf.dw = v.Float64()
		}
		tf.cidW = cidWidths(d.Key("W"))
		return tf
	}
	tf.first = f.FirstChar()
	w := f.V.Key("Widths")
	// A Type3 font's widths are in its glyph space, which its FontMatrix
	// maps to text space (often, but not always, by 1/1000).
	unit := 1.0
	if m := f.V.Key("FontMatrix"); f.V.Key("Subtype").Name() == "Type3" && m.Len() == 6 {
		unit = math.Abs(m.Index(0).Float64()) * 1000
	}
	tf.widths = make([]float64, min(w.Len(), 256))
	for i := range tf.widths {
		tf.widths[i] = w.Index(i).Float64() * unit
	}
	return tf
}

// cidWidths reads a CID font's W array: "c [w1 w2 ...]" or "c1 c2 w".
func cidWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	const maxEntries = 1 << 16
	for i := 0; i+1 < w.Len() && len(m) < maxEntries; {
		c := int(w.Index(i).Int64())
		if v := w.Index(i + 1); v.Kind() == pdf.Array {
			for j := 0; j < v.Len() && len(m) < maxEntries; j++ {
				m[c+j] = v.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			break
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for cid := c; cid <= last && cid-c < maxEntries && len(m) < maxEntries; cid++ {
			m[cid] = width
		}
		i += 3
	}
	return m
}

// advance returns the horizontal displacement of showing raw, in unscaled
// text space units, per the PDF specification's 9.4.4: widths times the
// font size, plus character spacing, plus word spacing for each single-byte
// code 32, all times the horizontal scaling.
func (f *textFont) advance(raw string, size, charSpace, wordSpace, scale float64) float64 {
	var tx float64
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			w, ok := f.cidW[int(raw[i])<<8|int(raw[i+1])]
			if !ok {
				w = f.dw
			}
			tx += w/1000*size + charSpace
		}
		return tx * scale
	}
	for i := 0; i < len(raw); i++ {
		c := int(raw[i])
		var w float64
		if j := c - f.first; j >= 0 && j < len(f.widths) {
			w = f.widths[j]
		}
		tx += w/1000*size + charSpace
		if c == ' ' {
			tx += wordSpace
		}
	}
	return tx * scale
}

// rawEncoding decodes codes as they are, as the library does for a font it
// cannot read.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string { return raw }

// textState is the part of the graphics state that places text.
type textState struct {
	ctm                        affine
	font                       *textFont
	size, charSpace, wordSpace float64
	scale, leading, rise       float64
}

// pageText returns the text of a page, with spaces and newlines where the
// glyphs' positions put them (see above), and whether the page draws a
// picture. fonts are the page's fonts (pageFonts).
func pageText(p pdf.Page, fonts map[string]*pdf.Font) (text string, picture bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, picture, err = "", false, fmt.Errorf("%v", r)
		}
	}()
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return "", false, nil
	}
	var (
		b        strings.Builder
		g        = textState{ctm: identity, scale: 1}
		stack    []textState
		tm, tlm  = identity, identity
		loaded   = map[string]*textFont{}
		started  bool    // a run was written on this page
		endX     float64 // where the previous run ended, in device space
		endY     float64
		dirX     = 1.0 // the previous run's baseline direction (unit)
		dirY     = 0.0
		prevSize = 0.0
		xobjects pdf.Value               // the page's, once a Do needs them
		looked   = map[string]struct{}{} // the XObjects a Do drew
	)
	// show writes one run of glyphs (a string operand of Tj, TJ, ' or ")
	// and moves the text matrix past it.
	show := func(raw string) {
		if g.font == nil {
			g.font = &textFont{enc: rawEncoding{}}
		}
		trm := affine{g.size * g.scale, 0, 0, g.size, 0, g.rise}.mul(tm).mul(g.ctm)
		x, y := trm[4], trm[5]
		size := math.Hypot(trm[2], trm[3]) // the font size on the page
		s := ligatures.Replace(g.font.enc.Decode(raw))
		tm = translate(g.font.advance(raw, g.size, g.charSpace, g.wordSpace, g.scale), 0).mul(tm)
		if s != "" {
			if started {
				ref := max(size, prevSize)
				along := (x-endX)*dirX + (y-endY)*dirY
				across := -(x-endX)*dirY + (y-endY)*dirX
				switch {
				case math.Abs(across) > lineGap*ref:
					writeSep(&b, '\n', s)
				case along > spaceGap*ref || along < -backGap*ref:
					writeSep(&b, ' ', s)
				}
			}
			b.WriteString(s)
			started = true
			prevSize = size
			if n := math.Hypot(trm[0], trm[1]); n > 0 {
				dirX, dirY = trm[0]/n, trm[1]/n
			}
		}
		end := affine{g.size * g.scale, 0, 0, g.size, 0, g.rise}.mul(tm).mul(g.ctm)
		endX, endY = end[4], end[5]
	}
	nextLine := func() {
		tlm = translate(0, -g.leading).mul(tlm)
		tm = tlm
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 { return args[i].Float64() }
		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if n := len(stack); n > 0 {
				g, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := loaded[name]
				if !ok {
					if pf := fonts[name]; pf != nil {
						f = newTextFont(pf)
					} else {
						f = &textFont{enc: rawEncoding{}}
					}
					loaded[name] = f
				}
				g.font, g.size = f, num(1)
			}
		case "Tc":
			if len(args) == 1 {
				g.charSpace = num(0)
			}
		case "Tw":
			if len(args) == 1 {
				g.wordSpace = num(0)
			}
		case "Tz":
			if len(args) == 1 {
				g.scale = num(0) / 100
			}
		case "TL":
			if len(args) == 1 {
				g.leading = num(0)
			}
		case "Ts":
			if len(args) == 1 {
				g.rise = num(0)
			}
		case "Td", "TD":
			if len(args) == 2 {
				if op == "TD" {
					g.leading = -num(1)
				}
				tlm = translate(num(0), num(1)).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if len(args) == 6 {
				tlm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			if len(args) == 1 {
				nextLine()
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.wordSpace, g.charSpace = num(0), num(1)
				nextLine()
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				v := a.Index(i)
				if v.Kind() == pdf.String {
					show(v.RawString())
					continue
				}
				tm = translate(-v.Float64()/1000*g.size*g.scale, 0).mul(tm)
			}
		case "Do":
			// A picture drawn on the page (a scan), itself or in a form;
			// each name looked at once (a drawing may draw one form
			// thousands of times).
			if len(args) == 1 && !picture {
				name := args[0].Name()
				if _, seen := looked[name]; !seen {
					if xobjects.IsNull() {
						xobjects = p.Resources().Key("XObject")
					}
					looked[name] = struct{}{}
					picture = isPicture(xobjects.Key(name), 2)
				}
			}
		}
	})
	return b.String(), picture, nil
}

// isPicture reports whether an XObject is an image, or a form that draws
// one, looking depth forms deep.
func isPicture(x pdf.Value, depth int) bool {
	switch x.Key("Subtype").Name() {
	case "Image":
		return true
	case "Form":
		xobjects := x.Key("Resources").Key("XObject")
		for _, name := range xobjects.Keys() {
			if depth > 1 && isPicture(xobjects.Key(name), depth-1) {
				return true
			}
		}
	}
	return false
}

// ligatures spells out the Latin ligatures that fonts map their glyphs to
// (pdfTeX, FOP, Word: "ﬁle" is U+FB01 then "le"), so that search finds
// "file".
var ligatures = strings.NewReplacer("\uFB00", "ff", "\uFB01", "fi", "\uFB02", "fl",
	"\uFB03", "ffi", "\uFB04", "ffl", "\uFB05", "st", "\uFB06", "st")

// writeSep writes sep before next unless the text already has a space or
// newline there.
func writeSep(b *strings.Builder, sep byte, next string) {
	s := b.String()
	last, _ := utf8.DecodeLastRuneInString(s)
	first, _ := utf8.DecodeRuneInString(next)
	switch {
	case last == '\n' || first == '\n':
		return
	case sep == ' ' && (unicode.IsSpace(last) || unicode.IsSpace(first)):
		return
	}
	b.WriteByte(sep)
}
