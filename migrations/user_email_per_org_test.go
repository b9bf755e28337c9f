package migrations_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/migrations"
)

// 0016 makes a user's email unique within an organization instead of
// across the host: an address of one organization's user is free in
// another, still taken in its own, and the migration goes down and up
// again. Going down while an address is in two organizations fails and
// changes nothing.
func TestMigration16_UserEmailPerOrg(t *testing.T) {
	t.Parallel()
	addUser := func(db *sqlx.DB, org, email string) error {
		_, err := db.Exec(`INSERT INTO users (org_id, email, name, role) VALUES ($1, $2, 'Ana Reyes', 'staff')`, org, email)
		return err
	}
	requireUnique := func(t *testing.T, err error, constraint string) {
		t.Helper()
		var pqErr *pq.Error
		require.ErrorAs(t, err, &pqErr)
		require.EqualValues(t, "23505", pqErr.Code)
		require.Equal(t, constraint, pqErr.Constraint)
	}
	twoOrgs := func(t *testing.T, db *sqlx.DB) (ndlon, other string) {
		t.Helper()
		ndlon, _ = draftRequest(t, db)
		require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id`))
		return ndlon, other
	}

	t.Run("up and down", func(t *testing.T) {
		t.Parallel()
		db := databaseAt(t, 15)
		ndlon, other := twoOrgs(t, db)
		require.NoError(t, addUser(db, ndlon, "ana@example.org"))
		requireUnique(t, addUser(db, other, "ana@example.org"), "users_email_key")

		migrateTo(t, db.DB, 16)
		require.NoError(t, addUser(db, other, "ana@example.org"), "free in another organization")
		requireUnique(t, addUser(db, ndlon, "ana@example.org"), "users_org_id_email_key")
		var indexed bool
		require.NoError(t, db.Get(&indexed, `SELECT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'users_email_idx')`))
		require.True(t, indexed, "signing in finds an address by index")

		db.MustExec(`DELETE FROM users WHERE org_id = $1`, other)
		migrateTo(t, db.DB, 15)
		requireUnique(t, addUser(db, other, "ana@example.org"), "users_email_key")
		migrateTo(t, db.DB, 16)
	})

	t.Run("down refused while an address is in two organizations", func(t *testing.T) {
		t.Parallel()
		db := databaseAt(t, 16)
		ndlon, other := twoOrgs(t, db)
		require.NoError(t, addUser(db, ndlon, "ana@example.org"))
		require.NoError(t, addUser(db, other, "ana@example.org"))
		require.ErrorContains(t, migrations.MigrateTo(context.Background(), db.DB, 14), "users_email_key")
		requireUnique(t, addUser(db, ndlon, "ana@example.org"), "users_org_id_email_key")
		var users int
		require.NoError(t, db.Get(&users, `SELECT count(*) FROM users WHERE email = 'ana@example.org'`))
		require.Equal(t, 2, users, "nothing changed")
	})
}
