package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
	"github.com/sunshine-records/sunshine/web"
)

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// runServe runs the HTTP server until SIGINT or SIGTERM, then drains it.
func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("%s", err)
	}
	if err := cfg.requireDatabase(); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	if cfg.TuneGC {
		tuneGC()
	}
	if err := useExtractChild(cfg); err != nil {
		return err
	}
	log.Info("text extraction reads each PDF in a process of its own", "memory_limit_mib", cfg.ExtractMemory>>20)
	if err := useOCR(context.Background(), cfg, log); err != nil {
		return err
	}
	if cfg.DebugAddr != "" { // first, so a taken address stops serve before anything starts
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
	// Settings that can only be tried (the mail outbox, the address to
	// listen on) are tried before the database is touched: a mistake
	// stops serve before it migrates or seeds anything.
	var mailer mail.Mailer
	if cfg.Jobs {
		if mailer, err = newMailer(cfg); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("SUNSHINE_ADDR: %w", err)
	}
	defer ln.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	db, err := openDB(ctx, cfg, 60*time.Second)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Migrate {
		if err := migrations.Up(ctx, db.DB); err != nil {
			return err
		}
	}
	if v, current, err := migrations.Status(ctx, db.DB); err != nil {
		return err
	} else if !current {
		return fmt.Errorf("the database is at migration %d and migrations are pending: run `sunshine migrate` (or set SUNSHINE_MIGRATE=true)", v)
	}
	st := store.New(db, sunshine.SystemClock{})
	st.LettersPerHour = cfg.LettersPerHour
	// Due dates a change to the deadline rules moved, recomputed once, in
	// the background: a request at a time, while the server answers.
	go func() {
		if n, err := st.ApplyRuleChanges(ctx, store.RuleChanges); err != nil {
			if ctx.Err() == nil {
				log.Error("deadline rules updated: recomputing due dates failed; the next start tries again", "err", err)
			}
		} else if n > 0 {
			log.Info("deadline rules updated: due dates recomputed", "moved", n)
		}
	}()
	if cfg.SeedDemo {
		if _, created, err := seedDemo(ctx, st); err != nil {
			return fmt.Errorf("seed the demo: %w", err)
		} else if created {
			log.Info("created the demo organization", "slug", demoSlug)
		}
	}
	if cfg.PublicBaseURL() {
		if closed, err := closePublicDemo(ctx, st); err != nil {
			return fmt.Errorf("turn off the demo's public sign-in: %w", err)
		} else if closed {
			log.Warn("the demo organization's public password and token were turned off: users reach this server at "+cfg.BaseURL+
				", where anyone could sign in with them; its data stays", "slug", demoSlug)
		}
	}

	handler := api.New(st, api.Config{Logger: log, BodyLimit: cfg.BodyLimit, UploadLimit: cfg.UploadLimit,
		Ready: readiness(db, log), BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken,
		InboundDomain: cfg.InboundDomain, InboundSecret: cfg.InboundSecret})
	pages := web.New(st, handler.Engine(), web.Config{Logger: log, BaseURL: cfg.BaseURL, UploadLimit: cfg.UploadLimit,
		SecureCookies: cfg.SecureCookies(), ExtractText: handler.ExtractTextWithin, TextWait: pageTextWait, RequestZip: handler.RequestZip, OrgZip: handler.OrgZip,
		InboundDomain: cfg.InboundDomain})
	handler.SetPageNotFound(pages.NotFound)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	if cfg.Jobs {
		log.Info("reminder emails", "to", mailer.Describe())
		reminders := jobs.NewReminders(st, mailer, sunshine.SystemClock{}, log, jobs.Config{BaseURL: cfg.BaseURL, InboundDomain: cfg.InboundDomain, Connections: cfg.SMTPConnections})
		if err := reminders.Register(handler.Registry()); err != nil {
			return err
		}
		hooks := jobs.NewWebhooks(st, log, jobs.WebhookConfig{BaseURL: cfg.BaseURL, AllowPrivate: cfg.WebhooksAllowPrivate})
		if err := hooks.Register(handler.Registry()); err != nil {
			return err
		}
		sched, err := jobs.NewScheduler(reminders, hooks, st, db, jobs.Schedule{Plan: cfg.PlanSchedule, Deliver: cfg.DeliverSchedule,
			Webhooks: cfg.WebhookSchedule}, log)
		if err != nil {
			return usagef("%s", err)
		}
		sched.Start()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			sched.Stop(sctx)
		}()
	}
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		extractPendingText(ctx, handler, log)
	}()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of released records can be large
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("sunshine is serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL)

	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Text extractions in flight: those that end within what is left of
	// the shutdown timeout are recorded; the rest (a long OCR) are stopped
	// and stay pending for the next start, taken back before the database
	// is closed.
	deadline, _ := sctx.Deadline()
	handler.StopExtractions(time.Until(deadline))
	<-swept
	log.Info("stopped")
	return nil
}

// pageTextWait is how long a staff page that stored documents waits, in
// all, for their text before it answers; a longer read (OCR) goes on
// behind it.
const pageTextWait = 10 * time.Second

// useExtractChild makes text extraction read each PDF in a process of its
// own: this program's hidden extract-text command, with a hard limit of
// cfg.ExtractMemory bytes (textract.UseChildProcess says why). serve
// refuses to start without it rather than read PDFs unbounded.
func useExtractChild(cfg Config) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program, to read PDFs in a process of its own: %w", err)
	}
	textract.UseChildProcess([]string{exe, extractTextCommand}, cfg.ExtractMemory)
	return nil
}

// Garbage collector settings for serve, unless the operator sets GOGC or
// GOMEMLIMIT. Sunshine's live heap is small (10-20 MB), and Go's default
// (collect each time the heap doubles) then collects every few hundred
// requests: a tenth to a sixth of the CPU of an API list under load
// (docs/performance.md). Collecting at five times the live heap halves
// that for a few tens of MB; the memory limit keeps the heap bounded
// should the live heap grow (large uploads), by collecting sooner.
const (
	gcPercent   = 400
	memoryLimit = 100 << 20
)

func tuneGC() {
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
}

// serveDebug serves Go's pprof profiles on a loopback address of their
// own, apart from the application's routes (docs/performance.md).
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("SUNSHINE_DEBUG_ADDR: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving pprof profiles", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// readiness reports whether the database answers and its schema is
// current. /readyz tells clients only what is wrong; the log says why, once
// each time readiness is lost (probes come every few seconds), and when it
// comes back.
func readiness(db *sqlx.DB, log *slog.Logger) func(context.Context) error {
	var mu sync.Mutex
	lost := ""
	check := func(ctx context.Context) (msg string, cause error) {
		if err := db.PingContext(ctx); err != nil {
			return "the database is unreachable", err
		}
		_, current, err := migrations.Status(ctx, db.DB)
		switch {
		case errors.As(err, new(migrations.AheadError)):
			return "the database was migrated by a newer release: restart this server with it", err
		case err != nil:
			return "cannot read the migration version", err
		case !current:
			return "database migrations are pending", errors.New("run `sunshine migrate`, or start a server with SUNSHINE_MIGRATE=true")
		}
		return "", nil
	}
	return func(ctx context.Context) error {
		msg, cause := check(ctx)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case msg != "" && msg != lost:
			log.Error("not ready: "+msg, "err", cause)
		case msg == "" && lost != "":
			log.Info("ready again", "was", lost)
		}
		lost = msg
		if msg != "" {
			return api.ReadyError{Msg: msg}
		}
		return nil
	}
}

// runHealthcheck GETs /healthz on the local server: for container health
// checks in an image without curl. It checks the port serve listens on
// (SUNSHINE_ADDR).
func runHealthcheck(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("healthcheck")
	url := fs.String("url", healthURL(getenv("SUNSHINE_ADDR")), "address to check")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(*url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthURL is where a server listening on addr (SUNSHINE_ADDR) answers
// /healthz from this machine.
func healthURL(addr string) string {
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://127.0.0.1:8080/healthz"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

// extractPendingText extracts the text of documents still pending: at once
// those a stopped server left, then every half hour those whose extraction
// could not be recorded (uploaded over ten minutes before, so as not to
// race an upload's own extraction).
func extractPendingText(ctx context.Context, handler *api.Server, log *slog.Logger) {
	before := time.Now()
	for {
		if err := handler.ExtractPending(ctx, before); err != nil && ctx.Err() == nil {
			log.Error("text extraction of pending documents", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(30 * time.Minute):
		}
		before = time.Now().Add(-10 * time.Minute)
	}
}
