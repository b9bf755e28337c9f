package store

import (
	"context"
	"html"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// SearchFilter selects search hits.
type SearchFilter struct {
	Q        string
	Statuses []sunshine.Status
	AgencyID string
	From, To deadline.Date // the hit's date: receipt, communication, upload
	Offset   int
	Limit    int
}

// SearchHit is one ranked match, with its request.
type SearchHit struct {
	Kind            string        `db:"kind" json:"kind"` // request, communication, document
	RequestID       string        `db:"request_id" json:"request_id"`
	CommunicationID *string       `db:"communication_id" json:"communication_id"`
	DocumentID      *string       `db:"document_id" json:"document_id"`
	Title           string        `db:"title" json:"title"`
	On              deadline.Date `db:"on_date" json:"date"`
	Rank            float64       `db:"rank" json:"rank"`
	RequestTitle    string        `db:"request_title" json:"request_title"`
	RequestStatus   string        `db:"request_status" json:"request_status"`
	AgencyName      string        `db:"agency_name" json:"agency_name"`
	Snippet         string        `db:"snippet" json:"snippet"`
	// SnippetHTML is Snippet HTML-escaped, with the matched words in <mark>.
	SnippetHTML string `db:"-" json:"snippet_html"`
}

// Search ranks the caller's requests, communications and documents against
// a web-style query ("detainer", "287(g)", "ice -vacation", quoted phrases)
// with PostgreSQL full-text search; each hit carries a snippet.
func (s *Store) Search(ctx context.Context, f SearchFilter) ([]SearchHit, bool, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(f.Q) == "" {
		return nil, false, sunshine.FieldInvalid("q", "is required: the words to search for")
	}
	limit := clampLimit(f.Limit)
	args := []any{org, f.Q}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"TRUE"}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ss[i] = string(st)
		}
		where = append(where, "r.status = ANY("+arg(ss)+"::text[])")
	}
	if f.AgencyID != "" {
		if !validUUID(f.AgencyID) {
			return nil, false, sunshine.FieldInvalid("agency_id", "must be a UUID")
		}
		where = append(where, "r.agency_id = "+arg(f.AgencyID))
	}
	if !f.From.IsZero() {
		where = append(where, "h.on_date >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "h.on_date <= "+arg(f.To))
	}
	// Rank every match cheaply, then build snippets (ts_headline re-parses
	// the text) for the page only.
	q := `WITH query AS (SELECT websearch_to_tsquery('english', $2) AS q),
	hits AS (
		SELECT 'request' AS kind, r.id AS request_id, NULL::uuid AS communication_id, NULL::uuid AS document_id,
		       r.title AS title, COALESCE(r.received_on, r.created_at::date) AS on_date, ts_rank(r.search, query.q) AS rank
		FROM requests r, query WHERE r.org_id = $1 AND r.search @@ query.q
		UNION ALL
		SELECT 'communication', c.request_id, c.id, NULL, c.subject, c.occurred_on, ts_rank(c.search, query.q)
		FROM communications c, query WHERE c.org_id = $1 AND c.search @@ query.q
		UNION ALL
		SELECT 'document', d.request_id, d.communication_id, d.id, d.filename, d.created_at::date, ts_rank(d.search, query.q)
		FROM documents d, query WHERE d.org_id = $1 AND d.deleted_at IS NULL AND d.search @@ query.q
	),
	page AS (
		SELECT h.*, r.title AS request_title, r.status AS request_status, a.name AS agency_name
		FROM hits h
		JOIN requests r ON r.org_id = $1 AND r.id = h.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY h.rank DESC, h.on_date DESC, h.request_id, h.document_id NULLS FIRST, h.communication_id NULLS FIRST
		LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(f.Offset) + `
	)
	SELECT page.*, ts_headline('english',
		CASE page.kind
			WHEN 'request' THEN (SELECT r.title || E'\n' || r.description FROM requests r WHERE r.id = page.request_id)
			WHEN 'communication' THEN (SELECT c.subject || E'\n' || c.body FROM communications c WHERE c.id = page.communication_id)
			ELSE (SELECT d.text FROM documents d WHERE d.id = page.document_id)
		END, query.q, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
	FROM page, query
	ORDER BY page.rank DESC, page.on_date DESC, page.request_id, page.document_id NULLS FIRST, page.communication_id NULLS FIRST`
	var hits []SearchHit
	if err := sqlx.SelectContext(ctx, s.q(), &hits, q, args...); err != nil {
		return nil, false, translate(err, "search")
	}
	more := len(hits) > limit
	if more {
		hits = hits[:limit]
	}
	marks := strings.NewReplacer("\x01", "", "\x02", "")
	for i := range hits {
		raw := hits[i].Snippet
		hits[i].SnippetHTML = strings.NewReplacer("\x01", "<mark>", "\x02", "</mark>").Replace(html.EscapeString(raw))
		hits[i].Snippet = marks.Replace(raw)
	}
	if hits == nil {
		hits = []SearchHit{}
	}
	return hits, more, nil
}
