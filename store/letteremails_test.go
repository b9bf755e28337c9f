package store_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func letterEmail(kind sunshine.LetterKind) sunshine.LetterEmailInput {
	return sunshine.LetterEmailInput{Kind: kind, To: "records@sheriff.example.gov", Cc: []string{"legal@ndlon.example"},
		CopySender: true, ToParty: "Records officer, Sheriff", FromParty: "Admin of ndlon, NDLON",
		Subject: "Public records request: ICE communications", Body: "Dear records officer,\n\nUnder the CPRA…"}
}

// claimOne claims the one letter email due at the clock's now.
func (b testBundle) claimOne(t *testing.T) store.ClaimedLetterEmail {
	t.Helper()
	claimed, err := b.s.ClaimLetterEmails(b.ctx, b.clk.Now(), 10, 10*time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	return claimed[0]
}

// A letter is in the correspondence only once the mail server accepted it:
// then it is the outgoing communication of its kind, dated the day it went
// where the agency is, its event naming the address; recording it twice
// logs it once.
func TestStore_LetterEmailSentIsLogged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	in := letterEmail(sunshine.LetterFollowUp)
	queued, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailPending, queued.Status)
	require.Equal(t, b.fx.Admin.ID, queued.SenderID)
	require.Equal(t, []string{"legal@ndlon.example"}, queued.Cc)
	comms, _, err := b.s.FindCommunications(b.ctx, r.ID, 10, "")
	require.NoError(t, err)
	require.Empty(t, comms, "not in the correspondence before it is sent")

	c := b.claimOne(t)
	require.Equal(t, queued.ID, c.ID)
	require.Equal(t, 1, c.Attempts)
	// 20:30 in Sacramento on 5 April is 6 April in UTC: the letter is
	// dated where the agency is.
	sentAt := time.Date(2017, 4, 6, 3, 30, 0, 0, time.UTC)
	cm, err := b.s.MarkLetterEmailSent(b.ctx, c, sentAt, nil)
	require.NoError(t, err)
	require.Equal(t, sunshine.DirectionOut, cm.Direction)
	require.Equal(t, sunshine.KindFollowUp, cm.Kind)
	require.Equal(t, "email", cm.Channel)
	require.Equal(t, d("2017-04-05"), cm.OccurredOn)
	require.Equal(t, in.Subject, cm.Subject)
	require.Equal(t, in.Body, cm.Body)
	require.Equal(t, in.ToParty, cm.To)
	require.Equal(t, in.FromParty, cm.From)
	require.Equal(t, b.fx.Admin.ID, *cm.CreatedBy)

	again, err := b.s.MarkLetterEmailSent(b.ctx, c, sentAt, nil)
	require.NoError(t, err)
	require.Nil(t, again, "recorded once")
	comms, _, err = b.s.FindCommunications(b.ctx, r.ID, 10, "")
	require.NoError(t, err)
	require.Len(t, comms, 1)

	sent, err := b.s.FindLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailSent, sent.Status)
	require.Equal(t, cm.ID, *sent.CommunicationID)
	require.WithinDuration(t, sentAt, *sent.SentAt, time.Second)
	pending, err := b.s.FindLetterEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, pending)

	events, err := b.s.FindTimeline(b.ctx, r.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventCommunication, last.Kind)
	var data map[string]any
	require.NoError(t, json.Unmarshal(last.Data, &data))
	require.Equal(t, "records@sheriff.example.gov", data["emailed_to"])
	require.Equal(t, queued.ID, data["letter_email_id"])
}

// The request letter of a draft, sent with submit, submits it: sent that
// day and received that day, or on the day its law says an email is
// received (Michigan: the next business day), when that day is no more
// than a day ahead; a Michigan letter sent on a Friday stays a draft,
// the timeline saying when to submit it.
func TestStore_LetterEmailSubmitsDraft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, law    string
		sentAt       time.Time
		submit       bool
		wantStatus   sunshine.Status
		wantReceived string // "" for none
		wantSent     string
		wantDue      string
		wantNote     string
	}{
		{"CaliforniaSameDay", "us-ca", time.Date(2017, 4, 5, 18, 0, 0, 0, time.UTC), true,
			sunshine.StatusSubmitted, "2017-04-05", "2017-04-05", "2017-04-17", ""},
		{"MichiganNextBusinessDay", "us-mi", time.Date(2017, 4, 5, 18, 0, 0, 0, time.UTC), true,
			sunshine.StatusSubmitted, "2017-04-06", "2017-04-05", "2017-04-13", ""},
		{"MichiganFridayWaits", "us-mi", time.Date(2017, 4, 7, 18, 0, 0, 0, time.UTC), true,
			sunshine.StatusDraft, "", "2017-04-07", "", "Under MCL 15.235(1) the agency receives it on Mon 10 Apr 2017: submit the request with that date then"},
		{"NotAsked", "us-ca", time.Date(2017, 4, 5, 18, 0, 0, 0, time.UTC), false,
			sunshine.StatusDraft, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.clk.Set(tt.sentAt)
			r := b.request(t, b.agency(t, "Sheriff", tt.law), "ICE", "")
			in := letterEmail(sunshine.LetterRequest)
			in.Submit, in.Cc = tt.submit, nil // (none copied: an empty list)
			_, err := b.s.QueueLetterEmail(b.ctx, r.ID, in)
			require.NoError(t, err)
			_, err = b.s.MarkLetterEmailSent(b.ctx, b.claimOne(t), tt.sentAt, nil)
			require.NoError(t, err)

			got, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, tt.wantStatus, got.Status)
			require.Equal(t, tt.wantReceived, dateOrEmpty(got.ReceivedOn))
			require.Equal(t, tt.wantSent, dateOrEmpty(got.SentOn))
			require.Equal(t, tt.wantDue, dateOrEmpty(got.DueOn))
			events, err := b.s.FindTimeline(b.ctx, r.ID)
			require.NoError(t, err)
			last := events[len(events)-1]
			require.Equal(t, sunshine.EventCommunication, last.Kind)
			require.Equal(t, tt.wantNote, last.Note)
		})
	}
}

// A letter that cannot go is refused with every reason at once, and
// nothing waits to be sent.
func TestStore_QueueLetterEmailRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	draft := b.request(t, a, "Draft", "")
	submitted := b.request(t, a, "Submitted", "2017-03-27")
	other := storetest.Org(t, b.s, "other")

	bad := letterEmail(sunshine.LetterRequest)
	bad.To, bad.Cc, bad.Body, bad.Subject = "", []string{"not an address"}, " \n", "Two\nlines"
	submitOpen := letterEmail(sunshine.LetterRequest)
	submitOpen.Submit = true
	tests := []struct {
		name    string
		ctx     bool // the other organization's
		request *sunshine.Request
		in      sunshine.LetterEmailInput
		code    sunshine.Code
		fields  []string
	}{
		{"Fields", false, draft, bad, sunshine.EInvalid, []string{"to", "cc", "subject", "body"}},
		{"FollowUpOnDraft", false, draft, letterEmail(sunshine.LetterFollowUp), sunshine.EConflict, nil},
		{"SubmitSubmitted", false, submitted, submitOpen, sunshine.EInvalid, []string{"submit"}},
		{"OtherOrganization", true, submitted, letterEmail(sunshine.LetterRequest), sunshine.ENotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := b.ctx
			if tt.ctx {
				ctx = other.Ctx
			}
			_, err := b.s.QueueLetterEmail(ctx, tt.request.ID, tt.in)
			require.Equal(t, tt.code, sunshine.ErrorCode(err), "%v", err)
			var e *sunshine.Error
			require.ErrorAs(t, err, &e)
			require.ElementsMatch(t, tt.fields, fieldNames(e))
			list, err := b.s.FindLetterEmails(b.ctx, tt.request.ID)
			require.NoError(t, err)
			require.Empty(t, list)
		})
	}

	// One letter of a kind on its way at a time, named; another kind may go.
	_, err := b.s.QueueLetterEmail(b.ctx, submitted.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)
	_, err = b.s.QueueLetterEmail(b.ctx, submitted.ID, letterEmail(sunshine.LetterFollowUp))
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "the follow-up letter to records@sheriff.example.gov is already on its way (since 08:00 Wed 5 Apr)")
	_, err = b.s.QueueLetterEmail(b.ctx, submitted.ID, letterEmail(sunshine.LetterRequest))
	require.NoError(t, err)
	list, err := b.s.FindLetterEmails(b.ctx, submitted.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
}

// A refused attempt is retried later; after the last, the letter is failed
// and the timeline says so, for staff to send again or cancel. One being
// sent cannot be cancelled; another organization's is not found.
func TestStore_LetterEmailFailedRetriedCancelled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	queued, err := b.s.QueueLetterEmail(b.ctx, r.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)

	c := b.claimOne(t)
	_, err = b.s.CancelLetterEmail(b.ctx, queued.ID)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "being sent: %v", err)
	require.ErrorContains(t, err, "being sent this moment")

	require.NoError(t, b.s.MarkLetterEmailFailed(b.ctx, c, "451 try later", now.Add(time.Minute), false))
	e, err := b.s.FindLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailPending, e.Status)
	require.Equal(t, "451 try later", e.LastError)
	claimed, err := b.s.ClaimLetterEmails(b.ctx, now, 10, 10*time.Minute)
	require.NoError(t, err)
	require.Empty(t, claimed, "not before its next attempt")

	b.clk.Set(now.Add(time.Minute))
	c = b.claimOne(t)
	require.Equal(t, 2, c.Attempts)
	require.NoError(t, b.s.MarkLetterEmailFailed(b.ctx, c, "550 no such user", now.Add(time.Hour), true))
	list, err := b.s.FindLetterEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, sunshine.LetterEmailFailed, list[0].Status)
	require.Equal(t, "550 no such user", list[0].LastError)
	events, err := b.s.FindTimeline(b.ctx, r.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventLetterEmailFailed, last.Kind)
	require.JSONEq(t, `{"letter_email_id": "`+queued.ID+`", "kind": "follow_up", "to": "records@sheriff.example.gov", "error": "550 no such user"}`, string(last.Data))

	failed, n, err := b.s.FindFailedLetters(b.ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, "ICE", failed[0].RequestTitle)
	require.Equal(t, "Sheriff", failed[0].AgencyName)
	require.Equal(t, "550 no such user", failed[0].LastError)

	other := storetest.Org(t, b.s, "other")
	_, err = b.s.LetterEmailsOf(other.Ctx, r)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "a request read by another organization's caller")
	mine, err := b.s.LetterEmailsOf(b.ctx, r)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	failed, n, err = b.s.FindFailedLetters(other.Ctx, 10)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Empty(t, failed)
	_, err = b.s.RetryLetterEmail(other.Ctx, queued.ID, store.Resend{})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.CancelLetterEmail(other.Ctx, queued.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))

	again, err := b.s.RetryLetterEmail(b.ctx, queued.ID, store.Resend{})
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailPending, again.Status)
	require.Equal(t, 0, again.Attempts)
	require.Empty(t, again.LastError, "counted afresh")
	_, err = b.s.RetryLetterEmail(b.ctx, queued.ID, store.Resend{})
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "only a failed one is sent again")

	cancelled, err := b.s.CancelLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailCancelled, cancelled.Status)
	list, err = b.s.FindLetterEmails(b.ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, list)
	claimed, err = b.s.ClaimLetterEmails(b.ctx, b.clk.Now().Add(time.Hour), 10, 10*time.Minute)
	require.NoError(t, err)
	require.Empty(t, claimed, "a cancelled letter is not sent")
}

// Letters for many requests are queued all or none, each answered in the
// order given; a refusal names the agency and request it is about. Where
// each request letter stands is read for all at once.
func TestStore_QueueLetterEmails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	one, two := b.request(t, a, "One", "2017-03-27"), b.request(t, a, "Two", "")
	bad := letterEmail(sunshine.LetterRequest)
	bad.To = ""
	_, err := b.s.QueueLetterEmails(b.ctx, []store.LetterFor{{RequestID: one.ID, Letter: letterEmail(sunshine.LetterRequest)},
		{RequestID: two.ID, Letter: bad}})
	require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "For Sheriff (Two): ")
	states, err := b.s.FindRequestLetters(b.ctx, []string{one.ID, two.ID})
	require.NoError(t, err)
	require.Equal(t, map[string]store.RequestLetters{one.ID: {}, two.ID: {}}, states, "none queued")

	_, _, err = b.s.CreateCommunication(b.ctx, one.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut, Channel: "mail", Kind: sunshine.KindRequest, OccurredOn: d("2017-03-27"), Body: "By post."}})
	require.NoError(t, err)
	got, err := b.s.QueueLetterEmails(b.ctx, []store.LetterFor{{RequestID: two.ID, Letter: letterEmail(sunshine.LetterRequest)},
		{RequestID: one.ID, Letter: letterEmail(sunshine.LetterRequest)}})
	require.NoError(t, err)
	require.Equal(t, []string{two.ID, one.ID}, []string{got[0].RequestID, got[1].RequestID})
	states, err = b.s.FindRequestLetters(b.ctx, []string{one.ID, two.ID})
	require.NoError(t, err)
	require.Equal(t, map[string]store.RequestLetters{one.ID: {LastSentOn: d("2017-03-27"), OnItsWay: true}, two.ID: {OnItsWay: true}}, states)

	other := storetest.Org(t, b.s, "other")
	states, err = b.s.FindRequestLetters(other.Ctx, []string{one.ID})
	require.NoError(t, err)
	require.Empty(t, states, "another organization's requests are not read")
}

// A letter the mail server accepted is recorded sent even when the request
// refuses to log it (here a follow-up that would resume a clock paused from
// tomorrow): the timeline says why, and it is not sent again.
func TestStore_LetterEmailSentButRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	_, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindClarificationRequest, OccurredOn: d("2017-04-06"),
		Body: "Which ICE office?"}})
	require.NoError(t, err)
	queued, err := b.s.QueueLetterEmail(b.ctx, r.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)
	c := b.claimOne(t)
	cm, err := b.s.MarkLetterEmailSent(b.ctx, c, now, nil)
	require.NoError(t, err)
	require.Nil(t, cm, "not logged")

	sent, err := b.s.FindLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailSent, sent.Status)
	require.Nil(t, sent.CommunicationID)
	claimed, err := b.s.ClaimLetterEmails(b.ctx, now.Add(time.Hour), 10, time.Minute)
	require.NoError(t, err)
	require.Empty(t, claimed, "not sent again")
	events, err := b.s.FindTimeline(b.ctx, r.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventLetterEmailUnlogged, last.Kind)
	var data map[string]any
	require.NoError(t, json.Unmarshal(last.Data, &data))
	require.Equal(t, queued.ID, data["letter_email_id"])
	require.Contains(t, data["error"], "must not be before the pause began")
	got, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAwaitingRequester, got.Status, "unchanged")
}

// An organization's letter closing is its own: saved as normalized, read
// back, and another organization's is untouched.
func TestStore_LetterClosing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.s, "other")
	got, err := b.s.SetLetterClosing(b.ctx, "  Please waive the fees.\r\n")
	require.NoError(t, err)
	require.Equal(t, "Please waive the fees.", got)
	closing, err := b.s.LetterClosing(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "Please waive the fees.", closing)
	closing, err = b.s.LetterClosing(other.Ctx)
	require.NoError(t, err)
	require.Empty(t, closing)
	in, err := b.s.FindLetterInput(b.ctx, b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "").ID)
	require.NoError(t, err)
	require.Equal(t, "Please waive the fees.", in.Closing)
}

// An organization queues at most its hourly limit of letter emails: one
// more is refused (429), saying when the next fits; a group's letters go
// all or none; another organization is not held back; an hour after the
// first, one fits again.
func TestStore_LettersPerHour(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.s.LettersPerHour = 3
	a := b.agency(t, "Sheriff", "us-ca")
	var requests []*sunshine.Request
	for range 5 {
		requests = append(requests, b.request(t, a, "ICE", "2017-03-27"))
	}
	queue := func(r *sunshine.Request) error {
		_, err := b.s.QueueLetterEmail(b.ctx, r.ID, letterEmail(sunshine.LetterFollowUp))
		return err
	}
	require.NoError(t, queue(requests[0]))
	b.clk.Set(b.clk.Now().Add(20 * time.Minute))
	require.NoError(t, queue(requests[1]))

	_, err := b.s.QueueLetterEmails(b.ctx, []store.LetterFor{{RequestID: requests[2].ID, Letter: letterEmail(sunshine.LetterFollowUp)},
		{RequestID: requests[3].ID, Letter: letterEmail(sunshine.LetterFollowUp)}})
	require.Equal(t, sunshine.ETooMany, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "your organization has sent 2 letters by email in the last hour, and may send 3 an hour: send these in 40 minutes")
	list, err := b.s.FindLetterEmails(b.ctx, requests[2].ID)
	require.NoError(t, err)
	require.Empty(t, list, "none of the group")

	require.NoError(t, queue(requests[2]))
	err = queue(requests[3])
	require.Equal(t, sunshine.ETooMany, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "send this one in 40 minutes")

	other := storetest.Org(t, b.s, "other")
	oa := &sunshine.Agency{Name: "Their sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, oa))
	theirs := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, b.s.CreateRequest(other.Ctx, theirs))
	_, err = b.s.QueueLetterEmail(other.Ctx, theirs.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err, "another organization's limit is its own")

	b.clk.Set(b.clk.Now().Add(41 * time.Minute))
	require.NoError(t, queue(requests[3]), "the first is more than an hour old")
}

// A letter sent again counts against the limit as a new one does; a group
// larger than the limit is told so.
func TestStore_LettersPerHourResends(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.s.LettersPerHour = 1
	a := b.agency(t, "Sheriff", "us-ca")
	first, second := b.request(t, a, "ICE", "2017-03-27"), b.request(t, a, "ICE", "2017-03-27")
	queued, err := b.s.QueueLetterEmail(b.ctx, first.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)
	require.NoError(t, b.s.MarkLetterEmailFailed(b.ctx, b.claimOne(t), "550 no such user", b.clk.Now(), true))

	b.clk.Set(b.clk.Now().Add(61 * time.Minute))
	_, err = b.s.QueueLetterEmail(b.ctx, second.ID, letterEmail(sunshine.LetterFollowUp))
	require.NoError(t, err)
	_, err = b.s.RetryLetterEmail(b.ctx, queued.ID, store.Resend{})
	require.Equal(t, sunshine.ETooMany, sunshine.ErrorCode(err), "the other letter of the hour is the limit")
	got, err := b.s.FindLetterEmail(b.ctx, queued.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailFailed, got.Status, "unchanged")

	_, err = b.s.QueueLetterEmails(b.ctx, []store.LetterFor{{RequestID: first.ID, Letter: letterEmail(sunshine.LetterRequest)},
		{RequestID: second.ID, Letter: letterEmail(sunshine.LetterRequest)}})
	require.Equal(t, sunshine.ETooMany, sunshine.ErrorCode(err))
	require.ErrorContains(t, err, "2 letters at once are more than the 1 an hour your organization may send by email: send them in parts")
}

// Letters queued at once from many connections pass the limit none the
// less: exactly the limit are queued.
func TestStore_LettersPerHourConcurrent(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)))
	s.LettersPerHour = 3
	fx := storetest.Org(t, s, "busy")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	const n = 8
	var ids []string
	for range n {
		r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
		require.NoError(t, s.CreateRequest(fx.Ctx, r))
		ids = append(ids, r.ID)
	}
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.QueueLetterEmail(fx.Ctx, id, letterEmail(sunshine.LetterFollowUp))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	codes := map[sunshine.Code]int{}
	for err := range errs {
		codes[sunshine.ErrorCode(err)]++
	}
	require.Equal(t, map[sunshine.Code]int{"": 3, sunshine.ETooMany: n - 3}, codes)
}
