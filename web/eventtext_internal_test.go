package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// A changed title is shown with its new value and the one it replaced;
// events recorded before the previous title was kept show the new one
// alone; a long title is cut after a word.
func TestEventText_TitleChanged(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Communications with immigration authorities ", 6) // 264 characters
	for _, tc := range []struct {
		name string
		data map[string]any
		want string
	}{
		{"with the previous title", map[string]any{"title": "Jail contracts, 2017", "previous_title": "Jail contracts"},
			"Details changed: title “Jail contracts, 2017” (was “Jail contracts”)"},
		{"an older event, without it", map[string]any{"title": "Jail contracts, 2017"},
			"Details changed: title “Jail contracts, 2017”"},
		{"with other details", map[string]any{"title": "Jail contracts", "previous_title": "Jail", "tracking_number": "R-1"},
			"Details changed: title “Jail contracts” (was “Jail”), tracking number R-1"},
		{"long titles cut after a word", map[string]any{"title": long, "previous_title": "Jail contracts"},
			"Details changed: title “Communications with immigration authorities Communications with immigration…” (was “Jail contracts”)"},
		{"a long previous title", map[string]any{"title": "Jail contracts", "previous_title": long},
			"Details changed: title “Jail contracts” (was “Communications with immigration authorities Communications with immigration…”)"},
		{"one long word", map[string]any{"title": strings.Repeat("x", 100)},
			"Details changed: title “" + strings.Repeat("x", 80) + "…”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.data)
			require.NoError(t, err)
			e := &sunshine.Event{Kind: sunshine.EventUpdated, Data: data}
			require.Equal(t, tc.want, eventText(e, false, nil))
		})
	}
}

// A letter emailed from Sunshine says so in the timeline; one refused for
// good, or sent but refused by the request, says why.
func TestEventText_LetterEmails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind sunshine.EventKind
		data map[string]any
		want string
	}{
		{sunshine.EventCommunication, map[string]any{"emailed_to": "records@sheriff.example", "kind": "follow_up"},
			"Sent by email from Sunshine to records@sheriff.example"},
		{sunshine.EventLetterEmailFailed, map[string]any{"kind": "request", "to": "records@sheriff.example", "error": "550 no such user"},
			"Not sent: the request letter to records@sheriff.example; the mail server refused it (550 no such user)"},
		{sunshine.EventLetterEmailUnlogged, map[string]any{"kind": "follow_up", "to": "records@sheriff.example", "error": "effective_on: must not be before the pause began"},
			"Sent by email from Sunshine: the follow-up letter to records@sheriff.example, but not logged (effective_on: must not be before the pause began); log it from its letter page"},
	} {
		data, err := json.Marshal(tc.data)
		require.NoError(t, err)
		e := &sunshine.Event{Kind: tc.kind, Data: data}
		require.True(t, tc.kind != sunshine.EventCommunication || emailedLetter(e))
		require.Equal(t, tc.want, eventText(e, true, nil))
	}
}
