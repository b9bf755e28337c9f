package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// An agency's message may give its tracking number and the date it
// expects to answer: logged with it, both are saved on the request in the
// same transaction; refused on a message of ours, or when invalid, with
// nothing logged.
func TestCommunications_TrackingNumberAndEstimate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("NYPD", "us-ny"), "2017-03-27")
	path := "/api/v1/requests/" + id + "/communications"
	ack := func(extra map[string]any) map[string]any {
		body := map[string]any{"direction": "in", "channel": "email", "kind": "acknowledgment", "occurred_on": "2017-03-29"}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"from us", map[string]any{"direction": "out", "channel": "email", "kind": "follow_up", "occurred_on": "2017-03-29",
			"tracking_number": "2017-PL-1234"}, http.StatusBadRequest, "tracking_number"},
		{"estimate from us", map[string]any{"direction": "out", "channel": "email", "kind": "follow_up", "occurred_on": "2017-03-29",
			"agency_estimated_on": "2017-05-15"}, http.StatusBadRequest, "agency_estimated_on"},
		{"estimate not a date", ack(map[string]any{"agency_estimated_on": "mid-May"}), http.StatusBadRequest, "agency_estimated_on"},
		{"estimate before receipt", ack(map[string]any{"agency_estimated_on": "2017-03-01"}), http.StatusBadRequest, "agency_estimated_on"},
		{"tracking number too long", ack(map[string]any{"tracking_number": strings.Repeat("7", 201)}), http.StatusBadRequest, "tracking_number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.call("POST", path, b.token, tc.body)
			require.Equal(t, tc.status, res.status(), res.rec.Body.String())
			require.Contains(t, res.fieldErrors(), tc.field)
			got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
			require.Equal(t, "submitted", got.str("status"), "nothing logged")
			require.Empty(t, got.str("tracking_number"))
			require.Empty(t, got.str("agency_estimated_on"))
			require.Empty(t, b.call("GET", path, b.token, nil).items())
		})
	}

	res := b.call("POST", path, b.token, ack(map[string]any{"tracking_number": "2017-PL-1234", "agency_estimated_on": "2017-05-15"}))
	require.Equal(t, http.StatusCreated, res.status(), res.rec.Body.String())
	require.Equal(t, "acknowledged", res.str("request.status"))
	require.Equal(t, "2017-PL-1234", res.str("request.tracking_number"))
	require.Equal(t, "2017-05-15", res.str("request.agency_estimated_on"))
	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, "2017-PL-1234", got.str("tracking_number"))
	require.Equal(t, "2017-05-15", got.str("agency_estimated_on"))
	var kinds []string
	for _, e := range b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items() {
		kinds = append(kinds, e["kind"].(string))
	}
	require.Equal(t, []string{"created", "deadline_computed", "communication_logged", "status_changed", "updated"}, kinds)
}

// A note can go with an assignment: kept as the note of the timeline's
// "updated" event; refused, changing nothing, when there is no one new to
// give it to.
func TestRequests_AssignmentNote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	u := &sunshine.User{Email: "ana@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
	ana := u.ID
	path := "/api/v1/requests/" + id

	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"without an assignee", map[string]any{"assignment_note": "over to you"}},
		{"unassigning", map[string]any{"assignee_id": nil, "assignment_note": "over to you"}},
		{"too long", map[string]any{"assignee_id": ana, "assignment_note": strings.Repeat("é", sunshine.MaxAssignmentNote+1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.call("PATCH", path, b.token, tc.body)
			require.Equal(t, http.StatusBadRequest, res.status(), res.rec.Body.String())
			require.Equal(t, []string{"assignment_note"}, res.fieldErrors())
			require.Nil(t, b.call("GET", path, b.token, nil).body["assignee_id"], "not assigned")
		})
	}

	res := b.call("PATCH", path, b.token, map[string]any{"assignee_id": ana, "assignment_note": "  The clerk calls back Monday.  "})
	require.Equal(t, http.StatusOK, res.status(), res.rec.Body.String())
	require.Equal(t, ana, res.str("assignee_id"))
	events := b.call("GET", path+"/events", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, "updated", last["kind"])
	require.Equal(t, "The clerk calls back Monday.", last["note"])
}

// An import script files a request at the status it has reached in one
// call: filed and moved together, dated; refused statuses file nothing.
func TestRequests_CreateAtStatus(t *testing.T) {
	t.Parallel()
	b := setup(t)
	agency := b.agency("Sheriff", "us-ca")
	base := func(extra map[string]any) map[string]any {
		body := map[string]any{"agency_id": agency, "title": "Jail contracts", "delivery_method": "email", "received_on": "2017-01-09"}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"unknown status", base(map[string]any{"status": "lost", "status_on": "2017-02-01"}), []string{"status"}},
		{"no date", base(map[string]any{"status": "denied"}), []string{"status_on"}},
		{"date without status", base(map[string]any{"status_on": "2017-02-01"}), []string{"status_on"}},
		{"draft with a receipt date", base(map[string]any{"status": "draft"}), []string{"status"}},
		{"before receipt", base(map[string]any{"status": "denied", "status_on": "2017-01-02"}), []string{"status_on"}},
		{"a draft cannot be closed", map[string]any{"agency_id": agency, "title": "x", "delivery_method": "email",
			"status": "fulfilled", "status_on": "2017-02-01"}, []string{"received_on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := b.call("POST", "/api/v1/requests", b.token, tc.body)
			require.Equal(t, http.StatusBadRequest, res.status(), res.rec.Body.String())
			require.Equal(t, tc.fields, res.fieldErrors())
			require.Empty(t, b.call("GET", "/api/v1/requests?status=any", b.token, nil).items(), "nothing filed")
		})
	}

	res := b.call("POST", "/api/v1/requests", b.token, base(map[string]any{"status": "submitted"}))
	require.Equal(t, http.StatusCreated, res.status(), res.rec.Body.String())
	require.Equal(t, "submitted", res.str("status"))

	res = b.call("POST", "/api/v1/requests", b.token, base(map[string]any{"status": "partially_granted", "status_on": "2017-02-01"}))
	require.Equal(t, http.StatusCreated, res.status(), res.rec.Body.String())
	require.Equal(t, "partially_granted", res.str("status"))
	require.Equal(t, "2017-02-01", res.str("closed_on"))
	id := res.str("id")
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, "status_changed", last["kind"])
	require.Equal(t, "2017-02-01", last["effective_on"])

	res = b.call("POST", "/api/v1/requests", b.token, base(map[string]any{"status": "awaiting_requester", "status_on": "2017-01-12"}))
	require.Equal(t, http.StatusCreated, res.status(), res.rec.Body.String())
	require.Equal(t, "awaiting_requester", res.str("status"))
	require.Equal(t, []any{map[string]any{"from": "2017-01-12", "to": nil}}, res.body["pauses"])
	got := b.call("GET", "/api/v1/requests/"+res.str("id"), b.token, nil)
	require.Equal(t, got.body, res.body, "the answer is the request as a GET reads it")
}
