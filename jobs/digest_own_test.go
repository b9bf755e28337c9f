package jobs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
)

// A person who gets both the digest and a request's own emails (everyone,
// unless they choose otherwise) is not told the same thing twice the same
// morning: the digest leaves out the requests they get an email of their
// own about that day, and says how many; with nothing else to say it is
// not sent. An email sent another day does not count, and a kind the
// person turned off is in the digest.
func TestDigests_LeaveOutWhatHasItsOwnEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t) // its admin chose nothing: the digest and every kind
	fake := &mail.Fake{}
	g := &gapRun{t: t, b: b, fake: fake, r: b.runner(fake)}
	g.b.clock.Set(at("2017-04-03"))
	second := &sunshine.Request{AgencyID: g.b.req.AgencyID, Title: "Jail visitor logs", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-04-03")}
	require.NoError(t, g.b.st.CreateRequest(g.b.fx.Ctx, second))
	require.Equal(t, "2017-04-13", second.DueOn.String()) // its due-soon days: Mon 10 and Wed 12 Apr
	const notRepeated = "Not repeated here: 1 request you are emailed about separately today."

	digestOn := func(date string) (emails []string, digest string, text string) {
		t.Helper()
		before := len(g.fake.Sent())
		g.b.clock.Set(at(date))
		g.run()
		for _, m := range g.fake.Sent()[before:] {
			require.Equal(t, g.b.fx.Admin.Email, m.To)
			if isDigest(m.Subject) {
				require.Empty(t, digest, "one digest a day")
				digest, text = m.Subject, m.Text
				require.Equal(t, strings.Contains(m.Text, notRepeated), strings.Contains(m.HTML, "<p>"+notRepeated+"</p>"))
			} else {
				emails = append(emails, m.Subject)
			}
		}
		return emails, digest, text
	}

	// Due today, and overdue the day after: that email, and a digest of
	// the other request only.
	for _, day := range []struct{ date, email, digest string }{
		{"2017-04-06", "Due today (Thu 6 Apr): " + cpra, "Sunshine digest for Thu 6 Apr: 1 due within 7 days"},
		{"2017-04-07", "Overdue (was due Thu 6 Apr): " + cpra, "Sunshine digest for Fri 7 Apr: 1 due within 7 days"},
	} {
		emails, digest, text := digestOn(day.date)
		require.Equal(t, []string{day.email}, emails, day.date)
		require.Equal(t, day.digest, digest, day.date)
		require.Contains(t, text, "Jail visitor logs", day.date)
		require.NotContains(t, text, "All communications with ICE", day.date)
		require.Contains(t, text, notRepeated, day.date)
	}

	// Monday: the other request's due-soon email; the overdue one, emailed
	// on Friday, is in the digest.
	emails, digest, text := digestOn("2017-04-10")
	require.Equal(t, []string{"Due Thu 13 Apr (3 business days): Jail visitor logs (Sacramento County Sheriff's Department)"}, emails)
	require.Equal(t, "Sunshine digest for Mon 10 Apr: 1 overdue", digest)
	require.Contains(t, text, "All communications with ICE")
	require.NotContains(t, text, "Jail visitor logs")
	require.Contains(t, text, notRepeated)

	// Friday: both overdue, each with its email: no digest.
	emails, digest, _ = digestOn("2017-04-14")
	require.Len(t, emails, 2)
	require.Empty(t, digest)

	// Overdue emails turned off: the digest says both.
	require.NoError(t, g.b.st.SetPreferences(g.b.fx.Ctx, sunshine.Preferences{Digest: true, DigestHour: 7,
		Kinds: []string{sunshine.ReminderDueSoon, sunshine.ReminderDueToday}}))
	emails, digest, text = digestOn("2017-04-21")
	require.Empty(t, emails)
	require.Equal(t, "Sunshine digest for Fri 21 Apr: 2 overdue", digest)
	require.NotContains(t, text, "Not repeated here")
}
