package textract_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// part is one file of a ZIP archive built by makeZip.
type part struct{ name, body string }

// makeZip returns a ZIP archive of parts, in order, deflated.
func makeZip(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		require.NoError(t, err)
		_, err = io.WriteString(w, p.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

const (
	wNS          = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`
)

// docx returns a Word document whose body is the WordprocessingML body,
// with extra parts after it.
func docx(t testing.TB, body string, extra ...part) []byte {
	t.Helper()
	parts := []part{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + wNS + `><w:body>` + body + `</w:body></w:document>`},
	}
	return makeZip(t, append(parts, extra...)...)
}

const ssNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// xlsx returns an Excel workbook with the shared strings (si elements)
// and one sheet per sheetData given.
func xlsx(t testing.TB, sharedStrings string, sheets ...string) []byte {
	t.Helper()
	parts := []part{
		{"[Content_Types].xml", contentTypes},
		{"xl/workbook.xml", `<workbook ` + ssNS + `><sheets/></workbook>`},
	}
	if sharedStrings != "" {
		parts = append(parts, part{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?>
<sst ` + ssNS + `>` + sharedStrings + `</sst>`})
	}
	// Listed out of order: sheet10 comes after sheet2.
	for i := len(sheets) - 1; i >= 0; i-- {
		parts = append(parts, part{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1),
			`<worksheet ` + ssNS + `><sheetData>` + sheets[i] + `</sheetData></worksheet>`})
	}
	return makeZip(t, parts...)
}

func TestExtractOfficeDocuments(t *testing.T) {
	t.Parallel()
	aNS := `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`
	tests := []struct {
		name        string
		contentType string
		data        []byte
		want        string
	}{
		{"docx: runs of one paragraph", textract.DOCX, docx(t,
			`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Sheriff Thompson</w:t></w:r><w:r><w:t xml:space="preserve"> approved overtime</w:t></w:r></w:p>`),
			"Sheriff Thompson approved overtime"},
		{"docx: paragraphs, tabs and breaks", textract.DOCX, docx(t,
			`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Case</w:t><w:tab/><w:t>2026-114</w:t></w:r></w:p>`+
				`<w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t></w:r></w:p>`+
				`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>In a table</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`),
			"Case\t2026-114\nLine one\nline two\nIn a table"},
		{"docx: field codes and deleted text are left out", textract.DOCX, docx(t,
			`<w:p><w:r><w:instrText> PAGE </w:instrText></w:r><w:del><w:r><w:delText>withdrawn</w:delText></w:r></w:del><w:r><w:t>kept</w:t></w:r></w:p>`),
			"kept"},
		{"docx: a text box once, not again from its fallback", textract.DOCX, docx(t,
			`<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">`+
				`<mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></mc:Choice>`+
				`<mc:Fallback><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></mc:Fallback>`+
				`</mc:AlternateContent></w:r></w:p>`),
			"Boxed note"},
		{"docx: footnotes, headers and footers after the body", textract.DOCX, docx(t,
			`<w:p><w:r><w:t>Body text</w:t></w:r></w:p>`,
			part{"word/footer1.xml", `<w:ftr ` + wNS + `><w:p><w:r><w:t>Page footer</w:t></w:r></w:p></w:ftr>`},
			part{"word/header1.xml", `<w:hdr ` + wNS + `><w:p><w:r><w:t>CONFIDENTIAL</w:t></w:r></w:p></w:hdr>`},
			part{"word/footnotes.xml", `<w:footnotes ` + wNS + `><w:footnote><w:p><w:r><w:t>See the 2025 audit.</w:t></w:r></w:p></w:footnote></w:footnotes>`}),
			"Body text\n\nSee the 2025 audit.\n\nCONFIDENTIAL\n\nPage footer"},
		{"xlsx: shared strings, numbers, inline strings, booleans, formulas' results", textract.XLSX, xlsx(t,
			`<si><t>Officer</t></si><si><t>Hours</t></si><si><r><t>Sheriff </t></r><r><t>Thompson</t></r><rPh><t>shérif</t></rPh></si>`,
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`+
				`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>12.5</v></c><c r="C2" t="b"><v>1</v></c></row>`+
				`<row r="3"><c r="A3" t="inlineStr"><is><t>Deputy Ruiz</t></is></c><c r="B3"><v>0.10000000000000001</v></c>`+
				`<c r="C3" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="D3"><f>SUM(B2:B3)</f><v>12.6</v></c></row>`),
			"Officer\tHours\nSheriff Thompson\t12.5\tTRUE\nDeputy Ruiz\t0.1\tab\t12.6"},
		{"xlsx: sheets in order, empty cells skipped", textract.XLSX, xlsx(t, "",
			`<row r="1"><c r="A1" t="inlineStr"><is><t>first sheet</t></is></c><c r="B1"/></row>`,
			`<row r="1"><c r="A1"><v>2</v></c></row>`, "", "", "", "", "", "", "",
			`<row r="1"><c r="A1" t="inlineStr"><is><t>tenth sheet</t></is></c></row>`),
			"first sheet\n\n2" + strings.Repeat("\n", 2+7) + "tenth sheet"},
		{"pptx: slides in order", textract.PPTX, makeZip(t,
			part{"[Content_Types].xml", contentTypes},
			part{"ppt/presentation.xml", `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`},
			part{"ppt/slides/slide2.xml", `<p:sld xmlns:p="p" ` + aNS + `><a:p><a:r><a:t>Budget </a:t></a:r><a:r><a:t>2026</a:t></a:r></a:p></p:sld>`},
			part{"ppt/slides/slide1.xml", `<p:sld xmlns:p="p" ` + aNS + `><a:p><a:r><a:t>Title slide</a:t></a:r></a:p></p:sld>`}),
			"Title slide\n\nBudget 2026"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text, err := extract(t, tc.contentType, tc.data)
			require.NoError(t, err)
			require.Equal(t, tc.want, text)
		})
	}
}

func TestExtractOfficeDocumentsRefused(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 10002 {
		_, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/%d.txt", i), Method: zip.Store})
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	many := buf.Bytes()
	good := docx(t, `<w:p><w:r><w:t>text</w:t></w:r></w:p>`)
	tests := []struct {
		name        string
		contentType string
		data        []byte
		want        string
	}{
		{"too many files", textract.DOCX, many, "not a valid Word document: it holds 10002 files, more than the 10000 Sunshine reads"},
		{"cut short", textract.DOCX, good[:len(good)-30], "not a valid Word document: it is not a whole ZIP archive"},
		{"not XML", textract.XLSX, makeZip(t, part{"[Content_Types].xml", contentTypes}, part{"xl/workbook.xml", "<workbook/>"},
			part{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"}), "not a valid Excel workbook: xl/worksheets/sheet1.xml is not valid XML"},
		{"nested too deep", textract.DOCX, docx(t, strings.Repeat("<w:p>", 300)), "not a valid Word document: word/document.xml nests elements more than 256 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := extract(t, tc.contentType, tc.data)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// The text stops at the cap without reading the rest of the document.
func TestExtractOfficeDocumentCapped(t *testing.T) {
	t.Parallel()
	row := `<row><c t="inlineStr"><is><t>` + strings.Repeat("x", 1000) + `</t></is></c></row>`
	data := xlsx(t, "", strings.Repeat(row, 3000)) // 3 MB of text
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := textract.ExtractResult(ctx, textract.XLSX, bytes.NewReader(data), int64(len(data)), limit)
	require.NoError(t, err)
	require.Equal(t, 2<<20, len(res.Text))
	require.True(t, res.Truncated, "the document's text_error says it was cut")
}

// A workbook's shared strings are kept past 2 MiB (the text's cap): a
// sheet need not use them in order (they were left out, silently).
func TestExtractWorkbookLargeSharedStrings(t *testing.T) {
	t.Parallel()
	filler := `<si><t>` + strings.Repeat("x", 1000) + `</t></si>`
	shared := strings.Repeat(filler, 3000) + `<si><t>Sheriff Thompson</t></si>` // 3 MB
	data := xlsx(t, shared, `<row><c t="s"><v>3000</v></c><c><v>7</v></c></row>`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := textract.ExtractResult(ctx, textract.XLSX, bytes.NewReader(data), int64(len(data)), limit)
	require.NoError(t, err)
	require.Equal(t, "Sheriff Thompson\t7", res.Text)
	require.False(t, res.Truncated)
}

func TestSniffZip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"docx", docx(t, ""), textract.DOCX},
		{"xlsx", xlsx(t, ""), textract.XLSX},
		{"pptx", makeZip(t, part{"[Content_Types].xml", contentTypes}, part{"ppt/presentation.xml", "<p/>"}), textract.PPTX},
		{"plain zip", makeZip(t, part{"word/document.xml", "<w/>"}, part{"notes.txt", "hello"}), ""},
		{"OpenDocument", makeZip(t, part{"mimetype", "application/vnd.oasis.opendocument.text"}, part{"content.xml", "<x/>"}), ""},
		{"not a zip", []byte("PK\x03\x04rest"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, textract.SniffZip(bytes.NewReader(tc.data), int64(len(tc.data))))
			// The first bytes alone say only ZIP.
			if len(tc.data) > 100 {
				require.Equal(t, "application/zip", textract.Sniff(tc.data, "x.docx"))
			}
		})
	}
}
