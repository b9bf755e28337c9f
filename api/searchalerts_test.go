package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

func TestSearchAlerts_API(t *testing.T) {
	t.Parallel()
	b := setup(t)
	made := b.call("POST", "/api/v1/search_alerts", b.token, `{"q":"  ICE   detainer "}`)
	require.Equal(t, http.StatusCreated, made.status(), made.rec.Body.String())
	require.Equal(t, "ICE detainer", made.str("q"), "spaces collapsed")
	require.Nil(t, made.body["last_sent_at"])

	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"missing", `{}`, http.StatusBadRequest, "q"},
		{"empty", `{"q":"   "}`, http.StatusBadRequest, "q"},
		{"null", `{"q":null}`, http.StatusBadRequest, "q"},
		{"not text", `{"q":42}`, http.StatusBadRequest, "q"},
		{"too long", fmt.Sprintf(`{"q":%q}`, strings.Repeat("a", 201)), http.StatusBadRequest, "q"},
		{"control character", `{"q":"detainer\u0007"}`, http.StatusBadRequest, "q"},
		{"unknown field", `{"q":"records","email":"x@y.example"}`, http.StatusBadRequest, "email"},
		{"same words, other case", `{"q":"ice DETAINER"}`, http.StatusConflict, "q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", "/api/v1/search_alerts", b.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			require.Contains(t, r.fieldErrors(), tc.field)
		})
	}
	list := b.call("GET", "/api/v1/search_alerts", b.token, nil)
	require.Len(t, list.items(), 1, "nothing refused was kept")

	// At most 20 a person; another person has their own.
	for i := 2; i <= sunshine.MaxSearchAlerts; i++ {
		r := b.call("POST", "/api/v1/search_alerts", b.token, fmt.Sprintf(`{"q":"words %d"}`, i))
		require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	}
	over := b.call("POST", "/api/v1/search_alerts", b.token, `{"q":"one too many"}`)
	require.Equal(t, http.StatusBadRequest, over.status())
	require.Equal(t, []string{"q"}, over.fieldErrors())
	require.Contains(t, over.rec.Body.String(), "you have 20 search alerts")
	staff := b.user("staff@ndlon.example", sunshine.RoleViewer)
	require.Empty(t, b.call("GET", "/api/v1/search_alerts", staff, nil).items(), "another person's are not listed")
	theirs := b.call("POST", "/api/v1/search_alerts", staff, `{"q":"ICE detainer"}`)
	require.Equal(t, http.StatusCreated, theirs.status(), "the same words, another person")

	require.Equal(t, http.StatusNotFound, b.call("DELETE", "/api/v1/search_alerts/"+theirs.str("id"), b.token, nil).status())
	require.Equal(t, http.StatusNotFound, b.call("DELETE", "/api/v1/search_alerts/not-an-id", b.token, nil).status())
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/search_alerts/"+made.str("id"), b.token, nil).status())
	require.Len(t, b.call("GET", "/api/v1/search_alerts", b.token, nil).items(), sunshine.MaxSearchAlerts-1)
	require.Len(t, b.call("GET", "/api/v1/search_alerts", staff, nil).items(), 1)
}
