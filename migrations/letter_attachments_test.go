package migrations_test

import (
	"fmt"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0046 gives letter emails their attachments: none for those queued
// before it, at most 10. It goes down and up again.
func TestMigration46_LetterAttachments(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 45)
	org, request := draftRequest(t, db)
	var sender, letter string
	require.NoError(t, db.Get(&sender, `INSERT INTO users (org_id, email, role) VALUES ($1, 'ana@ndlon.example', 'staff') RETURNING id`, org))
	require.NoError(t, db.Get(&letter, `INSERT INTO letter_emails (org_id, request_id, kind, sender_id, to_address, subject, body)
		VALUES ($1, $2, 'request', $3, 'records@sheriff.example.gov', 'CPRA', 'Dear') RETURNING id`, org, request, sender))

	migrateTo(t, db.DB, 46)
	var ids pq.StringArray
	require.NoError(t, db.Get(&ids, `SELECT attachment_ids FROM letter_emails WHERE id = $1`, letter))
	require.NotNil(t, ids)
	require.Empty(t, ids, "none, not NULL")
	var eleven []string
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c%02d", i))
	}
	_, err := db.Exec(`UPDATE letter_emails SET attachment_ids = $2 WHERE id = $1`, letter, pq.Array(eleven))
	require.Error(t, err, "at most 10")
	_, err = db.Exec(`UPDATE letter_emails SET attachment_ids = $2 WHERE id = $1`, letter, pq.Array(eleven[:10]))
	require.NoError(t, err)

	migrateTo(t, db.DB, 45)
	migrateTo(t, db.DB, 46)
	require.NoError(t, db.Get(&ids, `SELECT attachment_ids FROM letter_emails WHERE id = $1`, letter))
	require.Empty(t, ids)
}
