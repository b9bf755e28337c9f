package store

import (
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// DefaultMaxConns is the pool size the sunshine command opens unless told
// otherwise (SUNSHINE_DB_MAX_CONNS).
const DefaultMaxConns = 20

// Open returns a pool of up to maxConns connections to the database at raw
// (through ConnString) that keeps them all open between statements:
// database/sql keeps only two idle by default, so a process running more
// statements at once than that reconnects for most of them.
func Open(raw string, maxConns int) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", ConnString(raw))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// ConnString returns the lib/pq connection string Sunshine opens: raw with
// three settings added unless raw sets them itself.
//
//   - timezone=UTC: lib/pq passes unknown parameters as run-time settings,
//     so timestamps come back in UTC whatever the server's own zone.
//   - binary_parameters=yes: lib/pq then sends a statement, its parameters
//     and its execution in one round trip instead of two (parse, then
//     bind). Parameters of type []byte travel in binary, so only bytea
//     columns may take []byte; pass JSON as a string.
//   - jit=off: Sunshine's statements each read a page or a few rows, and
//     PostgreSQL's JIT compiler costs more than it saves on them. It
//     compiles any plan estimated above jit_above_cost, and a large
//     organization's search is, by the estimates of branches it never
//     runs: for the benchmark's largest, 84-126 ms of compiling for a
//     statement that runs in 15-23 ms (docs/performance.md).
//
// Both URL ("postgres://…") and key=value connection strings are accepted.
func ConnString(raw string) string {
	settings := [][2]string{{"timezone", "UTC"}, {"binary_parameters", "yes"}, {"jit", "off"}}
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return raw // lib/pq reports the error when it opens it
		}
		q := u.Query()
		for _, kv := range settings {
			if q.Get(kv[0]) == "" {
				q.Set(kv[0], kv[1])
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	out := raw
	for _, kv := range settings {
		if !strings.Contains(raw, kv[0]+"=") {
			out += " " + kv[0] + "=" + kv[1]
		}
	}
	return strings.TrimSpace(out)
}
