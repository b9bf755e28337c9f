package migrations_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// 0037 lets a note_added event's note hold 10000 characters while every
// other event's stays within 5000, makes notes (and only notes) searchable,
// and goes down and up again, keeping the long notes written meanwhile.
func TestMigration37_InternalNotes(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 36)
	org, request := draftRequest(t, db)
	insert := func(kind, note string) (string, error) {
		var id string
		err := db.Get(&id, `INSERT INTO request_events (org_id, request_id, kind, note) VALUES ($1, $2, $3, $4) RETURNING id`,
			org, request, kind, note)
		return id, err
	}
	long := strings.Repeat("é", 10000)
	_, err := insert("note_added", long)
	require.Error(t, err, "before: 5000 characters at most")
	older, err := insert("status_changed", "Records officer called about the detainer forms")
	require.NoError(t, err)

	migrateTo(t, db.DB, 37)
	note, err := insert("note_added", long)
	require.NoError(t, err)
	_, err = insert("note_added", long+"é")
	require.Error(t, err)
	_, err = insert("status_changed", strings.Repeat("é", 5001))
	require.Error(t, err, "other events keep their limit")
	called, err := insert("note_added", "Called the records officer: the detainers come next week.")
	require.NoError(t, err)
	found := func(q string) []string {
		t.Helper()
		var ids []string
		require.NoError(t, db.Select(&ids, `SELECT id FROM request_events WHERE org_id = $1 AND kind = 'note_added'
			AND search @@ websearch_to_tsquery('english_unaccent', $2)`, org, q))
		return ids
	}
	require.Equal(t, []string{called}, found("detainer"))
	var searched bool
	require.NoError(t, db.Get(&searched, `SELECT search IS NOT NULL FROM request_events WHERE id = $1`, older))
	require.False(t, searched, "only notes are searched")

	migrateTo(t, db.DB, 36)
	var kept string
	require.NoError(t, db.Get(&kept, `SELECT note FROM request_events WHERE id = $1`, note))
	require.Equal(t, long, kept, "down keeps the notes")
	_, err = insert("note_added", long)
	require.Error(t, err)
	migrateTo(t, db.DB, 37)
	require.Equal(t, []string{called}, found("detainers"))
}
