package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sunshine-records/sunshine/store"
)

// Where a person is signed in: their sessions on the settings page, each
// named by its browser, to sign out one they do not recognize.

// withClient records the browser a request comes from, for the session a
// sign-in opens (store.WithClient).
func withClient(c *gin.Context) {
	c.Request = c.Request.WithContext(store.WithClient(ctxOf(c), store.Client{IP: c.ClientIP(), UserAgent: c.Request.UserAgent()}))
	c.Next()
}

// browserNames and systemNames are tried in order against a User-Agent:
// the first whose token it contains names it. Order matters: Edge and
// Opera say "Chrome" too, and Chrome says "Safari".
var (
	browserNames = [][2]string{{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}}
	systemNames = [][2]string{{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"}}
)

// deviceName says in a few words what a User-Agent is: "Firefox on
// Windows", "Safari on iPhone"; "An unknown browser" when it says nothing
// we know.
func deviceName(ua string) string {
	find := func(names [][2]string) string {
		for _, n := range names {
			if strings.Contains(ua, n[0]) {
				return n[1]
			}
		}
		return ""
	}
	browser, system := find(browserNames), find(systemNames)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "An unknown browser"
}

type sessionRow struct {
	ID, Device, IP, Since, LastActive string
	Current, AwaitingCode             bool
}

// sessionRows lists the signed-in person's sessions for the settings page.
func (s *Server) sessionRows(c *gin.Context) ([]sessionRow, error) {
	cookie, _ := c.Cookie(sessionCookie)
	infos, err := s.store.MySessions(ctxOf(c), cookie)
	if err != nil {
		return nil, err
	}
	loc := s.orgLocation(c)
	var rows []sessionRow
	for _, in := range infos {
		r := sessionRow{ID: in.ID, Device: deviceName(in.UserAgent), IP: in.ClientIP, Since: stamp(in.CreatedAt, loc),
			Current: in.Current, AwaitingCode: in.AwaitingCode}
		if in.LastSeenAt != nil {
			r.LastActive = stamp(*in.LastSeenAt, loc)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// handleSessionEnd signs the person out of one of their sessions.
func (s *Server) handleSessionEnd(c *gin.Context) {
	if err := s.store.EndMySession(ctxOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	saved(c, "session-ended", "sessions")
}

// handleSessionsEndOthers signs the person out everywhere but here.
func (s *Server) handleSessionsEndOthers(c *gin.Context) {
	cookie, _ := c.Cookie(sessionCookie)
	if _, err := s.store.EndMyOtherSessions(ctxOf(c), cookie); err != nil {
		s.fail(c, err)
		return
	}
	saved(c, "sessions-ended", "sessions")
}
