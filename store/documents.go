package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/textract"
)

// ChunkSize is how many bytes of a document one blob_chunks row holds.
const ChunkSize = 1 << 20

const documentColumns = `d.id, d.org_id, d.request_id, d.communication_id, d.blob_id, d.filename, d.content_type,
	b.size, encode(b.sha256, 'hex') AS sha256, d.text_status, d.text_error, d.created_by, d.created_at, d.received_from, d.bounce,
	d.scans_unread, d.shared, d.unpacked_from, d.archive_path,
	(SELECT count(*) FROM documents u WHERE u.unpacked_from = d.id AND u.deleted_at IS NULL) AS unpacked_files`

const documentFrom = ` FROM documents d JOIN blobs b ON b.id = d.blob_id`

// NewDocument is an upload: its metadata, already sanitised and sniffed by
// the caller, and its bytes. A ContentType of application/zip is looked
// into once the bytes are spooled: a Word, Excel or PowerPoint document
// (.docx, .xlsx, .pptx: a ZIP archive inside) gets its own type, whose text
// search reads (textract.SniffZip).
type NewDocument struct {
	RequestID       string
	CommunicationID string
	Filename        string
	ContentType     string
	Content         io.Reader
	// ReceivedFrom is the sender of an email that came to the request's
	// reply address (ReceiveEmail); "" for an upload.
	ReceivedFrom string
}

// CreateDocument stores an upload in one transaction; content the
// organization already stored is kept once. It is SpoolDocument followed
// by Create: the client's bytes are read into a temporary file before the
// transaction starts, and if reading fails (a dropped connection, the size
// limit), nothing reaches the database.
func (s *Store) CreateDocument(ctx context.Context, nd NewDocument) (*sunshine.Document, error) {
	sd, err := s.SpoolDocument(ctx, nd)
	if err != nil {
		return nil, err
	}
	defer sd.Remove()
	return sd.Create(ctx)
}

// SpooledDocument is an upload read to its end into a temporary file and
// not stored yet. A caller with more of the client's input to read and
// check first (the rest of a multipart form) stores it with Create only
// once all of it is read and valid, so that a refusal leaves nothing
// behind; either way it calls Remove.
type SpooledDocument struct {
	s   *Store
	nd  NewDocument // without Content, which sp holds
	sp  *spooled
	dup *sunshine.Document // set by Create
	doc *sunshine.Document // the document stored, once it is
}

// SpoolDocument checks that the request exists, then reads nd.Content to
// its end into a temporary file (os.TempDir), hashing it: a slow upload
// holds neither a pooled connection nor the request's row lock, and
// nothing reaches the database. An unknown request fails before the body
// is read. A read error that is a *sunshine.Error (the caller's, such as
// the size limit) is returned as it is; any other is wrapped.
func (s *Store) SpoolDocument(ctx context.Context, nd NewDocument) (*SpooledDocument, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.findRequest(ctx, s.q(), org, nd.RequestID, false); err != nil {
		return nil, err
	}
	sp, err := spool(nd.Content)
	if err != nil {
		return nil, err
	}
	nd.Content = nil
	if nd.ContentType == "application/zip" {
		if ct := textract.SniffZip(sp.f, sp.size); ct != "" {
			nd.ContentType = ct
		}
	}
	return &SpooledDocument{s: s, nd: nd, sp: sp}, nil
}

// Create stores the spooled document in one transaction, with its
// document_added event, and moves the request's version on: the
// transaction only copies the file into chunks of ChunkSize. The communication, if any, must be one of the request's
// (EInvalid naming communication_id). Call it at most once.
//
// The same file uploaded to the same request again is stored again (its
// bytes once): DuplicateOf then says which document had it already.
func (d *SpooledDocument) Create(ctx context.Context) (*sunshine.Document, error) {
	s, nd := d.s, d.nd
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
		if doc, err = d.insert(ctx, tx, r, commID); err != nil {
			return err
		}
		return touchRequest(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// insert stores the spooled document in tx as a document of request r,
// locked by the caller, attached to communication commID (nil: none),
// with its document_added event. The caller moves the request's version
// on.
func (d *SpooledDocument) insert(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, commID *string) (*sunshine.Document, error) {
	s, nd, org := d.s, d.nd, r.OrgID
	// The request's row is locked: an upload to it committing meanwhile
	// waited, so "before" is well defined.
	var err error
	if d.dup, err = findDocumentByContent(ctx, tx, org, r.ID, d.sp.sha256, false); err != nil {
		return nil, err
	}
	blobID, err := writeBlob(ctx, tx, org, d.sp)
	if err != nil {
		return nil, err
	}
	var id string
	// Dated by the store's clock, like every date a person reads.
	const q = `INSERT INTO documents (org_id, request_id, communication_id, blob_id, filename, content_type, created_by, created_at, received_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, '')) RETURNING id`
	if err := tx.QueryRowxContext(ctx, q, org, r.ID, commID, blobID, nd.Filename, nd.ContentType, actorID(ctx), s.clock.Now(), nd.ReceivedFrom).Scan(&id); err != nil {
		return nil, translate(err, "document")
	}
	doc, err := findDocument(ctx, tx, org, id)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"document_id": doc.ID, "filename": doc.Filename, "size": doc.Size, "sha256": doc.SHA256, "communication_id": commID}
	if nd.ReceivedFrom != "" {
		data["received_from"] = nd.ReceivedFrom
	}
	if err := addEvent(ctx, tx, r, sunshine.EventDocumentAdded, deadline.Date{}, "", data); err != nil {
		return nil, err
	}
	d.doc = doc
	return doc, nil
}

// Document returns, once stored (by Create, or by CreateCommunication as
// one of its attachments), the document stored; nil before.
func (d *SpooledDocument) Document() *sunshine.Document { return d.doc }

// DuplicateOf returns, after Create, the request's earliest live document
// with the same bytes (the same SHA-256) stored before this one, or nil
// when the file is new to the request.
func (d *SpooledDocument) DuplicateOf() *sunshine.Document { return d.dup }

// findDocumentByContent returns the request's earliest live document whose
// bytes have the SHA-256 given, or nil when it has none. received limits
// it to emails that came to the request's reply address.
func findDocumentByContent(ctx context.Context, q sqlx.QueryerContext, org, requestID string, sha []byte, received bool) (*sunshine.Document, error) {
	var doc sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2 AND b.sha256 = $3
		AND d.deleted_at IS NULL AND ($4 = false OR d.received_from IS NOT NULL) ORDER BY d.created_at, d.id LIMIT 1`
	switch err := sqlx.GetContext(ctx, q, &doc, query, org, requestID, sha, received); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, translate(err, "document")
	}
	return &doc, nil
}

// Remove closes and deletes the temporary file, whether the document was
// stored or not. It may be called more than once.
func (d *SpooledDocument) Remove() { d.sp.remove() }

// spooled is an upload read to the end into a temporary file, with its
// SHA-256 and size.
type spooled struct {
	f        *os.File
	sha256   []byte
	size     int64
	unlinked bool // the name is gone already; the data lives while f is open
}

// spool reads content into a new temporary file, hashing it on the way. A
// read error is the client's (uploadError); a write error is the server's
// (a full disk). The file is removed on error, else by remove. Where the
// system allows it (not Windows) its name is removed at once, so even a
// process killed mid-upload leaves nothing behind in the temp directory.
func spool(content io.Reader) (_ *spooled, err error) {
	f, err := os.CreateTemp("", "sunshine-upload-*")
	if err != nil {
		return nil, spoolError(err)
	}
	sp := &spooled{f: f, unlinked: os.Remove(f.Name()) == nil}
	defer func() {
		if err != nil {
			sp.remove()
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	buf := make([]byte, 256<<10)
	for {
		n, rerr := content.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return nil, spoolError(err)
			}
			sp.size += int64(n)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return nil, uploadError(rerr)
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("store: spool upload: %w", err)
	}
	sp.sha256 = h.Sum(nil)
	return sp, nil
}

// errDiskFull is what the person uploading is told when the server's
// temporary directory has no room left: the server's state, not a fault
// in the upload or the code, and it passes.
var errDiskFull = &sunshine.Error{Code: sunshine.EUnavailable,
	Message: "the server has no room for this upload now (its disk is full); nothing was saved: try again later, and tell whoever runs Sunshine"}

// spoolError is a failure to write an upload's temporary file. A full disk
// is errDiskFull, keeping the cause for the server's log.
func spoolError(err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w (store: spool upload: %w)", errDiskFull, err)
	}
	return fmt.Errorf("store: spool upload: %w", err)
}

// remove closes and deletes the file; the upload is in the database, or
// will never be.
func (sp *spooled) remove() {
	_ = sp.f.Close()
	if !sp.unlinked {
		_ = os.Remove(sp.f.Name())
		sp.unlinked = true // once: the name could be a new file's later
	}
}

// writeBlob returns the ID of the organization's blob holding the spooled
// content: the existing one with the same SHA-256, or a new one whose
// chunks it copies from the file.
func writeBlob(ctx context.Context, tx *sqlx.Tx, org string, sp *spooled) (string, error) {
	var blobID string
	err := tx.QueryRowxContext(ctx, `SELECT id FROM blobs WHERE org_id = $1 AND sha256 = $2 FOR SHARE`, org, sp.sha256).Scan(&blobID)
	switch {
	case err == nil:
		return blobID, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", translate(err, "blob")
	}
	// A concurrent identical upload that commits first makes this a unique
	// violation: the caller sees a conflict and can retry.
	const q = `INSERT INTO blobs (org_id, chunk_size, sha256, size) VALUES ($1, $2, $3, $4) RETURNING id`
	if err := tx.QueryRowxContext(ctx, q, org, ChunkSize, sp.sha256, sp.size).Scan(&blobID); err != nil {
		return "", translate(err, "document content")
	}
	buf := make([]byte, ChunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(sp.f, buf)
		if n > 0 {
			size += int64(n)
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)`, blobID, seq, buf[:n]); err != nil {
				return "", translate(err, "blob chunk")
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("store: read spooled upload: %w", err)
		}
	}
	if size != sp.size {
		return "", fmt.Errorf("store: spooled upload has %d bytes, %d were read", size, sp.size)
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

// DeleteDocument removes a document from its request, leaving an event and
// moving the request's version on; the bytes stay (another document may
// share them, and nothing is deleted silently). An archive goes with the
// files unpacked from it (and from archives in it), which its event
// counts.
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
		// The request first, as every change to a request locks it before
		// its communications and documents (DeleteCommunication detaches
		// documents after locking the request): the other order deadlocks.
		if _, err := s.findRequest(ctx, tx, org, d.RequestID, true); err != nil {
			return err
		}
		const q = `UPDATE documents SET deleted_at = now(), deleted_by = $3 WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL`
		res, err := tx.ExecContext(ctx, q, org, id, actorID(ctx))
		if err != nil {
			return translate(err, "document")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 { // a concurrent delete got there first
			return cmp.Or(translate(err, "document"), sunshine.Errorf(sunshine.ENotFound, "document not found"))
		}
		unpacked, err := deleteUnpacked(ctx, tx, org, id)
		if err != nil {
			return err
		}
		data := map[string]any{"document_id": d.ID, "filename": d.Filename, "sha256": d.SHA256}
		if unpacked > 0 {
			data["unpacked_removed"] = unpacked
		}
		r := &sunshine.Request{ID: d.RequestID, OrgID: org}
		if err := addEvent(ctx, tx, r, sunshine.EventDocumentDeleted, deadline.Date{}, "", data); err != nil {
			return err
		}
		return touchRequest(ctx, tx, r)
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
	return s.SetDocumentTextScans(ctx, id, status, text, errMsg, 0)
}

// SetDocumentTextScans is SetDocumentText also recording, in the same
// write, how many of the document's scanned pages (an image: 1) were not
// read because OCR was off: with OCR on, it can then be read again
// (CanReadAgain).
func (s *Store) SetDocumentTextScans(ctx context.Context, id, status, text, errMsg string, scansUnread int) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	for {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			const q = `UPDATE documents SET text_status = $3, text = $4, text_error = $5, text_attempts = 0, text_started_at = NULL,
				scans_unread = $6 WHERE org_id = $1 AND id = $2`
			res, err := tx.ExecContext(ctx, q, org, id, status, text, errMsg, scansUnread)
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

// RetryDocumentText makes a document whose text could not be read
// (failed: a timeout, a server that ran out of memory) pending again, with
// no attempts counted, for its text to be read again; so is, when OCR is
// on (textract.UseOCR), one with scans whose text was not read because OCR
// was off (CanReadAgain). Any other document is a conflict: its text was
// read, or is being read.
func (s *Store) RetryDocumentText(ctx context.Context, id string) (*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	d, err := findDocument(ctx, s.q(), org, id)
	if err != nil {
		return nil, err
	}
	if !CanReadAgain(d) {
		return nil, sunshine.Errorf(sunshine.EConflict, "only a document whose text could not be read, or one with scans read while OCR was off when it is on, is read again; this one's text is %s", d.TextStatus)
	}
	// As it was found: not read meanwhile by another server.
	const q = `UPDATE documents SET text_status = 'pending', text_error = '', text_attempts = 0, text_started_at = NULL
		WHERE org_id = $1 AND id = $2 AND text_status = $3 AND text_status <> 'pending' AND scans_unread = $4
		AND deleted_at IS NULL`
	var n int64
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, q, org, id, d.TextStatus, d.ScansUnread)
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil || n == 0 {
			return err
		}
		// The organization's search alerts compare the document again
		// once its text is read.
		_, err = tx.ExecContext(ctx, `INSERT INTO search_alert_pending (alert_id, document_id, since)
			SELECT a.id, $2, $3 FROM search_alerts a WHERE a.org_id = $1
			ON CONFLICT (alert_id, document_id) DO UPDATE SET since = EXCLUDED.since`, org, id, s.clock.Now())
		return err
	})
	if err != nil {
		return nil, translate(err, "document")
	}
	if n == 0 {
		return nil, sunshine.Errorf(sunshine.EConflict, "the document's text was read meanwhile")
	}
	return findDocument(ctx, s.q(), org, id)
}

// CanReadAgain reports whether a document's text may be read again: it
// could not be read, or, with OCR on, it has scans whose text was not read
// because OCR was off (and is not being read now).
func CanReadAgain(d *sunshine.Document) bool {
	return d.TextStatus == sunshine.TextFailed ||
		(d.TextStatus != sunshine.TextPending && d.ScansUnread > 0 && textract.OCROn())
}

// SniffZipDocument looks inside a document stored as application/zip, as
// SpoolDocument does for an upload, and returns it with its Office type
// (DOCX, XLSX or PPTX: textract.SniffZip) recorded when it is one. Word,
// Excel and PowerPoint files uploaded before Sunshine looked inside
// archives were stored as application/zip; text extraction calls it so
// that their text is read (migration 0035 queues them again). Any other
// document is returned as it is.
func (s *Store) SniffZipDocument(ctx context.Context, d *sunshine.Document) (*sunshine.Document, error) {
	if mt, _, _ := strings.Cut(d.ContentType, ";"); strings.TrimSpace(mt) != "application/zip" {
		return d, nil
	}
	ct := textract.SniffZip(s.Content(ctx, d), d.Size)
	if ct == "" {
		return d, nil
	}
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	const q = `UPDATE documents SET content_type = $4 WHERE org_id = $1 AND id = $2 AND content_type = $3`
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, q, org, d.ID, d.ContentType, ct)
		return err
	})
	if err != nil {
		return nil, translate(err, "document")
	}
	out := *d
	out.ContentType = ct
	return &out, nil
}

// ExtractionLease is how long an attempt to read a document's text holds
// it: meanwhile another server's sweep of pending documents leaves it
// alone. It outlasts an attempt (the API's limit, ten minutes for a scan
// read by OCR, and the recording after it), so only an attempt whose
// server stopped is taken over, by the next sweep.
const ExtractionLease = 15 * time.Minute

// StartDocumentExtraction counts an attempt to extract a pending
// document's text and returns the attempts not finished so far, this one
// included. The count is written before the extraction reads anything (in
// its own transaction, unless the store is bound to a test's), so an
// attempt that the process does not live to finish stays counted; recording
// the outcome (SetDocumentText) sets it back to 0. A document that is not
// pending (its text recorded meanwhile, or deleted) is ENotFound; one an
// attempt started within ExtractionLease holds (another server reading it)
// is EConflict, and nothing is counted. The lease is timed by the
// database's clock, which every server shares.
func (s *Store) StartDocumentExtraction(ctx context.Context, id string) (int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return 0, err
	}
	const q = `UPDATE documents SET text_attempts = text_attempts + 1, text_started_at = now()
		WHERE org_id = $1 AND id = $2 AND text_status = 'pending' AND deleted_at IS NULL
		AND (text_started_at IS NULL OR text_started_at <= now() - $3 * interval '1 second')
		RETURNING text_attempts`
	var attempts int
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := sqlx.GetContext(ctx, tx, &attempts, q, org, id, ExtractionLease.Seconds())
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var held bool
		if err := tx.GetContext(ctx, &held, `SELECT EXISTS (SELECT 1 FROM documents
			WHERE org_id = $1 AND id = $2 AND text_status = 'pending' AND deleted_at IS NULL)`, org, id); err != nil {
			return err
		}
		if held {
			return sunshine.Errorf(sunshine.EConflict, "the document's text is being read (an attempt started less than %v ago)", ExtractionLease)
		}
		return err
	})
	return attempts, translate(err, "pending document")
}

// AbandonDocumentExtraction takes back an attempt counted by
// StartDocumentExtraction that was stopped on purpose (the server shutting
// down, the person who uploaded leaving the page): it says nothing about
// the document. The document stays pending, and free for the next sweep.
func (s *Store) AbandonDocumentExtraction(ctx context.Context, id string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	const q = `UPDATE documents SET text_attempts = greatest(text_attempts - 1, 0), text_started_at = NULL
		WHERE org_id = $1 AND id = $2 AND text_status = 'pending'`
	return translate(s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, q, org, id)
		return err
	}), "document")
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

// BlobReader reads a blob's chunks on demand. It implements io.ReadSeeker
// and io.ReaderAt.
type BlobReader struct {
	ctx    context.Context
	q      sqlx.QueryerContext
	blobID string
	size   int64
	pos    int64

	mu     sync.Mutex
	chunks []fetchedChunk // most recently used first
}

type fetchedChunk struct {
	seq  int
	data []byte
}

// Chunks a reader keeps: one reading in order (a download holds one chunk
// in memory), a few reading at random (a PDF parser jumps between a file's
// cross-reference table, at its end, and the objects it points to).
const (
	keepReading   = 1
	keepReadingAt = 4
)

// chunk returns chunk seq, fetching it unless it is among the last keep
// chunks fetched.
func (b *BlobReader) chunk(seq, keep int) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, c := range b.chunks {
		if c.seq == seq {
			copy(b.chunks[1:i+1], b.chunks[:i])
			b.chunks[0] = c
			return c.data, nil
		}
	}
	var data []byte
	if err := b.q.QueryRowxContext(b.ctx, `SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2`, b.blobID, seq).Scan(&data); err != nil {
		return nil, translate(err, "document content")
	}
	b.chunks = append([]fetchedChunk{{seq, data}}, b.chunks[:min(len(b.chunks), keep-1)]...)
	return data, nil
}

// Read reads from the current position, fetching one chunk at a time.
func (b *BlobReader) Read(p []byte) (int, error) {
	n, err := b.readAt(p, b.pos, keepReading, false)
	b.pos += int64(n)
	return n, err
}

// ReadAt reads len(p) bytes at off. It may be called from several
// goroutines, as io.ReaderAt requires, and does not move Read's position.
func (b *BlobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("store: negative offset")
	}
	return b.readAt(p, off, keepReadingAt, true)
}

// readAt copies from off into p: from one chunk, or (full) until p is full.
func (b *BlobReader) readAt(p []byte, off int64, keep int, full bool) (int, error) {
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= b.size {
			return n, io.EOF
		}
		seq := int(at / ChunkSize)
		data, err := b.chunk(seq, keep)
		if err != nil {
			return n, err
		}
		in := int(at - int64(seq)*ChunkSize)
		if in >= len(data) {
			return n, io.ErrUnexpectedEOF
		}
		n += copy(p[n:], data[in:])
		if !full {
			break
		}
	}
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
