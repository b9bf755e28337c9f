package store

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	sunshine "github.com/sunshine-records/sunshine"
)

// All, as the limit of a request's communications, documents or events,
// asks for every row in one answer (the request's web page and its ZIP
// export list every document at once).
const All = -1

// Cursors are opaque to clients: base64 of "list\x00key\x00id". The list's
// name makes another list's cursor a 400 rather than a page of something.
func encodeCursor(list, key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\x00" + key + "\x00" + id))
}

func decodeCursor(list, c string) (key, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	rest, found := strings.CutPrefix(string(b), list+"\x00")
	key, id, ok = strings.Cut(rest, "\x00")
	// The key goes to PostgreSQL as text, which must be valid UTF-8.
	return key, id, found && ok && utf8.ValidString(key) && validUUID(id)
}

// keysetPage finishes a page that asked for limit+1 rows: a row beyond the
// limit means there is a next page, whose cursor is made from the last row
// kept.
func keysetPage[T any](rows []T, limit int, cursor func(T) string) ([]T, string) {
	if limit == All || len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, cursor(rows[limit-1])
}

// PageBudget bounds the bytes of text (communication bodies, an edit's
// previous version) in one page of a request's communications or events:
// a body may be 1 MB, so a page ends early once its bodies pass this,
// though never before its first item.
const PageBudget = 4 << 20

func pageBudget(limit int) int64 {
	if limit == All {
		return math.MaxInt64
	}
	return PageBudget
}

// budgetPage finishes a page whose rows are those of candidates (at most
// limit+1 read) that fit the budget: any candidate left out, by the limit
// or the budget, means there is a next page.
func budgetPage[T any](rows []T, candidates, limit int, cursor func(T) string) ([]T, string) {
	if limit != All && len(rows) > limit {
		rows = rows[:limit]
	}
	if len(rows) == 0 || len(rows) == candidates {
		return rows, ""
	}
	return rows, cursor(rows[len(rows)-1])
}

// limitClause is the LIMIT of a page that may ask for every row.
func limitClause(limit int) string {
	if limit == All {
		return ""
	}
	return " LIMIT " + strconv.Itoa(limit+1)
}

// pageLimit is the page size asked for, keeping All.
func pageLimit(n int) int {
	if n == All {
		return All
	}
	return clampLimit(n)
}

// timeKey and parseTimeKey write and read a timestamp in a cursor.
func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTimeKey(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// badCursor is the answer to a cursor this list did not make.
func badCursor() error {
	return sunshine.FieldInvalid("cursor", "is not a cursor from this list")
}

// splitKey cuts a cursor's key made of two parts joined by a space.
func splitKey(key string) (string, string, bool) { return strings.Cut(key, " ") }
