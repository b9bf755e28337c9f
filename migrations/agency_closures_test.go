package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0012 adds agency_closures: a day per agency, with a reason, refused for
// another organization's agency, and the migration goes down and up again.
func TestMigration12_AgencyClosures(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 11)
	org, _ := draftRequest(t, db)
	var agency, other string
	require.NoError(t, db.Get(&agency, `SELECT id FROM agencies WHERE org_id = $1`, org))
	require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('other', 'other') RETURNING id`))

	migrateTo(t, db.DB, 12)
	var version int
	require.NoError(t, db.Get(&version, `SELECT closures_version FROM agencies WHERE id = $1`, agency))
	require.Zero(t, version, "existing agencies start at version 0")
	db.MustExec(`INSERT INTO agency_closures (org_id, agency_id, closed_on, reason) VALUES ($1, $2, '2025-03-06', 'storm')`, org, agency)
	_, err := db.Exec(`INSERT INTO agency_closures (org_id, agency_id, closed_on, reason) VALUES ($1, $2, '2025-03-06', 'again')`, org, agency)
	require.ErrorContains(t, err, "agency_closures_pkey", "one closure a day")
	_, err = db.Exec(`INSERT INTO agency_closures (org_id, agency_id, closed_on, reason) VALUES ($1, $2, '2025-03-07', 'storm')`, other, agency)
	require.ErrorContains(t, err, "foreign key", "another organization's agency")
	_, err = db.Exec(`INSERT INTO agency_closures (org_id, agency_id, closed_on, reason) VALUES ($1, $2, '2025-03-07', ' ')`, org, agency)
	require.ErrorContains(t, err, "check constraint", "a reason is required")

	migrateTo(t, db.DB, 11)
	var tables int
	require.NoError(t, db.Get(&tables, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'agency_closures'`))
	require.Zero(t, tables, "down")
	var columns int
	require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'agencies' AND column_name = 'closures_version'`))
	require.Zero(t, columns, "down")
	migrateTo(t, db.DB, 12)
}
