package textract

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// bigHTML returns an HTML document of about size bytes: a table of
// records (shape "table") or one <pre> holding a single run of text
// ("pre").
func bigHTML(shape string, size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	b.WriteString(`<!DOCTYPE html><html><head><title>Export</title><style>td { padding: 2px }</style></head><body>`)
	switch shape {
	case "table":
		b.WriteString("<table>\n")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "<tr><td>2025-%06d</td><td>Sheriff &amp; Deputy %d</td><td>Use of force report filed; reviewed by the board.</td></tr>\n", i, i%977)
		}
		b.WriteString("</table>")
	case "pre":
		b.WriteString("<pre>")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "%08d Sheriff's log entry: patrol, traffic stop, report filed\n", i)
		}
		b.WriteString("</pre>")
	}
	b.WriteString("</body></html>")
	return b.Bytes()
}

// peakHeap returns the most heap (live objects and garbage not yet swept)
// in use while fn runs, above what was in use before, sampled every 100 µs.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	return peak.Load() - min(base, peak.Load())
}

// BenchmarkExtractHTML extracts a 32 MiB HTML document (the most the
// server reads of one), reporting the bytes allocated and the peak heap
// in use, also as a multiple of the input's size.
//
//	go test -run '^$' -bench ExtractHTML -benchtime 3x ./textract
func BenchmarkExtractHTML(b *testing.B) {
	for _, shape := range []string{"table", "pre"} {
		b.Run(shape, func(b *testing.B) {
			data := bigHTML(shape, 32<<20)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeap(func() {
					res, err := ExtractResult(context.Background(), "text/html", bytes.NewReader(data), int64(len(data)), 64<<20)
					if err != nil || !strings.Contains(res.Text, "Sheriff") {
						b.Fatal(err, len(res.Text))
					}
				}))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(peak)/float64(len(data)), "peak/input")
		})
	}
}

// Tokens longer than the tokenizer holds are read a piece at a time: the
// text around them is the same as ever.
func TestHTMLToTextLongTokens(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 3*maxHTMLToken)
	words := strings.Repeat("word ", maxHTMLToken/4) // 1.25 tokens' worth
	tests := []struct {
		name, doc string
		want      []string
		notWant   []string
	}{
		{name: "long text is kept",
			doc:  "<p>" + words + "&amp; more</p><p>after</p>",
			want: []string{"word word", "word & more\n\nafter"}},
		{name: "a rune cut at the end of the first piece is whole",
			doc:     "<p>" + strings.Repeat("€", maxHTMLToken/3+1) + "</p><p>after</p>",
			want:    []string{"€€€\n\nafter"},
			notWant: []string{"\uFFFD"}},
		{name: "long script is skipped, markup in it too",
			doc:     "<p>before</p><script>var a = '</div><p>not text</p>';" + long + "var secret = 1;</script><p>after</p>",
			want:    []string{"before\n\nafter"},
			notWant: []string{"secret", "not text", "xxx"}},
		{name: "long style is skipped",
			doc:     "<p>before</p><style>" + long + "p { color: red }</style><p>after</p>",
			want:    []string{"before\n\nafter"},
			notWant: []string{"color", "xxx"}},
		{name: "long tag (a data: URI) is skipped",
			doc:     `<p>before</p><img alt="photo" src="data:image/png;base64,` + long + `"><p>after</p>`,
			want:    []string{"before\n\nafter"},
			notWant: []string{"xxx", "base64"}},
		{name: "long script tag: its content is still skipped",
			doc:     `<p>before</p><script data-x="` + long + `">var a = '<p>not text</p>';</script><pre class="` + long + `">  a  b</pre>`,
			want:    []string{"before\n\n  a  b"},
			notWant: []string{"not text", "xxx"}},
		{name: "long comment is skipped",
			doc:     "<p>before</p><!-- a > b " + long + " --><p>after</p>",
			want:    []string{"before\n\nafter"},
			notWant: []string{"xxx", "a > b"}},
		{name: "long textarea is kept",
			doc:  "<textarea>" + words + "<b>bold</b></textarea><p>after</p>",
			want: []string{"word <b>bold</b>\n\nafter"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text, cut, err := htmlToText(context.Background(), strings.NewReader(tc.doc), maxText)
			require.NoError(t, err)
			require.False(t, cut)
			for _, w := range tc.want {
				require.Contains(t, text, w)
			}
			for _, w := range tc.notWant {
				require.NotContains(t, text, w)
			}
		})
	}
}

// An HTML document is read as a stream: a 32 MiB one allocates a few MiB,
// whatever its shape (it was read whole, decoded into a copy, and its
// longest run of text held in a buffer that doubled: 127 MB allocated
// for a table, 415 MB for one <pre>, with a peak heap of 3.6 and 7.8
// times the document's size).
func TestExtractHTMLMemory(t *testing.T) {
	for _, shape := range []string{"table", "pre"} {
		t.Run(shape, func(t *testing.T) {
			data := bigHTML(shape, 32<<20)
			var (
				res Result
				err error
			)
			alloc := allocated(func() {
				res, err = ExtractResult(context.Background(), "text/html", bytes.NewReader(data), int64(len(data)), 64<<20)
			})
			require.NoError(t, err)
			require.True(t, res.Truncated)
			require.Contains(t, res.Text, "Sheriff")
			require.Less(t, alloc, uint64(32<<20), "bytes allocated")
		})
	}
}
