package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pquerna/otp"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// Two-step sign-in: the page that asks for the code after the password
// (/login/code), and each person's own set-up (/settings/two-step). A
// session opened by a password for an account with two-step on awaits its
// code: requireSession sends it here, and nothing else opens for it.

// twoStepPath is the set-up page; a person whose organization requires
// two-step sign-in and who has not set it up reaches nothing else.
const twoStepPath = "/settings/two-step"

// newCodeLimiter limits wrong two-step codes per account (who is the
// user's ID), across sign-ins: each sign-in ends after
// store.MaxCodeFailures wrong codes, and this stops someone who has the
// password from starting sign-in after sign-in to go on guessing.
func newCodeLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, maxKeys: 100_000, fails: map[string][]time.Time{},
		keys: func(_, user string) []limitKey { return []limitKey{{"u:" + user, 10, true}} }}
}

type codeData struct {
	Next, Email, OrgName, Error string
}

// pendingSignIn reads the sign-in awaiting a code that the session cookie
// names; nil when there is none (no cookie, expired, ended), after
// sending the browser to sign in again.
func (s *Server) pendingSignIn(c *gin.Context, next string) (*store.SignInCode, string) {
	cookie, _ := c.Cookie(sessionCookie)
	sc, err := s.store.PendingSignIn(ctxOf(c), cookie)
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EUnauthorized {
			s.serverError(c, err)
			return nil, ""
		}
		// Signed in already (the Back button to this page): go on.
		if _, err := s.store.Session(ctxOf(c), cookie); err == nil {
			c.Redirect(http.StatusSeeOther, next)
			return nil, ""
		}
		s.render(c, http.StatusUnauthorized, "login", "Sign in", loginData{Next: next,
			Error: "That sign-in has expired. Sign in again."})
		return nil, ""
	}
	return sc, cookie
}

func (s *Server) handleCodePage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	sc, _ := s.pendingSignIn(c, next)
	if sc == nil {
		return
	}
	s.render(c, http.StatusOK, "login_code", "Two-step sign-in", codeData{Next: next, Email: sc.Email, OrgName: sc.OrgName})
}

// handleCode takes the code. Wrong codes are limited per account
// (s.codeLimiter) besides the store's limit per sign-in.
func (s *Server) handleCode(c *gin.Context) {
	next := safeNext(c.PostForm("next"))
	sc, cookie := s.pendingSignIn(c, next)
	if sc == nil {
		return
	}
	d := codeData{Next: next, Email: sc.Email, OrgName: sc.OrgName}
	if strings.TrimSpace(c.PostForm("code")) == "" {
		d.Error = "Enter the six-digit code from your authenticator app, or a recovery code."
		s.render(c, http.StatusBadRequest, "login_code", "Two-step sign-in", d)
		return
	}
	now := time.Now()
	if !s.codeLimiter.begin("", sc.UserID, now) {
		d.Error = "Too many wrong codes. Wait 15 minutes, then try again."
		s.render(c, http.StatusTooManyRequests, "login_code", "Two-step sign-in", d)
		return
	}
	res, err := s.store.CompleteSignIn(ctxOf(c), cookie, c.PostForm("code"))
	switch {
	case err == nil:
		s.codeLimiter.succeeded("", sc.UserID, now)
	case sunshine.ErrorCode(err) == sunshine.EInvalid:
		d.Error = "That code did not work. Type the six digits your app shows now, or a recovery code."
		s.render(c, http.StatusBadRequest, "login_code", "Two-step sign-in", d)
		return
	case sunshine.ErrorCode(err) == sunshine.EUnauthorized:
		s.render(c, http.StatusUnauthorized, "login", "Sign in", loginData{Next: d.Next,
			Error: "That sign-in has ended: it expired, or too many codes were wrong. Sign in again."})
		return
	default:
		s.codeLimiter.abandoned("", sc.UserID, now)
		s.serverError(c, err)
		return
	}
	// The session, under its new token, opens pages for store.SessionTTL.
	s.setSessionCookie(c, res.Session)
	if res.Recovery {
		// Few left: to the page that makes new ones.
		to := d.Next
		if res.RecoveryLeft <= 2 {
			to = twoStepPath
		}
		s.redirectBack(c, to, recoveryUsedNote(res.RecoveryLeft))
		return
	}
	c.Redirect(http.StatusSeeOther, d.Next)
}

// recoveryUsedNote tells someone who signed in with a recovery code what
// they have left.
func recoveryUsedNote(left int) string {
	switch left {
	case 0:
		return "You signed in with your last recovery code. Make new ones now, below."
	case 1:
		return "You signed in with a recovery code: 1 is left. Make new ones below if your phone is lost."
	case 2:
		return "You signed in with a recovery code: 2 are left. Make new ones below if your phone is lost."
	}
	return "You signed in with a recovery code: " + strconv.Itoa(left) + " are left. " +
		"Lost your phone? Make new ones under Settings, Two-step sign-in."
}

type twoStepData struct {
	Note string
	store.TwoStep
	// Setup is the secret being set up while two-step is off: QR is its
	// otpauth URL drawn as a PNG data URL, Secret grouped by four to type.
	Setup  *store.TwoStepSetup
	QR     template.URL
	Secret string
	// Codes are recovery codes just made, shown once.
	Codes  []string
	Errors map[string]string // by field: password, code; "_" for the page
	Form   string            // the form the errors are for: on, codes, off
	// SinceText is when it was turned on, in the organization's time zone.
	SinceText string
	Count     int // recovery codes made at a time
}

// Err is the error of form's field, if that form was the one refused.
func (d *twoStepData) Err(form, field string) string {
	if d.Form != form {
		return ""
	}
	return d.Errors[field]
}

func (s *Server) handleTwoStepPage(c *gin.Context) {
	s.showTwoStep(c, http.StatusOK, &twoStepData{Note: s.takeNote(c)})
}

// showTwoStep loads the person's two-step state into d and renders it.
func (s *Server) showTwoStep(c *gin.Context, status int, d *twoStepData) {
	ts, err := s.store.TwoStepOf(ctxOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	d.TwoStep, d.Count = ts, store.RecoveryCodes
	if ts.Since != nil {
		d.SinceText = stamp(*ts.Since, s.orgLocation(c))
	}
	if !ts.On {
		if d.Setup, err = s.store.BeginTwoStep(ctxOf(c)); err != nil {
			s.fail(c, err)
			return
		}
		if d.QR, err = qrDataURL(d.Setup.URL); err != nil {
			s.serverError(c, err)
			return
		}
		d.Secret = groupsOf4(d.Setup.Secret)
	}
	s.render(c, status, "two_step", "Two-step sign-in", d)
}

// qrDataURL draws an otpauth URL as a QR code, a PNG data URL (the pages'
// Content-Security-Policy allows data: images).
func qrDataURL(otpauth string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(otpauth)
	if err != nil {
		return "", err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// groupsOf4 spaces a secret to be typed: "ABCD EFGH …".
func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// twoStepForm runs one of the set-up page's forms, each of which takes the
// person's current password: wrong ones are limited per user with the
// change-password form's limiter (a stolen session must not become a way
// to guess the password). do returns recovery codes to show, if any.
func (s *Server) twoStepForm(form string, do func(c *gin.Context, password string) ([]string, error), done func(c *gin.Context, codes []string)) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _ := sunshine.PrincipalFrom(ctxOf(c))
		refuse := func(status int, errs map[string]string) {
			s.showTwoStep(c, status, &twoStepData{Errors: errs, Form: form})
		}
		password := c.PostForm("password")
		if password == "" {
			refuse(http.StatusBadRequest, map[string]string{"password": "Enter your current password."})
			return
		}
		now := time.Now()
		if !s.pwLimiter.begin("", p.UserID, now) {
			refuse(http.StatusTooManyRequests, map[string]string{"password": "Too many wrong tries. Wait 15 minutes, then try again."})
			return
		}
		codes, err := do(c, password)
		switch {
		case err == nil:
			s.pwLimiter.succeeded("", p.UserID, now)
			done(c, codes)
		case formError(err):
			errs := sentences(fieldErrors(err))
			if _, wrong := errs["password"]; !wrong {
				s.pwLimiter.abandoned("", p.UserID, now) // the password was right
			}
			if len(errs) == 0 {
				errs = map[string]string{"_": sentence(sunshine.ErrorMessage(err))}
			}
			refuse(http.StatusBadRequest, errs)
		default:
			s.pwLimiter.abandoned("", p.UserID, now)
			s.fail(c, err)
		}
	}
}

// showCodes shows recovery codes just made, once: the page is not cached
// (render sends no-store) and they are never shown again.
func (s *Server) showCodes(note string) func(c *gin.Context, codes []string) {
	return func(c *gin.Context, codes []string) {
		s.showTwoStep(c, http.StatusOK, &twoStepData{Note: note, Codes: codes})
	}
}

func (s *Server) handleTwoStepOn(c *gin.Context) {
	s.twoStepForm("on", func(c *gin.Context, pw string) ([]string, error) {
		cookie, _ := c.Cookie(sessionCookie)
		return s.store.EnableTwoStep(ctxOf(c), pw, c.PostForm("code"), cookie)
	}, s.showCodes("Two-step sign-in is on: from now on, signing in asks for a code from your app."))(c)
}

func (s *Server) handleTwoStepCodes(c *gin.Context) {
	s.twoStepForm("codes", func(c *gin.Context, pw string) ([]string, error) {
		return s.store.NewRecoveryCodes(ctxOf(c), pw)
	}, s.showCodes("New recovery codes are made: the old ones no longer work."))(c)
}

func (s *Server) handleTwoStepOff(c *gin.Context) {
	s.twoStepForm("off", func(c *gin.Context, pw string) ([]string, error) {
		return nil, s.store.DisableTwoStep(ctxOf(c), pw)
	}, func(c *gin.Context, _ []string) {
		s.redirectBack(c, twoStepPath, "Two-step sign-in is off: signing in asks for your password only.")
	})(c)
}

// handleTwoStepReset turns off a member's two-step sign-in (admins): for
// someone who lost their phone and their recovery codes.
func (s *Server) handleTwoStepReset(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	if err := s.store.ResetTwoStep(ctxOf(c), c.Param("id")); err != nil {
		s.usersRefused(c, err)
		return
	}
	saved(c, "two-step-reset", "users")
}

// handleTwoStepRequire requires two-step sign-in of everyone in the
// organization, or stops requiring it (admins).
func (s *Server) handleTwoStepRequire(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	required := c.PostForm("required") == "on"
	if err := s.store.SetRequireTwoStep(ctxOf(c), required); err != nil {
		s.fail(c, err)
		return
	}
	p, _ := sunshine.PrincipalFrom(ctxOf(c))
	switch ts, err := s.store.TwoStepOf(ctxOf(c)); {
	case err != nil:
		s.fail(c, err)
	case required && !ts.On && p.UserID != "":
		// Their own next page is the set-up page: the note goes there.
		s.redirectBack(c, twoStepPath, savedNotes["two-step-required"])
	case required:
		saved(c, "two-step-required", "two-step")
	default:
		saved(c, "two-step-optional", "two-step")
	}
}

// twoStepAllowed are the pages a person who must set up two-step sign-in
// may open before they have: the set-up page and its forms, and signing
// out.
func twoStepAllowed(path string) bool {
	return path == twoStepPath || strings.HasPrefix(path, twoStepPath+"/") || path == "/logout"
}

// awaitingCode sends a session that awaits its two-step code to the page
// that asks for it, coming back to where it was going.
func awaitingCode(c *gin.Context, err error) bool {
	if !errors.Is(err, store.ErrAwaitingCode) {
		return false
	}
	next := "/"
	if c.Request.Method == http.MethodGet {
		next = c.Request.URL.RequestURI()
	}
	c.Redirect(http.StatusSeeOther, "/login/code?next="+url.QueryEscape(next))
	c.Abort()
	return true
}
