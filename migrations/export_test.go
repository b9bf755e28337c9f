package migrations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
)

// MigrateTo moves db up or down to version v, for tests of one migration.
func MigrateTo(ctx context.Context, db *sql.DB, v uint) error {
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
