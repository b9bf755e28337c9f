package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0024 adds the function of the date to follow and its two indexes over
// the requests already there, and goes down and up again.
func TestMigration24_FollowOn(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 21)
	_, request := draftRequest(t, db)
	db.MustExec(`UPDATE requests SET status = 'acknowledged', jurisdiction = 'us-ny', received_on = '2026-11-20',
		due_on = '2026-11-30', agency_estimated_on = '2026-12-04' WHERE id = $1`, request)

	migrateTo(t, db.DB, 24)
	var follow string
	require.NoError(t, db.Get(&follow, `SELECT request_follow_on(status, jurisdiction, due_on, custom_due_on, agency_estimated_on)::text
		FROM requests WHERE id = $1`, request))
	require.Equal(t, "2026-12-04", follow, "the agency's estimate, for an acknowledged FOIL request")
	indexes := func() int {
		var n int
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('requests_follow_on_idx', 'requests_estimate_idx')`))
		return n
	}
	require.Equal(t, 2, indexes())

	migrateTo(t, db.DB, 21)
	require.Zero(t, indexes())
	migrateTo(t, db.DB, 24)
	require.Equal(t, 2, indexes())
}
