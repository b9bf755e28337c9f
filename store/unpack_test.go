package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// unpackInto stores text as the file at path of archive.
func unpackInto(t *testing.T, ctx context.Context, s *store.Store, archive *sunshine.Document, path, text string) (*sunshine.Document, error) {
	t.Helper()
	sd, err := s.SpoolDocument(ctx, store.NewDocument{RequestID: archive.RequestID, Filename: path[strings.LastIndex(path, "/")+1:],
		ContentType: "text/plain; charset=utf-8", Content: strings.NewReader(text)})
	require.NoError(t, err)
	defer sd.Remove()
	return sd.CreateUnpacked(ctx, archive, path)
}

// Unpacking stores each file once, on the archive's request and
// communication; an archive's nest counts depth, size and files; an
// unpacking that stopped is recorded failed, and its files told of in an
// event only when there are any; removing the archive removes its files
// at every depth.
func TestUnpacking(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	archive, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "release.zip",
		ContentType: "application/zip", Content: strings.NewReader("PK the archive")})
	require.NoError(t, err)

	memo, err := unpackInto(t, fx.Ctx, s, archive, "Batch 1/memo.txt", "memo")
	require.NoError(t, err)
	require.Equal(t, archive.ID, *memo.UnpackedFrom)
	require.Equal(t, "Batch 1/memo.txt", *memo.ArchivePath)
	require.Equal(t, "memo.txt", memo.Filename)
	require.Equal(t, sunshine.TextPending, memo.TextStatus)
	again, err := unpackInto(t, fx.Ctx, s, archive, "Batch 1/memo.txt", "memo")
	require.NoError(t, err)
	require.Nil(t, again, "stored already: not again")
	inner, err := unpackInto(t, fx.Ctx, s, archive, "inner.zip", "PK inner")
	require.NoError(t, err)
	_, err = unpackInto(t, fx.Ctx, s, inner, "deep.txt", "deep")
	require.NoError(t, err)

	nest, err := s.NestOf(fx.Ctx, inner.ID, 5)
	require.NoError(t, err)
	require.Equal(t, store.ArchiveNest{Depth: 1, RootSize: archive.Size, Unpacked: 5 + int64(len("PK inner")) + 5, Files: 3}, nest,
		"memo and deep cost 5 bytes at least, PK inner its 8")
	paths, err := s.UnpackedPaths(fx.Ctx, archive.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"Batch 1/memo.txt": true, "inner.zip": true}, paths)

	// The inner archive stopped with one file stored: failed, told of.
	pending, err := s.FinishUnpacking(fx.Ctx, inner.ID, store.Unpacked{Failed: true, Message: "stopped"})
	require.NoError(t, err)
	require.Len(t, pending, 1, "its file is read all the same")
	got, err := s.FindDocumentByID(fx.Ctx, inner.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextFailed, got.TextStatus)
	require.Equal(t, 1, got.UnpackedFiles)
	_, err = unpackInto(t, fx.Ctx, s, inner, "late.txt", "late")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "recorded: no more files")

	// One that stopped before any file: failed, no event.
	empty, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "empty.zip",
		ContentType: "application/zip", Content: strings.NewReader("PK empty")})
	require.NoError(t, err)
	_, err = s.FinishUnpacking(fx.Ctx, empty.ID, store.Unpacked{Failed: true, Message: "stopped"})
	require.NoError(t, err)
	pending, err = s.FinishUnpacking(fx.Ctx, archive.ID, store.Unpacked{LeftOut: 2, Message: "unpacked"})
	require.NoError(t, err)
	require.Len(t, pending, 1, "memo.txt still to read (inner.zip recorded already)")
	var unpacked []map[string]any
	events, _, err := s.FindEvents(fx.Ctx, r.ID, 100, "")
	require.NoError(t, err)
	for _, e := range events {
		if e.Kind == sunshine.EventArchiveUnpacked {
			var data map[string]any
			require.NoError(t, json.Unmarshal(e.Data, &data))
			unpacked = append(unpacked, data)
		}
	}
	require.Len(t, unpacked, 2, "the inner archive's and the release's, none for the empty one")
	require.Equal(t, true, unpacked[0]["stopped"])
	require.EqualValues(t, 2, unpacked[1]["files"])
	require.EqualValues(t, 2, unpacked[1]["left_out"])

	require.NoError(t, s.DeleteDocument(fx.Ctx, archive.ID))
	docs, _, err := s.FindDocuments(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1, "only empty.zip is left")
	require.Equal(t, empty.ID, docs[0].ID)
	events, _, err = s.FindEvents(fx.Ctx, r.ID, 100, "")
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventDocumentDeleted, last.Kind)
	require.Contains(t, string(last.Data), `"unpacked_removed": 3`)
}

// A file stored while the archive is being removed: the removal, which
// locks the request and then the archive, waits for it and removes it
// too. (Storing the file once locked the archive first and then, by its
// foreign key, the request: the other order, and PostgreSQL found a
// deadlock.)
func TestUnpacking_RemovedMeanwhile(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	archive, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "release.zip",
		ContentType: "application/zip", Content: strings.NewReader("PK the archive")})
	require.NoError(t, err)
	tx, err := s.DB().Beginx()
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tx.Exec(`SELECT 1 FROM requests WHERE id = $1 FOR UPDATE`, r.ID)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := unpackInto(t, fx.Ctx, s, archive, "memo.txt", "memo")
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // the file waits, or holds the archive
	_, err = tx.Exec(`UPDATE documents SET deleted_at = now() WHERE id = $1`, archive.ID)
	require.NoError(t, err, "no deadlock")
	require.NoError(t, tx.Commit())
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(<-done), "the archive was removed: the file is not stored")
}
