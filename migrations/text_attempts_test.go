package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0023 gives every document, pending or not, an attempt count of 0, refuses
// a negative one, and goes down and up again.
func TestMigration23_DocumentTextAttempts(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 21)
	org, request := draftRequest(t, db)
	var blob, pending, extracted string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	require.NoError(t, db.Get(&pending, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type)
		VALUES ($1, $2, $3, 'a.pdf', 'application/pdf') RETURNING id`, org, request, blob))
	require.NoError(t, db.Get(&extracted, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status)
		VALUES ($1, $2, $3, 'b.pdf', 'application/pdf', 'extracted') RETURNING id`, org, request, blob))

	migrateTo(t, db.DB, 23)
	for _, id := range []string{pending, extracted} {
		var attempts int
		require.NoError(t, db.Get(&attempts, `SELECT text_attempts FROM documents WHERE id = $1`, id))
		require.Zero(t, attempts)
	}
	_, err := db.Exec(`UPDATE documents SET text_attempts = -1 WHERE id = $1`, pending)
	require.ErrorContains(t, err, "check constraint")
	migrateTo(t, db.DB, 21)
	migrateTo(t, db.DB, 23)
}
