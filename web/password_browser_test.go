package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
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

// In a real browser: Settings → Set up two-step sign-in, the QR code
// drawn (the pages' Content-Security-Policy lets a data: image through),
// the key typed into an app, the app's code and the password, the
// recovery codes; then signing in asks for the app's code.
func TestBrowser_TwoStepSignIn(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the sign-in page", chromedp.Navigate(ls.url+"/settings"))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the set-up page", chromedp.Navigate(ls.url+"/settings#two-step"),
		chromedp.Click(chromedp.CSS(`a[href="/settings/two-step"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#secret`)))
	b.waitLoaded("the set-up page")
	require.Equal(t, 240, evaluate[int](b, "the QR code's width", `document.querySelector('#setup img').naturalWidth`), "the QR code is drawn")
	secret := strings.ReplaceAll(evaluate[string](b, "the key", `document.querySelector('#secret').textContent`), " ", "")
	b.screenshot("two-step-setup")

	at := ls.st.Clock().Now()
	code, err := totp.GenerateCode(secret, at)
	require.NoError(t, err)
	b.do("turn it on", chromedp.SendKeys(chromedp.CSS(`#setup-code`), code),
		chromedp.SendKeys(chromedp.CSS(`#on-password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/settings/two-step"] button[type="submit"]`)))
	b.waitText("the recovery codes", "Your recovery codes", "They are shown only now.", "Two-step sign-in is on")
	require.Equal(t, 10, evaluate[int](b, "the codes", `document.querySelectorAll('.recovery-codes li').length`))

	b.do("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"] input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] input[name="email"]`), ls.ndlon.Admin.Email),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login/code"] input[name="code"]`)))
	b.waitText("the code page", "Signing in to "+ls.ndlon.Org.Name+" as "+ls.ndlon.Admin.Email)
	// The code that turned it on works once: the app's next one.
	next, err := totp.GenerateCode(secret, at.Add(30*time.Second))
	require.NoError(t, err)
	b.do("type the app's code", chromedp.SendKeys(chromedp.CSS(`#code`), next),
		chromedp.Click(chromedp.CSS(`form[action="/login/code"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)))
}
