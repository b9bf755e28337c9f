package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A ZIP archive of released records is unpacked while its text would be
// read (api's unpacking): each file is stored as a document of its own, in
// its own transaction (CreateUnpacked), then FinishUnpacking records the
// archive done, with one archive_unpacked event. A server stopped in the
// middle leaves the archive pending; unpacking it again stores only the
// files not stored yet (UnpackedPaths, and the unique index of migration
// 0060).

// errArchiveGone stops an unpacking whose archive was removed, or
// recorded, meanwhile.
var errArchiveGone = sunshine.Errorf(sunshine.ENotFound, "the archive was removed meanwhile")

// UnpackedPaths returns the paths of the files unpacked from archive
// archiveID so far, each true while it is a live document and false once
// removed: neither is stored again.
func (s *Store) UnpackedPaths(ctx context.Context, archiveID string) (map[string]bool, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Path string `db:"archive_path"`
		Live bool   `db:"live"`
	}
	if err := sqlx.SelectContext(ctx, s.q(), &rows, `SELECT archive_path, deleted_at IS NULL AS live FROM documents
		WHERE org_id = $1 AND unpacked_from = $2`, org, archiveID); err != nil {
		return nil, translate(err, "documents")
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[r.Path] = r.Live
	}
	return out, nil
}

// FindUnpacked returns the live files unpacked from archives of request
// requestID (at any depth), in no particular order.
func (s *Store) FindUnpacked(ctx context.Context, requestID string) ([]*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var ds []*sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2
		AND d.unpacked_from IS NOT NULL AND d.deleted_at IS NULL`
	if err := sqlx.SelectContext(ctx, s.q(), &ds, query, org, requestID); err != nil {
		return nil, translate(err, "documents")
	}
	return ds, nil
}

// ArchiveNest is where an archive is among archives: how many it is
// inside (0: uploaded as it is), the size of the outermost one, and what
// was unpacked from that one so far, at any depth, removed files
// included. The bounds on unpacking are the whole nest's: a "zip bomb" of
// archives in archives gets no more room than one archive.
type ArchiveNest struct {
	Depth    int
	RootSize int64
	// Unpacked is the room the files take, each its size but at least
	// the least cost given to NestOf; Files counts them.
	Unpacked int64
	Files    int
}

// NestOf returns the ArchiveNest of archive archiveID, each file in it
// costing at least leastCost bytes of room.
func (s *Store) NestOf(ctx context.Context, archiveID string, leastCost int64) (ArchiveNest, error) {
	org, err := orgID(ctx)
	if err != nil {
		return ArchiveNest{}, err
	}
	var n ArchiveNest
	var root string
	const up = `WITH RECURSIVE up AS (
			SELECT id, unpacked_from, blob_id, 0 AS depth FROM documents WHERE org_id = $1 AND id = $2
			UNION ALL
			SELECT d.id, d.unpacked_from, d.blob_id, up.depth + 1 FROM documents d JOIN up ON d.id = up.unpacked_from
			WHERE d.org_id = $1 AND up.depth < 100)
		SELECT up.id, up.depth, b.size FROM up JOIN blobs b ON b.id = up.blob_id
		WHERE up.unpacked_from IS NULL`
	err = s.q().QueryRowxContext(ctx, up, org, archiveID).Scan(&root, &n.Depth, &n.RootSize)
	if errors.Is(err, sql.ErrNoRows) {
		return n, sunshine.Errorf(sunshine.ENotFound, "document not found")
	} else if err != nil {
		return n, translate(err, "document")
	}
	const down = `WITH RECURSIVE down AS (
			SELECT id, blob_id FROM documents WHERE org_id = $1 AND unpacked_from = $2
			UNION ALL
			SELECT d.id, d.blob_id FROM documents d JOIN down ON d.unpacked_from = down.id WHERE d.org_id = $1)
		SELECT COALESCE(sum(greatest(b.size, $3)), 0), count(*) FROM down JOIN blobs b ON b.id = down.blob_id`
	if err := s.q().QueryRowxContext(ctx, down, org, root, leastCost).Scan(&n.Unpacked, &n.Files); err != nil {
		return n, translate(err, "documents")
	}
	return n, nil
}

// CreateUnpacked stores the spooled document as the file at path of
// archive, a pending document: on the archive's request and communication
// (as they are now), as uploaded by whoever uploaded the archive, with no
// event of its own (FinishUnpacking writes one for all). It returns nil
// when the archive has a file at path stored already, and ENotFound when
// the archive was removed or recorded meanwhile (the unpacking stops).
//
// It locks as every change to a request's documents does, the request
// first (here only against its removal, FOR KEY SHARE), then the archive's
// row, held so that removing the archive waits and then removes this file
// too. The same bytes stored at once by another transaction (the same
// archive uploaded twice, unpacked side by side) are found on a second try.
func (d *SpooledDocument) CreateUnpacked(ctx context.Context, archive *sunshine.Document, path string) (*sunshine.Document, error) {
	doc, err := d.createUnpacked(ctx, archive, path)
	if sunshine.ErrorCode(err) == sunshine.EConflict {
		if _, serr := d.sp.f.Seek(0, io.SeekStart); serr != nil {
			return nil, fmt.Errorf("store: rewind spooled file: %w", serr)
		}
		doc, err = d.createUnpacked(ctx, archive, path)
	}
	if err != nil {
		return nil, err
	}
	d.doc = doc
	return doc, nil
}

func (d *SpooledDocument) createUnpacked(ctx context.Context, archive *sunshine.Document, path string) (*sunshine.Document, error) {
	s, nd := d.s, d.nd
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var doc *sunshine.Document
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var held struct {
			RequestID       string  `db:"request_id"`
			CommunicationID *string `db:"communication_id"`
		}
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM requests WHERE org_id = $1 AND id = $2 FOR KEY SHARE`,
			org, archive.RequestID); err != nil {
			return translate(err, "request")
		}
		err := tx.GetContext(ctx, &held, `SELECT request_id, communication_id FROM documents WHERE org_id = $1 AND id = $2
			AND deleted_at IS NULL AND text_status = 'pending' FOR SHARE`, org, archive.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return errArchiveGone
		} else if err != nil {
			return translate(err, "document")
		}
		var stored bool
		if err := tx.GetContext(ctx, &stored, `SELECT EXISTS (SELECT 1 FROM documents
			WHERE org_id = $1 AND unpacked_from = $2 AND archive_path = $3)`, org, archive.ID, path); err != nil || stored {
			return translate(err, "document")
		}
		blobID, err := writeBlob(ctx, tx, org, d.sp)
		if err != nil {
			return err
		}
		var id string
		const q = `INSERT INTO documents (org_id, request_id, communication_id, blob_id, filename, content_type, created_by, created_at,
				unpacked_from, archive_path)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
		if err := tx.QueryRowxContext(ctx, q, org, held.RequestID, held.CommunicationID, blobID, nd.Filename, nd.ContentType,
			archive.CreatedBy, s.clock.Now(), archive.ID, path).Scan(&id); err != nil {
			return translate(err, "document")
		}
		doc, err = findDocument(ctx, tx, org, id)
		return err
	})
	return doc, err
}

// Unpacked is what unpacking an archive came to.
type Unpacked struct {
	// LeftOut counts the archive's files not stored (protected by a
	// password, too large, past the nest's bounds).
	LeftOut int
	// Message is the archive's text_error: what it was unpacked into,
	// and what was left out and why; or, Failed, why it stopped.
	Message string
	// Failed: the unpacking stopped before the end (ten minutes were not
	// enough): the archive is failed, to unpack again, and the files
	// stored so far are told of all the same.
	Failed bool
}

// FinishUnpacking records archive archiveID unpacked: its text status
// extracted (it has no text of its own: its files do; failed when
// u.Failed) with u.Message, and, in the same transaction, when any file
// was unpacked from it, an archive_unpacked event counting them, moving
// its request's version on. It returns the pending files unpacked from
// it, whose text is to be read. An archive removed, or recorded by
// another server, meanwhile is left as it is.
func (s *Store) FinishUnpacking(ctx context.Context, archiveID string, u Unpacked) ([]string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var pending []string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		a, err := findDocument(ctx, tx, org, archiveID)
		if sunshine.ErrorCode(err) == sunshine.ENotFound {
			return nil
		} else if err != nil {
			return err
		}
		r, err := s.findRequest(ctx, tx, org, a.RequestID, true)
		if err != nil {
			return err
		}
		status := sunshine.TextExtracted
		if u.Failed {
			status = sunshine.TextFailed
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET text_status = $4, text = '', text_error = $3,
				text_attempts = 0, text_started_at = NULL, scans_unread = 0
			WHERE org_id = $1 AND id = $2 AND text_status = 'pending' AND deleted_at IS NULL`, org, archiveID, u.Message, status)
		if err != nil {
			return translate(err, "document")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return translate(err, "document")
		}
		if err := documentChunks.rewrite(ctx, tx, archiveID); err != nil {
			return err
		}
		var all []struct {
			ID      string `db:"id"`
			Pending bool   `db:"pending"`
		}
		if err := tx.SelectContext(ctx, &all, `SELECT id, text_status = 'pending' AS pending FROM documents
			WHERE org_id = $1 AND unpacked_from = $2 AND deleted_at IS NULL ORDER BY created_at, id`, org, archiveID); err != nil {
			return translate(err, "documents")
		}
		for _, f := range all {
			if f.Pending {
				pending = append(pending, f.ID)
			}
		}
		files := len(all)
		if files == 0 && u.Failed {
			return nil // nothing to tell
		}
		data := map[string]any{"document_id": a.ID, "filename": a.Filename, "communication_id": a.CommunicationID,
			"files": files, "left_out": u.LeftOut}
		if u.Failed {
			data["stopped"] = true
		}
		if err := addEvent(ctx, tx, r, sunshine.EventArchiveUnpacked, deadline.Date{}, "", data); err != nil {
			return err
		}
		return touchRequest(ctx, tx, r)
	})
	return pending, err
}

// deleteUnpacked removes, in tx, the live files unpacked from archive
// archiveID and from archives among them, and returns how many.
func deleteUnpacked(ctx context.Context, tx *sqlx.Tx, org, archiveID string) (int64, error) {
	res, err := tx.ExecContext(ctx, `WITH RECURSIVE down AS (
			SELECT id FROM documents WHERE org_id = $1 AND unpacked_from = $2
			UNION ALL
			SELECT d.id FROM documents d JOIN down ON d.unpacked_from = down.id WHERE d.org_id = $1)
		UPDATE documents SET deleted_at = now(), deleted_by = $3
		WHERE org_id = $1 AND id IN (SELECT id FROM down) AND deleted_at IS NULL`, org, archiveID, actorID(ctx))
	if err != nil {
		return 0, translate(err, "documents")
	}
	return res.RowsAffected()
}
