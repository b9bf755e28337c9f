package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
)

// ActivityFilter narrows the organization's activity: what one person did
// (ActorID), events of some kinds (Kinds), the notes that mention someone
// (MentionID), a page after a cursor.
type ActivityFilter struct {
	ActorID   string
	Kinds     []sunshine.EventKind
	MentionID string
	Limit     int
	After     string
}

// ActivityItem is an event of the organization's activity, with its
// request's title, agency and law.
type ActivityItem struct {
	sunshine.Event
	RequestTitle string `db:"request_title"`
	AgencyName   string `db:"agency_name"`
	Jurisdiction string `db:"jurisdiction"`
}

// Activity returns the caller's organization's timeline events across its
// requests, newest first, a page at a time (pageLimit, and PageBudget of
// data), and the cursor of the next page ("" on the last). Their data leaves out the communication
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
	if f.MentionID != "" {
		if !validUUID(f.MentionID) {
			return nil, "", nil // nobody's
		}
		// request_events_mentions_idx: a person rarely mentioned does not
		// read the organization's whole history for a page.
		mentioned, _ := json.Marshal(map[string][]string{"mention_ids": {strings.ToLower(f.MentionID)}})
		where += ` AND e.kind = 'note_added' AND e.data @> ` + arg(string(mentioned)) + `::jsonb`
	}
	if len(f.Kinds) > 0 {
		kinds := make([]string, len(f.Kinds))
		for i, k := range f.Kinds {
			kinds[i] = string(k)
		}
		where += ` AND e.kind = ANY(` + arg(pq.Array(kinds)) + `)`
	}
	if f.After != "" {
		// The cursor names the page's last event; its place (seq, shared
		// by every organization) stays in the database.
		_, id, ok := decodeCursor("activity", f.After)
		var seq int64
		if ok {
			err = sqlx.GetContext(ctx, s.q(), &seq, `SELECT seq FROM request_events WHERE org_id = $1 AND id = $2`, org, id)
		}
		if !ok || errors.Is(err, sql.ErrNoRows) {
			return nil, "", badCursor()
		} else if err != nil {
			return nil, "", translate(err, "activity")
		}
		where += ` AND e.seq < ` + arg(seq)
	}
	// A page ends early once its events' data pass PageBudget (a request's
	// text may be long), as a request's own events do.
	q := `WITH page AS (
			SELECT e.seq, sum(e.size) OVER (ORDER BY e.seq DESC) - e.size AS before
			FROM request_events e WHERE e.org_id = $1` + where + `
			ORDER BY e.seq DESC LIMIT ` + strconv.Itoa(limit+1) + `
		)
		SELECT e.id, e.request_id, e.actor_id, e.kind, e.effective_on, e.note,
			CASE WHEN e.kind IN ('communication_edited', 'communication_deleted')
				THEN e.data #- '{previous,body}' #- '{communication,body}' ELSE e.data END AS data,
			e.created_at, r.title AS request_title, a.name AS agency_name, r.jurisdiction,
			(SELECT count(*) FROM page) AS candidates
		FROM request_events e JOIN page USING (seq)
		JOIN requests r ON r.org_id = e.org_id AND r.id = e.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE e.org_id = $1 AND page.before < ` + arg(PageBudget) + `
		ORDER BY e.seq DESC`
	var rows []activityRow
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, args...); err != nil {
		return nil, "", translate(err, "activity")
	}
	candidates := 0
	items := make([]ActivityItem, len(rows))
	for i, r := range rows {
		items[i], candidates = r.ActivityItem, r.Candidates
	}
	items, next := budgetPage(items, candidates, limit, func(it ActivityItem) string {
		return encodeCursor("activity", "", it.ID)
	})
	return items, next, nil
}

type activityRow struct {
	ActivityItem
	Candidates int `db:"candidates"`
}
