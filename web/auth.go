package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

type loginData struct {
	Email, Next, Error string
	// Choices are the organizations whose account the password opened,
	// when it opened several: the page asks which one, posting Choice (the
	// store's token for the accounts the password opened, not the
	// password) with the chosen organization's slug.
	Choices []*sunshine.Organization
	Choice  string
}

func (s *Server) handleLoginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login", "Sign in", loginData{Next: safeNext(c.Query("next"))})
}

// genericLoginError is the one message for every failed sign-in, so it does
// not tell which emails exist.
const genericLoginError = "That email and password did not work. Check them and try again."

func (s *Server) handleLogin(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	d := loginData{Email: email, Next: safeNext(c.PostForm("next"))}
	if choice := c.PostForm("choice"); choice != "" {
		s.chooseOrg(c, d, choice)
		return
	}
	ip, who, now := c.ClientIP(), strings.ToLower(email), time.Now()
	if !s.limiter.begin(ip, who, now) {
		d.Error = "Too many attempts. Wait a few minutes, then try again."
		s.render(c, http.StatusTooManyRequests, "login", "Sign in", d)
		return
	}
	token, _, choice, err := s.store.Login(ctxOf(c), email, c.PostForm("password"))
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EUnauthorized {
			s.limiter.abandoned(ip, who, now)
			s.serverError(c, err)
			return
		}
		d.Error = genericLoginError
		s.render(c, http.StatusUnauthorized, "login", "Sign in", d)
		return
	}
	s.limiter.succeeded(ip, who, now)
	if choice != nil {
		d.Choices, d.Choice = choice.Orgs, choice.Token
		s.render(c, http.StatusOK, "login", "Choose an organization", d)
		return
	}
	s.setSessionCookie(c, token)
	c.Redirect(http.StatusSeeOther, d.Next)
}

// chooseOrg signs in to the organization picked on the choice page. The
// choice token is 32 random bytes, so guessing one is no use: it is not
// rate-limited.
func (s *Server) chooseOrg(c *gin.Context, d loginData, choice string) {
	token, _, err := s.store.ChooseOrg(ctxOf(c), choice, c.PostForm("org"))
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EUnauthorized {
			s.serverError(c, err)
			return
		}
		d.Error = "That sign-in has expired. Sign in again."
		s.render(c, http.StatusUnauthorized, "login", "Sign in", d)
		return
	}
	s.setSessionCookie(c, token)
	c.Redirect(http.StatusSeeOther, d.Next)
}

func (s *Server) handleLogout(c *gin.Context) {
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if err := s.store.Logout(ctxOf(c), cookie); err != nil {
			s.serverError(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	// Signing out to sign in to another organization comes back to the page.
	if next := safeNext(c.PostForm("next")); next != "/" {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}

// loginLimiter counts failed sign-ins, in this process, per (client address,
// email), per client address and per email within a window; past any limit
// every attempt there is refused until the window moves on. An attempt is
// counted when it starts, before the password is checked, so guesses sent
// all at once are limited like guesses sent one by one; a success takes
// its count back, so a busy office behind one address is not locked out by
// its own sign-ins. The per-email limit is high: it stops guesses spread
// over many addresses without letting a few lock a person out. (Behind a
// reverse proxy the client address comes from X-Forwarded-For only when
// SUNSHINE_TRUSTED_PROXIES names the proxy.)
//
// The same design, with other keys, limits wrong current passwords on the
// change-password form (newPasswordLimiter) and requests for reset links
// (newForgotLimiter).
type loginLimiter struct {
	mu      sync.Mutex
	window  time.Duration
	maxKeys int
	fails   map[string][]time.Time
	// keys are the counts an attempt by (ip, who) adds to, with their
	// limits; a success forgets those marked forget.
	keys func(ip, who string) []limitKey
}

// limitKey is one count an attempt adds to.
type limitKey struct {
	key    string
	limit  int
	forget bool // a success forgets the failures counted here
}

func newLoginLimiter() *loginLimiter {
	const perPair, perIP, perEmail = 5, 30, 50
	return &loginLimiter{window: 15 * time.Minute, maxKeys: 100_000, fails: map[string][]time.Time{},
		keys: func(ip, email string) []limitKey {
			return []limitKey{{"p:" + ip + "|" + email, perPair, true}, {"i:" + ip, perIP, false}, {"e:" + email, perEmail, false}}
		}}
}

// newPasswordLimiter limits wrong current passwords on the change-password
// form per user (who is the user's ID), wherever they come from: a stolen
// session must not become a way to guess the password (5 wrong in 15
// minutes, then none until the window moves on).
func newPasswordLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, maxKeys: 100_000, fails: map[string][]time.Time{},
		keys: func(_, user string) []limitKey { return []limitKey{{"u:" + user, 5, true}} }}
}

// newForgotLimiter limits requests for reset links per client address (10
// in 15 minutes); every request counts, as every answer is the same. The
// store sends an account at most one email per store.ResetEvery besides.
func newForgotLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, maxKeys: 100_000, fails: map[string][]time.Time{},
		keys: func(ip, _ string) []limitKey { return []limitKey{{"i:" + ip, 10, false}} }}
}

// recent is key's failures still inside the window.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	for len(ts) > 0 && now.Sub(ts[0]) >= l.window {
		ts = ts[1:]
	}
	return ts
}

// begin reports whether a sign-in from ip for email may be tried now and,
// if so, counts it as failed until succeeded or abandoned says otherwise.
func (l *loginLimiter) begin(ip, email string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := l.keys(ip, email)
	for _, k := range keys {
		if len(l.recent(k.key, now)) >= k.limit {
			return false
		}
	}
	if len(l.fails) >= l.maxKeys {
		l.prune(now)
	}
	for _, k := range keys {
		l.fails[k.key] = append(l.recent(k.key, now), now)
	}
	return true
}

// succeeded takes back the attempt begun at now and forgets the pair's
// failures (the keys marked forget): the person knows the password.
func (l *loginLimiter) succeeded(ip, email string, now time.Time) {
	l.abandoned(ip, email, now)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.keys(ip, email) {
		if k.forget {
			delete(l.fails, k.key)
		}
	}
}

// abandoned takes back the attempt begun at now (the check itself failed:
// a database error says nothing about the password).
func (l *loginLimiter) abandoned(ip, email string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.keys(ip, email) {
		ts := l.fails[k.key]
		if i := slices.Index(ts, now); i >= 0 {
			l.fails[k.key] = slices.Delete(slices.Clone(ts), i, i+1)
		}
	}
}

// prune drops expired entries; if that is not enough (failures from very
// many addresses), it drops entries at random until a tenth is free, so
// memory stays bounded and the rest of the counts stand.
func (l *loginLimiter) prune(now time.Time) {
	for k := range l.fails {
		if len(l.recent(k, now)) == 0 {
			delete(l.fails, k)
		}
	}
	for k := range l.fails {
		if len(l.fails) < l.maxKeys*9/10 {
			break
		}
		delete(l.fails, k)
	}
}
