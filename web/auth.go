package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

type loginData struct {
	Email, Next, Error string
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
	if !s.limiter.allow(clientIP(c), strings.ToLower(email), time.Now()) {
		d.Error = "Too many attempts. Wait a few minutes, then try again."
		s.render(c, http.StatusTooManyRequests, "login", "Sign in", d)
		return
	}
	token, _, err := s.store.Login(ctxOf(c), email, c.PostForm("password"))
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EUnauthorized {
			s.serverError(c, err)
			return
		}
		d.Error = genericLoginError
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
	c.Redirect(http.StatusSeeOther, "/login")
}

type inviteData struct {
	Token, Error, FieldError string
}

func (s *Server) handleInvitePage(c *gin.Context) {
	s.render(c, http.StatusOK, "invite", "Set your password", inviteData{Token: c.Param("token")})
}

func (s *Server) handleInvite(c *gin.Context) {
	d := inviteData{Token: c.Param("token")}
	token, _, err := s.store.AcceptInvite(ctxOf(c), d.Token, c.PostForm("password"))
	if err != nil {
		switch sunshine.ErrorCode(err) {
		case sunshine.EInvalid:
			d.FieldError = fieldErrors(err)["password"]
		case sunshine.ENotFound:
			d.Error = sunshine.ErrorMessage(err)
		default:
			s.serverError(c, err)
			return
		}
		s.render(c, http.StatusBadRequest, "invite", "Set your password", d)
		return
	}
	s.setSessionCookie(c, token)
	c.Redirect(http.StatusSeeOther, "/")
}

func clientIP(c *gin.Context) string {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return c.Request.RemoteAddr
	}
	return host
}

// loginLimiter allows a few sign-in attempts per (address, email) and per
// address in a window, in this process.
type loginLimiter struct {
	mu      sync.Mutex
	window  time.Duration
	perPair int
	perIP   int
	hits    map[string][]time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, perPair: 5, perIP: 30, hits: map[string][]time.Time{}}
}

func (l *loginLimiter) allow(ip, email string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	keep := func(key string) []time.Time {
		var out []time.Time
		for _, t := range l.hits[key] {
			if now.Sub(t) < l.window {
				out = append(out, t)
			}
		}
		return out
	}
	pair, addr := "p:"+ip+"|"+email, "i:"+ip
	ph, ah := keep(pair), keep(addr)
	if len(ph) >= l.perPair || len(ah) >= l.perIP {
		l.hits[pair], l.hits[addr] = ph, ah
		return false
	}
	l.hits[pair], l.hits[addr] = append(ph, now), append(ah, now)
	if len(l.hits) > 100000 { // forget everyone rather than grow without bound
		l.hits = map[string][]time.Time{}
	}
	return true
}
