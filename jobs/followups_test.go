package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
)

// A request's automatic follow-ups email its agency the follow-up letter,
// over real SMTP, signed by the person who turned them on: the first on a
// weekday morning after the date passed, then again each time nothing has
// gone either way for the days chosen (an answer from the agency starts
// the count again; one to the reply address holds them until logged),
// never twice while one is on its way, never at the weekend or at night
// where the agency is, and no more once stopped.
// Each is the follow-up we sent, in the timeline as sent automatically.
func TestAutoFollowUps_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ctx := context.Background()
	a := &sunshine.Agency{Name: "Fresno County Sheriff", Jurisdiction: "us-ca", Email: "records@fresno-sheriff.example",
		RecordsContact: "Records Unit"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	req := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts with ICE", Description: "Every contract with ICE since 2015.",
		DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27"), SentOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, req)) // due Thu 6 Apr 2017
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria López", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, maria))
	asMaria := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: maria.OrgID, UserID: maria.ID, Role: maria.Role})

	b.clock.Set(at("2017-04-03"))
	on, err := b.st.SetAutoFollowUp(asMaria, req.ID, 7)
	require.NoError(t, err)
	require.Equal(t, "2017-04-07", on.NextOn.String(), "the day after the date passed")

	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := jobs.NewReminders(b.st, mailer, b.clock, slog.New(slog.DiscardHandler),
		jobs.Config{BaseURL: "https://sunshine.example", InboundDomain: "replies.ndlon.example"})
	// run plans at a time where the agency is ("2017-04-07 10:00") and
	// delivers, and says how many letters went.
	run := func(when string, deliver bool) int {
		t.Helper()
		at, err := time.ParseInLocation("2006-01-02 15:04", when, la)
		require.NoError(t, err)
		b.clock.Set(at)
		n, err := r.QueueAutoFollowUps(ctx)
		require.NoError(t, err, when)
		if deliver {
			res, err := r.DeliverLetters(ctx)
			require.NoError(t, err, when)
			require.Equal(t, n, res.Sent, when)
		}
		return n
	}
	require.Zero(t, run("2017-04-06 10:00", true), "due today: not late yet")
	require.Zero(t, run("2017-04-07 07:30", true), "late, but before the records office opens")
	require.Equal(t, 1, run("2017-04-07 10:00", false))
	require.Zero(t, run("2017-04-07 10:30", false), "one is on its way")
	res, err := r.DeliverLetters(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	require.Zero(t, run("2017-04-07 11:00", true), "one went today")
	require.Zero(t, run("2017-04-13 10:00", true), "6 days after it")
	require.Equal(t, 1, run("2017-04-14 10:00", true), "7 days after it")

	// The agency writes: the count starts again from its answer.
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-04-15"),
		Subject: "Still searching"}})
	require.NoError(t, err)
	require.Zero(t, run("2017-04-21 10:00", true), "6 days after the agency's answer")
	require.Zero(t, run("2017-04-22 10:00", true), "7 days, but a Saturday")
	require.Equal(t, 1, run("2017-04-24 10:00", true), "Monday")

	// An email to the request's reply address holds them until someone
	// logs it (it may be the records), and is news once logged.
	b.clock.Set(at("2017-04-27"))
	raw := "From: Records Unit <records@fresno-sheriff.example>\r\nSubject: Re: Jail contracts\r\n\r\nWe are still looking.\r\n"
	got, err := b.st.ReceiveEmail(ctx, []string{req.ReplyToken}, "records@fresno-sheriff.example", "Re: Jail contracts", []byte(raw))
	require.NoError(t, err)
	require.Zero(t, run("2017-05-01 10:00", true), "7 days after the last follow-up, but 4 after the agency's email")
	require.Zero(t, run("2017-05-04 10:00", true), "still not logged")
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-04-27"),
		Subject: "Re: Jail contracts"}, EmailDocumentID: got[0].Document.ID})
	require.NoError(t, err)
	require.Equal(t, 1, run("2017-05-04 10:30", true), "logged: 7 days after it")

	require.NoError(t, b.st.StopAutoFollowUp(b.fx.Ctx, req.ID))
	require.Zero(t, run("2017-05-12 10:00", true), "stopped")

	msgs := mp.Messages(t)
	require.Len(t, msgs, 4)
	for _, m := range msgs {
		require.Equal(t, "records@fresno-sheriff.example", m.To[0].Address)
		require.Equal(t, "Maria López, "+b.fx.Org.Name, m.From.Name, "signed by whoever turned them on")
		require.Equal(t, "Follow-up: California Public Records Act request: Jail contracts with ICE", m.Subject)
	}
	first := mp.Message(t, msgs[3].ID)
	text := strings.ReplaceAll(first.Text, "\r\n", "\n")
	require.Contains(t, text, "April 7, 2017\n\nRecords Unit\nFresno County Sheriff\n")
	require.Contains(t, text, "The CPRA required a response by April 6, 2017 (Gov. Code 7922.535(a)). I have not received one.")
	require.Contains(t, text, "Maria López")

	comms, _, err := b.st.FindCommunications(b.fx.Ctx, req.ID, 10, "")
	require.NoError(t, err)
	var sent []string
	for _, cm := range comms {
		if cm.Kind == sunshine.KindFollowUp {
			require.Equal(t, sunshine.DirectionOut, cm.Direction)
			require.Equal(t, maria.ID, *cm.CreatedBy)
			sent = append(sent, cm.OccurredOn.String())
		}
	}
	require.Equal(t, []string{"2017-04-07", "2017-04-14", "2017-04-24", "2017-05-04"}, sent)
	events, _, err := b.st.FindEvents(b.fx.Ctx, req.ID, store.All, "")
	require.NoError(t, err)
	var lines []string
	for _, e := range events {
		if e.Kind == sunshine.EventCommunication && e.EmailedLetter() || e.Kind == sunshine.EventAutoFollowUpChanged {
			lines = append(lines, e.Text(false, map[string]string{maria.ID: "Maria López"}))
		}
	}
	require.Equal(t, []string{
		"Automatic follow-ups: every 7 days without news once its date has passed, signed by Maria López",
		"Sent automatically by email from Sunshine to records@fresno-sheriff.example (automatic follow-ups)",
		"Sent automatically by email from Sunshine to records@fresno-sheriff.example (automatic follow-ups)",
		"Sent automatically by email from Sunshine to records@fresno-sheriff.example (automatic follow-ups)",
		"Sent automatically by email from Sunshine to records@fresno-sheriff.example (automatic follow-ups)",
		"Automatic follow-ups stopped",
	}, lines)
}

// fresno files a request with an agency that has an email address, due
// Thu 6 Apr 2017, with automatic follow-ups every 7 days on, signed by the
// admin, and a runner that queues them at a time where the agency is.
func fresno(t *testing.T) (bundle, *sunshine.Request, *jobs.Reminders, func(when string) int) {
	t.Helper()
	b := sacramento(t)
	a := &sunshine.Agency{Name: "Fresno County Sheriff", Jurisdiction: "us-ca", Email: "records@fresno-sheriff.example"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	req := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts with ICE", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27"), SentOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, req))
	_, err := b.st.SetAutoFollowUp(b.fx.Ctx, req.ID, 7)
	require.NoError(t, err)
	r := jobs.NewReminders(b.st, &mail.Fake{}, b.clock, slog.New(slog.DiscardHandler), jobs.Config{BaseURL: "https://sunshine.example"})
	return b, req, r, func(when string) int {
		t.Helper()
		at, err := time.ParseInLocation("2006-01-02 15:04", when, la)
		require.NoError(t, err)
		b.clock.Set(at)
		n, err := r.QueueAutoFollowUps(context.Background())
		require.NoError(t, err, when)
		return n
	}
}

// A follow-up cancelled before it went is the round skipped, not a reason
// to queue it again: the next is owed the days after it was queued.
func TestAutoFollowUps_Cancelled(t *testing.T) {
	t.Parallel()
	b, req, _, run := fresno(t)
	require.Equal(t, 1, run("2017-04-07 10:00"))
	letters, err := b.st.FindLetterEmails(b.fx.Ctx, req.ID)
	require.NoError(t, err)
	require.Len(t, letters, 1)
	require.True(t, letters[0].Automatic)
	require.True(t, letters[0].CopySender, "its signer gets a blind copy")
	_, err = b.st.CancelLetterEmail(b.fx.Ctx, letters[0].ID)
	require.NoError(t, err)
	require.Zero(t, run("2017-04-07 10:15"), "cancelled: not queued again")
	_, err = b.st.SetAutoFollowUp(b.fx.Ctx, req.ID, 14)
	require.NoError(t, err)
	require.NoError(t, b.st.StopAutoFollowUp(b.fx.Ctx, req.ID))
	_, err = b.st.SetAutoFollowUp(b.fx.Ctx, req.ID, 7)
	require.NoError(t, err)
	require.Zero(t, run("2017-04-07 10:30"), "stopped and on again: still not queued again")
	require.Zero(t, run("2017-04-13 10:00"))
	require.Equal(t, 1, run("2017-04-14 10:00"), "7 days after the cancelled one")
}

// None goes on the agency's holidays and closure days, nor under appeal
// or in litigation (even with a custom date); closing the request stops
// them, saying so in its timeline.
func TestAutoFollowUps_NotThen(t *testing.T) {
	t.Parallel()
	b, req, _, run := fresno(t)
	require.Zero(t, run("2017-05-29 10:00"), "Memorial Day, a California holiday") // (late, 7 days without news)
	_, err := b.st.AddClosure(b.fx.Ctx, &sunshine.Closure{AgencyID: req.AgencyID, ClosedOn: deadline.MustParseDate("2017-05-30"), Reason: "flood"})
	require.NoError(t, err)
	require.Zero(t, run("2017-05-30 10:00"), "the agency's closure day")

	_, err = b.st.TransitionRequest(b.fx.Ctx, req.ID, sunshine.TransitionInput{To: sunshine.StatusDenied})
	require.NoError(t, err)
	require.Zero(t, run("2017-05-31 10:00"), "closed")
	on, err := b.st.FindAutoFollowUp(b.fx.Ctx, req.ID)
	require.NoError(t, err)
	require.Nil(t, on, "closing stopped them")
	events, _, err := b.st.FindEvents(b.fx.Ctx, req.ID, store.All, "")
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, "Automatic follow-ups stopped. The request is closed", last.Text(false, nil))
	_, err = b.st.SetAutoFollowUp(b.fx.Ctx, req.ID, 7)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "a closed request takes none")
	_, err = b.st.TransitionRequest(b.fx.Ctx, req.ID, sunshine.TransitionInput{To: sunshine.StatusInLitigation})
	require.NoError(t, err)
	_, err = b.st.SetCustomDueOn(b.fx.Ctx, req.ID, deadline.MustParseDate("2017-05-01"), "the court's date")
	require.NoError(t, err)
	require.Zero(t, run("2017-05-31 10:00"), "in litigation, past the court's date")
	letters, err := b.st.FindLetterEmails(b.fx.Ctx, req.ID)
	require.NoError(t, err)
	require.Empty(t, letters)
}

// Automatic follow-ups take at most half an organization's letters of an
// hour: the rest wait for the next hour, and letters staff send by hand
// still go.
func TestAutoFollowUps_HourlyShare(t *testing.T) {
	t.Parallel()
	b, req, _, run := fresno(t)
	b.st.LettersPerHour = 2
	other := &sunshine.Request{AgencyID: req.AgencyID, Title: "Booking logs", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: req.ReceivedOn, SentOn: req.SentOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	_, err := b.st.SetAutoFollowUp(b.fx.Ctx, other.ID, 7)
	require.NoError(t, err)
	require.Equal(t, 1, run("2017-04-07 10:00"), "one of the two: half the limit")
	_, err = b.st.QueueLetterEmail(b.fx.Ctx, b.req.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp,
		To: "records@sacsheriff.example", Subject: "Follow-up", Body: "Where are the records?"})
	require.NoError(t, err, "a person's letter still fits")
	require.Zero(t, run("2017-04-07 10:30"), "the hour's share is used")
	require.Equal(t, 1, run("2017-04-07 11:01"), "the next hour")
}
