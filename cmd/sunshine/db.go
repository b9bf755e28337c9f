package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
)

// openDB connects, waiting up to wait for a database that is still starting
// (docker compose, a fresh cluster).
func openDB(ctx context.Context, cfg Config, wait time.Duration) (*sqlx.DB, error) {
	if err := cfg.requireDatabase(); err != nil {
		return nil, err
	}
	db, err := store.Open(cfg.DatabaseURL, cfg.DBMaxConns)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = db.PingContext(pctx)
		cancel()
		if err == nil {
			return db, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("cannot reach the database at %s: %w", redactURL(cfg.DatabaseURL), err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// createDatabase creates the database named in cfg's URL if it does not
// exist, connecting to the server's "postgres" database to do so.
func createDatabase(ctx context.Context, cfg Config) error {
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	name := u.Path[1:]
	if name == "" {
		return usagef("SUNSHINE_DATABASE_URL names no database")
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sqlx.Open("postgres", admin.String())
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return fmt.Errorf("check for database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		if pqErr, ok := err.(*pq.Error); ok && pqErr.Code == "42P04" { // created meanwhile
			return nil
		}
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

func runMigrate(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("migrate")
	create := fs.Bool("create-db", false, "create the database first if it does not exist")
	to := fs.Int("to", -1, "move to this migration instead of the latest: down undoes the later ones and drops what they added")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	latest, err := migrations.Latest()
	if err != nil {
		return err
	}
	if *to == 0 || *to > int(latest) || *to < -1 {
		return usagef("--to: %d is not a migration of this release (1 to %d)", *to, latest)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("%s", err)
	}
	if err := cfg.requireDatabase(); err != nil {
		return err
	}
	ctx := context.Background()
	if *create {
		if err := createDatabase(ctx, cfg); err != nil {
			return err
		}
	}
	db, err := openDB(ctx, cfg, 30*time.Second)
	if err != nil {
		return err
	}
	defer db.Close()
	if *to >= 0 {
		if err := migrations.To(ctx, db.DB, uint(*to)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "database at migration %d (this release's latest is %d)\n", *to, latest)
		return nil
	}
	if err := migrations.Up(ctx, db.DB); err != nil {
		return err
	}
	v, _, err := migrations.Status(ctx, db.DB)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database at migration %d\n", v)
	// Due dates a change to the deadline rules moved, recomputed once.
	n, err := store.New(db, sunshine.SystemClock{}).ApplyRuleChanges(ctx, store.RuleChanges)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "deadline rules updated: %d due dates recomputed\n", n)
	}
	return nil
}

// withStore opens the database and checks its migrations for an operator command.
func withStore(fn func(ctx context.Context, s *store.Store) error) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usagef("%s", err)
	}
	ctx := context.Background()
	db, err := openDB(ctx, cfg, 10*time.Second)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, current, err := migrations.Status(ctx, db.DB); err != nil {
		return err
	} else if !current {
		return fmt.Errorf("the database has pending migrations: run `sunshine migrate` first")
	}
	return fn(ctx, store.New(db, sunshine.SystemClock{}))
}
