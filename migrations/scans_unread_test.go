package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0049 counts one scan unread in each image with no text and each PDF in
// which no text was found, read before OCR: those OCR can read again.
func TestMigration49_ScansUnread(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 48)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	cases := []struct {
		name, contentType, status, text string
		deleted                         bool
		unread                          int
	}{
		{"image", "image/png", "unsupported", "", false, 1},
		{"image, parameters", "IMAGE/JPEG; q=1", "unsupported", "", false, 1},
		{"scanned PDF", "application/pdf", "extracted", "", false, 1},
		{"PDF with text", "application/pdf", "extracted", "Memorandum", false, 0},
		{"failed PDF", "application/pdf", "failed", "", false, 0},
		{"pending image", "image/png", "pending", "", false, 0},
		{"removed image", "image/png", "unsupported", "", true, 0},
		{"archive", "application/zip", "unsupported", "", false, 0},
		{"empty text file", "text/plain", "extracted", "", false, 0},
		{"read by OCR already", "application/pdf", "extracted", "", false, 0},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		textError := ""
		if tc.name == "read by OCR already" {
			textError = "no text found, even by OCR: the pages may be blank, handwritten or too faint to read"
		}
		require.NoError(t, db.Get(&ids[i], `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text, text_error, deleted_at)
			VALUES ($1, $2, $3, 'scan', $4, $5, $6, $7, CASE WHEN $8 THEN now() END) RETURNING id`,
			org, request, blob, tc.contentType, tc.status, tc.text, textError, tc.deleted))
	}
	migrateTo(t, db.DB, 49)
	for i, tc := range cases {
		var unread int
		require.NoError(t, db.Get(&unread, `SELECT scans_unread FROM documents WHERE id = $1`, ids[i]))
		require.Equal(t, tc.unread, unread, tc.name)
	}
	migrateTo(t, db.DB, 48)
	migrateTo(t, db.DB, 49)
}
