package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0011 adds users.deactivated_at: the users already there stay active
// (NULL), a user can then be deactivated, and the migration goes down and
// up again.
func TestMigration11_UserDeactivation(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 10)
	org, _ := draftRequest(t, db)
	var user string
	require.NoError(t, db.Get(&user, `INSERT INTO users (org_id, email, name, role)
		VALUES ($1, 'ana@ndlon.example', 'Ana Reyes', 'staff') RETURNING id`, org))

	migrateTo(t, db.DB, 11)
	var active bool
	require.NoError(t, db.Get(&active, `SELECT deactivated_at IS NULL FROM users WHERE id = $1`, user))
	require.True(t, active, "existing users stay active")
	db.MustExec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, user)
	require.NoError(t, db.Get(&active, `SELECT deactivated_at IS NULL FROM users WHERE id = $1`, user))
	require.False(t, active)

	migrateTo(t, db.DB, 10)
	var columns int
	require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'deactivated_at'`))
	require.Zero(t, columns, "down")
	migrateTo(t, db.DB, 11)
}
