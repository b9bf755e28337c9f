package sunshine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
			e := &Event{Kind: EventUpdated, Data: data}
			require.Equal(t, tc.want, e.Text(false, nil))
		})
	}
}

// A letter emailed from Sunshine says so in the timeline; one refused for
// good, or sent but refused by the request, says why.
func TestEventText_LetterEmails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind EventKind
		data map[string]any
		want string
	}{
		{EventCommunication, map[string]any{"emailed_to": "records@sheriff.example", "kind": "follow_up"},
			"Sent by email from Sunshine to records@sheriff.example"},
		{EventLetterEmailFailed, map[string]any{"kind": "request", "to": "records@sheriff.example", "error": "550 no such user"},
			"Not sent: the request letter to records@sheriff.example; the mail server refused it (550 no such user)"},
		{EventLetterEmailUnlogged, map[string]any{"kind": "follow_up", "to": "records@sheriff.example", "error": "effective_on: must not be before the pause began"},
			"Sent by email from Sunshine: the follow-up letter to records@sheriff.example, but not logged (effective_on: must not be before the pause began); log it from its letter page"},
	} {
		data, err := json.Marshal(tc.data)
		require.NoError(t, err)
		e := &Event{Kind: tc.kind, Data: data}
		require.True(t, tc.kind != EventCommunication || e.EmailedLetter())
		require.Equal(t, tc.want, e.Text(true, nil))
	}
}

// A to-do's events say what it is, for whom and by when, and what a
// change changed, with the people named.
func TestEventText_Todos(t *testing.T) {
	t.Parallel()
	names := map[string]string{"u-maria": "Maria", "u-ana": "Ana"}
	base := map[string]any{"todo_id": "t1", "due_on": "2017-04-07", "assignee_id": "u-maria"}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name string
		kind EventKind
		data map[string]any
		want string
	}{
		{"added", EventTodoAdded, base, "To-do for Maria by Fri 7 Apr 2017: “Call the records officer”"},
		{"done", EventTodoDone, base, "To-do done: “Call the records officer”"},
		{"open again", EventTodoReopened, base, "To-do open again: “Call the records officer”"},
		{"removed", EventTodoRemoved, base, "To-do removed: “Call the records officer” (for Maria by Fri 7 Apr 2017)"},
		{"moved", EventTodoChanged, with(map[string]any{"was_due_on": "2017-04-05"}),
			"To-do changed: “Call the records officer” (now by Fri 7 Apr 2017, was Wed 5 Apr 2017)"},
		{"everything", EventTodoChanged, with(map[string]any{"was_text": "Call", "was_due_on": "2017-04-05", "was_assignee_id": "u-ana"}),
			"To-do changed: “Call the records officer” (was “Call”; now by Fri 7 Apr 2017, was Wed 5 Apr 2017; now for Maria, was Ana)"},
		{"open again and moved", EventTodoReopened, with(map[string]any{"was_due_on": "2017-04-05"}),
			"To-do open again: “Call the records officer” (now by Fri 7 Apr 2017, was Wed 5 Apr 2017)"},
		{"a person since removed", EventTodoAdded, with(map[string]any{"assignee_id": "u-gone"}),
			"To-do for someone by Fri 7 Apr 2017: “Call the records officer”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.data)
			require.NoError(t, err)
			e := &Event{Kind: tc.kind, Data: data, Note: "Call the records officer"}
			require.Equal(t, tc.want, e.Text(false, names))
		})
	}
}

// A shared page's last day, set or cleared, says so in the timeline.
func TestEventText_ShareExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ data, want string }{
		{`{"action":"expiry_set","expires_on":"2017-04-06"}`, "The shared page's link works until Thu 6 Apr 2017, then opens nothing"},
		{`{"action":"expiry_cleared"}`, "The shared page's link works until sharing stops"},
		{`{"action":"board_stopped"}`, "Status board of the group no longer shared: its link opens nothing"},
	} {
		require.Equal(t, tc.want, (&Event{Kind: EventShareChanged, Data: json.RawMessage(tc.data)}).Text(false, nil))
	}
}

// An edit's timeline line says what changed and, for a short detail, to
// what, as people name it (from the event's data, as JSON decodes it).
func TestChangedField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key   string
		value any
		want  string
	}{
		{"tracking_number", "2017-PL-1234", "tracking number 2017-PL-1234"},
		{"tracking_number", "", "tracking number cleared"},
		{"agency_estimated_on", "2017-05-15", "agency's estimate Mon 15 May 2017"},
		{"agency_estimated_on", nil, "agency's estimate cleared"},
		{"sent_on", "2017-03-27", "sent date Mon 27 Mar 2017"},
		{"tags", []any{"ice", "jail"}, "tags (ice, jail)"},
		{"tags", []any{}, "tags cleared"},
		{"title", "Jail contracts, 2017", "title “Jail contracts, 2017”"},
		{"title", strings.Repeat("Jail contracts ", 10), "title “Jail contracts Jail contracts Jail contracts Jail contracts Jail contracts Jail…”"},
		{"description", "Every record of …", "request text"},
	} {
		require.Equal(t, tc.want, changedField(tc.key, tc.value), "%s %v", tc.key, tc.value)
	}
}

// An archive's unpacking, and its removal with its files, say how many
// files, in words; a document removed alone says nothing more.
func TestEventText_Archives(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		kind EventKind
		data map[string]any
		want string
	}{
		{"unpacked", EventArchiveUnpacked, map[string]any{"filename": "release.zip", "files": 412, "left_out": 0},
			"Unpacked release.zip: 412 files"},
		{"one file, some left out", EventArchiveUnpacked, map[string]any{"filename": "release.zip", "files": 1, "left_out": 3},
			"Unpacked release.zip: 1 file, 3 left out"},
		{"stopped", EventArchiveUnpacked, map[string]any{"filename": "release.zip", "files": 200, "left_out": 0, "stopped": true},
			"Unpacked release.zip: 200 files so far (it stopped before the end: unpack it again for the rest)"},
		{"archive removed", EventDocumentDeleted, map[string]any{"filename": "release.zip", "unpacked_removed": 2},
			"Document removed: release.zip, with the 2 files unpacked from it"},
		{"document removed", EventDocumentDeleted, map[string]any{"filename": "memo.pdf"}, "Document removed: memo.pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(tc.data)
			require.NoError(t, err)
			e := &Event{Kind: tc.kind, Data: data}
			require.Equal(t, tc.want, e.Text(true, nil))
			require.Equal(t, tc.want, e.Line(true, nil), "Activity and webhooks say the same")
		})
	}
}

// A note names whom it mentions (each was emailed it), in the order the
// writer chose them; its text is shown below the line, not in it.
func TestEventText_NoteMentions(t *testing.T) {
	t.Parallel()
	names := map[string]string{"u-maria": "Maria", "u-jose": "José", "u-lea": "Lea"}
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"no one", `{}`, "Internal note"},
		{"one person", `{"mention_ids": ["u-maria"]}`, "Internal note for Maria"},
		{"three, in order", `{"mention_ids": ["u-lea", "u-maria", "u-jose"]}`, "Internal note for Lea, Maria and José"},
		{"someone unknown here", `{"mention_ids": ["u-maria", "u-gone"]}`, "Internal note for Maria and someone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Event{Kind: EventNoteAdded, Data: json.RawMessage(tc.data), Note: "Call the records officer"}
			require.Equal(t, tc.want, e.Text(false, names))
		})
	}
}
