package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statement cache: list queries vary with their
// filters, and past this many distinct texts the rest run unprepared.
const maxPrepared = 256

// statements caches the pool's prepared statements by their text.
type statements struct {
	mu        sync.Mutex
	m         map[string]*sqlx.Stmt
	preparing map[string]bool // texts being prepared in the background
	limit     int             // 0: maxPrepared; tests lower it
}

// startPreparing claims query for a background prepare; false if another
// caller already has.
func (c *statements) startPreparing(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.preparing[query] {
		return false
	}
	if c.preparing == nil {
		c.preparing = map[string]bool{}
	}
	c.preparing[query] = true
	return true
}

func (c *statements) donePreparing(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.preparing, query)
}

// prepared returns a reader for the hot reads (a token, a request, a list
// page, a search, a document's chunks). On the pool it runs each query as a
// named prepared statement, which PostgreSQL plans once per connection
// instead of on every call, and whose bytea results lib/pq receives in
// binary. Bound to a test's transaction, it is that transaction.
//
// After five runs PostgreSQL may keep a generic plan, made without the
// arguments' values: a query whose best plan depends on them must not use
// it. The request list's full-text filter is such a query; search is built
// not to be (store.Search reads the newest rows first whatever the words).
func (s *Store) prepared() sqlx.QueryerContext {
	if s.db == nil {
		return s.q()
	}
	return preparedQueryer{s}
}

type preparedQueryer struct{ s *Store }

func (p preparedQueryer) stmt(ctx context.Context, query string) *sqlx.Stmt {
	if st, full := p.cached(query); st != nil || full {
		return st
	}
	return p.prepare(ctx, query)
}

// cached returns the statement for query, or reports that the cache is full.
func (p preparedQueryer) cached(query string) (st *sqlx.Stmt, full bool) {
	c := &p.s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := maxPrepared
	if c.limit > 0 {
		limit = min(limit, c.limit)
	}
	return c.m[query], len(c.m) >= limit
}

// prepare prepares query on a pooled connection, without holding the lock
// (it may wait for a connection), and caches it; of two callers racing,
// the second closes its copy and uses the first.
func (p preparedQueryer) prepare(ctx context.Context, query string) *sqlx.Stmt {
	st, err := p.s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	c := &p.s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		_ = st.Close()
		return prev
	}
	if c.m == nil {
		c.m = map[string]*sqlx.Stmt{}
	}
	c.m[query] = st
	return st
}

func (p preparedQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.s.db.QueryContext(ctx, query, args...)
}

func (p preparedQueryer) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.s.db.QueryxContext(ctx, query, args...)
}

func (p preparedQueryer) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.s.db.QueryRowxContext(ctx, query, args...)
}

// preparedIn is prepared for a transaction's fixed statements (creating a
// request): the pool's cached statements, used on the transaction's
// connection. Bound to a test's transaction, it is tx itself.
func (s *Store) preparedIn(tx *sqlx.Tx) sqlx.ExtContext {
	if s.db == nil {
		return tx
	}
	return preparedTx{Tx: tx, cache: preparedQueryer{s}}
}

// preparedTx runs queries and statements through the cache; the rest of
// sqlx.ExtContext (DriverName, Rebind, BindNamed) is the transaction's.
type preparedTx struct {
	*sqlx.Tx
	cache preparedQueryer
}

// stmt returns the cached statement on the transaction's connection. One
// not yet cached runs unprepared this time and is prepared in the
// background: preparing needs a second pooled connection, which a
// transaction holding one must not wait for (with a pool of one, or every
// connection in a transaction, it would wait forever).
func (p preparedTx) stmt(ctx context.Context, query string) *sqlx.Stmt {
	st, full := p.cache.cached(query)
	if st != nil {
		return p.Tx.StmtxContext(ctx, st)
	}
	if !full && p.cache.s.stmts.startPreparing(query) {
		go func() {
			defer p.cache.s.stmts.donePreparing(query)
			pctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			p.cache.prepare(pctx, query)
		}()
	}
	return nil
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.Tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.Tx.QueryxContext(ctx, query, args...)
}

func (p preparedTx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.Tx.QueryRowxContext(ctx, query, args...)
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.Tx.ExecContext(ctx, query, args...)
}
