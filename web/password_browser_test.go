package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// In a real browser: "Forgot your password?" on the sign-in page, the
// emailed link (read from the outbox), a new password typed twice, signed
// in; then Settings → Change your password.
func TestBrowser_ForgotAndChangePassword(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	email := ls.ndlon.Admin.Email
	b.do("ask for a reset link", chromedp.Navigate(ls.url+"/login"),
		chromedp.Click(chromedp.CSS(`a[href="/password/forgot"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/password/forgot"] input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/password/forgot"] input[name="email"]`), email),
		chromedp.Click(chromedp.CSS(`form[action="/password/forgot"] button[type="submit"]`)))
	b.waitText("the answer", forgotAnswer)

	rs, _, err := ls.st.FindReminders(ls.ndlon.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var link string
	for _, r := range rs {
		if r.Kind == sunshine.ReminderPasswordReset && r.RecipientID == ls.ndlon.Admin.ID {
			link, _, err = ls.st.ResetPayload(context.Background(), r.ID)
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, link)

	const newPassword, newer = "a new long password", "an even newer password"
	b.do("set a new password", chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), newPassword),
		chromedp.SendKeys(chromedp.CSS(`input[name="confirm"]`), newPassword),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)))

	b.do("change it on the settings page", chromedp.Navigate(ls.url+"/settings#password"),
		chromedp.WaitVisible(chromedp.CSS(`#current-password`)),
		chromedp.SendKeys(chromedp.CSS(`#current-password`), newPassword),
		chromedp.SendKeys(chromedp.CSS(`#new-password`), newer),
		chromedp.SendKeys(chromedp.CSS(`#confirm-password`), newer),
		chromedp.Click(chromedp.CSS(`form[action="/settings/password#password"] button[type="submit"]`)))
	b.waitText("the note", "Your password was changed; other sign-ins were signed out.")
	_, _, _, err = ls.st.Login(context.Background(), email, newer)
	require.NoError(t, err)
}
