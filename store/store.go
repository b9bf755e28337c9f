// Package store keeps Sunshine's data in PostgreSQL through sqlx and lib/pq.
// Every method that reads or writes an organization's rows takes the
// organization from the principal in its context; there is no other way in.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
)

// Store is the database. Construct it with New; tests bind one to a
// transaction with NewInTx.
type Store struct {
	db    *sqlx.DB // the pool; nil when bound to a transaction
	tx    *sqlx.Tx // a test's transaction; writes then use savepoints
	clock sunshine.Clock
	sp    atomic.Int64

	stmts statements // prepared statements on db (prepared.go)

	searchCandidates, searchWindow int // 0: the defaults (search.go); tests lower them
	alertPage, alertPages          int // 0: the defaults (searchalerts.go); tests lower them

	// LettersPerHour is how many letter emails an organization may queue
	// in an hour (0: DefaultLettersPerHour). Set it before use.
	LettersPerHour int

	// snapshots admits the Snapshots running at once (exports, each
	// holding a connection for its whole download): a quarter of the pool,
	// so slow downloads never take every connection the pages need.
	snapshots chan struct{}
}

// New returns a store over a connection pool.
func New(db *sqlx.DB, clock sunshine.Clock) *Store {
	n := db.Stats().MaxOpenConnections / 4
	if db.Stats().MaxOpenConnections == 0 { // no limit set
		n = DefaultMaxConns / 4
	}
	return &Store{db: db, clock: clock, snapshots: make(chan struct{}, max(n, 1))}
}

// NewInTx returns a store whose every statement runs inside tx, which the
// caller rolls back (tests). Each write is wrapped in a savepoint so a
// failed one leaves the transaction usable.
func NewInTx(tx *sqlx.Tx, clock sunshine.Clock) *Store { return &Store{tx: tx, clock: clock} }

// Clock returns the store's clock.
func (s *Store) Clock() sunshine.Clock { return s.clock }

// DB returns the pool (nil for a store bound to a transaction).
func (s *Store) DB() *sqlx.DB { return s.db }

// Concurrent reports whether several goroutines may use the store at once:
// not when it is bound to one transaction (Atomically, NewInTx), whose
// connection runs one statement at a time.
func (s *Store) Concurrent() bool { return s.tx == nil }

// q is the handle for reads outside a transaction.
func (s *Store) q() sqlx.ExtContext {
	if s.tx != nil {
		return s.tx
	}
	return s.db
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return translate(sqlx.GetContext(ctx, s.q(), &one, `SELECT 1`), "database")
}

// inTx runs fn in one transaction (a savepoint when the store is bound to a
// test's transaction) and commits only if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if s.tx != nil {
		name := fmt.Sprintf("sp%d", s.sp.Add(1))
		if _, err := s.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
			return translate(err, "transaction")
		}
		if err := fn(s.tx); err != nil {
			// Even when ctx ended (fn timed out): the outer transaction
			// must not be left aborted.
			if _, rbErr := s.tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT "+name); rbErr != nil {
				return errors.Join(err, rbErr)
			}
			return err
		}
		_, err := s.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
		return translate(err, "transaction")
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return translate(err, "transaction")
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit(), "transaction")
}

// orgID returns the caller's organization, or an error when the context
// carries no principal: a programming error, never a client one.
func orgID(ctx context.Context) (string, error) {
	p, ok := sunshine.PrincipalFrom(ctx)
	if !ok {
		return "", errors.New("store: no principal in context")
	}
	return p.OrgID, nil
}

func principal(ctx context.Context) (sunshine.Principal, error) {
	p, ok := sunshine.PrincipalFrom(ctx)
	if !ok {
		return p, errors.New("store: no principal in context")
	}
	return p, nil
}

// actorID is the acting user for an event, or nil.
func actorID(ctx context.Context) *string {
	if p, ok := sunshine.PrincipalFrom(ctx); ok && p.UserID != "" {
		id := p.UserID
		return &id
	}
	return nil
}

// translate turns driver errors into sunshine errors by SQLSTATE; anything
// else is wrapped with what was being done, never swallowed.
func translate(err error, what string) error {
	var pqErr *pq.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return sunshine.Errorf(sunshine.ENotFound, "%s not found", what)
	case errors.As(err, &pqErr):
		switch pqErr.Code {
		case "23505": // unique_violation
			if f, ok := uniqueFields[pqErr.Constraint]; ok {
				return &sunshine.Error{Code: sunshine.EConflict, Message: f.Field + " " + f.Message, Fields: []sunshine.FieldError{f}}
			}
			return sunshine.Errorf(sunshine.EConflict, "%s already exists", what)
		case "23503": // foreign_key_violation
			return sunshine.Errorf(sunshine.EInvalid, "%s refers to something that does not exist", what)
		case "23514", "23502", "22P02", "22007", "22008", "22001": // check, not null, bad text, bad date, too long
			return sunshine.Errorf(sunshine.EInvalid, "invalid %s", what)
		case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004": // shutdown, connection
			return &sunshine.Error{Code: sunshine.EUnavailable, Message: "the database is unavailable; try again shortly"}
		}
	case isConnError(err):
		return &sunshine.Error{Code: sunshine.EUnavailable, Message: "the database is unavailable; try again shortly"}
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// uniqueFields name the input field whose value a unique index found taken,
// for the indexes on values a client sets.
var uniqueFields = map[string]sunshine.FieldError{
	"requests_org_external_id_key": externalIDUsed, // migrations 0038 and 0041 (any case)
}

var externalIDUsed = sunshine.FieldError{Field: "external_id", Message: "is already used by another request of this organization"}

// isExternalIDUsed reports whether err is translate's conflict over a
// request's external ID.
func isExternalIDUsed(err error) bool {
	var e *sunshine.Error
	return errors.As(err, &e) && e.Code == sunshine.EConflict && slices.Contains(e.Fields, externalIDUsed)
}

func isConnError(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "bad connection") ||
		strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset")
}

// Atomically runs fn with a store bound to one transaction: everything fn
// does commits together or not at all.
func (s *Store) Atomically(ctx context.Context, fn func(*Store) error) error {
	if s.tx != nil {
		return s.inTx(ctx, func(*sqlx.Tx) error { return fn(s) })
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return fn(NewInTx(tx, s.clock)) })
}

// snapshotWait is how long a Snapshot waits for one of the others to end
// before it gives up (EUnavailable: a 503 that says to try again).
var snapshotWait = 30 * time.Second

// Snapshot runs fn with a store bound to one read-only REPEATABLE READ
// transaction, so that every read fn makes sees the database as of its
// first statement: an export read page by page neither misses nor repeats
// a row that a colleague edits meanwhile. The transaction holds one pooled
// connection until fn returns, so at most a quarter of the pool's
// connections are in Snapshots at once; another waits for one to end (or
// for ctx). Bound to a test's transaction, fn runs in it.
func (s *Store) Snapshot(ctx context.Context, fn func(*Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	wait := time.NewTimer(snapshotWait)
	defer wait.Stop()
	select {
	case s.snapshots <- struct{}{}:
		defer func() { <-s.snapshots }()
	case <-wait.C:
		return sunshine.Errorf(sunshine.EUnavailable, "too many exports are running at once; try again in a minute")
	case <-ctx.Done():
		return sunshine.Errorf(sunshine.EUnavailable, "the export was waiting for another to finish: %v", ctx.Err())
	}
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return translate(err, "transaction")
	}
	// Read only: ending it by a rollback loses nothing, and fn's reads
	// stand even if the connection is gone by then.
	defer func() { _ = tx.Rollback() }()
	return fn(NewInTx(tx, s.clock))
}
