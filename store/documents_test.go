package store_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// failingReader yields n bytes, then fails: a dropped upload.
type failingReader struct {
	r io.Reader
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

func committedRequest(t testing.TB) (*store.Store, storetest.Fixture, *sunshine.Request) {
	t.Helper()
	s := store.New(storetest.DB(t), sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "docs")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, s.CreateRequest(fx.Ctx, r))
	return s, fx, r
}

func counts(t *testing.T, s *store.Store) (blobs, chunks, docs int) {
	t.Helper()
	require.NoError(t, s.DB().Get(&blobs, `SELECT count(*) FROM blobs`))
	require.NoError(t, s.DB().Get(&chunks, `SELECT count(*) FROM blob_chunks`))
	require.NoError(t, s.DB().Get(&docs, `SELECT count(*) FROM documents`))
	return
}

func TestStore_FailedUploadLeavesNoChunks(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	content := make([]byte, 3*store.ChunkSize+17) // several chunks written before the failure
	_, err := rand.Read(content)
	require.NoError(t, err)
	_, err = s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "x.bin", ContentType: "application/octet-stream",
		Content: &failingReader{bytes.NewReader(content)}})
	require.Error(t, err)
	blobs, chunks, docs := counts(t, s)
	require.Zero(t, blobs)
	require.Zero(t, chunks)
	require.Zero(t, docs)
}

func TestStore_IdenticalContentStoredOnce(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	content := make([]byte, store.ChunkSize+5)
	_, err := rand.Read(content)
	require.NoError(t, err)
	var wg sync.WaitGroup
	docs := make([]*sunshine.Document, 3)
	errs := make([]error, 3)
	for i := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "copy.bin",
				ContentType: "application/octet-stream", Content: bytes.NewReader(content)})
		}()
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		if err != nil {
			// Two identical uploads racing: the loser is told to retry.
			require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), err)
			continue
		}
		stored++
	}
	// Sequentially, never a conflict.
	var last *sunshine.Document
	for range 2 {
		last, err = s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "again.bin",
			ContentType: "application/octet-stream", Content: bytes.NewReader(content)})
		require.NoError(t, err)
		stored++
	}
	for i, doc := range docs {
		if errs[i] == nil {
			require.Equal(t, last.SHA256, doc.SHA256)
		}
	}
	blobs, chunks, n := counts(t, s)
	require.Equal(t, 1, blobs, "one copy of the bytes")
	require.Equal(t, 2, chunks)
	require.Equal(t, stored, n)

	got, err := io.ReadAll(s.Content(fx.Ctx, last))
	require.NoError(t, err)
	require.Equal(t, content, got)
}
