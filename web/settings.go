package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// The settings page: the signed-in user's reminder preferences, calendar
// feed and API tokens; for admins also the organization's users and its
// reminder policy. Secrets (a feed link, a new token) are shown once, in
// the response to the POST that made them, and never again.

// kindLabels say in plain words what each reminder kind is.
var kindLabels = map[string]string{
	sunshine.ReminderDueSoon:         "A few business days before a request is due",
	sunshine.ReminderDueToday:        "On the morning a request is due",
	sunshine.ReminderOverdue:         "When a request is overdue, repeated until it is answered",
	sunshine.ReminderExtensionEnding: "Before an extended deadline ends",
	sunshine.ReminderEstimatePassed:  "When the date the agency promised has passed",
	sunshine.ReminderAwaiting:        "When a request has been waiting on us for a while",
	sunshine.ReminderAssigned:        "When someone assigns a request to me",
	sunshine.ReminderEmailReceived:   "When an agency emails a request's reply address",
	sunshine.ReminderMentioned:       "When someone mentions me in a note",
}

// savedNotes are the success notes the page shows after a redirect, by the
// key in ?saved= (a fixed list, so a link cannot put words on the page).
var savedNotes = map[string]string{
	"preferences": "Your reminder preferences are saved.",
	"name":        "Your name is saved: it signs the letters you draft and greets you in emails.",
	"revoked":     "The token is revoked: programs using it can no longer sign in with it.",
	"invited":     "Invitation sent. The link in the email lets them set a password; it works for 7 days.",
	"policy":      "The reminder policy is saved, and reminders for open requests are rescheduled.",
	"letters":     "The letters' closing is saved: request letters drafted from now on end with it.",
	"deactivated": "The user is deactivated: they are signed out everywhere, their API tokens are revoked, and they get no more reminders.",
	"reactivated": "The user is active again. Their old API tokens stay revoked; they sign in with their password.",
	"role":        "The user's role is changed; it applies from their next page.",
	"reinvited":   "A new invitation is on its way; earlier links no longer work. Following it sets their password.",
	"password":    "Your password was changed; other sign-ins were signed out.",
	"two-step-reset": "Their two-step sign-in is off: they sign in with their password alone, and set it up again " +
		"(at once, if the organization requires it).",
	"two-step-required": "Two-step sign-in is now required: anyone without it is asked to set it up before anything else, " +
		"the next time they open a page.",
	"two-step-optional": "Two-step sign-in is no longer required; those who set it up keep it.",
	"session-ended":     "That browser is signed out.",
	"sessions-ended":    "You are signed out everywhere but in this browser.",
}

type kindOption struct {
	Value, Label string
	Checked      bool
}

type prefsForm struct {
	Digest     bool
	DigestHour int
	Kinds      []kindOption
	Errors     map[string]string
}

type tokenRow struct {
	ID, Name, Owner            string
	Created, LastUsed, Revoked string
	Active                     bool
}

type tokenForm struct {
	Name   string
	Errors map[string]string
	New    string // the token just made, shown once
}

// userRow is a user in the admin's list, with when they were deactivated.
type userRow struct {
	*sunshine.User
	Deactivated string
	Self        bool
	// LastAdmin: the organization's only active admin, who cannot be
	// deactivated (the store refuses it).
	LastAdmin bool
}

type inviteForm struct {
	Email, Name, Role string
	Errors            map[string]string
}

type policyForm struct {
	TimeZone, SoonDays, OverdueRepeatDays, AwaitingAfterDays string
	Errors                                                   map[string]string
}

type settingsData struct {
	Note string
	// Name is the person's own name, as typed when refused (NameErr).
	Name, NameErr string
	Password      passwordForm
	IsAdmin       bool
	TimeZone      string // the organization's, for the digest hour and timestamps
	Hours         []int
	Prefs         prefsForm
	FeedURL       string // a feed link just made, shown once
	Tokens        []tokenRow
	TokenForm     tokenForm
	Users         []userRow
	UsersErr      string // why a deactivation or reactivation was refused
	Invite        inviteForm
	Roles         []sunshine.Role
	Policy        policyForm
	Zones         []string
	// Closing is the organization's letter closing, as saved or as typed
	// when refused (ClosingErr).
	Closing, ClosingErr string
	// TwoStep is the person's own two-step sign-in, and whether the
	// organization requires it.
	TwoStep store.TwoStep
	// Sessions are where the person is signed in.
	Sessions []sessionRow
	// SharedPages are the organization's requests shared by link (admins).
	SharedPages []sharedPageRow
	// Archive: the organization's whole ZIP can be downloaded (admins,
	// Config.OrgZip).
	Archive bool
	// SearchAlerts are the person's own.
	SearchAlerts []searchAlertRow
}

// searchAlertRow is one of the person's search alerts, its times in the
// organization's time zone.
type searchAlertRow struct {
	*sunshine.SearchAlert
	Made, LastSent string
}

// sharedPageRow is a shared page in the admin's list.
type sharedPageRow struct {
	store.SharedPageRow
	Made string
}

// commonZones are suggestions for the policy's time zone; any IANA name works.
var commonZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC"}

// settingsFor loads everything the page shows. Forms already filled in d
// (a submission being shown again with its errors) are kept as they are.
func (s *Server) settingsFor(c *gin.Context, d *settingsData) error {
	ctx := ctxOf(c)
	p, _ := sunshine.PrincipalFrom(ctx)
	d.IsAdmin = p.Role == sunshine.RoleAdmin
	d.Archive = d.IsAdmin && s.cfg.OrgZip != nil
	if d.NameErr == "" {
		me, err := s.store.FindUserByID(ctx, p.UserID)
		if err != nil {
			return err
		}
		d.Name = me.Name
	}
	d.Roles = []sunshine.Role{sunshine.RoleStaff, sunshine.RoleViewer, sunshine.RoleAdmin}
	d.Zones = commonZones
	d.Hours = make([]int, 24)
	for i := range d.Hours {
		d.Hours[i] = i
	}
	pol, err := s.store.ReminderPolicy(ctx)
	if err != nil {
		return err
	}
	d.TimeZone = pol.TimeZone
	loc := sunshine.Location(pol.TimeZone)
	if d.Prefs.Kinds == nil {
		prefs, err := s.store.Preferences(ctx)
		if err != nil {
			return err
		}
		d.Prefs = prefsFormOf(prefs.Digest, prefs.DigestHour, prefs.Kinds, nil)
	}
	if d.Policy.TimeZone == "" && d.Policy.Errors == nil {
		d.Policy = policyForm{TimeZone: pol.TimeZone, SoonDays: joinInts(pol.SoonDays),
			OverdueRepeatDays: strconv.Itoa(pol.OverdueRepeatDays), AwaitingAfterDays: strconv.Itoa(pol.AwaitingAfterDays)}
	}
	if d.TwoStep, err = s.store.TwoStepOf(ctx); err != nil {
		return err
	}
	if d.Sessions, err = s.sessionRows(c); err != nil {
		return err
	}
	alerts, err := s.store.SearchAlerts(ctx)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		row := searchAlertRow{SearchAlert: a, Made: stamp(a.CreatedAt, loc)}
		if a.LastSentAt != nil {
			row.LastSent = stamp(*a.LastSentAt, loc)
		}
		d.SearchAlerts = append(d.SearchAlerts, row)
	}
	if d.Invite.Role == "" {
		d.Invite.Role = string(sunshine.RoleStaff)
	}
	if d.IsAdmin && d.ClosingErr == "" {
		if d.Closing, err = s.store.LetterClosing(ctx); err != nil {
			return err
		}
	}
	names := map[string]string{}
	if d.IsAdmin {
		pages, err := s.store.SharedPages(ctx)
		if err != nil {
			return err
		}
		for _, sp := range pages {
			d.SharedPages = append(d.SharedPages, sharedPageRow{SharedPageRow: sp, Made: stamp(sp.CreatedAt, loc)})
		}
		users, err := s.store.FindUsers(ctx)
		if err != nil {
			return err
		}
		d.Users = nil
		for _, u := range users {
			names[u.ID] = u.Name
			if u.Name == "" {
				names[u.ID] = u.Email
			}
			row := userRow{User: u, Self: u.ID == p.UserID}
			if u.DeactivatedAt != nil {
				row.Deactivated = stamp(*u.DeactivatedAt, loc)
			}
			d.Users = append(d.Users, row)
		}
		admins := 0
		for _, u := range users {
			if u.Active && u.Role == sunshine.RoleAdmin {
				admins++
			}
		}
		for i := range d.Users {
			d.Users[i].LastAdmin = admins == 1 && d.Users[i].Active && d.Users[i].Role == sunshine.RoleAdmin
		}
	}
	tokens, err := s.store.FindTokens(ctx)
	if err != nil {
		return err
	}
	d.Tokens = nil
	for _, t := range tokens {
		if !d.IsAdmin && t.UserID != p.UserID {
			continue // people see their own tokens; admins see everyone's
		}
		row := tokenRow{ID: t.ID, Name: t.Name, Owner: names[t.UserID], Created: stamp(t.CreatedAt, loc),
			LastUsed: "never", Active: t.RevokedAt == nil}
		if t.LastUsedAt != nil {
			row.LastUsed = stamp(*t.LastUsedAt, loc)
		}
		if t.RevokedAt != nil {
			row.Revoked = stamp(*t.RevokedAt, loc)
		}
		d.Tokens = append(d.Tokens, row)
	}
	return nil
}

func prefsFormOf(digest bool, hour int, kinds []string, errs map[string]string) prefsForm {
	f := prefsForm{Digest: digest, DigestHour: hour, Errors: errs, Kinds: []kindOption{}}
	for _, k := range sunshine.ReminderKinds {
		opt := kindOption{Value: k, Label: kindLabels[k]}
		if opt.Label == "" {
			opt.Label = strings.ReplaceAll(k, "_", " ")
		}
		for _, have := range kinds {
			opt.Checked = opt.Checked || have == k
		}
		f.Kinds = append(f.Kinds, opt)
	}
	return f
}

// sentences makes the store's field messages ("must be 1 to 90") read as
// sentences next to their fields.
func sentences(errs map[string]string) map[string]string {
	for k, v := range errs {
		if v != "" {
			v = strings.ToUpper(v[:1]) + v[1:]
			if !strings.HasSuffix(v, ".") {
				v += "."
			}
			errs[k] = v
		}
	}
	return errs
}

// stamp writes a moment in the organization's time zone, naming the zone:
// a coordinator in another one reads "15:04 PST" rightly.
func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}

// showSettings renders the page with d, loading the rest.
func (s *Server) showSettings(c *gin.Context, status int, d *settingsData) {
	if err := s.settingsFor(c, d); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "settings", "Settings", d)
}

// saved returns to the settings page with a success note, at a section.
func saved(c *gin.Context, key, section string) {
	c.Redirect(http.StatusSeeOther, "/settings?saved="+url.QueryEscape(key)+"#"+section)
}

// formError reports whether err is a problem with what was typed (shown
// next to the fields); anything else goes to s.fail.
func formError(err error) bool {
	switch sunshine.ErrorCode(err) {
	case sunshine.EInvalid, sunshine.EConflict:
		return true
	}
	return false
}

// requireAdmin shows the 403 page to non-admins.
func (s *Server) requireAdmin(c *gin.Context) bool {
	p, _ := sunshine.PrincipalFrom(ctxOf(c))
	if p.Role == sunshine.RoleAdmin {
		return true
	}
	s.render(c, http.StatusForbidden, "error", "Not allowed", errorPage{Message: "Only an admin of your organization can do that."})
	return false
}

func (s *Server) handleSettings(c *gin.Context) {
	note := savedNotes[c.Query("saved")]
	if n := s.takeNote(c); n != "" {
		note = n
	}
	s.showSettings(c, http.StatusOK, &settingsData{Note: note})
}

// handleMyName saves the person's own name.
func (s *Server) handleMyName(c *gin.Context) {
	name := c.PostForm("name")
	_, err := s.store.SetMyName(ctxOf(c), name)
	switch {
	case err == nil:
		saved(c, "name", "name")
	case formError(err):
		s.showSettings(c, http.StatusBadRequest, &settingsData{Name: name, NameErr: sentences(fieldErrors(err))["name"]})
	default:
		s.fail(c, err)
	}
}

func (s *Server) handlePreferences(c *gin.Context) {
	errs := map[string]string{}
	digest := c.PostForm("digest") != ""
	kinds := c.PostFormArray("kinds")
	hour, err := strconv.Atoi(strings.TrimSpace(c.PostForm("digest_hour")))
	if err != nil {
		errs["digest_hour"] = "Choose an hour from 0 to 23."
		hour = -1
	}
	if len(errs) == 0 {
		err = s.store.SetPreferences(ctxOf(c), sunshine.Preferences{Digest: digest, DigestHour: hour, Kinds: kinds})
		if err == nil {
			saved(c, "preferences", "preferences")
			return
		}
		if !formError(err) {
			s.fail(c, err)
			return
		}
		errs = sentences(fieldErrors(err))
	}
	s.showSettings(c, http.StatusBadRequest, &settingsData{Prefs: prefsFormOf(digest, hour, kinds, errs)})
}

func (s *Server) handleCalendar(c *gin.Context) {
	secret, err := s.store.RotateCalendarSecret(ctxOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showSettings(c, http.StatusOK, &settingsData{FeedURL: s.baseURL(c) + "/calendar/" + secret + ".ics"})
}

// baseURL is the configured public address, or this request's.
func (s *Server) baseURL(c *gin.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

func (s *Server) handleTokenCreate(c *gin.Context) {
	p, _ := sunshine.PrincipalFrom(ctxOf(c))
	name := strings.TrimSpace(c.PostForm("name"))
	d := &settingsData{TokenForm: tokenForm{Name: name}}
	switch {
	case name == "":
		d.TokenForm.Errors = map[string]string{"name": "Give the token a name, such as the program that will use it."}
	case len(name) > 200:
		d.TokenForm.Errors = map[string]string{"name": "Use at most 200 characters."}
	default:
		plain, _, err := s.store.CreateToken(ctxOf(c), p.UserID, name)
		if err == nil {
			d.TokenForm = tokenForm{New: plain, Name: name}
			s.showSettings(c, http.StatusOK, d)
			return
		}
		if !formError(err) {
			s.fail(c, err)
			return
		}
		d.TokenForm.Errors = sentences(fieldErrors(err))
	}
	s.showSettings(c, http.StatusBadRequest, d)
}

func (s *Server) handleTokenRevoke(c *gin.Context) {
	ctx := ctxOf(c)
	p, _ := sunshine.PrincipalFrom(ctx)
	id := c.Param("id")
	if p.Role != sunshine.RoleAdmin {
		// Others may revoke only their own tokens; anyone else's is "not found".
		tokens, err := s.store.FindTokens(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		mine := false
		for _, t := range tokens {
			mine = mine || (t.ID == id && t.UserID == p.UserID)
		}
		if !mine {
			s.fail(c, sunshine.Errorf(sunshine.ENotFound, "token not found"))
			return
		}
	}
	if err := s.store.RevokeToken(ctx, id); err != nil {
		s.fail(c, err)
		return
	}
	saved(c, "revoked", "tokens")
}

func (s *Server) handleUserInvite(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f := inviteForm{Email: strings.TrimSpace(c.PostForm("email")), Name: strings.TrimSpace(c.PostForm("name")),
		Role: c.PostForm("role")}
	u := &sunshine.User{Email: f.Email, Name: f.Name, Role: sunshine.Role(f.Role)}
	err := s.store.InviteUser(ctxOf(c), u, s.baseURL(c))
	if err == nil {
		saved(c, "invited", "users")
		return
	}
	if !formError(err) {
		s.fail(c, err)
		return
	}
	f.Errors = sentences(fieldErrors(err))
	s.showSettings(c, http.StatusBadRequest, &settingsData{Invite: f})
}

// handleUserActive deactivates (active false) or reactivates a user of the
// admin's organization. A refusal (the last active admin) is shown in the
// users section; another organization's user is the 404 page.
// handleUserReinvite sends a user a new invitation link (an expired or
// lost one; a forgotten password).
func (s *Server) handleUserReinvite(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	switch err := s.store.Reinvite(ctxOf(c), c.Param("id"), s.baseURL(c)); {
	case err == nil:
		saved(c, "reinvited", "users")
	case sunshine.ErrorCode(err) == sunshine.EConflict:
		s.showSettings(c, http.StatusConflict, &settingsData{UsersErr: "That user is deactivated: reactivate them first."})
	default:
		s.fail(c, err)
	}
}

func (s *Server) handleUserActive(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.requireAdmin(c) {
			return
		}
		_, err := s.store.SetUserActive(ctxOf(c), c.Param("id"), active)
		switch {
		case err == nil && active:
			saved(c, "reactivated", "users")
		case err == nil:
			// Deactivating oneself ends one's own session: the redirect
			// then leads to the sign-in page.
			saved(c, "deactivated", "users")
		default:
			s.usersRefused(c, err)
		}
	}
}

// handleUserRole changes a user's role (admin, staff or viewer); the
// organization's last admin keeps theirs.
func (s *Server) handleUserRole(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	if _, err := s.store.UpdateUserRole(ctxOf(c), c.Param("id"), sunshine.Role(c.PostForm("role"))); err != nil {
		s.usersRefused(c, err)
		return
	}
	saved(c, "role", "users")
}

// usersRefused shows a refused change to the users list above the list, or
// fails the page for anything that is not the form's fault.
func (s *Server) usersRefused(c *gin.Context, err error) {
	if !formError(err) {
		s.fail(c, err)
		return
	}
	var e *sunshine.Error
	errors.As(err, &e)
	msg := e.Message
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:] + "."
	}
	status := http.StatusBadRequest
	if sunshine.ErrorCode(err) == sunshine.EConflict {
		status = http.StatusConflict
	}
	s.showSettings(c, status, &settingsData{UsersErr: msg})
}

// handleLetterClosing saves the organization's letter closing (admins).
func (s *Server) handleLetterClosing(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	typed := c.PostForm("closing")
	_, err := s.store.SetLetterClosing(ctxOf(c), typed)
	switch {
	case err == nil:
		saved(c, "letters", "letters")
	case formError(err):
		s.showSettings(c, http.StatusBadRequest, &settingsData{Closing: typed, ClosingErr: sentences(fieldErrors(err))["closing"]})
	default:
		s.fail(c, err)
	}
}

func (s *Server) handlePolicy(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f := policyForm{TimeZone: strings.TrimSpace(c.PostForm("time_zone")), SoonDays: strings.TrimSpace(c.PostForm("due_soon_business_days")),
		OverdueRepeatDays: strings.TrimSpace(c.PostForm("overdue_repeat_days")), AwaitingAfterDays: strings.TrimSpace(c.PostForm("awaiting_after_business_days"))}
	errs := map[string]string{}
	pol := sunshine.ReminderPolicy{TimeZone: f.TimeZone, SoonDays: []int{}}
	for _, part := range strings.FieldsFunc(f.SoonDays, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			errs["due_soon_business_days"] = "Write whole numbers separated by commas, such as 3, 1."
			break
		}
		pol.SoonDays = append(pol.SoonDays, n)
	}
	var err error
	if pol.OverdueRepeatDays, err = strconv.Atoi(f.OverdueRepeatDays); err != nil {
		errs["overdue_repeat_days"] = "Write a whole number of days, 1 to 90."
	}
	if pol.AwaitingAfterDays, err = strconv.Atoi(f.AwaitingAfterDays); err != nil {
		errs["awaiting_after_business_days"] = "Write a whole number of business days, 1 to 30."
	}
	if len(errs) == 0 {
		err := s.store.SetReminderPolicy(ctxOf(c), pol)
		if err == nil {
			saved(c, "policy", "policy")
			return
		}
		if !formError(err) {
			s.fail(c, err)
			return
		}
		errs = sentences(fieldErrors(err))
	} else {
		// Report the fields that parsed but are out of range too.
		for k, v := range sentences(fieldErrors(pol.Validate())) {
			if _, ok := errs[k]; !ok && k != "_" {
				errs[k] = v
			}
		}
	}
	f.Errors = errs
	s.showSettings(c, http.StatusBadRequest, &settingsData{Policy: f})
}
