package migrations_test

import (
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0039 groups requests filed together: none are grouped at first, a group
// names a request of the same organization (never another's, never one
// that does not exist), and the migration goes down and up again.
func TestMigration39_RequestGroups(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 38)
	ndlon, first := draftRequest(t, db)
	var other, othersRequest string
	require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id`))
	db.MustExec(`INSERT INTO agencies (org_id, name, jurisdiction, time_zone) VALUES ($1, 'Police', 'us-ca', 'America/Los_Angeles')`, other)
	require.NoError(t, db.Get(&othersRequest, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction)
		SELECT $1, a.id, 'ICE', 'email', 'draft', 'us-ca' FROM agencies a WHERE a.org_id = $1 RETURNING id`, other))

	migrateTo(t, db.DB, 39)
	var group *string
	require.NoError(t, db.Get(&group, `SELECT group_id FROM requests WHERE id = $1`, first))
	require.Nil(t, group, "an existing request was filed alone")

	add := func(org, group string) error {
		_, err := db.Exec(`INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, group_id)
			SELECT $1, a.id, 'ICE', 'email', 'draft', 'us-ca', $2 FROM agencies a WHERE a.org_id = $1`, org, group)
		return err
	}
	db.MustExec(`UPDATE requests SET group_id = id WHERE id = $1`, first)
	require.NoError(t, add(ndlon, first), "a copy joins the first request's group")
	for name, bad := range map[string]struct{ org, group string }{
		"another organization's request": {ndlon, othersRequest},
		"into another organization":      {other, first},
		"no such request":                {ndlon, "00000000-0000-4000-8000-000000000000"},
	} {
		var pqErr *pq.Error
		require.ErrorAs(t, add(bad.org, bad.group), &pqErr, name)
		require.EqualValues(t, "23503", pqErr.Code, name)
		require.Equal(t, "requests_group_fkey", pqErr.Constraint, name)
	}

	migrateTo(t, db.DB, 38)
	var columns int
	require.NoError(t, db.Get(&columns, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'requests' AND column_name = 'group_id'`))
	require.Zero(t, columns, "down")
	migrateTo(t, db.DB, 39)
	var indexed bool
	require.NoError(t, db.Get(&indexed, `SELECT EXISTS (SELECT FROM pg_indexes WHERE indexname = 'requests_org_group')`))
	require.True(t, indexed, "up again")
}
