package store

import (
	"context"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
)

// ActivityFilter narrows the organization's activity: what one person did
// (ActorID), events of some kinds (Kinds), a page after a cursor.
type ActivityFilter struct {
	ActorID string
	Kinds   []sunshine.EventKind
	Limit   int
	After   string
}

// ActivityItem is an event of the organization's activity, with its
// request's title, agency and law.
type ActivityItem struct {
	sunshine.Event
	RequestTitle string `db:"request_title"`
	AgencyName   string `db:"agency_name"`
	Jurisdiction string `db:"jurisdiction"`
	Seq          int64  `db:"seq"`
}

// Activity returns the caller's organization's timeline events across its
// requests, newest first, a page at a time (pageLimit), and the cursor of
// the next page ("" on the last). Their data leaves out the communication
// bodies an edit or a deletion keeps (the request's own timeline has
// them): a page of activity stays small.
func (s *Store) Activity(ctx context.Context, f ActivityFilter) ([]ActivityItem, string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	if limit == All {
		limit = pageLimit(0)
	}
	args := []any{org}
	where := ""
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ActorID != "" {
		if !validUUID(f.ActorID) {
			return nil, "", nil // nobody's
		}
		where += ` AND e.actor_id = ` + arg(f.ActorID)
	}
	if len(f.Kinds) > 0 {
		kinds := make([]string, len(f.Kinds))
		for i, k := range f.Kinds {
			kinds[i] = string(k)
		}
		where += ` AND e.kind = ANY(` + arg(pq.Array(kinds)) + `)`
	}
	if f.After != "" {
		key, _, ok := decodeCursor("activity", f.After)
		seq, err := strconv.ParseInt(key, 10, 64)
		if !ok || err != nil {
			return nil, "", badCursor()
		}
		where += ` AND e.seq < ` + arg(seq)
	}
	q := `SELECT e.id, e.request_id, e.actor_id, e.kind, e.effective_on, e.note,
			e.data #- '{previous,body}' #- '{communication,body}' AS data, e.created_at, e.seq,
			r.title AS request_title, a.name AS agency_name, r.jurisdiction
		FROM request_events e
		JOIN requests r ON r.org_id = e.org_id AND r.id = e.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE e.org_id = $1` + where + `
		ORDER BY e.seq DESC LIMIT ` + strconv.Itoa(limit+1)
	var rows []ActivityItem
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, args...); err != nil {
		return nil, "", translate(err, "activity")
	}
	rows, next := keysetPage(rows, limit, func(it ActivityItem) string {
		return encodeCursor("activity", strconv.FormatInt(it.Seq, 10), it.ID)
	})
	return rows, next, nil
}
