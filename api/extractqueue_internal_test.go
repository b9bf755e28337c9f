package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// blocked reports whether acquire waits: it gives it a moment, then ends
// its context.
func blocked(t *testing.T, q *extractQueue, org string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	release, err := q.acquire(ctx, org)
	if err == nil {
		release()
		return false
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
	return true
}

// A wait for a slot ends with its context, at once for a context already
// ended, and leaves nothing held behind.
func TestExtractQueue_WaitEndsWithContext(t *testing.T) {
	t.Parallel()
	q := newExtractQueue(1)
	release, err := q.acquire(context.Background(), "a")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := q.acquire(ctx, "b")
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("the wait did not end with its context")
	}
	_, err = q.acquire(ctx, "b")
	require.ErrorIs(t, err, context.Canceled, "an ended context does not wait")

	release()
	release() // twice is harmless
	require.False(t, blocked(t, q, "b"), "the slot is free again")
	q.mu.Lock()
	require.Empty(t, q.orgs, "no organization left counted")
	q.mu.Unlock()
}

// One organization cannot hold every slot: with two workers it runs one
// extraction at a time, and another organization gets the other slot at
// once. With one worker, each takes its turn.
func TestExtractQueue_OrgCannotTakeEverySlot(t *testing.T) {
	t.Parallel()
	q := newExtractQueue(2)
	releaseA, err := q.acquire(context.Background(), "a")
	require.NoError(t, err)
	require.True(t, blocked(t, q, "a"), "a's second extraction waits")
	releaseB, err := q.acquire(context.Background(), "b")
	require.NoError(t, err)
	require.True(t, blocked(t, q, "c"), "both slots in use")
	releaseA()
	require.False(t, blocked(t, q, "a"))
	releaseB()

	one := newExtractQueue(1)
	release, err := one.acquire(context.Background(), "a")
	require.NoError(t, err)
	require.True(t, blocked(t, one, "b"))
	release()
	require.False(t, blocked(t, one, "b"))
}

// An organization with maxQueuedPerOrg extractions waiting or running is
// refused at once, without waiting; others are not.
func TestExtractQueue_QueueCap(t *testing.T) {
	t.Parallel()
	q := newExtractQueue(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release, err := q.acquire(ctx, "a")
	require.NoError(t, err)
	for range maxQueuedPerOrg - 1 {
		go q.acquire(ctx, "a") //nolint:errcheck // waits until cancel
	}
	require.Eventually(t, func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return q.orgs["a"].queued == maxQueuedPerOrg
	}, 5*time.Second, time.Millisecond)
	start := time.Now()
	_, err = q.acquire(context.Background(), "a")
	require.ErrorIs(t, err, errExtractQueueFull)
	require.Less(t, time.Since(start), time.Second)
	releaseB, err := q.acquire(context.Background(), "b")
	require.NoError(t, err)
	releaseB()
	release()
}

// pendingDocument stores a text document, left pending.
func pendingDocument(t *testing.T, st *store.Store, fx storetest.Fixture) *sunshine.Document {
	t.Helper()
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	doc, err := st.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "memo.txt",
		ContentType: "text/plain", Content: strings.NewReader("Sanctuary memo.")})
	require.NoError(t, err)
	return doc
}

// ExtractText, waiting for a slot that other organizations hold, returns
// when its context ends; the document stays pending with no attempt
// counted, and is extracted once a slot is free.
func TestExtractText_WaitEndsWithContext(t *testing.T) {
	t.Parallel()
	st := storetest.Tx(t, sunshine.NewFixedClock(time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)))
	fx := storetest.Org(t, st, "waiting")
	doc := pendingDocument(t, st, fx)
	s := New(st, Config{InlineExtraction: true, ExtractWorkers: 2})
	var releases []func()
	for _, org := range []string{"other-1", "other-2"} {
		release, err := s.extractQueue.acquire(context.Background(), org)
		require.NoError(t, err)
		releases = append(releases, release)
	}

	ctx, cancel := context.WithTimeout(fx.Ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	s.ExtractText(ctx, fx.Org.ID, doc.ID)
	require.Less(t, time.Since(start), 5*time.Second)
	d, err := st.FindDocumentByID(fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextPending, d.TextStatus)
	n, err := st.StartDocumentExtraction(fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the wait counted no attempt")
	require.NoError(t, st.AbandonDocumentExtraction(fx.Ctx, doc.ID))

	releases[0]()
	s.ExtractText(fx.Ctx, fx.Org.ID, doc.ID)
	d, err = st.FindDocumentByID(fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, d.TextStatus, d.TextError)
	releases[1]()
}
