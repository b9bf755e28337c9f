package store

import (
	"context"
	"html"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A search ranks, for each kind of hit, only its 100 most recent matches.
// To find those without reading every match of a common word, it first
// reads the organization's 1,000 newest rows of the kind (through the
// *_recent_idx indexes), then if fewer than 100 of them match, and it has
// more rows than that, the 10,000 newest; only when those too fall short
// does it read every match through the full-text index, which is then
// cheap as matches are sparse. Either way the candidates are the same: the
// most recent matches.
const (
	defaultSearchCandidates = 100
	defaultSearchWindow     = 1000
)

// searchConfig is the text search configuration of every search column
// and query: english, with accents removed from words before stemming, so
// "Jose" finds "José" and "José" finds "Jose" (migration 0022). A query
// must use the configuration its column was made with.
const searchConfig = "english_unaccent"

// The date of each kind of hit, as its recency index orders it. A request's
// is its receipt, or for a draft the UTC day it was created; a document's
// the UTC day it was uploaded, a note's the one it was written.
const (
	requestDate       = "COALESCE(r.received_on, (r.created_at AT TIME ZONE 'UTC')::date)"
	communicationDate = "c.occurred_on"
	documentDate      = "(d.created_at AT TIME ZONE 'UTC')::date"
	noteDate          = "(e.created_at AT TIME ZONE 'UTC')::date"
)

// SearchFilter selects search hits.
type SearchFilter struct {
	Q        string
	Statuses []sunshine.Status
	AgencyID string
	From, To deadline.Date // the hit's date: receipt, communication, upload, note
	Offset   int
	Limit    int
}

// SearchHit is one ranked match, with its request.
type SearchHit struct {
	Kind            string  `db:"kind" json:"kind"` // request, communication, document, note
	RequestID       string  `db:"request_id" json:"request_id"`
	CommunicationID *string `db:"communication_id" json:"communication_id"`
	DocumentID      *string `db:"document_id" json:"document_id"`
	// NoteID is an internal note's event in its request's timeline.
	NoteID *string `db:"note_id" json:"note_id"`
	// Title is the request's title, the communication's subject, the
	// document's file name; a note's is its request's title.
	Title         string        `db:"title" json:"title"`
	On            deadline.Date `db:"on_date" json:"date"`
	Rank          float64       `db:"rank" json:"rank"`
	RequestTitle  string        `db:"request_title" json:"request_title"`
	RequestStatus string        `db:"request_status" json:"request_status"`
	AgencyName    string        `db:"agency_name" json:"agency_name"`
	Snippet       string        `db:"snippet" json:"snippet"`
	// SnippetHTML is Snippet HTML-escaped, with the matched words in <mark>.
	SnippetHTML string `db:"-" json:"snippet_html"`
}

// Search ranks the caller's requests, communications, documents and
// internal notes against a web-style query ("detainer", "287(g)", "ice
// -vacation", quoted phrases) with PostgreSQL full-text search; each hit
// carries a snippet.
func (s *Store) Search(ctx context.Context, f SearchFilter) ([]SearchHit, bool, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, false, err
	}
	k, window := s.searchCandidates, s.searchWindow
	if k == 0 {
		k, window = defaultSearchCandidates, defaultSearchWindow
	}
	limit := clampLimit(f.Limit)
	q, args, err := searchQuery(org, f, limit, k, window)
	if err != nil {
		return nil, false, err
	}
	var hits []SearchHit
	if err := sqlx.SelectContext(ctx, s.prepared(), &hits, q, args...); err != nil {
		return nil, false, translate(err, "search")
	}
	more := len(hits) > limit
	if more {
		hits = hits[:limit]
	}
	markSnippets(hits)
	if hits == nil {
		hits = []SearchHit{}
	}
	return hits, more, nil
}

// snippetText is the SQL of the text a hit's snippet is made from: of a
// long text, its first chunk that matches, else its first chunk (the match
// was in the subject or file name); of a short one, which has no chunks,
// the text itself.
func snippetText(chunks, key, id, text string) string {
	chunk := `(SELECT k.text FROM ` + chunks + ` k WHERE k.` + key + ` = ` + id
	return `coalesce(` + chunk + ` AND k.search @@ query.q ORDER BY k.n LIMIT 1), ` + chunk + ` AND k.n = 0), ` + text + `)`
}

// snippetOf is the SQL of the snippet of hit (a row with kind, note_id,
// communication_id and document_id, joined to its request r and to
// query), with the matched words between \x01 and \x02.
func snippetOf(hit string) string {
	return `ts_headline('` + searchConfig + `',
		CASE ` + hit + `.kind
			WHEN 'request' THEN r.title || E'\n' || r.description
			WHEN 'note' THEN (SELECT e.note FROM request_events e WHERE e.org_id = $1 AND e.id = ` + hit + `.note_id)
			WHEN 'communication' THEN (SELECT c.subject || E'\n' || ` + snippetText("communication_text_chunks", "communication_id", "c.id", "c.body") + `
				FROM communications c WHERE c.id = ` + hit + `.communication_id)
			ELSE (SELECT ` + snippetText("document_text_chunks", "document_id", "d.id", "d.text") + `
				FROM documents d WHERE d.id = ` + hit + `.document_id)
		END, query.q, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "')`
}

// The snippet's match markers (ts_headline's StartSel and StopSel).
var (
	markHTML = strings.NewReplacer("\x01", "<mark>", "\x02", "</mark>")
	unmark   = strings.NewReplacer("\x01", "", "\x02", "")
)

// searchQuery builds a search for one page of limit hits (plus one, to tell
// whether another follows), ranking k candidates of each kind found in a
// window of the newest rows.
func searchQuery(org string, f SearchFilter, limit, k, window int) (string, []any, error) {
	if strings.TrimSpace(f.Q) == "" {
		return "", nil, sunshine.FieldInvalid("q", "is required: the words to search for")
	}
	args := []any{org, f.Q}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// Filters on the request apply to every kind of hit; the date filter to
	// the hit's own date. Both apply before the candidates are chosen, so
	// narrowing a search reaches older matches.
	var onRequest []string
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ss[i] = string(st)
		}
		onRequest = append(onRequest, "r.status = ANY("+arg(ss)+"::text[])")
	}
	if f.AgencyID != "" {
		if !validUUID(f.AgencyID) {
			return "", nil, sunshine.FieldInvalid("agency_id", "must be a UUID")
		}
		onRequest = append(onRequest, "r.agency_id = "+arg(f.AgencyID))
	}
	var fromArg, toArg string // each date once, however many places compare with it
	if !f.From.IsZero() {
		fromArg = arg(f.From)
	}
	if !f.To.IsZero() {
		toArg = arg(f.To)
	}
	dated := func(col string) string {
		w := []string{"TRUE"}
		if fromArg != "" {
			w = append(w, col+" >= "+fromArg)
		}
		if toArg != "" {
			w = append(w, col+" <= "+toArg)
		}
		return strings.Join(w, " AND ")
	}
	// Communications and documents match a request filter through their request.
	requestOf := func(alias string) string {
		if len(onRequest) == 0 {
			return "TRUE"
		}
		return "EXISTS (SELECT 1 FROM requests r WHERE r.org_id = $1 AND r.id = " + alias + ".request_id AND " +
			strings.Join(onRequest, " AND ") + ")"
	}
	kArg, windowArg, tenWindowsArg := arg(k), arg(window), arg(10*window)
	match := func(alias string) string {
		return alias + ".search @@ websearch_to_tsquery('" + searchConfig + "', $2)"
	}
	// kind returns the candidates of one kind of hit, the most recent
	// first: those of the first window (the newest window rows, then ten
	// times as many) that holds k matches, else every match. A window is
	// read only when the one before fell short; the wider one, only if
	// the organization has more rows than the first, which otherwise held
	// every match already.
	kind := func(name, columns, from, alias, scope, date, filter string) string {
		order := date + " DESC, " + alias + ".id DESC"
		inScope := from + ` WHERE ` + scope + ` AND ` + dated(date) // the organization's rows of the kind, in the dates asked
		window := func(i int, size, gate string) string {
			return name + "_" + strconv.Itoa(i) + ` AS (
			SELECT * FROM (SELECT ` + columns + ` FROM ` + inScope + `
				ORDER BY ` + order + ` LIMIT ` + size + `) ` + alias + `
			WHERE ` + gate + ` AND ` + match(alias) + ` AND ` + filter + `
			ORDER BY ` + alias + `.on_date DESC, ` + alias + `.id DESC LIMIT ` + kArg + `
		)`
		}
		shortOf := func(i int) string { return "(SELECT count(*) FROM " + name + "_" + strconv.Itoa(i) + ") < " + kArg }
		// The first window fell short, and the organization has more rows
		// than it (counted in any order, so through the cheapest index;
		// once, as a CTE, and only when the window fell short).
		widen := shortOf(0) + " AND (SELECT more FROM " + name + "_more)"
		beyond := widen + " AND " + shortOf(1) // both windows fell short
		// "+ 0": through the full-text index, never the recency one.
		return window(0, windowArg, "TRUE") + `,
		` + name + `_more AS (
			SELECT count(*) > ` + windowArg + ` AS more FROM (SELECT 1 FROM ` + inScope + `
				LIMIT ` + windowArg + ` + 1) n
		),
		` + window(1, tenWindowsArg, widen) + `,
		` + name + ` AS (
			SELECT * FROM ` + name + `_0 WHERE NOT (` + widen + `)
			UNION ALL
			SELECT * FROM ` + name + `_1 WHERE ` + widen + ` AND NOT ` + shortOf(1) + `
			UNION ALL
			(SELECT ` + columns + ` FROM ` + inScope + ` AND ` + match(alias) + ` AND ` + filter + `
				AND ` + beyond + `
				ORDER BY ` + date + ` + 0 DESC, ` + alias + `.id DESC LIMIT ` + kArg + `)
		)`
	}
	requestFilter := strings.Join(append(onRequest, "TRUE"), " AND ")
	// The request whose external ID (an import's reference) is the text
	// typed, whatever its case, as the requests list's q finds it: one
	// look-up through requests_org_external_id_key (on lower(external_id),
	// migration 0041), whatever the organization's size. It
	// ranks first, once, with rank 1 (the most a word match reaches).
	exactArg := arg(strings.TrimSpace(f.Q))
	q := `WITH query AS (SELECT websearch_to_tsquery('` + searchConfig + `', $2) AS q),
	exact_hit AS (
		SELECT r.id, 'request' AS kind, r.id AS request_id, NULL::uuid AS communication_id, NULL::uuid AS document_id,
			NULL::uuid AS note_id, r.title, ` + requestDate + ` AS on_date, r.search
		FROM requests r
		WHERE r.org_id = $1 AND lower(r.external_id) = lower(` + exactArg + `) AND ` + dated(requestDate) + ` AND ` + requestFilter + `
	),
	` + kind("request_hits", `r.id, 'request' AS kind, r.id AS request_id, NULL::uuid AS communication_id, NULL::uuid AS document_id,
			NULL::uuid AS note_id, r.title, `+requestDate+` AS on_date, r.search, r.status, r.agency_id`,
		"requests r", "r", "r.org_id = $1", requestDate, requestFilter) + `,
	` + kind("communication_hits", `c.id, 'communication' AS kind, c.request_id, c.id AS communication_id, NULL::uuid AS document_id,
			NULL::uuid AS note_id, c.subject AS title, `+communicationDate+` AS on_date, c.search`,
		"communications c", "c", "c.org_id = $1", communicationDate, requestOf("c")) + `,
	` + kind("document_hits", `d.id, 'document' AS kind, d.request_id, d.communication_id, d.id AS document_id,
			NULL::uuid AS note_id, COALESCE(d.archive_path, d.filename) AS title, `+documentDate+` AS on_date, d.search`,
		"documents d", "d", "d.org_id = $1 AND d.deleted_at IS NULL", documentDate, requestOf("d")) + `,
	` + kind("note_hits", `e.id, 'note' AS kind, e.request_id, NULL::uuid AS communication_id, NULL::uuid AS document_id,
			e.id AS note_id, NULL::text AS title, `+noteDate+` AS on_date, e.search`,
		"request_events e", "e", "e.org_id = $1 AND e.kind = 'note_added'", noteDate, requestOf("e")) + `,
	candidates AS (
		SELECT kind, request_id, communication_id, document_id, note_id, title, on_date, search, TRUE AS exact FROM exact_hit
		UNION ALL SELECT kind, request_id, communication_id, document_id, note_id, title, on_date, search, FALSE FROM request_hits
			WHERE id NOT IN (SELECT id FROM exact_hit)
		UNION ALL SELECT kind, request_id, communication_id, document_id, note_id, title, on_date, search, FALSE FROM communication_hits
		UNION ALL SELECT kind, request_id, communication_id, document_id, note_id, title, on_date, search, FALSE FROM document_hits
		UNION ALL SELECT kind, request_id, communication_id, document_id, note_id, title, on_date, search, FALSE FROM note_hits
	),
	page AS (
		SELECT h.kind, h.request_id, h.communication_id, h.document_id, h.note_id, h.title, h.on_date, h.exact,
			CASE WHEN h.exact THEN 1 ELSE ts_rank(h.search, query.q) END AS rank
		FROM candidates h CROSS JOIN query
		ORDER BY h.exact DESC, rank DESC, h.on_date DESC, h.request_id, h.document_id NULLS FIRST, h.communication_id NULLS FIRST, h.note_id NULLS FIRST
		LIMIT ` + arg(limit+1) + ` OFFSET ` + arg(f.Offset) + `
	)
	-- The request and agency, and the snippet (ts_headline re-parses the
	-- text), for the page only; a long text's from one chunk of it.
	SELECT page.kind, page.request_id, page.communication_id, page.document_id, page.note_id,
		coalesce(page.title, r.title) AS title, page.on_date, page.rank,
		r.title AS request_title, r.status AS request_status, a.name AS agency_name, ` + snippetOf("page") + ` AS snippet
	FROM page
	CROSS JOIN query
	JOIN requests r ON r.org_id = $1 AND r.id = page.request_id
	JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
	ORDER BY page.exact DESC, page.rank DESC, page.on_date DESC, page.request_id, page.document_id NULLS FIRST, page.communication_id NULLS FIRST,
		page.note_id NULLS FIRST`
	return q, args, nil
}

// matchesAmong returns which of objects match q, as hits with their
// request, agency and snippet (rank 0: they are listed in the order they
// came), for a search alert. Another organization's IDs match nothing.
func (s *Store) matchesAmong(ctx context.Context, q string, objects alertObjects) ([]SearchHit, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(q) == "" {
		return nil, sunshine.FieldInvalid("q", "is required: the words to search for")
	}
	query := `WITH query AS (SELECT websearch_to_tsquery('` + searchConfig + `', $2) AS q),
	hits AS (
		SELECT 'request' AS kind, r.id AS request_id, NULL::uuid AS communication_id, NULL::uuid AS document_id,
			NULL::uuid AS note_id, NULL::text AS title, ` + requestDate + ` AS on_date
		FROM requests r, query WHERE r.org_id = $1 AND r.id = ANY($3::uuid[]) AND r.search @@ query.q
		UNION ALL
		SELECT 'communication', c.request_id, c.id, NULL, NULL, c.subject, ` + communicationDate + `
		FROM communications c, query WHERE c.org_id = $1 AND c.id = ANY($4::uuid[]) AND c.search @@ query.q
		UNION ALL
		SELECT 'document', d.request_id, d.communication_id, d.id, NULL, COALESCE(d.archive_path, d.filename), ` + documentDate + `
		FROM documents d, query WHERE d.org_id = $1 AND d.id = ANY($5::uuid[]) AND d.deleted_at IS NULL AND d.search @@ query.q
		UNION ALL
		SELECT 'note', e.request_id, NULL, NULL, e.id, NULL, ` + noteDate + `
		FROM request_events e, query WHERE e.org_id = $1 AND e.id = ANY($6::uuid[]) AND e.kind = 'note_added' AND e.search @@ query.q
	)
	SELECT h.kind, h.request_id, h.communication_id, h.document_id, h.note_id, coalesce(h.title, r.title) AS title,
		h.on_date, 0::float8 AS rank, r.title AS request_title, r.status AS request_status, a.name AS agency_name,
		` + snippetOf("h") + ` AS snippet
	FROM hits h
	CROSS JOIN query
	JOIN requests r ON r.org_id = $1 AND r.id = h.request_id
	JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id`
	var hits []SearchHit
	err = sqlx.SelectContext(ctx, s.q(), &hits, query, org, q, pq.Array(objects.requests), pq.Array(objects.communications),
		pq.Array(objects.documents), pq.Array(objects.notes))
	if err != nil {
		return nil, translate(err, "search alert matches")
	}
	markSnippets(hits)
	return hits, nil
}

// markSnippets turns each hit's snippet, as ts_headline marked it, into
// plain text and HTML-escaped text with the matched words in <mark>.
func markSnippets(hits []SearchHit) {
	for i := range hits {
		raw := hits[i].Snippet
		hits[i].SnippetHTML = markHTML.Replace(html.EscapeString(raw))
		hits[i].Snippet = unmark.Replace(raw)
	}
}
