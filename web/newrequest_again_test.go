package web_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// "File it again" opens the new request form filled from a request: its
// title, text, agency, delivery and tags, not its dates or tracking
// number; another organization's request is not found.
func TestNewRequest_FileAgain(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	tags := []string{"sb54", "ice"}
	_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{Tags: &tags})
	require.NoError(t, err)
	require.Contains(t, body(b.get("/requests/"+r.ID)), `<a href="/requests/new?from=`+r.ID+`">File it again<span class="visually-hidden">: a new request from this one</span></a>`)

	page := html.UnescapeString(body(b.get("/requests/new?from=" + r.ID)))
	require.Contains(t, page, `Filled from <a href="/requests/`+r.ID+`">Communications with immigration authorities</a> (Sacramento County Sheriff's Department)`)
	require.Contains(t, page, `value="Communications with immigration authorities"`)
	require.Contains(t, page, "All communications with ICE since 1 January 2017.</textarea>")
	require.Contains(t, page, `<option value="`+a.ID+`" data-jurisdiction="us-ca" selected>`)
	require.Contains(t, page, `value="sb54, ice"`)
	require.NotContains(t, page, "R-2017-0042", "the tracking number is the new request's own")
	require.Contains(t, page, `value="2017-04-05"`, "sent today, not on the old request's date")
	require.Contains(t, page, `<input type="hidden" name="from" value="`+r.ID+`">`)

	// Refused (no agency chosen), the form still says where it was
	// filled from.
	rec := b.post("/requests", url.Values{"title": {"Communications with immigration authorities"}, "from": {r.ID},
		"delivery_method": {"email"}, "sent_on": {"2017-04-05"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, html.UnescapeString(body(rec)), `Filled from <a href="/requests/`+r.ID+`">Communications with immigration authorities</a>`)

	other := storetest.Org(t, b.st, "other")
	theirs := b.addTodo(other, "Their request")
	require.Equal(t, http.StatusNotFound, b.get("/requests/new?from="+theirs.RequestID).Code)
	require.Equal(t, http.StatusNotFound, b.get("/requests/new?from=nonsense").Code)
}
