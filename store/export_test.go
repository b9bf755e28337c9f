package store

import (
	"context"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Hooks for the external tests in store_test.
var (
	RequestListQuery = requestListQuery
	EncodeCursor     = encodeCursor
	SearchQuery      = searchQuery
)

// JurisdictionsInUseSQL is FindJurisdictionsInUse's query ($1: the organization).
const JurisdictionsInUseSQL = jurisdictionsInUse

// MetByAcknowledgmentSQL is the SQL list of the laws an acknowledgment meets.
const MetByAcknowledgmentSQL = metByAcknowledgmentSQL

// Search's defaults.
const (
	SearchCandidates = defaultSearchCandidates
	SearchWindow     = defaultSearchWindow
)

// SetSearchCandidates lowers how many matches of each kind a search ranks
// and how many recent rows it reads before reading every match.
func SetSearchCandidates(s *Store, candidates, window int) {
	s.searchCandidates, s.searchWindow = candidates, window
}

// SetAlertPaging lowers how many events a search alert's check reads at a
// time, and how many such pages one check reads.
func SetAlertPaging(s *Store, size, pages int) { s.alertPage, s.alertPages = size, pages }

// PreparedStatements reports how many statements the store has prepared,
// after lowering the cache's limit to limit (0 keeps it).
func PreparedStatements(s *Store, limit int) int {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if limit > 0 {
		s.stmts.limit = limit
	}
	return len(s.stmts.m)
}

// AfterCreationFacts runs f between a create's read and its insert, once,
// until the test ends.
func AfterCreationFacts(t interface{ Cleanup(func()) }, f func()) {
	var done bool
	testHookAfterCreationFacts = func() {
		if !done {
			done = true
			f()
		}
	}
	t.Cleanup(func() { testHookAfterCreationFacts = nil })
}

// FollowOnSQL runs the SQL function of the date to follow (migration 0024)
// over r's fields.
func FollowOnSQL(s *Store, r *sunshine.Request) (deadline.Date, error) {
	var d deadline.Date
	err := s.q().QueryRowxContext(context.Background(), `SELECT request_follow_on($1, $2, $3, $4, $5)`,
		string(r.Status), r.Jurisdiction, r.DueOn, r.CustomDueOn, r.AgencyEstimatedOn).Scan(&d)
	return d, err
}

// Exec runs a statement on the store's connection or transaction, for a
// test to put the database in a state the store would not (a due date
// stored by an older release).
func Exec(s *Store, query string, args ...any) error {
	_, err := s.q().ExecContext(context.Background(), query, args...)
	return err
}
