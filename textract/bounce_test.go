package textract_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

// Bounces as the mail servers agencies and Sunshine's relay run write
// them: each names the letter it returns (by the Message-ID in the
// returned headers or message) and the recipients it failed, with why.
func TestReadBounce(t *testing.T) {
	t.Parallel()
	const letter = "letter-6f1c1d3e-8a43-4b8e-9a35-2d0c8f4e5b71@sunshine.example"
	tests := []struct {
		file string
		want *textract.Bounce // nil: not a bounce
	}{
		{"postfix.eml", &textract.Bounce{MessageID: letter, Date: time.Date(2026, 12, 8, 17, 59, 58, 0, time.UTC), ReportingMTA: "mail.sunshine.example",
			Failed: []textract.BounceRecipient{{Address: "records@sheriff.example.gov", Original: "records@sheriff.example.gov", Status: "5.1.1",
				Diagnostic: "550 5.1.1 <records@sheriff.example.gov>: Recipient address rejected: User unknown in virtual mailbox table"}}}},
		// Outlook's: a delayed copy is not failed; the returned message is
		// whole (message/rfc822).
		{"exchange.eml", &textract.Bounce{MessageID: letter, Date: time.Date(2026, 12, 8, 17, 59, 58, 0, time.UTC), ReportingMTA: "CO1PR12MB1234.namprd12.prod.outlook.com",
			Failed: []textract.BounceRecipient{{Address: "pra@county.example.gov", Status: "5.1.10",
				Diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}}}},
		// Gmail's: the returned message's own ID, not the one it answers.
		{"gmail.eml", &textract.Bounce{MessageID: "letter-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@sunshine.example", Date: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC), ReportingMTA: "googlemail.com",
			Failed: []textract.BounceRecipient{{Address: "foia.clerk@example.org", Status: "5.1.1",
				Diagnostic: "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser"}}}},
		// A warning that delivery is late is no bounce: the server still
		// tries.
		{"delayed.eml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("testdata", "bounces", tt.file))
			require.NoError(t, err)
			for name, data := range map[string][]byte{"LF": raw, "CRLF": []byte(strings.ReplaceAll(string(raw), "\n", "\r\n"))} {
				got, ok, err := textract.ReadBounce(context.Background(), data)
				require.NoError(t, err, name)
				require.Equal(t, tt.want != nil, ok, name)
				if got != nil {
					require.True(t, tt.want.Date.Equal(got.Date), "%s: %s", name, got.Date)
					got.Date = tt.want.Date // (compared as instants: the zones differ)
				}
				require.Equal(t, tt.want, got, name)
			}
		})
	}
}

// An agency's ordinary email, even one quoting a letter's Message-ID, and
// a report with no delivery status, and nothing at all, are no bounces.
func TestReadBounce_NotABounce(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"a reply": "From: pra@county.example.gov\r\nTo: request-0123@in.sunshine.example\r\nSubject: Re: CPRA request\r\n" +
			"In-Reply-To: <letter-6f1c1d3e-8a43-4b8e-9a35-2d0c8f4e5b71@sunshine.example>\r\n\r\nWe received your request.\r\n",
		"nothing": "",
		"a report of another type": "From: a@b.org\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n\r\n" +
			"--x\r\nContent-Type: message/disposition-notification\r\n\r\nFinal-Recipient: rfc822; a@b.org\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--x--\r\n",
	} {
		got, ok, err := textract.ReadBounce(context.Background(), []byte(data))
		require.NoError(t, err, name)
		require.False(t, ok, name)
		require.Nil(t, got, name)
	}
}
