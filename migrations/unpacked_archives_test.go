package migrations_test

import (
	"strings"
	"testing"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0060 lets a document name the ZIP archive it was unpacked from and where
// in it it was, and queues again the archives stored before, their text
// "unsupported", to be unpacked, and only them: removed archives,
// archives pending, failed or read, documents of other types unsupported
// and Office documents are left as they are. A file's archive is one of
// its organization's documents, its path is set with it (1 to 1,000
// characters), and an archive holds a path once; the migration goes down
// and up again.
func TestMigration60_UnpackedArchives(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 59)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	const archive = "an archive of other files: Sunshine does not read inside archives (uploaded one by one, they would be searchable)"
	cases := []struct {
		name, filename, contentType, status, textError string
		deleted                                        bool
		requeued                                       bool
	}{
		{"archive", "records.zip", "application/zip", "unsupported", archive, false, true},
		{"archive, capitals", "RELEASE-2.ZIP", "application/zip", "unsupported", archive, false, true},
		{"a ZIP archive inside, named otherwise", "Jones_Deposition.docx", "application/zip", "unsupported", archive, false, false},
		{"EPUB", "handbook.epub", "application/zip", "unsupported", archive, false, false},
		{"removed", "old.zip", "application/zip", "unsupported", archive, true, false},
		{"already pending", "new.zip", "application/zip", "pending", "", false, false},
		{"failed", "damaged.zip", "application/zip", "failed", "the text could not be read (zip: not a valid zip file)", false, false},
		{"read", "read.zip", "application/zip", "extracted", "", false, false},
		{"not an archive", "scan.png", "image/png", "unsupported", "an image: no text (OCR, which reads pictures, is off on this server)", false, false},
		{"Word 97-2003", "letter.doc", "application/msword", "unsupported", "a Word 97-2003 document (.doc)", false, false},
		{"Word", "memo.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "unsupported", "the text could not be read", false, false},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		require.NoError(t, db.Get(&ids[i], `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text_error,
				text_attempts, text_started_at, deleted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, now(), CASE WHEN $8 THEN now() END) RETURNING id`,
			org, request, blob, tc.filename, tc.contentType, tc.status, tc.textError, tc.deleted))
	}

	migrateTo(t, db.DB, 60)
	for i, tc := range cases {
		var got struct {
			ContentType string `db:"content_type"`
			Status      string `db:"text_status"`
			TextError   string `db:"text_error"`
			Attempts    int    `db:"text_attempts"`
			Started     bool   `db:"started"`
		}
		require.NoError(t, db.Get(&got, `SELECT content_type, text_status, text_error, text_attempts, text_started_at IS NOT NULL AS started
			FROM documents WHERE id = $1`, ids[i]))
		require.Equal(t, tc.contentType, got.ContentType, tc.name)
		if tc.requeued {
			require.Equal(t, "pending", got.Status, tc.name)
			require.Empty(t, got.TextError, tc.name)
			require.Zero(t, got.Attempts, tc.name)
			require.False(t, got.Started, tc.name)
		} else {
			require.Equal(t, tc.status, got.Status, tc.name)
			require.Equal(t, tc.textError, got.TextError, tc.name)
			require.Equal(t, 1, got.Attempts, tc.name)
			require.True(t, got.Started, tc.name)
		}
	}

	// Another organization, with an archive of its own.
	var other, otherRequest, otherArchive string
	require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id`))
	require.NoError(t, db.Get(&otherRequest, `WITH a AS (
			INSERT INTO agencies (org_id, name, jurisdiction, time_zone) VALUES ($1, 'Police', 'us-ca', 'America/Los_Angeles') RETURNING id)
		INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction)
		SELECT $1, a.id, 'Records', 'email', 'draft', 'us-ca' FROM a RETURNING id`, other))
	db.MustExec(`INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1)`, other)
	require.NoError(t, db.Get(&otherArchive, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type)
		SELECT $1, $2, b.id, 'other.zip', 'application/zip' FROM blobs b WHERE b.org_id = $1 RETURNING id`, other, otherRequest))

	add := func(org, request string, from, path any) error {
		_, err := db.Exec(`INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, unpacked_from, archive_path)
			SELECT $1, $2, b.id, 'file.pdf', 'application/pdf', $3, $4 FROM blobs b WHERE b.org_id = $1`, org, request, from, path)
		return err
	}
	records, removed := ids[0], ids[2]
	files := []struct {
		name, org, request string
		from, path         any
		sqlstate           string // "" when stored
		constraint         string
	}{
		{"a file", org, request, records, "Jail/roster.pdf", "", ""},
		{"another file", org, request, records, "Jail/roster (2).pdf", "", ""},
		{"1,000 characters", org, request, records, strings.Repeat("é", 1000), "", ""},
		{"the same path in another archive", org, request, ids[1], "Jail/roster.pdf", "", ""},
		{"a file of a removed archive", org, request, removed, "Jail/roster.pdf", "", ""},
		{"not unpacked", org, request, nil, nil, "", ""},
		{"not unpacked again", org, request, nil, nil, "", ""},
		{"another organization's file", other, otherRequest, otherArchive, "Jail/roster.pdf", "", ""},
		{"the same path twice", org, request, records, "Jail/roster.pdf", "23505", "documents_unpacked_idx"},
		{"the same path twice, removed archive", org, request, removed, "Jail/roster.pdf", "23505", "documents_unpacked_idx"},
		{"an archive without a path", org, request, records, nil, "23514", "documents_unpacked_path"},
		{"a path without an archive", org, request, nil, "Jail/roster.pdf", "23514", "documents_unpacked_path"},
		{"an empty path", org, request, records, "", "23514", "documents_archive_path_check"},
		{"1,001 characters", org, request, records, strings.Repeat("x", 1001), "23514", "documents_archive_path_check"},
		{"another organization's archive", org, request, otherArchive, "Jail/intake.pdf", "23503", "documents_unpacked_from_fkey"},
		{"from another organization", other, otherRequest, records, "Jail/intake.pdf", "23503", "documents_unpacked_from_fkey"},
		{"no such archive", org, request, "00000000-0000-0000-0000-000000000000", "Jail/intake.pdf", "23503", "documents_unpacked_from_fkey"},
	}
	for _, tc := range files {
		err := add(tc.org, tc.request, tc.from, tc.path)
		if tc.sqlstate == "" {
			require.NoError(t, err, tc.name)
			continue
		}
		var pqErr *pq.Error
		require.ErrorAs(t, err, &pqErr, tc.name)
		require.EqualValues(t, tc.sqlstate, pqErr.Code, "%s: %s", tc.name, pqErr.Message)
		require.Equal(t, tc.constraint, pqErr.Constraint, tc.name)
	}
	var unpacked int
	require.NoError(t, db.Get(&unpacked, `SELECT count(*) FROM documents WHERE unpacked_from = $1`, records))
	require.Equal(t, 3, unpacked)

	migrateTo(t, db.DB, 59)
	_, err := db.Exec(`SELECT unpacked_from FROM documents`)
	var pqErr *pq.Error
	require.ErrorAs(t, err, &pqErr, "down")
	require.EqualValues(t, "42703", pqErr.Code, pqErr.Message)
	_, err = db.Exec(`SELECT archive_path FROM documents`)
	require.ErrorAs(t, err, &pqErr, "down")
	require.EqualValues(t, "42703", pqErr.Code, pqErr.Message)
	var documents int
	require.NoError(t, db.Get(&documents, `SELECT count(*) FROM documents`))
	require.Equal(t, len(cases)+1+8, documents, "the files unpacked stay documents")

	migrateTo(t, db.DB, 60)
	require.NoError(t, db.Get(&unpacked, `SELECT count(*) FROM documents WHERE unpacked_from IS NOT NULL OR archive_path IS NOT NULL`))
	require.Zero(t, unpacked, "up again: no longer tied to their archive")
	require.NoError(t, add(org, request, records, "Jail/roster.pdf"))
	require.ErrorAs(t, add(org, request, records, "Jail/roster.pdf"), &pqErr, "up again")
	require.EqualValues(t, "23505", pqErr.Code, pqErr.Message)
}
