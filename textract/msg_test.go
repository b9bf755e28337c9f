package textract_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

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
