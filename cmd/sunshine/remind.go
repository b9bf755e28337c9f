package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
)

// newMailer sends over SMTP when SUNSHINE_SMTP_URL is set, else writes .eml
// files under SUNSHINE_OUTBOX_DIR so Sunshine works with no mail server.
func newMailer(cfg Config) (mail.Mailer, error) {
	if cfg.SMTPURL != "" {
		m, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("SUNSHINE_SMTP_URL: %w", err)
		}
		return m, nil
	}
	m, err := mail.NewDir(cfg.OutboxDir, cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("SUNSHINE_OUTBOX_DIR: %w (without SUNSHINE_SMTP_URL, mail is written to this folder: make it writable, or set SUNSHINE_SMTP_URL)", err)
	}
	return m, nil
}

// runRemind handles `sunshine remind --once [--now T] [--dry-run]`: plan and
// deliver once, for operators and tests.
func runRemind(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("remind")
	once := fs.Bool("once", false, "plan and deliver once, then exit")
	nowFlag := fs.String("now", "", "pretend it is this time (RFC 3339, e.g. 2017-04-05T08:00:00-07:00)")
	dry := fs.Bool("dry-run", false, "plan and show what would be sent; send nothing")
	send := fs.Bool("send", false, "with --now: send for real, with the pretended dates (against a mail catcher)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if !*once {
		return usagef("--once is required (the scheduler runs inside `sunshine serve`)")
	}
	if *send && *dry {
		return usagef("--send and --dry-run contradict each other: choose one")
	}
	var clock sunshine.Clock = sunshine.SystemClock{}
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return usagef("--now: %q is not an RFC 3339 time such as 2017-04-05T08:00:00-07:00", *nowFlag)
		}
		clock = sunshine.NewFixedClock(t)
	}
	// Reminders sent at a pretended time go to real people with wrong
	// dates, and are recorded as sent: the real ones would not follow.
	if *nowFlag != "" && !*dry && !*send {
		return usagef("--now sends reminders as if it were %s and records them as sent: add --dry-run to see what would go out, or --send to send them anyway", *nowFlag)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("%s", err)
	}
	mailer, err := newMailer(cfg)
	if err != nil {
		return usagef("%s", err)
	}
	return withStore(func(ctx context.Context, s *store.Store) error {
		s = store.New(s.DB(), clock)
		run := func(s *store.Store) error {
			// (automatic follow-ups at a pretended time would email
			// agencies letters dated then)
			r := jobs.NewReminders(s, mailer, clock, newLogger(cfg, stderr), jobs.Config{BaseURL: cfg.BaseURL, InboundDomain: cfg.InboundDomain,
				DryRun: *dry, Connections: cfg.SMTPConnections, NoAutoFollowUps: *nowFlag != ""})
			planned, digests, res, err := r.RunOnce(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "planned %d reminders and %d digests; sent %d, retrying %d, failed %d, cancelled %d (mail: %s)\n",
				planned, digests, res.Sent, res.Retrying, res.Failed, res.Cancelled, mailer.Describe())
			return nil
		}
		if !*dry {
			return run(s)
		}
		// A dry run plans and renders inside a transaction it rolls back:
		// it changes nothing, so a real run afterwards sends everything.
		err := s.Atomically(ctx, func(ts *store.Store) error {
			if err := run(ts); err != nil {
				return err
			}
			return errDryRun
		})
		if errors.Is(err, errDryRun) {
			fmt.Fprintln(stdout, "dry run: nothing was saved or sent")
			return nil
		}
		return err
	})
}

var errDryRun = errors.New("dry run")
