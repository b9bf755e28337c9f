package store

import "github.com/jmoiron/sqlx"

// Handle is the store's own handle, its test's transaction for a store
// bound to one: tests of package store_test read rows no method returns
// through it.
func (s *Store) Handle() sqlx.ExtContext { return s.q() }
