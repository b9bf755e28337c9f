package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0042 gives every request, those filed before it included, a reply token
// of its own: 20 random hex digits, unique (documents gain a sender column,
// empty for uploads). It goes down and up again.
func TestMigration42_ReplyAddresses(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 41)
	org, _ := draftRequest(t, db)
	db.MustExec(`INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction)
		SELECT $1, a.id, 'Another', 'email', 'draft', 'us-ca' FROM agencies a WHERE a.org_id = $1 LIMIT 1`, org)

	migrateTo(t, db.DB, 42)
	var tokens []string
	require.NoError(t, db.Select(&tokens, `SELECT reply_token FROM requests`))
	require.Len(t, tokens, 2)
	require.NotEqual(t, tokens[0], tokens[1])
	for _, tok := range tokens {
		require.Regexp(t, `^[0-9a-f]{20}$`, tok)
	}
	_, err := db.Exec(`UPDATE requests SET reply_token = $1`, tokens[0])
	require.Error(t, err, "unique")

	migrateTo(t, db.DB, 41)
	migrateTo(t, db.DB, 42)
	var n int
	require.NoError(t, db.Get(&n, `SELECT count(DISTINCT reply_token) FROM requests`))
	require.Equal(t, 2, n)
}
