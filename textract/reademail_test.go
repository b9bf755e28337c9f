package textract_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// releaseEmail is an agency's release as mail programs write one: a text
// and an HTML body, a PDF attached, a logo shown inline in the signature,
// a spreadsheet shown inline, and a Cc.
func releaseEmail(pdf []byte) []byte {
	b64 := func(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
	return crlf(`From: "Records Officer" <records@sheriff.example.gov>
To: Advocacy Group <foia@advocates.example.org>
Cc: counsel@advocates.example.org
Subject: =?UTF-8?Q?Records_release_=E2=80=94_ICE_detainers?=
Date: Tue, 28 Mar 2017 23:30:00 -0700
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Attached are the records responsive to your request.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML version that should not be used</p><img src="cid:logo">
--alt--

--rel
Content-Type: image/png; name="logo.png"
Content-Disposition: inline; filename="logo.png"
Content-ID: <logo>
Content-Transfer-Encoding: base64

` + b64([]byte("\x89PNG\r\n\x1a\n0000")) + `
--rel--

--outer
Content-Type: application/pdf; name="detainers.pdf"
Content-Disposition: attachment; filename="../detainers.pdf"
Content-Transfer-Encoding: base64

` + b64(pdf) + `
--outer
Content-Type: text/csv; name="log.csv"
Content-Disposition: inline; filename="log.csv"

date,agency
2017-03-01,ICE
--outer--
`)
}

func TestReadEmail(t *testing.T) {
	t.Parallel()
	pdf := makePDF(t, []string{"Detainer request 287(g)"})
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)

	tests := []struct {
		name    string
		data    []byte
		date    time.Time
		from    string
		to      string
		subject string
		text    string
		files   []string // name: content type
		data0   []byte   // the first attachment's bytes
	}{
		{
			name: "text and HTML alternatives, a PDF attached, an inline logo and an inline spreadsheet",
			data: releaseEmail(pdf), date: time.Date(2017, 3, 28, 23, 30, 0, 0, la),
			from:    `"Records Officer" <records@sheriff.example.gov>`,
			to:      "Advocacy Group <foia@advocates.example.org>, counsel@advocates.example.org",
			subject: "Records release — ICE detainers",
			text:    "Attached are the records responsive to your request.",
			files:   []string{"detainers.pdf: application/pdf", "log.csv: text/csv; charset=utf-8"},
			data0:   pdf,
		},
		{
			name: "HTML only", data: crlf(emlHTMLOnly), date: time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC),
			from: "clerk@city.example.gov", to: "foia@advocates.example.org", subject: "Fee estimate",
			text: "The estimated fee is \"$120\".\n\nPay by March.",
		},
		{
			name: "encoded words, no Date",
			data: crlf("From: =?ISO-8859-1?Q?Jos=E9?= <jm@example.gov>\nSubject: =?ISO-8859-1?Q?Informaci=F3n?=\n\nHola.\n"),
			from: "José <jm@example.gov>", subject: "Información", text: "Hola.",
		},
		{
			name: "an attachment without a name, an unreadable Date",
			data: crlf("From: a@example.gov\nDate: yesterday\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment\n\n%PDF-1.4 x\n--b--\n"),
			from: "a@example.gov", text: "See attached.", files: []string{"attachment 1: application/pdf"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, err := textract.ReadEmail(context.Background(), tc.data)
			require.NoError(t, err)
			require.True(t, tc.date.Equal(e.Date), "date %v, want %v", e.Date, tc.date)
			require.Equal(t, tc.from, e.From)
			require.Equal(t, tc.to, e.To)
			require.Equal(t, tc.subject, e.Subject)
			require.Equal(t, tc.text, e.Text)
			var files []string
			for _, a := range e.Attachments {
				files = append(files, a.Filename+": "+a.ContentType)
			}
			require.Equal(t, tc.files, files)
			if tc.data0 != nil {
				require.Equal(t, tc.data0, e.Attachments[0].Data)
			}
		})
	}
}

// The Date header keeps its own zone: a message sent late in the evening
// in California is on the next day in UTC, and the caller chooses whose day
// it is (Sunshine: the agency's).
func TestReadEmailDateZone(t *testing.T) {
	t.Parallel()
	e, err := textract.ReadEmail(context.Background(), releaseEmail([]byte("%PDF-1.4")))
	require.NoError(t, err)
	_, offset := e.Date.Zone()
	require.Equal(t, -7*3600, offset)
	require.Equal(t, "2017-03-29", e.Date.UTC().Format(time.DateOnly))
	require.Equal(t, "2017-03-28", e.Date.Format(time.DateOnly))
}

func TestReadEmailRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, err string
	}{
		{"empty", "", "not a valid email message"},
		{"a PDF", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not a valid email message"},
		{"too deep", string(nestedEmailOf(40)), "not a valid email message: its parts nest more than 12 deep"},
	}
	for _, tc := range tests {
		e, err := textract.ReadEmail(context.Background(), []byte(tc.data))
		require.ErrorContains(t, err, tc.err, tc.name)
		require.Nil(t, e, tc.name)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := textract.ReadEmail(ctx, crlf(emlAlternative))
	require.ErrorIs(t, err, context.Canceled)
}

func nestedEmailOf(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: clerk@example.gov\r\n")
	for i := range depth {
		b.WriteString("Content-Type: multipart/mixed; boundary=b" + strings.Repeat("x", i) + "\r\n\r\n--b" + strings.Repeat("x", i) + "\r\n")
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nx\r\n")
	return []byte(b.String())
}

// ReadEmail never panics, and what it returns can be stored and shown:
// valid UTF-8 without NUL, names sanitised.
func FuzzReadEmail(f *testing.F) {
	f.Add(releaseEmail([]byte("%PDF-1.4")))
	f.Add(crlf(emlAlternative))
	f.Add(crlf(emlHTMLOnly))
	f.Add(crlf(emlLatin1))
	f.Add([]byte("From: a\x00@b\r\nSubject: \xff\r\n\r\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e, err := textract.ReadEmail(ctx, data)
		if err != nil {
			require.Nil(t, e)
			return
		}
		for _, s := range []string{e.From, e.To, e.Subject, e.Text} {
			require.True(t, utf8.ValidString(s))
			require.NotContains(t, s, "\x00")
		}
		require.NotContains(t, e.From+e.To+e.Subject, "\n")
		for _, a := range e.Attachments {
			require.Equal(t, a.Filename, textract.SanitizeFilename(a.Filename))
		}
	})
}
