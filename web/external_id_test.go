package web_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// The details form sets, corrects and clears a request's external ID (its
// reference in the system it was imported from), which the page then shows;
// one another request has comes back named, with what was typed, and
// nothing is saved.
func TestRequestPage_ExternalID(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<label for="edit-external-id">External ID (from another system)`)
	require.Equal(t, "", inputValue(t, page, "edit-external-id"))
	require.NotContains(t, page, "<dt>External ID</dt>", "shown only when set")

	f := detailsOf(r)
	f.Set("external_id", "  row-17 ")
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/edit", f), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Contains(t, page, "<dt>External ID</dt><dd>row-17</dd>")
	require.Contains(t, page, "Details changed: external ID row-17")
	require.Equal(t, "row-17", inputValue(t, page, "edit-external-id"))
	require.Equal(t, "row-17", *b.reload(r).ExternalID, "trimmed as typed in a form")

	other := &sunshine.Request{AgencyID: a.ID, Title: "Jail booking records", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	f = detailsOf(other)
	f.Set("external_id", "row-17")
	rec := b.post("/requests/"+other.ID+"/edit", f)
	require.Equal(t, http.StatusConflict, rec.Code)
	page = body(rec)
	require.Contains(t, page, `id="edit-external-id-error">is already used by another request of this organization</p>`)
	require.Contains(t, page, `&#34;Communications with immigration authorities&#34;`, "the request that has it, named")
	require.Equal(t, "row-17", inputValue(t, page, "edit-external-id"), "what was typed, kept")
	require.Nil(t, b.reload(other).ExternalID, "nothing saved")

	f = detailsOf(b.reload(r))
	f.Set("external_id", "row\u0007-17")
	rec = b.post("/requests/"+r.ID+"/edit", f)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="edit-external-id-error">must be one line, without control characters</p>`)

	f = detailsOf(b.reload(r))
	f.Set("external_id", "")
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/edit", f), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.NotContains(t, page, "<dt>External ID</dt>")
	require.Contains(t, page, "Details changed: external ID cleared")
	require.Nil(t, b.reload(r).ExternalID, "cleared")
}

// The Search page finds a request by its external ID typed whole, in any
// letter case, first, as the Requests page does.
func TestSearch_ExternalID(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	ext := "row-17"
	_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{ExternalID: &ext})
	require.NoError(t, err)
	rec := b.get("/search?q=row-17")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, `<a href="/requests/`+r.ID+`">`+r.Title+`</a>`)
	require.NotContains(t, page, "Nothing matched")
	require.Contains(t, body(b.get("/search?q=row")), "Nothing matched", "whole, not a part")
	require.Contains(t, body(b.get("/search?q=ROW-17")), `<a href="/requests/`+r.ID+`">`+r.Title+`</a>`, "in any case")
}
