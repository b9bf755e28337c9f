package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statement cache: list queries vary with their
// filters, and past this many distinct texts the rest run unprepared.
const maxPrepared = 256

// statements caches the pool's prepared statements by their text.
type statements struct {
	mu    sync.Mutex
	m     map[string]*sqlx.Stmt
	limit int // 0: maxPrepared; tests lower it
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
	return preparedRunner{ExtContext: s.db, stmt: s.stmts.pooled(s.db)}
}

// pooled returns the statement for query, preparing it on a pooled
// connection the first time (nil once the cache is full).
func (c *statements) pooled(db *sqlx.DB) func(context.Context, string) *sqlx.Stmt {
	return func(ctx context.Context, query string) *sqlx.Stmt {
		if st, full := c.cached(query); st != nil || full {
			return st
		}
		return c.prepare(ctx, db, query)
	}
}

// cached returns the statement for query, or reports that the cache is full.
func (c *statements) cached(query string) (st *sqlx.Stmt, full bool) {
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
func (c *statements) prepare(ctx context.Context, db *sqlx.DB, query string) *sqlx.Stmt {
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
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

// preparedRunner runs each query through a prepared statement when stmt
// gives one, else directly on the pool or transaction it embeds.
type preparedRunner struct {
	sqlx.ExtContext
	stmt func(context.Context, string) *sqlx.Stmt
}

func (p preparedRunner) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.ExtContext.QueryContext(ctx, query, args...)
}

func (p preparedRunner) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.ExtContext.QueryxContext(ctx, query, args...)
}

func (p preparedRunner) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.ExtContext.QueryRowxContext(ctx, query, args...)
}

func (p preparedRunner) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.ExtContext.ExecContext(ctx, query, args...)
}
