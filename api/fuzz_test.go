package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// fuzzServe sends one request and fails on anything but a documented
// success or a 4xx problem+json: bad input must never be a 500.
func fuzzServe(t *testing.T, b *testBundle, req *http.Request) *httptest.ResponseRecorder {
	req.Header.Set("Authorization", "Bearer "+b.token)
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s answered %d: %s", req.Method, req.URL, rec.Code, rec.Body.String())
	}
	if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s answered %d without problem+json", req.Method, req.URL, rec.Code)
	}
	return rec
}

// fuzzBundle is one organization shared by a fuzz target's iterations, in
// a database of its own with a connection pool, as in production: one bad
// input cannot poison the next (a store bound to one transaction would).
func fuzzBundle(f *testing.F) (*testBundle, string, string) {
	st := store.New(storetest.DB(f), sunshine.NewFixedClock(now))
	fx := storetest.Org(f, st, "fuzz")
	b := &testBundle{t: f, st: st, fx: fx, token: fx.Token, logs: &bytes.Buffer{},
		srv: api.New(st, api.Config{BodyLimit: 64 << 10, InlineExtraction: true})}
	agency := b.agency("Sacramento County Sheriff's Department", "us-ca")
	req := b.request(agency, "2017-03-27")
	return b, agency, req
}

// FuzzWriteBodies sends arbitrary bodies to every JSON write endpoint.
func FuzzWriteBodies(f *testing.F) {
	b, agency, id := fuzzBundle(f)
	comm := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "other", "occurred_on": "2017-03-28"}).str("communication.id")
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/agencies"}, {"PATCH", "/api/v1/agencies/" + agency},
		{"POST", "/api/v1/requests"}, {"PATCH", "/api/v1/requests/" + id},
		{"POST", "/api/v1/requests/" + id + "/transitions"}, {"POST", "/api/v1/requests/" + id + "/extension"},
		{"PUT", "/api/v1/requests/" + id + "/custom_due_on"},
		{"POST", "/api/v1/requests/" + id + "/communications"}, {"PATCH", "/api/v1/communications/" + comm},
		{"POST", "/api/v1/users"}, {"PATCH", "/api/v1/users/" + b.fx.Admin.ID}, {"POST", "/api/v1/tokens"},
		{"PUT", "/api/v1/me/preferences"}, {"PUT", "/api/v1/reminder_policy"},
		{"POST", "/api/v1/agencies/" + agency + "/closures"},
	}
	for i, s := range []string{
		`{"name":"Fresno PD","jurisdiction":"us-ca","time_zone":"Mars/Olympus"}`,
		`{"phone":"` + strings.Repeat("9", 60) + `"}`,
		`{"agency_id":"` + agency + `","title":"t","delivery_method":"email","received_on":"2017-03-27"}`,
		`{"assignee_id":null,"tags":[[[[[[[[[[]]]]]]]]]],"agency_estimated_on":"2017-02-30"}`,
		`{"to":"awaiting_requester","effective_on":"1900-01-01"}`,
		`{"invoked_on":"2017-03-01","reason":"` + strings.Repeat("x", 3000) + `"}`,
		`{"date":null}`,
		`{"direction":"in","channel":"mail","kind":"extension_notice","occurred_on":"2017-04-03","custom_due_on":"2017-05-01"}`,
		`{"fee_amount":"12.","exemptions_cited":["a","",null]}`,
		`{"email":"x'; DROP TABLE users; --@example.org","role":"root"}`,
		`{"role":"viewer"}`,
		"{\"name\":\"\xff\"}",
		`{"digest_hour":24,"kinds":["digest"]}`,
		`{"due_soon_business_days":[0,31,1,2,3,4],"time_zone":""}`,
		`{"closed_on":"2017-03-29","reason":"snow\u2028and ice"}`,
	} {
		f.Add(uint8(i), []byte(s))
	}
	f.Add(uint8(2), []byte(strings.Repeat("[", 10000)))
	f.Add(uint8(2), []byte(`null`))
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := routes[int(route)%len(routes)]
		req := httptest.NewRequest(r.method, r.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		fuzzServe(t, b, req)
	})
}

func FuzzListFilters(f *testing.F) {
	b, agency, id := fuzzBundle(f)
	// Cursors of the right shape with edge values: year 0, far future, not UTF-8.
	cursor := func(key string) string {
		return "cursor=" + base64.RawURLEncoding.EncodeToString([]byte(key+"\x00"+agency))
	}
	for _, s := range []string{"status=submitted&status=draft", "due_before=2017-04-01&overdue=true", "agency_id=" + agency,
		"assignee_id=none&jurisdiction=us-ny&jurisdiction=us-zz",
		"q=ICE%20-detainer%20%22287(g)%22", "cursor=%00%01", "limit=-1", "tag=%E2%80%AE", "q=" + strings.Repeat("a ", 500),
		cursor("documents\x000000-01-01T00:00:00Z"), cursor("reminders\x000000-01-01T00:00:00Z"),
		cursor("communications\x001000-01-01 9999-12-31T23:59:59.999999999+14:00"), cursor("events\x00"),
		cursor("requests\x00infinity"), cursor("agencies\x00\xd3M")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, path := range []string{"/api/v1/requests?", "/api/v1/search?q=x&", "/api/v1/agencies?", "/api/v1/requests.csv?",
			"/api/v1/reminders?", "/api/v1/requests/" + id + "/communications?", "/api/v1/requests/" + id + "/documents?",
			"/api/v1/requests/" + id + "/events?"} {
			req, err := http.NewRequest("GET", path+query, nil)
			if err != nil {
				return // not a URL a client could send
			}
			fuzzServe(t, b, req)
		}
	})
}

func FuzzUpload(f *testing.F) {
	b, _, id := fuzzBundle(f)
	f.Add("report.pdf", []byte("%PDF-1.4 not really"), "")
	f.Add("../../etc/passwd", []byte("root:x:0:0"), "00000000-0000-0000-0000-000000000000")
	f.Add("\x00\r\n.html", []byte("<script>alert(1)</script>"), "nope")
	f.Fuzz(func(t *testing.T, name string, content []byte, commID string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if commID != "" {
			_ = mw.WriteField("communication_id", commID)
		}
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			return
		}
		_, _ = fw.Write(content)
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/api/v1/requests/"+id+"/documents", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := fuzzServe(t, b, req)
		if rec.Code == http.StatusCreated && strings.ContainsAny(decodedName(rec), "/\\\x00") {
			t.Fatalf("unsanitised file name stored: %s", rec.Body.String())
		}
	})
}

// decodedName is the stored file name as a client reads it (JSON-decoded:
// "&" arrives as \u0026, which is no backslash in the name).
func decodedName(rec *httptest.ResponseRecorder) string {
	var doc struct {
		Filename string `json:"filename"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &doc)
	return doc.Filename
}
