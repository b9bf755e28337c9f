package textract

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
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
			"not a valid Word document: it unpacks to more than Sunshine reads (1 MiB from one part, 3 MiB in all) without any text: a damaged file or a \"zip bomb\""},
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
