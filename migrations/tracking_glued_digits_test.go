package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0031 finds the digits of a tracking number glued to letters, in the
// requests already there, and goes down and up again.
func TestMigration31_TrackingNumberGluedDigits(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 30)
	_, request := draftRequest(t, db)
	db.MustExec(`UPDATE requests SET tracking_number = 'P012345-110226' WHERE id = $1`, request)
	found := func(q string) bool {
		t.Helper()
		var ok bool
		require.NoError(t, db.Get(&ok, `SELECT search @@ websearch_to_tsquery('english_unaccent', $2) FROM requests WHERE id = $1`, request, q))
		return ok
	}
	require.True(t, found("P012345-110226"))
	require.False(t, found("012345"), "before: the digits glued to the P are not a word")

	migrateTo(t, db.DB, 31)
	for _, q := range []string{"P012345-110226", "012345", "012345-110226", "110226"} {
		require.True(t, found(q), q)
	}
	migrateTo(t, db.DB, 30)
	require.False(t, found("012345"))
	migrateTo(t, db.DB, 31)
	require.True(t, found("012345"))
}
