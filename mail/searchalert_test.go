package mail_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
)

// A search alert's email counts every new match, lists those still there,
// and escapes what people typed.
func TestRenderSearchAlert(t *testing.T) {
	hit := mail.SearchAlertHit{Kind: "note", RequestTitle: "Booking logs <2017>", AgencyName: "Sheriff",
		On: deadline.MustParseDate("2017-04-03"), Snippet: "the detainer log", URL: "https://sunshine.example/requests/r1#event-e1"}
	base := mail.SearchAlertData{RecipientName: "Ana", OrgName: "ndlon", Q: `detainer <script>`,
		SearchURL: "https://sunshine.example/search?q=detainer", StopURL: "https://sunshine.example/settings#search-alerts"}
	for _, tc := range []struct {
		name        string
		hits        []mail.SearchAlertHit
		more, total int
		subject     string
		text, not   []string
	}{
		{"one", []mail.SearchAlertHit{hit}, 0, 1, "1 new match for “detainer <script>” in ndlon",
			[]string{"Something new matches your search alert", "- note: Booking logs <2017>\n  Sheriff, Mon 3 Apr 2017\n  “the detainer log”\n  https://sunshine.example/requests/r1#event-e1"},
			[]string{"more."}},
		{"more than listed", []mail.SearchAlertHit{hit}, 4, 5, "5 new matches for “detainer <script>” in ndlon",
			[]string{"5 new things match your search alert", "And 4 more.\n\nEvery match, on the Search page: https://sunshine.example/search?q=detainer"}, nil},
		{"the listed ones removed", nil, 2, 2, "2 new matches for “detainer <script>” in ndlon",
			[]string{"2 new things match your search alert “detainer <script>” in ndlon's requests. They are on the Search page."},
			[]string{"And 2 more", "- note"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			d.Hits, d.More, d.Total = tc.hits, tc.more, tc.total
			subject, text, html, err := mail.RenderSearchAlert(d)
			require.NoError(t, err)
			require.Equal(t, tc.subject, subject)
			for _, w := range tc.text {
				require.Contains(t, text, w)
			}
			for _, w := range tc.not {
				require.NotContains(t, text, w)
			}
			require.NotContains(t, html, "<script>", "escaped in the HTML")
			require.Contains(t, html, "detainer &lt;script&gt;")
			require.Contains(t, text, "Stop this alert: https://sunshine.example/settings#search-alerts")
		})
	}
}
