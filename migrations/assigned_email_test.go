package migrations_test

import (
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0026 adds the 'assigned' kind to the kinds people chose before it
// existed, except for those who chose none; new rows get it by default; it
// goes down and up again.
func TestMigration26_AssignedEmail(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 25)
	org, _ := draftRequest(t, db)
	user := func(email string, kinds string) string {
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO users (org_id, email, role) VALUES ($1, $2, 'staff') RETURNING id`, org, email))
		_, err := db.Exec(`INSERT INTO user_preferences (user_id, kinds) VALUES ($1, $2)`, id, kinds)
		require.NoError(t, err)
		return id
	}
	some := user("some@ndlon.example", "{overdue,due_today}")
	none := user("none@ndlon.example", "{}")

	migrateTo(t, db.DB, 26)
	kinds := func(id string) []string {
		var k pq.StringArray
		require.NoError(t, db.Get(&k, `SELECT kinds FROM user_preferences WHERE user_id = $1`, id))
		return k
	}
	require.Equal(t, []string{"assigned", "due_today", "overdue"}, kinds(some))
	require.Empty(t, kinds(none), "no per-request email at all stays so")
	var fresh string
	require.NoError(t, db.Get(&fresh, `INSERT INTO users (org_id, email, role) VALUES ($1, 'new@ndlon.example', 'staff') RETURNING id`, org))
	_, err := db.Exec(`INSERT INTO user_preferences (user_id) VALUES ($1)`, fresh)
	require.NoError(t, err)
	require.Contains(t, kinds(fresh), "assigned")

	migrateTo(t, db.DB, 25)
	require.Equal(t, []string{"due_today", "overdue"}, kinds(some))
	migrateTo(t, db.DB, 26)
}
