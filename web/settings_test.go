package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// staff adds a staff user with the test password to the bundle's org.
func (b *bundle) staff(email string) *sunshine.User {
	b.t.Helper()
	u := &sunshine.User{Email: email, Name: "Staff Person", Role: sunshine.RoleStaff}
	require.NoError(b.t, b.st.CreateUser(b.fx.Ctx, u))
	require.NoError(b.t, b.st.SetPassword(context.Background(), u.ID, password))
	return u
}

// inputValue returns the value attribute of the element with the id.
func inputValue(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*\svalue="([^"]*)"`).FindStringSubmatch(page)
	require.NotNil(t, m, "no value for #%s", id)
	return html.UnescapeString(m[1])
}

func TestSettings_Page(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	rec := b.get("/settings")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	for _, want := range []string{
		`<form method="post" action="/settings/preferences#preferences"`,
		`<label for="pref-digest">Send me a digest of what is due, each weekday</label>`,
		`<label for="pref-hour">Digest time (`,
		`<option value="7" selected>07:00</option>`,
		`<option value="23" >23:00</option>`,
		`<form method="post" action="/settings/calendar#calendar">`,
		`Create feed link`,
		`<form method="post" action="/settings/tokens#tokens"`,
		`<label for="token-name">`,
		`created with the organization`, // the fixture's token
		`<form method="post" action="/settings/users#users"`,
		b.fx.Admin.Email,
		`<label for="invite-email">Email</label>`,
		`<form method="post" action="/settings/policy#policy"`,
		`<label for="policy-tz">Time zone</label>`,
		`<a href="/export/organization.zip" download>Download everything (ZIP)</a>`,
	} {
		require.Contains(t, page, want)
	}
	for _, k := range sunshine.ReminderKinds {
		require.Contains(t, page, `id="kind-`+k+`" name="kinds" value="`+k+`" checked`, "every kind is on by default")
	}
	require.NotContains(t, page, "due_soon<", "kinds have plain labels")
	require.Contains(t, page, `action="/settings/tokens/`, "a revoke form for the active token")
}

func TestSettings_Preferences(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	rec := b.post("/settings/preferences", url.Values{"digest_hour": {"9"}, "kinds": {"overdue", "due_today"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=preferences#preferences", rec.Header().Get("Location"))
	prefs, err := b.st.Preferences(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, sunshine.Preferences{Digest: false, DigestHour: 9, Kinds: []string{"due_today", "overdue"}}, *prefs)

	page := body(b.get("/settings?saved=preferences"))
	require.Contains(t, page, "Your reminder preferences are saved.")
	require.Contains(t, page, `<option value="9" selected>09:00</option>`)
	require.Contains(t, page, `id="kind-overdue" name="kinds" value="overdue" checked`)
	require.Contains(t, page, `id="kind-due_soon" name="kinds" value="due_soon" >`)
	require.Contains(t, page, `id="pref-digest" name="digest" value="on" >`)
	require.NotContains(t, body(b.get("/settings?saved=<b>pwned</b>")), "pwned", "notes come from a fixed list")

	// A bad hour: 400, the error next to the select, and the choices kept.
	rec = b.post("/settings/preferences", url.Values{"digest": {"on"}, "digest_hour": {"25"}, "kinds": {"awaiting_requester"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `aria-invalid="true" aria-describedby="pref-hour-error"`)
	require.Contains(t, page, `<p class="field-error" id="pref-hour-error">Must be an hour from 0 to 23.</p>`)
	require.Contains(t, page, `id="pref-digest" name="digest" value="on" checked`)
	require.Contains(t, page, `id="kind-awaiting_requester" name="kinds" value="awaiting_requester" checked`)
	require.Contains(t, page, `id="kind-overdue" name="kinds" value="overdue" >`)

	rec = b.post("/settings/preferences", url.Values{"digest_hour": {"soon"}, "kinds": {"bogus"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="pref-hour-error">Choose an hour from 0 to 23.</p>`)
	prefs, err = b.st.Preferences(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, 9, prefs.DigestHour, "nothing saved on an error")
}

func TestSettings_Calendar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	rec := b.post("/settings/calendar", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	feed := inputValue(t, page, "feed-url")
	require.Regexp(t, `^https://sunshine\.example/calendar/[A-Za-z0-9_-]{43}\.ics$`, feed)
	require.Contains(t, page, `<input id="feed-url" type="text" readonly`)
	require.Contains(t, page, `<button type="button" class="secondary" data-copy="#feed-url">Copy</button>`)
	require.Contains(t, page, "Any link you made before has stopped working.")
	require.Contains(t, page, "Replace feed link")

	secret := strings.TrimSuffix(strings.TrimPrefix(feed, "https://sunshine.example/calendar/"), ".ics")
	owner, err := b.st.CalendarOwner(context.Background(), secret)
	require.NoError(t, err)
	require.Equal(t, b.fx.Admin.ID, owner.UserID)

	// The link is shown once; a new one replaces it.
	require.NotContains(t, body(b.get("/settings")), secret)
	again := inputValue(t, body(b.post("/settings/calendar", nil)), "feed-url")
	require.NotEqual(t, feed, again)
	_, err = b.st.CalendarOwner(context.Background(), secret)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the old link stops working")
}

func TestSettings_Tokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)

	rec := b.post("/settings/tokens", url.Values{"name": {"  "}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `aria-invalid="true" aria-describedby="token-name-error"`)
	require.Contains(t, body(rec), `id="token-name-error">Give the token a name`)

	rec = b.post("/settings/tokens", url.Values{"name": {"records bot"}})
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	token := inputValue(t, page, "new-token")
	require.True(t, strings.HasPrefix(token, "sun_"), token)
	require.Contains(t, page, `data-copy="#new-token"`)
	p, err := b.st.Authenticate(context.Background(), token)
	require.NoError(t, err)
	require.Equal(t, b.fx.Admin.ID, p.UserID)

	page = body(b.get("/settings"))
	require.NotContains(t, page, token, "shown once")
	require.Contains(t, page, `<td data-label="Name">records bot</td>`)
	// Times name their zone (the organization's): "Sun 6 Dec 2026 09:12 PST".
	require.Regexp(t, `<td data-label="Created">\w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2} [A-Z+-][A-Za-z0-9+-]*</td>`, page)
	ts, err := b.st.FindTokens(b.fx.Ctx)
	require.NoError(t, err)
	var id string
	for _, tk := range ts {
		if tk.Name == "records bot" {
			id = tk.ID
		}
	}
	require.Contains(t, page, `action="/settings/tokens/`+id+`/revoke#tokens"`)

	rec = b.post("/settings/tokens/"+id+"/revoke", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/settings?saved=revoked#tokens", rec.Header().Get("Location"))
	_, err = b.st.Authenticate(context.Background(), token)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
	page = body(b.get("/settings?saved=revoked"))
	require.Contains(t, page, "The token is revoked")
	require.NotContains(t, page, `action="/settings/tokens/`+id+`/revoke#tokens"`, "no revoke button for a revoked token")

	require.Equal(t, http.StatusNotFound, b.post("/settings/tokens/not-a-token/revoke", nil).Code)
}

func TestSettings_StaffSeeOnlyTheirOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := b.staff("staff@ndlon.example")
	b.login(staff.Email)

	page := body(b.get("/settings"))
	require.Contains(t, page, `action="/settings/preferences#preferences"`)
	require.Contains(t, page, `action="/settings/tokens#tokens"`)
	require.NotContains(t, page, `action="/settings/users`)
	require.NotContains(t, page, `action="/settings/policy`)
	require.NotContains(t, page, "created with the organization", "the admin's token is not listed")

	for path, form := range map[string]url.Values{
		"/settings/users":  {"email": {"x@ndlon.example"}, "role": {"admin"}},
		"/settings/policy": {"time_zone": {"UTC"}, "overdue_repeat_days": {"1"}, "awaiting_after_business_days": {"1"}},
	} {
		rec := b.post(path, form)
		require.Equal(t, http.StatusForbidden, rec.Code, path)
		require.Contains(t, body(rec), "Only an admin", path)
	}
	users, err := b.st.FindUsers(b.fx.Ctx)
	require.NoError(t, err)
	require.Len(t, users, 2, "nobody was invited")

	// The admin's token cannot be revoked by staff: it is "not found".
	ts, err := b.st.FindTokens(b.fx.Ctx)
	require.NoError(t, err)
	require.Len(t, ts, 1)
	require.Equal(t, http.StatusNotFound, b.post("/settings/tokens/"+ts[0].ID+"/revoke", nil).Code)
	_, err = b.st.Authenticate(context.Background(), b.fx.Token)
	require.NoError(t, err)

	// Their own preferences and tokens they may manage.
	rec := b.post("/settings/preferences", url.Values{"digest": {"on"}, "digest_hour": {"6"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	rec = b.post("/settings/tokens", url.Values{"name": {"my script"}})
	require.Equal(t, http.StatusOK, rec.Code)
	p, err := b.st.Authenticate(context.Background(), inputValue(t, body(rec), "new-token"))
	require.NoError(t, err)
	require.Equal(t, staff.ID, p.UserID)
	require.Equal(t, sunshine.RoleStaff, p.Role)
}

func TestSettings_Invite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)

	rec := b.post("/settings/users", url.Values{"email": {"Organizer@NDLON.example"}, "name": {"Ana Organizer"}, "role": {"staff"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=invited#users", rec.Header().Get("Location"))
	users, err := b.st.FindUsers(b.fx.Ctx)
	require.NoError(t, err)
	require.Len(t, users, 2)
	rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	require.Len(t, rs, 1, "the invitation email is in the outbox")
	require.Equal(t, "invite", rs[0].Kind)
	link, err := b.st.InvitePayload(context.Background(), rs[0].ID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, "https://sunshine.example/invite/"), link)

	page := body(b.get("/settings?saved=invited"))
	require.Contains(t, page, "Invitation sent.")
	require.Contains(t, page, `<td data-label="Email">organizer@ndlon.example</td><td data-label="Name">Ana Organizer</td><td data-label="Role">`)
	require.Regexp(t, `>Role of organizer@ndlon.example</label>\s*<select [^>]*><option value="staff" selected>staff</option>`, page)

	// Taken email: 400, the error at the email field, what was typed kept.
	rec = b.post("/settings/users", url.Values{"email": {"organizer@ndlon.example"}, "name": {"Someone Else"}, "role": {"viewer"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `aria-invalid="true" aria-describedby="invite-email-error"`)
	require.Contains(t, page, `<p class="field-error" id="invite-email-error">Is already a member of this organization.</p>`)
	require.Equal(t, "Someone Else", inputValue(t, page, "invite-name"))
	require.Contains(t, page, `<option value="viewer" selected>viewer</option>`)

	// Another organization's user's address: a new, separate account here.
	other := storetest.Org(t, b.st, "other")
	rec = b.post("/settings/users", url.Values{"email": {other.Admin.Email}, "role": {"viewer"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	u, err := b.st.FindUserByEmail(context.Background(), b.fx.Org.Slug, other.Admin.Email)
	require.NoError(t, err)
	require.NotEqual(t, other.Admin.ID, u.ID)

	rec = b.post("/settings/users", url.Values{"email": {"not an email"}, "role": {"overlord"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `id="invite-email-error">Must be an email address.</p>`)
	require.Contains(t, page, `id="invite-role-error">Must be admin, staff or viewer.</p>`)
	require.Equal(t, "not an email", inputValue(t, page, "invite-email"))
}

func TestSettings_Policy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)

	rec := b.post("/settings/policy", url.Values{"time_zone": {"America/Los_Angeles"}, "due_soon_business_days": {"5, 2,1"},
		"overdue_repeat_days": {"3"}, "awaiting_after_business_days": {"10"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=policy#policy", rec.Header().Get("Location"))
	pol, err := b.st.ReminderPolicy(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, sunshine.ReminderPolicy{TimeZone: "America/Los_Angeles", SoonDays: []int{5, 2, 1}, OverdueRepeatDays: 3, AwaitingAfterDays: 10}, *pol)
	page := body(b.get("/settings?saved=policy"))
	require.Contains(t, page, "The reminder policy is saved")
	require.Equal(t, "5, 2, 1", inputValue(t, page, "policy-soon"))
	require.Contains(t, page, "Digest time (America/Los_Angeles)")

	rec = b.post("/settings/policy", url.Values{"time_zone": {"Mars/Olympus_Mons"}, "due_soon_business_days": {"3, soon"},
		"overdue_repeat_days": {"0"}, "awaiting_after_business_days": {"many"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	for _, f := range []string{"policy-tz", "policy-soon", "policy-overdue", "policy-awaiting"} {
		require.Contains(t, page, `id="`+f+`-error"`, f)
	}
	require.Contains(t, page, `id="policy-overdue-error">Must be 1 to 90.</p>`)
	require.Contains(t, page, `id="policy-soon-error">Write whole numbers separated by commas`)
	require.Contains(t, page, `aria-describedby="policy-tz-hint policy-tz-error" aria-invalid="true"`)
	require.Equal(t, "Mars/Olympus_Mons", inputValue(t, page, "policy-tz"))
	require.Equal(t, "3, soon", inputValue(t, page, "policy-soon"))
	require.Equal(t, "0", inputValue(t, page, "policy-overdue"))
	require.Equal(t, "many", inputValue(t, page, "policy-awaiting"))

	// A well-formed but out-of-range policy: the store's messages, at their fields.
	rec = b.post("/settings/policy", url.Values{"time_zone": {"America/Chicago"}, "due_soon_business_days": {"40"},
		"overdue_repeat_days": {"3"}, "awaiting_after_business_days": {"10"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="policy-soon-error">Each must be 1 to 30.</p>`)
	pol, err = b.st.ReminderPolicy(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, "America/Los_Angeles", pol.TimeZone, "nothing saved on an error")
}

// An admin deactivates a user from the settings page: the user's session
// ends at once, the list shows them deactivated with a Reactivate button,
// and the last active admin is refused with the reason on the page.
func TestSettings_Deactivate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.staff("ana@ndlon.example")

	// Ana is signed in elsewhere.
	ana := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
	ana.login(u.Email)
	require.Equal(t, http.StatusOK, ana.get("/").Code)

	b.login(b.fx.Admin.Email)
	page := body(b.get("/settings"))
	deactivate := `<form method="post" action="/settings/users/` + u.ID + `/deactivate#users"><button type="submit" class="secondary" aria-label="Deactivate ana@ndlon.example">Deactivate</button></form>`
	require.Contains(t, page, deactivate)
	require.NotContains(t, page, `/settings/users/`+u.ID+`/reactivate`)

	rec := b.post("/settings/users/"+u.ID+"/deactivate", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=deactivated#users", rec.Header().Get("Location"))
	page = body(b.get("/settings?saved=deactivated"))
	require.Contains(t, page, "The user is deactivated: they are signed out everywhere")
	require.Contains(t, page, `<td data-label="Status">deactivated `)
	require.Contains(t, page, `<form method="post" action="/settings/users/`+u.ID+`/reactivate#users"><button type="submit" class="secondary" aria-label="Reactivate ana@ndlon.example">Reactivate</button></form>`)
	require.NotContains(t, page, deactivate)

	rec = ana.get("/")
	require.Equal(t, http.StatusSeeOther, rec.Code, "Ana's session ended")
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login"))
	ana.cookie = nil
	rec = ana.post("/login", url.Values{"email": {u.Email}, "password": {password}, "next": {"/"}})
	require.NotEqual(t, http.StatusSeeOther, rec.Code, "Ana cannot sign in")

	// A form from another site is refused like every other settings form.
	req := httptest.NewRequest("POST", "/settings/users/"+u.ID+"/reactivate", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, b.do(req).Code)

	rec = b.post("/settings/users/"+u.ID+"/reactivate", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=reactivated#users", rec.Header().Get("Location"))
	require.Contains(t, body(b.get("/settings?saved=reactivated")), "The user is active again.")
	ana.login(u.Email)

	// The organization's only admin cannot deactivate themselves: the page
	// says so instead of offering a button that is refused.
	page = body(b.get("/settings"))
	require.NotContains(t, page, `/settings/users/`+b.fx.Admin.ID+`/deactivate`)
	require.Contains(t, page, "The only admin: invite another admin before deactivating this account.")
	rec = b.post("/settings/users/"+b.fx.Admin.ID+"/deactivate", nil)
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), `<p class="error" role="alert">The organization&#39;s last active admin cannot be deactivated.</p>`)
	require.Equal(t, http.StatusOK, b.get("/settings").Code, "still signed in")

	// Staff see no buttons and may not post them.
	ana2 := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
	ana2.login(u.Email)
	require.NotContains(t, body(ana2.get("/settings")), "/deactivate")
	require.Equal(t, http.StatusForbidden, ana2.post("/settings/users/"+b.fx.Admin.ID+"/deactivate", nil).Code)
}

// An admin sends a user a new invitation (the first expired after 7 days,
// or was lost): the old link stops working, the new one sets the password.
func TestSettings_Reinvite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := &sunshine.User{Email: "late@ndlon.example", Name: "Late Organizer", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.InviteUser(b.fx.Ctx, u, "https://sunshine.example"))
	link := func() string { // the newest pending invitation's link
		rs, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
		require.NoError(t, err)
		require.Len(t, rs, 1, "one pending invitation")
		l, err := b.st.InvitePayload(context.Background(), rs[0].ID)
		require.NoError(t, err)
		return strings.TrimPrefix(l, "https://sunshine.example")
	}
	first := link()

	b.login(b.fx.Admin.Email)
	page := body(b.get("/settings"))
	require.Contains(t, page, `<form method="post" action="/settings/users/`+u.ID+`/invite#users"><button type="submit" class="secondary" aria-label="Send late@ndlon.example a new invitation">Send a new invitation</button></form>`)
	require.NotContains(t, page, `/settings/users/`+b.fx.Admin.ID+`/invite`, "not to oneself")
	rec := b.post("/settings/users/"+u.ID+"/invite", nil)
	require.Equal(t, "/settings?saved=reinvited#users", rec.Header().Get("Location"), body(rec))
	require.Contains(t, body(b.get("/settings?saved=reinvited")), "A new invitation is on its way")
	second := link()
	require.NotEqual(t, first, second)

	visitor := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
	rec = visitor.post(first, url.Values{"password": {password}, "confirm": {password}})
	require.Equal(t, http.StatusBadRequest, rec.Code, "the first link no longer works")
	rec = visitor.post(second, url.Values{"password": {password}, "confirm": {password}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, http.StatusOK, visitor.get("/").Code, "signed in as the invited user")

	// A deactivated user must be reactivated first.
	_, err := b.st.SetUserActive(b.fx.Ctx, u.ID, false)
	require.NoError(t, err)
	rec = b.post("/settings/users/"+u.ID+"/invite", nil)
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), "reactivate them first")
}

// An admin changes a user's role on the users list; the organization's
// only admin keeps theirs (no form), and staff cannot post the form.
func TestSettings_ChangeRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.staff("ana@ndlon.example")
	b.login(b.fx.Admin.Email)
	page := body(b.get("/settings"))
	require.Contains(t, page, `action="/settings/users/`+u.ID+`/role#users"`)
	require.NotContains(t, page, `/settings/users/`+b.fx.Admin.ID+`/role`, "the only admin's role cannot change")

	rec := b.post("/settings/users/"+u.ID+"/role", url.Values{"role": {"viewer"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))
	require.Equal(t, "/settings?saved=role#users", rec.Header().Get("Location"))
	require.Contains(t, body(b.get("/settings?saved=role")), "The user&#39;s role is changed")
	got, err := b.st.FindUserByID(b.fx.Ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.RoleViewer, got.Role)

	rec = b.post("/settings/users/"+u.ID+"/role", url.Values{"role": {"owner"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "Role: must be admin, staff or viewer.")
	rec = b.post("/settings/users/"+b.fx.Admin.ID+"/role", url.Values{"role": {"staff"}})
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), "The organization&#39;s last admin cannot lose the admin role.")

	// Ana, now a viewer, may not.
	ana := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine, clk: b.clk}
	ana.login(u.Email)
	require.Equal(t, http.StatusForbidden, ana.post("/settings/users/"+u.ID+"/role", url.Values{"role": {"admin"}}).Code)
}

// Settings → Your name saves the person's own name, which then signs the
// letters they draft; a name too long comes back with its error and what
// was typed, and changes nothing.
func TestSettings_YourName(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	page := body(b.get("/settings"))
	require.Contains(t, page, `<input id="my-name" name="name" value="`+html.EscapeString(b.fx.Admin.Name)+`"`)

	loc := requireRedirect(t, b.post("/settings/name", url.Values{"name": {"  Ana Ruiz "}}), "/settings?saved=name")
	require.Contains(t, body(b.get(strings.Split(loc, "#")[0])), "Your name is saved: it signs the letters you draft")
	me, err := b.st.FindUserByID(b.fx.Ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.Equal(t, "Ana Ruiz", me.Name)
	require.Contains(t, body(b.get("/requests/"+r.ID+"/letter")), "Sincerely,\n\nAna Ruiz\n")

	long := strings.Repeat("é", 201)
	rec := b.post("/settings/name", url.Values{"name": {long}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<p class="field-error" id="my-name-error">Must be at most 200 characters.</p>`)
	require.Contains(t, page, `value="`+long+`"`)
	me, err = b.st.FindUserByID(b.fx.Ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.Equal(t, "Ana Ruiz", me.Name, "unchanged")
}

// An admin writes the organization's letter closing on Settings: request
// letters drafted from then on end with it; too long, the page says so
// with the text as typed, and nothing changes.
func TestSettings_LetterClosing(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	page := body(b.get("/settings"))
	require.Contains(t, page, `<h2 id="letters-h">Letters</h2>`)
	rec := b.post("/settings/letters", url.Values{"closing": {"We ask that fees be waived: we are a nonprofit.\r\n"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/settings?saved=letters#letters", rec.Header().Get("Location"))
	require.Contains(t, body(b.get("/settings?saved=letters")), "The letters&#39; closing is saved")
	letter := textareaValue(t, body(b.get("/requests/"+r.ID+"/letter")), "letter-body")
	require.Contains(t, letter, "\n\nWe ask that fees be waived: we are a nonprofit.\n\nSincerely,\n")

	long := strings.Repeat("x", 5001)
	rec = b.post("/settings/letters", url.Values{"closing": {long}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "Must be at most 5000 characters (it has 5001).")
	require.Contains(t, body(rec), long+"</textarea>")
	closing, err := b.st.LetterClosing(b.fx.Ctx)
	require.NoError(t, err)
	require.Equal(t, "We ask that fees be waived: we are a nonprofit.", closing)
}
