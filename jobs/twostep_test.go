package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// Whoever's two-step sign-in changes is told by email, over real SMTP:
// turned on by them, then turned off by an admin who names themselves;
// an account without it turned "off" again gets nothing.
func TestTwoStepNotices_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	ctx := context.Background()

	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	require.NoError(t, b.st.SetPassword(ctx, ana.ID, "a long test password"))
	as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: ana.OrgID, UserID: ana.ID, Role: ana.Role})
	setup, err := b.st.BeginTwoStep(as)
	require.NoError(t, err)
	code, err := totp.GenerateCode(setup.Secret, b.clock.Now())
	require.NoError(t, err)
	_, err = b.st.EnableTwoStep(as, "a long test password", code, "")
	require.NoError(t, err)
	require.NoError(t, b.st.ResetTwoStep(b.fx.Ctx, ana.ID))
	require.NoError(t, b.st.ResetTwoStep(b.fx.Ctx, ana.ID), "already off: nothing to do")

	res, err := r.Deliver(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	msgs := mp.Messages(t)
	require.Len(t, msgs, 2)
	var texts []string
	for _, m := range msgs {
		require.Equal(t, "ana@ndlon.example", m.To[0].Address)
		require.Equal(t, "Two-step sign-in: a change to your Sunshine account with ndlon", m.Subject)
		full := mp.Message(t, m.ID)
		require.Contains(t, full.Text, `If it was not you, change your password now (https://sunshine.example/settings, "Change your password") and tell an admin of ndlon.`)
		require.Contains(t, full.HTML, `href="https://sunshine.example/settings"`)
		texts = append(texts, full.Text)
	}
	require.ElementsMatch(t, []string{"Two-step sign-in was turned on for your account: signing in now asks for a code from your authenticator app after your password.",
		"Admin of ndlon, an admin of your organization, turned off two-step sign-in for your account: signing in asks for your password only, until you set it up again."},
		[]string{sentenceIn(t, texts[0]), sentenceIn(t, texts[1])})
}

// sentenceIn is the notice's own sentence: its text's second paragraph.
func sentenceIn(t *testing.T, text string) string {
	t.Helper()
	paras := splitParagraphs(text)
	require.GreaterOrEqual(t, len(paras), 2, text)
	return paras[1]
}

func splitParagraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
