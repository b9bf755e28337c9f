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
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/jobs"
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
	if cfg.DebugAddr != "" { // first, so a taken address stops serve before anything starts
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return err
		}
		defer stopDebug()
	}
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

	handler := api.New(st, api.Config{Logger: log, BodyLimit: cfg.BodyLimit, UploadLimit: cfg.UploadLimit,
		Ready: readiness(db), BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken})
	pages := web.New(st, handler.Engine(), web.Config{Logger: log, BaseURL: cfg.BaseURL, UploadLimit: cfg.UploadLimit,
		SecureCookies: cfg.SecureCookies(), ExtractText: handler.ExtractText, RequestZip: handler.RequestZip})
	handler.SetPageNotFound(pages.NotFound)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	if cfg.Jobs {
		mailer, err := newMailer(cfg)
		if err != nil {
			return err
		}
		log.Info("reminder emails", "to", mailer.Describe())
		reminders := jobs.NewReminders(st, mailer, sunshine.SystemClock{}, log, jobs.Config{BaseURL: cfg.BaseURL, Connections: cfg.SMTPConnections})
		if err := reminders.Register(handler.Registry()); err != nil {
			return err
		}
		sched, err := jobs.NewScheduler(reminders, st, db, jobs.Schedule{Plan: cfg.PlanSchedule, Deliver: cfg.DeliverSchedule}, log)
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
	go extractPendingText(ctx, handler, log)
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of released records can be large
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("sunshine is serving", "addr", cfg.Addr, "base_url", cfg.BaseURL)

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
	handler.Wait() // text extractions in flight
	log.Info("stopped")
	return nil
}

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

// readiness reports whether the database answers and its schema is current.
func readiness(db *sqlx.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := db.PingContext(ctx); err != nil {
			return api.ReadyError{Msg: "the database is unreachable"}
		}
		_, current, err := migrations.Status(ctx, db.DB)
		switch {
		case err != nil:
			return api.ReadyError{Msg: "cannot read the migration version"}
		case !current:
			return api.ReadyError{Msg: "database migrations are pending"}
		}
		return nil
	}
}

// runHealthcheck GETs /healthz on the local server: for container health
// checks in an image without curl.
func runHealthcheck(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("healthcheck")
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "address to check")
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
