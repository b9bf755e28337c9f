package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// send makes a call with an If-Match header (none when ifMatch is nil) and
// checks the answer against docs/openapi.yaml.
func (b *testBundle) send(method, path string, ifMatch []string, body string) response {
	b.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+b.token)
	for _, v := range ifMatch {
		req.Header.Add("If-Match", v)
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	requireSpec(b.t, httptest.NewRequest(method, path, nil), rec)
	return decoded(b.t, rec)
}

// If-Match as RFC 9110 has it: * matches any current version, a
// well-formed entity tag that is no current version (v0, a version to
// come, a weak or foreign tag) is a 412, and only a header that is no
// entity tag at all is a 400, naming the header.
func TestRequests_IfMatchForms(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id
	tag := b.call("GET", path, b.token, nil).rec.Header().Get("ETag")
	require.Equal(t, `"v1"`, tag)

	n := 0
	patch := func(ifMatch ...string) response {
		n++
		return b.send("PATCH", path, ifMatch, `{"tracking_number":"T-`+string(rune('A'+n))+`"}`)
	}
	star := patch("*")
	require.Equal(t, http.StatusOK, star.status(), star.rec.Body.String())
	require.Equal(t, `"v2"`, star.rec.Header().Get("ETag"))
	for _, h := range []string{`"v0"`, `"v1"`, `"v3"`, `"v99999999999999999999999"`, `"v02"`, `W/"v2"`, `"abc"`, `""`} {
		r := patch(h)
		require.Equal(t, http.StatusPreconditionFailed, r.status(), "If-Match: %s: %s", h, r.rec.Body.String())
	}
	for _, h := range [][]string{{"yesterday"}, {"v2"}, {`"v2`}, {""}, {`"v2", "v3"`}, {`"v2"`, `"v3"`}, {`"v 2"`}} {
		r := patch(h...)
		require.Equal(t, http.StatusBadRequest, r.status(), "If-Match: %q: %s", h, r.rec.Body.String())
		require.Contains(t, r.str("detail"), "If-Match")
	}
	require.Equal(t, "T-B", b.call("GET", path, b.token, nil).str("tracking_number"), "only * changed anything")
	require.Equal(t, http.StatusOK, patch(`"v2"`).status())

	// The other changes of a request read If-Match the same way.
	ext := b.send("POST", path+"/extension", []string{`"v0"`}, `{"invoked_on":"2017-04-05","reason":"unusual circumstances"}`)
	require.Equal(t, http.StatusPreconditionFailed, ext.status(), ext.rec.Body.String())
	ack := b.send("POST", path+"/communications", []string{"*"},
		`{"direction":"in","channel":"email","kind":"acknowledgment","occurred_on":"2017-03-29"}`)
	require.Equal(t, http.StatusCreated, ack.status(), ack.rec.Body.String())
}

// Two clients correct one communication: GET and PATCH answer with its own
// version as the ETag, and a PATCH holding an older one gets 412 and
// changes nothing.
func TestCommunications_PatchIfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	logged := b.send("POST", "/api/v1/requests/"+id+"/communications", nil,
		`{"direction":"in","channel":"email","kind":"acknowledgment","occurred_on":"2017-03-29","subject":"Received"}`)
	require.Equal(t, http.StatusCreated, logged.status(), logged.rec.Body.String())
	path := "/api/v1/communications/" + logged.str("communication.id")

	got := b.call("GET", path, b.token, nil)
	require.Equal(t, http.StatusOK, got.status())
	tag := got.rec.Header().Get("ETag")
	require.Equal(t, `"v1"`, tag, "the communication's own version")

	patch := func(subject string, ifMatch ...string) response {
		return b.send("PATCH", path, ifMatch, `{"subject":"`+subject+`"}`)
	}
	first := patch("First", tag)
	require.Equal(t, http.StatusOK, first.status(), first.rec.Body.String())
	newTag := first.rec.Header().Get("ETag")
	require.Equal(t, `"v2"`, newTag)
	require.Equal(t, float64(2), first.body["version"])
	require.Equal(t, newTag, b.call("GET", path, b.token, nil).rec.Header().Get("ETag"))

	stale := patch("Second", tag)
	require.Equal(t, http.StatusPreconditionFailed, stale.status(), stale.rec.Body.String())
	require.Contains(t, stale.str("detail"), "changed since you read it")
	for _, h := range []string{`"v0"`, `"v3"`, `W/"v2"`, `"abc"`} {
		require.Equal(t, http.StatusPreconditionFailed, patch("Second", h).status(), h)
	}
	bad := patch("Second", "v2")
	require.Equal(t, http.StatusBadRequest, bad.status())
	require.Contains(t, bad.str("detail"), "If-Match")
	require.Equal(t, "First", b.call("GET", path, b.token, nil).str("subject"), "no refused edit changed anything")

	require.Equal(t, http.StatusOK, patch("Second", newTag).status())
	require.Equal(t, http.StatusOK, patch("Third", "*").status())
	require.Equal(t, http.StatusOK, patch("Fourth").status(), "without If-Match, whatever the version")
	require.Equal(t, "Fourth", b.call("GET", path, b.token, nil).str("subject"))
}

// Correcting a communication, uploading a document and removing one change
// the request's ETag, as logging a communication does: a PATCH holding the
// ETag read before is refused (412) rather than applied over a change its
// sender never saw.
func TestRequests_ETagMovesWithCorrespondenceAndDocuments(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0) // the upload's text extracted before it answers
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id
	comm := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "other",
		"occurred_on": "2017-03-28", "subject": "A call back"}).str("communication.id")
	var docID string
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
	}{
		{"communication corrected", func(t *testing.T) {
			r := b.call("PATCH", "/api/v1/communications/"+comm, b.token, map[string]any{"occurred_on": "2017-03-29"})
			require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		}},
		{"document uploaded", func(t *testing.T) {
			up := b.upload(id, comm, "notes.txt", "text/plain", []byte("Notes of the call."))
			require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
			docID = up.str("id")
		}},
		{"document removed", func(t *testing.T) {
			r := b.call("DELETE", "/api/v1/documents/"+docID, b.token, nil)
			require.Equal(t, http.StatusNoContent, r.status(), r.rec.Body.String())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := b.call("GET", path, b.token, nil)
			tag := before.rec.Header().Get("ETag")
			tc.change(t)
			after := b.call("GET", path, b.token, nil)
			require.NotEqual(t, tag, after.rec.Header().Get("ETag"))
			require.Equal(t, before.body["version"].(float64)+1, after.body["version"])
			stale := b.send("PATCH", path, []string{tag}, `{"tracking_number":"T-1"}`)
			require.Equal(t, http.StatusPreconditionFailed, stale.status(), stale.rec.Body.String())
		})
	}
}
