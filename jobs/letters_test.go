package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// queueFollowUp queues a follow-up on the Sacramento request, by email,
// from the organization's admin.
func (b bundle) queueFollowUp(t *testing.T) *sunshine.LetterEmail {
	t.Helper()
	e, err := b.st.QueueLetterEmail(b.fx.Ctx, b.req.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp,
		To: "records@sacsheriff.example", Cc: []string{"legal@ndlon.example"}, CopySender: true,
		ToParty: "Records officer, Sacramento County Sheriff's Department", FromParty: "Admin of ndlon, ndlon",
		Subject: "Follow-up: ICE communications", Body: "Dear records officer,\n\nThe records were due on 6 April."})
	require.NoError(t, err)
	return e
}

// A letter staff send goes out with the next delivery run over real SMTP:
// to the agency, from the sender's name at Sunshine's address, answered
// to the request's reply address, with the sender's blind copy; then it is
// the request's communication, and the next run sends nothing again.
func TestDeliverLetters_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	// A clock with nanoseconds, as the system's (the database keeps
	// microseconds).
	b.clock.Set(at("2017-04-07").Add(123456789 * time.Nanosecond))
	queued := b.queueFollowUp(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := jobs.NewReminders(b.st, mailer, b.clock, slog.New(slog.DiscardHandler),
		jobs.Config{BaseURL: "https://sunshine.example", InboundDomain: "replies.ndlon.example"})

	res, err := r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	got := mp.Messages(t)
	require.Len(t, got, 1)
	full := mp.Message(t, got[0].ID)
	require.Equal(t, "letter-"+queued.ID+"@sunshine.example", full.MessageID)
	require.Empty(t, full.Header("In-Reply-To"), "the first letter follows none")
	require.Equal(t, mailtest.Address{Name: "Admin of ndlon, " + b.fx.Org.Name, Address: "reminders@sunshine.example"}, full.From)
	require.Equal(t, []mailtest.Address{{Address: "records@sacsheriff.example"}}, full.To)
	require.Equal(t, []mailtest.Address{{Address: "legal@ndlon.example"}}, full.Cc)
	require.Equal(t, []mailtest.Address{{Address: b.fx.Admin.Email}}, full.Bcc)
	req, err := b.st.FindRequestByID(b.fx.Ctx, b.req.ID)
	require.NoError(t, err)
	require.Equal(t, []mailtest.Address{{Address: "request-" + req.ReplyToken + "@replies.ndlon.example"}}, full.ReplyTo)
	require.Equal(t, "<request-"+req.ReplyToken+"@replies.ndlon.example>", full.Header("Return-Path"), "its bounce comes back to the request")
	require.Equal(t, "Follow-up: ICE communications", full.Subject)
	require.Equal(t, "Dear records officer,\n\nThe records were due on 6 April.", strings.TrimSpace(strings.ReplaceAll(full.Text, "\r\n", "\n")))

	comms, _, err := b.st.FindCommunications(b.fx.Ctx, b.req.ID, 10, "")
	require.NoError(t, err)
	require.Len(t, comms, 1)
	require.Equal(t, sunshine.KindFollowUp, comms[0].Kind)
	require.Equal(t, "2017-04-07", comms[0].OccurredOn.String())
	// The email as the agency got it is kept with the communication: the
	// record of what was sent, and when.
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, b.req.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Equal(t, comms[0].ID, *docs[0].CommunicationID)
	require.Equal(t, "Follow-up_ ICE communications.eml", docs[0].Filename)
	kept, err := io.ReadAll(b.st.Content(b.fx.Ctx, docs[0]))
	require.NoError(t, err)
	raw := bytes.TrimSuffix(mp.Raw(t, got[0].ID), []byte("\r\n")) // (Mailpit's lines on top, and DATA's last line end)
	require.True(t, bytes.HasSuffix(raw, bytes.TrimSuffix(kept, []byte("\r\n"))), "kept:\n%s", kept)
	require.NotContains(t, string(kept), b.fx.Admin.Email, "the blind copy is not in it")

	mp.DeleteAll(t)
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Sent+res.Retrying+res.Failed, "sent once")
	require.Empty(t, mp.Messages(t))

	// The next letter follows it in the agency's mailbox.
	next := b.queueFollowUp(t)
	res, err = r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	got = mp.Messages(t)
	require.Len(t, got, 1)
	full = mp.Message(t, got[0].ID)
	require.Equal(t, "letter-"+next.ID+"@sunshine.example", full.MessageID)
	require.Equal(t, "<letter-"+queued.ID+"@sunshine.example>", full.Header("In-Reply-To"))
	require.Equal(t, "<letter-"+queued.ID+"@sunshine.example>", full.Header("References"))
	mp.DeleteAll(t)

	// A mailbox the server says does not exist (5xx) fails the letter at
	// once; a server busy for now (4xx) is tried again.
	for _, tc := range []struct {
		code int
		want jobs.DeliveryResult
	}{{451, jobs.DeliveryResult{Retrying: 1}}, {550, jobs.DeliveryResult{Failed: 1}}} {
		e := b.queueFollowUp(t)
		mp.Chaos(t, nil, &mailtest.Trigger{ErrorCode: tc.code, Probability: 100})
		res, err = r.DeliverLetters(context.Background())
		require.NoError(t, err)
		require.Equal(t, tc.want, res, "SMTP %d", tc.code)
		got, err := b.st.FindLetterEmail(b.fx.Ctx, e.ID)
		require.NoError(t, err)
		require.Contains(t, got.LastError, strconv.Itoa(tc.code))
		_, err = b.st.CancelLetterEmail(b.fx.Ctx, e.ID)
		require.NoError(t, err)
		mp.Chaos(t, nil, nil)
	}
}

// A letter the mail server refuses is tried again with backoff, then
// failed, with the error, for staff to see; nothing is logged as sent.
// Without reply addresses, the agency answers the sender.
func TestDeliverLetters_Refused(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.clock.Set(at("2017-04-07"))
	queued := b.queueFollowUp(t)
	fake := &mail.Fake{}
	fake.FailWith(errors.New("550 5.1.1 mailbox unavailable"))
	r := b.runner(fake) // MaxAttempts 3, Backoff 1m
	reg := prometheus.NewRegistry()
	require.NoError(t, r.Register(reg))

	for i, want := range []jobs.DeliveryResult{{Retrying: 1}, {Retrying: 1}, {Failed: 1}} {
		res, err := r.DeliverLetters(context.Background())
		require.NoError(t, err)
		require.Equal(t, want, res, "attempt %d", i+1)
		b.clock.Set(b.clock.Now().Add(time.Duration(1<<i) * time.Minute))
	}
	list, err := b.st.FindLetterEmails(b.fx.Ctx, b.req.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, sunshine.LetterEmailFailed, list[0].Status)
	require.Equal(t, "550 5.1.1 mailbox unavailable", list[0].LastError)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, b.req.ID, 10, "")
	require.NoError(t, err)
	require.Empty(t, comms)

	require.Equal(t, 2.0, counterValue(t, reg, "sunshine_letters_retries_total"))
	require.Equal(t, 1.0, counterValue(t, reg, "sunshine_letters_failed_total"))

	// Its sender is told by email, with the mail server's words.
	fake.FailWith(nil)
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	sent := fake.Sent()
	require.Len(t, sent, 1)
	require.Equal(t, b.fx.Admin.Email, sent[0].To)
	require.Equal(t, "A letter not delivered: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", sent[0].Subject)
	require.Contains(t, sent[0].Text, "- the follow-up letter to records@sacsheriff.example\n  The mail server refused it, so it is not logged as sent: 550 5.1.1 mailbox unavailable\n")
	require.Contains(t, sent[0].Text, "The request: https://sunshine.example/requests/"+b.req.ID+"\n")
	require.Contains(t, sent[0].HTML, "550 5.1.1 mailbox unavailable")
	require.False(t, sent[0].Letter, "Sunshine's own notice")

	_, err = b.st.RetryLetterEmail(b.fx.Ctx, queued.ID, store.Resend{})
	require.NoError(t, err)
	res, err = r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	sent = fake.Sent()
	require.Len(t, sent, 2)
	require.Equal(t, b.fx.Admin.Email, sent[1].ReplyTo, "no reply addresses: the sender's own")
	require.Empty(t, sent[1].Bounces, "and bounces to Sunshine's own address")
	require.True(t, sent[1].Letter)
	require.Equal(t, 1.0, counterValue(t, reg, "sunshine_letters_sent_total"))
}

// The sender's notice lists the request's letters not sent when it goes:
// one sent again or cancelled before it is not listed, and none left, no
// notice is sent.
func TestDeliverLetters_FailedNoticeCancelled(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.clock.Set(at("2017-04-07"))
	queued := b.queueFollowUp(t)
	fake := &mail.Fake{}
	fake.FailWith(errors.New("550 5.1.1 mailbox unavailable"))
	r := b.runner(fake)
	b.clock.Set(at("2017-04-07").Add(time.Minute))
	for range 3 {
		_, err := r.DeliverLetters(context.Background())
		require.NoError(t, err)
		b.clock.Set(b.clock.Now().Add(time.Hour))
	}
	_, err := b.st.CancelLetterEmail(b.fx.Ctx, queued.ID)
	require.NoError(t, err)
	fake.FailWith(nil)
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Cancelled: 1}, res)
	require.Empty(t, fake.Sent())
}

// cancelAfterSend is a mailer that accepts every message, then ends the
// delivery's context, as a shutdown right after the mail server accepted
// a letter and before it was recorded.
type cancelAfterSend struct {
	mail.Fake
	cancel context.CancelFunc
}

func (m *cancelAfterSend) Send(ctx context.Context, msgs []mail.Message) []error {
	errs := m.Fake.Send(ctx, msgs)
	m.cancel()
	return errs
}

// A letter the mail server accepted but that was not recorded (the process
// stopped in between) keeps its claim; once the claim is stale it is sent
// again with the same Message-ID, and logged once: at least once, never
// lost.
func TestDeliverLetters_AcceptedNotRecorded(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.clock.Set(at("2017-04-07"))
	queued := b.queueFollowUp(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopping := &cancelAfterSend{cancel: cancel}
	_, err := b.runner(stopping).DeliverLetters(ctx)
	require.ErrorContains(t, err, "sent but not recorded")
	require.Len(t, stopping.Sent(), 1)
	list, err := b.st.FindLetterEmails(b.fx.Ctx, b.req.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, sunshine.LetterEmailPending, list[0].Status, "not recorded: still to send")

	fake := &mail.Fake{}
	r := b.runner(fake) // StaleClaim 10m
	res, err := r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Sent, "claimed: not again before the claim is stale")
	b.clock.Set(at("2017-04-07").Add(11 * time.Minute))
	res, err = r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	require.Equal(t, stopping.Sent()[0].ID, fake.Sent()[0].ID, "the same Message-ID")
	require.Equal(t, "letter-"+queued.ID, fake.Sent()[0].ID)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, b.req.ID, 10, "")
	require.NoError(t, err)
	require.Len(t, comms, 1, "logged once")
}

// A letter the agency's mail server returns after accepting it (a bounce,
// Postfix's report) is told to its sender as sent on its day
// yet undelivered; sent again to a corrected address, it goes there and is
// logged a second time.
func TestDeliverLetters_Bounced(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.clock.Set(at("2017-04-07"))
	queued := b.queueFollowUp(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	res, err := r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)

	report := storetest.Bounce(b.req.ReplyToken, fake.Sent()[0].ID+"@sunshine.example", "records@sacsheriff.example", "", at("2017-04-07"))
	b.clock.Set(at("2017-04-08"))
	_, err = b.st.ReceiveEmail(context.Background(), []string{b.req.ReplyToken}, "MAILER-DAEMON@mail.sunshine.example",
		"Undelivered Mail Returned to Sender", report)
	require.NoError(t, err)

	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res, "the sender's notice, and no email to log")
	notice := fake.Sent()[1]
	require.Equal(t, b.fx.Admin.Email, notice.To)
	require.Equal(t, "A letter not delivered: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", notice.Subject)
	require.Contains(t, notice.Text, "- the follow-up letter to records@sacsheriff.example\n"+
		"  It went on Fri 7 Apr 2017 and is logged as sent, but a mail server returned it undelivered: 550 5.1.1 <records@sacsheriff.example>: Recipient address rejected: User unknown\n")

	_, err = b.st.RetryLetterEmail(b.fx.Ctx, queued.ID, store.Resend{To: "pra@sacsheriff.example"})
	require.NoError(t, err)
	res, err = r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	again := fake.Sent()[2]
	require.Equal(t, "pra@sacsheriff.example", again.To)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, b.req.ID, 10, "")
	require.NoError(t, err)
	require.Len(t, comms, 2, "both sendings are logged")
}

// A letter's attachments go with it over real SMTP, byte for byte; one
// whose document was removed before it went fails at once, saying why.
func TestDeliverLetters_Attachments(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.clock.Set(at("2017-04-07"))
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 0xfe, 'a'}, 900000)...) // 2.7 MB: stored in several chunks
	signed, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "Follow-up, signed.pdf",
		ContentType: "application/pdf", Content: bytes.NewReader(pdf)})
	require.NoError(t, err)
	in := sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: "records@sacsheriff.example", Subject: "Follow-up",
		Body: "The signed letter is attached.", AttachmentIDs: []string{signed.ID}}
	_, err = b.st.QueueLetterEmail(b.fx.Ctx, b.req.ID, in)
	require.NoError(t, err)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)

	res, err := r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 1}, res)
	got := mp.Messages(t)
	require.Len(t, got, 1)
	full := mp.Message(t, got[0].ID)
	require.Len(t, full.Attachments, 1)
	require.Equal(t, "Follow-up, signed.pdf", full.Attachments[0].FileName)
	require.Equal(t, "application/pdf", full.Attachments[0].ContentType)
	require.Equal(t, pdf, mp.Part(t, got[0].ID, full.Attachments[0].PartID))

	// Removed before it went: failed at once, no attempt left to waste.
	removed, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "draft.pdf",
		ContentType: "application/pdf", Content: bytes.NewReader([]byte("%PDF-1.4 draft"))})
	require.NoError(t, err)
	in.AttachmentIDs = []string{removed.ID}
	queued, err := b.st.QueueLetterEmail(b.fx.Ctx, b.req.ID, in)
	require.NoError(t, err)
	require.NoError(t, b.st.DeleteDocument(b.fx.Ctx, removed.ID))
	res, err = r.DeliverLetters(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Failed: 1}, res)
	failed, err := b.st.FindLetterEmail(b.fx.Ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailFailed, failed.Status)
	require.Equal(t, "a document it attaches (draft.pdf) was removed: cancel it, and send the letter again without it", failed.LastError)
	require.Len(t, mp.Messages(t), 1, "nothing more was sent")
}
