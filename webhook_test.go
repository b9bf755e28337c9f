package sunshine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// A webhook's address is an https address as a browser sends it, without
// a password; its host is what lists show, a long label cut short.
func TestWebhookInput_Validate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, url string
		ok        bool
		want      string // the address kept, when ok
	}{
		{"slack", "https://hooks.slack.com/services/T0/B0/xyz", true, "https://hooks.slack.com/services/T0/B0/xyz"},
		{"spaces around, scheme in capitals", "  HTTPS://hooks.example.org/x ", true, "https://hooks.example.org/x"},
		{"a port", "https://n8n.example.org:8443/webhook/1", true, "https://n8n.example.org:8443/webhook/1"},
		{"plain http", "http://hooks.example.org/x", false, ""},
		{"no scheme", "hooks.example.org/x", false, ""},
		{"a password", "https://u:p@hooks.example.org/x", false, ""},
		{"a space inside", "https://hooks.example.org/a b", false, ""},
		{"a quote", `https://hooks.example.org/x"y`, false, ""},
		{"port out of range", "https://hooks.example.org:70000/x", false, ""},
		{"an empty port", "https://hooks.example.org:/x", false, ""},
		{"no host", "https:///x", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.url
			in := sunshine.WebhookInput{URL: &u}
			err := in.Validate(true)
			if !tc.ok {
				var e *sunshine.Error
				require.ErrorAs(t, err, &e)
				require.Equal(t, sunshine.EInvalid, e.Code)
				require.Equal(t, "url", e.Fields[0].Field)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, *in.URL)
			require.Equal(t, sunshine.WebhookJSON, *in.Format, "JSON unless told")
		})
	}

	kinds := []sunshine.EventKind{sunshine.EventNoteAdded, sunshine.EventStatusChanged, sunshine.EventNoteAdded}
	in := sunshine.WebhookInput{Kinds: &kinds}
	require.NoError(t, in.Validate(false))
	require.Equal(t, []sunshine.EventKind{sunshine.EventNoteAdded, sunshine.EventStatusChanged}, *in.Kinds, "without repeats")
	bad := []sunshine.EventKind{"lunch"}
	require.Error(t, (&sunshine.WebhookInput{Kinds: &bad}).Validate(false))
	format := sunshine.WebhookFormat("xml")
	require.Error(t, (&sunshine.WebhookInput{Format: &format}).Validate(false))

	for raw, want := range map[string]string{
		"https://hooks.slack.com/services/T0/B0/secret":           "hooks.slack.com",
		"https://eo1a2b3c4d5e6f7g8h9.m.pipedream.net":             "eo1a….m.pipedream.net",
		"https://hook.eu1.make.com/abcdefghijklmnopqrstuvwxyz012": "hook.eu1.make.com",
		"https://n8n.example.org:8443/webhook/1":                  "n8n.example.org",
		"https://日本語日本語日本語日本語日本語日本語.example/x":                    "日本語日….example",
	} {
		require.Equal(t, want, sunshine.WebhookHost(raw), raw)
	}
}
