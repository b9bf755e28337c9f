package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/jobs"
)

// In a real browser: an admin makes a webhook for a chat channel from
// Settings, sends a test message, and once the job has sent it, the
// webhook's page says the address took it.
func TestBrowser_Webhooks(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	got := make(chan string, 4)
	channel := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- string(body)
	}))
	defer channel.Close()

	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the settings", chromedp.Navigate(ls.url+"/settings"))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open Webhooks", chromedp.Navigate(ls.url+"/settings#webhooks"),
		chromedp.Click(chromedp.CSS(`#webhooks a[href="/settings/webhooks"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hook-url`)))
	b.do("make a webhook", chromedp.SendKeys(chromedp.CSS(`#hook-url`), channel.URL+"/services/T0/B0/records"),
		chromedp.SendKeys(chromedp.CSS(`#hook-description`), "#records channel"),
		chromedp.Click(chromedp.CSS(`input[name="kinds"][value="status"]`)), // ticked with the two others at first
		chromedp.Click(chromedp.CSS(`#new button[type="submit"]`)))
	b.waitText("the webhook's page", "Webhook made: it sends what happens from now on.", "Sends Correspondence and Documents, as chat messages.")
	b.do("send a test message", chromedp.Click(chromedp.CSS(`form[action$="/ping"] button`)))
	b.waitText("the note", "Test message on its way")

	res, err := jobs.NewWebhooks(ls.st, slog.New(slog.DiscardHandler), jobs.WebhookConfig{BaseURL: ls.url, Client: channel.Client()}).
		Run(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Failed)
	var msg map[string]string
	require.NoError(t, json.Unmarshal([]byte(<-got), &msg))
	require.Equal(t, "A test message from Sunshine for ndlon: this webhook works.", msg["text"])

	b.do("reload", chromedp.Reload())
	b.waitText("the delivery", "test message", "Taken (200 OK)")
	b.screenshot("webhook")
}
