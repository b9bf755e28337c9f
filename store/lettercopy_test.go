package store_test

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// sentCopy is a letter email as a mail server got it.
const sentCopy = "Date: Wed, 05 Apr 2017 15:00:00 +0000\r\nMessage-ID: <letter-1@sunshine.example>\r\n" +
	"Subject: Public records request: ICE communications\r\nFrom: \"Admin of ndlon, NDLON\" <reminders@sunshine.example>\r\n" +
	"To: <records@sheriff.example.gov>\r\n\r\nDear records officer,\r\n"

// The email a letter went as is kept with its communication, once; when
// the request refuses to log the letter, it is kept with the request.
func TestStore_LetterEmailSentCopy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		paused bool // the agency asked a question the day after: a follow-up before it cannot be logged
	}{
		{"logged", false},
		{"not logged", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
			if tt.paused {
				_, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
					Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindClarificationRequest, OccurredOn: d("2017-04-06"),
					Body: "Which ICE office?"}})
				require.NoError(t, err)
			}
			_, err := b.s.QueueLetterEmail(b.ctx, r.ID, letterEmail(sunshine.LetterFollowUp))
			require.NoError(t, err)
			c := b.claimOne(t)
			cm, err := b.s.MarkLetterEmailSent(b.ctx, c, b.clk.Now(), []byte(sentCopy))
			require.NoError(t, err)
			again, err := b.s.MarkLetterEmailSent(b.ctx, c, b.clk.Now().Add(time.Minute), []byte(sentCopy+"again"))
			require.NoError(t, err)
			require.Nil(t, again)

			docs, _, err := b.s.FindDocuments(b.ctx, r.ID, store.All, "")
			require.NoError(t, err)
			require.Len(t, docs, 1, "kept once")
			doc := docs[0]
			require.Equal(t, "Public records request_ ICE communications.eml", doc.Filename)
			require.Equal(t, "message/rfc822", doc.ContentType)
			require.Equal(t, b.fx.Admin.ID, *doc.CreatedBy, "by the letter's sender")
			require.Nil(t, doc.ReceivedFrom, "sent, not received: no email to log")
			if tt.paused {
				require.Nil(t, cm)
				require.Nil(t, doc.CommunicationID)
			} else {
				require.Equal(t, cm.ID, *doc.CommunicationID)
			}
			content, err := io.ReadAll(b.s.Content(b.ctx, doc))
			require.NoError(t, err)
			require.Equal(t, sentCopy, string(content))
		})
	}
}

// A copy that cannot be kept (no room for its temporary file) does not
// keep the letter from being recorded as sent: unrecorded, it would be
// sent again and again.
func TestStore_LetterEmailSentCopyNotKept(t *testing.T) {
	// (not parallel: it points the process's temporary files nowhere)
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	_, err := b.s.QueueLetterEmail(b.ctx, r.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)
	c := b.claimOne(t)
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "gone"))
	cm, err := b.s.MarkLetterEmailSent(b.ctx, c, b.clk.Now(), []byte(sentCopy))
	require.NoError(t, err)
	require.NotNil(t, cm, "logged")
	docs, _, err := b.s.FindDocuments(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, docs)
}
