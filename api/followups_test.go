package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store/storetest"
)

// Automatic follow-ups through the API (each answer checked against the
// spec): off at first; on, signed by the caller, with the day the next
// would go; changed; each change in the timeline; off again. Bad input
// names its field and changes nothing; a draft, a closed request and an
// agency without an email address are refused; another organization's
// request is not found.
func TestAutoFollowUp_API(t *testing.T) {
	t.Parallel()
	b := setup(t)
	agency := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": "Sheriff", "jurisdiction": "us-ca",
		"email": "records@sheriff.example"})
	require.Equal(t, http.StatusCreated, agency.status(), agency.rec.Body.String())
	req := b.request(agency.str("id"), "2017-03-27") // due Thu 6 Apr 2017
	path := "/api/v1/requests/" + req + "/auto_follow_up"

	off := b.call("GET", path, b.token, nil)
	require.Equal(t, http.StatusOK, off.status(), off.rec.Body.String())
	require.Equal(t, map[string]any{"request_id": req, "on": false, "every_days": nil, "signer_id": nil, "since": nil, "next_on": nil,
		"held": nil}, off.body)

	for _, tc := range []struct{ name, body string }{
		{"ErrMissing", `{}`},
		{"ErrNull", `{"every_days":null}`},
		{"ErrTooOften", `{"every_days":3}`},
		{"ErrTooRare", `{"every_days":91}`},
		{"ErrNotANumber", `{"every_days":"weekly"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("PUT", path, b.token, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
			require.Equal(t, []string{"every_days"}, r.fieldErrors())
		})
	}
	require.False(t, b.call("GET", path, b.token, nil).body["on"].(bool), "nothing changed")

	on := b.call("PUT", path, b.token, map[string]any{"every_days": 14})
	require.Equal(t, http.StatusOK, on.status(), on.rec.Body.String())
	require.Equal(t, true, on.body["on"])
	require.Equal(t, float64(14), on.body["every_days"])
	require.Equal(t, b.fx.Admin.ID, on.body["signer_id"])
	require.Nil(t, on.body["held"], "nothing holds them")
	require.Equal(t, "2017-04-10", on.body["next_on"], "14 days after it was sent (the date passed on the 6th)")
	require.Equal(t, on.body, b.call("GET", path, b.token, nil).body)
	changed := b.call("PUT", path, b.token, map[string]any{"every_days": 30})
	require.Equal(t, float64(30), changed.body["every_days"])
	require.Equal(t, on.body["since"], changed.body["since"], "turned on once")
	w := b.call("PATCH", "/api/v1/agencies/"+agency.str("id"), b.token, map[string]any{"email": ""})
	require.Equal(t, http.StatusOK, w.status(), w.rec.Body.String())
	held := b.call("GET", path, b.token, nil)
	require.Equal(t, "no_email", held.body["held"], "the agency lost its address: none goes")
	require.Nil(t, held.body["next_on"])
	w = b.call("PATCH", "/api/v1/agencies/"+agency.str("id"), b.token, map[string]any{"email": "records@sheriff.example"})
	require.Equal(t, http.StatusOK, w.status(), w.rec.Body.String())
	require.Equal(t, http.StatusNoContent, b.call("DELETE", path, b.token, nil).status())
	require.Equal(t, off.body, b.call("GET", path, b.token, nil).body)
	require.Equal(t, http.StatusNoContent, b.call("DELETE", path, b.token, nil).status(), "off already")

	var changes []any
	for _, e := range b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items() {
		if e["kind"] == "auto_follow_up_changed" {
			changes = append(changes, e["data"])
		}
	}
	require.Equal(t, []any{
		map[string]any{"every_days": float64(14), "signer_id": b.fx.Admin.ID},
		map[string]any{"every_days": float64(30), "signer_id": b.fx.Admin.ID},
		map[string]any{"stopped": true},
	}, changes, "each change once")

	draft := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": agency.str("id"), "title": "Not sent yet", "status": "draft", "delivery_method": "email"})
	require.Equal(t, http.StatusCreated, draft.status(), draft.rec.Body.String())
	noEmail := b.request(b.agency("Police", "us-ca"), "2017-03-27")
	closed := b.request(agency.str("id"), "2017-03-27")
	w = b.call("POST", "/api/v1/requests/"+closed+"/transitions", b.token, map[string]any{"to": "withdrawn"})
	require.Equal(t, http.StatusOK, w.status(), w.rec.Body.String())
	other := storetest.Org(t, b.st, "other")
	for _, tc := range []struct {
		name, request, token string
		status               int
	}{
		{"ErrDraft", draft.str("id"), b.token, http.StatusConflict},
		{"ErrClosed", closed, b.token, http.StatusConflict},
		{"ErrAgencyWithoutEmail", noEmail, b.token, http.StatusConflict},
		{"ErrOtherOrganization", req, other.Token, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("PUT", "/api/v1/requests/"+tc.request+"/auto_follow_up", tc.token, map[string]any{"every_days": 14})
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
		})
	}
}
