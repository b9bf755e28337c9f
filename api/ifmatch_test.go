package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store/storetest"
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

// Two clients edit one agency: GET, POST and PATCH answer with its version
// as the ETag, and a PATCH holding an older one (or a tag that names no
// version of it) gets 412 naming If-Match and changes nothing. If-Match is
// optional, as for a request: without it the change is made whatever the
// version. Closure days are no part of the agency: adding one leaves the
// ETag alone.
func TestAgencies_PatchIfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	made := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": "Sheriff", "jurisdiction": "us-ca"})
	require.Equal(t, http.StatusCreated, made.status(), made.rec.Body.String())
	require.Equal(t, `"v1"`, made.rec.Header().Get("ETag"), "POST")
	path := "/api/v1/agencies/" + made.str("id")
	got := b.call("GET", path, b.token, nil)
	require.Equal(t, `"v1"`, got.rec.Header().Get("ETag"), "GET")
	require.Equal(t, float64(1), got.body["version"])

	for _, tc := range []struct {
		name    string
		ifMatch []string
		phone   string
		status  int
		etag    string // after the call, from a GET
		detail  string // in the problem's detail
	}{
		{"current", []string{`"v1"`}, "916-874-0001", http.StatusOK, `"v2"`, ""},
		{"stale", []string{`"v1"`}, "916-874-0002", http.StatusPreconditionFailed, `"v2"`, `If-Match does not hold: the agency changed since you read it (it is at "v2", you had "v1")`},
		{"to come", []string{`"v3"`}, "916-874-0003", http.StatusPreconditionFailed, `"v2"`, "If-Match"},
		{"v0", []string{`"v0"`}, "916-874-0004", http.StatusPreconditionFailed, `"v2"`, "If-Match"},
		{"weak", []string{`W/"v2"`}, "916-874-0005", http.StatusPreconditionFailed, `"v2"`, "If-Match names no version of this agency"},
		{"foreign", []string{`"abc"`}, "916-874-0006", http.StatusPreconditionFailed, `"v2"`, "If-Match names no version of this agency"},
		{"no entity tag", []string{"v2"}, "916-874-0007", http.StatusBadRequest, `"v2"`, "If-Match must be one ETag a GET of the agency returned"},
		{"two tags", []string{`"v2"`, `"v3"`}, "916-874-0008", http.StatusBadRequest, `"v2"`, "If-Match"},
		{"current again", []string{`"v2"`}, "916-874-0009", http.StatusOK, `"v3"`, ""},
		{"any version", []string{"*"}, "916-874-0010", http.StatusOK, `"v4"`, ""},
		{"none", nil, "916-874-0011", http.StatusOK, `"v5"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.send("PATCH", path, tc.ifMatch, `{"phone":"`+tc.phone+`"}`)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			after := b.call("GET", path, b.token, nil)
			require.Equal(t, tc.etag, after.rec.Header().Get("ETag"))
			if tc.status == http.StatusOK {
				require.Equal(t, tc.etag, r.rec.Header().Get("ETag"), "the PATCH answers the new ETag")
				require.Equal(t, tc.phone, after.str("phone"))
				return
			}
			require.NotEqual(t, tc.phone, after.str("phone"), "a refused change changes nothing")
			require.Empty(t, r.rec.Header().Get("ETag"))
			require.Contains(t, r.str("detail"), tc.detail)
			if tc.status == http.StatusPreconditionFailed {
				require.True(t, strings.HasSuffix(r.str("type"), "#precondition_failed"), r.str("type"))
				require.Equal(t, "Precondition failed", r.str("title"))
			}
		})
	}

	closed := b.call("POST", path+"/closures", b.token, map[string]any{"closed_on": "2017-03-29", "reason": "storm"})
	require.Equal(t, http.StatusCreated, closed.status(), closed.rec.Body.String())
	require.Equal(t, `"v5"`, b.call("GET", path, b.token, nil).rec.Header().Get("ETag"), "a closure day is not a change to the agency")
	require.Equal(t, http.StatusOK, b.send("PATCH", path, []string{`"v5"`}, `{"name":"Sheriff's Department"}`).status())

	other := *b
	other.token = storetest.Org(t, b.st, "other").Token
	require.Equal(t, http.StatusNotFound, other.send("PATCH", path, []string{`"v6"`}, `{"name":"Mine"}`).status(), "another organization's agency")
	require.Equal(t, "Sheriff's Department", b.call("GET", path, b.token, nil).str("name"))
}
