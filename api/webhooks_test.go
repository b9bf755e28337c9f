package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Webhooks through the API: made with a signing secret, checked field by
// field (nothing refused is kept), changed, turned off and on, a test
// message asked for (refused while off), a new secret, their deliveries,
// removed; at most ten an organization.
func TestWebhooks_API(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)

	for _, tc := range []struct {
		name   string
		body   string
		fields []string
	}{
		{"nothing", `{}`, []string{"url"}},
		{"not https", `{"url":"http://hooks.example.org/x"}`, []string{"url"}},
		{"not an address", `{"url":"hooks.example.org"}`, []string{"url"}},
		{"a password in it", `{"url":"https://user:pw@hooks.example.org/x"}`, []string{"url"}},
		{"a space in it", `{"url":"https://hooks.example.org/a b"}`, []string{"url"}},
		{"a port out of range", `{"url":"https://hooks.example.org:99999/x"}`, []string{"url"}},
		{"an empty port", `{"url":"https://hooks.example.org:/x"}`, []string{"url"}},
		{"a format unknown", `{"url":"https://hooks.example.org/x","format":"xml"}`, []string{"format"}},
		{"a kind unknown", `{"url":"https://hooks.example.org/x","kinds":["note_added","lunch"]}`, []string{"kinds"}},
		{"kinds not a list", `{"url":"https://hooks.example.org/x","kinds":"note_added"}`, []string{"kinds"}},
		{"description too long", `{"url":"https://hooks.example.org/x","description":"` + strings.Repeat("x", 201) + `"}`, []string{"description"}},
		{"unknown field", `{"url":"https://hooks.example.org/x","events":[]}`, []string{"events"}},
	} {
		r := b.call("POST", "/api/v1/webhooks", b.token, tc.body)
		require.Equal(t, http.StatusBadRequest, r.status(), tc.name)
		require.ElementsMatch(t, tc.fields, r.fieldErrors(), tc.name)
	}
	require.Empty(t, b.call("GET", "/api/v1/webhooks", b.token, nil).items(), "nothing refused was kept")

	made := b.call("POST", "/api/v1/webhooks", b.token, `{"url":" HTTPS://hooks.slack.com/services/T0/B0/xyz ","description":"#foia","format":"slack","kinds":["note_added","status_changed","note_added"]}`)
	require.Equal(t, http.StatusCreated, made.status(), made.rec.Body.String())
	require.Equal(t, "no-store", made.rec.Header().Get("Cache-Control"))
	id := made.str("id")
	require.Equal(t, "https://hooks.slack.com/services/T0/B0/xyz", made.str("url"))
	require.Equal(t, []any{"note_added", "status_changed"}, made.body["kinds"])
	require.True(t, strings.HasPrefix(made.str("secret"), "whsec_"))
	require.Equal(t, true, made.body["active"])
	plain := b.call("POST", "/api/v1/webhooks", b.token, `{"url":"https://automation.example.org/sunshine","active":false}`)
	require.Equal(t, false, plain.body["active"], "made off, as asked")
	require.Equal(t, "json", plain.str("format"), "json unless told")
	require.Equal(t, []any{}, plain.body["kinds"], "every kind")

	changed := b.call("PATCH", "/api/v1/webhooks/"+id, b.token, `{"kinds":[],"description":"Records channel"}`)
	require.Equal(t, http.StatusOK, changed.status(), changed.rec.Body.String())
	require.Equal(t, "Records channel", changed.str("description"))
	require.Equal(t, "slack", changed.str("format"), "what was not sent stays")
	bad := b.call("PATCH", "/api/v1/webhooks/"+id, b.token, `{"url":"ftp://x","active":false}`)
	require.Equal(t, http.StatusBadRequest, bad.status())
	require.Equal(t, []string{"url"}, bad.fieldErrors())
	kept := b.call("GET", "/api/v1/webhooks/"+id, b.token, nil)
	require.Equal(t, true, kept.body["active"], "a refused change changes nothing")
	require.Equal(t, "https://hooks.slack.com/services/T0/B0/xyz", kept.str("url"))

	ping := b.call("POST", "/api/v1/webhooks/"+id+"/ping", b.token, nil)
	require.Equal(t, http.StatusAccepted, ping.status(), ping.rec.Body.String())
	require.Equal(t, true, ping.body["test_pending"])
	off := b.call("PATCH", "/api/v1/webhooks/"+id, b.token, `{"active":false}`)
	require.Equal(t, false, off.body["active"])
	require.Equal(t, false, off.body["test_pending"], "turned off, no test is sent")
	require.Equal(t, http.StatusConflict, b.call("POST", "/api/v1/webhooks/"+id+"/ping", b.token, nil).status())

	renewed := b.call("POST", "/api/v1/webhooks/"+id+"/secret", b.token, nil)
	require.Equal(t, http.StatusOK, renewed.status(), renewed.rec.Body.String())
	require.NotEqual(t, made.str("secret"), renewed.str("secret"))

	deliveries := b.call("GET", "/api/v1/webhooks/"+id+"/deliveries?limit=10", b.token, nil)
	require.Equal(t, http.StatusOK, deliveries.status(), deliveries.rec.Body.String())
	require.Empty(t, deliveries.items())
	require.Equal(t, http.StatusBadRequest, b.call("GET", "/api/v1/webhooks/"+id+"/deliveries?limit=0", b.token, nil).status())

	for i := 2; i < 10; i++ {
		r := b.call("POST", "/api/v1/webhooks", b.token, fmt.Sprintf(`{"url":"https://hooks.example.org/%d"}`, i))
		require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	}
	eleventh := b.call("POST", "/api/v1/webhooks", b.token, `{"url":"https://hooks.example.org/11"}`)
	require.Equal(t, http.StatusBadRequest, eleventh.status())
	require.Equal(t, []string{"url"}, eleventh.fieldErrors())
	require.Len(t, b.call("GET", "/api/v1/webhooks", b.token, nil).items(), 10)

	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/webhooks/"+id, b.token, nil).status())
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/webhooks/"+id, b.token, nil).status())
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/webhooks/not-an-id", b.token, nil).status())
}
