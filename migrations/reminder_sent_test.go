package migrations_test

import (
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0015 allows one reminder_sent event per reminder: a second for the same
// reminder is refused, one for another reminder and other kinds' events
// naming it are not, and the migration goes down and up again.
func TestMigration15_ReminderSentOnce(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 14)
	org, request := draftRequest(t, db)
	insert := func(kind, reminder string) error {
		_, err := db.Exec(`INSERT INTO request_events (org_id, request_id, kind, data)
			VALUES ($1, $2, $3, jsonb_build_object('reminder_id', $4::text))`, org, request, kind, reminder)
		return err
	}
	const first, second = "6c1b1b9e-4a53-4c59-9d56-0f5c3a3b8a01", "6c1b1b9e-4a53-4c59-9d56-0f5c3a3b8a02"
	require.NoError(t, insert("reminder_sent", first), "the kind is a timeline kind before 0015")

	migrateTo(t, db.DB, 15)
	err := insert("reminder_sent", first)
	var pqErr *pq.Error
	require.ErrorAs(t, err, &pqErr)
	require.EqualValues(t, "23505", pqErr.Code, "a second event for one reminder")
	require.NoError(t, insert("reminder_sent", second))
	require.NoError(t, insert("updated", first), "only reminder_sent events are unique per reminder")

	migrateTo(t, db.DB, 14)
	var indexes int
	require.NoError(t, db.Get(&indexes, `SELECT count(*) FROM pg_indexes WHERE indexname = 'request_events_reminder_sent_key'`))
	require.Zero(t, indexes, "down")
	migrateTo(t, db.DB, 15)
}
