package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0013 keeps only the SHA-256 of calendar feed secrets: a feed subscribed
// to before it still resolves by its secret, no plain secret is left, and
// the migration goes down (ending the feeds) and up again.
func TestMigration13_CalendarSecretHashed(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 12)
	org, _ := draftRequest(t, db)
	var user string
	require.NoError(t, db.Get(&user, `INSERT INTO users (org_id, email, name, role)
		VALUES ($1, 'ana@ndlon.example', 'Ana Reyes', 'staff') RETURNING id`, org))
	const secret = "c2VjcmV0LWNhbGVuZGFyLWZlZWQtYWRkcmVzcy0wMDAwMDAwMA"
	db.MustExec(`INSERT INTO user_preferences (user_id, calendar_secret) VALUES ($1, $2)`, user, secret)

	migrateTo(t, db.DB, 13)
	var found string
	require.NoError(t, db.Get(&found, `SELECT user_id FROM user_preferences WHERE calendar_secret_sha256 = sha256($1::bytea)`, []byte(secret)))
	require.Equal(t, user, found)
	var plain int
	require.NoError(t, db.Get(&plain, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'user_preferences' AND column_name = 'calendar_secret'`))
	require.Zero(t, plain, "no plain secret kept")

	migrateTo(t, db.DB, 12)
	var secrets int
	require.NoError(t, db.Get(&secrets, `SELECT count(calendar_secret) FROM user_preferences`))
	require.Zero(t, secrets, "down ends the feeds")
	migrateTo(t, db.DB, 13)
}
