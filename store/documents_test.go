package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
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
	return committedRequestOn(t, storetest.DB(t))
}

// committedRequestOn creates an organization with one request in db.
func committedRequestOn(t testing.TB, db *sqlx.DB) (*store.Store, storetest.Fixture, *sunshine.Request) {
	t.Helper()
	s := store.New(db, sunshine.NewFixedClock(now))
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

// A slow upload is read before the transaction starts: while the client is
// still sending, the request can be locked and changed, and the pool's only
// connection is free.
func TestStore_CreateDocumentReadsBeforeLocking(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	db.SetMaxOpenConns(1)
	s, fx, r := committedRequestOn(t, db)
	content := make([]byte, 2*store.ChunkSize+17)
	_, err := rand.Read(content)
	require.NoError(t, err)

	pr, pw := io.Pipe()
	defer pw.CloseWithError(errors.New("test ended")) // never leave the upload blocked
	type result struct {
		doc *sunshine.Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "slow.bin",
			ContentType: "application/octet-stream", Content: pr})
		done <- result{doc, err}
	}()
	// Write returns once the store has read this half; it then waits for more.
	_, err = pw.Write(content[:len(content)/2])
	require.NoError(t, err)

	// Bounded, so that a held connection or lock fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(fx.Ctx, 5*time.Second)
	defer cancel()
	tx, err := db.BeginTxx(ctx, nil)
	require.NoError(t, err, "the pool's only connection is free")
	_, err = tx.ExecContext(ctx, `SELECT id FROM requests WHERE id = $1 FOR UPDATE NOWAIT`, r.ID)
	require.NoError(t, err, "the request's row is not locked")
	require.NoError(t, tx.Rollback())
	title := "ICE, renamed mid-upload"
	_, err = s.UpdateRequest(ctx, r.ID, sunshine.RequestUpdate{Title: &title})
	require.NoError(t, err)
	select {
	case res := <-done:
		t.Fatalf("the upload ended before its content did: %v", res.err)
	default:
	}

	_, err = pw.Write(content[len(content)/2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	res := <-done
	require.NoError(t, res.err)
	sum := sha256.Sum256(content)
	require.Equal(t, hex.EncodeToString(sum[:]), res.doc.SHA256)
	require.Equal(t, int64(len(content)), res.doc.Size)
	got, err := io.ReadAll(s.Content(fx.Ctx, res.doc))
	require.NoError(t, err)
	require.Equal(t, content, got)
	require.Equal(t, 1, documentEvents(t, s, fx, r.ID, res.doc.ID))
}

// documentEvents counts the document_added events of one document.
func documentEvents(t *testing.T, s *store.Store, fx storetest.Fixture, requestID, docID string) int {
	t.Helper()
	es, _, err := s.FindEvents(fx.Ctx, requestID, store.All, "")
	require.NoError(t, err)
	n := 0
	for _, e := range es {
		if e.Kind != sunshine.EventDocumentAdded {
			continue
		}
		var data struct {
			DocumentID string `json:"document_id"`
		}
		require.NoError(t, json.Unmarshal(e.Data, &data))
		if docID == "" || data.DocumentID == docID {
			n++
		}
	}
	return n
}

// endCheck calls check when its reader reaches the end of r, before
// returning EOF or err: the upload is then spooled but not yet stored.
type endCheck struct {
	r     io.Reader
	err   error
	check func()
}

func (e *endCheck) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		e.check()
		if e.err != nil {
			err = e.err
		}
	}
	return n, err
}

// The spool file lives in TMPDIR while the upload is read, and is removed
// however the upload ends: on Linux its name is gone from the start (so a
// killed process leaves nothing), and the open file is seen through
// /proc/self/fd. Not parallel: it sets TMPDIR.
func TestStore_CreateDocumentRemovesSpoolFile(t *testing.T) {
	content := make([]byte, store.ChunkSize+5)
	_, err := rand.Read(content)
	require.NoError(t, err)
	tooLarge := &http.MaxBytesError{Limit: 1024}
	tests := []struct {
		name    string
		readErr error // after the content, instead of EOF
		check   func(t *testing.T, err error)
	}{
		{"OK", nil, func(t *testing.T, err error) { require.NoError(t, err) }},
		{"ErrReadFails", errors.New("connection reset by peer"), func(t *testing.T, err error) {
			require.Error(t, err)
			require.Equal(t, sunshine.EInternal, sunshine.ErrorCode(err))
		}},
		{"ErrTooLarge", tooLarge, func(t *testing.T, err error) {
			var mbe *http.MaxBytesError
			require.ErrorAs(t, err, &mbe, "the caller still maps the size limit to 413")
		}},
		{"ErrClientError", sunshine.Errorf(sunshine.ETooLarge, "too big"), func(t *testing.T, err error) {
			require.Equal(t, sunshine.ETooLarge, sunshine.ErrorCode(err))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			s, fx, r := committedRequest(t)
			var during []string
			content := &endCheck{r: bytes.NewReader(content), err: tt.readErr, check: func() {
				during = openFilesIn(t, tmp)
				names, err := os.ReadDir(tmp)
				require.NoError(t, err)
				require.Empty(t, names, "no name left in TMPDIR even while the upload is read")
			}}
			doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "x.bin",
				ContentType: "application/octet-stream", Content: content})
			tt.check(t, err)
			require.Len(t, during, 1, "the upload is spooled to TMPDIR")
			require.Empty(t, openFilesIn(t, tmp), "the spool file is closed")
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			require.Empty(t, left, "the spool file is removed")
			blobs, chunks, docs := counts(t, s)
			if tt.readErr != nil {
				require.Zero(t, blobs)
				require.Zero(t, chunks)
				require.Zero(t, docs)
				require.Zero(t, documentEvents(t, s, fx, r.ID, ""))
				return
			}
			require.Equal(t, [3]int{1, 2, 1}, [3]int{blobs, chunks, docs})
			require.Equal(t, 1, documentEvents(t, s, fx, r.ID, doc.ID))
		})
	}
}

// A spooled upload that is never created (the API refused the rest of its
// form) wrote nothing, and Remove deletes its file; a second Remove is
// harmless. An unknown request fails before the body is read. Not
// parallel: it sets TMPDIR.
func TestStore_SpoolDocumentWithoutCreate(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, fx, r := committedRequest(t)
	content := make([]byte, store.ChunkSize+5)
	_, err := rand.Read(content)
	require.NoError(t, err)
	sd, err := s.SpoolDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "x.bin",
		ContentType: "application/octet-stream", Content: bytes.NewReader(content)})
	require.NoError(t, err)
	require.Len(t, openFilesIn(t, tmp), 1, "the upload is spooled to TMPDIR")
	blobs, chunks, docs := counts(t, s)
	require.Equal(t, [3]int{0, 0, 0}, [3]int{blobs, chunks, docs}, "nothing is stored before Create")
	require.Zero(t, documentEvents(t, s, fx, r.ID, ""))
	sd.Remove()
	sd.Remove()
	require.Empty(t, openFilesIn(t, tmp), "the spool file is closed")
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, left, "the spool file is removed")

	body := &endCheck{r: strings.NewReader("never read"), check: func() { t.Error("the body was read") }}
	_, err = s.SpoolDocument(fx.Ctx, store.NewDocument{RequestID: "00000000-0000-0000-0000-000000000000", Filename: "x.bin",
		ContentType: "application/octet-stream", Content: body})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), err)
}

// openFilesIn lists the files this process holds open under dir, removed
// or not (Linux's /proc/self/fd).
func openFilesIn(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here:", err)
	}
	var out []string
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(target, dir+"/") {
			out = append(out, target)
		}
	}
	return out
}

// Two deletes of one document at once: one deletes it and records the
// event, the other finds it gone (404); the timeline says it once.
func TestStore_ConcurrentDeletesRecordOnce(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "a.txt", ContentType: "text/plain",
		Content: strings.NewReader("released")})
	require.NoError(t, err)

	// Hold the row so both deletes read it, then queue on its lock.
	hold, err := s.DB().Beginx()
	require.NoError(t, err)
	_, err = hold.Exec(`SELECT 1 FROM documents WHERE id = $1 FOR UPDATE`, doc.ID)
	require.NoError(t, err)
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- s.DeleteDocument(fx.Ctx, doc.ID) }()
	}
	// One waits on the document's row, the other on the request, which
	// the first locked before it.
	waitUntilBlocked(t, s.DB(), "", 2, "both deletes wait")
	require.NoError(t, hold.Rollback())

	var codes []sunshine.Code
	for range 2 {
		err := <-errs
		codes = append(codes, sunshine.ErrorCode(err))
	}
	require.ElementsMatch(t, []sunshine.Code{"", sunshine.ENotFound}, codes)
	es, _, err := s.FindEvents(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	deleted := 0
	for _, e := range es {
		if e.Kind == sunshine.EventDocumentDeleted {
			deleted++
		}
	}
	require.Equal(t, 1, deleted)
}

// ReadAt serves a PDF parser's jumps across chunks, from any goroutine,
// without moving Read's position.
func TestStore_ContentReadAt(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	content := make([]byte, 3*store.ChunkSize+100)
	_, err := rand.Read(content)
	require.NoError(t, err)
	doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "production.pdf",
		ContentType: "application/octet-stream", Content: bytes.NewReader(content)})
	require.NoError(t, err)
	blob := s.Content(fx.Ctx, doc)

	first := make([]byte, 10)
	_, err = io.ReadFull(blob, first)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		off     int64
		n       int
		wantN   int
		wantErr error
	}{
		{"the last bytes, as a parser starts", int64(len(content)) - 30, 30, 30, nil},
		{"within the first chunk", 5, 100, 100, nil},
		{"across three chunks", store.ChunkSize - 10, store.ChunkSize + 20, store.ChunkSize + 20, nil},
		{"past the end", int64(len(content)) - 4, 10, 4, io.EOF},
		{"at the end", int64(len(content)), 1, 0, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := make([]byte, tc.n)
			n, err := blob.ReadAt(p, tc.off)
			require.Equal(t, tc.wantN, n)
			require.Equal(t, tc.wantErr, err)
			require.Equal(t, content[tc.off:tc.off+int64(n)], p[:n])
		})
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			off := int64(i) * store.ChunkSize / 3
			p := make([]byte, 2000)
			_, err := blob.ReadAt(p, off)
			assert.NoError(t, err)
			assert.Equal(t, content[off:off+2000], p)
		})
	}
	wg.Wait()
	next := make([]byte, 10)
	_, err = io.ReadFull(blob, next)
	require.NoError(t, err)
	require.Equal(t, content[10:20], next, "Read goes on where it was")
	_, err = blob.ReadAt(next, -1)
	require.Error(t, err)
}

// Extraction attempts are counted on pending documents only, per
// organization, and committed at once; an abandoned attempt is taken back,
// and recording the text sets the count back to 0.
func TestStore_DocumentExtractionAttempts(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "memo.txt",
		ContentType: "text/plain", Content: strings.NewReader("memo")})
	require.NoError(t, err)
	stored := func() (n int) {
		require.NoError(t, s.DB().Get(&n, `SELECT text_attempts FROM documents WHERE id = $1`, doc.ID))
		return n
	}

	// An attempt holds the document for ExtractionLease: another server's
	// sweep is refused and counts nothing; once it has run out (the
	// server that started it stopped), the next attempt is counted.
	expire := func() {
		require.NoError(t, store.Exec(s, `UPDATE documents SET text_started_at = now() - $2 * interval '1 second' WHERE id = $1`,
			doc.ID, (store.ExtractionLease+time.Second).Seconds()))
	}
	for want := 1; want <= 3; want++ {
		n, err := s.StartDocumentExtraction(fx.Ctx, doc.ID)
		require.NoError(t, err)
		require.Equal(t, want, n)
		_, err = s.StartDocumentExtraction(fx.Ctx, doc.ID)
		require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "being read: %v", err)
		require.Equal(t, want, stored(), "a refused attempt counts nothing")
		expire()
	}
	_, err = s.StartDocumentExtraction(fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.NoError(t, s.AbandonDocumentExtraction(fx.Ctx, doc.ID))
	require.Equal(t, 3, stored())
	n, err := s.StartDocumentExtraction(fx.Ctx, doc.ID)
	require.NoError(t, err, "an abandoned attempt frees the document at once")
	require.Equal(t, 4, n)
	require.NoError(t, s.AbandonDocumentExtraction(fx.Ctx, doc.ID))
	require.NoError(t, s.AbandonDocumentExtraction(fx.Ctx, doc.ID))
	require.Equal(t, 2, stored())

	other := storetest.Org(t, s, "other")
	_, err = s.StartDocumentExtraction(other.Ctx, doc.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's document")
	require.NoError(t, s.AbandonDocumentExtraction(other.Ctx, doc.ID))
	require.Equal(t, 2, stored())

	require.NoError(t, s.SetDocumentText(fx.Ctx, doc.ID, sunshine.TextExtracted, "memo", ""))
	require.Zero(t, stored())
	_, err = s.StartDocumentExtraction(fx.Ctx, doc.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "no longer pending")
	require.NoError(t, s.AbandonDocumentExtraction(fx.Ctx, doc.ID))
	require.Zero(t, stored(), "nothing to take back")
}
