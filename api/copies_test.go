package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Copies answer 201 with a request each, in the order asked, each with its
// own agency's law and deadline and the original's words; the original
// joins their group (a new ETag), the group lists them all, and the copies
// go to the original's assignee unless the body says otherwise.
func TestCopies_File(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lasd := b.agency("Los Angeles County Sheriff", "us-ca")
	erie := b.agency("Erie County Sheriff", "us-ny")
	cook := b.agency("Cook County Sheriff", "us-il")
	fresno := b.agency("Fresno County Sheriff", "us-ca")
	assignee := b.call("GET", "/api/v1/me", b.token, nil).str("user.id")
	src := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": lasd, "title": "ICE communications",
		"description": "Every email with ICE since January.", "delivery_method": "portal", "tags": []string{"ice"},
		"received_on": "2017-03-30", "assignee_id": assignee})
	require.Equal(t, http.StatusCreated, src.status(), src.rec.Body.String())
	id := src.str("id")
	etag := src.rec.Header().Get("ETag")

	r := b.call("POST", "/api/v1/requests/"+id+"/copies", b.token, map[string]any{
		"agency_ids": []string{cook, erie}, "sent_on": "2017-04-03", "received_on": "2017-04-03"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	require.Equal(t, "/api/v1/requests?group_id="+id, r.rec.Header().Get("Location"))
	items := r.items()
	require.Len(t, items, 2)
	for i, want := range []struct{ agency, law string }{{cook, "us-il"}, {erie, "us-ny"}} {
		c := items[i]
		require.Equal(t, want.agency, c["agency_id"])
		require.Equal(t, want.law, c["jurisdiction"])
		require.Equal(t, "submitted", c["status"])
		require.Equal(t, "2017-04-03", c["received_on"])
		require.NotEmpty(t, c["due_on"])
		require.Equal(t, "ICE communications", c["title"])
		require.Equal(t, "Every email with ICE since January.", c["description"])
		require.Equal(t, "portal", c["delivery_method"])
		require.Equal(t, []any{"ice"}, c["tags"])
		require.Equal(t, assignee, c["assignee_id"], "the original's assignee")
		require.Equal(t, id, c["group_id"])
	}
	// Each copy's date is its own law's: Illinois counts 5 business days,
	// New York 5 business days to acknowledge, both from 3 April.
	alone := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": cook, "title": "Alone",
		"delivery_method": "email", "received_on": "2017-04-03"})
	require.Equal(t, alone.str("due_on"), items[0]["due_on"])

	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, id, got.str("group_id"))
	require.NotEqual(t, etag, got.rec.Header().Get("ETag"), "the original changed: it joined a group")
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, "copies_filed", last["kind"])
	require.Equal(t, []any{"Cook County Sheriff", "Erie County Sheriff"}, last["data"].(map[string]any)["agencies"])

	unassigned := b.call("POST", "/api/v1/requests/"+items[0]["id"].(string)+"/copies", b.token,
		map[string]any{"agency_ids": []string{fresno}, "assignee_id": nil})
	require.Equal(t, http.StatusCreated, unassigned.status(), unassigned.rec.Body.String())
	c := unassigned.items()[0]
	require.Nil(t, c["assignee_id"], "null: nobody")
	require.Equal(t, "draft", c["status"], "no receipt date")
	require.Equal(t, id, c["group_id"], "a copy's copy is in the same group")

	group := b.call("GET", "/api/v1/requests?group_id="+id, b.token, nil).items()
	require.Len(t, group, 4)
	require.Equal(t, http.StatusBadRequest, b.call("GET", "/api/v1/requests?group_id=sheriffs", b.token, nil).status())
}

// Refused copies file nothing: bad agency lists and dates are 400s naming
// the field, another organization's request is a 404, and a viewer may
// not file.
func TestCopies_Refused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lasd := b.agency("Los Angeles County Sheriff", "us-ca")
	cook := b.agency("Cook County Sheriff", "us-il")
	id := b.request(lasd, "2017-03-30")
	other := storetest.Org(t, b.st, "other")
	theirs := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, theirs))
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	for _, tc := range []struct {
		name, token, request string
		body                 any
		status               int
		fields               []string
	}{
		{"ErrNoAgencies", b.token, id, `{}`, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrEmptyList", b.token, id, map[string]any{"agency_ids": []string{}}, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrNotAnID", b.token, id, map[string]any{"agency_ids": []string{"sheriff"}}, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrTwice", b.token, id, map[string]any{"agency_ids": []string{cook, cook}}, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrOriginalsAgency", b.token, id, map[string]any{"agency_ids": []string{cook, lasd}}, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrOtherOrgsAgency", b.token, id, map[string]any{"agency_ids": []string{cook, theirs.ID}}, http.StatusBadRequest, []string{"agency_ids"}},
		{"ErrBadDate", b.token, id, map[string]any{"agency_ids": []string{cook}, "received_on": "3 April"}, http.StatusBadRequest, []string{"received_on"}},
		{"ErrDatesOutOfOrder", b.token, id, map[string]any{"agency_ids": []string{cook}, "sent_on": "2017-04-03", "received_on": "2017-04-01"}, http.StatusBadRequest, []string{"received_on"}},
		{"ErrAssigneeNotAnID", b.token, id, map[string]any{"agency_ids": []string{cook}, "assignee_id": "ana"}, http.StatusBadRequest, []string{"assignee_id"}},
		{"ErrOtherOrgsRequest", other.Token, id, map[string]any{"agency_ids": []string{theirs.ID}}, http.StatusNotFound, nil},
		{"ErrViewer", viewer, id, map[string]any{"agency_ids": []string{cook}}, http.StatusForbidden, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", "/api/v1/requests/"+tc.request+"/copies", tc.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.fields != nil {
				require.Equal(t, tc.fields, r.fieldErrors())
			}
		})
	}
	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Nil(t, got.body["group_id"], "nothing filed: the request is still alone")
	require.Len(t, b.call("GET", "/api/v1/requests", b.token, nil).items(), 1)
}
