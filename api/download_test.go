package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestDownload_200MBStreamsInBoundedMemory serves a 200 MiB document over
// real HTTP and samples the heap while it streams: memory must not grow
// with the document (target: under 20 MB of growth).
func TestDownload_200MBStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MiB")
	}
	db := storetest.DB(t)
	st := store.New(db, sunshine.SystemClock{})
	fx := storetest.Org(t, st, "big")
	a := &sunshine.Agency{Name: "ICE", Jurisdiction: "us-federal"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "All 287(g) files", DeliveryMethod: sunshine.DeliveryPortal, ReceivedOn: deadline.MustParseDate("2024-03-04")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))

	// 200 chunks of 1 MiB written by SQL, so the test process never holds them.
	const chunks = 200
	var docID string
	require.NoError(t, db.QueryRow(`
		WITH b AS (INSERT INTO blobs (org_id, chunk_size, size) VALUES ($1, $2::int, $2::bigint * $3::int) RETURNING id),
		     c AS (INSERT INTO blob_chunks (blob_id, seq, data)
		           SELECT b.id, g, convert_to(repeat(chr(65 + g % 26), $2::int), 'UTF8') FROM b, generate_series(0, $3::int - 1) g),
		     d AS (INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status)
		           SELECT $1, $4, b.id, 'big.bin', 'application/octet-stream', 'unsupported' FROM b RETURNING id)
		SELECT id FROM d`, fx.Org.ID, store.ChunkSize, chunks, r.ID).Scan(&docID))
	want := sha256.New()
	for g := 0; g < chunks; g++ {
		chunk := make([]byte, store.ChunkSize)
		for i := range chunk {
			chunk[i] = byte(65 + g%26)
		}
		want.Write(chunk)
	}
	_, err := db.Exec(`UPDATE blobs SET sha256 = $1 WHERE org_id = $2`, want.Sum(nil), fx.Org.ID)
	require.NoError(t, err)

	srv := httptest.NewServer(api.New(st, api.Config{}))
	defer srv.Close()
	// Garbage collected eagerly, so the heap in use is what the download
	// holds, not buffers a busy machine has not collected yet.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	ctx, stop := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for ctx.Err() == nil {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/documents/"+docID+"/content", nil)
	req.Header.Set("Authorization", "Bearer "+fx.Token)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got := sha256.New()
	n, err := io.Copy(got, resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	stop()
	<-sampled
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, int64(chunks*store.ChunkSize), n)
	require.Equal(t, hex.EncodeToString(want.Sum(nil)), hex.EncodeToString(got.Sum(nil)))

	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("200 MiB download: %.0f MiB/s, heap in use grew by %.1f MiB at peak", float64(n)/(1<<20)/elapsed.Seconds(), float64(growth)/(1<<20))
	require.Less(t, growth, int64(20<<20), "memory grew with the document")
}
