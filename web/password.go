package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// Passwords: setting one with a link (an admin's invitation, or a reset
// link the person asked for on /password/forgot), and changing one's own
// on the settings page. The pages with a link are public: the token in the
// address is the credential, and the Referrer-Policy every page has
// (same-origin) keeps it from other sites.

// linkPage is one of the two pages that set a password with a link.
type linkPage struct {
	path, title, button string
	// check tells whether the link still works; use sets the password
	// with it and opens a session.
	check func(s *Server, c *gin.Context, token string) error
	use   func(s *Server, c *gin.Context, token, password string) (string, sunshine.Principal, error)
	// forgot: a link no longer valid offers to ask for a new one.
	forgot bool
}

var (
	invitePage = linkPage{path: "/invite/", title: "Set your password", button: "Set password and sign in",
		check: func(s *Server, c *gin.Context, token string) error { return s.store.CheckInviteLink(ctxOf(c), token) },
		use: func(s *Server, c *gin.Context, token, pw string) (string, sunshine.Principal, error) {
			return s.store.AcceptInvite(ctxOf(c), token, pw)
		}}
	resetPage = linkPage{path: "/password/reset/", title: "Choose a new password", button: "Save password and sign in", forgot: true,
		check: func(s *Server, c *gin.Context, token string) error { return s.store.CheckResetLink(ctxOf(c), token) },
		use: func(s *Server, c *gin.Context, token, pw string) (string, sunshine.Principal, error) {
			return s.store.ResetPassword(ctxOf(c), token, pw)
		}}
)

// setPasswordData is the page that sets a password with a link.
type setPasswordData struct {
	Action, Button, Error string
	Errors                map[string]string // by field: password, confirm
	Forgot                bool              // Error: offer to ask for a new link
	Gone                  bool              // the link no longer works: no form
}

// linkPageHandler shows the form, or, for a link that no longer works,
// says so at once rather than after a password is typed.
func (s *Server) linkPageHandler(lp linkPage) gin.HandlerFunc {
	return func(c *gin.Context) {
		d := setPasswordData{Action: lp.path + c.Param("token"), Button: lp.button}
		if err := lp.check(s, c, c.Param("token")); err != nil {
			if sunshine.ErrorCode(err) != sunshine.ENotFound {
				s.serverError(c, err)
				return
			}
			d.Gone, d.Error, d.Forgot = true, sentence(sunshine.ErrorMessage(err)), lp.forgot
			s.render(c, http.StatusNotFound, "set_password", lp.title, d)
			return
		}
		s.render(c, http.StatusOK, "set_password", lp.title, d)
	}
}

// confirmError is the message when the two new passwords differ.
const confirmError = "Type the same new password in both boxes."

func (s *Server) linkHandler(lp linkPage) gin.HandlerFunc {
	return func(c *gin.Context) {
		d := setPasswordData{Action: lp.path + c.Param("token"), Button: lp.button}
		pw := c.PostForm("password")
		if pw != c.PostForm("confirm") {
			d.Errors = map[string]string{"confirm": confirmError}
			s.render(c, http.StatusBadRequest, "set_password", lp.title, d)
			return
		}
		token, _, err := lp.use(s, c, c.Param("token"), pw)
		if err != nil {
			switch sunshine.ErrorCode(err) {
			case sunshine.EInvalid:
				d.Errors = sentences(fieldErrors(err))
			case sunshine.ENotFound:
				d.Gone, d.Error, d.Forgot = true, sentence(sunshine.ErrorMessage(err)), lp.forgot
			default:
				s.serverError(c, err)
				return
			}
			s.render(c, http.StatusBadRequest, "set_password", lp.title, d)
			return
		}
		s.setSessionCookie(c, token)
		c.Redirect(http.StatusSeeOther, "/")
	}
}

// sentence starts a message with a capital letter.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

type forgotData struct {
	Email, Error string
	Sent         string // the answer, once asked
}

// forgotSent is the one answer to a request for a reset link, whether or
// not an account uses the address.
const forgotSent = "If an account uses that address, we have emailed a link to reset its password. The link works once, for 1 hour."

func (s *Server) handleForgotPage(c *gin.Context) {
	s.render(c, http.StatusOK, "forgot", "Reset your password", forgotData{})
}

// handleForgot emails reset links for the address typed, if it is an
// account's, and answers the same page either way. Requests are limited
// per client address; the store also sends an account no more than one
// email per store.ResetEvery.
func (s *Server) handleForgot(c *gin.Context) {
	d := forgotData{Email: strings.TrimSpace(c.PostForm("email"))}
	if d.Email == "" || len(d.Email) > 320 || !strings.Contains(d.Email, "@") {
		d.Error = "Enter the email address you sign in with."
		s.render(c, http.StatusBadRequest, "forgot", "Reset your password", d)
		return
	}
	if !s.forgotLimiter.begin(c.ClientIP(), "", time.Now()) {
		d.Error = "Too many requests from here. Wait 15 minutes, then try again."
		s.render(c, http.StatusTooManyRequests, "forgot", "Reset your password", d)
		return
	}
	// The configured address only, never the request's Host: anyone can
	// send this form with a Host of their own, and the link would take its
	// token to them.
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	if base == "" {
		s.serverError(c, errors.New("web: password reset links need Config.BaseURL (SUNSHINE_BASE_URL)"))
		return
	}
	if _, err := s.store.RequestPasswordReset(ctxOf(c), d.Email, base); err != nil {
		s.serverError(c, err)
		return
	}
	s.render(c, http.StatusOK, "forgot", "Reset your password", forgotData{Sent: forgotSent})
}

// passwordForm is the settings page's change-password form: only its
// errors are shown again, never what was typed.
type passwordForm struct {
	Errors map[string]string // by field: current_password, new_password, confirm_password
}

// handlePasswordChange changes the signed-in user's password, given the
// current one. Wrong current passwords are limited per user (s.pwLimiter):
// someone with a stolen session must not be able to guess it. Every other
// session of the user ends; this one stays signed in.
func (s *Server) handlePasswordChange(c *gin.Context) {
	p, _ := sunshine.PrincipalFrom(ctxOf(c))
	current, next := c.PostForm("current_password"), c.PostForm("new_password")
	refuse := func(status int, errs map[string]string) {
		s.showSettings(c, status, &settingsData{Password: passwordForm{Errors: errs}})
	}
	switch {
	case current == "":
		refuse(http.StatusBadRequest, map[string]string{"current_password": "Enter your current password."})
		return
	case next != c.PostForm("confirm_password"):
		refuse(http.StatusBadRequest, map[string]string{"confirm_password": confirmError})
		return
	}
	now := time.Now()
	if !s.pwLimiter.begin("", p.UserID, now) {
		refuse(http.StatusTooManyRequests, map[string]string{"current_password": "Too many wrong tries. Wait 15 minutes, then try again."})
		return
	}
	cookie, _ := c.Cookie(sessionCookie)
	err := s.store.ChangePassword(ctxOf(c), current, next, cookie)
	switch {
	case err == nil:
		s.pwLimiter.succeeded("", p.UserID, now)
		saved(c, "password", "password")
	case formError(err):
		errs := sentences(fieldErrors(err))
		if _, wrong := errs["current_password"]; !wrong {
			s.pwLimiter.abandoned("", p.UserID, now) // the current password was not tried
		}
		refuse(http.StatusBadRequest, errs)
	default:
		s.pwLimiter.abandoned("", p.UserID, now)
		s.fail(c, err)
	}
}
