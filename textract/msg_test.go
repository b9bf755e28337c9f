package textract_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// An Outlook message's text is what a person reads in it: subject,
// sender, the recipients in To and Cc (not Bcc), the date, the text (or
// its HTML as text), and the attachments' names; its strings in UTF-16 or
// in code page 1252. (testdata/make-msg.js writes the messages.)
func TestExtract_OutlookMessage(t *testing.T) {
	t.Parallel()
	headers := "Subject: RE: CPRA request R-2017-118 — records of ICE detainers\n" +
		"From: Records Unit, Sacramento County Sheriff <records@sacsheriff.example>\n" +
		"To: Ana Ruiz <ana@ndlon.example>, Legal Desk <legal@ndlon.example>\n" +
		"Date: Wed, 05 Apr 2017 23:30:00 +0000\n\n"
	attachments := "\nAttachments:\n- Detainer log 2016.csv"
	body := "Dear Ms. Ruiz,\n\nThe department needs 14 more days to review the quokka detainer logs (Gov. Code 7922.535).\n\nRecords Unit\n"
	for _, tc := range []struct {
		file, want string
	}{
		{"agency-reply.msg", headers + body + attachments},
		{"agency-reply-ansi.msg", headers + body + attachments},
		{"agency-reply-html.msg", headers + "Dear Ms. Ruiz,\n\nThe department needs 14 more days to review the quokka detainer logs (Gov. Code 7922.535).\n" + attachments},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			require.NoError(t, err)
			require.Equal(t, textract.MSG, textract.Sniff(data, tc.file))
			res, err := textract.ExtractResult(context.Background(), textract.MSG, bytes.NewReader(data), int64(len(data)), 0)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Text)
			require.False(t, res.Truncated)
		})
	}
}

// Strings of 8-bit characters are read in the message's code page (here
// 1250, Central European), 1252 when it names none; a sender known to
// Exchange only by its directory address is named by the SMTP address it
// sent for.
func TestExtract_OutlookMessageCodePage(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "agency-reply-1250.msg"))
	require.NoError(t, err)
	res, err := textract.ExtractResult(context.Background(), textract.MSG, bytes.NewReader(data), int64(len(data)), 0)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(res.Text, "Subject: Žádost o informace: přijato\n"+
		"From: Records Unit, Sacramento County Sheriff <records@sacsheriff.example>\n"), "%s\n(and the Exchange sender's SMTP address)", res.Text)
}

// What is not an Outlook message under its name fails with a reason.
func TestExtract_OutlookMessageDamaged(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "agency-reply.msg"))
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"cut":        data[:1024],
		"OLE header": append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 600)...),
	} {
		_, err := textract.ExtractResult(context.Background(), textract.MSG, bytes.NewReader(b), int64(len(b)), 0)
		require.Error(t, err, name)
	}
}

// crafted returns the agency's reply with its streams of the kind given
// (the attachment's bytes, or every string) saying they hold size bytes,
// their sectors a loop on one appended sector: a file of a few KB whose
// parts claim hundreds of MB.
func crafted(t *testing.T, attachment bool, size uint32) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "agency-reply.msg"))
	require.NoError(t, err)
	d := append([]byte{}, src...)
	const ss = 512
	require.Equal(t, uint16(9), binary.LittleEndian.Uint16(d[0x1E:]), "512-byte sectors")
	dirStart := binary.LittleEndian.Uint32(d[0x30:])
	fat0 := binary.LittleEndian.Uint32(d[0x4C:])
	loop := uint32((len(d) - ss) / ss)
	d = append(d, bytes.Repeat([]byte("A"), ss)...)
	fat := func(s uint32) int { return int((fat0+1)*ss + 4*s) }
	binary.LittleEndian.PutUint32(d[fat(loop):], loop)
	for s := dirStart; s < 0xFFFFFFFA; s = binary.LittleEndian.Uint32(d[fat(s):]) {
		for i := range 4 {
			off := int((s+1)*ss) + i*128
			n := int(binary.LittleEndian.Uint16(d[off+64:]))
			name := string(bytes.ReplaceAll(d[off:off+max(n-2, 0)], []byte{0}, nil)) // ASCII names
			if (attachment && name == "__substg1.0_37010102") ||
				(!attachment && d[off+66] == 2 && strings.HasPrefix(name, "__substg1.0_") && strings.HasSuffix(name, "001F")) {
				binary.LittleEndian.PutUint32(d[off+116:], loop)
				binary.LittleEndian.PutUint32(d[off+120:], size)
			}
		}
	}
	return d
}

// A damaged or crafted message whose parts claim more than the file holds
// is refused, not read: it reads no more than its own size.
func TestReadEmailFile_OutlookMessageClaimingMore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		attachment bool
	}{{"attachment of 300 MB", true}, {"strings of 300 MB", false}} {
		t.Run(tc.name, func(t *testing.T) {
			data := crafted(t, tc.attachment, 300<<20)
			require.Less(t, len(data), 10<<10)
			_, err := textract.ReadEmailFile(context.Background(), textract.MSG, data)
			require.ErrorContains(t, err, "the Outlook message is damaged")
			if !tc.attachment { // search does not read the attachment's bytes
				_, err = textract.ExtractResult(context.Background(), textract.MSG, bytes.NewReader(data), int64(len(data)), 0)
				require.ErrorContains(t, err, "the Outlook message is damaged")
			}
		})
	}
}

// Logging from a message reads its attachments' bytes, each sniffed as
// an upload's.
func TestReadEmailFile_OutlookMessage(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "agency-reply.msg"))
	require.NoError(t, err)
	e, err := textract.ReadEmailFile(context.Background(), textract.MSG, data)
	require.NoError(t, err)
	require.Equal(t, "RE: CPRA request R-2017-118 — records of ICE detainers", e.Subject)
	require.Equal(t, "2017-04-05T23:30:00Z", e.Date.Format(time.RFC3339))
	require.Len(t, e.Attachments, 1)
	require.Equal(t, "Detainer log 2016.csv", e.Attachments[0].Filename)
	require.Equal(t, "text/csv; charset=utf-8", e.Attachments[0].ContentType)
	require.Equal(t, "date,name\n2016-03-01,quokka\n", string(e.Attachments[0].Data))
	_, err = textract.ReadEmailFile(context.Background(), "application/pdf", data)
	require.Error(t, err)
}
