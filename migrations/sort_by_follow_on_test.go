package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0027 sorts the requests already there by their date to follow, keeps
// the indexes the lists walk, and goes down and up again.
func TestMigration27_SortByDateToFollow(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 26)
	_, request := draftRequest(t, db)
	db.MustExec(`UPDATE requests SET status = 'acknowledged', jurisdiction = 'us-ny', received_on = '2026-11-20',
		due_on = '2026-11-30', agency_estimated_on = '2026-12-04' WHERE id = $1`, request)
	sortedOn := func() string {
		t.Helper()
		var on string
		require.NoError(t, db.Get(&on, `SELECT due_sort::text FROM requests WHERE id = $1`, request))
		return on
	}
	indexes := func() int {
		t.Helper()
		var n int
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM pg_indexes WHERE tablename = 'requests' AND indexdef LIKE '%due_sort%'`))
		return n
	}
	require.Equal(t, "2026-11-30", sortedOn(), "before: the statutory date the acknowledgment met")
	before := indexes()
	require.Equal(t, 7, before)

	migrateTo(t, db.DB, 27)
	require.Equal(t, "2026-12-04", sortedOn(), "the agency's estimate")
	require.Equal(t, before, indexes())
	db.MustExec(`UPDATE requests SET agency_estimated_on = NULL WHERE id = $1`, request)
	require.Equal(t, "infinity", sortedOn(), "no date to follow: last")
	db.MustExec(`UPDATE requests SET status = 'fulfilled' WHERE id = $1`, request)
	require.Equal(t, "2026-11-30", sortedOn(), "closed: its effective due date")

	migrateTo(t, db.DB, 26)
	require.Equal(t, "2026-11-30", sortedOn())
	require.Equal(t, before, indexes())
	migrateTo(t, db.DB, 27)
	require.Equal(t, before, indexes())
}
