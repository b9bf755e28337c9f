package migrations_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// 0009 cuts the long texts already stored, documents' and communications'
// bodies, into overlapping snippet chunks, leaves short ones alone, and goes
// down and up again.
func TestMigration9_ChunksLongTexts(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 8)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	long := strings.Repeat("Ninety-nine detainer forms. ", 2000) // 56,000 characters: 4 chunks
	docs := map[string]int{long: 4, "A short memo.": 0}
	ids := map[string]string{}
	for text := range docs {
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text)
			VALUES ($1, $2, $3, 'a.txt', 'text/plain', 'extracted', $4) RETURNING id`, org, request, blob, text))
		ids[text] = id
	}

	var comm string
	require.NoError(t, db.Get(&comm, `INSERT INTO communications (org_id, request_id, direction, channel, kind, occurred_on, subject, body)
		VALUES ($1, $2, 'in', 'email', 'other', '2017-04-01', 'Logs', $3) RETURNING id`, org, request, long))

	migrateTo(t, db.DB, 9)
	var commChunks int
	require.NoError(t, db.Get(&commChunks, `SELECT count(*) FROM communication_text_chunks WHERE communication_id = $1`, comm))
	require.Equal(t, 4, commChunks)
	for text, want := range docs {
		var chunks []string
		require.NoError(t, db.Select(&chunks, `SELECT text FROM document_text_chunks WHERE document_id = $1 ORDER BY n`, ids[text]))
		require.Len(t, chunks, want)
		for i, c := range chunks {
			require.Equal(t, long[i*16000:min(len(long), i*16000+16200)], c, "chunk %d runs on 200 characters into the next", i)
		}
	}

	migrateTo(t, db.DB, 8)
	var tables int
	require.NoError(t, db.Get(&tables, `SELECT count(*) FROM pg_tables WHERE tablename LIKE '%text_chunks'`))
	require.Zero(t, tables, "down")
	migrateTo(t, db.DB, 9)
}
