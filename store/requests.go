package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// requestRow scans a request; tags need lib/pq's array type, which the
// domain package does not import. Its pauses come in the same row, as text
// ("2024-01-02/2024-01-05,2024-02-01/"): one query instead of two; so do
// its agency's closure days from the receipt date on ("2025-03-06 storm").
type requestRow struct {
	sunshine.Request
	Tags        pq.StringArray `db:"tags"`
	PauseList   sql.NullString `db:"pause_list"`
	ClosureList pq.StringArray `db:"closure_list"`
}

var requestColumns = `SELECT r.id, r.org_id, r.agency_id, a.name AS agency_name, a.time_zone, r.title, r.description,
	r.delivery_method, r.status, r.jurisdiction, r.sent_on, r.received_on, r.due_on, r.extended,
	r.extension_invoked_on, r.custom_due_on, r.custom_due_reason, r.agency_estimated_on, r.acknowledged_on, r.tracking_number,
	r.external_id, r.reply_token, r.group_id, r.assignee_id, r.tags, r.closed_on, r.created_by, r.created_at, r.updated_at, r.version,
	asg.email AS assignee_email, asg.name AS assignee_name,
	(SELECT max(c.occurred_on) FROM communications c WHERE c.request_id = r.id) AS last_communication_on,
	(SELECT string_agg(to_char(p.started_on, 'YYYY-MM-DD') || '/' || coalesce(to_char(p.ended_on, 'YYYY-MM-DD'), ''), ',' ORDER BY p.started_on)
		FROM request_pauses p WHERE p.request_id = r.id) AS pause_list,
	` + closureList("r.agency_id", "r.received_on") + ` AS closure_list`

// requestJoins brings in the agency and the assignee of requests r of
// organization org. The assignee is a join rather than a subquery in
// requestColumns: a dashboard page then took PostgreSQL 1.8-2.2 ms instead
// of 3.0-3.3 (median of 100, alternating), with the same buffers read.
func requestJoins(org string) string {
	return `JOIN agencies a ON a.org_id = ` + org + ` AND a.id = r.agency_id
	LEFT JOIN users asg ON asg.org_id = ` + org + ` AND asg.id = r.assignee_id`
}

var requestSelect = requestColumns + `
	FROM requests r ` + requestJoins("r.org_id")

// CreateRequest files a request with an agency of the caller's directory. It
// is a draft without a receipt date and submitted with one, in which case
// its due date is computed at once.
//
// It takes two round trips: one read (agency, assignee, reminder policy)
// and one statement that writes the row, its timeline and its reminder
// schedule. A single statement is atomic without BEGIN and COMMIT, and
// creating requests is the hottest write there is.
func (s *Store) CreateRequest(ctx context.Context, r *sunshine.Request) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	q := s.prepared() // the same two statements on every create
	create := func() error { return s.createOnce(ctx, q, p, r) }
	if r.AssigneeID != nil && *r.AssigneeID != p.UserID {
		// Assigned to someone else as it is filed: the email to them is
		// queued in the same transaction.
		create = func() error {
			return s.inTx(ctx, func(tx *sqlx.Tx) error {
				if err := s.createOnce(ctx, tx, p, r); err != nil {
					return err
				}
				return s.queueAssignedEmail(ctx, tx, r, "")
			})
		}
	}
	for attempt := 1; ; attempt++ {
		err := create()
		if !errors.Is(err, errClosuresChanged) {
			return err
		}
		if attempt == 3 {
			return sunshine.Errorf(sunshine.EConflict, "the agency's closure days keep changing; try again")
		}
	}
}

// errClosuresChanged: the agency's closure days changed between reading
// them and filing the request, whose due date then needs computing again.
var errClosuresChanged = errors.New("store: closure days changed")

// testHookAfterCreationFacts runs between a create's two statements, in
// tests that change closure days there.
var testHookAfterCreationFacts func()

// createOnce files r in two statements: a read of the agency, its closure
// days and the reminder policy, and the insert, which inserts nothing
// (errClosuresChanged) unless the closure days are still those read.
func (s *Store) createOnce(ctx context.Context, q sqlx.QueryerContext, p sunshine.Principal, r *sunshine.Request) error {
	f, err := findCreationFacts(ctx, q, p.OrgID, r.AgencyID, r.AssigneeID, r.ReceivedOn)
	if err != nil {
		return err
	}
	r.OrgID, r.AgencyName, r.TimeZone, r.Jurisdiction = p.OrgID, f.AgencyName, f.TimeZone, f.Jurisdiction
	if err := sunshine.JoinInvalid(s.notFuture(r, "sent_on", r.SentOn), s.notFuture(r, "received_on", r.ReceivedOn)); err != nil {
		return err
	}
	r.Status = sunshine.StatusDraft
	if !r.ReceivedOn.IsZero() {
		r.Status = sunshine.StatusSubmitted
	}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if p.UserID != "" {
		r.CreatedBy = &p.UserID
	}
	if testHookAfterCreationFacts != nil {
		testHookAfterCreationFacts()
	}
	if r.Closures, err = parseClosureList(f.Closures); err != nil {
		return err
	}
	res, ok, err := computeDue(r, "received_on")
	if err != nil {
		return err
	}
	sch, err := ScheduleFor(r, f.SoonDays, f.AwaitingAfter)
	if err != nil {
		return err
	}
	created := map[string]any{"status": r.Status, "agency_id": r.AgencyID, "jurisdiction": r.Jurisdiction}
	if r.GroupID != nil {
		created["group_id"] = *r.GroupID // filed together with the group's first request
	}
	events := []newEvent{{Kind: sunshine.EventCreated, On: r.ReceivedOn, Data: created}}
	if e, ok := dueChange(r, deadline.Date{}, res, ok); ok {
		events = append(events, e)
	}
	evJSON, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("store: event data: %w", err)
	}
	err = q.QueryRowxContext(ctx, createInsert, r.OrgID, r.AgencyID, r.Title, r.Description, r.DeliveryMethod, r.Status,
		r.Jurisdiction, r.SentOn, r.ReceivedOn, r.DueOn, r.TrackingNumber, r.AssigneeID, pq.Array(r.Tags), r.CreatedBy,
		string(evJSON), pq.Array(dateStrings(sch.SoonDates)), sch.OverdueFrom, sch.AwaitingOn, sch.Next, f.ClosuresVersion,
		r.ExternalID, r.GroupID,
	).Scan(&r.ID, &r.CreatedAt, &r.UpdatedAt, &r.Version, &r.ReplyToken)
	if errors.Is(err, sql.ErrNoRows) {
		if r.ExternalID != nil {
			// Inserted nothing: another request may have the external ID.
			if err := externalIDTaken(ctx, q, r.OrgID, *r.ExternalID); err != nil {
				return err
			}
		}
		return errClosuresChanged
	}
	return translate(err, "request")
}

// externalIDTaken is the conflict of an external ID that a request of
// organization org already has, in any letter case: it names that request
// and carries its ID (Error.ExistingID), for an import script to go on
// with it. It is nil when no request has the ID (any more).
func externalIDTaken(ctx context.Context, q sqlx.QueryerContext, org, externalID string) error {
	var holder struct {
		ID         string `db:"id"`
		Title      string `db:"title"`
		ExternalID string `db:"external_id"`
	}
	err := sqlx.GetContext(ctx, q, &holder, `SELECT id, title, external_id FROM requests
		WHERE org_id = $1 AND lower(external_id) = lower($2)`, org, externalID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return translate(err, "request")
	}
	msg := fmt.Sprintf("the external ID %q is already request %s (%q)", externalID, holder.ID, holder.Title)
	if holder.ExternalID != externalID {
		msg += fmt.Sprintf(", as %q: external IDs ignore letter case", holder.ExternalID)
	}
	return &sunshine.Error{Code: sunshine.EConflict, Message: msg, Fields: []sunshine.FieldError{externalIDUsed}, ExistingID: holder.ID}
}

// createInsert writes a new request, its timeline and its reminder
// schedule in one statement, if the agency's closure days are still at
// version $20. A request of the organization with its external ID ($21),
// in any letter case, makes it insert nothing, as stale closure days do
// (createOnce tells which). The agency row is share-locked: a closure
// change holds it (AddClosure), and a wait for it re-checks the version on
// the row as that change left it, so a stale count inserts nothing
// (errClosuresChanged).
// The events are inserted in their order, which their seq keeps; a new
// request has no reminders to cancel, only a schedule to write.
const createInsert = `WITH agency AS (
			SELECT a.id FROM agencies a WHERE a.org_id = $1 AND a.id = $2 AND a.closures_version = $20 FOR SHARE
		), req AS (
			INSERT INTO requests (org_id, agency_id, title, description, delivery_method, status, jurisdiction,
				sent_on, received_on, due_on, tracking_number, assignee_id, tags, created_by, external_id, group_id)
			SELECT $1::uuid, agency.id, $3::text, $4::text, $5::text, $6::text, $7::text, $8::date, $9::date, $10::date,
				$11::text, $12::uuid, $13::text[], $14::uuid, $21::text, $22::uuid
			FROM agency
			ON CONFLICT (org_id, lower(external_id)) WHERE external_id IS NOT NULL DO NOTHING
			RETURNING id, org_id, created_at, updated_at, version, reply_token
		), events AS (
			INSERT INTO request_events (org_id, request_id, actor_id, kind, effective_on, data)
			SELECT req.org_id, req.id, $14, e.kind, e.effective_on, e.data
			FROM req, ROWS FROM (jsonb_to_recordset($15::jsonb) AS (kind text, effective_on date, data jsonb))
				WITH ORDINALITY AS e(kind, effective_on, data, n)
			ORDER BY e.n
		), schedule AS (
			INSERT INTO reminder_schedule (request_id, org_id, soon_dates, overdue_from, awaiting_remind_on, next_remind_on)
			SELECT req.id, req.org_id, $16::date[], $17, $18, $19 FROM req
		)
		SELECT id, created_at, updated_at, version, reply_token FROM req`

// creationFacts is what filing a request needs from the database besides
// the request: its agency, and its organization's reminder policy.
type creationFacts struct {
	AgencyName    string        `db:"name"`
	TimeZone      string        `db:"time_zone"`
	Jurisdiction  string        `db:"jurisdiction"`
	SoonDays      pq.Int64Array `db:"remind_soon_days"`
	AwaitingAfter int           `db:"awaiting_after_days"`
	AssigneeFound bool          `db:"assignee_found"`
	AssigneeOK    bool          `db:"assignee_active"`
	// Closures are the agency's closure days from the receipt date on, as
	// of ClosuresVersion.
	Closures        pq.StringArray `db:"closure_list"`
	ClosuresVersion int            `db:"closures_version"`
}

// findCreationFacts reads a new request's agency and reminder policy, and
// checks its assignee, in one query.
func findCreationFacts(ctx context.Context, q sqlx.QueryerContext, org, agencyID string, assigneeID *string, received deadline.Date) (creationFacts, error) {
	var f creationFacts
	if !validUUID(agencyID) {
		return f, errNoAgency()
	}
	if assigneeID != nil && !validUUID(*assigneeID) {
		return f, errNoAssignee()
	}
	query := `SELECT a.name, a.time_zone, a.jurisdiction, a.closures_version, o.remind_soon_days, o.awaiting_after_days,
			($3::uuid IS NULL OR EXISTS (SELECT FROM users u WHERE u.org_id = o.id AND u.id = $3::uuid)) AS assignee_found,
			($3::uuid IS NULL OR EXISTS (SELECT FROM users u WHERE u.org_id = o.id AND u.id = $3::uuid AND ` + activeUser + `)) AS assignee_active,
			` + closureList("a.id", "$4::date") + ` AS closure_list
		FROM organizations o JOIN agencies a ON a.org_id = o.id AND a.id = $2
		WHERE o.id = $1`
	err := sqlx.GetContext(ctx, q, &f, query, org, agencyID, assigneeID, received)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return f, errNoAgency()
	case err != nil:
		return f, translate(err, "agency")
	case !f.AssigneeFound:
		return f, errNoAssignee()
	case !f.AssigneeOK:
		return f, errDeactivatedAssignee()
	}
	return f, nil
}

// errNoAgency and errNoAssignee name a reference to nothing in the caller's
// organization (another's IDs included: they are not to be confirmed).
func errNoAgency() error {
	return sunshine.FieldInvalid("agency_id", "no such agency in this organization")
}
func errNoAssignee() error {
	return sunshine.FieldInvalid("assignee_id", "no such user in this organization")
}

// errDeactivatedAssignee refuses a user who left the organization: they
// would get no reminders.
func errDeactivatedAssignee() error {
	return sunshine.FieldInvalid("assignee_id", "this user is deactivated; choose an active user")
}

func checkAssignee(ctx context.Context, q sqlx.QueryerContext, org string, id *string) error {
	if id == nil {
		return nil
	}
	if !validUUID(*id) {
		return errNoAssignee()
	}
	var active bool
	err := sqlx.GetContext(ctx, q, &active, `SELECT `+activeUser+` FROM users u WHERE org_id = $1 AND id = $2`, org, *id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errNoAssignee()
	case err != nil:
		return translate(err, "user")
	case !active:
		return errDeactivatedAssignee()
	}
	return nil
}

// FindRequestByID returns a request of the caller's organization with its pauses.
func (s *Store) FindRequestByID(ctx context.Context, id string) (*sunshine.Request, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return s.findRequest(ctx, s.prepared(), org, id, false)
}

func (s *Store) findRequest(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*sunshine.Request, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "request not found")
	}
	query := requestSelect + ` WHERE r.org_id = $1 AND r.id = $2`
	if lock {
		// The agency first, shared, as a closure change takes it (for
		// update) before the requests it recomputes: a change to the request
		// made meanwhile either waits for the closure change, and then reads
		// the new day, or finishes before it, and is recomputed by it.
		const agency = `SELECT 1 FROM agencies a JOIN requests r ON r.org_id = a.org_id AND r.agency_id = a.id
			WHERE r.org_id = $1 AND r.id = $2 FOR SHARE OF a`
		var one int
		if err := sqlx.GetContext(ctx, q, &one, agency, org, id); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, translate(err, "agency")
		}
		query += ` FOR UPDATE OF r`
	}
	var row requestRow
	if err := sqlx.GetContext(ctx, q, &row, query, org, id); err != nil {
		return nil, translate(err, "request")
	}
	return row.domain()
}

func (row *requestRow) domain() (*sunshine.Request, error) {
	r := row.Request
	r.Tags = []string(row.Tags)
	if r.Tags == nil {
		r.Tags = []string{}
	}
	var err error
	if r.Pauses, err = parsePauseList(row.PauseList.String); err != nil {
		return nil, err
	}
	r.Closures, err = parseClosureList(row.ClosureList)
	return &r, err
}

// parsePauseList reads requestSelect's pause_list.
func parsePauseList(list string) ([]deadline.Pause, error) {
	if list == "" {
		return nil, nil
	}
	var out []deadline.Pause
	for item := range strings.SplitSeq(list, ",") {
		from, to, ok := strings.Cut(item, "/")
		if !ok {
			return nil, fmt.Errorf("store: malformed pause list %q", list)
		}
		var p deadline.Pause
		var err error
		if p.From, err = deadline.ParseDate(from); err != nil {
			return nil, fmt.Errorf("store: pause list %q: %w", list, err)
		}
		if to != "" {
			if p.To, err = deadline.ParseDate(to); err != nil {
				return nil, fmt.Errorf("store: pause list %q: %w", list, err)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func domainRequests(rows []requestRow) ([]*sunshine.Request, error) {
	rs := make([]*sunshine.Request, len(rows))
	for i := range rows {
		var err error
		if rs[i], err = rows[i].domain(); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// loadPauses re-reads a request's pauses, after a change to them.
func loadPauses(ctx context.Context, q sqlx.QueryerContext, r *sunshine.Request) error {
	var rows []struct {
		From deadline.Date `db:"started_on"`
		To   deadline.Date `db:"ended_on"`
	}
	const query = `SELECT started_on, ended_on FROM request_pauses WHERE request_id = $1 ORDER BY started_on`
	if err := sqlx.SelectContext(ctx, q, &rows, query, r.ID); err != nil {
		return translate(err, "pauses")
	}
	r.Pauses = nil
	for _, p := range rows {
		r.Pauses = append(r.Pauses, deadline.Pause{From: p.From, To: p.To})
	}
	return nil
}

// FindRequests lists the caller's requests by effective due date (no date
// last), one page at a time, and returns the next page's cursor.
func (s *Store) FindRequests(ctx context.Context, f sunshine.RequestFilter) ([]*sunshine.Request, string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	query, args, err := requestListQuery(org, f, limit, s.clock.Now())
	if err != nil {
		return nil, "", err
	}
	// Prepared, unless a full-text filter makes the best plan depend on the words.
	q := s.prepared()
	if strings.TrimSpace(f.Q) != "" {
		q = s.q()
	}
	var rows []requestRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, "", translate(err, "requests")
	}
	rs, err := domainRequests(rows)
	if err != nil {
		return nil, "", err
	}
	rs, next := keysetPage(rs, limit, func(last *sunshine.Request) string {
		key := "infinity"
		if d := last.ListedOn(); !d.IsZero() {
			key = d.String()
		}
		return encodeCursor("requests", key, last.ID)
	})
	return rs, next, nil
}

// statusChangedOn is the day a request in rolling production, under appeal
// or in litigation moved to its status, from its latest status_changed
// event to it (Request.StatusChangedOn): a walk back through its own
// events on request_events_request_idx (request_id, seq), a few rows a
// request; no read at all for a request in another status.
const statusChangedOn = `CASE WHEN r.status IN ('rolling_production', 'appealed', 'in_litigation') THEN
		(SELECT e.effective_on FROM request_events e
		WHERE e.request_id = r.id AND e.kind = 'status_changed' AND e.data->>'to' = r.status
		ORDER BY e.seq DESC LIMIT 1) END`

// requestListQuery builds the list query for a filter: one page plus one row
// to tell whether another page follows. Each filter has an index that
// serves it (migrations/0001_init.up.sql; docs/operations.md).
func requestListQuery(org string, f sunshine.RequestFilter, limit int, now time.Time) (string, []any, error) {
	where := []string{"r.org_id = $1"}
	args := []any{org}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			if !st.Valid() {
				return "", nil, sunshine.FieldInvalid("status", "unknown status %q", st)
			}
			ss[i] = "'" + string(st) + "'" // validated literals let the planner match the partial index
		}
		// In one order, once each: the same filter is the same prepared statement.
		slices.Sort(ss)
		ss = slices.Compact(ss)
		where = append(where, "r.status IN ("+strings.Join(ss, ", ")+")")
	}
	if f.AgencyID != "" {
		if !validUUID(f.AgencyID) {
			return "", nil, sunshine.FieldInvalid("agency_id", "must be a UUID")
		}
		where = append(where, "r.agency_id = "+arg(f.AgencyID))
	}
	if f.AssigneeID != "" {
		if f.Unassigned {
			return "", nil, sunshine.FieldInvalid("assignee_id", "choose one person or unassigned requests, not both")
		}
		if !validUUID(f.AssigneeID) {
			return "", nil, sunshine.FieldInvalid("assignee_id", "must be a UUID")
		}
		where = append(where, "r.assignee_id = "+arg(f.AssigneeID))
	}
	if f.Unassigned {
		where = append(where, "r.assignee_id IS NULL")
	}
	if len(f.Jurisdictions) > 0 {
		js := make([]string, len(f.Jurisdictions))
		for i, code := range f.Jurisdictions {
			if _, err := deadline.Lookup(code); err != nil {
				return "", nil, sunshine.FieldInvalid("jurisdiction", "unknown jurisdiction %q (known: %s)", code, strings.Join(deadline.Codes(), ", "))
			}
			js[i] = "'" + code + "'" // validated literals: the planner sees how common each law is
		}
		slices.Sort(js)
		js = slices.Compact(js)
		where = append(where, "r.jurisdiction IN ("+strings.Join(js, ", ")+")")
	}
	if f.Tag != "" {
		// lower_tags is indexed (migration 0021): tag=ice finds "ICE".
		where = append(where, "lower_tags(r.tags) @> ARRAY[lower("+arg(f.Tag)+")]::text[]")
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "r.due_sort <= "+arg(f.DueBefore))
	}
	if !f.DueAfter.IsZero() {
		where = append(where, "r.due_sort >= "+arg(f.DueAfter)+" AND r.due_sort <> 'infinity'")
	}
	// Dates relative to today are on each agency's own calendar. Every
	// zone's today is within a day of UTC's, so a bound from UTC's lets the
	// (org_id, due_sort, id) index serve the range; the zone then decides.
	utcToday := deadline.Today(now, time.UTC)
	agencyToday := func() string {
		return `(` + arg(now) + `::timestamptz AT TIME ZONE (SELECT a.time_zone FROM agencies a WHERE a.id = r.agency_id))::date`
	}
	if f.Overdue {
		// Past due, with the clock running.
		where = append(where, dueTracked+` AND r.due_sort <= `+arg(utcToday.AddDays(1))+` AND r.due_sort < `+agencyToday())
	}
	if f.DueIn != nil {
		where = append(where, dueTracked, "r.due_sort BETWEEN "+arg(utcToday.AddDays(f.DueIn.From-1))+" AND "+arg(utcToday.AddDays(f.DueIn.To+1)),
			"r.due_sort - "+agencyToday()+" BETWEEN "+arg(f.DueIn.From)+"::int AND "+arg(f.DueIn.To)+"::int")
	}
	// The date to follow of open requests and the agency's estimate of
	// those that follow it have indexes of their own (migration 0024): a
	// month of the calendar, the estimates passed (bounded by UTC's today
	// for the index, as Overdue is), the requests with no date.
	if !f.FollowAfter.IsZero() || !f.FollowBefore.IsZero() {
		where = append(where, "r.status IN "+openSQL)
	}
	if !f.FollowAfter.IsZero() {
		where = append(where, followOn+" >= "+arg(f.FollowAfter))
	}
	if !f.FollowBefore.IsZero() {
		where = append(where, followOn+" <= "+arg(f.FollowBefore))
	}
	if f.EstimatePassed {
		where = append(where, estimatePassed(agencyToday()), "r.agency_estimated_on <= "+arg(utcToday.AddDays(1)))
	}
	if f.NoDateToFollow {
		where = append(where, noDateToFollow)
	}
	if f.ExternalID != "" {
		// Whatever its case (requests_org_external_id_key, migration 0041).
		where = append(where, "lower(r.external_id) = lower("+arg(f.ExternalID)+")")
	}
	if f.GroupID != "" {
		if !validUUID(f.GroupID) {
			return "", nil, sunshine.FieldInvalid("group_id", "must be a UUID")
		}
		where = append(where, "r.group_id = "+arg(f.GroupID)) // requests_org_group
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// The title, description and tracking number, accents ignored
		// (migration 0022), or the external ID whole, as typed but for its
		// case (an import's references are no words: "row 17" is not "17").
		qArg := arg(q)
		where = append(where, "(r.search @@ websearch_to_tsquery('"+searchConfig+"', "+qArg+") OR lower(r.external_id) = lower("+qArg+"))")
	}
	if f.After != "" {
		due, id, ok := decodeCursor("requests", f.After)
		if _, err := deadline.ParseDate(due); !ok || (err != nil && due != "infinity") {
			return "", nil, badCursor()
		}
		where = append(where, "(r.due_sort, r.id) > ("+arg(due)+"::date, "+arg(id)+"::uuid)")
	}
	// The page is chosen from requests alone, then joined. Joined before
	// the LIMIT, the plan a prepared statement keeps (made without knowing
	// the organization) could read every request of a large one through
	// its agencies and sort them all, for each page: a second a page for
	// 150,000 requests, where walking the (org_id, due_sort, id) index
	// reads just the page.
	columns := requestColumns
	if f.WithStatusChangedOn {
		columns += `,
	` + statusChangedOn + ` AS status_changed_on`
	}
	query := columns + `
	FROM (SELECT r.* FROM requests r WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY r.due_sort, r.id LIMIT ` + arg(limit+1) + `) r
	` + requestJoins("$1") + `
	ORDER BY r.due_sort, r.id`
	return query, args, nil
}

// FindJurisdictionsInUse returns, sorted, the laws of the caller's agencies
// and of its requests (a request keeps its law when its agency's changes):
// the choices of a list's law filter that can match something.
func (s *Store) FindJurisdictionsInUse(ctx context.Context) ([]string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	if err := sqlx.SelectContext(ctx, s.prepared(), &codes, jurisdictionsInUse, org); err != nil {
		return nil, translate(err, "jurisdictions")
	}
	return codes, nil
}

// jurisdictionsInUse skips through requests_jurisdiction_idx from one law
// to the next, a probe each, rather than reading every request of the
// organization; agencies_org_jurisdiction_idx has the agencies' laws.
const jurisdictionsInUse = `WITH RECURSIVE laws(code) AS (
		(SELECT r.jurisdiction FROM requests r WHERE r.org_id = $1 ORDER BY r.jurisdiction LIMIT 1)
		UNION ALL
		SELECT (SELECT r.jurisdiction FROM requests r WHERE r.org_id = $1 AND r.jurisdiction > laws.code
			ORDER BY r.jurisdiction LIMIT 1)
		FROM laws WHERE laws.code IS NOT NULL
	)
	SELECT code FROM laws WHERE code IS NOT NULL
	UNION
	SELECT a.jurisdiction FROM agencies a WHERE a.org_id = $1
	ORDER BY 1`

// UpdateRequest applies a partial update. An external ID another request
// of the organization has is an EConflict that names it.
func (s *Store) UpdateRequest(ctx context.Context, id string, upd sunshine.RequestUpdate) (*sunshine.Request, error) {
	r, err := s.mutate(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request) error {
		return s.update(ctx, tx, r, upd)
	})
	if ext := upd.ExternalID; ext != nil && *ext != "" && isExternalIDUsed(err) {
		if org, oerr := orgID(ctx); oerr == nil {
			if taken := externalIDTaken(ctx, s.q(), org, *ext); taken != nil {
				return nil, taken
			}
		}
	}
	return r, err
}

// update applies upd to r, locked in tx, with its event; errNoChange when
// it changes nothing.
func (s *Store) update(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, upd sunshine.RequestUpdate) error {
	changed := map[string]any{}
	setStr := func(name string, dst *string, v *string) {
		if v != nil && *v != *dst {
			*dst = *v
			changed[name] = *v
		}
	}
	if was := r.Title; upd.Title != nil && *upd.Title != was {
		changed["previous_title"] = was // the timeline says what it replaced
	}
	setStr("title", &r.Title, upd.Title)
	setStr("description", &r.Description, upd.Description)
	if was := r.TrackingNumber; upd.TrackingNumber != nil && *upd.TrackingNumber != was && was != "" {
		changed["previous_tracking_number"] = was // the timeline says what it replaced
	}
	setStr("tracking_number", &r.TrackingNumber, upd.TrackingNumber)
	if upd.ExternalID != nil {
		next := upd.ExternalID
		if *next == "" {
			next = nil
		}
		if !samePtr(next, r.ExternalID) {
			r.ExternalID = next
			changed["external_id"] = next
		}
	}
	if err := checkWasAssignee(ctx, tx, r, upd); err != nil {
		return err
	}
	if upd.AssigneeID != nil {
		var next *string
		if *upd.AssigneeID != "" {
			next = upd.AssigneeID
		}
		if !samePtr(next, r.AssigneeID) {
			if err := checkAssignee(ctx, tx, r.OrgID, next); err != nil {
				return err
			}
			r.AssigneeID = next
			changed["assignee_id"] = next
			if err := s.queueAssignedEmail(ctx, tx, r, upd.AssignmentNote); err != nil {
				return err
			}
		}
	}
	switch _, assigned := changed["assignee_id"]; {
	case upd.AssignmentNote == "":
	case !assigned || r.AssigneeID == nil:
		return sunshine.FieldInvalid("assignment_note", "goes with a new assignee: choose who the request goes to")
	case utf8.RuneCountInString(upd.AssignmentNote) > sunshine.MaxAssignmentNote:
		return sunshine.FieldInvalid("assignment_note", "must be at most %d characters", sunshine.MaxAssignmentNote)
	}
	if upd.Tags != nil {
		tags, f := sunshine.NormalizeTags(slices.Clone(*upd.Tags))
		if f != nil {
			return sunshine.Invalid(*f)
		}
		if !slices.Equal(tags, r.Tags) {
			r.Tags = tags
			changed["tags"] = r.Tags
		}
	}
	estimateMoved := upd.AgencyEstimatedOn != nil && *upd.AgencyEstimatedOn != r.AgencyEstimatedOn
	if est := upd.AgencyEstimatedOn; estimateMoved && !est.IsZero() && !r.ReceivedOn.IsZero() && est.Before(r.ReceivedOn) {
		return sunshine.FieldInvalid("agency_estimated_on", "must not be before the receipt date (%s): the agency answers after it receives the request", r.ReceivedOn)
	}
	if estimateMoved {
		if !r.AgencyEstimatedOn.IsZero() {
			changed["previous_agency_estimated_on"] = r.AgencyEstimatedOn
		}
		r.AgencyEstimatedOn = *upd.AgencyEstimatedOn
		changed["agency_estimated_on"] = r.AgencyEstimatedOn
	}
	if upd.SentOn != nil && *upd.SentOn != r.SentOn {
		if err := s.notFuture(r, "sent_on", *upd.SentOn); err != nil {
			return err
		}
		changed["sent_on"], changed["previous_sent_on"] = *upd.SentOn, r.SentOn
		r.SentOn = *upd.SentOn
	}
	receiptMoved := upd.ReceivedOn != nil && *upd.ReceivedOn != r.ReceivedOn
	if receiptMoved {
		if err := s.checkReceiptCorrection(ctx, tx, r, *upd.ReceivedOn); err != nil {
			return err
		}
		changed["received_on"], changed["previous_received_on"] = *upd.ReceivedOn, r.ReceivedOn
		r.ReceivedOn = *upd.ReceivedOn
	}
	// A sent date moved past the receipt date is the sent date's fault
	// (Validate would name received_on).
	if upd.SentOn != nil && !receiptMoved && !r.ReceivedOn.IsZero() && r.ReceivedOn.Before(r.SentOn) {
		return sunshine.FieldInvalid("sent_on", "must not be after the receipt date (%s)", r.ReceivedOn)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if len(changed) == 0 {
		return errNoChange
	}
	if err := addEvent(ctx, tx, r, sunshine.EventUpdated, deadline.Date{}, upd.AssignmentNote, changed); err != nil {
		return err
	}
	if receiptMoved { // saves, reschedules and records the new due date
		return s.recompute(ctx, tx, r, "received_on")
	}
	if err := saveRequest(ctx, tx, r); err != nil {
		return err
	}
	if estimateMoved {
		return reschedule(ctx, tx, r)
	}
	return nil
}

var errNoChange = errors.New("no change")

// checkWasAssignee refuses upd when it is conditional on an assignee
// (WasAssigneeID) that r, locked in tx, no longer has: two people taking
// an unassigned request at once cannot both pass, as they could with a
// check made before the transaction.
func checkWasAssignee(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, upd sunshine.RequestUpdate) error {
	if upd.WasAssigneeID == nil {
		return nil
	}
	now := ""
	if r.AssigneeID != nil {
		now = *r.AssigneeID
	}
	if now == *upd.WasAssigneeID || (upd.AssigneeID != nil && now == *upd.AssigneeID) {
		return nil
	}
	// Named from the users table: the locked read's assignee columns come
	// from a join that PostgreSQL does not read again when the row changed
	// while the read waited for its lock (they would still say nobody).
	who := "nobody"
	if r.AssigneeID != nil {
		const q = `SELECT coalesce(nullif(name, ''), email) FROM users WHERE org_id = $1 AND id = $2`
		if err := tx.GetContext(ctx, &who, q, r.OrgID, *r.AssigneeID); err != nil {
			return translate(err, "assignee")
		}
	}
	return sunshine.Errorf(sunshine.EConflict, "Someone changed the assignee after you opened the page: the request is assigned to %s now. Choose again if it should still change.", who)
}

// checkReceiptCorrection refuses a corrected receipt date that the rest of
// the request contradicts: none on a draft (submitting sets it), none in the
// future, none after a pause began, the extension was invoked or the agency
// replied.
func (s *Store) checkReceiptCorrection(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, on deadline.Date) error {
	switch {
	case r.ReceivedOn.IsZero():
		return sunshine.FieldInvalid("received_on", "a draft gets its receipt date when it is submitted (POST /requests/{id}/transitions)")
	case on.IsZero():
		return sunshine.FieldInvalid("received_on", "cannot be cleared: a submitted request's clock runs from it")
	case len(r.Pauses) > 0 && r.Pauses[0].From.Before(on):
		return sunshine.FieldInvalid("received_on", "must not be after the clock was first paused (%s)", r.Pauses[0].From)
	case r.Extended && r.ExtensionInvokedOn.Before(on):
		return sunshine.FieldInvalid("received_on", "must not be after the extension was invoked (%s)", r.ExtensionInvokedOn)
	}
	var firstReply deadline.Date
	const q = `SELECT occurred_on FROM communications
		WHERE org_id = $1 AND request_id = $2 AND direction = 'in' AND occurred_on < $3 ORDER BY occurred_on LIMIT 1`
	switch err := tx.QueryRowxContext(ctx, q, r.OrgID, r.ID, on).Scan(&firstReply); {
	case err == nil:
		return sunshine.FieldInvalid("received_on", "must not be after the agency's first reply (%s)", firstReply)
	case !errors.Is(err, sql.ErrNoRows):
		return translate(err, "communications")
	}
	return s.notFuture(r, "received_on", on)
}

type ifMatchKey struct{}

// WithIfMatch makes the next change of a request in ctx conditional on the
// request still being at version (the API's If-Match); UpdateCommunication
// reads it as the communication's version, UpdateAgency as the agency's.
func WithIfMatch(ctx context.Context, version int) context.Context {
	return context.WithValue(ctx, ifMatchKey{}, version)
}

func samePtr(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// mutate locks a request, lets fn change it in the transaction and returns
// the fresh row. fn returning errNoChange commits nothing and is no error.
func (s *Store) mutate(ctx context.Context, id string, fn func(tx *sqlx.Tx, r *sunshine.Request) error) (*sunshine.Request, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, id, true)
		if err != nil {
			return err
		}
		// Optimistic concurrency: a client that read version N may only
		// change the request while it is still at version N (If-Match).
		if want, ok := ctx.Value(ifMatchKey{}).(int); ok && want != r.Version {
			return sunshine.Errorf(sunshine.EPrecondition,
				"the request changed since you read it (version %d, you had %d); read it again and reapply your change", r.Version, want)
		}
		return fn(tx, r)
	})
	if err != nil && !errors.Is(err, errNoChange) {
		return nil, err
	}
	return s.findRequest(ctx, s.prepared(), org, id, false)
}

// saveRequest writes the mutable columns and bumps the version.
func saveRequest(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request) error {
	const q = `UPDATE requests SET title = $3, description = $4, tracking_number = $5, assignee_id = $6, tags = $7,
		agency_estimated_on = $8, status = $9, sent_on = $10, received_on = $11, due_on = $12, extended = $13,
		extension_invoked_on = $14, custom_due_on = $15, custom_due_reason = $16, closed_on = $17, acknowledged_on = $18,
		external_id = $19, updated_at = now(), version = version + 1
		WHERE org_id = $1 AND id = $2 RETURNING version, updated_at`
	err := tx.QueryRowxContext(ctx, q, r.OrgID, r.ID, r.Title, r.Description, r.TrackingNumber, r.AssigneeID,
		pq.Array(r.Tags), r.AgencyEstimatedOn, r.Status, r.SentOn, r.ReceivedOn, r.DueOn, r.Extended,
		r.ExtensionInvokedOn, r.CustomDueOn, r.CustomDueReason, r.ClosedOn, r.AcknowledgedOn, r.ExternalID).Scan(&r.Version, &r.UpdatedAt)
	return translate(err, "request")
}

// touchRequest bumps a request's version and updated_at for a change kept
// outside its row (a communication logged).
func touchRequest(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request) error {
	const q = `UPDATE requests SET updated_at = now(), version = version + 1 WHERE org_id = $1 AND id = $2 RETURNING version, updated_at`
	return translate(tx.QueryRowxContext(ctx, q, r.OrgID, r.ID).Scan(&r.Version, &r.UpdatedAt), "request")
}

// today is the agency's current date.
func (s *Store) today(r *sunshine.Request) deadline.Date { return r.Today(s.clock.Now()) }

// notFuture refuses a date on which something happened (a receipt, a
// letter, a status change) that is still to come. A day of slack lets a
// person whose calendar is ahead of the agency's enter their own today.
func (s *Store) notFuture(r *sunshine.Request, field string, d deadline.Date) error {
	if today := s.today(r); d.After(today.AddDays(1)) {
		return sunshine.FieldInvalid(field, "must not be in the future (today is %s where the agency is)", today)
	}
	return nil
}

// TransitionRequest moves a request along its lifecycle. Entering
// awaiting_requester starts a pause of the clock and leaving it ends the
// pause; the due date is recomputed from the recorded pauses.
func (s *Store) TransitionRequest(ctx context.Context, id string, in sunshine.TransitionInput) (*sunshine.Request, error) {
	return s.mutate(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request) error { return s.transition(ctx, tx, r, in) })
}

// transition moves a locked request within tx (TransitionRequest, and the
// effects of communications).
func (s *Store) transition(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, in sunshine.TransitionInput) error {
	from := r.Status
	if err := sunshine.CheckTransition(from, in.To); err != nil {
		return err
	}
	on := in.EffectiveOn
	if on.IsZero() {
		on = s.today(r)
	}
	if !in.ReceivedOn.IsZero() && (in.To != sunshine.StatusSubmitted || !r.ReceivedOn.IsZero()) {
		return sunshine.FieldInvalid("received_on", "is only for submitting a draft; correct a receipt date by editing the request")
	}
	if in.To == sunshine.StatusSubmitted && r.ReceivedOn.IsZero() {
		if in.ReceivedOn.IsZero() {
			return sunshine.FieldInvalid("received_on", "is required to submit a request: the legal receipt date starts the clock")
		}
		if !r.SentOn.IsZero() && in.ReceivedOn.Before(r.SentOn) {
			return sunshine.FieldInvalid("received_on", "must not be before the sent date (%s); if that date is wrong, correct it under the request's details first", r.SentOn)
		}
		if err := s.notFuture(r, "received_on", in.ReceivedOn); err != nil {
			return err
		}
		r.ReceivedOn = in.ReceivedOn
		if in.EffectiveOn.IsZero() {
			on = in.ReceivedOn
		}
	}
	if !r.ReceivedOn.IsZero() && on.Before(r.ReceivedOn) {
		return sunshine.FieldInvalid("effective_on", "must not be before the receipt date (%s)", r.ReceivedOn)
	}
	if err := s.notFuture(r, "effective_on", on); err != nil {
		return err
	}
	if from == sunshine.StatusAwaitingRequester {
		const q = `UPDATE request_pauses SET ended_on = $3 WHERE org_id = $1 AND request_id = $2 AND ended_on IS NULL
			RETURNING started_on`
		var started deadline.Date
		if err := tx.QueryRowxContext(ctx, q, r.OrgID, r.ID, on).Scan(&started); err != nil {
			if e := translate(err, "pause"); sunshine.ErrorCode(e) == sunshine.EInvalid {
				return sunshine.FieldInvalid("effective_on", "must not be before the pause began")
			} else if sunshine.ErrorCode(e) != sunshine.ENotFound {
				return e
			}
		} else if err := addEvent(ctx, tx, r, sunshine.EventResumed, on, in.Note, map[string]any{"paused_from": started, "paused_to": on}); err != nil {
			return err
		}
	}
	if in.To == sunshine.StatusAwaitingRequester {
		if n := len(r.Pauses); n > 0 && !on.After(r.Pauses[n-1].To) {
			return sunshine.FieldInvalid("effective_on", "must be after the previous pause ended (%s)", r.Pauses[n-1].To)
		}
		const q = `INSERT INTO request_pauses (org_id, request_id, started_on) VALUES ($1, $2, $3)`
		if _, err := tx.ExecContext(ctx, q, r.OrgID, r.ID, on); err != nil {
			return translate(err, "pause")
		}
		if err := addEvent(ctx, tx, r, sunshine.EventPaused, on, in.Note, map[string]any{"paused_from": on}); err != nil {
			return err
		}
	}
	switch {
	case !in.To.Open():
		r.ClosedOn = on
	case !from.Open():
		r.ClosedOn = deadline.Date{}
	}
	if (in.To == sunshine.StatusAcknowledged || in.To == sunshine.StatusRollingProduction) && r.AcknowledgedOn.IsZero() {
		r.AcknowledgedOn = on // the first response; later ones do not move it
	}
	r.Status = in.To
	if err := addEvent(ctx, tx, r, sunshine.EventStatusChanged, on, in.Note, map[string]any{"from": from, "to": in.To}); err != nil {
		return err
	}
	if err := loadPauses(ctx, tx, r); err != nil {
		return err
	}
	field := "effective_on"
	if !in.ReceivedOn.IsZero() {
		field = "received_on"
	}
	if err := s.recompute(ctx, tx, r, field); err != nil {
		return err
	}
	if !in.To.Open() {
		// Nothing is left to chase: automatic follow-ups stop with it
		// (an appeal is another matter, to turn them on for again).
		_, err := stopAutoFollowUp(ctx, tx, r, "the request is closed")
		return err
	}
	return nil
}

// ExtendRequest invokes the law's fixed extension and recomputes the due date.
func (s *Store) ExtendRequest(ctx context.Context, id string, invokedOn deadline.Date, reason string) (*sunshine.Request, error) {
	return s.mutate(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request) error { return s.extend(ctx, tx, r, invokedOn, reason) })
}

// extend invokes the extension on a locked request within tx.
func (s *Store) extend(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, invokedOn deadline.Date, reason string) error {
	j, err := deadline.Lookup(r.Jurisdiction)
	if err != nil {
		return err
	}
	switch {
	case j.Extension == nil:
		why := j.NoExtension
		if !j.HasDeadline() {
			why = "it sets no statutory date"
		}
		return sunshine.Errorf(sunshine.EUnprocessable, "%s (%s) has no fixed extension: %s; set a custom due date instead", j.Law, j.Citation, why)
	case r.Extended:
		return sunshine.Errorf(sunshine.EConflict, "the extension was already invoked on %s", r.ExtensionInvokedOn)
	case !r.Status.Open() || r.ReceivedOn.IsZero():
		return sunshine.Errorf(sunshine.EConflict, "only an open, submitted request can be extended (this one is %s)", r.Status)
	}
	if invokedOn.IsZero() {
		invokedOn = s.today(r)
	}
	if invokedOn.Before(r.ReceivedOn) {
		return sunshine.FieldInvalid("invoked_on", "must not be before the receipt date (%s)", r.ReceivedOn)
	}
	if err := s.notFuture(r, "invoked_on", invokedOn); err != nil {
		return err
	}
	if r.ExtensionNoticeLate(invokedOn) {
		msg := fmt.Sprintf("the agency's notice of %s came after the original period ended on %s: %s extends the period only by notice within it (%s), so the due date stays; if the agency announced a later date, set it as a custom due date",
			invokedOn, r.DueOn, j.Law, j.Extension.Citation)
		return &sunshine.Error{Code: sunshine.EUnprocessable, Message: msg,
			Fields: []sunshine.FieldError{{Field: "invoked_on", Message: "is after the original due date (" + r.DueOn.String() + "): too late to extend it"}}}
	}
	if len(reason) > 2000 {
		return sunshine.FieldInvalid("reason", "must be at most 2000 characters")
	}
	r.Extended, r.ExtensionInvokedOn = true, invokedOn
	if err := addEvent(ctx, tx, r, sunshine.EventExtended, invokedOn, reason,
		map[string]any{"extension": j.Days(j.Extension.Days, j.Extension.Unit), "citation": j.Extension.Citation}); err != nil {
		return err
	}
	return s.recompute(ctx, tx, r, "invoked_on")
}

// UndoExtension takes back an extension recorded by mistake (the agency
// never invoked it, or it was recorded on the wrong request): the due date
// is computed again without it. The timeline keeps the extension's entry
// and adds one saying it was undone, and why.
func (s *Store) UndoExtension(ctx context.Context, id, reason string) (*sunshine.Request, error) {
	return s.mutate(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request) error {
		switch {
		case !r.Extended:
			return sunshine.Errorf(sunshine.EConflict, "the request is not extended: there is no extension to undo")
		case !r.Status.Open():
			return sunshine.Errorf(sunshine.EConflict, "the request is %s: a closed request's due date is its history and stays as it is", r.Status)
		case utf8.RuneCountInString(reason) > 2000:
			return sunshine.FieldInvalid("reason", "must be at most 2000 characters")
		}
		invoked := r.ExtensionInvokedOn
		r.Extended, r.ExtensionInvokedOn = false, deadline.Date{}
		if err := addEvent(ctx, tx, r, sunshine.EventExtensionUndone, s.today(r), reason,
			map[string]any{"invoked_on": invoked}); err != nil {
			return err
		}
		return s.recompute(ctx, tx, r, "extension")
	})
}

// SetCustomDueOn records a date agreed with the agency beside the statutory
// one; a zero date clears it.
func (s *Store) SetCustomDueOn(ctx context.Context, id string, on deadline.Date, reason string) (*sunshine.Request, error) {
	return s.mutate(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request) error {
		return setCustomDue(ctx, tx, r, on, s.today(r), reason)
	})
}

// setCustomDue records an agreed date on a locked request within tx. Its
// event takes effect when the date was agreed (setAt: today, or the day of
// the agency's letter), not on the (future) date it names.
func setCustomDue(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, on, setAt deadline.Date, reason string) error {
	if utf8.RuneCountInString(reason) > 2000 {
		return sunshine.FieldInvalid("reason", "must be at most 2000 characters")
	}
	if !on.IsZero() && r.Status == sunshine.StatusDraft {
		return sunshine.FieldInvalid("date", "a draft has no deadline yet: submit it first")
	}
	if !on.IsZero() && !r.Status.Open() {
		return sunshine.Errorf(sunshine.EConflict, "the request is %s: a closed request has no due date (appeal it to follow a new one)",
			strings.ReplaceAll(string(r.Status), "_", " "))
	}
	if !on.IsZero() && !r.ReceivedOn.IsZero() && on.Before(r.ReceivedOn) {
		return sunshine.FieldInvalid("date", "must not be before the receipt date (%s)", r.ReceivedOn)
	}
	prev := r.CustomDueOn
	r.CustomDueOn, r.CustomDueReason = on, reason
	if on.IsZero() { // why it was cleared is the event's note, not the request's reason
		r.CustomDueReason = ""
	}
	if err := saveRequest(ctx, tx, r); err != nil {
		return err
	}
	if err := reschedule(ctx, tx, r); err != nil {
		return err
	}
	return addEvent(ctx, tx, r, sunshine.EventCustomDueSet, setAt, reason, map[string]any{"custom_due_on": on, "previous": prev})
}

// recompute runs the deadline engine over the request's facts, saves the
// request and, when the due date moved, records why. An engine refusal is
// EUnprocessable naming field.
func (s *Store) recompute(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, field string) error {
	prev := r.DueOn
	if err := loadClosures(ctx, tx, r); err != nil { // from a receipt date that may have moved
		return err
	}
	res, ok, err := computeDue(r, field)
	if err != nil {
		return err
	}
	if err := saveRequest(ctx, tx, r); err != nil {
		return err
	}
	return recordDue(ctx, tx, r, prev, res, ok, "")
}

// computeDue runs the deadline engine over the request's facts and sets
// DueOn (zero for a draft, a law with no date or a stopped clock).
func computeDue(r *sunshine.Request, field string) (deadline.Result, bool, error) {
	res, ok, err := r.Deadline()
	if err != nil {
		return res, false, &sunshine.Error{Code: sunshine.EUnprocessable, Message: engineMessage(err),
			Fields: []sunshine.FieldError{{Field: field, Message: engineMessage(err)}}}
	}
	r.DueOn = deadline.Date{}
	if ok {
		r.DueOn = res.Due
	}
	return res, ok, nil
}

// recordDue reschedules the request's reminders and, when its due date
// moved from prev, records the new date and why in the timeline, with the
// note (the cause, when it is not the event before it).
func recordDue(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, prev deadline.Date, res deadline.Result, ok bool, note string) error {
	if err := reschedule(ctx, tx, r); err != nil {
		return err
	}
	e, changed := dueChange(r, prev, res, ok)
	if !changed {
		return nil
	}
	return addEvent(ctx, tx, r, e.Kind, e.On, note, e.Data)
}

// dueChange is the timeline event of a due date that moved from prev (or
// of a pause that holds it), if it did.
func dueChange(r *sunshine.Request, prev deadline.Date, res deadline.Result, ok bool) (newEvent, bool) {
	if !ok || (r.DueOn == prev && !res.Paused) {
		return newEvent{}, false
	}
	data := map[string]any{"due_on": r.DueOn, "previous_due_on": prev, "extended": res.Extended,
		"paused": res.Paused, "steps": res.Explain()}
	return newEvent{Kind: sunshine.EventDeadlineComputed, On: r.DueOn, Data: data}, true
}

// newEvent is a timeline event to insert, as CreateRequest sends it.
type newEvent struct {
	Kind sunshine.EventKind `json:"kind"`
	On   deadline.Date      `json:"effective_on"`
	Data any                `json:"data"`
}

func engineMessage(err error) string {
	msg := err.Error()
	for _, prefix := range []error{deadline.ErrOutOfRange, deadline.ErrNoExtension, deadline.ErrInvalidPause} {
		msg = strings.TrimPrefix(msg, prefix.Error()+": ")
	}
	return msg
}

func addEvent(ctx context.Context, tx sqlx.ExtContext, r *sunshine.Request, kind sunshine.EventKind, on deadline.Date, note string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("store: event data: %w", err)
	}
	const q = `INSERT INTO request_events (org_id, request_id, actor_id, kind, effective_on, note, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	// A string, not []byte: with binary_parameters lib/pq sends []byte in
	// PostgreSQL's binary format, which for jsonb is not plain JSON.
	_, err = tx.ExecContext(ctx, q, r.OrgID, r.ID, actorID(ctx), kind, on, note, string(b))
	return translate(err, "event")
}

// requestOrg returns the caller's organization once it has found the
// request there: another organization's request is ENotFound.
func (s *Store) requestOrg(ctx context.Context, requestID string) (string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", err
	}
	if _, err := s.findRequest(ctx, s.q(), org, requestID, false); err != nil {
		return "", err
	}
	return org, nil
}

// FindEvents returns a page of a request's timeline, oldest first: at most
// limit events (All for every one) after the cursor, fewer where their
// data passes the page's budget, and the cursor of the next page ("" on
// the last).
func (s *Store) FindEvents(ctx context.Context, requestID string, limit int, after string) ([]*sunshine.Event, string, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, "", err
	}
	limit = pageLimit(limit)
	args := []any{org, requestID, pageBudget(limit)}
	keyset := ""
	if after != "" {
		// The cursor names the page's last event; its place in the
		// timeline (seq, shared by every organization) stays in the
		// database, and an event of another request is no cursor here.
		_, id, ok := decodeCursor("events", after)
		var seq int64
		if ok {
			err = sqlx.GetContext(ctx, s.q(), &seq, `SELECT seq FROM request_events WHERE org_id = $1 AND request_id = $2 AND id = $3`,
				org, requestID, id)
		}
		if !ok || errors.Is(err, sql.ErrNoRows) {
			return nil, "", badCursor()
		} else if err != nil {
			return nil, "", translate(err, "events")
		}
		args = append(args, seq)
		keyset = ` AND seq > $4`
	}
	// An edit's event holds the communication's previous body: the page is
	// cut by the events' sizes (kept with each, migration 0010) as well as
	// their number.
	q := `WITH page AS (
			SELECT seq, sum(size) OVER (ORDER BY seq) - size AS before
			FROM request_events WHERE org_id = $1 AND request_id = $2` + keyset + `
			ORDER BY seq` + limitClause(limit) + `
		)
		SELECT id, request_id, actor_id, kind, effective_on, note, data, created_at,
			(SELECT count(*) FROM page) AS candidates
		FROM request_events JOIN page USING (seq) WHERE page.before < $3
		ORDER BY seq`
	var rows []eventRow
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, args...); err != nil {
		return nil, "", translate(err, "events")
	}
	candidates := 0
	if len(rows) > 0 {
		candidates = rows[0].Candidates
	}
	rows, next := budgetPage(rows, candidates, limit, func(e eventRow) string {
		return encodeCursor("events", "", e.ID)
	})
	es := make([]*sunshine.Event, len(rows))
	for i := range rows {
		es[i] = &rows[i].Event
	}
	return es, next, nil
}

// timelineDataLimit is the size past which FindTimeline leaves an event's
// data unread: only an edit of a long message (which keeps the previous
// body, up to 1 MB) passes it; a request's details, the next largest, stay
// under 200 KB.
const timelineDataLimit = 256 << 10

// FindTimeline returns every event of a request, oldest first, as its page
// shows them: an event whose data pass timelineDataLimit comes with empty
// data, so a history of edits of long messages is not read for one page.
func (s *Store) FindTimeline(ctx context.Context, requestID string) ([]*sunshine.Event, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, err
	}
	const q = `SELECT id, request_id, actor_id, kind, effective_on, note,
			CASE WHEN size > $3 THEN '{}'::jsonb ELSE data END AS data, created_at
		FROM request_events WHERE org_id = $1 AND request_id = $2 ORDER BY seq`
	var es []*sunshine.Event
	if err := sqlx.SelectContext(ctx, s.q(), &es, q, org, requestID, timelineDataLimit); err != nil {
		return nil, translate(err, "events")
	}
	return es, nil
}

// eventRow is an event with how many events its page considered.
type eventRow struct {
	sunshine.Event
	Candidates int `db:"candidates"`
}
