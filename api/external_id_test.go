package api_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store/storetest"
)

// An import script run again: filing a request with an external ID the
// organization already uses is a 409 that names the request and carries
// its ID (existing_id), and files nothing; the script can also look the ID
// up first. Another organization may use the same ID, and neither learns
// of the other's.
func TestRequests_ExternalIDOnCreate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")
	file := func(token, agency, title string, ext any) response {
		return b.call("POST", "/api/v1/requests", token, map[string]any{"agency_id": agency, "title": title,
			"delivery_method": "email", "external_id": ext})
	}

	first := file(b.token, sheriff, "Jail contracts", "row-17")
	require.Equal(t, http.StatusCreated, first.status(), first.rec.Body.String())
	require.Equal(t, "row-17", first.str("external_id"))
	id := first.str("id")
	for _, ext := range []any{nil, ""} {
		none := file(b.token, sheriff, "Without one", ext)
		require.Equal(t, http.StatusCreated, none.status(), none.rec.Body.String())
		require.Contains(t, none.body, "external_id")
		require.Nil(t, none.body["external_id"], "null when unset (sent as %q)", ext)
	}

	again := file(b.token, sheriff, "Jail contracts", "row-17")
	require.Equal(t, http.StatusConflict, again.status(), again.rec.Body.String())
	require.Equal(t, []string{"external_id"}, again.fieldErrors())
	require.Equal(t, id, again.str("existing_id"))
	require.Contains(t, again.str("detail"), id)
	require.Contains(t, again.str("detail"), `"Jail contracts"`)
	// Nor in another case: the same reference, typed otherwise.
	upper := file(b.token, sheriff, "Jail contracts", "ROW-17")
	require.Equal(t, http.StatusConflict, upper.status(), upper.rec.Body.String())
	require.Equal(t, id, upper.str("existing_id"))
	require.Contains(t, upper.str("detail"), `as "row-17": external IDs ignore letter case`)
	// Nor when the import files it at the status it has reached.
	acknowledged := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": sheriff, "title": "Jail contracts",
		"delivery_method": "email", "received_on": "2017-03-27", "status": "acknowledged", "status_on": "2017-03-29", "external_id": "row-17"})
	require.Equal(t, http.StatusConflict, acknowledged.status(), acknowledged.rec.Body.String())
	require.Equal(t, id, acknowledged.str("existing_id"))
	found := b.call("GET", "/api/v1/requests?external_id=row-17", b.token, nil)
	require.Equal(t, http.StatusOK, found.status())
	require.Len(t, found.items(), 1, "nothing created")
	require.Equal(t, id, found.items()[0]["id"])
	require.Len(t, b.call("GET", "/api/v1/requests?q=Jail", b.token, nil).items(), 1, "nothing created")

	other := storetest.Org(t, b.st, "other")
	police := b.call("POST", "/api/v1/agencies", other.Token, map[string]any{"name": "Police", "jurisdiction": "us-ca"}).str("id")
	theirs := file(other.Token, police, "Their jail contracts", "row-17")
	require.Equal(t, http.StatusCreated, theirs.status(), "another organization's row-17 is theirs: %s", theirs.rec.Body.String())
	onlyTheirs := b.call("GET", "/api/v1/requests?external_id=row-17", other.Token, nil)
	require.Len(t, onlyTheirs.items(), 1)
	require.Equal(t, theirs.str("id"), onlyTheirs.items()[0]["id"])
	// Theirs alone, it is still free here: a 409 would tell us it is used.
	alone := file(other.Token, police, "Body cameras", "MR-123456")
	require.Equal(t, http.StatusCreated, alone.status(), alone.rec.Body.String())
	mine := file(b.token, sheriff, "Body cameras", "MR-123456")
	require.Equal(t, http.StatusCreated, mine.status(), mine.rec.Body.String())
	require.NotContains(t, mine.rec.Body.String(), alone.str("id"))

	imported := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": sheriff, "title": "Use of force",
		"delivery_method": "email", "received_on": "2017-03-27", "status": "denied", "status_on": "2017-04-03", "external_id": "row-19"})
	require.Equal(t, http.StatusCreated, imported.status(), imported.rec.Body.String())
	require.Equal(t, "denied", imported.str("status"))
	require.Equal(t, "row-19", imported.str("external_id"), "kept through the move to its status")

	bad := file(b.token, sheriff, "Padded", " row-18")
	require.Equal(t, http.StatusBadRequest, bad.status(), bad.rec.Body.String())
	require.Equal(t, []string{"external_id"}, bad.fieldErrors())
	wrongType := file(b.token, sheriff, "A number", 18)
	require.Equal(t, http.StatusBadRequest, wrongType.status(), wrongType.rec.Body.String())
	require.Equal(t, []string{"external_id"}, wrongType.fieldErrors())
}

// PATCH sets, changes and clears (null or "") a request's external ID;
// one another request has is a 409 naming the field, and changes nothing.
func TestRequests_ExternalIDOnUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")
	r1, r2 := b.request(sheriff, "2017-03-27"), b.request(sheriff, "2017-03-28")
	patch := func(id string, ext any) response {
		return b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"external_id": ext})
	}

	set := patch(r1, "MR-123456")
	require.Equal(t, http.StatusOK, set.status(), set.rec.Body.String())
	require.Equal(t, "MR-123456", set.str("external_id"))

	before := b.call("GET", "/api/v1/requests/"+r2, b.token, nil)
	taken := patch(r2, "MR-123456")
	require.Equal(t, http.StatusConflict, taken.status(), taken.rec.Body.String())
	require.Equal(t, []string{"external_id"}, taken.fieldErrors())
	require.Equal(t, r1, taken.str("existing_id"))
	require.Equal(t, before.body, b.call("GET", "/api/v1/requests/"+r2, b.token, nil).body, "nothing changed")

	for _, clear := range []any{nil, ""} {
		require.Equal(t, http.StatusOK, patch(r1, "MR-123456").status())
		cleared := patch(r1, clear)
		require.Equal(t, http.StatusOK, cleared.status(), cleared.rec.Body.String())
		require.Nil(t, cleared.body["external_id"], "cleared by %q", clear)
	}
	moved := patch(r2, "MR-123456")
	require.Equal(t, http.StatusOK, moved.status(), "free once cleared: %s", moved.rec.Body.String())
}

// GET /requests finds a request by its external ID, whole and in any
// letter case, with external_id= or typed as q, never another
// organization's; and so does the CSV export, whose last column it is.
func TestRequests_ExternalIDLookUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")
	r1, r2 := b.request(sheriff, "2017-03-27"), b.request(sheriff, "2017-03-28")
	require.Equal(t, http.StatusOK, b.call("PATCH", "/api/v1/requests/"+r1, b.token, map[string]any{"external_id": "Row 17"}).status())
	other := storetest.Org(t, b.st, "other")
	police := b.call("POST", "/api/v1/agencies", other.Token, map[string]any{"name": "Police", "jurisdiction": "us-ca"}).str("id")
	require.Equal(t, http.StatusCreated, b.call("POST", "/api/v1/requests", other.Token, map[string]any{"agency_id": police,
		"title": "Theirs", "delivery_method": "email", "external_id": "abc-12"}).status())
	ids := func(query string) []any {
		t.Helper()
		r := b.call("GET", "/api/v1/requests?"+query, b.token, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		out := []any{}
		for _, item := range r.items() {
			out = append(out, item["id"])
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []any
	}{
		{"exactly", "external_id=" + url.QueryEscape("Row 17"), []any{r1}},
		{"in another case", "external_id=" + url.QueryEscape("row 17"), []any{r1}},
		{"not in part", "external_id=17", []any{}},
		{"not another organization's", "external_id=" + url.QueryEscape("ABC-12"), []any{}},
		{"as q", "q=" + url.QueryEscape("Row 17"), []any{r1}},
		{"as q, in another case", "q=" + url.QueryEscape("ROW 17"), []any{r1}},
		{"as q, not another organization's", "q=" + url.QueryEscape("abc-12"), []any{}},
		{"q still finds words", "q=ICE", []any{r1, r2}},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, ids(tc.query)) })
	}
	empty := b.call("GET", "/api/v1/requests?external_id=", b.token, nil)
	require.Equal(t, http.StatusBadRequest, empty.status())
	require.Equal(t, []string{"external_id"}, empty.fieldErrors())

	rec := b.raw("/api/v1/requests.csv?external_id=" + url.QueryEscape("Row 17"))
	require.Equal(t, http.StatusOK, rec.Code)
	rows, err := csv.NewReader(rec.Body).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "external_id", rows[0][20])
	require.Equal(t, []string{r1, "Row 17"}, []string{rows[1][0], rows[1][20]})
}

// GET /search finds a request by its external ID typed whole, ranked
// first, as GET /requests?q= does.
func TestSearch_ExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")
	imported := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": sheriff, "title": "Jail contracts",
		"delivery_method": "email", "external_id": "row-17"})
	require.Equal(t, http.StatusCreated, imported.status(), imported.rec.Body.String())
	quoting := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": sheriff, "title": "Spreadsheet row-17",
		"delivery_method": "email"})
	require.Equal(t, http.StatusCreated, quoting.status(), quoting.rec.Body.String())

	r := b.call("GET", "/api/v1/search?q="+url.QueryEscape("row-17"), b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	hits := r.items()
	require.Len(t, hits, 2)
	require.Equal(t, "request", hits[0]["kind"])
	require.Equal(t, imported.str("id"), hits[0]["request_id"], "the external ID's request first")
	require.Equal(t, quoting.str("id"), hits[1]["request_id"])
}
