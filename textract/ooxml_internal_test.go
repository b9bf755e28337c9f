package textract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The caps on unpacked bytes, lowered so that a "zip bomb" is quick to
// read (the XML reader takes seconds per 64 MiB under the race detector).
func TestReadOOXMLCapped(t *testing.T) {
	t.Parallel()
	docx := func(parts map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range []string{"[Content_Types].xml", "word/document.xml", "word/header1.xml", "word/header2.xml", "word/header3.xml", "word/footer1.xml"} {
			if body, ok := parts[name]; ok {
				w, err := zw.Create(name)
				require.NoError(t, err)
				_, err = w.Write([]byte(body))
				require.NoError(t, err)
			}
		}
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}
	spaces := strings.Repeat(" ", 2<<20) // past the 1 MiB cap on a part
	para := func(s string) string { return "<w:p><w:r><w:t>" + s + "</w:t></w:r></w:p>" }
	doc := func(body string) string { return `<w:document xmlns:w="w"><w:body>` + body + `</w:body></w:document>` }
	tests := []struct {
		name    string
		parts   map[string]string
		want    string
		wantErr string
	}{
		{"only spaces: refused", map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": doc(spaces)}, "",
			"not a valid Word document: it unpacks to more than Sunshine reads (1 MiB from one part, 3 MiB in all, 1 MiB in one XML tag or run of text) without any text: a damaged file or a \"zip bomb\""},
		{"text before the cap is kept; the next part is read", map[string]string{"[Content_Types].xml": "<Types/>",
			"word/document.xml": doc(para("Sheriff Thompson") + spaces + para("never read")),
			"word/footer1.xml":  `<w:ftr xmlns:w="w">` + para("footer") + `</w:ftr>`}, "Sheriff Thompson\n\nfooter", ""},
		{"reading stops at the cap on all parts", map[string]string{"[Content_Types].xml": "<Types/>",
			"word/document.xml": doc(para("body") + spaces),
			"word/header1.xml":  `<w:hdr xmlns:w="w">` + para("one") + spaces + `</w:hdr>`,
			"word/header2.xml":  `<w:hdr xmlns:w="w">` + para("two") + spaces + `</w:hdr>`,
			"word/header3.xml":  `<w:hdr xmlns:w="w">` + para("three") + `</w:hdr>`,
		}, "body\n\none\n\ntwo", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := docx(tc.parts)
			require.Less(t, len(data), 64<<10, "a few MiB of spaces deflate to a few KiB")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			text, err := readOOXMLCapped(ctx, DOCX, bytes.NewReader(data), int64(len(data)), zipBudget{part: 1 << 20, left: 3 << 20})
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, text, fmt.Sprintf("%q", text))
		})
	}
}

// allocated returns the bytes fn allocates on the heap (the test must not
// be parallel, so that the count is fn's alone).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Hostile XML that deflates to a few KiB and that the XML reader would
// hold whole: the memory it takes is bounded by maxXMLToken and
// maxXMLDepth, not by the 64 MiB a part may unpack to. Before these
// bounds, the 8 million attributes took 1.3 GB and the nesting inside
// mc:Fallback (skipped with xml.Decoder.Skip) 130 MB per million levels.
func TestReadOOXMLHostileXML(t *testing.T) {
	zipOf := func(doc string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", doc}} {
			w, err := zw.Create(p[0])
			require.NoError(t, err)
			_, err = io.WriteString(w, p[1])
			require.NoError(t, err)
		}
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}
	para := func(s string) string { return "<w:p><w:r><w:t>" + s + "</w:t></w:r></w:p>" }
	tests := []struct {
		name, doc, want, wantErr string
		truncated                bool
	}{
		{name: "8 million attributes in one tag",
			doc:     `<w:document><w:body><w:p` + strings.Repeat(" a", 8<<20) + `/></w:body></w:document>`,
			wantErr: "without any text: a damaged file or a \"zip bomb\""},
		{name: "1 million levels inside mc:Fallback",
			doc:     `<w:document><w:body><mc:Fallback>` + strings.Repeat("<a>", 1<<20) + `</mc:Fallback></w:body></w:document>`,
			wantErr: "word/document.xml nests elements more than 256 deep"},
		{name: "text before a long tag is kept and said to be cut",
			doc:  `<w:document><w:body>` + para("Sheriff Thompson") + `<w:p` + strings.Repeat(" a", 4<<20) + `/>` + para("never read") + `</w:body></w:document>`,
			want: "Sheriff Thompson", truncated: true},
		{name: "text before 2 MiB of spaces is kept and said to be cut",
			doc:  `<w:document><w:body>` + para("Sheriff Thompson") + strings.Repeat(" ", 2<<20) + para("never read") + `</w:body></w:document>`,
			want: "Sheriff Thompson", truncated: true},
		{name: "mc:Fallback is still skipped",
			doc:  `<w:document><w:body>` + para("one") + `<mc:AlternateContent><mc:Choice>` + para("two") + `</mc:Choice><mc:Fallback>` + para("two") + `</mc:Fallback></mc:AlternateContent>` + para("three") + `</w:body></w:document>`,
			want: "one\ntwo\nthree"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := zipOf(tc.doc)
			require.Less(t, len(data), 256<<10)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var (
				res Result
				err error
			)
			alloc := allocated(func() {
				res, err = ExtractResult(ctx, DOCX, bytes.NewReader(data), int64(len(data)), 0)
			})
			require.Less(t, alloc, uint64(200<<20), "bytes allocated")
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Text)
			require.Equal(t, tc.truncated, res.Truncated)
		})
	}
}

// A document read only up to a cap on unpacked bytes says so: its text is
// not the whole document's (Extract used to call it whole unless it
// reached 2 MiB).
func TestReadOOXMLCutAtPartCap(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"},
		{"word/document.xml", `<w:document><w:body><w:p><w:r><w:t>kept</w:t></w:r></w:p>` + strings.Repeat("<w:p/>", 1<<20) + `<w:p><w:r><w:t>lost</w:t></w:r></w:p></w:body></w:document>`}} {
		w, err := zw.Create(p[0])
		require.NoError(t, err)
		_, err = io.WriteString(w, p[1])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	text, cut, err := readOOXMLCut(context.Background(), DOCX, bytes.NewReader(buf.Bytes()), int64(buf.Len()), zipBudget{part: 1 << 20, left: 3 << 20})
	require.NoError(t, err)
	require.Equal(t, "kept", text)
	require.True(t, cut)
}

// Shared strings past the cap on those kept are left out, and a text
// whose cells use one is said to be cut.
func TestReadOOXMLSharedStringsCap(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"},
		{"xl/sharedStrings.xml", `<sst><si><t>Sheriff</t></si><si><r><t>` + strings.Repeat("x", 60) + `</t></r><r><t>` + strings.Repeat("y", 60) + `</t></r></si><si><t>Deputy</t></si></sst>`},
		{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>9</v></c></row></sheetData></worksheet>`},
		{"xl/worksheets/sheet2.xml", `<worksheet><sheetData><row><c t="s"><v>2</v></c><c t="s"><v>1</v></c><c t="s"><v>0</v></c></row></sheetData></worksheet>`}} {
		w, err := zw.Create(p[0])
		require.NoError(t, err)
		_, err = io.WriteString(w, p[1])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	data := buf.Bytes()
	read := func(shared int) (string, bool) {
		text, cut, err := readOOXMLCut(context.Background(), XLSX, bytes.NewReader(data), int64(len(data)), zipBudget{part: 1 << 20, left: 3 << 20, shared: shared})
		require.NoError(t, err)
		return text, cut
	}
	text, cut := read(1000)
	require.Equal(t, "Sheriff\n\nDeputy\t"+strings.Repeat("x", 60)+strings.Repeat("y", 60)+"\tSheriff", text)
	require.False(t, cut, "index 9 is no string of the workbook's")
	// The second string is past 100 bytes: it and the third are left out.
	text, cut = read(100)
	require.Equal(t, "Sheriff\n\nSheriff", text)
	require.True(t, cut)
}

// overlappingDocx returns a Word document whose 10,000 parts (the body
// and headers) are all the same compressed bytes: packed bytes of deflate
// blocks that unpack to nothing, then a paragraph.
func overlappingDocx(t *testing.T, packed int) []byte {
	var final bytes.Buffer
	fw, err := flate.NewWriter(&final, flate.BestCompression)
	require.NoError(t, err)
	xmlText := `<w:hdr><w:p><w:r><w:t>Sheriff</w:t></w:r></w:p></w:hdr>`
	_, err = io.WriteString(fw, xmlText)
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	// An empty stored block, not the last: BFINAL 0, BTYPE 00, LEN 0.
	comp := append(bytes.Repeat([]byte{0, 0, 0, 0xff, 0xff}, packed/5), final.Bytes()...)
	crc := crc32.ChecksumIEEE([]byte(xmlText))

	var out, dir bytes.Buffer
	le := binary.LittleEndian
	entry := func(name string, method uint16, data []byte, usize int, crc uint32, offset int) {
		h := le.AppendUint32(nil, 0x02014b50)
		h = le.AppendUint16(h, 20)
		h = le.AppendUint16(h, 20)
		h = le.AppendUint16(h, 0)
		h = le.AppendUint16(h, method)
		h = le.AppendUint32(h, 0) // time, date
		h = le.AppendUint32(h, crc)
		h = le.AppendUint32(h, uint32(len(data)))
		h = le.AppendUint32(h, uint32(usize))
		h = le.AppendUint16(h, uint16(len(name)))
		h = append(h, make([]byte, 12)...) // extra, comment, disk, attributes
		h = le.AppendUint32(h, uint32(offset))
		dir.Write(append(h, name...))
	}
	local := func(name string, method uint16, data []byte, usize int, crc uint32) int {
		offset := out.Len()
		h := le.AppendUint32(nil, 0x04034b50)
		h = le.AppendUint16(h, 20)
		h = le.AppendUint16(h, 0)
		h = le.AppendUint16(h, method)
		h = le.AppendUint32(h, 0)
		h = le.AppendUint32(h, crc)
		h = le.AppendUint32(h, uint32(len(data)))
		h = le.AppendUint32(h, uint32(usize))
		h = le.AppendUint16(h, uint16(len(name)))
		h = le.AppendUint16(h, 0)
		out.Write(append(append(h, name...), data...))
		return offset
	}
	types := []byte("<Types/>")
	entry("[Content_Types].xml", 0, types, len(types), crc32.ChecksumIEEE(types), local("[Content_Types].xml", 0, types, len(types), crc32.ChecksumIEEE(types)))
	body := local("word/document.xml", 8, comp, len(xmlText), crc)
	entry("word/document.xml", 8, comp, len(xmlText), crc, body)
	for i := 1; i < 9999; i++ {
		entry(fmt.Sprintf("word/header%d.xml", i), 8, comp, len(xmlText), crc, body)
	}
	dirOffset := out.Len()
	out.Write(dir.Bytes())
	end := le.AppendUint32(nil, 0x06054b50)
	end = le.AppendUint32(end, 0)
	end = le.AppendUint16(end, 10000)
	end = le.AppendUint16(end, 10000)
	end = le.AppendUint32(end, uint32(dir.Len()))
	end = le.AppendUint32(end, uint32(dirOffset))
	out.Write(le.AppendUint16(end, 0))
	return out.Bytes()
}

// Parts that overlap are read no further than the archive's size in all:
// a 2 MB document whose 10,000 parts were the same 2 MB of deflate blocks
// that unpack to nothing kept a CPU busy for minutes (a 21 MB one, the
// whole 2-minute deadline), which the caps on unpacked bytes did not stop.
func TestReadOOXMLOverlappingParts(t *testing.T) {
	t.Parallel()
	data := overlappingDocx(t, 2<<20)
	entries, err := zipEntries(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, entries, 10000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := ExtractResult(ctx, DOCX, bytes.NewReader(data), int64(len(data)), 0)
	require.NoError(t, err)
	require.Equal(t, "Sheriff", res.Text)
	require.True(t, res.Truncated, "the headers were not read")
}

// SniffZip runs on every upload outside Extract's recover: no archive may
// make it panic.
func FuzzSniffZip(f *testing.F) {
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		require.NoError(f, err)
		_, err = io.WriteString(w, "<x/>")
		require.NoError(f, err)
	}
	require.NoError(f, zw.Close())
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		SniffZip(bytes.NewReader(data), int64(len(data)))
		readOOXMLCut(context.Background(), DOCX, bytes.NewReader(data), int64(len(data)), zipBudget{part: 1 << 20, left: 4 << 20})
	})
}
