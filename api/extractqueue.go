package api

import (
	"context"
	"errors"
	"sync"
)

// maxQueuedPerOrg bounds the text extractions one organization may have
// waiting or running at once. Past it a document stays pending, and the
// half-hourly sweep (ExtractPending) extracts it: an organization uploading
// hundreds of documents at once gets their text later, without holding a
// waiting goroutine per document.
const maxQueuedPerOrg = 16

// errExtractQueueFull says an organization has maxQueuedPerOrg extractions
// waiting or running already.
var errExtractQueueFull = errors.New("the organization has too many text extractions waiting")

// extractQueue decides when a document's text extraction may run.
//
// Extraction is slow and can take much memory (a large PDF, a minute), so
// at most workers extractions run at once, shared by every organization.
// So that one organization cannot hold all of them while another waits (say,
// one uploading PDFs built to be slow, the other a one-line text file), an
// organization runs at most workers-1 at once (at least 1): with the default
// two workers, each organization runs one at a time, and an upload of
// another organization finds the other slot. Its further extractions wait
// on the organization's own slots first, so they queue behind its own work,
// never in front of another organization's. The cost: a server with a
// single organization extracts one document at a time too.
//
// A wait ends when its context does (the upload's request ended, the server
// is stopping); the document then stays pending, for the sweep.
type extractQueue struct {
	slots  chan struct{} // shared by every organization
	perOrg int

	mu   sync.Mutex
	orgs map[string]*orgExtractions
}

type orgExtractions struct {
	slots  chan struct{} // the organization's own, held while waiting for and holding a shared one
	queued int           // waiting or running; the entry is dropped at 0
}

func newExtractQueue(workers int) *extractQueue {
	return &extractQueue{slots: make(chan struct{}, workers), perOrg: max(1, workers-1), orgs: map[string]*orgExtractions{}}
}

// acquire waits for a slot to extract a document of org. It returns
// errExtractQueueFull at once when org has maxQueuedPerOrg extractions
// waiting or running, and ctx.Err() when ctx ends first. On success the
// caller must call release once the extraction is over.
func (q *extractQueue) acquire(ctx context.Context, org string) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q.mu.Lock()
	o := q.orgs[org]
	if o == nil {
		o = &orgExtractions{slots: make(chan struct{}, q.perOrg)}
		q.orgs[org] = o
	}
	if o.queued >= maxQueuedPerOrg {
		q.mu.Unlock()
		return nil, errExtractQueueFull
	}
	o.queued++
	q.mu.Unlock()

	select {
	case o.slots <- struct{}{}:
	case <-ctx.Done():
		q.leave(org, o)
		return nil, ctx.Err()
	}
	select {
	case q.slots <- struct{}{}:
	case <-ctx.Done():
		<-o.slots
		q.leave(org, o)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-q.slots
			<-o.slots
			q.leave(org, o)
		})
	}, nil
}

// leave counts one of org's extractions as over.
func (q *extractQueue) leave(org string, o *orgExtractions) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if o.queued--; o.queued == 0 {
		delete(q.orgs, org)
	}
}
