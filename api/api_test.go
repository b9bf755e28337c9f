package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// 08:00 in Sacramento, Wednesday 5 April 2017.
var now = time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)

type testBundle struct {
	t     testing.TB
	srv   *api.Server
	st    *store.Store
	fx    storetest.Fixture
	token string // the admin's
	logs  *bytes.Buffer
	clk   *sunshine.FixedClock
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	clk := sunshine.NewFixedClock(now)
	st := storetest.Tx(t, clk)
	fx := storetest.Org(t, st, "ndlon")
	logs := &bytes.Buffer{}
	srv := api.New(st, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), BodyLimit: 64 << 10})
	return &testBundle{t: t, srv: srv, st: st, fx: fx, token: fx.Token, logs: logs, clk: clk}
}

type response struct {
	rec  *httptest.ResponseRecorder
	body map[string]any
}

func (r response) status() int { return r.rec.Code }

// str digs a string out of the JSON body by path, e.g. "deadline.due_on".
func (r response) str(path string) string {
	var v any = r.body
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func (r response) items() []map[string]any {
	raw, _ := r.body["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// fieldErrors returns the names of the fields a problem response blames.
func (r response) fieldErrors() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// call sends a request through the real router, checks the response
// against docs/openapi.yaml and decodes its JSON body.
func (b *testBundle) call(method, path, token string, body any) response {
	b.t.Helper()
	var rdr io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rdr = strings.NewReader(v)
	case []byte:
		rdr = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		require.NoError(b.t, err)
		rdr = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rdr)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	requireSpec(b.t, httptest.NewRequest(method, path, nil), rec)
	out := response{rec: rec}
	if strings.Contains(rec.Header().Get("Content-Type"), "json") && rec.Body.Len() > 0 {
		require.NoError(b.t, json.Unmarshal(rec.Body.Bytes(), &out.body), rec.Body.String())
	}
	if rec.Code >= 400 {
		require.Equal(b.t, "application/problem+json", rec.Header().Get("Content-Type"), rec.Body.String())
	}
	return out
}

func (b *testBundle) agency(name, jurisdiction string) string {
	b.t.Helper()
	r := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": name, "jurisdiction": jurisdiction})
	require.Equal(b.t, http.StatusCreated, r.status(), r.rec.Body.String())
	return r.str("id")
}

func (b *testBundle) request(agencyID, received string) string {
	b.t.Helper()
	body := map[string]any{"agency_id": agencyID, "title": "All communications with ICE since 20 January 2017",
		"delivery_method": "email", "description": "Detainer and notification requests."}
	if received != "" {
		body["received_on"] = received
	}
	r := b.call("POST", "/api/v1/requests", b.token, body)
	require.Equal(b.t, http.StatusCreated, r.status(), r.rec.Body.String())
	return r.str("id")
}

// user adds a user with a role (uninvited: no email in the outbox) and
// returns a token for them.
func (b *testBundle) user(email string, role sunshine.Role) string {
	b.t.Helper()
	u := &sunshine.User{Email: email, Role: role}
	require.NoError(b.t, b.st.CreateUser(b.fx.Ctx, u))
	tok := b.call("POST", "/api/v1/tokens", b.token, map[string]any{"user_id": u.ID, "name": "test"})
	require.Equal(b.t, http.StatusCreated, tok.status(), tok.rec.Body.String())
	return tok.str("token")
}

// A user added through the API is invited, as from the settings page: an
// email to set a password is in the outbox, so they can sign in.
func TestUsers_CreateInvites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call("POST", "/api/v1/users", b.token, map[string]any{"email": "organizer@ndlon.example", "name": "Organizer", "role": "staff"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Equal(t, "invite", rs[0].Kind)
	require.Equal(t, r.str("id"), rs[0].RecipientID)
	link, err := b.st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	require.Contains(t, link, "/invite/")
}

func TestRequests_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")

	r := b.call("POST", "/api/v1/requests", b.token, map[string]any{
		"agency_id": sheriff, "title": "All communications with ICE since 20 January 2017",
		"delivery_method": "email", "sent_on": "2017-03-27", "received_on": "2017-03-27", "tags": []string{"ice"},
	})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	id := r.str("id")
	require.Equal(t, "submitted", r.str("status"))
	require.Equal(t, "us-ca", r.str("jurisdiction"))
	require.Equal(t, "2017-04-06", r.str("due_on"))
	require.Equal(t, "2017-04-06", r.str("deadline.due_on"))
	require.Equal(t, "Gov. Code 7922.535(a)", r.str("deadline.law.citation"))
	steps := r.body["deadline"].(map[string]any)["steps"].([]any)
	require.Equal(t, "Due Thu 6 Apr 2017.", steps[len(steps)-1])
	require.Equal(t, float64(1), r.body["days_until_due"], "5 April in Sacramento: due tomorrow")
	require.Equal(t, false, r.body["overdue"])

	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, http.StatusOK, got.status())
	require.Equal(t, r.body, got.body, "POST returns what GET returns")
	require.Equal(t, r.rec.Header().Get("ETag"), got.rec.Header().Get("ETag"))

	list := b.call("GET", "/api/v1/requests?status=submitted&tag=ice", b.token, nil)
	require.Equal(t, http.StatusOK, list.status())
	require.Len(t, list.items(), 1)
	require.Nil(t, list.body["next_cursor"])

	upd := b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"tracking_number": "R-2017-0042", "agency_estimated_on": "2017-04-30"})
	require.Equal(t, http.StatusOK, upd.status(), upd.rec.Body.String())
	require.Equal(t, "R-2017-0042", upd.str("tracking_number"))
	require.Equal(t, "2017-04-30", upd.str("agency_estimated_on"))
	upd = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"agency_estimated_on": nil})
	require.Equal(t, http.StatusOK, upd.status())
	require.Nil(t, upd.body["agency_estimated_on"], "null clears the date")

	// A mistyped receipt date is corrected, and the deadline follows it.
	upd = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"received_on": "2017-03-28"})
	require.Equal(t, http.StatusOK, upd.status(), upd.rec.Body.String())
	require.Equal(t, "2017-04-07", upd.str("due_on"))
	upd = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"received_on": "2017-04-27"})
	require.Equal(t, http.StatusBadRequest, upd.status())
	require.Equal(t, []string{"received_on"}, upd.fieldErrors(), "not in the future")
	upd = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"received_on": nil})
	require.Equal(t, []string{"received_on"}, upd.fieldErrors(), "cannot be null")
	upd = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"received_on": "2017-03-27"})
	require.Equal(t, http.StatusOK, upd.status(), upd.rec.Body.String())
	require.Equal(t, "2017-04-06", upd.str("due_on"))

	ext := b.call("POST", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"invoked_on": "2017-04-03", "reason": "records at another facility"})
	require.Equal(t, http.StatusOK, ext.status(), ext.rec.Body.String())
	require.Equal(t, "2017-04-20", ext.str("due_on"))
	require.Equal(t, true, ext.body["deadline"].(map[string]any)["extended"])

	tr := b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "acknowledged", "effective_on": "2017-04-04"})
	require.Equal(t, http.StatusOK, tr.status(), tr.rec.Body.String())
	require.Equal(t, "acknowledged", tr.str("status"))

	bad := b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "draft"})
	require.Equal(t, http.StatusConflict, bad.status())
	require.Contains(t, bad.body["allowed"], "awaiting_requester")

	cd := b.call("PUT", "/api/v1/requests/"+id+"/custom_due_on", b.token, map[string]any{"date": "2017-05-15", "reason": "agreed by phone"})
	require.Equal(t, http.StatusOK, cd.status(), cd.rec.Body.String())
	require.Equal(t, "2017-05-15", cd.str("deadline.effective_due_on"))
	require.Equal(t, "2017-04-20", cd.str("due_on"), "the statutory date is kept beside it")

	ev := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil)
	require.Equal(t, http.StatusOK, ev.status())
	var kinds []string
	for _, e := range ev.items() {
		kinds = append(kinds, e["kind"].(string))
	}
	require.Equal(t, []string{"created", "deadline_computed", "updated", "updated", "updated", "deadline_computed", "updated", "deadline_computed", "deadline_extended", "deadline_computed", "status_changed", "custom_due_set"}, kinds)
}

func TestRequests_Draft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("FBI", "us-federal"), "")
	r := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, "draft", r.str("status"))
	require.Nil(t, r.body["due_on"])

	r = b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "submitted"})
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"received_on"}, r.fieldErrors())

	r = b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "submitted", "received_on": "2017-03-27"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-24", r.str("due_on"))

	// The FOIA clock stops while the agency waits on us.
	r = b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "awaiting_requester", "effective_on": "2017-03-29"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["deadline"].(map[string]any)["paused"])
	require.Equal(t, float64(19), r.body["deadline"].(map[string]any)["remaining_days"])
	require.Nil(t, r.body["due_on"])
	require.Equal(t, false, r.body["overdue"])
	r = b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "acknowledged", "effective_on": "2017-04-03"})
	require.Equal(t, http.StatusOK, r.status())
	require.Equal(t, "2017-04-28", r.str("due_on"))
}

// The create response is built without re-reading the row: it must be
// exactly what a GET of the new request returns, whatever its shape.
func TestRequests_CreateAnswersWhatGetReturns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := b.call("POST", "/api/v1/users", b.token, map[string]any{"email": "staff@example.org", "role": "staff"})
	require.Equal(t, http.StatusCreated, staff.status(), staff.rec.Body.String())
	for _, tc := range []struct {
		name, jurisdiction string
		extra              map[string]any
	}{
		{"draft", "us-federal", nil},
		{"submitted with everything", "us-ca", map[string]any{"received_on": "2017-03-27", "sent_on": "2017-03-26",
			"tags": []string{"ice", "287g"}, "tracking_number": "R-1", "assignee_id": staff.str("id")}},
		{"law without a date", "us-fl", map[string]any{"received_on": "2017-03-27"}},
		{"overdue on arrival", "us-federal", map[string]any{"received_on": "2017-01-03"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"agency_id": b.agency("Agency "+tc.name, tc.jurisdiction), "title": "Records",
				"delivery_method": "portal"}
			for k, v := range tc.extra {
				body[k] = v
			}
			created := b.call("POST", "/api/v1/requests", b.token, body)
			require.Equal(t, http.StatusCreated, created.status(), created.rec.Body.String())
			got := b.call("GET", "/api/v1/requests/"+created.str("id"), b.token, nil)
			require.Equal(t, http.StatusOK, got.status())
			require.Equal(t, got.body, created.body)
			require.Equal(t, got.rec.Header().Get("ETag"), created.rec.Header().Get("ETag"))
		})
	}
}

func TestRequests_ExtensionRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC)) // Texas's rule starts 2023-09-01
	id := b.request(b.agency("Austin Police Department", "us-tx"), "2024-03-04")
	r := b.call("POST", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{})
	require.Equal(t, http.StatusUnprocessableEntity, r.status())
	require.Contains(t, r.str("detail"), "Texas Public Information Act")
}

// An extension recorded by mistake is undone with DELETE, under If-Match.
func TestRequests_UndoExtension(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	r := b.call("POST", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"invoked_on": "2017-04-03"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-20", r.str("due_on"))
	stale := r.rec.Header().Get("ETag")

	b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"tracking_number": "R-1"})
	r = b.send("DELETE", "/api/v1/requests/"+id+"/extension", []string{stale}, "")
	require.Equal(t, http.StatusPreconditionFailed, r.status(), "someone changed it since")

	r = b.call("DELETE", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"reason": 5})
	require.Equal(t, http.StatusBadRequest, r.status(), "a reason, if given, is text")
	r = b.call("DELETE", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"reason": "the notice was for another request"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, false, r.body["deadline"].(map[string]any)["extended"])
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	require.Equal(t, "extension_undone", events[len(events)-2]["kind"])
	require.Equal(t, "the notice was for another request", events[len(events)-2]["note"], "then the due date computed again")
	require.Equal(t, "2017-04-06", r.str("due_on"))
	require.NotEmpty(t, r.rec.Header().Get("ETag"))
	r = b.call("DELETE", "/api/v1/requests/"+id+"/extension", b.token, nil)
	require.Equal(t, http.StatusConflict, r.status())
	require.Contains(t, r.str("detail"), "not extended")
}

func TestRequests_ListFiltersAndPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	first := b.request(a, "2017-03-20") // due 2017-03-30: overdue on 5 April
	second := b.request(a, "2017-03-27")
	draft := b.request(a, "")

	r := b.call("GET", "/api/v1/requests?overdue=true", b.token, nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Len(t, r.items(), 1)
	require.Equal(t, first, r.items()[0]["id"])
	require.Equal(t, true, r.items()[0]["overdue"])

	var ids []any
	path := "/api/v1/requests?limit=2"
	for path != "" {
		r = b.call("GET", path, b.token, nil)
		require.Equal(t, http.StatusOK, r.status())
		for _, it := range r.items() {
			ids = append(ids, it["id"])
		}
		path = ""
		if next, ok := r.body["next_cursor"].(string); ok {
			path = "/api/v1/requests?limit=2&cursor=" + next
		}
	}
	require.Equal(t, []any{first, second, draft}, ids)

	for _, tc := range []struct{ query, field string }{
		{"status=lost", "status"},
		{"due_before=2017-02-30", "due_before"},
		{"agency_id=nope", "agency_id"},
		{"overdue=yes", "overdue"},
		{"limit=0", "limit"},
		{"limit=500", "limit"},
		{"stauts=submitted", "stauts"},
		{"cursor=zzz", "cursor"},
	} {
		r := b.call("GET", "/api/v1/requests?"+tc.query, b.token, nil)
		require.Equal(t, http.StatusBadRequest, r.status(), tc.query)
		require.Equal(t, []string{tc.field}, r.fieldErrors(), tc.query)
	}
}

// assignee_id=none lists the requests no one is assigned to; jurisdiction,
// repeatable like status, the requests under those laws. The CSV export
// takes both. A bad value is a 400 naming its field, every one at once; an
// unknown law's lists the known codes.
func TestRequests_ListUnassignedAndByLaw(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ca, ny, fed := b.agency("Sheriff", "us-ca"), b.agency("NYPD", "us-ny"), b.agency("ICE Field Office", "us-federal")
	caReq := b.request(ca, "2017-03-20") // due 2017-03-30
	nyReq := b.request(ny, "2017-03-27")
	fedReq := b.request(fed, "2017-03-27")
	draft := b.request(ca, "")
	r := b.call("PATCH", "/api/v1/requests/"+fedReq, b.token, map[string]any{"assignee_id": b.fx.Admin.ID})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	r = b.call("PATCH", "/api/v1/requests/"+caReq, b.token, map[string]any{"assignee_id": b.fx.Admin.ID})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())

	listed := func(query string) []string {
		t.Helper()
		r := b.call("GET", "/api/v1/requests?"+query, b.token, nil)
		require.Equal(t, http.StatusOK, r.status(), "%s: %s", query, r.rec.Body.String())
		ids := []string{}
		for _, it := range r.items() {
			ids = append(ids, it["id"].(string))
		}
		return ids
	}
	exported := func(query string) []string {
		t.Helper()
		rec := b.raw("/api/v1/requests.csv?" + query)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", query, rec.Body.String())
		rows, err := csv.NewReader(rec.Body).ReadAll()
		require.NoError(t, err)
		ids := []string{}
		for _, row := range rows[1:] {
			ids = append(ids, row[0])
		}
		return ids
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"assignee_id=none", []string{nyReq, draft}},
		{"assignee_id=" + b.fx.Admin.ID, []string{caReq, fedReq}},
		{"assignee_id=none&status=submitted", []string{nyReq}},
		{"jurisdiction=us-ny", []string{nyReq}},
		{"jurisdiction=us-ca", []string{caReq, draft}},
		{"jurisdiction=us-ny&jurisdiction=us-federal", []string{nyReq, fedReq}},
		{"jurisdiction=us-tx", []string{}},
		{"jurisdiction=us-ca&assignee_id=none", []string{draft}},
	} {
		require.Equal(t, tc.want, listed(tc.query), tc.query)
		require.Equal(t, tc.want, exported(tc.query), "the CSV export: %s", tc.query)
	}
	r = b.call("GET", "/api/v1/requests?jurisdiction=us-ny", b.token, nil)
	require.Equal(t, "us-ny", r.items()[0]["jurisdiction"], "the field the filter matches")

	for _, path := range []string{"/api/v1/requests?", "/api/v1/requests.csv?"} {
		for _, tc := range []struct {
			query  string
			fields []string
			says   string
		}{
			{"jurisdiction=us-zz", []string{"jurisdiction"}, `unknown jurisdiction "us-zz": one of `},
			{"jurisdiction=us-ny&jurisdiction=California", []string{"jurisdiction"}, "us-ca, "},
			{"jurisdiction=US-NY", []string{"jurisdiction"}, "GET /api/v1/jurisdictions"},
			{"assignee_id=nobody", []string{"assignee_id"}, "or none for the requests no one is assigned to"},
			{"assignee_id=None", []string{"assignee_id"}, "must be a user's ID"},
			{"assignee_id=none&assignee_id=none", []string{"assignee_id"}, "must be given once"},
			// Every bad value at once.
			{"assignee_id=nobody&jurisdiction=us-zz&status=lost", []string{"status", "assignee_id", "jurisdiction"}, "unknown status"},
		} {
			var rec *httptest.ResponseRecorder
			if strings.Contains(path, ".csv") {
				rec = b.raw(path + tc.query)
			} else {
				rec = b.call("GET", path+tc.query, b.token, nil).rec
			}
			require.Equal(t, http.StatusBadRequest, rec.Code, "%s%s", path, tc.query)
			require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			var p struct {
				Errors []struct{ Field, Message string }
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
			var fields, msgs []string
			for _, e := range p.Errors {
				fields, msgs = append(fields, e.Field), append(msgs, e.Message)
			}
			require.ElementsMatch(t, tc.fields, fields, "%s%s", path, tc.query)
			require.Contains(t, strings.Join(msgs, "\n"), tc.says, "%s%s", path, tc.query)
		}
	}
}

func TestRequests_BadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	valid := `{"agency_id":"` + a + `","title":"t","delivery_method":"email"}`
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		status      int
		fields      []string
	}{
		{"MalformedJSON", "application/json", `{"title":`, 400, nil},
		{"NotAnObject", "application/json", `[1,2]`, 400, nil},
		{"Empty", "application/json", ``, 400, nil},
		{"TrailingData", "application/json", valid + `{}`, 400, nil},
		{"UnknownField", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"email","org_id":"x"}`, 400, []string{"org_id"}},
		{"WrongType", "application/json", `{"agency_id":"` + a + `","title":42,"delivery_method":"email"}`, 400, []string{"title"}},
		{"MissingFields", "application/json", `{}`, 400, []string{"agency_id", "title", "delivery_method"}},
		{"BadDate", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"email","received_on":"2017-02-30"}`, 400, []string{"received_on"}},
		{"ReceivedBeforeSent", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"email","sent_on":"2017-03-28","received_on":"2017-03-27"}`, 400, []string{"received_on"}},
		{"LoneSurrogate", "application/json", `{"agency_id":"` + a + `","title":"\ud800abc","delivery_method":"email"}`, 400, nil},
		{"DuplicateKey", "application/json", `{"agency_id":"` + a + `","title":"t","title":"u","delivery_method":"email"}`, 400, []string{"title"}},
		{"TagOfWrongType", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"email","tags":["a",1]}`, 400, []string{"tags[1]"}},
		{"EveryBadFieldAtOnce", "application/json", `{"agency_id":"bad","title":"","delivery_method":"pigeon","sent_on":"x"}`, 400, []string{"agency_id", "title", "delivery_method", "sent_on"}},
		{"BadMethod", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"pigeon"}`, 400, []string{"delivery_method"}},
		{"UnknownAgency", "application/json", `{"agency_id":"00000000-0000-0000-0000-000000000000","title":"t","delivery_method":"email"}`, 400, []string{"agency_id"}},
		{"InvalidUTF8", "application/json", "{\"agency_id\":\"" + a + "\",\"title\":\"\xff\xfe\",\"delivery_method\":\"email\"}", 400, nil},
		{"SQLMetacharacters", "application/json", `{"agency_id":"` + a + `'; DROP TABLE requests;--","title":"t","delivery_method":"email"}`, 400, []string{"agency_id"}},
		{"NotJSON", "text/plain", valid, 415, nil},
		{"TooLarge", "application/json", `{"agency_id":"` + a + `","title":"t","delivery_method":"email","description":"` + strings.Repeat("x", 70<<10) + `"}`, 413, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/v1/requests", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Authorization", "Bearer "+b.token)
			rec := httptest.NewRecorder()
			b.srv.ServeHTTP(rec, req)
			requireSpec(t, httptest.NewRequest("POST", "/api/v1/requests", nil), rec)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			var p struct {
				Status int `json:"status"`
				Errors []struct {
					Field string `json:"field"`
				} `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
			require.Equal(t, tc.status, p.Status)
			var fields []string
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			if tc.fields != nil {
				require.ElementsMatch(t, tc.fields, fields)
			}
		})
	}
	// Nothing was written by any of them.
	r := b.call("GET", "/api/v1/requests", b.token, nil)
	require.Empty(t, r.items())
}

func TestRouting_Problems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call("GET", "/api/v1/nope", b.token, nil)
	require.Equal(t, http.StatusNotFound, r.status())
	r = b.call("DELETE", "/api/v1/requests", b.token, nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status())
	require.Equal(t, "Method not allowed", r.str("title"))
	r = b.call("GET", "/api/v1/requests/not-a-uuid", b.token, nil)
	require.Equal(t, http.StatusNotFound, r.status())
}

func TestCalculatorAndJurisdictions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call("GET", "/api/v1/deadline?jurisdiction=us-ca&received=2017-03-27", "", nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-06", r.str("due"))
	r = b.call("GET", "/api/v1/deadline?jurisdiction=us-ca&received=2017-03-27&extended=true", "", nil)
	require.Equal(t, "2017-04-20", r.str("due"))
	r = b.call("GET", "/api/v1/deadline?jurisdiction=us-fl&received=2024-05-01", "", nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Nil(t, r.body["due"])
	r = b.call("GET", "/api/v1/deadline?jurisdiction=us-tx&received=2024-05-01&extended=true", "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.status())
	require.Equal(t, []string{"extended"}, r.fieldErrors())
	r = b.call("GET", "/api/v1/deadline?jurisdiction=us-zz&received=2024-05-32", "", nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"received"}, r.fieldErrors())
	r = b.call("GET", "/api/v1/deadline", "", nil)
	require.ElementsMatch(t, []string{"jurisdiction", "received"}, r.fieldErrors())

	// Office closure days: a Texas count skips them, and the steps say so.
	r = b.call("GET", "/api/v1/deadline?jurisdiction=us-tx&received=2024-05-01&closed=2024-05-03:flood&closed=2024-05-06", "", nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2024-05-17", r.str("due"), "two closure days: due two business days after 15 May")
	require.Contains(t, r.rec.Body.String(), "Fri 3 May 2024: office closed (flood), not counted.")
	require.Contains(t, r.rec.Body.String(), "Mon 6 May 2024: office closed, not counted.")
	require.Equal(t, []any{map[string]any{"date": "2024-05-03", "reason": "flood"}, map[string]any{"date": "2024-05-06", "reason": ""}},
		r.body["closed"], "the answer echoes the days it skipped")
	for name, query := range map[string]string{
		"not a date":      "closed=3+May",
		"a day twice":     "closed=2024-05-03&closed=2024-05-03:flood",
		"two-line reason": "closed=2024-05-03:flood%0Aand+fire",
		"too many days":   strings.Repeat("closed=2024-05-03&", 101),
	} {
		r = b.call("GET", "/api/v1/deadline?jurisdiction=us-tx&received=2024-05-01&"+query, "", nil)
		require.Equal(t, http.StatusBadRequest, r.status(), name)
		require.Equal(t, []string{"closed"}, r.fieldErrors(), name)
	}

	r = b.call("GET", "/api/v1/jurisdictions", "", nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Len(t, r.items(), 19)
	for _, j := range r.items() {
		if j["code"] == "us-mi" {
			require.Equal(t, map[string]any{"business_days": float64(1), "citation": "MCL 15.235(1)"}, j["electronic_receipt"])
		} else {
			require.Nil(t, j["electronic_receipt"], j["code"])
		}
		met := j["code"] == "us-ny" || j["code"] == "us-wa"
		require.Equal(t, met, j["met_by_acknowledgment"], j["code"])
		if j["code"] == "us-wa" {
			require.Contains(t, j["met_by_clarification_request"], "RCW 42.56.520(1)(d)")
		} else {
			require.Nil(t, j["met_by_clarification_request"], j["code"])
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Equal(t, http.StatusOK, b.call("GET", "/healthz", "", nil).status())
	require.Equal(t, http.StatusOK, b.call("GET", "/readyz", "", nil).status())
	b.call("GET", "/api/v1/jurisdictions", "", nil)
	r := b.call("GET", "/metrics", "", nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Contains(t, r.rec.Body.String(), `sunshine_http_requests_total{method="GET",route="/api/v1/jurisdictions",status="200"} 1`)

	// With a metrics token, only a scraper that has it reads them.
	guarded := api.New(b.st, api.Config{MetricsToken: "scrape-secret-0123456789"})
	for _, tc := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"Basic scrape-secret-0123456789", http.StatusUnauthorized},
		{"Bearer scrape-secret-0123456789", http.StatusOK}, {"bearer scrape-secret-0123456789", http.StatusOK}} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		guarded.ServeHTTP(rec, req)
		require.Equal(t, tc.want, rec.Code, tc.auth)
		if tc.want == http.StatusOK {
			require.Contains(t, rec.Body.String(), "sunshine_http_requests_total")
		} else {
			require.NotContains(t, rec.Body.String(), "sunshine_http_requests_total")
			require.Equal(t, `Bearer realm="sunshine"`, rec.Header().Get("WWW-Authenticate"))
		}
	}

	notReady := api.New(b.st, api.Config{Ready: func(context.Context) error { return api.ReadyError{Msg: "database migrations are pending"} }})
	rec := httptest.NewRecorder()
	notReady.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Contains(t, rec.Body.String(), "migrations are pending")
}

func TestTokens_NeverLogged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	b.call("GET", "/api/v1/me", tok, nil)
	b.call("GET", "/api/v1/me", "sun_wrong", nil)
	require.NotContains(t, b.logs.String(), tok)
	require.NotContains(t, b.logs.String(), b.token)
	require.NotContains(t, b.logs.String(), "sun_")
	require.Contains(t, b.logs.String(), `"route":"/api/v1/me"`)
}

func TestStrictQueryAndAllow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.call("GET", "/api/v1/me?verbose=1", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"verbose"}, r.fieldErrors())
	r = b.call("PUT", "/api/v1/requests/00000000-0000-0000-0000-000000000000", b.token, nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status())
	require.Equal(t, "GET, HEAD, PATCH", r.rec.Header().Get("Allow"))
	r = b.call("GET", "/api/v1/requests/", b.token, nil)
	require.Equal(t, http.StatusNotFound, r.status(), "no redirect on a trailing slash")
	// A body over the limit without a token is a 401, not a 413.
	r = b.call("POST", "/api/v1/agencies", "", strings.Repeat("x", 70<<10))
	require.Equal(t, http.StatusUnauthorized, r.status())
}

// Every field of a body that cannot be decoded (unknown, or of the wrong
// type) is reported at once, so a client fixes them all in one go; one
// alone reads as before.
func TestBodyErrorsAllAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + req + "/communications"
	r := b.call("POST", path, b.token, `{"direction": 1, "kind": true, "chanel": "email", "occurred_on": "2017-03-28"}`)
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"chanel", "direction", "kind"}, r.fieldErrors())
	require.Contains(t, r.rec.Body.String(), "is not a known field")
	require.Contains(t, r.rec.Body.String(), "must be a string")

	// A PATCH's fields keep their type errors for the handler: an unknown
	// field beside them does not hide them.
	r = b.call("PATCH", "/api/v1/requests/"+req, b.token, `{"title": 5, "tags": [1, "a"], "colour": 1}`)
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"colour", "tags[0]", "title"}, r.fieldErrors())

	r = b.call("POST", path, b.token, `{"direction": 1, "kind": "other", "channel": "email", "occurred_on": "2017-03-28"}`)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"direction"}, r.fieldErrors())
	require.Equal(t, "direction: must be a string", r.str("detail"))
	r = b.call("POST", "/api/v1/agencies", b.token, `["not", "an", "object"]`)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, "the body must be a JSON object", r.str("detail"))

	// Thousands of bad keys: the first 100 are listed, the count said.
	var many strings.Builder
	many.WriteString("{")
	for i := range 3000 {
		fmt.Fprintf(&many, `"k%d": 1,`, i)
	}
	many.WriteString(`"subject": "x"}`)
	r = b.call("POST", path, b.token, many.String())
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Len(t, r.fieldErrors(), 100)
	require.Equal(t, "invalid input: 3000 fields cannot be read; the first 100 are listed", r.str("detail"))
}

// Logging a communication may move the request (a denial closes it): it
// takes If-Match like every other change and answers with the new ETag.
func TestCommunications_IfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	tag := b.call("GET", "/api/v1/requests/"+id, b.token, nil).rec.Header().Get("ETag")

	logComm := func(ifMatch, kind string) response {
		body := `{"direction":"in","channel":"email","kind":"` + kind + `","occurred_on":"2017-03-29","subject":"` + kind + `"}`
		req := httptest.NewRequest("POST", "/api/v1/requests/"+id+"/communications", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+b.token)
		req.Header.Set("If-Match", ifMatch)
		rec := httptest.NewRecorder()
		b.srv.ServeHTTP(rec, req)
		requireSpec(t, httptest.NewRequest("POST", "/api/v1/requests/"+id+"/communications", nil), rec)
		return decoded(t, rec)
	}
	ack := logComm(tag, "acknowledgment")
	require.Equal(t, http.StatusCreated, ack.status(), ack.rec.Body.String())
	require.Equal(t, "acknowledged", ack.str("request.status"))
	newTag := ack.rec.Header().Get("ETag")
	require.Regexp(t, `^"v[0-9]+"$`, newTag)
	require.NotEqual(t, tag, newTag)
	require.Equal(t, newTag, b.call("GET", "/api/v1/requests/"+id, b.token, nil).rec.Header().Get("ETag"))

	stale := logComm(tag, "denial")
	require.Equal(t, http.StatusPreconditionFailed, stale.status(), stale.rec.Body.String())
	require.Equal(t, http.StatusBadRequest, logComm("yesterday", "denial").status())
	require.Equal(t, "acknowledged", b.call("GET", "/api/v1/requests/"+id, b.token, nil).str("status"), "the stale denial closed nothing")
	require.Len(t, b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil).items(), 1, "and was not logged")

	// A communication that changes no status still changes the request
	// (its correspondence, last_communication_on): a new version.
	note := logComm(newTag, "other")
	require.Equal(t, http.StatusCreated, note.status(), note.rec.Body.String())
	noteTag := note.rec.Header().Get("ETag")
	require.NotEqual(t, newTag, noteTag)
	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, noteTag, got.rec.Header().Get("ETag"))
	require.Equal(t, "2017-03-29", got.str("last_communication_on"))
	require.Equal(t, http.StatusPreconditionFailed, logComm(newTag, "denial").status())
	require.Equal(t, http.StatusCreated, logComm(noteTag, "denial").status())
}

// Two clients edit one request: the second, holding an older version,
// gets 412 and changes nothing (ETag / If-Match).
func TestRequests_IfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	got := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	tag := got.rec.Header().Get("ETag")
	require.Regexp(t, `^"v[0-9]+"$`, tag)

	patch := func(ifMatch string, tracking string) response {
		req := httptest.NewRequest("PATCH", "/api/v1/requests/"+id, strings.NewReader(`{"tracking_number":"`+tracking+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+b.token)
		req.Header.Set("If-Match", ifMatch)
		rec := httptest.NewRecorder()
		b.srv.ServeHTTP(rec, req)
		requireSpec(t, httptest.NewRequest("PATCH", "/api/v1/requests/"+id, nil), rec)
		return decoded(t, rec)
	}
	first := patch(tag, "A-1")
	require.Equal(t, http.StatusOK, first.status(), first.rec.Body.String())
	require.NotEqual(t, tag, first.rec.Header().Get("ETag"))
	second := patch(tag, "B-2")
	require.Equal(t, http.StatusPreconditionFailed, second.status())
	require.Contains(t, second.str("detail"), "changed since you read it")
	require.Equal(t, "A-1", b.call("GET", "/api/v1/requests/"+id, b.token, nil).str("tracking_number"), "the stale write changed nothing")
	require.Equal(t, http.StatusBadRequest, patch("yesterday", "C-3").status())
	require.Equal(t, http.StatusOK, patch(first.rec.Header().Get("ETag"), "C-3").status())
}

// A PATCH names the field whose value has the wrong type, as a POST does.
func TestRequests_PatchWrongTypes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"title": 5}, "title"},
		{map[string]any{"tags": []any{"a", 1}}, "tags[1]"},
		{map[string]any{"tags": "ice"}, "tags"},
		{map[string]any{"assignee_id": true}, "assignee_id"},
		{map[string]any{"received_on": 20170327}, "received_on"},
	} {
		r := b.call("PATCH", "/api/v1/requests/"+id, b.token, tc.body)
		require.Equal(t, http.StatusBadRequest, r.status(), "%v", tc.body)
		require.Equal(t, []string{tc.field}, r.fieldErrors(), "%v", tc.body)
	}
	c := b.call("PUT", "/api/v1/requests/"+id+"/custom_due_on", b.token, map[string]any{"date": 5})
	require.Equal(t, []string{"date"}, c.fieldErrors())
	require.Equal(t, float64(1), b.call("GET", "/api/v1/requests/"+id, b.token, nil).body["version"], "nothing changed")
}

// A request appealed after it closed is not overdue on its old date, and
// has no days until due, until the appeal's own date is set.
func TestRequests_AppealSupersedesTheResponseDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-20") // due 30 March: late on 5 April
	require.Equal(t, true, b.call("GET", "/api/v1/requests/"+id, b.token, nil).body["overdue"])
	for _, to := range []string{"denied", "appealed"} {
		r := b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": to, "effective_on": "2017-04-03"})
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	}
	r := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, false, r.body["overdue"])
	require.Nil(t, r.body["days_until_due"])
	require.Empty(t, b.call("GET", "/api/v1/requests?overdue=true", b.token, nil).items())

	r = b.call("PUT", "/api/v1/requests/"+id+"/custom_due_on", b.token, map[string]any{"date": "2017-04-04", "reason": "appeal decision due"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["overdue"])
	require.Equal(t, float64(-1), r.body["days_until_due"])
	require.Len(t, b.call("GET", "/api/v1/requests?overdue=true", b.token, nil).items(), 1)
}

// Each creation answers 201 with the new resource's address in Location,
// and a GET there reads it.
func TestCreated_Location(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0) // text extracted before the upload answers: the store is the test's transaction
	agency := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": "Sheriff", "jurisdiction": "us-ca"})
	req := b.call("POST", "/api/v1/requests", b.token, map[string]any{"agency_id": agency.str("id"), "title": "ICE",
		"delivery_method": "email", "received_on": "2017-03-27"})
	comm := b.call("POST", "/api/v1/requests/"+req.str("id")+"/communications", b.token, map[string]any{"direction": "in",
		"channel": "email", "kind": "other", "occurred_on": "2017-03-28"})
	doc := b.upload(req.str("id"), "", "notes.txt", "text/plain", []byte("Received."))
	for _, tc := range []struct {
		name string
		r    response
		want string
	}{
		{"agency", agency, "/api/v1/agencies/" + agency.str("id")},
		{"request", req, "/api/v1/requests/" + req.str("id")},
		{"communication", comm, "/api/v1/communications/" + comm.str("communication.id")},
		{"document", doc, "/api/v1/documents/" + doc.str("id")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, http.StatusCreated, tc.r.status(), tc.r.rec.Body.String())
			require.Equal(t, tc.want, tc.r.rec.Header().Get("Location"))
			require.Equal(t, http.StatusOK, b.call("GET", tc.want, b.token, nil).status())
		})
	}
}

// null is refused, naming the field, wherever it would read as "left out"
// and change nothing without a word.
func TestNullRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	agency := b.agency("Sheriff", "us-ca")
	for _, tc := range []struct {
		method, path, body, field string
	}{
		{"POST", "/api/v1/agencies", `{"name": null, "jurisdiction": "us-ca"}`, "name"},
		{"PATCH", "/api/v1/agencies/" + agency, `{"name": null}`, "name"},
		{"PATCH", "/api/v1/agencies/" + agency, `{"time_zone": null}`, "time_zone"},
		{"PUT", "/api/v1/me/preferences", `{"kinds": null}`, "kinds"},
		{"PUT", "/api/v1/me/preferences", `{"digest_hour": null}`, "digest_hour"},
		{"PUT", "/api/v1/reminder_policy", `{"due_soon_business_days": null}`, "due_soon_business_days"},
		{"PUT", "/api/v1/reminder_policy", `{"time_zone": null, "overdue_repeat_days": null}`, "time_zone"},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.field, func(t *testing.T) {
			r := b.call(tc.method, tc.path, b.token, json.RawMessage(tc.body))
			require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
			require.Contains(t, r.fieldErrors(), tc.field)
		})
	}
	require.Equal(t, "Sheriff", b.call("GET", "/api/v1/agencies/"+agency, b.token, nil).str("name"), "nothing changed")
}

// HEAD answers as GET does, without the body (RFC 9110 9.3.2): a monitor
// checks /healthz, a client reads a document's size and ETag first.
func TestHead(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0) // text extracted before the upload answers: the store is the test's transaction
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	doc := b.upload(req, "", "notes.txt", "text/plain", []byte("Received on 27 March."))
	require.Equal(t, http.StatusCreated, doc.status())
	srv := httptest.NewServer(b.srv)
	t.Cleanup(srv.Close)
	head := func(path, token string) *http.Response {
		t.Helper()
		r, err := http.NewRequest("HEAD", srv.URL+path, nil)
		require.NoError(t, err)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(r)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Empty(t, body, "no body for HEAD")
		return resp
	}
	require.Equal(t, http.StatusOK, head("/healthz", "").StatusCode)
	resp := head("/api/v1/documents/"+doc.str("id")+"/content", b.token)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "21", resp.Header.Get("Content-Length"))
	require.NotEmpty(t, resp.Header.Get("ETag"))
	resp = head("/api/v1/requests/"+req, b.token)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Regexp(t, `^"v[0-9]+"$`, resp.Header.Get("ETag"))
	require.Equal(t, http.StatusUnauthorized, head("/api/v1/requests/"+req, "").StatusCode)
	require.Equal(t, http.StatusMethodNotAllowed, head("/api/v1/requests/"+req+"/transitions", b.token).StatusCode, "no GET there")
}

// The request's deadline carries the date to follow, as the pages and the
// CSV have it: the agency's estimate for an acknowledged FOIL request.
func TestRequests_FollowOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("NYPD", "us-ny"), "2017-03-27")
	r := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, r.str("deadline.due_on"), r.str("deadline.follow_on"), "the statutory date until acknowledged")
	r = b.call("POST", "/api/v1/requests/"+id+"/transitions", b.token, map[string]any{"to": "acknowledged", "effective_on": "2017-03-29"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	r = b.call("PATCH", "/api/v1/requests/"+id, b.token, map[string]any{"agency_estimated_on": "2017-04-28"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-28", r.str("deadline.follow_on"))
	require.NotEqual(t, "2017-04-28", r.str("deadline.due_on"), "the statutory date stays")
}

// An extension dated after the original due date is refused, naming
// invoked_on, and changes nothing; a notice dated on that day extends.
func TestRequests_ExtensionTooLate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2025, 5, 1, 15, 0, 0, 0, time.UTC))
	id := b.request(b.agency("Richmond Police Department", "us-va"), "2025-03-03")
	r := b.call("POST", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"invoked_on": "2025-03-11"})
	require.Equal(t, http.StatusUnprocessableEntity, r.status())
	require.Contains(t, r.fieldErrors(), "invoked_on")
	require.Contains(t, r.str("detail"), "came after the original period ended on 2025-03-10")
	r = b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, "2025-03-10", r.str("deadline.effective_due_on"))
	r = b.call("POST", "/api/v1/requests/"+id+"/extension", b.token, map[string]any{"invoked_on": "2025-03-10"})
	require.Equal(t, http.StatusOK, r.status())
	require.Equal(t, "2025-03-19", r.str("deadline.effective_due_on"))
}

// A communication logged by mistake is deleted with DELETE, under its own
// If-Match; the timeline keeps it whole with the reason.
func TestCommunications_Delete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "2017-03-27")
	comm := b.communication(id, map[string]any{"direction": "out", "channel": "email", "kind": "follow_up",
		"occurred_on": "2017-03-29", "subject": "Any news?", "body": "Following up on our request."}).str("communication.id")
	path := "/api/v1/communications/" + comm

	r := b.send("DELETE", path, []string{`"v9"`}, `{"reason":"wrong request"}`)
	require.Equal(t, http.StatusPreconditionFailed, r.status())
	r = b.send("DELETE", path, nil, `{"reason": 7}`)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"reason"}, r.fieldErrors())
	require.Equal(t, http.StatusOK, b.call("GET", path, b.token, nil).status(), "still there")

	r = b.send("DELETE", path, []string{`"v1"`}, `{"reason":"logged on the wrong request"}`)
	require.Equal(t, http.StatusNoContent, r.status(), r.rec.Body.String())
	require.Equal(t, http.StatusNotFound, b.call("GET", path, b.token, nil).status())
	require.Empty(t, b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil).items())
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, "communication_deleted", last["kind"])
	require.Equal(t, "logged on the wrong request", last["note"])
	require.Equal(t, "Following up on our request.", last["data"].(map[string]any)["communication"].(map[string]any)["body"])

	// Without a body, as with no reason.
	again := b.communication(id, map[string]any{"direction": "out", "channel": "email", "kind": "other", "occurred_on": "2017-03-29"}).str("communication.id")
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/communications/"+again, b.token, nil).status())
}

// A request whose client left before its answer was ready (its context
// cancelled) fails, but is no server fault: logged at INFO as 499 with
// client_left, and counted so, not as a 500 with an error.
func TestAccessLog_ClientLeft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/api/v1/requests", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+b.token)
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code, "the handler failed on the cancelled context")

	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		if m["msg"] == "http request" && m["route"] == "/api/v1/requests" {
			line = m
		}
	}
	require.NotNil(t, line, b.logs.String())
	require.EqualValues(t, 499, line["status"])
	require.Equal(t, "INFO", line["level"])
	require.Equal(t, true, line["client_left"])
	require.NotContains(t, line, "err")
}

// Whether someone signs in with two steps is theirs and the admins' to
// know: a staff or viewer token sees it of itself only (null for others).
func TestUsers_TwoStepForAdminsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	seen := func(token string) map[string]any {
		out := map[string]any{}
		for _, u := range b.call("GET", "/api/v1/users", token, nil).items() {
			out[u["email"].(string)] = u["two_step"]
		}
		return out
	}
	admin := b.fx.Admin.Email
	require.Equal(t, map[string]any{admin: false, "viewer@ndlon.example": false}, seen(b.token))
	require.Equal(t, map[string]any{admin: nil, "viewer@ndlon.example": false}, seen(viewer))
}
