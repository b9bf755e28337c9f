package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0061 queues again the Outlook messages stored before Sunshine read
// them, and only them: other unsupported documents, removed messages and
// messages already read or pending are left as they are.
func TestMigration61_ReadsOutlookMessages(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 60)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	const outlook = "application/vnd.ms-outlook"
	const unread = "an Outlook message (.msg): Sunshine does not read its text yet (saved as .eml, it would be searchable)"
	cases := []struct {
		name, filename, contentType, status, textError string
		deleted, requeued                              bool
	}{
		{"message", "RE records.msg", outlook, "unsupported", unread, false, true},
		{"removed", "old.msg", outlook, "unsupported", unread, true, false},
		{"read", "read.msg", outlook, "extracted", "", false, false},
		{"pending", "new.msg", outlook, "pending", "", false, false},
		{"Word 97-2003", "letter.doc", "application/msword", "unsupported", "a Word 97-2003 document (.doc)", false, false},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		require.NoError(t, db.Get(&ids[i], `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text_error, text_attempts, deleted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, CASE WHEN $8 THEN now() END) RETURNING id`,
			org, request, blob, tc.filename, tc.contentType, tc.status, tc.textError, tc.deleted))
	}
	migrateTo(t, db.DB, 61)
	for i, tc := range cases {
		var got struct {
			Status    string `db:"text_status"`
			TextError string `db:"text_error"`
			Attempts  int    `db:"text_attempts"`
		}
		require.NoError(t, db.Get(&got, `SELECT text_status, text_error, text_attempts FROM documents WHERE id = $1`, ids[i]))
		if tc.requeued {
			require.Equal(t, "pending", got.Status, tc.name)
			require.Empty(t, got.TextError, tc.name)
			require.Zero(t, got.Attempts, tc.name)
		} else {
			require.Equal(t, tc.status, got.Status, tc.name)
			require.Equal(t, tc.textError, got.TextError, tc.name)
			require.Equal(t, 1, got.Attempts, tc.name)
		}
	}
	migrateTo(t, db.DB, 60)
	migrateTo(t, db.DB, 61)
}
