package textract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

const limit = 64 << 20

// makePDF returns a PDF with one page per element of pages, each page's
// lines written as cells.
func makePDF(t testing.TB, pages ...[]string) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "Letter", "")
	doc.SetFont("Helvetica", "", 12)
	for _, lines := range pages {
		doc.AddPage()
		for _, line := range lines {
			doc.Cell(0, 10, line)
			doc.Ln(10)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, doc.Output(&buf))
	return buf.Bytes()
}

func extract(t testing.TB, contentType string, data []byte) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return textract.Extract(ctx, contentType, bytes.NewReader(data), int64(len(data)), limit)
}

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

const emlAlternative = `From: "Records Officer" <records@county.example.gov>
To: Advocacy Group <foia@advocates.example.org>
Subject: =?UTF-8?Q?Response_to_request_=E2=80=94_ICE_detainers?=
Date: Tue, 3 Mar 2026 10:15:00 -0500
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Attached are the detainer requests received under the 287(g) agreement. Th=
e caf=C3=A9 memo is exempt.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML version that should not be used</p>
--alt--

--outer
Content-Type: application/pdf; name="detainers-2025.pdf"
Content-Disposition: attachment; filename="detainers-2025.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--outer--
`

const emlHTMLOnly = `From: clerk@city.example.gov
To: foia@advocates.example.org
Subject: Fee estimate
Date: Wed, 4 Mar 2026 09:00:00 -0500
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

` + "PGh0bWw+PGhlYWQ+PHRpdGxlPklnbm9yZWQgdGl0bGU8L3RpdGxlPjwvaGVhZD48Ym9keT48cD5UaGUgZXN0aW1hdGVkIGZlZSBpcyAmcXVvdDskMTIwJnF1b3Q7LjwvcD48cD5QYXkgYnkgTWFyY2guPC9wPjwvYm9keT48L2h0bWw+" + `
`

const emlLatin1 = `From: =?ISO-8859-1?Q?Jos=E9_Mart=EDnez?= <jm@example.gov>
To: foia@advocates.example.org
Subject: =?ISO-8859-1?Q?Solicitud_de_informaci=F3n?=
Date: Thu, 5 Mar 2026 12:00:00 -0500
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

La informaci=F3n solicitada est=E1 adjunta. Se=F1or.
`

const emlUTF8 = `From: Zoë <zoe@example.gov>
To: foia@advocates.example.org
Subject: Überprüfung
Date: Thu, 5 Mar 2026 12:00:00 -0500
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Ничего не найдено — 記録なし.
`

func TestExtract(t *testing.T) {
	t.Parallel()
	pdf := makePDF(t,
		[]string{"Immigration detainer requests, fiscal year 2025", "Agreement under section 287(g)"},
		[]string{"Page two mentions the zymurgical inventory."},
		[]string{"Third page: final tally."},
	)
	tests := []struct {
		name        string
		contentType string
		data        []byte
		want        []string // substrings of the text
		notWant     []string
		wantErr     string // substring of the error message
	}{
		{
			name:        "multi-page PDF",
			contentType: "application/pdf",
			data:        pdf,
			want:        []string{"detainer", "287(g)", "zymurgical", "final tally"},
		},
		{
			name:        "PDF 2.0 header",
			contentType: "application/pdf",
			data:        append([]byte("%PDF-2.0"), pdf[8:]...),
			want:        []string{"zymurgical"},
		},
		{
			name:        "corrupt PDF",
			contentType: "application/pdf",
			data:        []byte("%PDF-1.4\n\x00\x01garbage garbage \xff\xfe not really a pdf"),
			wantErr:     "not a valid PDF",
		},
		{
			name:        "corrupt PDF with trailer",
			contentType: "application/pdf",
			data:        []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\nstartxref\n9\n%%EOF\n"),
			wantErr:     "not a valid PDF",
		},
		{
			name:        "truncated PDF",
			contentType: "application/pdf",
			data:        pdf[:len(pdf)/2],
			wantErr:     "not a valid PDF: missing %EOF", // one percent sign, though the reader writes two
		},
		{
			name:        "truncated PDF with forged EOF",
			contentType: "application/pdf",
			data:        append(append([]byte{}, pdf[:len(pdf)/2]...), "\nstartxref\n100\n%%EOF\n"...),
			wantErr:     "not a valid PDF",
		},
		{
			name:        "HTML",
			contentType: "text/html; charset=utf-8",
			data: []byte(`<!DOCTYPE html><html><head><title>Skip me</title>
<style>body { color: red }</style><script>var secret = "do not index";</script></head>
<body><h1>Use&nbsp;of&nbsp;force</h1><p>Officers   filed
  <b>12</b> reports &amp; 3 complaints &mdash; &quot;closed&quot;.</p>
<ul><li>One</li><li>Two</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>`),
			want:    []string{"Use of force\n\nOfficers filed 12 reports & 3 complaints — \"closed\".", "One\nTwo", "a\tb"},
			notWant: []string{"Skip me", "color", "secret", "<", "&amp;"},
		},
		{
			name:        "HTML in Latin-1 declared by meta",
			contentType: "text/html",
			data:        []byte("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Se\xf1or Mu\xf1oz</p></body></html>"),
			want:        []string{"Señor Muñoz"},
		},
		{
			name:        "HTML with unclosed head",
			contentType: "text/html",
			data:        []byte("<html><head><title>t</title><div>Body text survives</div>"),
			want:        []string{"Body text survives"},
			notWant:     []string{"t\n"},
		},
		{
			name:        "email multipart/alternative, quoted-printable, attachment",
			contentType: "message/rfc822",
			data:        crlf(emlAlternative),
			want: []string{
				"Subject: Response to request — ICE detainers",
				`From: "Records Officer" <records@county.example.gov>`,
				"To: Advocacy Group <foia@advocates.example.org>",
				"Date: Tue, 3 Mar 2026 10:15:00 -0500",
				"287(g) agreement. The café memo is exempt.",
				"Attachments:\n- detainers-2025.pdf",
			},
			notWant: []string{"HTML version", "=C3", "JVBER"},
		},
		{
			name:        "email HTML only",
			contentType: "message/rfc822",
			data:        crlf(emlHTMLOnly),
			want:        []string{"Subject: Fee estimate", `The estimated fee is "$120".`, "Pay by March."},
			notWant:     []string{"<p>", "Ignored title"},
		},
		{
			name:        "email Latin-1",
			contentType: "message/rfc822",
			data:        crlf(emlLatin1),
			want:        []string{"From: José Martínez <jm@example.gov>", "Subject: Solicitud de información", "La información solicitada está adjunta. Señor."},
		},
		{
			name:        "email UTF-8",
			contentType: "message/rfc822",
			data:        crlf(emlUTF8),
			want:        []string{"Subject: Überprüfung", "From: Zoë <zoe@example.gov>", "Ничего не найдено — 記録なし."},
		},
		{
			name:        "plain text",
			contentType: "text/plain; charset=utf-8",
			data:        []byte("\xEF\xBB\xBFLine one\r\nLine two\x00 with NUL\r\n"),
			want:        []string{"Line one\nLine two with NUL"},
			notWant:     []string{"\r", "\x00", "\uFEFF"},
		},
		{
			name:        "plain text Latin-1 mislabelled UTF-8",
			contentType: "text/plain; charset=utf-8",
			data:        []byte("Caf\xe9 receipts \x93quoted\x94"),
			want:        []string{"Café receipts “quoted”"},
		},
		{
			name:        "plain text UTF-16LE",
			contentType: "text/plain; charset=utf-16le",
			data:        []byte("\xff\xfeh\x00i\x00"),
			want:        []string{"hi"},
		},
		{
			name:        "CSV",
			contentType: "text/csv; charset=utf-8",
			data:        []byte("date,agency,count\n2025-01-02,Sheriff,14\n"),
			want:        []string{"date,agency,count\n2025-01-02,Sheriff,14"},
		},
		{
			name:        "unsupported image",
			contentType: "image/png",
			data:        []byte("\x89PNG\r\n\x1a\n"),
			wantErr:     "no text extractor",
		},
		{
			name:        "unsupported empty type",
			contentType: "",
			data:        []byte("x"),
			wantErr:     "no text extractor",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text, err := extract(t, tc.contentType, tc.data)
			if tc.wantErr != "" {
				require.Error(t, err)
				require.Contains(t, err.Error(), tc.wantErr)
				require.Empty(t, text)
				return
			}
			require.NoError(t, err)
			require.True(t, utf8.ValidString(text))
			for _, w := range tc.want {
				require.Contains(t, text, w)
			}
			for _, w := range tc.notWant {
				require.NotContains(t, text, w)
			}
		})
	}
}

func TestExtractUnsupportedIsSentinel(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"image/png", "application/zip", "application/octet-stream", "video/mp4; codecs=x"} {
		t.Run(ct, func(t *testing.T) {
			t.Parallel()
			_, err := extract(t, ct, []byte("data"))
			require.ErrorIs(t, err, textract.ErrUnsupported)
		})
	}
}

func TestExtractLimits(t *testing.T) {
	t.Parallel()
	t.Run("text: the first limit bytes", func(t *testing.T) {
		t.Parallel()
		data := []byte(strings.Repeat("a", 1000) + "b")
		text, err := textract.Extract(context.Background(), "text/plain", bytes.NewReader(data), int64(len(data)), 1000)
		require.NoError(t, err)
		require.Equal(t, strings.Repeat("a", 1000), text)
	})
	t.Run("PDF: read whole, past the limit", func(t *testing.T) {
		t.Parallel()
		// The last page's text and the cross-reference table are at the
		// end of the file, well past the limit.
		var pages [][]string
		for i := range 40 {
			pages = append(pages, []string{fmt.Sprintf("Page %d of the production", i+1)})
		}
		pages[39] = []string{"ICE detainer log, last page"}
		data := makePDF(t, pages...)
		const small = 2 << 10
		require.Greater(t, len(data), 4*small)
		text, err := textract.Extract(context.Background(), "application/pdf", bytes.NewReader(data), int64(len(data)), small)
		require.NoError(t, err)
		require.Contains(t, text, "Page 1 of the production")
		require.Contains(t, text, "ICE detainer log, last page")
	})
	t.Run("text capped at 2 MiB on a rune boundary", func(t *testing.T) {
		t.Parallel()
		// 3-byte runes: 2 MiB is not a multiple of 3.
		data := []byte(strings.Repeat("€", 1<<20))
		text, err := extract(t, "text/plain; charset=utf-8", data)
		require.NoError(t, err)
		require.LessOrEqual(t, len(text), 2<<20)
		require.Greater(t, len(text), 2<<20-4)
		require.True(t, utf8.ValidString(text))
	})
	t.Run("HTML text capped", func(t *testing.T) {
		t.Parallel()
		data := []byte("<p>" + strings.Repeat("word ", 1<<20) + "</p>")
		text, err := extract(t, "text/html", data)
		require.NoError(t, err)
		require.LessOrEqual(t, len(text), 2<<20)
	})
	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		data := makePDF(t, []string{"x"})
		_, err := textract.Extract(ctx, "application/pdf", bytes.NewReader(data), int64(len(data)), limit)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("read error", func(t *testing.T) {
		t.Parallel()
		_, err := textract.Extract(context.Background(), "text/plain", errReader{}, 10, limit)
		require.ErrorContains(t, err, "could not read the document")
	})
}

type errReader struct{}

func (errReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("disk on fire") }

func TestEncryptedPDF(t *testing.T) {
	t.Parallel()
	make := func(user string) []byte {
		doc := fpdf.New("P", "mm", "Letter", "")
		doc.SetProtection(fpdf.CnProtectPrint, user, "owner-secret")
		doc.SetFont("Helvetica", "", 12)
		doc.AddPage()
		doc.Cell(0, 10, "Protected roster")
		var buf bytes.Buffer
		require.NoError(t, doc.Output(&buf))
		return buf.Bytes()
	}
	t.Run("user password", func(t *testing.T) {
		t.Parallel()
		_, err := extract(t, "application/pdf", make("user-secret"))
		require.ErrorContains(t, err, "encrypted")
	})
	t.Run("owner password only", func(t *testing.T) {
		t.Parallel()
		// The PDF library tries the empty user password, but it derives
		// 40-bit RC4 object keys wrongly (it uses all 16 MD5 bytes instead
		// of n+5), so fpdf's RC4-40 files fail to decode. 128-bit RC4 and
		// AES files are not affected. Pin the behaviour: a plain error, no
		// panic; if the library is fixed, the text comes back.
		text, err := extract(t, "application/pdf", make(""))
		if err != nil {
			require.ErrorContains(t, err, "not a valid PDF")
			return
		}
		require.Contains(t, text, "Protected roster")
	})
}

func TestSniff(t *testing.T) {
	t.Parallel()
	const ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00"
	pdf := makePDF(t, []string{"x"})
	longHeader := "Received: from mail.example.gov (mail.example.gov [192.0.2.1])\r\n" +
		"\tby mx.example.org with ESMTPS id " + strings.Repeat("abcdef", 80) + "\r\n"
	tests := []struct {
		name     string
		head     []byte
		filename string
		want     string
	}{
		{"PDF named png", pdf, "x.png", "application/pdf"},
		{"PDF", pdf, "report.pdf", "application/pdf"},
		{"HTML", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "page.htm", "text/html; charset=utf-8"},
		{"eml", crlf(emlAlternative), "message.eml", "message/rfc822"},
		{"eml upper-case extension", crlf(emlLatin1), "MESSAGE.EML", "message/rfc822"},
		{"eml whose header runs past 512 bytes", []byte(longHeader), "long.eml", "message/rfc822"},
		{"eml with mbox From line", []byte("From foo@example.com Mon Jan  1 00:00:00 2026\nSubject: hi\nFrom: a@b\n\nbody"), "m.eml", "message/rfc822"},
		{"email headers without .eml", crlf(emlAlternative), "message.txt", "text/plain; charset=utf-8"},
		{"plain text named eml", []byte("Dear requester, here are the records."), "notes.eml", "text/plain; charset=utf-8"},
		{"PDF named eml", pdf, "x.eml", "application/pdf"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "photo.png", "image/png"},
		{"csv", []byte("a,b,c\n1,2,3\n"), "data.csv", "text/csv; charset=utf-8"},
		{"csv upper-case", []byte("a,b,c\n1,2,3\n"), "DATA.CSV", "text/csv; charset=utf-8"},
		{"binary named csv", []byte("\x00\x01\x02\x03"), "data.csv", "application/octet-stream"},
		{"plain text", []byte("hello"), "notes.txt", "text/plain; charset=utf-8"},
		{"zip", []byte("PK\x03\x04rest"), "records.docx", "application/zip"},
		{"Outlook message", []byte(ole), "Re: records.msg", textract.MSG},
		{"Word 97-2003", []byte(ole), "MEMO.DOC", textract.DOC},
		{"Excel 97-2003", []byte(ole), "roster.xls", textract.XLS},
		{"PowerPoint 97-2003", []byte(ole), "briefing.ppt", textract.PPT},
		{"OLE file named otherwise", []byte(ole), "thumbs.db", "application/octet-stream"},
		{"not OLE, named msg", []byte("\x00\x01\x02\x03"), "x.msg", "application/octet-stream"},
		{"empty", nil, "empty.txt", "text/plain; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, textract.Sniff(tc.head, tc.filename))
		})
	}
}

func TestSanitizeFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 296) + ".pdf"
	longUTF8 := strings.Repeat("é", 150) + ".pdf" // 304 bytes
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"unix traversal", "../../etc/passwd", "passwd"},
		{"windows path", `C:\Users\x\report.pdf`, "report.pdf"},
		{"drive letter only", `D:report.pdf`, "report.pdf"},
		{"mixed separators", `a/b\c/d.txt`, "d.txt"},
		{"control characters", "\x00evil\r\n.pdf", "evil.pdf"},
		{"quote", `quote".pdf`, "quote_.pdf"},
		{"unsafe characters", `a;b:c*d?e<f>g|h'i.pdf`, "a_b_c_d_e_f_g_h_i.pdf"},
		{"empty", "", "document"},
		{"hidden", ".hidden", "hidden"},
		{"dots only", "...", "document"},
		{"trailing separator", "dir/", "document"},
		{"ordinary", "Response Letter (final).pdf", "Response Letter (final).pdf"},
		{"unicode kept", "Informe de la policía – 2025.pdf", "Informe de la policía – 2025.pdf"},
		{"bidi override dropped", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"spaces collapsed", "  a   b  .pdf", "a b .pdf"},
		{"long keeps extension", long, strings.Repeat("a", 196) + ".pdf"},
		{"long UTF-8 cut on rune boundary", longUTF8, strings.Repeat("é", 98) + ".pdf"},
		{"invalid UTF-8", "bad\xff\xfename.pdf", "bad_name.pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := textract.SanitizeFilename(tc.in)
			require.Equal(t, tc.want, got)
			checkFilename(t, got)
		})
	}
}

func checkFilename(t *testing.T, got string) {
	t.Helper()
	require.NotEmpty(t, got)
	require.True(t, utf8.ValidString(got), "%q", got)
	require.LessOrEqual(t, len(got), 200, "%q", got)
	require.False(t, strings.HasPrefix(got, "."), "%q", got)
	require.False(t, strings.ContainsAny(got, "/\\\"'\r\n\x00;"), "%q", got)
	for _, r := range got {
		require.False(t, r < 0x20 || r == 0x7f, "control character in %q", got)
	}
	require.Equal(t, got, textract.SanitizeFilename(got), "not idempotent")
}

func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", `C:\x\report.pdf`, "\x00evil\r\n.pdf", `quote".pdf`, "", ".hidden",
		strings.Repeat("é", 150) + ".pdf", "bad\xffname", "a.verylongextensionthatisnotone", " . .pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		checkFilename(t, textract.SanitizeFilename(name))
	})
}

var fuzzTypes = []string{
	"application/pdf", "text/html", "text/html; charset=iso-8859-1", "message/rfc822",
	"text/plain", "text/plain; charset=utf-16le", "text/csv; charset=windows-1252", "image/png",
	textract.DOCX, textract.XLSX, textract.PPTX, textract.MSG,
}

func FuzzExtract(f *testing.F) {
	pdf := makePDF(f, []string{"detainer 287(g)"}, []string{"page two"})
	f.Add(byte(0), pdf)
	f.Add(byte(0), pdf[:len(pdf)/2])
	f.Add(byte(0), append(append([]byte{}, pdf[:len(pdf)/2]...), "\nstartxref\n100\n%%EOF\n"...))
	f.Add(byte(1), []byte("<p>a&amp;b<script>x</script></p><pre> a\n b</pre>"))
	f.Add(byte(3), crlf(emlAlternative))
	f.Add(byte(3), crlf(emlHTMLOnly))
	f.Add(byte(3), crlf(emlLatin1))
	f.Add(byte(4), []byte("plain\r\ntext\x00"))
	f.Add(byte(5), []byte("\xff\xfeh\x00"))
	f.Add(byte(8), docx(f, `<w:p><w:r><w:t>Sheriff</w:t><w:tab/><w:t>Thompson</w:t></w:r></w:p>`))
	f.Add(byte(9), xlsx(f, `<si><t>Officer</t></si>`, `<row><c t="s"><v>0</v></c><c><v>1.5</v></c></row>`))
	for _, name := range []string{"agency-reply.msg", "agency-reply-html.msg", "agency-reply-ansi.msg"} {
		msg, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(byte(11), msg)
	}
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		ct := fuzzTypes[int(which)%len(fuzzTypes)]
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		text, err := textract.Extract(ctx, ct, bytes.NewReader(data), int64(len(data)), 1<<20)
		if err != nil {
			require.Empty(t, text)
			require.NotErrorIs(t, err, context.DeadlineExceeded, "extraction hung")
			return
		}
		require.True(t, utf8.ValidString(text))
		require.LessOrEqual(t, len(text), 2<<20)
		require.NotContains(t, text, "\x00")
	})
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	pdf := []byte("%PDF-1.4\n" + strings.Repeat("x", 2000))
	name, ct, content, err := textract.Prepare(bytes.NewReader(pdf), "../../scans/report.png")
	require.NoError(t, err)
	require.Equal(t, "report.png", name)
	require.Equal(t, "application/pdf", ct, "sniffed from the bytes, not the name")
	got, err := io.ReadAll(content)
	require.NoError(t, err)
	require.Equal(t, pdf, got, "the sniffed head is not lost")

	require.Equal(t, `attachment; filename="r_sum_ 2017.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%202017.pdf`,
		textract.ContentDisposition("résumé 2017.pdf"))
}
