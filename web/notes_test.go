package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// The request page's note form says a note is internal; a note posted from
// it is in the timeline, after the redirect back, with who wrote it and
// when, escaped, its line breaks kept. A closed request takes notes too.
func TestRequestPage_Note(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	_, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<form method="post" action="/requests/`+r.ID+`/notes#note"`)
	require.Contains(t, page, "Internal: for your organization only, never sent to the agency.")

	text := "Lawyer says <b>wait</b> before appealing & call Ana.\nAsk again in May."
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/notes", url.Values{"text": {"  " + text + "\n"}}), "/requests/"+r.ID)
	page = body(b.get(loc))
	es, err := b.st.FindTimeline(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	note := es[len(es)-1]
	require.Equal(t, sunshine.EventNoteAdded, note.Kind)
	require.Equal(t, text, note.Note)
	require.Contains(t, page, `Note added to the timeline. <a href="#event-`+note.ID+`">See it</a>`)
	require.Regexp(t, `<li class="tl-note" id="event-`+note.ID+`"><p class="tl-head"><time datetime="\d{4}-\d\d-\d\d">[^<]+</time> `+
		regexp.QuoteMeta("Internal note — Admin of ndlon ("+b.fx.Admin.Email+")")+` <span class="hint">at \d\d:\d\d P[DS]T</span></p>`, page)
	require.Contains(t, page, `<div class="pre tl-note-text">Lawyer says &lt;b&gt;wait&lt;/b&gt; before appealing &amp; call Ana.
Ask again in May.</div>`, "escaped, with its line break")
	require.NotContains(t, page, "<b>wait</b>")

	// The search page finds the request by the note, and links to it.
	page = body(b.get("/search?q=lawyer"))
	require.Contains(t, page, `<span class="pill">note</span>
      <a href="/requests/`+r.ID+`#event-`+note.ID+`">Communications with immigration authorities</a></p>`)
	require.Contains(t, page, "<mark>Lawyer</mark> says  wait  before appealing &amp; call Ana.", "the snippet escaped (its tags dropped)")
}

// A blank or too long note is refused with its error on the form, opened,
// what was typed kept, and nothing written.
func TestRequestPage_NoteRefused(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	before, err := b.st.FindTimeline(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	for _, tc := range []struct{ name, text, err string }{
		{"Blank", " \r\n ", "is required"},
		{"TooLong", strings.Repeat("a", 10001), "must be at most 10000 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post("/requests/"+r.ID+"/notes", url.Values{"text": {tc.text}})
			require.Equal(t, http.StatusBadRequest, rec.Code)
			page := body(rec)
			require.Contains(t, page, `<details class="panel" id="note" open>`)
			require.Contains(t, page, "The note was not added.")
			require.Regexp(t, `<p class="field-error" id="note-text-error">[^<]*`+tc.err, page)
			require.Contains(t, page, `aria-invalid="true">`+tc.text+`</textarea>`)
		})
	}
	after, err := b.st.FindTimeline(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, after, len(before), "nothing written")
}

// The note form lists the organization's other active people to email the
// note to; one posted with people ticked says whom it mentions, in the
// confirmation and in the timeline, and owes each an email. Someone
// deactivated meanwhile refuses the note: the form comes back with the
// error under the list, the text and the ticks kept, and nothing written.
func TestRequestPage_NoteMentions(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria López", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, maria))
	jose := &sunshine.User{Email: "jose@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, jose))
	gone := &sunshine.User{Email: "gone@ndlon.example", Name: "Gone", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, gone))

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<legend>Email it to <span class="hint">`)
	require.Contains(t, page, `<input type="checkbox" id="mention-`+maria.ID+`" name="mention_ids" value="`+maria.ID+`" >
      <label for="mention-`+maria.ID+`">Maria López <span class="hint">(maria@ndlon.example)</span></label>`)
	require.Contains(t, page, `<label for="mention-`+jose.ID+`">jose@ndlon.example</label>`)
	require.NotContains(t, page, `id="mention-`+b.fx.Admin.ID+`"`, "not the writer")

	_, err := b.st.SetUserActive(b.fx.Ctx, gone.ID, false)
	require.NoError(t, err)
	rec := b.post("/requests/"+r.ID+"/notes", url.Values{"text": {"Can you call them?"}, "mention_ids": {maria.ID, gone.ID}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<details class="panel" id="note" open>`)
	require.Regexp(t, `<p class="field-error" id="note-mention-ids-error">[^<]*must be active people of the organization`, page)
	require.Contains(t, page, `>Can you call them?</textarea>`)
	require.Contains(t, page, `value="`+maria.ID+`" checked>`, "Maria still ticked")
	require.NotContains(t, page, `id="mention-`+gone.ID+`"`, "the deactivated are not offered")
	es, err := b.st.FindTimeline(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.NotEqual(t, sunshine.EventNoteAdded, es[len(es)-1].Kind, "nothing written")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/notes", url.Values{"text": {"Can you call them?"},
		"mention_ids": {maria.ID, jose.ID}}), "/requests/"+r.ID)
	page = body(b.get(loc))
	es, err = b.st.FindTimeline(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	note := es[len(es)-1]
	require.Contains(t, page, `Note added to the timeline, for Maria López and jose@ndlon.example. <a href="#event-`+note.ID+`">See it</a>`)
	require.Contains(t, page, "Internal note for Maria López (maria@ndlon.example) and jose@ndlon.example — Admin of ndlon ("+b.fx.Admin.Email+")")
	owed, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var to []string
	for _, rm := range owed {
		if rm.Kind == sunshine.ReminderMentioned {
			to = append(to, rm.RecipientID)
		}
	}
	require.ElementsMatch(t, []string{maria.ID, jose.ID}, to)
	// The outbox names the note's request.
	require.Contains(t, body(b.get("/reminders")), `Mentioned in a note: <a href="/requests/`+r.ID+`">Communications with immigration authorities</a>`)
}
