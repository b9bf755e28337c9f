// Package migrations holds Sunshine's SQL schema as embedded, numbered files
// and applies them with golang-migrate. Applying takes a Postgres advisory
// lock, so replicas that start together migrate once.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS

// newMigrate binds golang-migrate to one connection of db. WithConnection,
// unlike WithInstance, leaves the pool open when the migrator closes.
func newMigrate(ctx context.Context, db *sql.DB) (*migrate.Migrate, error) {
	src, err := iofs.New(FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations: open embedded files: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: connect: %w", err)
	}
	drv, err := postgres.WithConnection(ctx, conn, &postgres.Config{})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("migrations: postgres driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", drv)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return m, nil
}

// Up applies every pending migration. It is safe to call from several
// processes at once: golang-migrate holds an advisory lock while it works.
// The database handle stays open.
func Up(ctx context.Context, db *sql.DB) error {
	m, err := newMigrate(ctx, db)
	if err != nil {
		return err
	}
	defer m.Close() // returns the connection to the pool; db stays open
	if _, _, err := Status(ctx, db); errors.As(err, new(AheadError)) {
		return err
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrations: apply: %w", err)
	}
	return nil
}

// To moves the database up or down to version v (`sunshine migrate --to`):
// down undoes the later migrations, and drops what they added. Going down
// needs the release that has those migrations' files.
func To(ctx context.Context, db *sql.DB, v uint) error {
	m, err := newMigrate(ctx, db)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Migrate(v); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrations: to %d: %w", v, err)
	}
	return nil
}

// AheadError is a database migrated by a newer release than this binary:
// this one would not know its schema.
type AheadError struct{ Version, Latest uint }

func (e AheadError) Error() string {
	return fmt.Sprintf("the database is at migration %d, newer than this release's %d: a newer Sunshine migrated it; "+
		"run that release, or go back with its `sunshine migrate --to %d` (which undoes the newer migrations, and drops what they added)",
		e.Version, e.Latest, e.Latest)
}

// Latest returns the highest migration version embedded in the binary.
func Latest() (uint, error) {
	src, err := iofs.New(FS, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil // no next version: v is the last
		}
		v = next
	}
}

// Status reports the database's applied version and whether it is current.
// A database left dirty by a failed migration is an error, and so is one
// ahead of this binary (AheadError).
func Status(ctx context.Context, db *sql.DB) (version uint, current bool, err error) {
	var dirty bool
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, false, fmt.Errorf("migrations: read version: %w", err)
	}
	if exists {
		err = db.QueryRowContext(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &dirty)
	}
	switch {
	case !exists || errors.Is(err, sql.ErrNoRows):
		version = 0
	case err != nil:
		return 0, false, fmt.Errorf("migrations: read version: %w", err)
	case dirty:
		return version, false, fmt.Errorf("migrations: database is dirty at version %d; fix it by hand, then rerun", version)
	}
	latest, err := Latest()
	if err != nil {
		return version, false, err
	}
	if version > latest {
		return version, false, AheadError{Version: version, Latest: latest}
	}
	return version, version == latest, nil
}
