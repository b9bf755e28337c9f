package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// Anyone, a viewer too, sets their own name (trimmed; "" clears it), and
// their letters are signed with it; a missing, null, wrongly typed or too
// long name is a 400 naming name, and changes nothing.
func TestMe_SetName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	r := b.call("PATCH", "/api/v1/me", viewer, map[string]any{"name": "  Ana Ruiz "})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "Ana Ruiz", r.str("user.name"))
	require.Equal(t, "viewer@ndlon.example", r.str("user.email"))
	require.Equal(t, "Ana Ruiz", b.call("GET", "/api/v1/me", viewer, nil).str("user.name"))

	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	letter := b.call("GET", "/api/v1/requests/"+req+"/letter", viewer, nil)
	require.Contains(t, letter.str("body"), "Sincerely,\n\nAna Ruiz\nviewer@ndlon.example\n")

	for _, tc := range []struct{ name, body string }{
		{"ErrMissing", `{}`},
		{"ErrNull", `{"name":null}`},
		{"ErrNotString", `{"name":7}`},
		{"ErrTooLong", `{"name":"` + strings.Repeat("a", 201) + `"}`},
		{"ErrTwoLines", `{"name":"Ana\nBcc: x@example.org"}`},
		{"ErrControl", `{"name":"Ana\u0007"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("PATCH", "/api/v1/me", viewer, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
			require.Equal(t, []string{"name"}, r.fieldErrors())
		})
	}
	require.Equal(t, "Ana Ruiz", b.call("GET", "/api/v1/me", viewer, nil).str("user.name"), "unchanged")

	r = b.call("PATCH", "/api/v1/me", viewer, map[string]any{"name": ""})
	require.Equal(t, http.StatusOK, r.status())
	require.Equal(t, "", r.str("user.name"), "cleared")
}
