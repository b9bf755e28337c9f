package migrations_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// 0010 keeps each event's size (its note and its data as JSON text), for
// the events already stored and those written after, and goes down and up
// again.
func TestMigration10_EventSizes(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 9)
	org, request := draftRequest(t, db)
	insert := func(note, data string) string {
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO request_events (org_id, request_id, kind, note, data)
			VALUES ($1, $2, 'communication_edited', $3, $4) RETURNING id`, org, request, note, data))
		return id
	}
	body := strings.Repeat("Détainer forms. ", 10_000)
	before := insert("typo", `{"previous": {"body": "`+body+`"}}`)

	migrateTo(t, db.DB, 10)
	after := insert("", `{"status": "denied"}`)
	for id, want := range map[string]int{
		before: len("typo") + len(`{"previous": {"body": "`+body+`"}}`),
		after:  len(`{"status": "denied"}`),
	} {
		var size int
		require.NoError(t, db.Get(&size, `SELECT size FROM request_events WHERE id = $1`, id))
		require.Equal(t, want, size)
	}

	migrateTo(t, db.DB, 9)
	var columns int
	require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'request_events' AND column_name = 'size'`))
	require.Zero(t, columns, "down")
	migrateTo(t, db.DB, 10)
}
