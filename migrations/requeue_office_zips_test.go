package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0035 queues again the documents stored as application/zip, before
// Sunshine looked inside ZIP archives, whose name says Word, Excel or
// PowerPoint, and only them: other archives, documents of other types
// under an Office name, pending and removed documents are left as they
// are. Their type stays application/zip: extraction looks inside.
func TestMigration35_RequeuesOfficeZips(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 34)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	const archive = "an archive of other files: Sunshine does not read inside archives (uploaded one by one, they would be searchable)"
	cases := []struct {
		name, filename, contentType, status, textError string
		deleted                                        bool
		requeued                                       bool
	}{
		{"Word", "Jones_Deposition.docx", "application/zip", "unsupported", archive, false, true},
		{"Excel, capitals", "ROSTER.XLSX", "application/zip", "unsupported", archive, false, true},
		{"PowerPoint", "briefing.pptx", "application/zip", "unsupported", archive, false, true},
		{"macro-enabled Excel", "overtime.xlsm", "application/zip", "unsupported", archive, false, true},
		{"failed", "memo.docx", "application/zip", "failed", "the text could not be read (timeout)", false, true},
		{"archive", "records.zip", "application/zip", "unsupported", archive, false, false},
		{"Office name inside", "docx-files.zip", "application/zip", "unsupported", archive, false, false},
		{"removed", "old.docx", "application/zip", "unsupported", archive, true, false},
		{"already pending", "new.docx", "application/zip", "pending", "", false, false},
		{"Word 97-2003", "letter.doc", "application/msword", "unsupported", "a Word 97-2003 document (.doc)", false, false},
		{"not an archive", "scan.docx", "image/png", "unsupported", "an image: no text (OCR, which reads pictures, is off on this server)", false, false},
		{"Word, read", "read.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "extracted", "", false, false},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		require.NoError(t, db.Get(&ids[i], `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text_error, text_attempts, deleted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, CASE WHEN $8 THEN now() END) RETURNING id`,
			org, request, blob, tc.filename, tc.contentType, tc.status, tc.textError, tc.deleted))
	}

	migrateTo(t, db.DB, 35)
	for i, tc := range cases {
		var got struct {
			ContentType string `db:"content_type"`
			Status      string `db:"text_status"`
			TextError   string `db:"text_error"`
			Attempts    int    `db:"text_attempts"`
		}
		require.NoError(t, db.Get(&got, `SELECT content_type, text_status, text_error, text_attempts FROM documents WHERE id = $1`, ids[i]))
		require.Equal(t, tc.contentType, got.ContentType, "%s: extraction looks inside, not the migration", tc.name)
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
	migrateTo(t, db.DB, 34)
	migrateTo(t, db.DB, 35)
}
