package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// A note that mentions people is emailed to each of them, over real SMTP,
// at once: the note whole, who wrote it (a reply goes to them) and who
// else it mentions, where the request stands, and a link to the note in
// the timeline. Each note is its own email, two the same day included;
// the writer gets none, and nobody gets one for a note that mentions no
// one. Someone deactivated before it went gets nothing.
func TestMentions_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	ctx := context.Background()
	staff := func(email, name string) (*sunshine.User, context.Context) {
		u := &sunshine.User{Email: email, Name: name, Role: sunshine.RoleStaff}
		require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
		return u, sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: u.OrgID, UserID: u.ID, Role: u.Role})
	}
	ana, asAna := staff("ana@ndlon.example", "Ana Ruiz")
	maria, _ := staff("maria@ndlon.example", "Maria López")
	jose, _ := staff("jose@ndlon.example", "José Ortiz")
	lea, _ := staff("lea@ndlon.example", "Lea Kim")

	b.clock.Set(at("2017-03-28").Add(10 * time.Hour))
	first, err := b.st.AddNote(asAna, b.req.ID, "Called the records officer.\nMaria: can you send her the date range?", maria.ID, jose.ID, ana.ID)
	require.NoError(t, err)
	_, err = b.st.AddNote(asAna, b.req.ID, "Nobody to tell.")
	require.NoError(t, err)
	res, err := r.Deliver(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent, "Maria and José; not Ana, who wrote it")

	_, err = b.st.AddNote(asAna, b.req.ID, "Maria: she called back, the range is fine.", maria.ID, lea.ID)
	require.NoError(t, err)
	_, err = b.st.SetUserActive(b.fx.Ctx, lea.ID, false)
	require.NoError(t, err)
	res, err = r.Deliver(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent, "Maria again, the same day; not Lea, deactivated")

	msgs := mp.Messages(t) // newest first
	require.Len(t, msgs, 3)
	var to []string
	for _, m := range msgs {
		to = append(to, m.To[0].Address)
		require.Equal(t, "Ana Ruiz mentioned you in a note: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", m.Subject)
	}
	require.ElementsMatch(t, []string{"maria@ndlon.example", "maria@ndlon.example", "jose@ndlon.example"}, to)

	var toMaria mailtest.Full
	for _, m := range msgs[1:] {
		if m.To[0].Address == "maria@ndlon.example" {
			toMaria = mp.Message(t, m.ID)
		}
	}
	require.Equal(t, []mailtest.Address{{Name: "", Address: "ana@ndlon.example"}}, toMaria.ReplyTo, "a reply goes to the writer")
	text := strings.ReplaceAll(toMaria.Text, "\r\n", "\n")
	link := "https://sunshine.example/requests/" + b.req.ID + "#event-" + first.ID
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	written := first.CreatedAt.In(la).Format("Mon 2 Jan 2006 15:04 MST") // when it was written, on the organization's clock
	for _, want := range []string{
		"Hello Maria López,",
		"Ana Ruiz mentioned you in a note on \"All communications with ICE since 20 January 2017\" (Sacramento County Sheriff's Department), " + written + ":\n\n" +
			"Called the records officer.\nMaria: can you send her the date range?\n\nAlso mentioned: José Ortiz and Ana Ruiz.",
		"The request is submitted, due Thu 6 Apr 2017.",
		"The note, in the request's timeline: " + link,
		"Reply to this email to answer Ana Ruiz",
	} {
		require.Contains(t, text, want)
	}
	require.Contains(t, toMaria.HTML, `href="`+link+`"`)
	require.Contains(t, strings.ReplaceAll(toMaria.HTML, "\r\n", "\n"), "Called the records officer.\nMaria: can you send her the date range?")
	require.Equal(t, "auto-generated", toMaria.Header("Auto-Submitted"))

	// Sent: nothing more is owed, and the outbox says so.
	res, err = r.Deliver(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Sent)
	all, _, err := b.st.FindReminders(b.fx.Ctx, nil, 0, "")
	require.NoError(t, err)
	count := map[string]int{}
	for _, rm := range all {
		if rm.Kind == sunshine.ReminderMentioned {
			count[rm.Status]++
			if rm.Status == "sent" {
				require.Equal(t, b.req.ID, *rm.AboutRequestID, "once sent too, the outbox names the note's request")
			}
		}
	}
	require.Equal(t, map[string]int{"sent": 3, "cancelled": 1}, count)
}
