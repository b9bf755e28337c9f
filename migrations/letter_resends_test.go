package migrations_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// 0048 dates each letter email's queueing (those before it: when they were
// created) and gives it redate, off; it goes down and up again.
func TestMigration48_LetterResends(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 47)
	org, request := draftRequest(t, db)
	var sender, letter string
	require.NoError(t, db.Get(&sender, `INSERT INTO users (org_id, email, role) VALUES ($1, 'ana@ndlon.example', 'staff') RETURNING id`, org))
	require.NoError(t, db.Get(&letter, `INSERT INTO letter_emails (org_id, request_id, kind, sender_id, to_address, subject, body, created_at)
		VALUES ($1, $2, 'request', $3, 'records@sheriff.example.gov', 'CPRA', 'Dear', '2017-04-05 15:00Z') RETURNING id`, org, request, sender))

	migrateTo(t, db.DB, 48)
	var row struct {
		QueuedAt time.Time `db:"queued_at"`
		Redate   bool      `db:"redate"`
	}
	require.NoError(t, db.Get(&row, `SELECT queued_at, redate FROM letter_emails WHERE id = $1`, letter))
	require.True(t, row.QueuedAt.Equal(time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)), "%s", row.QueuedAt)
	require.False(t, row.Redate)
	_, err := db.Exec(`UPDATE letter_emails SET queued_at = NULL WHERE id = $1`, letter)
	require.Error(t, err, "every letter has one")

	migrateTo(t, db.DB, 47)
	migrateTo(t, db.DB, 48)
	require.NoError(t, db.Get(&row, `SELECT queued_at, redate FROM letter_emails WHERE id = $1`, letter))
	require.False(t, row.Redate)
}
