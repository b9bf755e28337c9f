package migrations_test

import (
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0062 adds the 'mentioned' kind to the kinds people chose before it
// existed, except for those who chose none; new rows get it by default; a
// 'mentioned' reminder has no request (one a note, not one a day); it goes
// down (dropping those reminders) and up again.
func TestMigration62_NoteMentions(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 61)
	org, _ := draftRequest(t, db)
	user := func(email string, kinds string) string {
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO users (org_id, email, role) VALUES ($1, $2, 'staff') RETURNING id`, org, email))
		_, err := db.Exec(`INSERT INTO user_preferences (user_id, kinds) VALUES ($1, $2)`, id, kinds)
		require.NoError(t, err)
		return id
	}
	some := user("some@ndlon.example", "{overdue,email_received}")
	none := user("none@ndlon.example", "{}")
	mention := func(to string) error {
		_, err := db.Exec(`INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, payload)
			VALUES ($1, $2, 'mentioned', '2026-12-08', '2026-12-08', gen_random_uuid()::text)`, org, to)
		return err
	}
	require.Error(t, mention(some), "no such kind before")

	migrateTo(t, db.DB, 62)
	kinds := func(id string) []string {
		var k pq.StringArray
		require.NoError(t, db.Get(&k, `SELECT kinds FROM user_preferences WHERE user_id = $1`, id))
		return k
	}
	require.Equal(t, []string{"email_received", "mentioned", "overdue"}, kinds(some))
	require.Empty(t, kinds(none), "no per-request email at all stays so")
	var fresh string
	require.NoError(t, db.Get(&fresh, `INSERT INTO users (org_id, email, role) VALUES ($1, 'new@ndlon.example', 'staff') RETURNING id`, org))
	_, err := db.Exec(`INSERT INTO user_preferences (user_id) VALUES ($1)`, fresh)
	require.NoError(t, err)
	require.Contains(t, kinds(fresh), "mentioned")
	require.NoError(t, mention(some))
	require.NoError(t, mention(some), "two notes the same day are two emails")

	migrateTo(t, db.DB, 61)
	require.Equal(t, []string{"email_received", "overdue"}, kinds(some))
	var n int
	require.NoError(t, db.Get(&n, `SELECT count(*) FROM reminders WHERE kind = 'mentioned'`))
	require.Zero(t, n)
	migrateTo(t, db.DB, 62)
}
