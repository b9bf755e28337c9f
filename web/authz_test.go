package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
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
	pendings, _, err := b.st.FindReminders(b.fx.Ctx, "pending", 10, "")
	require.NoError(t, err)
	require.NotEmpty(t, pendings)
	pending := pendings[0]
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "mistake.txt", ContentType: "text/plain",
		Content: strings.NewReader("uploaded by mistake")})
	require.NoError(t, err)
	addUser := func(email string, role sunshine.Role) *sunshine.User {
		u := &sunshine.User{Email: email, Role: role}
		require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
		require.NoError(t, b.st.SetPassword(context.Background(), u.ID, password))
		return u
	}
	addUser("staff@ndlon.example", sunshine.RoleStaff)
	viewer := addUser("viewer@ndlon.example", sunshine.RoleViewer)
	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))

	pages := []struct {
		path                       string
		admin, staff, viewer, peer int
	}{
		{"/", 200, 200, 200, 200},
		{"/requests", 200, 200, 200, 200},
		{"/requests?status=submitted&agency_id=" + a.ID, 200, 200, 200, 200},
		{"/agencies", 200, 200, 200, 200},
		{"/agencies/" + a.ID, 200, 200, 200, 404},
		{"/search?q=ICE", 200, 200, 200, 200},
		{"/settings", 200, 200, 200, 200},
		{"/requests/new", 200, 200, 403, 200}, // viewers cannot file requests
		{"/requests/" + r.ID, 200, 200, 200, 404},
		{"/communications/" + comm.ID + "/message.txt", 200, 200, 200, 404},
		{"/communications/" + comm.ID + "/edit", 200, 200, 403, 404}, // viewers cannot correct communications
		{"/export/requests.csv", 200, 200, 200, 200},
		{"/reminders", 200, 200, 200, 200},
	}
	posts := []struct {
		path                       string
		form                       url.Values
		admin, staff, viewer, peer int
	}{
		{"/requests/" + r.ID + "/custom_due", url.Values{"date": {"2017-05-01"}}, 303, 303, 403, 404},
		{"/requests/" + r.ID + "/watch", url.Values{"watch": {"1"}}, 303, 303, 403, 404},
		// Nothing has failed: resending finds nothing to do, and says so.
		{"/reminders/retry", nil, 303, 303, 403, 303},
		// A reminder that is not failed: refused with a note (303); another
		// organization's: 404.
		{"/reminders/" + pending.ID + "/retry", nil, 303, 303, 403, 404},
		// Without the version it read, an edit changes nothing (400), but only
		// after the role and the organization were checked.
		{"/requests/" + r.ID + "/edit", url.Values{"title": {"Renamed"}}, 400, 400, 403, 404},
		{"/communications/" + comm.ID + "/edit", url.Values{"subject": {"Renamed"}}, 400, 400, 403, 404},
		// The admin removes the document; then it is gone for staff (404).
		{"/documents/" + doc.ID + "/delete", nil, 303, 404, 403, 404},
		// The agency's own values: saving them leaves it as it was for the next visitor.
		{"/agencies/" + a.ID, url.Values{"name": {a.Name}, "jurisdiction": {"us-ca"}}, 303, 303, 403, 404},
		// Reactivating an active user changes nothing, so every visitor may try.
		{"/settings/users/" + viewer.ID + "/reactivate", nil, 303, 403, 403, 404},
		{"/settings/users/" + viewer.ID + "/invite", nil, 303, 403, 403, 404},
		// The viewer's own role: setting it again changes nothing.
		{"/settings/users/" + viewer.ID + "/role", url.Values{"role": {"viewer"}}, 303, 403, 403, 404},
		{"/settings/policy", url.Values{"time_zone": {"America/Los_Angeles"}, "due_soon_business_days": {"3,1"}, "overdue_repeat_days": {"7"}, "awaiting_after_business_days": {"3"}}, 303, 403, 403, 303},
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
		}
	}

	// Nobody signed in: every page and form sends the browser to sign in.
	b.cookie = nil
	for _, p := range pages {
		rec := b.get(p.path)
		require.Equal(t, http.StatusSeeOther, rec.Code, p.path)
		require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?next="), p.path)
	}
	for _, p := range posts {
		require.Equal(t, http.StatusSeeOther, b.post(p.path, p.form).Code, p.path)
	}
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
	rs, _, err := st.FindReminders(fx.Ctx, "pending", 0, "")
	require.NoError(t, err)
	link, err := st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	token := strings.TrimPrefix(link, "https://sunshine.example/invite/")
	b.get("/invite/" + token)
	b.login(fx.Admin.Email)
	require.NotContains(t, logs.String(), token)
	require.NotContains(t, logs.String(), password)
	require.Contains(t, logs.String(), `"path":"/invite/[token]"`)
}
