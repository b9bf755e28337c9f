package store_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// upload stores a document of request r.
func (b testBundle) upload(t *testing.T, r *sunshine.Request, name string, content []byte, communicationID string) *sunshine.Document {
	t.Helper()
	d, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: name, ContentType: "application/pdf",
		Content: bytes.NewReader(content), CommunicationID: communicationID})
	require.NoError(t, err)
	return d
}

// A letter email attaches documents of its request only, within the size
// an agency's mail server takes; a refusal names the field and queues
// nothing.
func TestStore_LetterAttachmentsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r := b.request(t, a, "ICE", "2017-03-27")
	other := b.request(t, a, "Other", "2017-03-27")
	signed := b.upload(t, r, "signed.pdf", []byte("%PDF-1.4 signed"), "")
	theirs := b.upload(t, other, "theirs.pdf", []byte("%PDF-1.4 theirs"), "")
	removed := b.upload(t, r, "removed.pdf", []byte("%PDF-1.4 removed"), "")
	require.NoError(t, b.s.DeleteDocument(b.ctx, removed.ID))
	big := b.upload(t, r, "big.pdf", bytes.Repeat([]byte("x"), sunshine.MaxLetterAttachmentBytes), "")

	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"another request's", []string{signed.ID, theirs.ID}, theirs.ID + " is not a document of this request"},
		{"removed", []string{removed.ID}, removed.ID + " is not a document of this request"},
		{"not an ID", []string{"signed.pdf"}, "signed.pdf is not a document of this request"},
		{"too large together", []string{big.ID, signed.ID}, "are 7.0 MiB together: at most 7.0 MiB fits in an email to an agency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := letterEmail(sunshine.LetterFollowUp)
			in.AttachmentIDs = tt.ids
			_, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
			var e *sunshine.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, []string{"attachment_ids"}, fieldNames(e))
			require.Contains(t, e.Fields[0].Message, tt.want)
			list, err := b.s.FindLetterEmails(b.ctx, r.ID)
			require.NoError(t, err)
			require.Empty(t, list)
		})
	}
}

// A letter email keeps its attachments in order; once sent, the timeline
// names them, and those uploaded with no communication went with it (one
// that came with another communication stays there).
func TestStore_LetterAttachmentsSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	earlier, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: d("2017-03-28"), Body: "Received."}})
	require.NoError(t, err)
	ack := b.upload(t, r, "acknowledgment.pdf", []byte("%PDF-1.4 ack"), earlier.ID)
	signed := b.upload(t, r, "signed.pdf", []byte("%PDF-1.4 signed"), "")
	got, err := b.s.ReceiveEmail(b.ctx, []string{r.ReplyToken}, "records@sheriff.example", "Your request", []byte(agencyReply))
	require.NoError(t, err)
	toLog := got[0].Document

	in := letterEmail(sunshine.LetterFollowUp)
	in.AttachmentIDs = []string{signed.ID, ack.ID, toLog.ID}
	queued, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
	require.NoError(t, err)
	require.Equal(t, []string{signed.ID, ack.ID, toLog.ID}, queued.AttachmentIDs)
	c := b.claimOne(t)
	require.Equal(t, []string{signed.ID, ack.ID, toLog.ID}, c.AttachmentIDs)
	docs, err := b.s.LetterAttachments(b.ctx, &c.LetterEmail)
	require.NoError(t, err)
	require.Equal(t, []string{"signed.pdf", "acknowledgment.pdf", toLog.Filename}, []string{docs[0].Filename, docs[1].Filename, docs[2].Filename})

	cm, err := b.s.MarkLetterEmailSent(b.ctx, c, b.clk.Now(), nil)
	require.NoError(t, err)
	doc, err := b.s.FindDocumentByID(b.ctx, signed.ID)
	require.NoError(t, err)
	require.Equal(t, cm.ID, *doc.CommunicationID, "uploaded for the letter: it went with it")
	doc, err = b.s.FindDocumentByID(b.ctx, ack.ID)
	require.NoError(t, err)
	require.Equal(t, earlier.ID, *doc.CommunicationID, "came with the acknowledgment: stays")
	unlogged, err := b.s.UnloggedEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, unlogged, 1, "the agency's email is still one to log")
	require.Equal(t, toLog.ID, unlogged[0].ID)
	events, err := b.s.FindTimeline(b.ctx, r.ID)
	require.NoError(t, err)
	var data map[string]any
	require.NoError(t, json.Unmarshal(events[len(events)-1].Data, &data))
	require.Equal(t, []any{"signed.pdf", "acknowledgment.pdf", toLog.Filename}, data["attachments"])
}

// A document removed after the letter was queued cannot go with it: the
// letter's attachments are not found, naming it.
func TestStore_LetterAttachmentRemoved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	signed := b.upload(t, r, "signed.pdf", []byte("%PDF-1.4 signed"), "")
	in := letterEmail(sunshine.LetterFollowUp)
	in.AttachmentIDs = []string{signed.ID}
	_, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
	require.NoError(t, err)
	require.NoError(t, b.s.DeleteDocument(b.ctx, signed.ID))
	c := b.claimOne(t)
	_, err = b.s.LetterAttachments(b.ctx, &c.LetterEmail)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "a document it attaches (signed.pdf) was removed: cancel it, and send the letter again without it")

	// Failed for it, it is not sent again as it is.
	require.NoError(t, b.s.MarkLetterEmailFailed(b.ctx, c, sunshine.ErrorMessage(err), b.clk.Now(), true))
	_, err = b.s.RetryLetterEmail(b.ctx, c.ID, store.Resend{})
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "(signed.pdf) was removed")
	got, err := b.s.FindLetterEmail(b.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailFailed, got.Status)
}
