package migrations_test

import (
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0038 gives requests an optional external ID: none for the requests there
// are, unique within an organization (another organization's may be the
// same, and any number of requests have none), one line of 1 to 200
// characters without spaces at either end; and the migration goes down and
// up again.
func TestMigration38_RequestExternalID(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 36)
	ndlon, existing := draftRequest(t, db)
	var other string
	require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id`))

	migrateTo(t, db.DB, 38)
	var ext *string
	require.NoError(t, db.Get(&ext, `SELECT external_id FROM requests WHERE id = $1`, existing))
	require.Nil(t, ext, "an existing request has none")

	add := func(org string, ext any) error {
		_, err := db.Exec(`INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, external_id)
			SELECT $1, a.id, 'Records', 'email', 'draft', 'us-ca', $2 FROM agencies a WHERE a.org_id = $1`, org, ext)
		return err
	}
	violates := func(t *testing.T, err error, sqlstate, constraint, what string) {
		t.Helper()
		var pqErr *pq.Error
		require.ErrorAs(t, err, &pqErr, what)
		require.EqualValues(t, sqlstate, pqErr.Code, "%s: %s", what, pqErr.Message)
		require.Equal(t, constraint, pqErr.Constraint, what)
	}
	db.MustExec(`INSERT INTO agencies (org_id, name, jurisdiction, time_zone) VALUES ($1, 'Police', 'us-ca', 'America/Los_Angeles')`, other)

	t.Run("unique within an organization", func(t *testing.T) {
		require.NoError(t, add(ndlon, "row-17"))
		violates(t, add(ndlon, "row-17"), "23505", "requests_org_external_id_key", "taken")
		require.NoError(t, add(other, "row-17"), "another organization's may be the same")
		require.NoError(t, add(ndlon, nil))
		require.NoError(t, add(ndlon, nil), "any number have none")
		require.NoError(t, add(ndlon, "Row-17"), "compared exactly")
	})

	t.Run("checked", func(t *testing.T) {
		require.NoError(t, add(ndlon, strings.Repeat("é", 200)), "200 characters")
		for name, bad := range map[string]string{
			"empty":             "",
			"201 characters":    strings.Repeat("x", 201),
			"space before":      " row-18",
			"tab after":         "row-18\t",
			"two lines":         "row\n18",
			"control character": "row\x0718",
		} {
			violates(t, add(ndlon, bad), "23514", "requests_external_id_check", name)
		}
	})

	t.Run("down and up", func(t *testing.T) {
		indexed := func(db *sqlx.DB) bool {
			var ok bool
			require.NoError(t, db.Get(&ok, `SELECT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'requests_org_external_id_key')`))
			return ok
		}
		migrateTo(t, db.DB, 36)
		var columns int
		require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'requests' AND column_name = 'external_id'`))
		require.Zero(t, columns, "down")
		require.False(t, indexed(db))
		migrateTo(t, db.DB, 38)
		require.True(t, indexed(db), "up again")
	})
}
