package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0014 queues again the PDFs that extraction refused as too large, and only
// them: a large e-mail is still read from its first 32 MiB, a corrupt PDF
// is still corrupt.
func TestMigration14_RequeuesLargePDFs(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 13)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	const tooLarge = "the text could not be read (document is larger than the size limit of 33554432 bytes)"
	cases := []struct {
		name, contentType, textError, want string
	}{
		{"large PDF", "application/pdf", tooLarge, "pending"},
		{"large PDF, older message", "application/pdf", "document is larger than the size limit of 33554432 bytes", "pending"},
		{"large e-mail", "message/rfc822", tooLarge, "failed"},
		{"corrupt PDF", "application/pdf", "the text could not be read (not a valid PDF: no pages found)", "failed"},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		require.NoError(t, db.Get(&ids[i], `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text_error)
			VALUES ($1, $2, $3, 'a', $4, 'failed', $5) RETURNING id`, org, request, blob, tc.contentType, tc.textError))
	}

	migrateTo(t, db.DB, 14)
	for i, tc := range cases {
		var status, textError string
		require.NoError(t, db.QueryRow(`SELECT text_status, text_error FROM documents WHERE id = $1`, ids[i]).Scan(&status, &textError))
		require.Equal(t, tc.want, status, tc.name)
		if tc.want == "pending" {
			require.Empty(t, textError, tc.name)
		}
	}
	migrateTo(t, db.DB, 13)
	migrateTo(t, db.DB, 14)
}
