package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0034 gives agencies a version: the agencies already there start at 1, as
// a new one does, and the migration goes down and up again.
func TestMigration34_AgencyVersion(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 33)
	org, _ := draftRequest(t, db)
	var existing string
	require.NoError(t, db.Get(&existing, `SELECT id FROM agencies WHERE org_id = $1`, org))

	migrateTo(t, db.DB, 34)
	version := func(id string) int {
		t.Helper()
		var v int
		require.NoError(t, db.Get(&v, `SELECT version FROM agencies WHERE id = $1`, id))
		return v
	}
	require.Equal(t, 1, version(existing), "an existing agency")
	var added string
	require.NoError(t, db.Get(&added, `INSERT INTO agencies (org_id, name, jurisdiction, time_zone)
		VALUES ($1, 'Police', 'us-ca', 'America/Los_Angeles') RETURNING id`, org))
	require.Equal(t, 1, version(added), "a new agency")
	_, err := db.Exec(`UPDATE agencies SET version = NULL WHERE id = $1`, added)
	require.ErrorContains(t, err, "not-null", "every agency has a version")

	migrateTo(t, db.DB, 33)
	var columns int
	require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'agencies' AND column_name = 'version'`))
	require.Zero(t, columns, "down")
	migrateTo(t, db.DB, 34)
	require.Equal(t, 1, version(existing), "up again")
}
