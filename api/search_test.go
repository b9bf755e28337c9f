package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// A coordinator looks a client up without the accents of their name, and a
// request up by the tracking number an agency's e-mail quotes, or its digits.
func TestSearch_AccentsAndTrackingNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("U.S. Customs and Border Protection", "us-federal"), "2017-03-27")
	upd := b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"tracking_number": "CBP-2027-004512"})
	require.Equal(t, http.StatusOK, upd.status(), upd.rec.Body.String())
	c := b.call("POST", "/api/v1/requests/"+id+"/communications", b.token, map[string]any{"direction": "in", "channel": "email",
		"kind": "other", "occurred_on": "2017-04-03", "subject": "Records", "body": "Records about José Pérez are attached."})
	require.Equal(t, http.StatusCreated, c.status(), c.rec.Body.String())

	get := func(path, q string) []map[string]any {
		t.Helper()
		r := b.call("GET", path+"?q="+url.QueryEscape(q), b.token, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		return r.items()
	}
	hits := get("/api/v1/search", "Jose Perez")
	require.Len(t, hits, 1)
	require.Equal(t, c.str("communication.id"), hits[0]["communication_id"])
	require.Contains(t, hits[0]["snippet_html"], "<mark>José</mark> <mark>Pérez</mark>")

	for _, q := range []string{"CBP-2027-004512", "004512"} {
		hits := get("/api/v1/search", q)
		require.Len(t, hits, 1, q)
		require.Equal(t, "request", hits[0]["kind"], q)
		require.Equal(t, id, hits[0]["request_id"], q)
		rs := get("/api/v1/requests", q)
		require.Len(t, rs, 1, q)
		require.Equal(t, id, rs[0]["id"], q)
	}
}

// A request is found by words of its internal notes: the hit names the note
// (b.call checks it against the spec).
func TestSearch_Notes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "2017-03-27")
	n := b.call("POST", "/api/v1/requests/"+id+"/notes", b.token, map[string]any{"text": "Called Pat Quinlan: first batch next week."})
	require.Equal(t, http.StatusCreated, n.status(), n.rec.Body.String())

	r := b.call("GET", "/api/v1/search?q=quinlan", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	hits := r.items()
	require.Len(t, hits, 1)
	require.Equal(t, "note", hits[0]["kind"])
	require.Equal(t, n.str("id"), hits[0]["note_id"])
	require.Equal(t, id, hits[0]["request_id"])
	require.Equal(t, hits[0]["request_title"], hits[0]["title"])
	require.Contains(t, hits[0]["snippet_html"], "Called Pat <mark>Quinlan</mark>")
}
