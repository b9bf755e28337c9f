package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0063 adds the automatic follow-ups (one row a request, every_days 7 to
// 90) and marks the letter emails they queue (automatic, false for those
// before); it goes down and up again.
func TestMigration63_AutoFollowUps(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 62)
	org, req := draftRequest(t, db)
	var user string
	require.NoError(t, db.Get(&user, `INSERT INTO users (org_id, email, role) VALUES ($1, 'ana@ndlon.example', 'staff') RETURNING id`, org))
	_, err := db.Exec(`INSERT INTO letter_emails (org_id, request_id, kind, sender_id, to_address, subject, body, queued_at)
		VALUES ($1, $2, 'follow_up', $3, 'records@sheriff.example', 'Follow-up', 'Where are the records?', now())`, org, req, user)
	require.NoError(t, err)

	migrateTo(t, db.DB, 63)
	var automatic bool
	require.NoError(t, db.Get(&automatic, `SELECT automatic FROM letter_emails WHERE request_id = $1`, req))
	require.False(t, automatic, "a person's letter")
	set := func(days int) error {
		_, err := db.Exec(`INSERT INTO auto_follow_ups (request_id, org_id, every_days, signer_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (request_id) DO UPDATE SET every_days = EXCLUDED.every_days`, req, org, days, user)
		return err
	}
	require.Error(t, set(6), "a week at least")
	require.Error(t, set(91), "three months at most")
	require.NoError(t, set(14))
	require.NoError(t, set(30), "one row a request")

	migrateTo(t, db.DB, 62)
	var exists bool
	require.NoError(t, db.Get(&exists, `SELECT to_regclass('auto_follow_ups') IS NOT NULL`))
	require.False(t, exists)
	migrateTo(t, db.DB, 63)
}
