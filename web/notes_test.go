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
