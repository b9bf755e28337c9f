package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// POST /requests/bulk assigns, tags and watches many requests at once and
// says which changed.
func TestRequests_Bulk(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff", "us-ca")
	one, two := b.request(sheriff, "2017-03-27"), b.request(sheriff, "2017-03-28")
	anaToken := b.user("ana@ndlon.example", sunshine.RoleStaff)
	ana := b.call("GET", "/api/v1/me", anaToken, nil).str("user.id")

	r := b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{
		"request_ids": []string{one, two}, "assignee_id": ana, "add_tags": []string{"ICE", "jail"}, "watch": true})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.ElementsMatch(t, []any{one, two}, r.body["changed"])
	require.Equal(t, []any{}, r.body["unchanged"])
	for _, id := range []string{one, two} {
		got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
		require.Equal(t, ana, got.str("assignee_id"))
		require.Equal(t, []any{"ICE", "jail"}, got.body["tags"])
	}
	for _, id := range []string{one, two} {
		ws, err := b.st.Watchers(b.fx.Ctx, id)
		require.NoError(t, err)
		require.Len(t, ws, 1, "the caller watches it")
		require.Equal(t, b.fx.Admin.ID, ws[0].ID)
	}

	// null unassigns; a tag removed without case; one already so.
	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{
		"request_ids": []string{one}, "assignee_id": nil, "remove_tags": []string{"ice"}})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, []any{one}, r.body["changed"])
	got := b.call("GET", "/api/v1/requests/"+one, b.token, nil)
	require.Nil(t, got.body["assignee_id"])
	require.Equal(t, []any{"jail"}, got.body["tags"])
	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one, two}, "add_tags": []string{"JAIL"}})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, []any{}, r.body["changed"])
	require.ElementsMatch(t, []any{one, two}, r.body["unchanged"])

	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one, two}, "close": "abandoned", "close_note": "No answer in a year."})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.ElementsMatch(t, []any{one, two}, r.body["changed"])
	require.Equal(t, "abandoned", b.call("GET", "/api/v1/requests/"+two, b.token, nil).str("status"))
}

// A refused bulk change changes nothing: every bad field at once, another
// organization's request a 404, a viewer a 403.
func TestRequests_BulkRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff", "us-ca")
	mine := b.request(sheriff, "2017-03-27")
	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: "Their sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	theirs := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(other.Ctx, theirs))
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)

	for _, tc := range []struct {
		name   string
		token  string
		body   any
		status int
		fields []string
	}{
		{"no requests, bad assignee", b.token, map[string]any{"request_ids": []string{}, "assignee_id": "ana", "add_tags": []string{"x"}},
			http.StatusBadRequest, []string{"assignee_id", "request_ids"}},
		{"nothing to change", b.token, map[string]any{"request_ids": []string{mine}}, http.StatusBadRequest, []string{"_"}},
		{"a tag both added and removed", b.token, map[string]any{"request_ids": []string{mine}, "add_tags": []string{"ICE"}, "remove_tags": []string{"ice"}},
			http.StatusBadRequest, []string{"remove_tags"}},
		{"not a list", b.token, map[string]any{"request_ids": mine, "watch": true}, http.StatusBadRequest, []string{"request_ids"}},
		{"an open status", b.token, map[string]any{"request_ids": []string{mine}, "close": "acknowledged", "close_note": "x"}, http.StatusBadRequest, []string{"close"}},
		{"unknown field", b.token, map[string]any{"request_ids": []string{mine}, "status": "withdrawn"}, http.StatusBadRequest, []string{"status"}},
		{"another organization's request", b.token, map[string]any{"request_ids": []string{mine, theirs.ID}, "add_tags": []string{"x"}},
			http.StatusNotFound, nil},
		{"a viewer", viewer, map[string]any{"request_ids": []string{mine}, "add_tags": []string{"x"}}, http.StatusForbidden, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", "/api/v1/requests/bulk", tc.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.fields != nil {
				require.ElementsMatch(t, tc.fields, r.fieldErrors())
			}
			got := b.call("GET", "/api/v1/requests/"+mine, b.token, nil)
			require.Equal(t, []any{}, got.body["tags"], "nothing changed")
		})
	}
}

// auto_follow_up_days turns many requests' automatic follow-ups on (or,
// 0, off); out of bounds names the field, and a request whose agency has
// no email address refuses the whole change.
func TestRequests_BulkAutoFollowUps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	agency := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": "Sheriff", "jurisdiction": "us-ca",
		"email": "records@sheriff.example"})
	require.Equal(t, http.StatusCreated, agency.status(), agency.rec.Body.String())
	one, two := b.request(agency.str("id"), "2017-03-27"), b.request(agency.str("id"), "2017-03-27")
	noEmail := b.request(b.agency("Police", "us-ca"), "2017-03-27")

	r := b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one, two}, "auto_follow_up_days": 3})
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"auto_follow_up_days"}, r.fieldErrors())
	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one, noEmail}, "auto_follow_up_days": 14})
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.False(t, b.call("GET", "/api/v1/requests/"+one+"/auto_follow_up", b.token, nil).body["on"].(bool), "nothing changed")

	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one, two}, "auto_follow_up_days": 14})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.ElementsMatch(t, []any{one, two}, r.body["changed"])
	for _, id := range []string{one, two} {
		got := b.call("GET", "/api/v1/requests/"+id+"/auto_follow_up", b.token, nil)
		require.Equal(t, float64(14), got.body["every_days"])
	}
	r = b.call("POST", "/api/v1/requests/bulk", b.token, map[string]any{"request_ids": []string{one}, "auto_follow_up_days": 0})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.False(t, b.call("GET", "/api/v1/requests/"+one+"/auto_follow_up", b.token, nil).body["on"].(bool))
}
