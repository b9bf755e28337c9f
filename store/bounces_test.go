package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// sentLetter queues a letter of kind to request r, and sends it at the
// clock's now.
func (b testBundle) sentLetter(t *testing.T, r *sunshine.Request, in sunshine.LetterEmailInput) *sunshine.LetterEmail {
	t.Helper()
	queued, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
	require.NoError(t, err)
	_, err = b.s.MarkLetterEmailSent(b.ctx, b.claimOne(t), b.clk.Now(), nil)
	require.NoError(t, err)
	sent, err := b.s.FindLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailSent, sent.Status)
	return sent
}

// bounce files a report that letter e did not reach address.
func (b testBundle) bounce(t *testing.T, r *sunshine.Request, e *sunshine.LetterEmail, address, original string) *sunshine.Document {
	t.Helper()
	got, err := b.s.ReceiveEmail(b.ctx, []string{r.ReplyToken}, "MAILER-DAEMON@mail.ndlon.example", "Undelivered Mail Returned to Sender",
		storetest.Bounce(r.ReplyToken, "letter-"+e.ID+"@sunshine.example", address, original, *e.SentAt))
	require.NoError(t, err)
	require.Len(t, got, 1)
	return got[0].Document
}

// owed counts the pending emails of kind about request r.
func (b testBundle) owed(t *testing.T, r *sunshine.Request, kind string) int {
	t.Helper()
	all, _, err := b.s.FindReminders(b.ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	n := 0
	for _, m := range all {
		if m.Kind == kind && m.RequestID != nil && *m.RequestID == r.ID {
			n++
		}
	}
	return n
}

// A mail server's report that a sent letter did not reach the agency's
// address bounces the letter: listed where a failed one is, its error the
// server's, its sender told by email, the report filed with the request
// as no email to log and the timeline naming the address. One about a
// copy only says so in the timeline; one about another request's letter
// is an email as any other.
func TestStore_LetterBounced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	e := b.sentLetter(t, r, letterEmail(sunshine.LetterFollowUp))
	require.Zero(t, b.owed(t, r, sunshine.ReminderLetterFailed))

	copyOnly := b.bounce(t, r, e, "legal@ndlon.example", "")
	got, err := b.s.FindLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailSent, got.Status, "the agency got it; a copy did not arrive")
	require.Zero(t, b.owed(t, r, sunshine.ReminderLetterFailed))

	doc := b.bounce(t, r, e, "records@sheriff.example.gov", "")
	got, err = b.s.FindLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailBounced, got.Status)
	require.Equal(t, b.clk.Now(), got.BouncedAt.UTC())
	require.Equal(t, doc.ID, *got.BounceDocumentID)
	require.NotNil(t, got.SentAt, "it went")
	require.Equal(t, "550 5.1.1 <records@sheriff.example.gov>: Recipient address rejected: User unknown", got.LastError)
	require.Equal(t, 1, b.owed(t, r, sunshine.ReminderLetterFailed), "its sender is told")
	notSent, err := b.s.FindLetterEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, notSent, 1)
	failed, n, err := b.s.FindFailedLetters(b.ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, sunshine.LetterEmailBounced, failed[0].Status)

	unlogged, err := b.s.UnloggedEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, unlogged, "a bounce is no email from the agency to log")
	require.Zero(t, b.owed(t, r, sunshine.ReminderEmailReceived), "nobody is told of an email to log")
	docs, _, err := b.s.FindDocuments(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2, "both reports are kept with the request")

	events, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var bounces []map[string]any
	for _, ev := range events {
		if ev.Kind == sunshine.EventLetterEmailBounced {
			var data map[string]any
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			bounces = append(bounces, data)
		}
	}
	require.Len(t, bounces, 2)
	require.Equal(t, []any{"legal@ndlon.example"}, bounces[0]["failed"])
	require.Equal(t, copyOnly.ID, bounces[0]["document_id"])
	require.Equal(t, []any{"records@sheriff.example.gov"}, bounces[1]["failed"])
	require.Equal(t, e.ID, bounces[1]["letter_email_id"])
	require.Equal(t, "records@sheriff.example.gov", bounces[1]["to"])

	// Another request's letter, or a letter that is none: an email to log.
	other := b.request(t, b.agency(t, "Police", "us-ca"), "Other", "2017-03-27")
	for name, id := range map[string]string{"another request's letter": "letter-" + e.ID + "@sunshine.example", "no letter": "abc@sheriff.example.gov"} {
		got, err := b.s.ReceiveEmail(b.ctx, []string{other.ReplyToken}, "MAILER-DAEMON@mail.ndlon.example", "Undelivered: "+name,
			storetest.Bounce(other.ReplyToken, id, "records@sheriff.example.gov", "", time.Time{}))
		require.NoError(t, err)
		require.Len(t, got, 1)
	}
	unlogged, err = b.s.UnloggedEmails(b.ctx, other.ID)
	require.NoError(t, err)
	require.Len(t, unlogged, 2)
}

// A report naming the agency's address as where the letter was forwarded
// from bounces it too; one for a letter being sent again is an email to
// log; one for a letter cancelled since is only in the timeline.
func TestStore_LetterBouncedForwarded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	e := b.sentLetter(t, r, letterEmail(sunshine.LetterFollowUp))
	b.bounce(t, r, e, "clerk@county.example.gov", "Records@Sheriff.example.gov")
	got, err := b.s.FindLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailBounced, got.Status)

	// Sent again, before it is recorded as sent: which sending a report
	// is about cannot be told, so it is an email to read and log.
	_, err = b.s.RetryLetterEmail(b.ctx, e.ID, store.Resend{})
	require.NoError(t, err)
	c := b.claimOne(t)
	b.bounce(t, r, e, "records@sheriff.example.gov", "RECORDS@sheriff.example.gov")
	unlogged, err := b.s.UnloggedEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, unlogged, 1)
	got, err = b.s.FindLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailPending, got.Status)

	require.NoError(t, b.s.MarkLetterEmailFailed(b.ctx, c, "550 no such user", b.clk.Now(), true))
	_, err = b.s.CancelLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	b.bounce(t, r, e, "records@sheriff.example.gov", "")
	got, err = b.s.FindLetterEmail(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailCancelled, got.Status, "a late report changes nothing")
}

// A letter sent again keeps its Message-ID: a report on the sending
// before (dated then) is only in the timeline; one on the last bounces it.
func TestStore_LetterBouncedEarlierSending(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	e := b.sentLetter(t, r, letterEmail(sunshine.LetterFollowUp))
	first := *e.SentAt
	b.bounce(t, r, e, "records@sheriff.example.gov", "")
	_, err := b.s.RetryLetterEmail(b.ctx, e.ID, store.Resend{})
	require.NoError(t, err)
	b.clk.Set(first.Add(24 * time.Hour))
	_, err = b.s.MarkLetterEmailSent(b.ctx, b.claimOne(t), b.clk.Now(), nil)
	require.NoError(t, err)

	report := func(sent time.Time) sunshine.LetterEmailStatus {
		t.Helper()
		_, err := b.s.ReceiveEmail(b.ctx, []string{r.ReplyToken}, "MAILER-DAEMON@mail.ndlon.example", "Undelivered Mail Returned to Sender",
			// (in other words than the first report: not the same email again)
			storetest.Bounce(r.ReplyToken, "letter-"+e.ID+"@sunshine.example", "records@sheriff.example.gov", "Records@Sheriff.example.gov", sent))
		require.NoError(t, err)
		got, err := b.s.FindLetterEmail(b.ctx, e.ID)
		require.NoError(t, err)
		return got.Status
	}
	require.Equal(t, sunshine.LetterEmailSent, report(first), "the first sending's report again")
	require.Equal(t, sunshine.LetterEmailBounced, report(b.clk.Now().Add(-time.Minute)))
	events, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	n := 0
	for _, ev := range events {
		if ev.Kind == sunshine.EventLetterEmailBounced {
			n++
		}
	}
	require.Equal(t, 3, n, "every report is in the timeline")
}

// A bounced letter is sent again, to the same address or a corrected one,
// as one never sent; an address that is not one, or one already copied,
// is refused naming the field and changes nothing.
func TestStore_RetryBouncedLetter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, to, wantTo string
		redate           bool
		wantField        string // "" when sent again
	}{
		{"same address", "", "records@sheriff.example.gov", false, ""},
		{"corrected address", " pra@sheriff.example.gov ", "pra@sheriff.example.gov", false, ""},
		{"not an address", "records at sheriff", "", false, "to"},
		{"already copied", "Legal@ndlon.example", "", false, "to"},
		{"re-dated, a follow-up", "", "", true, "redate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
			e := b.sentLetter(t, r, letterEmail(sunshine.LetterFollowUp))
			b.bounce(t, r, e, "records@sheriff.example.gov", "")

			again, err := b.s.RetryLetterEmail(b.ctx, e.ID, store.Resend{To: tt.to, Redate: tt.redate})
			if tt.wantField != "" {
				var serr *sunshine.Error
				require.ErrorAs(t, err, &serr)
				require.Equal(t, sunshine.EInvalid, serr.Code)
				require.Equal(t, []string{tt.wantField}, fieldNames(serr))
				got, err := b.s.FindLetterEmail(b.ctx, e.ID)
				require.NoError(t, err)
				require.Equal(t, sunshine.LetterEmailBounced, got.Status, "unchanged")
				require.Equal(t, "records@sheriff.example.gov", got.To)
				return
			}
			require.NoError(t, err)
			require.Equal(t, sunshine.LetterEmailPending, again.Status)
			require.Equal(t, tt.wantTo, again.To)
			require.Nil(t, again.SentAt)
			require.Nil(t, again.BouncedAt)
			require.Nil(t, again.BounceDocumentID)
			require.Empty(t, again.LastError)
			c := b.claimOne(t)
			require.Equal(t, tt.wantTo, c.To)
		})
	}
}

// A request letter sent again after the first bounced moves the request's
// dates to the day it went (or, Michigan, the next business day): the
// agency never had the first. Where the request refuses the date (an
// extension since), or the legal receipt day is too far ahead to enter,
// the dates stay and the timeline says why.
func TestStore_ResentRequestLetterRedates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, law         string
		resentAt          time.Time
		extendOn          string // "ack" for an acknowledgment since
		notAsked          bool   // staff did not say the agency never got it
		wantSent, wantRec string
		wantNote          string
	}{
		{"NotAsked", "us-ca", time.Date(2017, 4, 10, 18, 0, 0, 0, time.UTC), "", true,
			"2017-04-05", "2017-04-05", ""},
		{"AcknowledgedSince", "us-ca", time.Date(2017, 4, 10, 18, 0, 0, 0, time.UTC), "ack", false,
			"2017-04-05", "2017-04-05", "The email of Wed 5 Apr 2017 bounced, but the request's dates stay: its clock no longer counts from that email (it is acknowledged, received Wed 5 Apr 2017): correct them if the agency received it later"},
		{"California", "us-ca", time.Date(2017, 4, 10, 18, 0, 0, 0, time.UTC), "", false,
			"2017-04-10", "2017-04-10", "The email of Wed 5 Apr 2017 bounced: the agency receives the request Mon 10 Apr 2017 (not Wed 5 Apr 2017), and its deadline counts from then"},
		{"Michigan", "us-mi", time.Date(2017, 4, 10, 18, 0, 0, 0, time.UTC), "", false,
			"2017-04-10", "2017-04-11", "The email of Wed 5 Apr 2017 bounced: the agency receives the request Tue 11 Apr 2017 (not Thu 6 Apr 2017), and its deadline counts from then"},
		{"MichiganFriday", "us-mi", time.Date(2017, 4, 14, 18, 0, 0, 0, time.UTC), "", false,
			"2017-04-05", "2017-04-06", "The email of Wed 5 Apr 2017 bounced; under MCL 15.235(1) the agency receives this one on Mon 17 Apr 2017: correct the receipt date then"},
		{"ExtendedSince", "us-ca", time.Date(2017, 4, 10, 18, 0, 0, 0, time.UTC), "2017-04-07", false,
			"2017-04-05", "2017-04-05", "The email of Wed 5 Apr 2017 bounced, but the receipt date stays Wed 5 Apr 2017 (it must not be after the extension was invoked (2017-04-07)): correct it if the agency received the request later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.clk.Set(time.Date(2017, 4, 5, 18, 0, 0, 0, time.UTC))
			r := b.request(t, b.agency(t, "Sheriff", tt.law), "ICE", "")
			in := letterEmail(sunshine.LetterRequest)
			in.Submit = true
			e := b.sentLetter(t, r, in)
			b.bounce(t, r, e, "records@sheriff.example.gov", "")
			b.clk.Set(tt.resentAt)
			switch tt.extendOn {
			case "":
			case "ack":
				_, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: d("2017-04-07")})
				require.NoError(t, err)
			default:
				_, err := b.s.ExtendRequest(b.ctx, r.ID, d(tt.extendOn), "Voluminous records")
				require.NoError(t, err)
			}
			_, err := b.s.RetryLetterEmail(b.ctx, e.ID, store.Resend{Redate: !tt.notAsked})
			require.NoError(t, err)
			_, err = b.s.MarkLetterEmailSent(b.ctx, b.claimOne(t), tt.resentAt, nil)
			require.NoError(t, err)

			got, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, tt.wantSent, dateOrEmpty(got.SentOn))
			require.Equal(t, tt.wantRec, dateOrEmpty(got.ReceivedOn))
			comms, _, err := b.s.FindCommunications(b.ctx, r.ID, 10, "")
			require.NoError(t, err)
			require.Len(t, comms, 2, "both sendings are in the correspondence")
			events, err := b.s.FindTimeline(b.ctx, r.ID)
			require.NoError(t, err)
			last := events[len(events)-1]
			require.Equal(t, sunshine.EventCommunication, last.Kind)
			require.Equal(t, tt.wantNote, last.Note)
		})
	}
}
