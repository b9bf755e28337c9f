// Package api is Sunshine's JSON API under /api/v1, on Gin: routes,
// middleware, authentication and one file per resource. Every error is an
// RFC 9457 problem+json body; docs/openapi.yaml describes every endpoint.
package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// Config holds what the API needs beyond the store.
type Config struct {
	Logger *slog.Logger
	// InboundDomain is the domain of the requests' reply addresses
	// (SUNSHINE_INBOUND_DOMAIN), "" for none: drafted letters name the
	// request's reply address when there is one.
	InboundDomain string
	// InboundSecret (SUNSHINE_INBOUND_SECRET) lets a hosted mail service
	// post emails to reply addresses to /inbound/email; "" turns it off.
	InboundSecret string
	// BodyLimit caps request bodies, in bytes (default 1 MiB).
	BodyLimit int64
	// Ready reports whether the service can take traffic (database
	// reachable, migrations current); nil means always ready.
	Ready func(context.Context) error
	// UploadLimit caps document uploads, in bytes (default 100 MB).
	UploadLimit int64
	// InlineExtraction extracts a document's text before the upload
	// answers, instead of in the background (tests bound to a transaction).
	InlineExtraction bool
	// ExtractWorkers is how many extractions may run at once (default 2);
	// one organization may run all but one of them (extractQueue).
	ExtractWorkers int
	// BaseURL is the public address, for links (calendar feeds).
	BaseURL string
	// TrustedProxies are the addresses (IPs or CIDR ranges) of the reverse
	// proxies whose X-Forwarded-For header names the client (sign-in
	// limits count by client). None: the connection's address is the client.
	TrustedProxies []string
	// MetricsToken, when set, is the bearer token GET /metrics requires
	// (a Prometheus scraper's authorization credentials); empty leaves
	// /metrics open, for a server whose proxy keeps it private.
	MetricsToken string
}

// Server is the HTTP API.
type Server struct {
	store  *store.Store
	log    *slog.Logger
	cfg    Config
	engine *gin.Engine

	extractions  sync.WaitGroup
	extractQueue *extractQueue
	// background is the parent of the extractions that go on after their
	// request (uploads, pages that stop waiting); StopExtractions ends it.
	background     context.Context
	stopBackground context.CancelFunc

	// pageNotFound answers a path outside /api/ that matches no route,
	// for a client that takes HTML (SetPageNotFound).
	pageNotFound gin.HandlerFunc

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	registry *prometheus.Registry

	csvPage int // requests a CSV export reads at a time; tests lower it
	// archives admits the one organization archive this process makes at
	// a time (GET /export.zip): each holds a snapshot, and one of the few
	// export slots, for as long as its download lasts.
	archives chan struct{}
}

const (
	requestIDKey = "request_id"
	defaultBody  = 1 << 20
)

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the API on a fresh Gin engine with our own middleware.
func New(st *store.Store, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = defaultBody
	}
	if cfg.UploadLimit <= 0 {
		cfg.UploadLimit = 100 << 20
	}
	if cfg.ExtractWorkers <= 0 {
		cfg.ExtractWorkers = 2
	}
	s := &Server{store: st, log: cfg.Logger, cfg: cfg, engine: gin.New(), registry: prometheus.NewRegistry(),
		extractQueue: newExtractQueue(cfg.ExtractWorkers), csvPage: 200,
		archives: make(chan struct{}, 1)}
	s.background, s.stopBackground = context.WithCancel(context.Background())
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sunshine_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"method", "route", "status"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sunshine_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"method", "route"})
	s.registry.MustRegister(s.requests, s.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	e := s.engine
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		// Gin would then trust every proxy; refuse rather than serve so.
		panic(fmt.Sprintf("api: trusted proxies %q: %v", cfg.TrustedProxies, err))
	}
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false // an unknown API path is a 404 problem, never a redirect
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	e.Use(s.requestID, s.accessLog, s.recovery, s.bodyLimit)
	e.NoRoute(func(c *gin.Context) {
		if s.pageNotFound != nil && wantsPage(c) {
			s.pageNotFound(c)
			return
		}
		fail(c, sunshine.Errorf(sunshine.ENotFound, "no such route: %s %s", c.Request.Method, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		// A form's address opened in the browser (a bookmark of a refused
		// form's page, /logout typed in) is the staff pages' to answer.
		if s.pageNotFound != nil && c.Request.Method == http.MethodGet && wantsPage(c) {
			s.pageNotFound(c)
			return
		}
		c.Header("Allow", strings.Join(s.allowed(c.Request.URL.Path), ", "))
		writeProblem(c, problem{Type: problemType + "method_not_allowed", Title: titleFor["method_not_allowed"],
			Status: http.StatusMethodNotAllowed, Detail: c.Request.Method + " is not allowed on " + c.Request.URL.Path,
			RequestID: c.GetString(requestIDKey)})
	})
	s.routes()
	return s
}

// metricsAuth asks for Config.MetricsToken, when set, before /metrics:
// the counts per route and the process's figures are the operator's.
func (s *Server) metricsAuth(c *gin.Context) {
	if s.cfg.MetricsToken == "" {
		return
	}
	scheme, got, _ := strings.Cut(c.GetHeader("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) != 1 {
		fail(c, sunshine.Errorf(sunshine.EUnauthorized, "/metrics needs the metrics token (SUNSHINE_METRICS_TOKEN) as a bearer token"))
		c.Abort()
	}
}

// allowed lists the methods routed for a path (for the Allow header of a 405).
func (s *Server) allowed(path string) []string {
	var out []string
	segs := strings.Split(path, "/")
	for _, r := range s.engine.Routes() {
		rs := strings.Split(r.Path, "/")
		if len(rs) != len(segs) || slices.Contains(out, r.Method) {
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
			out = append(out, r.Method)
		}
	}
	if slices.Contains(out, http.MethodGet) {
		out = append(out, http.MethodHead) // ServeHTTP answers HEAD wherever GET is routed
	}
	slices.Sort(out)
	return out
}

// SetPageNotFound hands the answer for a path outside /api/ that matches no
// route to the staff pages on the same engine (web.Server.NotFound), for a
// client that takes HTML: a person who mistypes an address, or adds a
// slash, gets a page with a way on, not a problem+json body. Paths under
// /api/, and clients that ask for JSON, keep the 404 problem. Call it
// before serving.
func (s *Server) SetPageNotFound(h gin.HandlerFunc) { s.pageNotFound = h }

// wantsPage reports whether an unmatched request is for a page: its path
// is outside /api/ and the client takes HTML at least as readily as JSON
// (a browser, or a client that accepts anything).
func wantsPage(c *gin.Context) bool {
	p := c.Request.URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return false
	}
	return c.NegotiateFormat(gin.MIMEHTML, gin.MIMEJSON, "application/problem+json") == gin.MIMEHTML
}

// Registry is the registry /metrics serves, for other parts (jobs) to add to.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Engine returns the Gin engine, for other packages (web pages) to add routes.
func (s *Server) Engine() *gin.Engine { return s.engine }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// HEAD is GET without the body (RFC 9110 9.3.2): the router knows only
	// GET, and net/http drops the body of a HEAD response.
	if r.Method == http.MethodHead {
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	s.engine.ServeHTTP(w, r)
}

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", s.metricsAuth, gin.WrapH(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))

	e.GET("/calendar/:file", s.handleCalendarFeed) // the secret in the path is the credential
	e.POST("/inbound/email", s.handleInboundEmail) // the inbound secret is the credential

	v1 := e.Group("/api/v1")
	v1.GET("/deadline", s.handleDeadline)
	v1.GET("/jurisdictions", s.handleJurisdictions)

	authed := v1.Group("", s.authenticate, noUnknownQuery)
	authed.GET("/me", s.handleMe)
	authed.PATCH("/me", s.handleMeUpdate)

	authed.GET("/agencies", s.handleAgencyList)
	authed.GET("/agencies/:id", s.handleAgencyGet)
	authed.GET("/agencies/:id/closures", s.handleClosureList)
	authed.GET("/requests", s.handleRequestList)
	authed.GET("/requests/:id", s.handleRequestGet)
	authed.GET("/requests/:id/events", s.handleRequestEvents)
	authed.GET("/events", s.handleActivity)
	authed.GET("/requests/:id/letter", s.handleLetter)
	authed.GET("/requests/:id/letter_emails", s.handleLetterEmailList)
	authed.GET("/letter_emails/:id", s.handleLetterEmailGet)
	authed.GET("/users", s.handleUserList)
	authed.GET("/requests/:id/communications", s.handleCommunicationList)
	authed.GET("/communications/:id", s.handleCommunicationGet)
	authed.GET("/requests/:id/documents", s.handleDocumentList)
	authed.GET("/documents/:id", s.handleDocumentGet)
	authed.GET("/documents/:id/content", s.handleDocumentContent)
	authed.GET("/search", s.handleSearch)
	authed.GET("/requests.csv", s.handleRequestsCSV)
	authed.GET("/reports/agencies", s.handleAgencyRecords)
	authed.GET("/reports/agencies.csv", s.handleAgencyRecordsCSV)
	authed.GET("/requests/:id/export.zip", s.handleRequestZip)
	authed.GET("/reminders", s.handleReminderList)
	authed.GET("/me/preferences", s.handlePreferencesGet)
	authed.PUT("/me/preferences", s.handlePreferencesPut)
	authed.POST("/me/calendar", s.handleCalendarRotate)
	authed.PUT("/requests/:id/watch", s.handleWatch)
	authed.DELETE("/requests/:id/watch", s.handleWatch)
	authed.GET("/reminder_policy", s.handlePolicyGet)
	authed.GET("/letter_settings", s.handleLetterSettingsGet)
	authed.GET("/requests/:id/share", s.handleShareGet)
	authed.GET("/requests/:id/board", s.handleBoardGet)
	authed.GET("/requests/:id/auto_follow_up", s.handleAutoFollowUpGet)
	authed.GET("/requests/:id/todos", s.handleTodoList)
	authed.GET("/todos", s.handleMyTodos)
	authed.GET("/todos/:id", s.handleTodoGet)
	authed.GET("/search_alerts", s.handleSearchAlertList)
	authed.POST("/search_alerts", s.handleSearchAlertCreate) // anyone's own: viewers read, and so may follow words
	authed.GET("/search_alerts/:id", s.handleSearchAlertGet)
	authed.DELETE("/search_alerts/:id", s.handleSearchAlertDelete)

	write := authed.Group("", requireRole(sunshine.RoleAdmin, sunshine.RoleStaff))
	write.POST("/agencies", s.handleAgencyCreate)
	write.PATCH("/agencies/:id", s.handleAgencyUpdate)
	write.POST("/agencies/:id/closures", s.handleClosureCreate)
	write.DELETE("/agencies/:id/closures/:date", s.handleClosureDelete)
	write.POST("/requests", s.handleRequestCreate)
	write.POST("/requests/bulk", s.handleRequestsBulk)
	write.PATCH("/requests/:id", s.handleRequestUpdate)
	write.POST("/requests/:id/transitions", s.handleRequestTransition)
	write.POST("/requests/:id/extension", s.handleRequestExtension)
	write.DELETE("/requests/:id/extension", s.handleRequestUndoExtension)
	write.PUT("/requests/:id/custom_due_on", s.handleRequestCustomDue)
	write.POST("/requests/:id/notes", s.handleNoteCreate)
	write.POST("/requests/:id/copies", s.handleRequestCopies)
	write.POST("/requests/:id/letter_emails", s.handleLetterEmailCreate)
	write.POST("/letter_emails/:id/retry", s.handleLetterEmailRetry)
	write.POST("/letter_emails/:id/cancel", s.handleLetterEmailCancel)
	write.POST("/requests/:id/communications", s.handleCommunicationCreate)
	write.PATCH("/communications/:id", s.handleCommunicationUpdate)
	write.DELETE("/communications/:id", s.handleCommunicationDelete)
	write.POST("/requests/:id/documents", s.handleDocumentUpload) // uploadRoute
	write.DELETE("/documents/:id", s.handleDocumentDelete)
	write.POST("/documents/:id/text", s.handleDocumentRetry)
	write.POST("/reminders/:id/retry", s.handleReminderRetry)
	write.PUT("/requests/:id/share", s.handleSharePut)
	write.DELETE("/requests/:id/share", s.handleShareDelete)
	write.PUT("/requests/:id/board", s.handleBoardPut)
	write.DELETE("/requests/:id/board", s.handleBoardDelete)
	write.PUT("/requests/:id/auto_follow_up", s.handleAutoFollowUpPut)
	write.DELETE("/requests/:id/auto_follow_up", s.handleAutoFollowUpDelete)
	write.PUT("/documents/:id/shared", s.handleDocumentShared)
	write.POST("/requests/:id/todos", s.handleTodoCreate)
	write.PATCH("/todos/:id", s.handleTodoUpdate)
	write.DELETE("/todos/:id", s.handleTodoDelete)

	admin := authed.Group("", requireRole(sunshine.RoleAdmin))
	admin.POST("/users", s.handleUserCreate)
	admin.PATCH("/users/:id", s.handleUserUpdate)
	admin.GET("/tokens", s.handleTokenList)
	admin.POST("/tokens", s.handleTokenCreate)
	admin.DELETE("/tokens/:id", s.handleTokenDelete)
	admin.PUT("/reminder_policy", s.handlePolicyPut)
	admin.PUT("/letter_settings", s.handleLetterSettingsPut)
	admin.GET("/export.zip", s.handleOrgZip)
	admin.GET("/webhooks", s.handleWebhookList)
	admin.POST("/webhooks", s.handleWebhookCreate)
	admin.GET("/webhooks/:id", s.handleWebhookGet)
	admin.PATCH("/webhooks/:id", s.handleWebhookUpdate)
	admin.DELETE("/webhooks/:id", s.handleWebhookDelete)
	admin.POST("/webhooks/:id/ping", s.handleWebhookPing)
	admin.POST("/webhooks/:id/secret", s.handleWebhookSecret)
	admin.GET("/webhooks/:id/deliveries", s.handleWebhookDeliveries)
}

// requestID takes a sane X-Request-ID from the client or makes one.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < '!' || r > '~' }) {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// statusClientClosed is the status logged for a request whose client left
// before its answer was ready.
const statusClientClosed = 499

// accessLog writes one structured line per request and feeds the metrics.
// It never logs headers or bodies, so tokens cannot leak into logs.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	// A download cut short after its headers (http.ErrAbortHandler, a
	// streamed export that failed) is logged too, before the panic goes on
	// to net/http.
	defer func() {
		v := recover()
		s.logRequest(c, start, v == http.ErrAbortHandler)
		if v != nil {
			panic(v)
		}
	}()
	c.Next()
}

// logRequest logs and counts one answered request; cut: its body was cut
// short.
func (s *Server) logRequest(c *gin.Context, start time.Time, cut bool) {
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	// A client that left before the answer was ready (a tab closed
	// mid-load, a script's timeout) cancels the request's context, and
	// the handler fails with it: no fault of the server's, and nobody
	// reads the answer. Logged and counted as 499, nginx's "client closed
	// request", so the 5xx figures alert on real failures only.
	clientLeft := (status >= 500 || cut) && errors.Is(c.Request.Context().Err(), context.Canceled)
	if clientLeft {
		status = statusClientClosed
	}
	dur := time.Since(start)
	// Secrets in paths are credentials: masked by prefix, not by route, so
	// a near miss ("/calendar/<secret>.ics/", unmatched) is masked too.
	path := c.Request.URL.Path
	switch {
	case strings.HasPrefix(path, "/calendar/"):
		path = "/calendar/[secret].ics"
	case strings.HasPrefix(path, "/invite/"):
		path = "/invite/[token]"
	case strings.HasPrefix(path, "/password/reset/"):
		path = "/password/reset/[token]"
	case strings.HasPrefix(path, "/shared/"):
		path = "/shared/[token]"
	}
	s.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
	s.latency.WithLabelValues(c.Request.Method, route).Observe(dur.Seconds())
	attrs := []slog.Attr{
		slog.String("request_id", c.GetString(requestIDKey)),
		slog.String("method", c.Request.Method),
		slog.String("path", path),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int64("duration_ms", dur.Milliseconds()),
		slog.Int("bytes", c.Writer.Size()),
	}
	if p, ok := sunshine.PrincipalFrom(c.Request.Context()); ok {
		attrs = append(attrs, slog.String("org_id", p.OrgID), slog.String("user_id", p.UserID))
	}
	level := slog.LevelInfo
	switch {
	case clientLeft:
		attrs = append(attrs, slog.Bool("client_left", true))
	case cut:
		level = slog.LevelError
		attrs = append(attrs, slog.Bool("cut", true), slog.String("err", c.Errors.String()))
	case len(c.Errors) > 0:
		level = slog.LevelError
		attrs = append(attrs, slog.String("err", c.Errors.String()))
	}
	s.log.LogAttrs(c.Request.Context(), level, "http request", attrs...)
}

// recovery turns a panic into a logged 500 problem.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			fail(c, fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}

// bodyLimit caps every API body: reading past the cap fails, and decodeJSON
// answers 413 (after authentication, so a caller without a token gets 401).
// The staff pages on the same engine cap their forms themselves.
func (s *Server) bodyLimit(c *gin.Context) {
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		c.Next()
		return
	}
	limit := s.cfg.BodyLimit
	if c.FullPath() == uploadRoute {
		limit = s.cfg.UploadLimit
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// listQueries are the routes that read query parameters (each checks its
// own); every other authenticated route takes none.
var listQueries = []string{"/api/v1/agencies", "/api/v1/requests", "/api/v1/requests/:id/events",
	"/api/v1/requests/:id/communications", "/api/v1/requests/:id/documents", "/api/v1/users",
	"/api/v1/tokens", "/api/v1/search", "/api/v1/requests.csv", "/api/v1/reminders",
	"/api/v1/reports/agencies", "/api/v1/reports/agencies.csv", "/api/v1/todos", "/api/v1/events",
	"/api/v1/webhooks", "/api/v1/webhooks/:id/deliveries"}

// noUnknownQuery refuses query parameters on routes that take none, so a
// misspelt filter is never silently ignored.
func noUnknownQuery(c *gin.Context) {
	if c.Request.Method == http.MethodGet && slices.Contains(listQueries, c.FullPath()) {
		c.Next()
		return
	}
	if err := newQuery(c, routeQueries[c.FullPath()]...).err(); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// routeQueries are the query parameters of routes that are not lists.
var routeQueries = map[string][]string{uploadRoute: {"communication_id"}, "/api/v1/requests/:id/letter": {"kind"}}

// authenticate resolves the bearer token into the request's principal.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		fail(c, sunshine.Errorf(sunshine.EUnauthorized, "an API token is required: send Authorization: Bearer <token>"))
		return
	}
	p, err := s.store.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		fail(c, err)
		return
	}
	c.Request = c.Request.WithContext(sunshine.WithPrincipal(c.Request.Context(), p))
	c.Next()
}

// requireRole lets only the given roles through.
func requireRole(roles ...sunshine.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _ := sunshine.PrincipalFrom(c.Request.Context())
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		msg := "this action needs the staff or admin role"
		if len(roles) == 1 {
			msg = "this action needs the " + string(roles[0]) + " role"
		}
		fail(c, sunshine.Errorf(sunshine.EForbidden, "%s; you are %s", msg, p.Role))
	}
}

func (s *Server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) handleReadyz(c *gin.Context) {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			fail(c, &sunshine.Error{Code: sunshine.EUnavailable, Message: "not ready: " + sunshine.ErrorMessage(unwrapReady(err))})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// ReadyError is a readiness failure whose message is safe to show.
type ReadyError struct{ Msg string }

func (e ReadyError) Error() string { return e.Msg }

func unwrapReady(err error) error {
	var re ReadyError
	if errors.As(err, &re) {
		return &sunshine.Error{Code: sunshine.EUnavailable, Message: re.Msg}
	}
	return err
}

func validID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

// page is the shape of every list response.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// requestPage answers GET of a request's communications, documents or
// events: a page of limit items after the cursor.
func requestPage[T any](c *gin.Context, find func(ctx context.Context, requestID string, limit int, after string) ([]T, string, error)) {
	q := newQuery(c, "cursor", "limit")
	limit, cursor := q.limit(), q.one("cursor")
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	items, next, err := find(c.Request.Context(), c.Param("id"), limit, cursor)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(items, next))
}

func newPage[T any](items []T, next string) page[T] {
	if items == nil {
		items = []T{}
	}
	p := page[T]{Items: items}
	if next != "" {
		p.NextCursor = &next
	}
	return p
}
