package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A query parameter given with an empty value is refused, naming it, on
// every endpoint that reads parameters: ignored, assignee_id= or overdue
// would widen a list to everything.
func TestQuery_EmptyParameterRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	requestFilters := []string{"status", "agency_id", "assignee_id", "jurisdiction", "tag", "due_before", "due_after", "overdue", "q"}
	paged := []string{"cursor", "limit"}
	for _, tc := range []struct {
		path   string // with the other parameters it needs, if any
		token  string
		params []string
	}{
		{"/api/v1/requests?", b.token, append(requestFilters, paged...)},
		{"/api/v1/requests.csv?", b.token, requestFilters},
		{"/api/v1/search?q=ice&", b.token, []string{"status", "agency_id", "from", "to", "cursor", "limit"}},
		{"/api/v1/search?", b.token, []string{"q"}},
		{"/api/v1/agencies?", b.token, append([]string{"jurisdiction", "q"}, paged...)},
		{"/api/v1/reminders?", b.token, append([]string{"status"}, paged...)},
		{"/api/v1/requests/" + id + "/communications?", b.token, paged},
		{"/api/v1/requests/" + id + "/documents?", b.token, paged},
		{"/api/v1/requests/" + id + "/events?", b.token, paged},
		{"/api/v1/deadline?jurisdiction=us-ca&received=2017-03-27&", "", []string{"extended", "closed"}},
		{"/api/v1/deadline?", "", []string{"jurisdiction", "received"}},
	} {
		for _, p := range tc.params {
			for _, query := range []string{p + "=", p, p + "=&" + p + "="} {
				r := b.call("GET", tc.path+query, tc.token, nil)
				require.Equal(t, http.StatusBadRequest, r.status(), "%s%s: %s", tc.path, query, r.rec.Body.String())
				errs := r.body["errors"].([]any)
				var own []string
				for _, e := range errs {
					if e := e.(map[string]any); e["field"] == p {
						own = append(own, e["message"].(string))
					}
				}
				require.Len(t, own, 1, "%s%s: one error for %s: %v", tc.path, query, p, errs)
				require.Contains(t, own[0], "must not be empty", "%s%s", tc.path, query)
			}
		}
	}
	// Beside a good value too: status=submitted&status= is no wider list.
	r := b.call("GET", "/api/v1/requests?status=submitted&status=", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"status"}, r.fieldErrors())
	// The upload's one query parameter, too.
	r = b.call("POST", "/api/v1/requests/"+id+"/documents?communication_id=", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"communication_id"}, r.fieldErrors())
}
