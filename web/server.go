// Package web serves the staff pages: server-rendered html/template pages
// with embedded assets, on the same Gin engine as the API. Sign-in is by
// email and password with a session cookie; every state-changing request
// passes net/http's cross-origin protection.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	pathpkg "path"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Config holds what the pages need beyond the store.
type Config struct {
	Logger  *slog.Logger
	BaseURL string // public address, for invitation and password reset links (reset links need it: never the request's Host)
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
	// UploadLimit caps one uploaded document, in bytes (default 100 MB).
	UploadLimit int64
	// ExtractText extracts an uploaded document's text and records the
	// outcome: the API's extractor (api.Server.ExtractText, or serve's
	// ExtractTextWithin, which answers after some seconds and lets a long
	// read such as OCR go on behind), so pages and API share its bound on
	// concurrent extractions. Without it a document stays pending until a
	// server that has one starts.
	ExtractText func(ctx context.Context, orgID, docID string)
	// TextWait bounds how long a page waits, in all, for the text of the
	// documents it stored, when ExtractText returns once ctx ends (serve's
	// ExtractTextWithin: the reading goes on behind); 0 waits for it.
	TextWait time.Duration
	// InboundDomain is the domain of the requests' reply addresses
	// (SUNSHINE_INBOUND_DOMAIN); "" for none: the pages offer none.
	InboundDomain string
	// RequestZip streams a request's archive (its timeline, communications
	// and documents): the API's (api.Server.RequestZip), so the page's
	// download is the API's file. Nil: the page offers none.
	RequestZip gin.HandlerFunc
	// OrgZip streams the organization's whole archive, the API's
	// (api.Server.OrgZip), for admins. Nil: Settings offers none.
	OrgZip gin.HandlerFunc
}

// Server is the staff pages.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	cfg     Config
	pages   map[string]*template.Template
	limiter *loginLimiter
	// pwLimiter limits wrong current passwords per user; forgotLimiter,
	// requests for reset links per client address; codeLimiter, wrong
	// two-step codes per user.
	pwLimiter, forgotLimiter, codeLimiter *loginLimiter
	cop                                   *http.CrossOriginProtection
	engine                                *gin.Engine // for NotFound, which looks up the routes
	csvPage                               int         // requests a CSV export reads at a time; tests lower it
}

const sessionCookie = "sunshine_session"

// New registers the pages on e.
func New(st *store.Store, e *gin.Engine, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UploadLimit <= 0 {
		cfg.UploadLimit = 100 << 20
	}
	s := &Server{store: st, log: cfg.Logger, cfg: cfg, pages: parsePages(), limiter: newLoginLimiter(),
		pwLimiter: newPasswordLimiter(), forgotLimiter: newForgotLimiter(), codeLimiter: newCodeLimiter(),
		cop: http.NewCrossOriginProtection(), engine: e, csvPage: 200}
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "This form came from another site, so Sunshine refused it. Reload the page and try again.", http.StatusForbidden)
	}))

	e.GET("/assets/*file", s.securityHeaders, serveAsset(http.FS(Assets())))

	pub := e.Group("", s.securityHeaders, s.sameOrigin, s.readInput, withClient)
	pub.GET("/login", s.handleLoginPage)
	pub.POST("/login", s.handleLogin)
	// Signing out needs no whole session: a sign-in awaiting its code is
	// cancelled the same way.
	pub.POST("/logout", s.handleLogout)
	pub.GET("/login/code", s.handleCodePage)
	pub.GET("/shared/:token", s.handleSharedPage) // the token in the path is the credential
	pub.GET("/shared/:token/documents/:id", s.handleSharedDownload)
	pub.GET("/shared/board/:token", s.handleBoardPage)
	pub.GET("/shared/board/:token/board.csv", s.handleBoardCSV)
	pub.GET("/shared/board/:token/documents/:id", s.handleBoardDownload)
	pub.POST("/login/code", s.handleCode)
	pub.GET("/invite/:token", s.linkPageHandler(invitePage))
	pub.POST("/invite/:token", s.linkHandler(invitePage))
	pub.GET("/password/forgot", s.handleForgotPage)
	pub.POST("/password/forgot", s.handleForgot)
	pub.GET("/password/reset/:token", s.linkPageHandler(resetPage))
	pub.POST("/password/reset/:token", s.linkHandler(resetPage))

	in := e.Group("", s.securityHeaders, s.sameOrigin, s.requireSession, s.readInput)
	in.GET("/", s.handleDashboard)
	in.GET("/agencies", s.handleAgencies)
	in.POST("/agencies", s.handleAgencyCreate)
	in.GET("/agencies/import", s.handleAgencyImportPage)
	in.GET("/agencies/import/template.csv", s.handleAgencyImportTemplate)
	in.POST("/agencies/import", s.handleAgencyImport)
	in.GET("/agencies/:id", s.handleAgencyPage)
	in.POST("/agencies/:id", s.handleAgencyUpdate)
	in.POST("/agencies/:id/closures", s.handleClosureCreate)
	in.POST("/agencies/:id/closures/:date/delete", s.handleClosureDelete)
	in.GET("/search", s.handleSearch)
	in.POST("/search/alerts", s.handleSearchAlertCreate)
	in.POST("/search/alerts/:id/stop", s.handleSearchAlertStop)
	in.GET("/activity", s.handleActivity)
	in.GET("/export/requests.csv", s.handleExportCSV)
	in.GET("/export/agencies.csv", s.handleAgenciesCSV)
	in.GET("/reports/agencies", s.handleAgencyRecords)
	in.GET("/export/agency-records.csv", s.handleAgencyRecordsCSV)
	in.GET("/requests/:id/export.zip", s.handleRequestZip)
	in.GET("/export/organization.zip", s.handleOrgZip)
	in.GET("/requests", s.handleRequestList)
	in.GET("/requests/new", s.handleNewRequestPage)
	in.GET("/requests/import", s.handleImportPage)
	in.GET("/requests/import/template.csv", s.handleImportTemplate)
	in.POST("/requests/import", s.handleImport)
	in.POST("/requests", s.handleRequestCreate)
	in.POST("/requests/bulk", s.handleBulk)
	in.GET("/requests/:id", s.handleRequestPage)
	in.GET("/requests/:id/letter", s.handleLetterPage)
	in.GET("/requests/:id/letter.txt", s.handleLetterText)
	in.GET("/requests/:id/letters.zip", s.handleGroupLetters)
	in.POST("/requests/:id/letter", s.handleLetterLog)
	in.POST("/requests/:id/letter/send", s.handleLetterSend)
	in.GET("/requests/:id/letters/send", s.handleGroupLettersPage)
	in.POST("/requests/:id/letters/send", s.handleGroupLettersSend)
	in.POST("/letter_emails/:id/retry", s.handleLetterEmailRetry)
	in.POST("/letter_emails/:id/cancel", s.handleLetterEmailCancel)
	in.POST("/requests/:id/communications", s.handleCommunicationCreate)
	in.POST(emailRoute, s.handleEmailUpload)
	in.POST(uploadRoute, s.handleDocumentUpload)
	in.POST("/requests/:id/extension", s.handleExtension)
	in.POST("/requests/:id/extension/undo", s.handleUndoExtension)
	in.POST("/requests/:id/status", s.handleStatus)
	in.POST("/requests/:id/assign", s.handleAssign)
	in.POST("/requests/:id/watch", s.handleWatch)
	in.POST("/requests/:id/custom_due", s.handleCustomDue)
	in.POST("/requests/:id/notes", s.handleNote)
	in.POST("/requests/:id/auto_follow_up", s.handleAutoFollowUp)
	in.POST("/requests/:id/todos", s.handleTodoCreate)
	in.POST("/todos/:id", s.handleTodoUpdate)
	in.POST("/todos/:id/done", s.handleTodoDone)
	in.POST("/todos/:id/delete", s.handleTodoDelete)
	// Their addresses opened as pages: the to-do on its request's page.
	in.GET("/todos/:id", s.handleTodoFormPage)
	in.GET("/todos/:id/done", s.handleTodoFormPage)
	in.GET("/todos/:id/delete", s.handleTodoFormPage)
	in.GET("/requests/:id/copies", s.handleCopiesPage)
	in.POST("/requests/:id/copies", s.handleCopies)
	in.POST("/requests/:id/edit", s.handleRequestEdit)
	in.POST("/requests/:id/share", s.handleShare)
	in.POST("/requests/:id/share/stop", s.handleShareStop)
	in.POST("/requests/:id/share/expiry", s.handleShareExpiry)
	in.POST("/requests/:id/board", s.handleBoard)
	in.POST("/requests/:id/board/stop", s.handleBoardStop)
	in.POST("/requests/:id/board/expiry", s.handleBoardExpiry)
	in.POST("/documents/:id/shared", s.handleDocumentShared)
	in.GET("/documents/:id/shared", s.handleDocumentFormPage)
	in.GET("/documents/:id/download", s.handleDownload)
	in.GET("/documents/:id/files", s.handleArchiveFiles)
	in.GET("/communications/:id/message.txt", s.handleMessage)
	in.GET("/communications/:id/edit", s.handleCommunicationEditPage)
	in.POST("/communications/:id/edit", s.handleCommunicationEdit)
	in.POST("/communications/:id/delete", s.handleCommunicationDelete)
	in.GET("/reminders", s.handleReminders)
	in.POST("/reminders/retry", s.handleRemindersRetryAll)
	in.POST("/reminders/:id/retry", s.handleReminderRetry)
	in.POST("/documents/:id/delete", s.handleDocumentDelete)
	in.POST("/documents/:id/text", s.handleDocumentRetry)
	// Their addresses opened as pages: the request page the forms are on.
	in.GET("/documents/:id/delete", s.handleDocumentFormPage)
	in.GET("/documents/:id/text", s.handleDocumentFormPage)
	in.GET("/settings", s.handleSettings)
	in.POST("/settings/preferences", s.handlePreferences)
	in.POST("/settings/name", s.handleMyName)
	in.POST("/settings/password", s.handlePasswordChange)
	in.POST("/settings/sessions/:id/end", s.handleSessionEnd)
	in.POST("/settings/sessions/end-others", s.handleSessionsEndOthers)
	in.GET(twoStepPath, s.handleTwoStepPage)
	in.POST(twoStepPath, s.handleTwoStepOn)
	in.POST(twoStepPath+"/codes", s.handleTwoStepCodes)
	in.POST(twoStepPath+"/off", s.handleTwoStepOff)
	in.POST(twoStepPath+"/require", s.handleTwoStepRequire)
	in.POST("/settings/users/:id/two-step/reset", s.handleTwoStepReset)
	in.POST("/settings/calendar", s.handleCalendar)
	in.POST("/settings/tokens", s.handleTokenCreate)
	in.POST("/settings/tokens/:id/revoke", s.handleTokenRevoke)
	in.POST("/settings/users", s.handleUserInvite)
	in.POST("/settings/users/:id/deactivate", s.handleUserActive(false))
	in.POST("/settings/users/:id/reactivate", s.handleUserActive(true))
	in.POST("/settings/users/:id/invite", s.handleUserReinvite)
	in.POST("/settings/users/:id/role", s.handleUserRole)
	in.POST("/settings/policy", s.handlePolicy)
	in.POST("/settings/letters", s.handleLetterClosing)
	in.GET(webhooksPath, s.handleWebhooks)
	in.POST(webhooksPath, s.handleWebhookCreate)
	in.GET(webhooksPath+"/:id", s.handleWebhook)
	in.POST(webhooksPath+"/:id", s.handleWebhookUpdate)
	in.POST(webhooksPath+"/:id/active", s.handleWebhookActive)
	in.POST(webhooksPath+"/:id/ping", s.handleWebhookPing)
	in.POST(webhooksPath+"/:id/secret", s.handleWebhookSecret)
	in.POST(webhooksPath+"/:id/delete", s.handleWebhookDelete)
	return s
}

// NotFound answers a page address that matches no route: the API hands it
// over (api.Server.SetPageNotFound) for paths outside /api/ when the client
// takes HTML. A GET of a page's address with a slash added ("/requests/")
// goes to the page; anything else is the "not found" page, with the
// navigation when the person is signed in, and a way back to the
// dashboard.
func (s *Server) NotFound(c *gin.Context) {
	path := c.Request.URL.Path
	if c.Request.Method == http.MethodGet && len(path) > 1 && strings.HasSuffix(path, "/") {
		to := strings.TrimSuffix(path, "/")
		if safeNext(to) == to && s.routed(http.MethodGet, to) {
			if q := c.Request.URL.RawQuery; q != "" {
				to += "?" + q
			}
			c.Redirect(http.StatusMovedPermanently, to)
			return
		}
	}
	// The address of a form (only POST answers it) opened as a page, as
	// when a refused form's page is bookmarked or reloaded by its address:
	// the page the form is on. That is its thing's edit page where there is
	// one (a communication's delete form is on /communications/{id}/edit,
	// whose own handler answers 404 for one deleted or another
	// organization's), else the nearest address above it that is a page.
	// A document's forms, on its request's page, answer GET themselves
	// (handleDocumentFormPage): only the document knows its request.
	if c.Request.Method == http.MethodGet && s.routed(http.MethodPost, path) {
		c.Redirect(http.StatusSeeOther, s.formPage(path))
		return
	}
	s.setSecurityHeaders(c)
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		// Someone who must set up two-step sign-in first gets no menu.
		if p, err := s.store.Session(ctxOf(c), cookie); err == nil && !p.SetUpTwoStep {
			c.Request = c.Request.WithContext(sunshine.WithPrincipal(ctxOf(c), p))
		}
	}
	s.render(c, http.StatusNotFound, "error", "Not found", errorPage{
		Message: "There is no page at this address. Check it for a typing mistake, or start again from the dashboard."})
}

// formPage is the page that holds the form posted to path (a route that
// only POST answers): the edit page beside it, else the nearest address
// above it that GET answers.
func (s *Server) formPage(path string) string {
	if edit := pathpkg.Join(pathpkg.Dir(path), "edit"); edit != path && s.routed(http.MethodGet, edit) {
		return edit
	}
	to := path
	for to != "/" {
		to = pathpkg.Dir(to)
		if s.routed(http.MethodGet, to) {
			break
		}
	}
	return to
}

// routed reports whether a route of the engine answers method on path.
func (s *Server) routed(method, path string) bool {
	segs := strings.Split(path, "/")
	for _, r := range s.engine.Routes() {
		rs := strings.Split(r.Path, "/")
		if r.Method != method || len(rs) != len(segs) {
			continue
		}
		match := true
		for i := range rs {
			if rs[i] != segs[i] && !(strings.HasPrefix(rs[i], ":") && segs[i] != "") {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// securityHeaders keeps pages out of frames, scripts to our own files and
// referrers to our own site.
func (s *Server) securityHeaders(c *gin.Context) {
	s.setSecurityHeaders(c)
	c.Next()
}

func (s *Server) setSecurityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// sameOrigin refuses cross-origin state-changing requests (CSRF), using
// the browser's Sec-Fetch-Site and Origin headers.
func (s *Server) sameOrigin(c *gin.Context) {
	if err := s.cop.Check(c.Request); err != nil {
		c.Abort()
		c.String(http.StatusForbidden, "This form came from another site, so Sunshine refused it. Reload the page and try again.")
		return
	}
	c.Next()
}

// formLimit is the most a form may send: a message of 1,000,000 bytes is
// up to three times that URL-encoded. (Uploads, and an email file to log,
// have their own limit.)
const formLimit = 4 << 20

// readInput caps a posted form and parses it up front, so a form too large
// or malformed is refused with a page that says so, instead of reading as
// empty and losing what the person typed. It also refuses, in the address
// or the form, text PostgreSQL cannot store (invalid UTF-8, a NUL), which
// would otherwise fail deep in the store as a 500.
func (s *Server) readInput(c *gin.Context) {
	if c.Request.Method == http.MethodPost && c.FullPath() != uploadRoute && c.FullPath() != emailRoute {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, formLimit)
		if err := c.Request.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.render(c, http.StatusRequestEntityTooLarge, "error", "Too large",
					errorPage{Message: fmt.Sprintf("The form is larger than %d MiB, so nothing was saved. Go back, shorten it (a message can be at most 1,000,000 bytes) and send it again.", formLimit>>20)})
			} else {
				s.render(c, http.StatusBadRequest, "error", "Could not read the form", errorPage{Message: "The form could not be read, so nothing was saved. Go back and send it again."})
			}
			c.Abort()
			return
		}
	}
	values := c.Request.Form // the query and the form, once parsed
	if values == nil {
		values = c.Request.URL.Query()
	}
	for k, vs := range values {
		for _, v := range vs {
			if !sunshine.StorableText(k) || !sunshine.StorableText(v) {
				s.render(c, http.StatusBadRequest, "error", "Could not read the input",
					errorPage{Message: "The address or form holds characters that are not text (invalid UTF-8 or a NUL), so nothing was done. Go back and try again."})
				c.Abort()
				return
			}
		}
	}
	c.Next()
}

// requireSession loads the signed-in user, or sends the browser to sign in.
func (s *Server) requireSession(c *gin.Context) {
	cookie, _ := c.Cookie(sessionCookie)
	p, err := s.store.Session(c.Request.Context(), cookie)
	if err != nil {
		if awaitingCode(c, err) {
			return
		}
		if sunshine.ErrorCode(err) != sunshine.EUnauthorized {
			s.serverError(c, err)
			return
		}
		next := c.Request.URL.RequestURI()
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		c.Abort()
		return
	}
	c.Request = c.Request.WithContext(sunshine.WithPrincipal(c.Request.Context(), p))
	if p.SetUpTwoStep && !twoStepAllowed(c.Request.URL.Path) {
		c.Redirect(http.StatusSeeOther, twoStepPath)
		c.Abort()
		return
	}
	c.Next()
}

// canWrite answers whether the signed-in user may change things; viewers
// get a page saying so.
func (s *Server) canWrite(c *gin.Context) bool {
	p, _ := sunshine.PrincipalFrom(c.Request.Context())
	if p.Role.CanWrite() {
		return true
	}
	s.render(c, http.StatusForbidden, "error", "Not allowed", errorPage{Message: "Your role (viewer) can read requests and agencies but not change or add them. Ask an admin for the staff role."})
	return false
}

func (s *Server) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(store.SessionTTL / time.Second)})
}

// page is what every template gets.
type page struct {
	Title string
	// Error: the page answers with an error status (a refused form, a
	// page not found); its <title> says so first, which is what a screen
	// reader reads on arrival.
	Error bool
	Nav   string // the active section
	User  *sunshine.User
	Org   *sunshine.Organization
	Today deadline.Date // the organization's
	Now   time.Time     // for each agency's own today
	Data  any
}

type errorPage struct {
	Message string
	// SwitchTo is the page to come back to after signing in to another of
	// the person's organizations (a 404 for someone with accounts in
	// several): the link may be from one of those.
	SwitchTo string
	OrgName  string // the organization signed in to, when SwitchTo is set
	// Thing ("request", "communication", "document") is in ThingOrg, one
	// of the person's other organizations (Store.OtherOrgWith): the page
	// names it.
	Thing, ThingOrg string
}

// render writes a page in the layout. Data is the page's own.
func (s *Server) render(c *gin.Context, status int, name, title string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.serverError(c, errors.New("web: no page "+name))
		return
	}
	p := page{Title: title, Error: status >= 400, Nav: name, Data: data, Today: s.orgToday(c), Now: s.store.Clock().Now()}
	ctx := c.Request.Context()
	if pr, ok := sunshine.PrincipalFrom(ctx); ok {
		p.User, _ = s.store.FindUserByID(ctx, pr.UserID)
		p.Org, _ = s.store.FindOrgByID(ctx)
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Status(status)
	if err := t.ExecuteTemplate(c.Writer, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
	}
}

// fail shows an error page for a domain error: 404 for unknown (or another
// organization's) records, the message for bad input, and "something went
// wrong" for the rest. A 404 of a page someone signed in opened offers to
// sign in to another of their organizations, and names the one that holds
// the request, communication or document when there is one.
func (s *Server) fail(c *gin.Context, err error) {
	switch sunshine.ErrorCode(err) {
	case sunshine.ENotFound:
		page := errorPage{Message: "There is nothing here, or it belongs to another organization."}
		if _, ok := sunshine.PrincipalFrom(ctxOf(c)); ok && c.Request.Method == http.MethodGet {
			if n, err := s.store.OtherAccounts(ctxOf(c)); err == nil && n > 0 {
				page.SwitchTo = safeNext(c.Request.URL.RequestURI())
				if org, err := s.store.FindOrgByID(ctxOf(c)); err == nil {
					page.OrgName = org.Name
				}
				if kind := thingOf(c.FullPath()); kind != "" {
					if org, err := s.store.OtherOrgWith(ctxOf(c), kind, c.Param("id")); err == nil && org != nil {
						page.Thing, page.ThingOrg = kind, org.Name
					}
				}
			}
		}
		s.render(c, http.StatusNotFound, "error", "Not found", page)
	case sunshine.EForbidden:
		s.render(c, http.StatusForbidden, "error", "Not allowed", errorPage{Message: sunshine.ErrorMessage(err)})
	case sunshine.EUnavailable:
		if _, bare := err.(*sunshine.Error); !bare {
			_ = c.Error(err) // it carries a cause (a full disk): the operator's to see
		}
		c.Header("Retry-After", "5")
		s.render(c, http.StatusServiceUnavailable, "error", "Try again later", errorPage{Message: sunshine.ErrorMessage(err)})
	case sunshine.EInternal:
		s.serverError(c, err)
	default:
		s.render(c, http.StatusBadRequest, "error", "Could not do that", errorPage{Message: sunshine.ErrorMessage(err)})
	}
}

// thingOf is the kind of thing whose ID a page's route (its gin pattern)
// has, for the 404 to name the person's other organization that holds it:
// a request's pages, a communication's and a document's; "" for the rest.
func thingOf(route string) string {
	for _, k := range []struct{ prefix, kind string }{
		{"/requests/:id", "request"}, {"/communications/:id", "communication"}, {"/documents/:id", "document"},
	} {
		if route == k.prefix || strings.HasPrefix(route, k.prefix+"/") {
			return k.kind
		}
	}
	return ""
}

func (s *Server) serverError(c *gin.Context, err error) {
	_ = c.Error(err)
	s.log.Error("page failed", "path", c.FullPath(), "err", err)
	c.Abort()
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.String(http.StatusInternalServerError, "Something went wrong. The error was logged; try again in a moment.")
}

// fieldErrors maps a validation error to its fields for a form.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var e *sunshine.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out[f.Field] = f.Message
		}
		if len(e.Fields) == 0 {
			out["_"] = e.Message
		}
	} else if err != nil {
		out["_"] = "Something went wrong; try again."
	}
	return out
}

// noteCookie carries the note a form's redirect shows on the next page.
const noteCookie = "sunshine_note"

// redirectBack returns to a page after a form. Its note ("Uploaded 2
// documents: …") travels in a short-lived cookie, not in the URL, so a link
// from elsewhere cannot put words on a page of ours.
func (s *Server) redirectBack(c *gin.Context, path, note string) {
	s.redirectBackLink(c, path, note, nil)
}

// noteLink is a link a note ends with, to a place on the page the note is
// shown on: "Enter the received date" → #status-received-on.
type noteLink struct{ Href, Text string }

// noteFragment is the only kind of address a note's link may have: a place
// on the same page.
var noteFragment = regexp.MustCompile(`^#[a-z][a-z0-9-]*$`)

// redirectBackLink is redirectBack with a link after the note. The cookie
// holds the note, the link's address and its words, each escaped and
// separated by "|", which escaping never leaves in them.
func (s *Server) redirectBackLink(c *gin.Context, path, note string, link *noteLink) {
	if note != "" {
		if r := []rune(note); len(r) > 300 { // a cookie holds about 4 KB
			note = string(r[:300]) + "…"
		}
		value := url.QueryEscape(note)
		if link != nil {
			value += "|" + url.QueryEscape(link.Href) + "|" + url.QueryEscape(link.Text)
		}
		http.SetCookie(c.Writer, &http.Cookie{Name: noteCookie, Value: value, Path: "/", MaxAge: 60,
			HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	}
	c.Redirect(http.StatusSeeOther, path)
}

// takeNote returns the note redirectBack left, and forgets it.
func (s *Server) takeNote(c *gin.Context) string {
	note, _ := s.takeNoteLink(c)
	return note
}

// takeNoteLink returns the note redirectBackLink left, with its link if it
// has one (nil unless it is to a place on the page), and forgets it.
func (s *Server) takeNoteLink(c *gin.Context) (string, *noteLink) {
	ck, err := c.Request.Cookie(noteCookie)
	if err != nil {
		return "", nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: noteCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(ck.Value, "|")
	note, err := url.QueryUnescape(parts[0])
	if err != nil {
		return "", nil
	}
	if len(parts) != 3 {
		return note, nil
	}
	href, err1 := url.QueryUnescape(parts[1])
	text, err2 := url.QueryUnescape(parts[2])
	if err1 != nil || err2 != nil || !noteFragment.MatchString(href) || strings.TrimSpace(text) == "" {
		return note, nil
	}
	return note, &noteLink{Href: href, Text: text}
}

func ctxOf(c *gin.Context) context.Context { return c.Request.Context() }

// safeNext keeps a post-login redirect on this site: a path of ours, never
// "//host" in any spelling. Browsers drop tabs and newlines from a URL and
// read a backslash as a slash, so "/\t/evil.example" would leave the site;
// any control character or backslash is refused outright.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}
