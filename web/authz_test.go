package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/web"
)

// TestPagesAuthorizationMatrix opens every page as each kind of visitor:
// the organization's admin, staff and viewer, another organization's admin,
// nobody, and a session that expired. Other organizations' records are 404;
// without a session every page sends the browser to sign in.
func TestPagesAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	comm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-28"), Body: "Received."}})
	require.NoError(t, err)
	// A pending reminder of the request.
	_, err = b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &b.fx.Admin.ID})
	require.NoError(t, err)
	_, err = b.st.PlanReminders(b.fx.Ctx, now)
	require.NoError(t, err)
	pendings, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 10, "")
	require.NoError(t, err)
	require.NotEmpty(t, pendings)
	pending := pendings[0]
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "mistake.txt", ContentType: "text/plain",
		Content: strings.NewReader("uploaded by mistake")})
	require.NoError(t, err)
	// A document nobody removes, to download.
	kept, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "letter.txt", ContentType: "text/plain",
		Content: strings.NewReader("the agency's letter")})
	require.NoError(t, err)
	// A letter on its way to the agency: not failed, so not sent again
	// (a note says why); each writer cancels it, the second told it is
	// cancelled already.
	letter, err := b.st.QueueLetterEmail(b.fx.Ctx, r.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp,
		To: "records@sheriff.example", Subject: "Follow-up", Body: "Where are the records?"})
	require.NoError(t, err)
	// A to-do each writer changes as it was, and one the admin removes.
	todoText, todoDay := "Call the records officer", deadline.MustParseDate("2017-04-07")
	todo, err := b.st.AddTodo(b.fx.Ctx, r.ID, sunshine.TodoInput{Text: &todoText, DueOn: &todoDay})
	require.NoError(t, err)
	doomed, err := b.st.AddTodo(b.fx.Ctx, r.ID, sunshine.TodoInput{Text: &todoText, DueOn: &todoDay})
	require.NoError(t, err)
	// A closure day: each writer removes it and adds it back.
	closedOn := "2017-04-07"
	_, err = b.st.AddClosure(b.fx.Ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: deadline.MustParseDate(closedOn), Reason: "furlough"})
	require.NoError(t, err)
	addUser := func(email string, role sunshine.Role) *sunshine.User {
		u := &sunshine.User{Email: email, Role: role}
		require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
		require.NoError(t, b.st.SetPassword(context.Background(), u.ID, password))
		return u
	}
	addUser("staff@ndlon.example", sunshine.RoleStaff)
	viewer := addUser("viewer@ndlon.example", sunshine.RoleViewer)
	// A deactivated user: deactivating them again changes nothing.
	gone := addUser("gone@ndlon.example", sunshine.RoleStaff)
	_, err = b.st.SetUserActive(b.fx.Ctx, gone.ID, false)
	require.NoError(t, err)
	// The viewer's revoked token: revoking it again changes nothing.
	_, tok, err := b.st.CreateToken(b.fx.Ctx, viewer.ID, "old script")
	require.NoError(t, err)
	require.NoError(t, b.st.RevokeToken(b.fx.Ctx, tok.ID))
	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	hookURL := "https://hooks.example.org/ndlon"
	hook, err := b.st.CreateWebhook(b.fx.Ctx, sunshine.WebhookInput{URL: &hookURL})
	require.NoError(t, err)
	doomedHook, err := b.st.CreateWebhook(b.fx.Ctx, sunshine.WebhookInput{URL: &hookURL})
	require.NoError(t, err)
	alert, err := b.st.CreateSearchAlert(b.fx.Ctx, "detainer")
	require.NoError(t, err)
	release, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "release.zip",
		ContentType: "application/zip", Content: strings.NewReader("PK an archive")})
	require.NoError(t, err)

	pages := []struct {
		path                       string
		admin, staff, viewer, peer int
	}{
		{"/", 200, 200, 200, 200},
		{"/requests", 200, 200, 200, 200},
		{"/requests?status=submitted&agency_id=" + a.ID, 200, 200, 200, 200},
		{"/agencies", 200, 200, 200, 200},
		{"/agencies/" + a.ID, 200, 200, 200, 404},
		{"/agencies/import", 200, 200, 403, 200}, // viewers cannot add agencies
		{"/agencies/import/template.csv", 200, 200, 200, 200},
		{"/export/agencies.csv", 200, 200, 200, 200},
		{"/reports/agencies", 200, 200, 200, 200},
		{"/export/agency-records.csv", 200, 200, 200, 200},
		{"/search?q=ICE", 200, 200, 200, 200},
		{"/activity", 200, 200, 200, 200}, // another organization sees its own
		{"/settings", 200, 200, 200, 200},
		{"/settings/two-step", 200, 200, 200, 200},       // everyone's own
		{"/export/organization.zip", 200, 403, 403, 200}, // admins', each organization its own
		{"/settings/webhooks", 200, 403, 403, 200},       // admins', each organization its own
		{"/settings/webhooks/" + hook.ID, 200, 403, 403, 404},
		{"/requests/new", 200, 200, 403, 200}, // viewers cannot file requests
		{"/requests/import", 200, 200, 403, 200},
		{"/requests/import/template.csv", 200, 200, 200, 200},
		{"/requests/" + r.ID, 200, 200, 200, 404},
		{"/requests/" + r.ID + "?email=" + kept.ID, 200, 200, 200, 404}, // not an email: the page says so
		{"/requests/" + r.ID + "/copies", 200, 200, 403, 404},
		{"/requests/" + r.ID + "/letters.zip", 200, 200, 200, 404},
		{"/requests/" + r.ID + "/letters/send", 200, 200, 403, 404}, // only writers send letters
		{"/communications/" + comm.ID + "/message.txt", 200, 200, 200, 404},
		{"/documents/" + kept.ID + "/download", 200, 200, 200, 404},
		{"/documents/" + release.ID + "/files", 200, 200, 200, 404},
		{"/documents/" + kept.ID + "/files", 404, 404, 404, 404}, // no archive
		// A document's forms' addresses opened as a page: to its request's page.
		{"/documents/" + kept.ID + "/delete", 303, 303, 303, 404},
		{"/documents/" + kept.ID + "/text", 303, 303, 303, 404},
		{"/documents/" + kept.ID + "/shared", 303, 303, 303, 404},
		// A to-do's forms' addresses opened as a page: to its request's page.
		{"/todos/" + todo.ID, 303, 303, 303, 404},
		{"/todos/" + todo.ID + "/done", 303, 303, 303, 404},
		{"/todos/" + todo.ID + "/delete", 303, 303, 303, 404},
		{"/communications/" + comm.ID + "/edit", 200, 200, 403, 404}, // viewers cannot correct communications
		{"/export/requests.csv", 200, 200, 200, 200},
		{"/requests/" + r.ID + "/export.zip", 200, 200, 200, 404},
		{"/requests/" + r.ID + "/letter", 200, 200, 200, 404}, // viewers read the draft; only writers log it
		{"/requests/" + r.ID + "/letter.txt", 200, 200, 200, 404},
		{"/reminders", 200, 200, 200, 200},
	}
	posts := []struct {
		path                       string
		form                       url.Values
		admin, staff, viewer, peer int
	}{
		{"/requests/" + r.ID + "/custom_due", url.Values{"date": {"2017-05-01"}}, 303, 303, 403, 404},
		{"/requests/" + r.ID + "/watch", url.Values{"watch": {"1"}}, 303, 303, 403, 404},
		{"/requests/" + r.ID + "/notes", url.Values{"text": {"Called the records officer"}}, 303, 303, 403, 404},
		// Its agency has no email address (409), after the role and the
		// organization were checked.
		{"/requests/" + r.ID + "/auto_follow_up", url.Values{"every_days": {"14"}}, 409, 409, 403, 404},
		{"/requests/" + r.ID + "/todos", url.Values{"text": {"Check the portal"}, "due_on": {"2017-04-10"}}, 303, 303, 403, 404},
		// Not done, as it was; its text, as it was.
		{"/todos/" + todo.ID + "/done", url.Values{"done": {"0"}}, 303, 303, 403, 404},
		{"/todos/" + todo.ID, url.Values{"text": {todoText}}, 303, 303, 403, 404},
		// The admin removes the to-do; then it is gone for staff (404).
		{"/todos/" + doomed.ID + "/delete", nil, 303, 404, 403, 404},
		// No agency chosen: nothing is filed (400).
		{"/requests/" + r.ID + "/copies", url.Values{"sent_on": {"2017-04-03"}}, 400, 400, 403, 404},
		// Nothing has failed: resending finds nothing to do, and says so.
		{"/reminders/retry", nil, 303, 303, 403, 303},
		// A reminder that is not failed: refused with a note (303); another
		// organization's: 404.
		{"/reminders/" + pending.ID + "/retry", nil, 303, 303, 403, 404},
		// Without the version it read, an edit changes nothing (400), but only
		// after the role and the organization were checked.
		{"/requests/" + r.ID + "/edit", url.Values{"title": {"Renamed"}}, 400, 400, 403, 404},
		{"/communications/" + comm.ID + "/edit", url.Values{"subject": {"Renamed"}}, 400, 400, 403, 404},
		{"/communications/" + comm.ID + "/delete", nil, 400, 400, 403, 404},
		// A letter without its text and date is not logged (400).
		{"/requests/" + r.ID + "/letter", url.Values{"channel": {"email"}}, 400, 400, 403, 404},
		// A letter without an address is not sent (400).
		{"/requests/" + r.ID + "/letter/send", url.Values{"subject": {"Follow-up"}, "body": {"Where?"}, "kind": {"follow_up"}}, 400, 400, 403, 404},
		{"/letter_emails/" + letter.ID + "/retry", nil, 303, 303, 403, 404},
		// No agency chosen: no letter is sent (400).
		{"/requests/" + r.ID + "/letters/send", nil, 400, 400, 403, 404},
		{"/letter_emails/" + letter.ID + "/cancel", nil, 303, 303, 403, 404},
		// The shared page made, then stopped; the document marked not
		// shared, as it was.
		{"/requests/" + r.ID + "/share", nil, 303, 303, 403, 404},
		{"/requests/" + r.ID + "/share/expiry", url.Values{"expires_on": {""}}, 303, 303, 403, 404},
		// Filed alone: no group to share (400); stopping finds nothing to stop.
		{"/requests/" + r.ID + "/board", nil, 400, 400, 403, 404},
		{"/requests/" + r.ID + "/board/stop", nil, 303, 303, 403, 404},
		{"/requests/" + r.ID + "/board/expiry", url.Values{"expires_on": {""}}, 409, 409, 403, 404},
		{"/requests/" + r.ID + "/share/stop", nil, 303, 303, 403, 404},
		{"/documents/" + kept.ID + "/shared", url.Values{"shared": {"off"}}, 303, 303, 403, 404},
		// Its text was read already: nothing to do, and a note says so.
		{"/documents/" + kept.ID + "/text", nil, 303, 303, 403, 404},
		// The admin removes the document; then it is gone for staff (404).
		{"/documents/" + doc.ID + "/delete", nil, 303, 404, 403, 404},
		// The agency's own values: saving them leaves it as it was for the next visitor.
		{"/agencies/" + a.ID, url.Values{"name": {a.Name}, "was_name": {a.Name}, "jurisdiction": {"us-ca"}, "was_jurisdiction": {"us-ca"}}, 303, 303, 403, 404},
		// Reactivating an active user changes nothing, so every visitor may try.
		{"/settings/users/" + viewer.ID + "/reactivate", nil, 303, 403, 403, 404},
		{"/settings/users/" + viewer.ID + "/invite", nil, 303, 403, 403, 404},
		// The viewer's own role: setting it again changes nothing.
		{"/settings/users/" + viewer.ID + "/role", url.Values{"role": {"viewer"}}, 303, 403, 403, 404},
		{"/settings/policy", url.Values{"time_zone": {"America/Los_Angeles"}, "due_soon_business_days": {"3,1"}, "overdue_repeat_days": {"7"}, "awaiting_after_business_days": {"3"}}, 303, 403, 403, 303},
		// Admins only; another organization's admin saves their own (empty).
		{"/settings/letters", url.Values{"closing": {""}}, 303, 403, 403, 303},
		// Anyone's own alerts: no words make none (400); only its person
		// stops one (the admin's: 404 to everyone else).
		{"/search/alerts", url.Values{"q": {""}}, 400, 400, 400, 400},
		{"/search/alerts/" + alert.ID + "/stop", nil, 303, 404, 404, 404},
		// No address: nothing made (400), after the role was checked.
		{"/settings/webhooks", url.Values{"url": {""}}, 400, 403, 403, 400},
		{"/settings/webhooks/" + hook.ID, url.Values{"url": {hookURL}, "format": {"json"}, "kinds": {"all"}}, 303, 403, 403, 404},
		{"/settings/webhooks/" + hook.ID + "/active", url.Values{"on": {"1"}}, 303, 403, 403, 404},
		{"/settings/webhooks/" + hook.ID + "/ping", nil, 303, 403, 403, 404},
		{"/settings/webhooks/" + hook.ID + "/secret", nil, 303, 403, 403, 404},
		{"/settings/webhooks/" + doomedHook.ID + "/delete", nil, 303, 403, 403, 404},
		// Deactivating a deactivated user changes nothing.
		{"/settings/users/" + gone.ID + "/deactivate", nil, 303, 403, 403, 404},
		// An invitation without an email invites nobody (400).
		{"/settings/users", url.Values{"role": {"staff"}}, 400, 403, 403, 400},
		// A token without a name is not issued (400).
		{"/settings/tokens", url.Values{}, 400, 400, 400, 400},
		// The viewer's revoked token: the admin and its owner may revoke it
		// again; to staff it is someone else's (404).
		{"/settings/tokens/" + tok.ID + "/revoke", nil, 303, 404, 303, 404},
		// Everyone's own password: the new one typed twice differently
		// changes nothing (400).
		{"/settings/password", url.Values{"current_password": {password}, "new_password": {"a new long password"}, "confirm_password": {"another one"}}, 400, 400, 400, 400},
		// Everyone's own two-step sign-in: without their password nothing
		// changes (400).
		{"/settings/two-step", url.Values{"code": {"123456"}}, 400, 400, 400, 400},
		{"/settings/two-step/codes", nil, 400, 400, 400, 400},
		{"/settings/two-step/off", nil, 400, 400, 400, 400},
		// Admins only; another organization's admin saves their own (not
		// required, as it was).
		{"/settings/two-step/require", url.Values{"required": {""}}, 303, 403, 403, 303},
		// The viewer has no two-step sign-in: turning it off changes nothing.
		{"/settings/users/" + viewer.ID + "/two-step/reset", nil, 303, 403, 403, 404},
		// Everyone's own sessions: a session that is nobody's is not found;
		// signing out everywhere else leaves the one used.
		{"/settings/sessions/6f1c7a52-1e7b-4a4e-8f0e-1b1f2a9e0c11/end", nil, 404, 404, 404, 404},
		{"/settings/sessions/end-others", nil, 303, 303, 303, 303},
		// Everyone's own name.
		{"/settings/name", url.Values{"name": {"A name"}}, 303, 303, 303, 303},
		// Everyone's own preferences, saved as the defaults they have.
		{"/settings/preferences", url.Values{"digest": {"1"}, "digest_hour": {"7"}, "kinds": sunshine.ReminderKinds}, 303, 303, 303, 303},
		// A new calendar feed address for oneself.
		{"/settings/calendar", nil, 200, 200, 200, 200},
		// Without a name the agency is not added (400).
		{"/agencies", url.Values{"jurisdiction": {"us-ca"}}, 400, 400, 403, 400},
		// No file chosen: no agency is imported (400).
		{"/agencies/import", url.Values{"action": {"import"}}, 400, 400, 403, 400},
		// The closure day removed and added back.
		{"/agencies/" + a.ID + "/closures/" + closedOn + "/delete", nil, 303, 303, 403, 404},
		{"/agencies/" + a.ID + "/closures", url.Values{"closed_on": {closedOn}, "reason": {"furlough"}}, 303, 303, 403, 404},
		// Without a title the request is not filed (400).
		{"/requests", url.Values{"agency_id": {a.ID}, "delivery_method": {"email"}, "received_on": {"2017-04-03"}}, 400, 400, 403, 400},
		// No file chosen: nothing is imported (400).
		{"/requests/import", url.Values{"action": {"import"}}, 400, 400, 403, 400},
		// Each writer watches the request; to another organization it is
		// not theirs (404).
		{"/requests/bulk", url.Values{"id": {r.ID}, "action": {"watch"}}, 303, 303, 403, 404},
		// A malformed date: nothing is logged or extended (400); the request
		// page it returns to is another organization's (404).
		{"/requests/" + r.ID + "/communications", url.Values{"direction": {"in"}, "channel": {"email"}, "kind": {"other"}, "occurred_on": {"soon"}, "body": {"x"}}, 400, 400, 403, 404},
		{"/requests/" + r.ID + "/extension", url.Values{"invoked_on": {"soon"}}, 400, 400, 403, 404},
		// Not extended: there is nothing to undo (409).
		{"/requests/" + r.ID + "/extension/undo", nil, 409, 409, 403, 404},
		// Without the new status nothing changes (400).
		{"/requests/" + r.ID + "/status", url.Values{"note": {"x"}}, 400, 400, 403, 404},
		// The admin is assigned already: assigning them again changes nothing.
		{"/requests/" + r.ID + "/assign", url.Values{"assignee_id": {b.fx.Admin.ID}}, 303, 303, 403, 404},
		// Not the upload form's multipart body: nothing is stored (400).
		{"/requests/" + r.ID + "/documents", nil, 400, 400, 403, 404},
		// Not a multipart body with an email file: nothing is stored (400).
		{"/requests/" + r.ID + "/communications/email", nil, 400, 400, 403, 404},
	}
	// Every signed-in page and form is in the tables: each row counts for
	// the route Gin sends it to (a path without parameters before one with).
	// Only what cannot be in them is left out, each saying why; the API's
	// routes are api/authz_test.go's matrix.
	notInMatrix := map[string]string{
		"POST /logout":                           "signing out ends the session the other rows need (TestLogin)",
		"GET /login":                             "public: the sign-in page",
		"POST /login":                            "public: signing in",
		"GET /login/code":                        "public: the session awaiting its code is the credential (TestTwoStep_SignIn)",
		"POST /login/code":                       "public: the session awaiting its code is the credential (TestTwoStep_SignIn)",
		"GET /invite/:token":                     "public: the token in the path is the credential",
		"POST /invite/:token":                    "public: the token in the path is the credential",
		"GET /password/forgot":                   "public: asking for a reset link (TestForgotPassword)",
		"POST /password/forgot":                  "public: asking for a reset link (TestForgotPassword)",
		"GET /password/reset/:token":             "public: the token in the path is the credential (TestPasswordReset)",
		"POST /password/reset/:token":            "public: the token in the path is the credential (TestPasswordReset)",
		"GET /assets/*file":                      "public: static files",
		"GET /shared/:token":                     "public: the token in the path is the credential (TestSharedPage)",
		"GET /shared/:token/documents/:id":       "public: the token in the path is the credential (TestSharedPage)",
		"GET /shared/board/:token":               "public: the token in the path is the credential (TestStatusBoard)",
		"GET /shared/board/:token/documents/:id": "public: the token in the path is the credential (TestStatusBoard)",
		"GET /shared/board/:token/board.csv":     "public: the token in the path is the credential (TestStatusBoard)",
		"GET /calendar/:file":                    "the secret in the path is the credential, not a session",
		"POST /inbound/email":                    "a mail service's post: the inbound secret is the credential, not a session (api's TestInboundEmail)",
		"GET /healthz":                           "the operator's probe, without a session",
		"GET /readyz":                            "the operator's probe, without a session",
		"GET /metrics":                           "the operator's scraper, without a session",
	}
	routes := b.engine.Routes()
	param := regexp.MustCompile(`[:*][a-z_]+`)
	covered := map[string]bool{}
	cover := func(method, path string) {
		best, params := "", -1
		for _, rt := range routes {
			n := len(param.FindAllString(rt.Path, -1))
			if rt.Method == method && regexp.MustCompile(`^`+param.ReplaceAllString(rt.Path, `[^/?]+`)+`(\?.*)?$`).MatchString(path) &&
				(params < 0 || n < params) {
				best, params = rt.Path, n
			}
		}
		covered[method+" "+best] = true
	}
	for _, p := range pages {
		cover(http.MethodGet, p.path)
	}
	for _, p := range posts {
		cover(http.MethodPost, p.path)
	}
	for _, rt := range routes {
		route := rt.Method + " " + rt.Path
		if strings.HasPrefix(rt.Path, "/api/v1/") || notInMatrix[route] != "" {
			continue
		}
		require.True(t, covered[route], "%s is not in the authorization matrix", route)
	}

	for _, who := range []struct {
		name, email string
		pick        func(admin, staff, viewer, peer int) int
	}{
		{"admin", b.fx.Admin.Email, func(a, _, _, _ int) int { return a }},
		{"staff", "staff@ndlon.example", func(_, s, _, _ int) int { return s }},
		{"viewer", "viewer@ndlon.example", func(_, _, v, _ int) int { return v }},
		{"other-org", other.Admin.Email, func(_, _, _, p int) int { return p }},
	} {
		b.cookie = nil
		b.login(who.email)
		for _, p := range pages {
			rec := b.get(p.path)
			require.Equal(t, who.pick(p.admin, p.staff, p.viewer, p.peer), rec.Code, "%s GET %s", who.name, p.path)
			if who.name == "other-org" && rec.Code == http.StatusOK {
				require.NotContains(t, body(rec), r.ID, "another org's request shows on %s", p.path)
			}
		}
		for _, p := range posts {
			rec := b.post(p.path, p.form)
			require.Equal(t, who.pick(p.admin, p.staff, p.viewer, p.peer), rec.Code, "%s POST %s: %s", who.name, p.path, body(rec))
			if who.name == "other-org" {
				require.NotContains(t, body(rec), r.ID, "another org's request shows after POST %s", p.path)
				require.NotContains(t, body(rec), a.ID, "another org's agency shows after POST %s", p.path)
			}
		}
	}

	// Nobody signed in, and a session that expired: every page and form
	// sends the browser to sign in.
	toSignIn := func(who string) {
		t.Helper()
		for _, p := range pages {
			rec := b.get(p.path)
			require.Equal(t, http.StatusSeeOther, rec.Code, "%s GET %s", who, p.path)
			require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?next="), "%s GET %s", who, p.path)
		}
		for _, p := range posts {
			rec := b.post(p.path, p.form)
			require.Equal(t, http.StatusSeeOther, rec.Code, "%s POST %s", who, p.path)
			require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?next="), "%s POST %s", who, p.path)
		}
	}
	b.cookie = nil
	toSignIn("nobody")
	b.login(b.fx.Admin.Email)
	b.clk.Set(now.Add(15 * 24 * time.Hour)) // sessions last 14 days
	toSignIn("expired")
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	clock := sunshine.NewFixedClock(now)
	st := storetest.Tx(t, clock)
	fx := storetest.Org(t, st, "ndlon")
	require.NoError(t, st.SetPassword(context.Background(), fx.Admin.ID, password))
	e := gin.New()
	web.New(st, e, web.Config{})
	b := &bundle{t: t, st: st, fx: fx, engine: e}
	b.login(fx.Admin.Email)
	require.Equal(t, http.StatusOK, b.get("/").Code)
	clock.Set(now.Add(15 * 24 * time.Hour))
	rec := b.get("/")
	require.Equal(t, http.StatusSeeOther, rec.Code, "a 14-day session has expired")
}

// Secrets in page paths (invitation links, calendar feeds) never reach the
// access log, nor do passwords typed into the sign-in form.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	st := storetest.Tx(t, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, st, "ndlon")
	require.NoError(t, st.SetPassword(context.Background(), fx.Admin.ID, password))
	logs := &bytes.Buffer{}
	srv := api.New(st, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	web.New(st, srv.Engine(), web.Config{BaseURL: "https://sunshine.example"})
	b := &bundle{t: t, st: st, fx: fx, engine: srv.Engine()}
	u := &sunshine.User{Email: "new@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, st.InviteUser(fx.Ctx, u, "https://sunshine.example"))
	rs, _, err := st.FindReminders(fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	link, err := st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	token := strings.TrimPrefix(link, "https://sunshine.example/invite/")
	b.get("/invite/" + token)
	b.login(fx.Admin.Email)
	require.NotContains(t, logs.String(), token)
	require.NotContains(t, logs.String(), password)
	require.Contains(t, logs.String(), `"path":"/invite/[token]"`)

	// A request's shared page: its token is masked too, the page's and
	// its documents'.
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	shared, err := st.ShareRequest(fx.Ctx, r.ID, false)
	require.NoError(t, err)
	b.cookie = nil
	require.Equal(t, http.StatusOK, b.get("/shared/"+shared).Code)
	require.Equal(t, http.StatusNotFound, b.get("/shared/"+shared+"/documents/"+r.ID).Code)
	require.NotContains(t, logs.String(), shared)
	require.Contains(t, logs.String(), `"path":"/shared/[token]"`)
}
