package api_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// publicAPIRoutes need no token: the deadline calculator.
var publicAPIRoutes = map[string]bool{"/api/v1/deadline": true, "/api/v1/jurisdictions": true}

// TestAuthorizationMatrix calls every authenticated endpoint as each kind of
// caller: its own admin, staff and viewer, another organization's admin, no
// token and a revoked token. Other organizations' IDs answer 404.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	agency := b.agency("Sheriff", "us-ca")
	req := b.request(agency, "2017-03-27")
	staff := b.user("staff@ndlon.example", sunshine.RoleStaff)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	revoked := b.user("gone@ndlon.example", sunshine.RoleAdmin)
	me := b.call("GET", "/api/v1/me", revoked, nil)
	tokens := b.call("GET", "/api/v1/tokens", b.token, nil)
	var revokedID string
	for _, tk := range tokens.items() {
		if tk["user_id"] == me.str("user.id") {
			revokedID = tk["id"].(string)
		}
	}
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/tokens/"+revokedID, b.token, nil).status())
	other := storetest.Org(t, b.st, "other")
	users := b.call("GET", "/api/v1/users", b.token, nil)
	var staffID string
	for _, u := range users.items() {
		if u["email"] == "staff@ndlon.example" {
			staffID = u["id"].(string)
		}
	}

	comm := b.communication(req, map[string]any{"direction": "in", "channel": "email", "kind": "other", "occurred_on": "2017-03-28"}).str("communication.id")
	gone := b.communication(req, map[string]any{"direction": "out", "channel": "email", "kind": "follow_up", "occurred_on": "2017-03-29"}).str("communication.id")
	doc := b.upload(req, "", "letter.txt", "text/plain", []byte("Responsive records.")).str("id")
	unknown := "00000000-0000-0000-0000-000000000000"

	letter := b.call("POST", "/api/v1/requests/"+req+"/letter_emails", b.token, `{"to":"records@sheriff.example","subject":"Request","body":"Please send the records."}`)
	require.Equal(t, http.StatusAccepted, letter.status(), letter.rec.Body.String())
	letterEmail := letter.str("id")

	closed := b.call("POST", "/api/v1/agencies/"+agency+"/closures", b.token, `{"closed_on":"2017-04-05","reason":"flood"}`)
	require.Equal(t, http.StatusCreated, closed.status(), closed.rec.Body.String())

	todo := b.call("POST", "/api/v1/requests/"+req+"/todos", b.token, `{"text":"Call the records officer","due_on":"2017-04-07"}`)
	require.Equal(t, http.StatusCreated, todo.status(), todo.rec.Body.String())
	doomedTodo := b.call("POST", "/api/v1/requests/"+req+"/todos", b.token, `{"text":"Set by mistake","due_on":"2017-04-07"}`).str("id")

	hook := b.call("POST", "/api/v1/webhooks", b.token, `{"url":"https://hooks.example.org/ndlon"}`)
	require.Equal(t, http.StatusCreated, hook.status(), hook.rec.Body.String())
	doomedHook := b.call("POST", "/api/v1/webhooks", b.token, `{"url":"https://hooks.example.org/doomed"}`).str("id")

	alert := b.call("POST", "/api/v1/search_alerts", b.token, `{"q":"detainer"}`)
	require.Equal(t, http.StatusCreated, alert.status(), alert.rec.Body.String())
	doomedAlert := b.call("POST", "/api/v1/search_alerts", b.token, `{"q":"booking log"}`).str("id")

	type want struct{ admin, staff, viewer, other int }
	read := want{200, 200, 200, 404}
	list := want{200, 200, 200, 200} // another org sees its own (empty) list
	write := want{200, 200, 403, 404}
	adminOnly := want{200, 403, 403, 404}
	adminOnly2 := want{200, 403, 403, 200} // the caller's own organization's settings
	type matrixCase struct {
		method, path string
		body         string
		want         want
	}
	cases := []matrixCase{
		{"GET", "/api/v1/me", "", list},
		{"PATCH", "/api/v1/me", `{"name":"Name %s"}`, list}, // everyone their own
		{"GET", "/api/v1/agencies", "", list},
		{"GET", "/api/v1/agencies/" + agency, "", read},
		{"PATCH", "/api/v1/agencies/" + agency, `{"phone":"916-555-0100"}`, write},
		{"POST", "/api/v1/agencies", `{"name":"New %s","jurisdiction":"us-ny"}`, want{201, 201, 403, 201}},
		{"GET", "/api/v1/requests", "", list},
		{"GET", "/api/v1/requests/" + req, "", read},
		{"GET", "/api/v1/requests/" + req + "/events", "", read},
		{"GET", "/api/v1/events", "", list},
		{"GET", "/api/v1/requests/" + req + "/letter", "", read},
		{"PATCH", "/api/v1/requests/" + req, `{"tracking_number":"T-%s"}`, write},
		{"GET", "/api/v1/requests/" + req + "/letter_emails", "", read},
		// Staff reach the store: the admin's follow-up is on its way (409).
		{"POST", "/api/v1/requests/" + req + "/letter_emails", `{"kind":"follow_up","to":"records@sheriff.example","subject":"Follow-up %s","body":"Where is it?"}`, want{202, 409, 403, 404}},
		{"GET", "/api/v1/letter_emails/" + letterEmail, "", read},
		// It is pending, not failed: nothing to send again.
		{"POST", "/api/v1/letter_emails/" + letterEmail + "/retry", "", want{409, 409, 403, 404}},
		// Staff reach the store: the admin cancelled it first (409).
		{"POST", "/api/v1/letter_emails/" + letterEmail + "/cancel", "", want{200, 409, 403, 404}},
		{"POST", "/api/v1/requests", `{"agency_id":"` + agency + `","title":"t","delivery_method":"email"}`, want{201, 201, 403, 400}},
		{"POST", "/api/v1/requests/" + req + "/transitions", `{"to":"acknowledged"}`, want{200, 409, 403, 404}},
		{"PUT", "/api/v1/requests/" + req + "/custom_due_on", `{"date":"2017-05-01"}`, write},
		{"POST", "/api/v1/requests/" + req + "/notes", `{"text":"Called the records officer (%s)"}`, want{201, 201, 403, 404}},
		// Filed with its own agency already: refused (400), nothing filed,
		// after the role and the organization were checked.
		{"POST", "/api/v1/requests/" + req + "/copies", `{"agency_ids":["` + agency + `"]}`, want{400, 400, 403, 404}},
		{"POST", "/api/v1/requests/" + req + "/extension", `{"invoked_on":"2017-04-01"}`, want{200, 409, 403, 404}},
		{"POST", "/api/v1/requests/bulk", `{"request_ids":["` + req + `"],"add_tags":["%s"]}`, write},
		// Staff reach the store: the admin undid it first (409).
		{"DELETE", "/api/v1/requests/" + req + "/extension", "", want{200, 409, 403, 404}},
		{"GET", "/api/v1/users", "", list},
		{"POST", "/api/v1/users", `{"email":"new-%s@ndlon.example"}`, want{201, 403, 403, 201}},
		{"PATCH", "/api/v1/users/" + staffID, `{"role":"staff"}`, adminOnly},
		{"GET", "/api/v1/tokens", "", want{200, 403, 403, 200}},
		{"POST", "/api/v1/tokens", `{"name":"x"}`, want{201, 403, 403, 201}},
		{"DELETE", "/api/v1/tokens/" + revokedID, "", want{204, 403, 403, 404}},
		{"GET", "/api/v1/requests/" + req + "/communications", "", read},
		{"POST", "/api/v1/requests/" + req + "/communications", `{"direction":"out","channel":"email","kind":"follow_up","occurred_on":"2017-04-01"}`, want{201, 201, 403, 404}},
		{"GET", "/api/v1/communications/" + comm, "", read},
		{"PATCH", "/api/v1/communications/" + comm, `{"subject":"Re %s"}`, write},
		// Staff reach the store: the admin deleted it first (404).
		{"DELETE", "/api/v1/communications/" + gone, "", want{204, 404, 403, 404}},
		{"GET", "/api/v1/requests/" + req + "/documents", "", read},
		{"GET", "/api/v1/documents/" + doc, "", read},
		{"GET", "/api/v1/documents/" + doc + "/content", "", read},
		// Its text is not failed: nothing to read again.
		{"POST", "/api/v1/documents/" + doc + "/text", "", want{409, 409, 403, 404}},
		{"GET", "/api/v1/search?q=records", "", list},
		{"GET", "/api/v1/requests.csv", "", list},
		{"GET", "/api/v1/reports/agencies", "", list},
		{"GET", "/api/v1/reports/agencies?agency_id=" + agency, "", read},
		{"GET", "/api/v1/reports/agencies.csv", "", list},
		{"GET", "/api/v1/requests/" + req + "/export.zip", "", read},
		{"GET", "/api/v1/reminders", "", list},
		{"POST", "/api/v1/reminders/" + unknown + "/retry", "", want{404, 404, 403, 404}},
		{"GET", "/api/v1/me/preferences", "", list},
		{"PUT", "/api/v1/me/preferences", `{"digest_hour":8}`, list},
		{"POST", "/api/v1/me/calendar", "", want{201, 201, 201, 201}},
		{"PUT", "/api/v1/requests/" + req + "/watch", "", want{204, 204, 204, 404}},
		{"DELETE", "/api/v1/requests/" + req + "/watch", "", want{204, 204, 204, 404}},
		{"GET", "/api/v1/reminder_policy", "", list},
		{"PUT", "/api/v1/reminder_policy", `{"overdue_repeat_days":7}`, adminOnly2},
		{"GET", "/api/v1/letter_settings", "", list},
		{"PUT", "/api/v1/letter_settings", `{"closing":""}`, adminOnly2},
		{"GET", "/api/v1/requests/" + req + "/share", "", read},
		{"PUT", "/api/v1/requests/" + req + "/share", "", write},
		{"PUT", "/api/v1/documents/" + doc + "/shared", `{"shared":true}`, write},
		{"DELETE", "/api/v1/requests/" + req + "/share", "", want{204, 204, 403, 404}},
		{"GET", "/api/v1/requests/" + req + "/board", "", read},
		// Filed alone: no group to share (409), after the role and the
		// organization were checked; nothing to stop.
		{"PUT", "/api/v1/requests/" + req + "/board", "", want{409, 409, 403, 404}},
		{"DELETE", "/api/v1/requests/" + req + "/board", "", want{204, 204, 403, 404}},
		{"GET", "/api/v1/requests/" + req + "/auto_follow_up", "", read},
		// Its agency has no email address (409), after the role and the
		// organization were checked.
		{"PUT", "/api/v1/requests/" + req + "/auto_follow_up", `{"every_days":14}`, want{409, 409, 403, 404}},
		{"DELETE", "/api/v1/requests/" + req + "/auto_follow_up", "", want{204, 204, 403, 404}},
		{"DELETE", "/api/v1/documents/" + doc, "", want{204, 404, 403, 404}},
		{"GET", "/api/v1/agencies/" + agency + "/closures", "", read},
		// Staff reach the store: the admin took the day first (409).
		{"POST", "/api/v1/agencies/" + agency + "/closures", `{"closed_on":"2017-04-03","reason":"snow"}`, want{201, 409, 403, 404}},
		// Staff reach the store: the admin removed the day first (404).
		{"DELETE", "/api/v1/agencies/" + agency + "/closures/2017-04-05", "", want{200, 404, 403, 404}},
		{"POST", "/api/v1/requests/" + req + "/documents", "multipart", want{201, 201, 403, 404}},
		{"GET", "/api/v1/requests/" + req + "/todos", "", read},
		{"POST", "/api/v1/requests/" + req + "/todos", `{"text":"Check the portal (%s)","due_on":"2017-04-10"}`, want{201, 201, 403, 404}},
		{"GET", "/api/v1/todos", "", list},
		{"GET", "/api/v1/todos/" + todo.str("id"), "", read},
		{"PATCH", "/api/v1/todos/" + todo.str("id"), `{"text":"Call the records officer (%s)"}`, write},
		// Staff reach the store: the admin removed it first (404).
		{"DELETE", "/api/v1/todos/" + doomedTodo, "", want{204, 404, 403, 404}},
		{"GET", "/api/v1/export.zip", "", adminOnly2},
		// A search alert is its person's own: anyone's list, anyone may
		// follow words, nobody else's alert is found.
		{"GET", "/api/v1/search_alerts", "", list},
		{"POST", "/api/v1/search_alerts", `{"q":"sheriff %s"}`, want{201, 201, 201, 201}},
		{"GET", "/api/v1/search_alerts/" + alert.str("id"), "", want{200, 404, 404, 404}},
		{"DELETE", "/api/v1/search_alerts/" + doomedAlert, "", want{204, 404, 404, 404}},
		{"GET", "/api/v1/webhooks", "", want{200, 403, 403, 200}},
		{"POST", "/api/v1/webhooks", `{"url":"https://hooks.example.org/%s"}`, want{201, 403, 403, 201}},
		{"GET", "/api/v1/webhooks/" + hook.str("id"), "", adminOnly},
		{"PATCH", "/api/v1/webhooks/" + hook.str("id"), `{"description":"%s"}`, adminOnly},
		{"POST", "/api/v1/webhooks/" + hook.str("id") + "/ping", "", want{202, 403, 403, 404}},
		{"POST", "/api/v1/webhooks/" + hook.str("id") + "/secret", "", adminOnly},
		{"GET", "/api/v1/webhooks/" + hook.str("id") + "/deliveries", "", adminOnly},
		{"DELETE", "/api/v1/webhooks/" + doomedHook, "", want{204, 403, 403, 404}},
	}
	// Every authenticated route is in the table.
	for _, rt := range b.srv.Engine().Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || publicAPIRoutes[rt.Path] {
			continue
		}
		pattern := regexp.MustCompile(`^` + regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(rt.Path, `[^/]+`) + `(\?.*)?$`)
		require.True(t, slices.ContainsFunc(cases, func(tc matrixCase) bool {
			return tc.method == rt.Method && pattern.MatchString(tc.path)
		}), "%s %s is not in the authorization matrix", rt.Method, rt.Path)
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			for _, caller := range []struct {
				name, token string
				want        int
			}{
				{"admin", b.token, tc.want.admin},
				{"staff", staff, tc.want.staff},
				{"viewer", viewer, tc.want.viewer},
				{"other-org", other.Token, tc.want.other},
				{"no-token", "", http.StatusUnauthorized},
				{"revoked", revoked, http.StatusUnauthorized},
				{"garbage", "sun_not-a-real-token", http.StatusUnauthorized},
			} {
				var body any
				if tc.body != "" {
					body = strings.ReplaceAll(tc.body, "%s", caller.name)
				}
				var r response
				if tc.body == "multipart" {
					r = b.uploadAs(caller.token, req, "", caller.name+".txt", "text/plain", []byte("Responsive records, uploaded as "+caller.name))
				} else {
					r = b.call(tc.method, tc.path, caller.token, body)
				}
				require.Equal(t, caller.want, r.status(), "%s: %s", caller.name, r.rec.Body.String())
				if caller.want == http.StatusUnauthorized {
					require.Equal(t, `Bearer realm="sunshine"`, r.rec.Header().Get("WWW-Authenticate"))
				}
			}
		})
	}
}
