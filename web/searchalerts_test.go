package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// A viewer follows the words of a search from its results, sees the alert
// there and in Settings, and stops it from either; refused words say why
// and make nothing; another person's alert is not theirs to stop.
func TestSearchAlerts_Pages(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Name: "Vera", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	b.login(viewer.Email)

	page := body(b.get("/search?q=immigration"))
	require.Contains(t, page, `<form method="post" action="/search/alerts"><input type="hidden" name="q" value="immigration"><button type="submit" class="secondary" aria-describedby="alert-hint">Email me what newly matches</button>`)
	loc := requireRedirect(t, b.post("/search/alerts", url.Values{"q": {"immigration"}}), "/search?q=immigration#alert")
	page = body(b.get(withoutFragment(loc)))
	require.Contains(t, page, "Alert made: what newly matches these words is emailed to you (checked about every hour).")
	require.Contains(t, page, "You have an alert for these words")
	require.NotContains(t, page, "Email me what newly matches")
	require.Contains(t, body(b.get("/search?q=IMMIGRATION")), "You have an alert for these words", "any letter case")

	for _, tc := range []struct {
		name, q string
		status  int
		says    string
	}{
		{"the same words", "Immigration", http.StatusConflict, "You already have an alert for these words."},
		{"no words", "   ", http.StatusBadRequest, "No alert made: type the words to follow first, then search."},
		{"too many words", strings.Repeat("word ", 41), http.StatusBadRequest, "No alert made: type the words to follow (at most 200 characters, no control characters), then search."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post("/search/alerts", url.Values{"q": {tc.q}})
			require.Equal(t, tc.status, rec.Code)
			require.Contains(t, body(rec), tc.says)
		})
	}
	alerts, err := b.st.SearchAlerts(sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: viewer.OrgID, UserID: viewer.ID, Role: viewer.Role}))
	require.NoError(t, err)
	require.Len(t, alerts, 1, "nothing refused was made")
	id := alerts[0].ID

	page = body(b.get("/settings"))
	require.Contains(t, page, `<a href="#search-alerts">Search alerts</a>`)
	require.Contains(t, page, `<a href="/search?q=immigration">immigration</a>`)
	require.Contains(t, page, `<td data-label="Last new match">None yet</td>`)
	require.Contains(t, page, `action="/search/alerts/`+id+`/stop"`)

	// The admin cannot stop it: it is the viewer's.
	b.login(b.fx.Admin.Email)
	require.NotContains(t, body(b.get("/settings")), id)
	require.Equal(t, http.StatusNotFound, b.post("/search/alerts/"+id+"/stop", nil).Code)

	b.login(viewer.Email)
	loc = requireRedirect(t, b.post("/search/alerts/"+id+"/stop", url.Values{"back": {"search"}}), "/search?q=immigration#alert")
	page = body(b.get(withoutFragment(loc)))
	require.Contains(t, page, "Alert stopped: no more emails for “immigration”.")
	require.Contains(t, page, "Email me what newly matches")
	require.Contains(t, body(b.get("/settings")), "You follow no words.")

	// At most 20 a person: the page says what to do.
	vctx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: viewer.OrgID, UserID: viewer.ID, Role: viewer.Role})
	for i := range sunshine.MaxSearchAlerts {
		_, err := b.st.CreateSearchAlert(vctx, fmt.Sprintf("words %d", i))
		require.NoError(t, err)
	}
	rec := b.post("/search/alerts", url.Values{"q": {"one too many"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "No alert made: you have 20 search alerts, the most a person may have. Stop one in Settings first.")
}

// withoutFragment is the address a browser asks for: the part after # stays
// in the browser.
func withoutFragment(loc string) string {
	path, _, _ := strings.Cut(loc, "#")
	return path
}
