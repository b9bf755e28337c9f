package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/robfig/cron/v3"

	"github.com/sunshine-records/sunshine/store"
)

// Schedule holds the cron specs: five fields (minute hour day month
// weekday) or a descriptor such as @every 15m or @daily, in UTC.
type Schedule struct {
	Plan    string // default every 15 minutes
	Deliver string // default every minute
	Prune   string // expired sessions and links; default every hour
	// Webhooks sends events to webhooks; default every 10 seconds.
	Webhooks string
}

// CheckSpec reports what is wrong with a cron spec NewScheduler takes, so
// a bad setting stops a server before it starts anything.
func CheckSpec(spec string) error {
	_, err := cron.ParseStandard(spec)
	return err
}

// Scheduler runs the jobs on their schedule until stopped.
type Scheduler struct {
	cron *cron.Cron
	log  *slog.Logger
}

// NewScheduler registers the reminder jobs, the webhooks' sending (wh;
// nil for none) and the pruning of expired sessions and links. Each run has a timeout; a run still going when the
// next is due is skipped (in this process), and planning takes a Postgres
// advisory lock so replicas do not plan at once.
func NewScheduler(r *Reminders, wh *Webhooks, st *store.Store, db *sqlx.DB, s Schedule, log *slog.Logger) (*Scheduler, error) {
	if s.Plan == "" {
		s.Plan = "@every 15m"
	}
	if s.Deliver == "" {
		s.Deliver = "@every 1m"
	}
	if s.Prune == "" {
		s.Prune = "@every 1h"
	}
	if s.Webhooks == "" {
		s.Webhooks = "@every 10s"
	}
	cl := cronLogger{log}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	plan := job(log, "plan_reminders", 5*time.Minute, func(ctx context.Context) error {
		return withAdvisoryLock(ctx, db, "jobs.plan_reminders", func() error {
			n, d, err := r.Plan(ctx)
			log.Info("planned reminders", "job", "plan_reminders", "reminders", n, "digests", d)
			return err
		})
	})
	deliver := job(log, "deliver_reminders", 10*time.Minute, func(ctx context.Context) error {
		res, err := r.Deliver(ctx)
		if res != (DeliveryResult{}) {
			log.Info("delivered reminders", "job", "deliver_reminders", "sent", res.Sent, "retrying", res.Retrying,
				"failed", res.Failed, "cancelled", res.Cancelled)
		}
		return err
	})
	prune := job(log, "prune_expired", time.Minute, func(ctx context.Context) error {
		n, err := st.PruneExpired(ctx)
		if n != (store.Pruned{}) {
			log.Info("pruned expired", "job", "prune_expired", "sessions", n.Sessions, "choices", n.Choices, "invites", n.Invites, "resets", n.Resets,
				"webhook_deliveries", n.Deliveries)
		}
		return err
	})
	if wh != nil {
		send := job(log, "send_webhooks", 5*time.Minute, func(ctx context.Context) error {
			res, err := wh.Run(ctx)
			if res != (WebhookResult{}) {
				log.Info("sent webhooks", "job", "send_webhooks", "sent", res.Sent, "failed", res.Failed, "turned_off", res.TurnedOff)
			}
			return err
		})
		if _, err := c.AddFunc(s.Webhooks, send); err != nil {
			return nil, fmt.Errorf("jobs: webhook schedule %q: %w", s.Webhooks, err)
		}
	}
	if _, err := c.AddFunc(s.Plan, plan); err != nil {
		return nil, fmt.Errorf("jobs: plan schedule %q: %w", s.Plan, err)
	}
	if _, err := c.AddFunc(s.Deliver, deliver); err != nil {
		return nil, fmt.Errorf("jobs: delivery schedule %q: %w", s.Deliver, err)
	}
	if _, err := c.AddFunc(s.Prune, prune); err != nil {
		return nil, fmt.Errorf("jobs: prune schedule %q: %w", s.Prune, err)
	}
	return &Scheduler{cron: c, log: log}, nil
}

// Start runs the scheduler in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and waits for running jobs, at most until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	done := s.cron.Stop()
	select {
	case <-done.Done():
	case <-ctx.Done():
		s.log.Warn("jobs still running at shutdown")
	}
}

// job wraps a job with a timeout and one log line per failure.
func job(log *slog.Logger, name string, timeout time.Duration, fn func(context.Context) error) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		start := time.Now()
		if err := fn(ctx); err != nil {
			log.Error("job failed", "job", name, "duration_ms", time.Since(start).Milliseconds(), "err", err)
		}
	}
}

// withAdvisoryLock runs fn only if no other process holds the named lock;
// otherwise it skips quietly (another replica is doing the work).
func withAdvisoryLock(ctx context.Context, db *sqlx.DB, name string, fn func() error) error {
	conn, err := db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowxContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, name).Scan(&got); err != nil {
		return err
	}
	if !got {
		return nil
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, name) //nolint:errcheck
	return fn()
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
