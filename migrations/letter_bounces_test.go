package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0045 lets a sent letter become 'bounced', keeping the day it went and
// pointing at the report that came back; documents gain a bounce flag.
// Going down, a bounced letter is failed again (not sent) and the flag
// goes; it goes up again.
func TestMigration45_LetterBounces(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 44)
	org, request := draftRequest(t, db)
	var sender, blob, doc string
	require.NoError(t, db.Get(&sender, `INSERT INTO users (org_id, email, role) VALUES ($1, 'ana@ndlon.example', 'staff') RETURNING id`, org))
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	require.NoError(t, db.Get(&doc, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type)
		VALUES ($1, $2, $3, 'Undelivered Mail Returned to Sender.eml', 'message/rfc822') RETURNING id`, org, request, blob))
	letter := func(status string) string {
		t.Helper()
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO letter_emails (org_id, request_id, kind, sender_id, to_address, subject, body, status, sent_at)
			VALUES ($1, $2, 'request', $3, 'records@sheriff.example', 'CPRA', 'Dear', $4, CASE WHEN $4 = 'sent' THEN now() END) RETURNING id`,
			org, request, sender, status))
		return id
	}
	sent := letter("sent")
	_, err := db.Exec(`UPDATE letter_emails SET status = 'bounced' WHERE id = $1`, sent)
	require.Error(t, err, "bounced needs a status check that knows it")

	migrateTo(t, db.DB, 45)
	var bounce bool
	require.NoError(t, db.Get(&bounce, `SELECT bounce FROM documents WHERE id = $1`, doc))
	require.False(t, bounce, "a document filed before is no bounce")

	tests := []struct {
		name    string
		set     string
		allowed bool
	}{
		{"bounced with its day and report", `status = 'bounced', bounced_at = now(), bounce_document_id = '` + doc + `'`, true},
		{"bounced without bounced_at", `status = 'bounced', bounced_at = NULL`, false},
		{"bounced without sent_at", `status = 'bounced', bounced_at = now(), sent_at = NULL`, false},
		{"sent without sent_at", `status = 'sent', sent_at = NULL`, false},
		{"cancelled keeping the day it went", `status = 'cancelled', bounced_at = now()`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := db.MustBegin()
			defer tx.Rollback()
			_, err := tx.Exec(`UPDATE letter_emails SET `+tt.set+` WHERE id = $1`, sent)
			if tt.allowed {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}

	db.MustExec(`UPDATE letter_emails SET status = 'bounced', bounced_at = now(), bounce_document_id = $2 WHERE id = $1`, sent, doc)
	db.MustExec(`UPDATE documents SET bounce = true WHERE id = $1`, doc)
	var failedIndexed int
	require.NoError(t, db.Get(&failedIndexed, `SELECT count(*) FROM pg_indexes
		WHERE indexname = 'letter_emails_failed_idx' AND indexdef LIKE '%bounced%'`))
	require.Equal(t, 1, failedIndexed, "staff find bounced letters where they find failed ones")

	db.MustExec(`DELETE FROM documents WHERE id = $1`, doc)
	var docID *string
	require.NoError(t, db.Get(&docID, `SELECT bounce_document_id FROM letter_emails WHERE id = $1`, sent))
	require.Nil(t, docID, "deleting the report keeps the letter")

	migrateTo(t, db.DB, 44)
	var status string
	var sentAt *string
	require.NoError(t, db.QueryRowx(`SELECT status, sent_at::text FROM letter_emails WHERE id = $1`, sent).Scan(&status, &sentAt))
	require.Equal(t, "failed", status)
	require.Nil(t, sentAt)

	migrateTo(t, db.DB, 45)
	require.NoError(t, db.Get(&status, `SELECT status FROM letter_emails WHERE id = $1`, sent))
	require.Equal(t, "failed", status)
}
