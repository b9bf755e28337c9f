package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

var olderLink = regexp.MustCompile(`<a href="(/activity\?[^"]+)">Older activity</a>`)

// The Activity page lists what happened across the organization's
// requests, newest first, by day, with who did it and a link to the event
// on its request's page; it narrows to one person or one kind, pages
// back, and shows nothing of another organization.
func TestActivityPage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, maria))
	mariaCtx := sunshine.WithPrincipal(b.fx.Ctx, sunshine.Principal{OrgID: b.fx.Org.ID, UserID: maria.ID, Role: maria.Role})
	note, err := b.st.AddNote(mariaCtx, r.ID, "Called the records officer")
	require.NoError(t, err)
	comm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: deadline.MustParseDate("2017-03-29"),
		Subject: "Your request R-2017-0042"}})
	require.NoError(t, err)
	other := storetest.Org(t, b.st, "other")
	b.addTodo(other, "Their secret to-do")

	page := html.UnescapeString(body(b.get("/activity")))
	require.Contains(t, page, `<a href="/activity" aria-current="page">Activity</a>`)
	// Events are dated by the database's clock, not the test's.
	require.Regexp(t, `<h2 id="day-0"><time datetime="\d{4}-\d\d-\d\d">\w{3} \d{1,2} \w{3} \d{4}</time></h2>`, page)
	require.Contains(t, page, "Logged the acknowledgment from the agency (Your request R-2017-0042) — Admin of ndlon ("+b.fx.Admin.Email+")")
	require.Contains(t, page, `<a href="/requests/`+r.ID+`#comm-`+comm.ID+`">Communications with immigration authorities</a>`)
	require.Contains(t, page, "Internal note — Maria (maria@ndlon.example)")
	require.Contains(t, page, `<a href="/requests/`+r.ID+`#event-`+note.ID+`">`)
	require.NotContains(t, page, "Their secret to-do", "another organization's")
	require.Regexp(t, `(?s)Logged the acknowledgment.*Internal note`, page, "newest first")

	page = html.UnescapeString(body(b.get("/activity?person=" + maria.ID)))
	require.Contains(t, page, "Internal note — Maria")
	require.NotContains(t, page, "Logged the acknowledgment")
	require.Contains(t, page, `<option value="`+maria.ID+`" selected>`)
	page = html.UnescapeString(body(b.get("/activity?what=correspondence")))
	require.Contains(t, page, "Logged the acknowledgment")
	require.NotContains(t, page, "Internal note")
	require.Contains(t, html.UnescapeString(body(b.get("/activity"))), `<div class="pre activity-note">Called the records officer</div>`,
		"a note's text, under its line")

	// The notes that mention me: Maria's note to the admin, not the
	// admin's own, nor one to someone else.
	toMe, err := b.st.AddNote(mariaCtx, r.ID, "Can you sign the appeal?", b.fx.Admin.ID)
	require.NoError(t, err)
	_, err = b.st.AddNote(b.fx.Ctx, r.ID, "Maria, the appeal is signed.", maria.ID)
	require.NoError(t, err)
	page = html.UnescapeString(body(b.get("/activity?what=for_me")))
	require.Contains(t, page, `<option value="for_me" selected>Notes that mention me</option>`)
	require.Contains(t, page, "Internal note for Admin of ndlon ("+b.fx.Admin.Email+") — Maria (maria@ndlon.example)")
	require.Contains(t, page, `#event-`+toMe.ID+`"`)
	require.Contains(t, page, "Can you sign the appeal?")
	require.NotContains(t, page, "the appeal is signed")
	require.NotContains(t, page, "Called the records officer")
	require.NotContains(t, page, "Logged the acknowledgment")
	require.NotContains(t, body(b.get("/settings/webhooks")), "Notes that mention me", "a webhook is the organization's: no such choice")

	page = body(b.get("/activity?person=" + other.Admin.ID))
	require.Contains(t, page, "Nothing matches these filters.", "another organization's person did nothing here")

	// The request's page has the event where the link lands.
	require.Contains(t, body(b.get("/requests/"+r.ID)), `id="event-`+note.ID+`"`)

	// Page back, 50 at a time, each event once.
	for i := range 60 {
		_, err := b.st.AddNote(b.fx.Ctx, r.ID, "Note "+strconv.Itoa(i))
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	path, pages := "/activity?what=notes", 0
	for path != "" {
		rec := b.get(path)
		require.Equal(t, http.StatusOK, rec.Code)
		page := html.UnescapeString(body(rec))
		for _, m := range regexp.MustCompile(`#event-([0-9a-f-]{36})`).FindAllStringSubmatch(page, -1) {
			require.False(t, seen[m[1]], "each event once")
			seen[m[1]] = true
		}
		pages++
		path = ""
		if m := olderLink.FindStringSubmatch(page); m != nil {
			path = m[1]
			require.Contains(t, path, "what=notes", "the filter carries to the next page")
		}
	}
	require.Equal(t, 2, pages)
	require.Len(t, seen, 63)
	require.Equal(t, http.StatusBadRequest, b.get("/activity?cursor=nonsense").Code)
}
