package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// ChunkSize is how many bytes of a document one blob_chunks row holds.
const ChunkSize = 1 << 20

const documentColumns = `d.id, d.org_id, d.request_id, d.communication_id, d.blob_id, d.filename, d.content_type,
	b.size, encode(b.sha256, 'hex') AS sha256, d.text_status, d.text_error, d.created_by, d.created_at`

const documentFrom = ` FROM documents d JOIN blobs b ON b.id = d.blob_id`

// NewDocument is an upload: its metadata, already sanitised and sniffed by
// the caller, and its bytes.
type NewDocument struct {
	RequestID       string
	CommunicationID string
	Filename        string
	ContentType     string
	Content         io.Reader
}

// CreateDocument streams an upload into PostgreSQL in one transaction:
// chunks of ChunkSize are written as they are read while the SHA-256 is
// computed; content the organization already stored is kept once. If
// reading fails (a dropped connection, the size limit), the transaction
// rolls back and no chunk is left behind.
func (s *Store) CreateDocument(ctx context.Context, nd NewDocument) (*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var doc *sunshine.Document
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, nd.RequestID, true)
		if err != nil {
			return err
		}
		var commID *string
		if nd.CommunicationID != "" {
			c, err := findCommunication(ctx, tx, org, nd.CommunicationID, false)
			if sunshine.ErrorCode(err) == sunshine.ENotFound || (err == nil && c.RequestID != r.ID) {
				return sunshine.FieldInvalid("communication_id", "no such communication on this request")
			} else if err != nil {
				return err
			}
			commID = &c.ID
		}
		blobID, err := writeBlob(ctx, tx, org, nd.Content)
		if err != nil {
			return err
		}
		var id string
		// Dated by the store's clock, like every date a person reads.
		const q = `INSERT INTO documents (org_id, request_id, communication_id, blob_id, filename, content_type, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
		if err := tx.QueryRowxContext(ctx, q, org, r.ID, commID, blobID, nd.Filename, nd.ContentType, actorID(ctx), s.clock.Now()).Scan(&id); err != nil {
			return translate(err, "document")
		}
		if doc, err = findDocument(ctx, tx, org, id); err != nil {
			return err
		}
		return addEvent(ctx, tx, r, sunshine.EventDocumentAdded, deadline.Date{}, "", map[string]any{
			"document_id": doc.ID, "filename": doc.Filename, "size": doc.Size, "sha256": doc.SHA256, "communication_id": commID})
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// writeBlob stores content as chunks and returns the blob's ID: a new blob,
// or the organization's existing one with the same SHA-256 (the new chunks
// are then dropped inside the same transaction).
func writeBlob(ctx context.Context, tx *sqlx.Tx, org string, content io.Reader) (string, error) {
	var blobID string
	if err := tx.QueryRowxContext(ctx, `INSERT INTO blobs (org_id, chunk_size) VALUES ($1, $2) RETURNING id`, org, ChunkSize).Scan(&blobID); err != nil {
		return "", translate(err, "blob")
	}
	h := sha256.New()
	buf := make([]byte, ChunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(content, buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)`, blobID, seq, buf[:n]); err != nil {
				return "", translate(err, "blob chunk")
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return "", uploadError(err)
		}
	}
	sum := h.Sum(nil)
	var existing string
	err := tx.QueryRowxContext(ctx, `SELECT id FROM blobs WHERE org_id = $1 AND sha256 = $2 FOR SHARE`, org, sum).Scan(&existing)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE id = $1`, blobID); err != nil {
			return "", translate(err, "blob")
		}
		return existing, nil
	case sunshine.ErrorCode(translate(err, "")) != sunshine.ENotFound:
		return "", translate(err, "blob")
	}
	// A concurrent identical upload that commits first makes this a unique
	// violation: the caller sees a conflict and can retry.
	if _, err := tx.ExecContext(ctx, `UPDATE blobs SET sha256 = $2, size = $3 WHERE id = $1`, blobID, sum, size); err != nil {
		return "", translate(err, "document content")
	}
	return blobID, nil
}

// uploadError keeps a client-facing error from the reader (the size limit)
// and wraps anything else.
func uploadError(err error) error {
	var e *sunshine.Error
	if errors.As(err, &e) {
		return e
	}
	return fmt.Errorf("store: read upload: %w", err)
}

// FindDocumentByID returns a live document of the caller's organization.
func (s *Store) FindDocumentByID(ctx context.Context, id string) (*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findDocument(ctx, s.q(), org, id)
}

func findDocument(ctx context.Context, q sqlx.QueryerContext, org, id string) (*sunshine.Document, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "document not found")
	}
	var d sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.id = $2 AND d.deleted_at IS NULL`
	if err := sqlx.GetContext(ctx, q, &d, query, org, id); err != nil {
		return nil, translate(err, "document")
	}
	return &d, nil
}

// FindDocuments lists a page of a request's live documents, oldest first:
// limit rows (All for every one) after the cursor, and the cursor of the
// next page ("" on the last).
func (s *Store) FindDocuments(ctx context.Context, requestID string, limit int, after string) ([]*sunshine.Document, string, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, "", err
	}
	limit = pageLimit(limit)
	args := []any{org, requestID}
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2 AND d.deleted_at IS NULL`
	if after != "" {
		key, id, ok := decodeCursor("documents", after)
		t, ok2 := parseTimeKey(key)
		if !ok || !ok2 {
			return nil, "", badCursor()
		}
		args = append(args, t, id)
		query += ` AND (d.created_at, d.id) > ($3, $4::uuid)`
	}
	query += ` ORDER BY d.created_at, d.id` + limitClause(limit)
	var ds []*sunshine.Document
	if err := sqlx.SelectContext(ctx, s.q(), &ds, query, args...); err != nil {
		return nil, "", translate(err, "documents")
	}
	ds, next := keysetPage(ds, limit, func(d *sunshine.Document) string {
		return encodeCursor("documents", timeKey(d.CreatedAt), d.ID)
	})
	return ds, next, nil
}

// DeleteDocument removes a document from its request, leaving an event; the
// bytes stay (another document may share them, and nothing is deleted
// silently).
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		d, err := findDocument(ctx, tx, org, id)
		if err != nil {
			return err
		}
		const q = `UPDATE documents SET deleted_at = now(), deleted_by = $3 WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL`
		if _, err := tx.ExecContext(ctx, q, org, id, actorID(ctx)); err != nil {
			return translate(err, "document")
		}
		r := &sunshine.Request{ID: d.RequestID, OrgID: org}
		return addEvent(ctx, tx, r, sunshine.EventDocumentDeleted, deadline.Date{}, "",
			map[string]any{"document_id": d.ID, "filename": d.Filename, "sha256": d.SHA256})
	})
}

// SetDocumentText records the outcome of text extraction.
//
// PostgreSQL's search index of one text holds at most 1 MiB of distinct
// words; a text with more (a data dump, a log of hashes) cannot be indexed
// whole. Rather than lose the document to search, SetDocumentText keeps the
// longest leading half, quarter, ... that fits and says so in its
// text_error; the document's bytes are untouched.
func (s *Store) SetDocumentText(ctx context.Context, id, status, text, errMsg string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	for {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			const q = `UPDATE documents SET text_status = $3, text = $4, text_error = $5 WHERE org_id = $1 AND id = $2`
			res, err := tx.ExecContext(ctx, q, org, id, status, text, errMsg)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return cmp.Or(err, sql.ErrNoRows) // not this organization's: its chunks stay as they are
			}
			return documentChunks.rewrite(ctx, tx, id)
		})
		if !tooManyWords(err) || text == "" {
			return translate(err, "document")
		}
		text = cutText(text, len(text)/2)
		errMsg = fmt.Sprintf("only the first %d KiB of the text are searchable: it has too many different words to index in full", len(text)>>10)
	}
}

// tooManyWords reports whether err is PostgreSQL refusing a text whose
// distinct words exceed a tsvector's 1 MiB.
func tooManyWords(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "54000" && strings.Contains(pqErr.Message, "tsvector")
}

// cutText returns text cut to at most n bytes, at the last space before
// the cut when there is one in the final KiB, else at a rune boundary.
func cutText(text string, n int) string {
	if len(text) <= n {
		return text
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	if i := strings.LastIndexAny(text[:n], " \n\t"); i >= 0 && n-i <= 1024 {
		n = i
	}
	return text[:n]
}

// PendingDocument is a document whose text has not been extracted yet.
type PendingDocument struct {
	OrgID       string    `db:"org_id"`
	ID          string    `db:"id"`
	ContentType string    `db:"content_type"`
	CreatedAt   time.Time `db:"created_at"`
}

// FindPendingDocuments lists documents of every organization uploaded
// before the time given and still waiting for text extraction, oldest
// first, after the one given (nil for the first page): the extractor pages
// through them once, even when some stay pending.
func (s *Store) FindPendingDocuments(ctx context.Context, before time.Time, after *PendingDocument, limit int) ([]PendingDocument, error) {
	if after == nil {
		after = &PendingDocument{ID: "00000000-0000-0000-0000-000000000000"}
	}
	var out []PendingDocument
	const q = `SELECT org_id, id, content_type, created_at FROM documents WHERE text_status = 'pending' AND deleted_at IS NULL
		AND created_at < $1 AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4`
	if err := sqlx.SelectContext(ctx, s.q(), &out, q, before, after.CreatedAt, after.ID, limit); err != nil {
		return nil, translate(err, "documents")
	}
	return out, nil
}

// Content returns a reader over a document's bytes that fetches only the
// chunks it reads, and can seek (for Range requests).
func (s *Store) Content(ctx context.Context, d *sunshine.Document) *BlobReader {
	return &BlobReader{ctx: ctx, q: s.prepared(), blobID: d.BlobID, size: d.Size}
}

// BlobReader reads a blob's chunks on demand. It implements io.ReadSeeker.
type BlobReader struct {
	ctx    context.Context
	q      sqlx.QueryerContext
	blobID string
	size   int64
	pos    int64
	seq    int // the chunk in buf, -1 for none
	buf    []byte
	loaded bool
}

// Read reads from the current position, fetching one chunk at a time.
func (b *BlobReader) Read(p []byte) (int, error) {
	if b.pos >= b.size {
		return 0, io.EOF
	}
	seq := int(b.pos / ChunkSize)
	if !b.loaded || b.seq != seq {
		b.buf = b.buf[:0]
		if err := b.q.QueryRowxContext(b.ctx, `SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2`, b.blobID, seq).Scan(&b.buf); err != nil {
			return 0, translate(err, "document content")
		}
		b.seq, b.loaded = seq, true
	}
	off := int(b.pos - int64(seq)*ChunkSize)
	if off >= len(b.buf) {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, b.buf[off:])
	b.pos += int64(n)
	return n, nil
}

// Seek sets the position for the next Read.
func (b *BlobReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = b.pos + offset
	case io.SeekEnd:
		abs = b.size + offset
	default:
		return 0, errors.New("store: bad whence")
	}
	if abs < 0 {
		return 0, errors.New("store: negative position")
	}
	b.pos = abs
	return abs, nil
}
