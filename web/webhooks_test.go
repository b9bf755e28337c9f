package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// An admin makes a webhook from Settings › Webhooks (a refused address
// says why, keeps what was typed and makes nothing), finds it listed by
// its host only, with what it sends; on its page changes what it sends,
// asks for a test message, turns it off and on, makes a new secret and
// removes it.
func TestWebhookPages(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)

	page := body(b.get("/settings"))
	require.Contains(t, page, `<a href="/settings/webhooks">Webhooks</a>`)
	page = body(b.get("/settings/webhooks"))
	require.Contains(t, page, "<p>None yet.</p>")

	rec := b.post("/settings/webhooks", url.Values{"url": {"http://hooks.slack.com/services/T0/B0/secret"}, "description": {"#records"},
		"format": {"slack"}, "kinds": {"correspondence"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<p class="field-error" id="hook-url-error">Must start with https:// (events are sent encrypted).</p>`)
	require.Contains(t, page, `value="http://hooks.slack.com/services/T0/B0/secret"`, "what was typed is kept")
	require.Contains(t, page, `value="correspondence" checked`)
	hooks, err := b.st.Webhooks(b.fx.Ctx)
	require.NoError(t, err)
	require.Empty(t, hooks, "nothing made")

	loc := requireRedirect(t, b.post("/settings/webhooks", url.Values{"url": {"https://hooks.slack.com/services/T0/B0/secret"},
		"description": {"#records"}, "format": {"slack"}, "kinds": {"correspondence", "documents"}}), "/settings/webhooks/")
	hooks, err = b.st.Webhooks(b.fx.Ctx)
	require.NoError(t, err)
	require.Len(t, hooks, 1)
	hook := hooks[0]
	require.Equal(t, sunshine.WebhookSlack, hook.Format)
	require.Contains(t, hook.Kinds, sunshine.EventCommunication)
	require.Contains(t, hook.Kinds, sunshine.EventDocumentAdded)
	require.NotContains(t, hook.Kinds, sunshine.EventNoteAdded)
	page = body(b.get(loc))
	require.Contains(t, page, "Webhook made: it sends what happens from now on. Send a test message to check its address.")
	require.Contains(t, page, `<h1 class="address">Webhook: hooks.slack.com</h1>`, "the address's credential is not in the title")
	require.Contains(t, page, "Sends Correspondence and Documents, as chat messages.")
	secret := regexp.MustCompile(`id="hook-secret" type="text" readonly value="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, secret)
	require.Equal(t, hook.Secret, html.UnescapeString(secret[1]), "the secret, to copy")
	require.Contains(t, page, "Nothing sent yet.")

	list := body(b.get("/settings/webhooks"))
	require.Contains(t, list, `<a href="/settings/webhooks/`+hook.ID+`">hooks.slack.com</a>`)
	require.NotContains(t, list, "B0/secret", "the list does not show the whole address")

	path := "/settings/webhooks/" + hook.ID
	rec = b.post(path, url.Values{"url": {hook.URL}, "description": {"#records"}, "format": {"json"}})
	require.Equal(t, http.StatusBadRequest, rec.Code, "nothing ticked: not everything by default")
	require.Contains(t, body(rec), `<p class="field-error" id="hook-kinds-error">Is required: tick what to send, or Everything.</p>`)
	requireRedirect(t, b.post(path, url.Values{"url": {hook.URL}, "description": {"#records"}, "format": {"json"}, "kinds": {"all"}}), path)
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.WebhookJSON, hook.Format)
	require.Empty(t, hook.Kinds, "none chosen: everything")
	require.Contains(t, body(b.get(path)), "Sends Everything, as signed JSON.")

	page = body(b.get(requireRedirect(t, b.post(path+"/ping", nil), path)))
	require.Contains(t, page, "Test message on its way")
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, hook.PingAsked)

	page = body(b.get(requireRedirect(t, b.post(path+"/active", url.Values{"on": {"0"}}), path)))
	require.Contains(t, page, "Webhook off: nothing is sent until it is turned on again.")
	require.Contains(t, page, `<h2 id="state-h">Off</h2>`)
	page = body(b.get(requireRedirect(t, b.post(path+"/ping", nil), path)))
	require.Contains(t, page, "Turn the webhook on to send a test message.")
	requireRedirect(t, b.post(path+"/active", url.Values{"on": {"1"}}), path)

	old := hook.Secret
	requireRedirect(t, b.post(path+"/secret", nil), path+"#secret")
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, hook.Active)
	require.NotEqual(t, old, hook.Secret)

	// Kinds chosen through the API that are not whole kinds of activity
	// are boxes of their own, and saving the form keeps them.
	few := []sunshine.EventKind{sunshine.EventCommunication, sunshine.EventStatusChanged}
	_, err = b.st.UpdateWebhook(b.fx.Ctx, hook.ID, sunshine.WebhookInput{Kinds: &few})
	require.NoError(t, err)
	page = body(b.get(path))
	require.Contains(t, page, `value="kind:communication_logged" checked> communication logged`)
	require.Contains(t, page, `value="kind:status_changed" checked> status changed`)
	requireRedirect(t, b.post(path, url.Values{"url": {hook.URL}, "description": {"#foia"}, "format": {"json"},
		"kinds": {"kind:communication_logged", "kind:status_changed"}}), path)
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.Equal(t, few, hook.Kinds, "not widened to everything")

	page = body(b.get(requireRedirect(t, b.post(path+"/delete", url.Values{"confirm": {"1"}}), "/settings/webhooks")))
	require.Contains(t, page, "Webhook removed: nothing more is sent to its address.")
	require.Equal(t, http.StatusNotFound, b.get(path).Code)
	require.False(t, strings.Contains(page, hook.ID))
}
