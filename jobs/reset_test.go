package jobs_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A password reset request for an address with accounts in two
// organizations sends one email per account over real SMTP, each naming
// its organization and carrying its own link; the link is not kept once
// sent.
func TestPasswordResetEmail_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	other := storetest.Org(t, b.st, "other")
	for _, f := range []storetest.Fixture{b.fx, other} {
		require.NoError(t, b.st.CreateUser(f.Ctx, &sunshine.User{Email: "reporter@example.org", Name: "Ana", Role: sunshine.RoleStaff}))
	}
	sent, err := b.st.RequestPasswordReset(context.Background(), "reporter@example.org", "https://sunshine.example")
	require.NoError(t, err)
	require.Equal(t, 2, sent)

	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	msgs := mp.Messages(t)
	require.Len(t, msgs, 2)
	var subjects []string
	links := map[string]bool{}
	for _, m := range msgs {
		require.Equal(t, "reporter@example.org", m.To[0].Address)
		subjects = append(subjects, m.Subject)
		full := mp.Message(t, m.ID)
		i := strings.Index(full.Text, "https://sunshine.example/password/reset/")
		require.GreaterOrEqual(t, i, 0, full.Text)
		link := strings.Fields(full.Text[i:])[0]
		links[link] = true
		require.Contains(t, full.Text, "the link works once, for 1 hour")
		require.Contains(t, full.Text, "If you did not ask for this, ignore this email: your password stays as it is.")
		require.Contains(t, full.HTML, `href="`+link+`"`)
		require.Contains(t, full.HTML, "the link works once, for 1 hour")
		require.Contains(t, full.HTML, "If you did not ask for this, ignore this email: your password stays as it is.")
		require.Contains(t, full.Header("Message-ID"), "reminder-")
	}
	sort.Strings(subjects)
	require.Equal(t, []string{"Reset your Sunshine password for ndlon", "Reset your Sunshine password for other"}, subjects)
	require.Len(t, links, 2, "each account its own link")

	var payloads []string
	require.NoError(t, b.st.DB().Select(&payloads, `SELECT payload FROM reminders WHERE kind = 'password_reset' AND status = 'sent'`))
	require.Equal(t, []string{"", ""}, payloads, "the links are not kept after sending")
}

// A reset email that could not go out within its link's hour (the mail
// server was down) is cancelled rather than sent with a dead link.
func TestPasswordResetEmail_ExpiredLinkNotSent(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	sent, err := b.st.RequestPasswordReset(context.Background(), b.fx.Admin.Email, "https://sunshine.example")
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	b.clock.Set(b.clock.Now().Add(store.ResetTTL))
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Cancelled: 1}, res)
	require.Empty(t, fake.Sent())
	var why string
	require.NoError(t, b.st.DB().Get(&why, `SELECT last_error FROM reminders WHERE kind = 'password_reset' AND status = 'cancelled'`))
	require.Equal(t, "its link expired or was used before it could be sent", why)
}
