package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestRequestLists_UseIndexes generates 100,000 requests (most in one
// organization, spread over 50 agencies, 10 assignees, four laws and every
// status; a few unassigned, a few under a fifth law), then EXPLAINs each
// list query the API runs, planned for its arguments and as a prepared
// statement's generic plan, and requires that it reads requests through an
// index, never a sequential scan of the table, no more rows than its page
// needs, and not most of the organization's rows to find them.
// docs/operations.md records the plans.
func TestRequestLists_UseIndexes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates 100,000 rows")
	}
	db := storetest.DB(t)
	const setupSQL = `
		INSERT INTO organizations (id, name, slug) VALUES
			('00000000-0000-0000-0000-000000000001', 'Big', 'big'),
			('00000000-0000-0000-0000-000000000002', 'Small', 'small');
		INSERT INTO users (id, org_id, email, role)
			SELECT ('00000000-0000-0000-0001-' || lpad(i::text, 12, '0'))::uuid,
			       '00000000-0000-0000-0000-000000000001', 'u' || i || '@big.example', 'staff'
			FROM generate_series(1, 10) i;
		INSERT INTO agencies (id, org_id, name, jurisdiction, time_zone)
			SELECT ('00000000-0000-0000-0002-' || lpad(i::text, 12, '0'))::uuid,
			       CASE WHEN i <= 50 THEN '00000000-0000-0000-0000-000000000001'::uuid ELSE '00000000-0000-0000-0000-000000000002'::uuid END,
			       'Agency ' || i, (ARRAY['us-ca','us-federal','us-ny','us-tx'])[1 + i % 4], 'America/Los_Angeles'
			FROM generate_series(1, 60) i;
		-- Rows spread over ten times the pages, as a table of a million wide
		-- rows spreads an organization's requests (see the statistics below).
		ALTER TABLE requests SET (fillfactor = 10);
		INSERT INTO requests (org_id, agency_id, title, description, delivery_method, status, jurisdiction,
		                      received_on, due_on, assignee_id, tags, tracking_number, external_id)
			SELECT CASE WHEN i % 20 = 0 THEN '00000000-0000-0000-0000-000000000002'::uuid ELSE '00000000-0000-0000-0000-000000000001'::uuid END,
			       ('00000000-0000-0000-0002-' || lpad((CASE WHEN i % 20 = 0 THEN 51 + i % 10 ELSE 1 + i % 50 END)::text, 12, '0'))::uuid,
			       'Request ' || i || CASE WHEN i % 97 = 0 THEN ' about detainers' ELSE '' END
			           || CASE WHEN i % 4999 = 0 THEN ' and informants' ELSE '' END,
			       'Records of ' || i, 'email',
			       (ARRAY['submitted','acknowledged','rolling_production','fulfilled','denied','partially_granted','withdrawn','no_records','awaiting_requester','appealed'])[1 + i % 10],
			       -- Each request under its agency's law (a quarter each),
			       -- but for 20 under a law no agency has any more.
			       CASE WHEN i % 4999 = 0 THEN 'us-wa'
			            ELSE (ARRAY['us-ca','us-federal','us-ny','us-tx'])[1 + (CASE WHEN i % 20 = 0 THEN 51 + i % 10 ELSE 1 + i % 50 END) % 4] END,
			       DATE '2016-01-01' + (i % 3650), DATE '2016-01-11' + (i % 3650),
			       -- Assigned, but for 95 of the big organization's (and
			       -- every one of the small one's).
			       CASE WHEN i % 20 <> 0 AND i % 997 <> 0 THEN ('00000000-0000-0000-0001-' || lpad((1 + i % 10)::text, 12, '0'))::uuid END,
			       CASE WHEN i % 50 = 0 THEN ARRAY['ICE'] ELSE '{}' END,
			       'CBP-' || (2016 + i % 10) || '-' || lpad(i::text, 6, '0'),
			       -- Half of them imported from a spreadsheet.
			       CASE WHEN i % 2 = 0 THEN 'row-' || i END
			FROM generate_series(1, 100000) i;
		-- A fifth of the acknowledged requests are New York ones (FOIL), with
		-- the agency's estimate 20 days after the statutory date.
		UPDATE requests SET jurisdiction = 'us-ny', agency_estimated_on = due_on + 20
			WHERE status = 'acknowledged' AND abs(hashtext(id::text)) % 5 = 0;
		-- Each request's timeline: its creation, and for one in five an
		-- internal note quoting its title (so one in a hundred says "detainers").
		INSERT INTO request_events (org_id, request_id, kind, note)
			SELECT org_id, id, 'created', '' FROM requests;
		INSERT INTO request_events (org_id, request_id, kind, note)
			SELECT org_id, id, 'note_added', 'Called the records officer about ' || title
			FROM requests WHERE abs(hashtext(id::text)) % 5 = 0;
		-- The moves of those in rolling production or under appeal: to
		-- acknowledged, then to their status (which only this event dates).
		INSERT INTO request_events (org_id, request_id, kind, effective_on, data)
			SELECT org_id, id, 'status_changed', received_on + 2, jsonb_build_object('from', 'submitted', 'to', 'acknowledged')
			FROM requests WHERE status IN ('rolling_production', 'appealed');
		INSERT INTO request_events (org_id, request_id, kind, effective_on, data)
			SELECT org_id, id, 'status_changed', received_on + 5, jsonb_build_object('from', 'acknowledged', 'to', status)
			FROM requests WHERE status IN ('rolling_production', 'appealed');
		-- Statistics as in a shared installation (bench/: a million
		-- requests of 200 organizations at 7,600 agencies): the planner
		-- expects thousands of requests in an organization, and almost none
		-- of them at any one agency of it.
		ALTER TABLE requests ALTER COLUMN org_id SET (n_distinct = 20),
			ALTER COLUMN agency_id SET (n_distinct = 7600);
		ALTER TABLE request_events ALTER COLUMN org_id SET (n_distinct = 20);
		ANALYZE;`
	_, err := db.Exec(setupSQL)
	require.NoError(t, err)

	org := "00000000-0000-0000-0000-000000000001"
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	open := []sunshine.Status{sunshine.StatusSubmitted, sunshine.StatusAcknowledged, sunshine.StatusAwaitingRequester, sunshine.StatusRollingProduction, sunshine.StatusAppealed, sunshine.StatusInLitigation}
	var report strings.Builder
	// Most rows of requests a plan may read: a page and its one extra row,
	// with some slack, when an index delivers the rows in the list's order.
	const ordered = 2 * (store.DefaultPageSize + 1)
	// Most rows of requests a plan may read, matching or not: a tenth of them.
	const visited = 10000.0
	small := "00000000-0000-0000-0000-000000000002"
	// The cases listed for the small organization; the rest are the big one's.
	smallOrg := map[string]bool{"unassigned, small org": true}
	for _, tc := range []struct {
		name string
		f    sunshine.RequestFilter
		rows float64
	}{
		{"all, by due date", sunshine.RequestFilter{}, ordered},
		{"open, by due date (dashboard)", sunshine.RequestFilter{Statuses: open}, ordered},
		{"overdue", sunshine.RequestFilter{Overdue: true}, ordered},
		{"by agency", sunshine.RequestFilter{AgencyID: "00000000-0000-0000-0002-000000000007"}, ordered},
		{"by assignee", sunshine.RequestFilter{AssigneeID: "00000000-0000-0000-0001-000000000003"}, ordered},
		{"by tag", sunshine.RequestFilter{Tag: "ice"}, 1000}, // through the tags index, in any case: its 950 "ICE"
		{"unassigned", sunshine.RequestFilter{Unassigned: true}, ordered},
		{"unassigned, open (Requests page)", sunshine.RequestFilter{Statuses: open, Unassigned: true}, ordered},
		// Where every request is unassigned: the small organization.
		{"unassigned, small org", sunshine.RequestFilter{Unassigned: true}, ordered},
		{"by law", sunshine.RequestFilter{Jurisdictions: []string{"us-ny"}}, ordered},
		{"by law, open (Requests page)", sunshine.RequestFilter{Statuses: open, Jurisdictions: []string{"us-ny"}}, ordered},
		{"by two laws", sunshine.RequestFilter{Jurisdictions: []string{"us-ny", "us-tx"}}, ordered},
		{"by a rare law", sunshine.RequestFilter{Jurisdictions: []string{"us-wa"}}, ordered},
		{"by two rare laws", sunshine.RequestFilter{Jurisdictions: []string{"us-wa", "us-il"}}, ordered}, // us-il: none
		{"due this week", sunshine.RequestFilter{DueAfter: deadline.MustParseDate("2024-06-01"), DueBefore: deadline.MustParseDate("2024-06-07")}, ordered},
		{"words in title", sunshine.RequestFilter{Q: "detainers"}, 1000}, // through the full-text index: its 979 matches
		// One request's tracking number, whole or its digits: its one row,
		// through the full-text index, not a walk of the due-date index.
		{"tracking number", sunshine.RequestFilter{Q: "CBP-2019-000123"}, 2},
		{"tracking number's digits", sunshine.RequestFilter{Q: "000123"}, 2},
		// An import's look-up of its reference, typed in another case: its
		// one row, through requests_org_external_id_key (on
		// lower(external_id)); typed in q, that index or'ed with the
		// full-text one.
		{"external ID", sunshine.RequestFilter{ExternalID: "ROW-12346"}, 2},
		{"external ID in q", sunshine.RequestFilter{Q: "Row-12346"}, 2},
		{"second page", sunshine.RequestFilter{After: store.EncodeCursor("requests", "2020-01-01", "00000000-0000-0000-0000-000000000000")}, ordered},
		{"second page, open", sunshine.RequestFilter{Statuses: open, After: store.EncodeCursor("requests", "2020-01-01", "00000000-0000-0000-0000-000000000000")}, ordered},
		{"export's second page", sunshine.RequestFilter{Limit: 200, After: store.EncodeCursor("requests", "2020-01-01", "00000000-0000-0000-0000-000000000000")}, 2 * 201},
		// With status_on from the timeline: a probe of each such request's
		// own events (see below).
		{"export's second page, with status_on", sunshine.RequestFilter{Limit: 200, WithStatusChangedOn: true,
			After: store.EncodeCursor("requests", "2020-01-01", "00000000-0000-0000-0000-000000000000")}, 2 * 201},
		// The dashboard's calendar and sections on the date to follow
		// (migration 0024's indexes); each reads about the rows it lists.
		{"a month's dates to follow (calendar)", sunshine.RequestFilter{Statuses: open, Limit: 200,
			FollowAfter: deadline.MustParseDate("2024-06-01"), FollowBefore: deadline.MustParseDate("2024-06-30")}, 1000},
		{"agency's estimate passed", sunshine.RequestFilter{Limit: 200, EstimatePassed: true,
			Statuses: []sunshine.Status{sunshine.StatusAcknowledged, sunshine.StatusRollingProduction}}, 2500},
		{"no date to follow", sunshine.RequestFilter{Limit: 200, NoDateToFollow: true,
			// A page of its about 14,500 matches, through requests_no_date_idx.
			Statuses: []sunshine.Status{sunshine.StatusSubmitted, sunshine.StatusAcknowledged, sunshine.StatusRollingProduction, sunshine.StatusAppealed, sunshine.StatusInLitigation}}, 2 * 201},
	} {
		limit := store.DefaultPageSize
		if tc.f.Limit > 0 {
			limit = tc.f.Limit
		}
		listOrg := org
		if smallOrg[tc.name] {
			listOrg = small
		}
		q, args, err := store.RequestListQuery(listOrg, tc.f, limit, now)
		require.NoError(t, err)
		// The server prepares list queries without words, and after five
		// runs PostgreSQL may keep a generic plan, made without knowing the
		// organization or the cursor: that plan must walk an index too.
		modes := []string{"auto"}
		if tc.f.Q == "" {
			modes = append(modes, "force_generic_plan")
		}
		for _, mode := range modes {
			plan := explain(t, db, mode, q, args)
			scans := plan.Plan.scansOf("requests")
			require.NotEmpty(t, scans, "%s (%s): no scan of requests", tc.name, mode)
			for _, s := range scans {
				require.NotEqual(t, "Seq Scan", s, "%s (%s) reads requests sequentially", tc.name, mode)
			}
			require.LessOrEqual(t, plan.Plan.rowsReadOf("requests"), tc.rows, "%s (%s): rows of requests read", tc.name, mode)
			if strings.HasPrefix(tc.name, "external ID") {
				require.True(t, slices.ContainsFunc(scans, func(s string) bool { return strings.HasSuffix(s, " using requests_org_external_id_key") }),
					"%s (%s): %v", tc.name, mode, scans)
				require.Equal(t, 1.0, plan.Plan.rowsReadOf("requests"), "%s (%s): its one request, whatever the case typed", tc.name, mode)
			}
			// Nor a walk of an index through most of the organization,
			// dropping what does not match (a rare law, the few unassigned).
			require.LessOrEqual(t, plan.Plan.rowsReadOf("requests")+plan.Plan.rowsFilteredOf("requests"), visited,
				"%s (%s): rows of requests read and dropped by a filter", tc.name, mode)
			if tc.f.WithStatusChangedOn {
				// The timeline's date of a page's requests in rolling
				// production or under appeal (a fifth of them): through
				// request_events_request_idx, a few events each, never
				// the whole timeline.
				events := plan.Plan.scansOf("request_events")
				require.NotEmpty(t, events, "%s (%s)", tc.name, mode)
				for _, s := range events {
					require.Contains(t, []string{"Index Scan using request_events_request_idx", "Bitmap Index Scan using request_events_request_idx",
						"Bitmap Heap Scan"}, s, "%s (%s)", tc.name, mode)
				}
				t.Logf("%s (%s): events %v, %.0f read, %.0f dropped", tc.name, mode, events, plan.Plan.rowsReadOf("request_events"), plan.Plan.rowsFilteredOf("request_events"))
				require.LessOrEqual(t, plan.Plan.rowsReadOf("request_events")+plan.Plan.rowsFilteredOf("request_events"), 201.0*4/5,
					"%s (%s): events read", tc.name, mode)
			}
			fmt.Fprintf(&report, "| %s (%s) | %s | %.2f ms | %.0f / %.0f |\n", tc.name, mode, strings.Join(scans, ", "), plan.ExecutionTime, plan.Plan.rowsReadOf("requests"), plan.Plan.rowsFilteredOf("requests"))
		}
	}

	// The Law filter's choices: a probe of requests_jurisdiction_idx for
	// each law, not a read of the organization's requests.
	t.Run("laws in use", func(t *testing.T) {
		plan := explain(t, db, "force_generic_plan", store.JurisdictionsInUseSQL, []any{org})
		scans := plan.Plan.scansOf("requests")
		require.NotEmpty(t, scans)
		require.NotContains(t, scans, "Seq Scan")
		require.LessOrEqual(t, plan.Plan.rowsReadOf("requests")+plan.Plan.rowsFilteredOf("requests"), 10.0, "a row per law")
		fmt.Fprintf(&report, "| laws in use | %s | %.2f ms |\n", strings.Join(slices.Compact(scans), ", "), plan.ExecutionTime)
	})

	// Search: a word in every title reads the newest window only; one in a
	// hundredth of them, the wider window; a rare one goes to the full-text
	// index; none reads requests sequentially.
	for _, tc := range []struct {
		name, q, want string
		rows          float64 // most request rows the plan may read (the page's 51 included)
	}{
		{"search, a word in every request", "Request", "Index Scan using requests_recent_idx", store.SearchCandidates + 60},
		// Both windows, and the count that finds more rows than the first.
		{"search, a word in 1% of requests", "detainers", "Index Scan using requests_recent_idx", 12 * store.SearchWindow},
		// The same, then its 19 matches.
		{"search, a rare word", "informants", "Bitmap Index Scan using requests_search_idx", 12*store.SearchWindow + 19 + 60},
		// The same way to a tracking number's one request.
		{"search, a tracking number", "CBP-2019-000123", "Bitmap Index Scan using requests_search_idx", 12*store.SearchWindow + 1 + 60},
		// An external ID: its request through the unique index, and the
		// same words' way to none (no text says "row").
		{"search, an external ID", "ROW-12346", "Index Scan using requests_org_external_id_key", 12*store.SearchWindow + 1 + 60},
	} {
		q, args, err := store.SearchQuery(org, store.SearchFilter{Q: tc.q}, store.DefaultPageSize, store.SearchCandidates, store.SearchWindow)
		require.NoError(t, err)
		// As a prepared statement's generic plan: the one the server keeps.
		plan := explain(t, db, "force_generic_plan", q, args)
		scans := plan.Plan.scansOf("requests")
		require.Contains(t, scans, tc.want, tc.name)
		require.NotContains(t, scans, "Seq Scan", tc.name)
		// Every search looks the text up as an external ID once, by index.
		require.Equal(t, 1, count(scans, "Index Scan using requests_org_external_id_key"), "%s: %v", tc.name, scans)
		require.LessOrEqual(t, plan.Plan.rowsReadOf("requests"), tc.rows, tc.name)
		// Notes, as requests: through their own indexes, never the whole
		// timeline (120,000 events): both windows at most, then a word's
		// few hundred matches and the page's snippets.
		notes := plan.Plan.scansOf("request_events")
		require.NotContains(t, notes, "Seq Scan", tc.name)
		require.LessOrEqual(t, plan.Plan.rowsReadOf("request_events"), float64(13*store.SearchWindow), tc.name)
		fmt.Fprintf(&report, "| %s | %s; notes: %s | %.2f ms |\n", tc.name, strings.Join(scans, ", "), strings.Join(notes, ", "), plan.ExecutionTime)
	}
	// An organization with fewer rows than the window has every match in
	// it: the window is read once, not again widened, nor the full-text
	// index after it. (Here the small organization's 5,000 requests, with
	// a window of 10,000; 51 of them match, fewer than the candidates.)
	t.Run("search, an organization smaller than the window", func(t *testing.T) {
		q, args, err := store.SearchQuery(small, store.SearchFilter{Q: "detainers"}, store.DefaultPageSize, store.SearchCandidates, 10*store.SearchWindow)
		require.NoError(t, err)
		plan := explain(t, db, "force_generic_plan", q, args)
		scans := plan.Plan.scansOf("requests")
		require.Equal(t, 1, count(scans, "Index Scan using requests_recent_idx"), "the window read once: %v", scans)
		require.NotContains(t, scans, "Bitmap Index Scan using requests_search_idx")
		fmt.Fprintf(&report, "| search, an organization smaller than the window | %s | %.2f ms |\n", strings.Join(scans, ", "), plan.ExecutionTime)
	})
	t.Logf("plans on 100,000 requests:\n%s", report.String())
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

type explained struct {
	Plan          planNode `json:"Plan"`
	ExecutionTime float64  `json:"Execution Time"`
}

// explain runs q under EXPLAIN ANALYZE as a prepared statement, planned
// as plan_cache_mode says ("force_generic_plan": the plan a prepared
// statement may keep, made without the arguments' values). A query with
// parameters EXPLAINed directly is planned with its arguments' values.
func explain(t *testing.T, db *sqlx.DB, mode, q string, args []any) explained {
	t.Helper()
	tx, err := db.Begin()
	require.NoError(t, err)
	defer func() { require.NoError(t, tx.Rollback()) }()
	_, err = tx.Exec("SET LOCAL plan_cache_mode = " + mode)
	require.NoError(t, err)
	_, err = tx.Exec("PREPARE explained AS " + q)
	require.NoError(t, err)
	defer func() { _, err := tx.Exec("DEALLOCATE explained"); require.NoError(t, err) }()
	// EXECUTE takes its arguments as literals, not as bound parameters.
	literals := make([]string, len(args))
	for i, a := range args {
		if tm, ok := a.(time.Time); ok {
			a = tm.Format(time.RFC3339Nano)
		}
		literals[i] = pq.QuoteLiteral(fmt.Sprint(a))
	}
	var raw []byte
	require.NoError(t, tx.QueryRow("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE explained("+strings.Join(literals, ", ")+")").Scan(&raw))
	var plan []explained
	require.NoError(t, json.Unmarshal(raw, &plan))
	return plan[0]
}

type planNode struct {
	NodeType     string  `json:"Node Type"`
	RelationName string  `json:"Relation Name"`
	IndexName    string  `json:"Index Name"`
	ActualRows   float64 `json:"Actual Rows"`
	ActualLoops  float64 `json:"Actual Loops"`
	// RowsRemovedByFilter is per loop, like ActualRows.
	RowsRemovedByFilter float64    `json:"Rows Removed by Filter"`
	Plans               []planNode `json:"Plans"`
}

// rowsReadOf sums the rows the plan's scans of a table returned, over
// all their loops.
func (n planNode) rowsReadOf(table string) float64 {
	var rows float64
	if n.RelationName == table && strings.HasSuffix(n.NodeType, "Scan") {
		rows += n.ActualRows * n.ActualLoops
	}
	for _, c := range n.Plans {
		rows += c.rowsReadOf(table)
	}
	return rows
}

// rowsFilteredOf sums the rows of a table the plan's scans read and
// dropped by a filter, over all their loops.
func (n planNode) rowsFilteredOf(table string) float64 {
	var rows float64
	if n.RelationName == table && strings.HasSuffix(n.NodeType, "Scan") {
		rows += n.RowsRemovedByFilter * n.ActualLoops
	}
	for _, c := range n.Plans {
		rows += c.rowsFilteredOf(table)
	}
	return rows
}

// scansOf lists how the plan reads a table: "Index Scan using x", … (nodes
// never executed, such as a search's unused branch, are left out).
func (n planNode) scansOf(table string) []string {
	var out []string
	if n.ActualLoops == 0 {
		return nil
	}
	if n.RelationName == table || (n.NodeType == "Bitmap Index Scan" && strings.HasPrefix(n.IndexName, table+"_")) {
		s := n.NodeType
		if n.IndexName != "" {
			s += " using " + n.IndexName
		}
		if n.NodeType != "Bitmap Heap Scan" {
			out = append(out, s)
		}
	}
	for _, c := range n.Plans {
		out = append(out, c.scansOf(table)...)
	}
	return out
}
