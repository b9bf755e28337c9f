package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// searchAlertListed is how many new matches an alert's email lists; it
// counts the others.
const searchAlertListed = 20

const searchAlertColumns = `a.id, a.user_id, a.q, a.created_at, a.checked_at, a.last_sent_at`

// CreateSearchAlert saves words the caller wants to hear of (their own
// alert): what is filed, logged, uploaded, noted or edited from now on
// and matches them is emailed.
func (s *Store) CreateSearchAlert(ctx context.Context, q string) (*sunshine.SearchAlert, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.UserID == "" {
		return nil, sunshine.Errorf(sunshine.EForbidden, "search alerts are a person's: use a person's token")
	}
	if q, err = sunshine.SearchAlertWords(q); err != nil {
		return nil, err
	}
	var id string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The person's row is locked so two alerts made at once count each
		// other (not against their sessions' and events' keys).
		var n, same int
		if err := tx.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM search_alerts WHERE user_id = u.id)
			FROM users u WHERE u.org_id = $1 AND u.id = $2 FOR NO KEY UPDATE`, p.OrgID, p.UserID); err != nil {
			return translate(err, "user")
		}
		if err := tx.GetContext(ctx, &same, `SELECT count(*) FROM search_alerts WHERE user_id = $1 AND lower(q) = lower($2)`,
			p.UserID, q); err != nil {
			return translate(err, "search alert")
		}
		switch {
		case same > 0:
			return &sunshine.Error{Code: sunshine.EConflict, Message: "you already have an alert for these words",
				Fields: []sunshine.FieldError{{Field: "q", Message: "already has an alert of yours"}}}
		case n >= sunshine.MaxSearchAlerts:
			return sunshine.FieldInvalid("q", "cannot be followed: you have %d search alerts, the most a person may have (stop one first)", sunshine.MaxSearchAlerts)
		}
		// Its place is the horizon: work in flight as it is made (a
		// transaction not ended yet) is compared too, rather than lost.
		err := tx.GetContext(ctx, &id, `INSERT INTO search_alerts (org_id, user_id, q, created_at, checked_at, after_xid)
			SELECT $1, $2, $3, $4, $4, h.xmin FROM (`+eventHorizon+`) h RETURNING id`, p.OrgID, p.UserID, q, s.clock.Now())
		return translate(err, "search alert")
	})
	if err != nil {
		return nil, err
	}
	return s.SearchAlert(ctx, id)
}

// SearchAlert returns one of the caller's own alerts.
func (s *Store) SearchAlert(ctx context.Context, id string) (*sunshine.SearchAlert, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "search alert not found")
	}
	var a sunshine.SearchAlert
	err = sqlx.GetContext(ctx, s.q(), &a, `SELECT `+searchAlertColumns+` FROM search_alerts a
		WHERE a.org_id = $1 AND a.user_id = $2 AND a.id = $3`, p.OrgID, p.UserID, id)
	if err != nil {
		return nil, translate(err, "search alert")
	}
	return &a, nil
}

// SearchAlerts returns the caller's own alerts, by their words.
func (s *Store) SearchAlerts(ctx context.Context) ([]*sunshine.SearchAlert, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	out := []*sunshine.SearchAlert{}
	err = sqlx.SelectContext(ctx, s.q(), &out, `SELECT `+searchAlertColumns+` FROM search_alerts a
		WHERE a.org_id = $1 AND a.user_id = $2 ORDER BY lower(a.q), a.id`, p.OrgID, p.UserID)
	return out, translate(err, "search alerts")
}

// DeleteSearchAlert stops one of the caller's own alerts; an email it
// queued and not yet sent goes no more.
func (s *Store) DeleteSearchAlert(ctx context.Context, id string) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !validUUID(id) {
		return sunshine.Errorf(sunshine.ENotFound, "search alert not found")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM search_alerts WHERE org_id = $1 AND user_id = $2 AND id = $3`, p.OrgID, p.UserID, id)
		if err != nil {
			return translate(err, "search alert")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sunshine.Errorf(sunshine.ENotFound, "search alert not found")
		}
		// A claim is kept, as other cancels keep it: an email already
		// being sent is recorded as what it was.
		_, err = tx.ExecContext(ctx, `UPDATE reminders SET status = 'cancelled', payload = '',
				last_error = 'the search alert was stopped'
			WHERE recipient_id = $1 AND kind = 'search_alert' AND status = 'pending'
				-- Other kinds' payloads are not JSON: the CASE reads this kind's only.
				AND CASE WHEN kind = 'search_alert' AND payload <> '' THEN payload::jsonb ->> 'alert_id' END = $2`, p.UserID, id)
		return translate(err, "search alert email")
	})
}

// Key names a hit for an alert's memory: its kind and its own ID.
func (h SearchHit) Key() string {
	switch {
	case h.DocumentID != nil:
		return "document:" + *h.DocumentID
	case h.CommunicationID != nil:
		return "communication:" + *h.CommunicationID
	case h.NoteID != nil:
		return "note:" + *h.NoteID
	}
	return "request:" + h.RequestID
}

// OwnTitle is the hit's own title beside its request's: a communication's
// subject or a document's name, "" for a request or a note, or one that
// repeats its request's title.
func (h SearchHit) OwnTitle() string {
	if h.Kind == "request" || h.Title == h.RequestTitle {
		return ""
	}
	return h.Title
}

// Path is the hit's place in the pages: its request's page, at the note
// for a note.
func (h SearchHit) Path() string {
	if h.NoteID != nil {
		return "/requests/" + h.RequestID + "#event-" + *h.NoteID
	}
	return "/requests/" + h.RequestID
}

// markSeen records hits as known to alert id and returns those it did not
// know, in their order.
func (s *Store) markSeen(ctx context.Context, tx *sqlx.Tx, id string, hits []SearchHit) ([]SearchHit, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = h.Key()
	}
	var added []string
	err := tx.SelectContext(ctx, &added, `INSERT INTO search_alert_hits (alert_id, hit)
		SELECT $1, k FROM unnest($2::text[]) k ON CONFLICT DO NOTHING RETURNING hit`, id, pq.Array(keys))
	if err != nil {
		return nil, translate(err, "search alert")
	}
	isNew := make(map[string]bool, len(added))
	for _, k := range added {
		isNew[k] = true
	}
	var out []SearchHit
	for _, h := range hits {
		if isNew[h.Key()] {
			out = append(out, h)
			delete(isNew, h.Key()) // a hit listed twice is new once
		}
	}
	return out, nil
}

// SearchAlertNotice is what a search alert's email is about: the matches
// new to it, by Key, the first searchAlertListed of them read again when
// it is sent (what was removed meanwhile is left out).
type SearchAlertNotice struct {
	AlertID string   `json:"alert_id"`
	Q       string   `json:"q"`
	Keys    []string `json:"keys"`
	Total   int      `json:"total"`
	// Hits are the listed matches, as they are when the email is sent.
	Hits []SearchHit `json:"-"`
}

// The events whose object a search alert compares with its words: a
// request filed or edited, a communication logged or corrected, a
// document added (read once its text is), the files unpacked from an
// archive (each likewise), a note written.
var alertEventKinds = pq.Array([]string{string(sunshine.EventCreated), string(sunshine.EventUpdated),
	string(sunshine.EventCommunication), string(sunshine.EventCommEdited), string(sunshine.EventDocumentAdded),
	string(sunshine.EventArchiveUnpacked), string(sunshine.EventNoteAdded)})

// alertEventsPage is how many events a check reads at a time.
const alertEventsPage = 1000

// searchAlertCheckTime bounds one alert's check.
const searchAlertCheckTime = 30 * time.Second

// textWait is how long an alert waits for a document's text to be read
// before it compares the document by its name alone.
const textWait = 24 * time.Hour

// CheckSearchAlerts compares with their words what happened since each
// alert's last check, for every alert not checked for about
// sunshine.SearchAlertEvery, and queues an email (reminder kind
// search_alert) to each person whose words match something new. It
// returns how many emails it queued. Each alert is claimed first (its
// check time moved on, committed), then checked in a transaction of its
// own within searchAlertCheckTime: an alert whose check fails waits for
// its next turn, the others go on, and the failures are returned
// together.
func (s *Store) CheckSearchAlerts(ctx context.Context) (queued int, err error) {
	now := s.clock.Now()
	var failed []error
	claimed := []string{} // in this run (never nil: ALL(NULL) excludes all): one check an alert a run
	for {
		var a alertClaim
		err := sqlx.GetContext(ctx, s.q(), &a, `UPDATE search_alerts a SET checked_at = $2
			FROM users u
			WHERE a.id = (SELECT id FROM search_alerts WHERE checked_at <= $1 AND id <> ALL($3::uuid[])
					ORDER BY checked_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
				AND u.org_id = a.org_id AND u.id = a.user_id
			RETURNING a.id, a.org_id, a.user_id, a.q, a.after_xid::text AS after_xid, a.after_seq, a.floor_seq, u.role,
				`+activeUser+` AS active, a.checked_at AS claimed_at`,
			now.Add(-sunshine.SearchAlertEvery+searchAlertSlack), now, pq.Array(claimed))
		if sunshine.ErrorCode(translate(err, "search alert")) == sunshine.ENotFound {
			return queued, errors.Join(failed...)
		}
		if err != nil {
			return queued, errors.Join(append(failed, translate(err, "search alert"))...)
		}
		claimed = append(claimed, a.ID)
		cctx, cancel := context.WithTimeout(ctx, searchAlertCheckTime)
		sent, more, err := s.checkSearchAlert(cctx, a)
		cancel()
		if more && err == nil {
			// It read as much as one check may: due again at the next run.
			if _, err := s.q().ExecContext(ctx, `UPDATE search_alerts SET checked_at = $2 WHERE id = $1`,
				a.ID, a.Claimed.Add(-sunshine.SearchAlertEvery)); err != nil {
				failed = append(failed, translate(err, "search alert"))
			}
		}
		if err != nil {
			failed = append(failed, fmt.Errorf("search alert %s: %w", a.ID, err))
		}
		if sent {
			queued++
		}
		if err := ctx.Err(); err != nil {
			return queued, errors.Join(append(failed, err)...)
		}
	}
}

// searchAlertSlack lets a check run at the planning run before its hour
// is quite up, so that checks keep to about an hour (planning runs every
// 15 minutes).
const searchAlertSlack = 10 * time.Minute

// alertClaim is a search alert claimed for its check.
type alertClaim struct {
	ID       string        `db:"id"`
	OrgID    string        `db:"org_id"`
	UserID   string        `db:"user_id"`
	Q        string        `db:"q"`
	AfterXID string        `db:"after_xid"`
	AfterSeq int64         `db:"after_seq"`
	FloorSeq int64         `db:"floor_seq"`
	Role     sunshine.Role `db:"role"`
	Active   bool          `db:"active"`
	Claimed  time.Time     `db:"claimed_at"`
}

// alertEvent is an event a check reads: what it is about, and whether
// it is a document whose text is still being read.
type alertEvent struct {
	ID              string  `db:"id"`
	Kind            string  `db:"kind"`
	RequestID       string  `db:"request_id"`
	CommunicationID *string `db:"communication_id"`
	DocumentID      *string `db:"document_id"`
	XID             string  `db:"xid"`
	Seq             int64   `db:"seq"`
	Reading         bool    `db:"reading"`
}

// alertPagesPerCheck bounds the events one check reads (a bulk import, a
// long outage): the rest are read at the next planning run.
const alertPagesPerCheck = 20

// alertEvents reads the events of an alert's kinds after a place whose
// transactions ended (as webhooks do: none committed later can come before
// them), above the alert's floor. A request's edit counts when its text
// changed (title, description, tracking number), a communication's when
// its subject or body did; a document still being read (uploaded within
// textWait) is marked reading.
const alertEvents = `SELECT e.id, e.kind, e.request_id,
		NULLIF(e.data->>'communication_id', '')::uuid AS communication_id, NULLIF(e.data->>'document_id', '')::uuid AS document_id,
		e.xid::text AS xid, e.seq,
		COALESCE(e.kind = 'document_added' AND d.text_status = 'pending' AND d.created_at > $7, FALSE) AS reading
	FROM request_events e
	LEFT JOIN documents d ON e.kind = 'document_added' AND d.org_id = e.org_id AND d.id = NULLIF(e.data->>'document_id', '')::uuid
		AND d.deleted_at IS NULL
	WHERE e.org_id = $1 AND e.xid IS NOT NULL AND (e.xid, e.seq) > ($2::xid8, $3::bigint) AND e.xid < $4::xid8
		AND e.seq > $5 AND e.kind = ANY($6)
		AND (e.kind <> 'updated' OR e.data ?| ARRAY['title', 'description', 'tracking_number'])
		AND (e.kind <> 'communication_edited' OR NOT EXISTS (SELECT 1 FROM communications c
			WHERE c.org_id = e.org_id AND c.id = NULLIF(e.data->>'communication_id', '')::uuid
				AND c.subject IS NOT DISTINCT FROM e.data->'previous'->>'subject' AND c.body IS NOT DISTINCT FROM e.data->'previous'->>'body'))
	ORDER BY e.xid, e.seq LIMIT `

// checkSearchAlert compares with the alert's words what the events after
// its place are about, and queues an email of the matches it has not
// emailed. A document whose text is still being read waits in
// search_alert_pending, compared once it is read (or a day after its
// upload, by its name), while the place moves on. A deactivated person's
// alert, or one restored from another server, only moves to the horizon. more:
// it read as many events as one check may, and more are left.
func (s *Store) checkSearchAlert(ctx context.Context, a alertClaim) (sent, more bool, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var h struct {
			Horizon  string `db:"horizon"`
			Restored bool   `db:"restored"`
		}
		if err := tx.GetContext(ctx, &h, `SELECT h.xmin::text AS horizon,
				$1::xid8 > pg_snapshot_xmax(pg_current_snapshot()) AS restored FROM (`+eventHorizon+`) h`, a.AfterXID); err != nil {
			return translate(err, "search alert events")
		}
		if h.Restored || !a.Active {
			// The events of a restored dump keep the old server's IDs,
			// above this one's for a while: the floor keeps them out.
			_, err := tx.ExecContext(ctx, `UPDATE search_alerts SET after_xid = $2::xid8, after_seq = 0,
					floor_seq = CASE WHEN $3 THEN `+latestSeq+` ELSE floor_seq END
				WHERE id = $1 AND ((after_xid, after_seq) < ($2::xid8, 0) OR $3)`, a.ID, h.Horizon, h.Restored)
			return translate(err, "search alert")
		}
		size, pages := alertEventsPage, alertPagesPerCheck
		if s.alertPage > 0 {
			size, pages = s.alertPage, s.alertPages
		}
		ids := alertObjects{}
		place := [2]any{a.AfterXID, a.AfterSeq}
		for page := 0; ; page++ {
			if page == pages {
				more = true
				break
			}
			var evs []alertEvent
			if err := tx.SelectContext(ctx, &evs, alertEvents+strconv.Itoa(size), a.OrgID, place[0], place[1],
				h.Horizon, a.FloorSeq, alertEventKinds, s.clock.Now().Add(-textWait)); err != nil {
				return translate(err, "search alert events")
			}
			for _, e := range evs {
				switch {
				case e.Kind == string(sunshine.EventArchiveUnpacked) && e.DocumentID != nil:
					// The archive has no text: its files do. Those being
					// read wait, the rest are compared now.
					var read []string
					if err := tx.SelectContext(ctx, &read, `WITH files AS (
							SELECT id, text_status = 'pending' AND created_at > $4 AS reading FROM documents
							WHERE org_id = $1 AND unpacked_from = $2 AND deleted_at IS NULL),
						waiting AS (INSERT INTO search_alert_pending (alert_id, document_id, since)
							SELECT $3, id, $5 FROM files WHERE reading ON CONFLICT DO NOTHING)
						SELECT id FROM files WHERE NOT reading`,
						a.OrgID, *e.DocumentID, a.ID, s.clock.Now().Add(-textWait), s.clock.Now()); err != nil {
						return translate(err, "search alert documents")
					}
					for _, id := range read {
						ids.addKey("document", id)
					}
				case e.Reading:
					if _, err := tx.ExecContext(ctx, `INSERT INTO search_alert_pending (alert_id, document_id, since) VALUES ($1, $2, $3)
						ON CONFLICT DO NOTHING`, a.ID, *e.DocumentID, s.clock.Now()); err != nil {
						return translate(err, "search alert")
					}
				default:
					ids.add(e)
				}
				place = [2]any{e.XID, e.Seq}
			}
			if len(evs) < size {
				// None is left before the horizon: the place moves there
				// (forward only: an older transaction may still run).
				place = [2]any{h.Horizon, int64(0)}
				break
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE search_alerts SET after_xid = $2::xid8, after_seq = $3
			WHERE id = $1 AND (after_xid, after_seq) < ($2::xid8, $3)`, a.ID, place[0], place[1])
		if err != nil {
			return translate(err, "search alert")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM search_alerts WHERE id = $1)`, a.ID); err != nil || !exists {
				return translate(err, "search alert") // stopped meanwhile: nothing to send
			}
		}
		// Documents waiting for their text that are read (or failed, or
		// waited a day) now.
		var read []string
		if err := tx.SelectContext(ctx, &read, `DELETE FROM search_alert_pending p WHERE p.alert_id = $1 AND (p.since <= $2 OR NOT EXISTS (
				SELECT 1 FROM documents d WHERE d.id = p.document_id AND d.deleted_at IS NULL AND d.text_status = 'pending'))
			RETURNING p.document_id`, a.ID, s.clock.Now().Add(-textWait)); err != nil {
			return translate(err, "search alert")
		}
		for _, d := range read {
			ids.addKey("document", d)
		}
		if ids.empty() {
			return nil
		}
		// The person's own view: their organization, their role.
		actx := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: a.OrgID, UserID: a.UserID, Role: a.Role})
		hits, err := NewInTx(tx, s.clock).matchesAmong(actx, a.Q, ids)
		if err != nil {
			return err
		}
		ids.sort(hits)
		fresh, err := s.markSeen(ctx, tx, a.ID, hits)
		if err != nil || len(fresh) == 0 {
			return err
		}
		n := SearchAlertNotice{AlertID: a.ID, Q: a.Q, Total: len(fresh)}
		for _, h := range fresh[:min(len(fresh), searchAlertListed)] {
			n.Keys = append(n.Keys, h.Key())
		}
		payload, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("store: search alert %s: %w", a.ID, err)
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload)
			VALUES ($1, $2, 'search_alert', $3, $3, $4, $5)`, a.OrgID, a.UserID, deadline.DateOf(now.UTC()), now, string(payload)); err != nil {
			return translate(err, "search alert email")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE search_alerts SET last_sent_at = $2 WHERE id = $1`, a.ID, now); err != nil {
			return translate(err, "search alert")
		}
		sent = true
		return nil
	})
	return sent, more, err
}

// alertObjects are what a check's events are about, by kind, and the
// order they came in.
type alertObjects struct {
	requests, communications, documents, notes []string
	order                                      map[string]int // by SearchHit.Key
}

func (o *alertObjects) add(e alertEvent) {
	switch {
	case e.Kind == string(sunshine.EventNoteAdded):
		o.addKey("note", e.ID)
	case e.DocumentID != nil:
		o.addKey("document", *e.DocumentID)
	case e.CommunicationID != nil:
		o.addKey("communication", *e.CommunicationID)
	default:
		o.addKey("request", e.RequestID)
	}
}

// addKey adds the object kind:id once.
func (o *alertObjects) addKey(kind, id string) {
	key := kind + ":" + id
	if o.order == nil {
		o.order = map[string]int{}
	}
	if _, ok := o.order[key]; ok {
		return
	}
	o.order[key] = len(o.order)
	switch kind {
	case "request":
		o.requests = append(o.requests, id)
	case "communication":
		o.communications = append(o.communications, id)
	case "document":
		o.documents = append(o.documents, id)
	case "note":
		o.notes = append(o.notes, id)
	}
}

func (o *alertObjects) empty() bool { return len(o.order) == 0 }

// sort puts hits in the order their objects came in.
func (o *alertObjects) sort(hits []SearchHit) {
	slices.SortStableFunc(hits, func(a, b SearchHit) int { return o.order[a.Key()] - o.order[b.Key()] })
}

// SearchAlertEmail returns what a search_alert email lists, its matches
// read again now (an error once it was sent, as sending clears it).
func (s *Store) SearchAlertEmail(ctx context.Context, reminderID string) (*SearchAlertNotice, error) {
	raw, err := s.linkPayload(ctx, reminderID, sunshine.ReminderSearchAlert)
	if err != nil {
		return nil, err
	}
	var n SearchAlertNotice
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		return nil, fmt.Errorf("store: search alert email %s: %w", reminderID, err)
	}
	var ids alertObjects
	for _, k := range n.Keys {
		kind, id, _ := strings.Cut(k, ":")
		ids.addKey(kind, id)
	}
	hits, err := s.matchesAmong(ctx, n.Q, ids)
	if err != nil {
		return nil, err
	}
	ids.sort(hits) // in the order they were found
	n.Hits = hits
	return &n, nil
}
