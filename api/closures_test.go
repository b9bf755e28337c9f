package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An agency's closure day moves its requests' due dates and their
// explanation; removing it moves them back.
func TestClosures_MoveDeadlines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("NYPD", "us-ny")
	id := b.request(a, "2017-03-27") // five business days: Mon 3 Apr
	require.Equal(t, "2017-04-03", b.call("GET", "/api/v1/requests/"+id, b.token, nil).str("due_on"))

	r := b.call("POST", "/api/v1/agencies/"+a+"/closures", b.token, map[string]any{"closed_on": "2017-03-29", "reason": "snow"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-03-29", r.str("closed_on"))
	require.Equal(t, "snow", r.str("reason"))
	require.EqualValues(t, 1, r.body["moved_requests"])
	require.Equal(t, []any{map[string]any{"request_id": id, "title": "All communications with ICE since 20 January 2017",
		"previous_due_on": "2017-04-03", "due_on": "2017-04-04"}}, r.body["moved"])

	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, "2017-04-04", got.str("due_on"))
	require.Contains(t, got.body["deadline"].(map[string]any)["steps"], "Wed 29 Mar 2017: office closed (snow), not counted.")

	list := b.call("GET", "/api/v1/agencies/"+a+"/closures", b.token, nil)
	require.Equal(t, http.StatusOK, list.status())
	require.Len(t, list.items(), 1)
	require.Nil(t, list.body["next_cursor"])

	del := b.call("DELETE", "/api/v1/agencies/"+a+"/closures/2017-03-29", b.token, nil)
	require.Equal(t, http.StatusOK, del.status(), del.rec.Body.String())
	require.EqualValues(t, 1, del.body["moved_requests"])
	require.Equal(t, "2017-04-03", del.body["moved"].([]any)[0].(map[string]any)["due_on"])
	require.Equal(t, "2017-04-03", b.call("GET", "/api/v1/requests/"+id, b.token, nil).str("due_on"))
	require.Equal(t, http.StatusNotFound, b.call("DELETE", "/api/v1/agencies/"+a+"/closures/2017-03-29", b.token, nil).status())
}

func TestClosures_BadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("NYPD", "us-ny")
	require.Equal(t, http.StatusCreated, b.call("POST", "/api/v1/agencies/"+a+"/closures", b.token,
		map[string]any{"closed_on": "2017-03-29", "reason": "snow"}).status())
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	other := storetest.Org(t, b.st, "other")
	theirs := &sunshine.Agency{Name: "Theirs", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, theirs))
	_, err := b.st.AddClosure(other.Ctx, &sunshine.Closure{AgencyID: theirs.ID, ClosedOn: deadline.MustParseDate("2017-03-29"), Reason: "theirs"})
	require.NoError(t, err)

	path := "/api/v1/agencies/" + a + "/closures"
	for _, tc := range []struct {
		name   string
		path   string
		token  string
		body   any
		status int
		fields []string
	}{
		{"MissingFields", path, b.token, map[string]any{}, 400, []string{"closed_on", "reason"}},
		{"BadDate", path, b.token, map[string]any{"closed_on": "2017-02-30", "reason": "snow"}, 400, []string{"closed_on"}},
		{"EveryBadFieldAtOnce", path, b.token, map[string]any{"closed_on": "soon", "reason": ""}, 400, []string{"closed_on", "reason"}},
		{"TwoLineReason", path, b.token, map[string]any{"closed_on": "2017-03-30", "reason": "snow\nice"}, 400, []string{"reason"}},
		{"UnknownField", path, b.token, map[string]any{"closed_on": "2017-03-30", "reason": "snow", "agency_id": a}, 400, []string{"agency_id"}},
		{"YearsAhead", path, b.token, map[string]any{"closed_on": "2027-03-30", "reason": "typo"}, 400, []string{"closed_on"}},
		{"SameDayTwice", path, b.token, map[string]any{"closed_on": "2017-03-29", "reason": "again"}, 409, []string{"closed_on"}},
		{"Viewer", path, viewer, map[string]any{"closed_on": "2017-03-30", "reason": "snow"}, 403, nil},
		{"UnknownAgency", "/api/v1/agencies/00000000-0000-0000-0000-000000000000/closures", b.token, map[string]any{"closed_on": "2017-03-30", "reason": "snow"}, 404, nil},
		{"AnotherOrgsAgency", "/api/v1/agencies/" + theirs.ID + "/closures", b.token, map[string]any{"closed_on": "2017-03-30", "reason": "snow"}, 404, nil},
		{"NotAnID", "/api/v1/agencies/x/closures", b.token, map[string]any{"closed_on": "2017-03-30", "reason": "snow"}, 404, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", tc.path, tc.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.fields != nil {
				require.ElementsMatch(t, tc.fields, r.fieldErrors())
			}
		})
	}
	for _, tc := range []struct {
		name, method, path, token string
		status                    int
	}{
		{"ViewerMayList", "GET", path, viewer, 200},
		{"ViewerMayNotDelete", "DELETE", path + "/2017-03-29", viewer, 403},
		{"BadDateInPath", "DELETE", path + "/2017-3-29", b.token, 400},
		{"AnotherOrgsList", "GET", "/api/v1/agencies/" + theirs.ID + "/closures", b.token, 404},
		{"AnotherOrgsDelete", "DELETE", "/api/v1/agencies/" + theirs.ID + "/closures/2017-03-29", b.token, 404},
		{"UnknownAgencyList", "GET", "/api/v1/agencies/00000000-0000-0000-0000-000000000000/closures", b.token, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call(tc.method, tc.path, tc.token, nil)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
		})
	}
	list := b.call("GET", path, b.token, nil)
	require.Len(t, list.items(), 1, "nothing written")
}
