package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/mail"
)

// An email to a request's reply address tells its follower at once, with
// the email's start and a link that fills the log form; a later one the
// same day is told again, 15 minutes after the first notice at the
// soonest, in a new message listing both; once logged, an
// email is no longer listed, and a notice with none left is not sent.
func TestReminders_EmailReceived(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	runner := func(fake *mail.Fake) {
		t.Helper()
		_, _, _, err := b.runner(fake).RunOnce(context.Background())
		require.NoError(t, err)
	}
	runner(&mail.Fake{}) // the assignment email, out of the way
	receive := func(subject, text string) string {
		t.Helper()
		raw := "From: Records Unit <records@sheriff.example>\r\nTo: request-" + b.req.ReplyToken + "@replies.example\r\nSubject: " + subject +
			"\r\nDate: Mon, 27 Mar 2017 10:00:00 -0700\r\n\r\n" + text + "\r\n"
		got, err := b.st.ReceiveEmail(context.Background(), []string{b.req.ReplyToken}, "Records Unit <records@sheriff.example>", subject, []byte(raw))
		require.NoError(t, err)
		return got[0].Document.ID
	}
	toAna := func(fake *mail.Fake) []mail.Message {
		var out []mail.Message
		for _, m := range fake.Sent() {
			if m.To == ana.Email {
				out = append(out, m)
			}
		}
		return out
	}

	first := receive("Your request R-1", "We received your request and will answer by April 20. "+strings.Repeat("More words. ", 100))
	fake := &mail.Fake{}
	runner(fake)
	sent := toAna(fake)
	require.Len(t, sent, 1)
	m := sent[0]
	require.Equal(t, "An email to log: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", m.Subject)
	require.Contains(t, m.Text, `An email came to the reply address of "All communications with ICE since 20 January 2017" (Sacramento County Sheriff's Department), not logged yet:`)
	require.Contains(t, m.Text, "- From: Records Unit <records@sheriff.example>\n  Subject: Your request R-1\n  Date: Mon 27 Mar 2017 10:00 -0700\n\n  We received your request and will answer by April 20.")
	require.Contains(t, m.Text, " …\n", "the start of a long text only")
	require.Contains(t, m.Text, "Log it: https://sunshine.example/requests/"+b.req.ID+"?email="+first+"#log")
	require.Contains(t, m.Text, "You get this email because you are assigned to this request")
	require.Contains(t, m.HTML, `<a href="https://sunshine.example/requests/`+b.req.ID+`?email=`+first+`#log"`)
	firstID := m.ID

	second := receive("Records, part 1", "Attached.")
	fake = &mail.Fake{}
	b.clock.Set(b.clock.Now().Add(14 * time.Minute))
	runner(fake)
	require.Empty(t, toAna(fake), "not within 15 minutes of the last notice")
	b.clock.Set(b.clock.Now().Add(time.Minute))
	runner(fake)
	sent = toAna(fake)
	require.Len(t, sent, 1, "told again the same day")
	require.Equal(t, "2 emails to log: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", sent[0].Subject)
	require.NotEqual(t, firstID, sent[0].ID, "a new message")
	require.Contains(t, sent[0].Text, "?email="+first+"#log")
	require.Contains(t, sent[0].Text, "?email="+second+"#log")

	// Logged before the notice goes: it lists only what is left, or goes
	// not at all.
	b.clock.Set(b.clock.Now().AddDate(0, 0, 1))
	third := receive("Records, part 2", "Attached too.")
	for _, id := range []string{first, second, third} {
		_, _, err := b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{
			Communication: sunshine.Communication{Kind: sunshine.KindOther, Direction: sunshine.DirectionIn, Channel: "email",
				OccurredOn: b.req.ReceivedOn, Body: "Logged."}, EmailDocumentID: id})
		require.NoError(t, err)
	}
	fake = &mail.Fake{}
	runner(fake)
	require.Empty(t, toAna(fake), "every email was logged")
}

// A digest says how many emails to the reply addresses of the recipient's
// requests wait to be logged, and where they are.
func TestDigests_SayEmailsToLog(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	// Another overdue request, without a reminder of its own (no
	// schedule): the digest has it to report.
	b.st.DB().MustExec(`INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, received_on, due_on)
		SELECT org_id, agency_id, title || ', again', delivery_method, status, jurisdiction, received_on, due_on FROM requests WHERE id = $1`, b.req.ID)
	for _, subject := range []string{"Your request", "Records"} {
		raw := "From: Records Unit <records@sheriff.example>\r\nSubject: " + subject + "\r\n\r\nText.\r\n"
		_, err := b.st.ReceiveEmail(context.Background(), []string{b.req.ReplyToken}, "Records Unit <records@sheriff.example>", subject, []byte(raw))
		require.NoError(t, err)
	}
	fake := &mail.Fake{}
	b.clock.Set(at("2017-04-10")) // overdue: the admin's digest is owed
	_, _, _, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var digest *mail.Message
	for _, m := range fake.Sent() {
		if isDigest(m.Subject) {
			digest = &m
		}
	}
	require.NotNil(t, digest)
	require.Contains(t, digest.Text, "2 emails to your requests' reply addresses wait to be logged: https://sunshine.example/#emails\n")
	require.Contains(t, digest.HTML, `<a href="https://sunshine.example/#emails" style="color: #0b4f9c;">see them</a>`)
}
