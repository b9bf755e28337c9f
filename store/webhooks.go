package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Webhooks (sunshine.Webhook): an organization's events sent, in order
// and each at least once, to addresses its admins chose. A webhook keeps
// its place in the events (after_xid, after_seq: migration 0058): the
// delivery job claims a webhook for a while (a lease), reads the events
// after its place that are final, sends them one by one and moves the
// place past each one its address took.

// webhookColumns are a webhook's columns as sunshine.Webhook reads them.
const webhookColumns = `id, url, description, format, kinds, secret, active, off_reason, created_by, created_at,
	last_sent_at, failing_since, last_error, next_attempt_at, ping`

type webhookRow struct {
	sunshine.Webhook
	Kinds pq.StringArray `db:"kinds"`
}

func (r *webhookRow) webhook() *sunshine.Webhook {
	w := r.Webhook
	w.Kinds = make([]sunshine.EventKind, len(r.Kinds))
	for i, k := range r.Kinds {
		w.Kinds[i] = sunshine.EventKind(k)
	}
	return &w
}

func kindArray(kinds []sunshine.EventKind) pq.StringArray {
	out := make(pq.StringArray, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// newWebhookSecret is a Standard Webhooks signing secret: "whsec_" and
// 24 random bytes in base64.
func newWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// CreateWebhook makes a webhook for the caller's organization (an admin's
// action; the caller checks the role). It sends the events that happen
// from now on (or, made off, from when it is turned on).
func (s *Store) CreateWebhook(ctx context.Context, in sunshine.WebhookInput) (*sunshine.Webhook, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	var kinds []sunshine.EventKind
	if in.Kinds != nil {
		kinds = *in.Kinds
	}
	var id string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The organization's row is locked so two admins adding the last
		// webhook at once make one.
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM webhooks WHERE org_id = o.id)
			FROM organizations o WHERE o.id = $1 FOR UPDATE`, org); err != nil {
			return translate(err, "organization")
		}
		if n >= sunshine.MaxWebhooks {
			return sunshine.FieldInvalid("url", "cannot be added: an organization has at most %d webhooks (remove one first)", sunshine.MaxWebhooks)
		}
		active := in.Active == nil || *in.Active
		err := tx.GetContext(ctx, &id, `INSERT INTO webhooks (org_id, url, description, format, kinds, secret, created_by, created_at,
				after_xid, floor_seq, next_attempt_at, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, pg_current_xact_id(), `+latestSeq+`, $8, $9) RETURNING id`,
			org, *in.URL, valueOr(in.Description, ""), *in.Format, kindArray(kinds), newWebhookSecret(), actorID(ctx), s.clock.Now(), active)
		return translate(err, "webhook")
	})
	if err != nil {
		return nil, err
	}
	return s.Webhook(ctx, id)
}

// Webhooks returns the caller's organization's webhooks, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]*sunshine.Webhook, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []webhookRow
	if err := sqlx.SelectContext(ctx, s.q(), &rows, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = $1
		ORDER BY created_at, id`, org); err != nil {
		return nil, translate(err, "webhooks")
	}
	out := make([]*sunshine.Webhook, len(rows))
	for i := range rows {
		out[i] = rows[i].webhook()
	}
	return out, nil
}

// Webhook returns a webhook of the caller's organization.
func (s *Store) Webhook(ctx context.Context, id string) (*sunshine.Webhook, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findWebhook(ctx, s.q(), org, id, false)
}

func findWebhook(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*sunshine.Webhook, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	query := `SELECT ` + webhookColumns + ` FROM webhooks WHERE org_id = $1 AND id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	var row webhookRow
	err := sqlx.GetContext(ctx, q, &row, query, org, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	if err != nil {
		return nil, translate(err, "webhook")
	}
	return row.webhook(), nil
}

// UpdateWebhook changes a webhook of the caller's organization. Turned on
// again, it sends the events from then on (not those that happened while
// it was off); a new address is tried at once.
func (s *Store) UpdateWebhook(ctx context.Context, id string, in sunshine.WebhookInput) (*sunshine.Webhook, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		w, err := findWebhook(ctx, tx, org, id, true)
		if err != nil {
			return err
		}
		format, kinds, active := valueOr(in.Format, w.Format), valueOr(in.Kinds, w.Kinds), valueOr(in.Active, w.Active)
		url := valueOr(in.URL, w.URL)
		now := s.clock.Now()
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET url = $3, description = $4, format = $5, kinds = $6, active = $7,
				off_reason = CASE WHEN $7 THEN '' ELSE off_reason END,
				-- Turned on: from now. A new address, or turned on: tried now,
				-- its failures forgotten.
				after_xid = CASE WHEN $7 AND NOT active THEN pg_current_xact_id() ELSE after_xid END,
				after_seq = CASE WHEN $7 AND NOT active THEN 0 ELSE after_seq END,
				floor_seq = CASE WHEN $7 AND NOT active THEN `+latestSeq+` ELSE floor_seq END,
				ping = ping AND $7,
				-- Off, or a new address: a worker holding it stops.
				lease = CASE WHEN $7 AND NOT $9 THEN lease END,
				failing_since = CASE WHEN $9 THEN NULL ELSE failing_since END,
				attempts = CASE WHEN $9 THEN 0 ELSE attempts END,
				last_error = CASE WHEN $9 THEN '' ELSE last_error END,
				next_attempt_at = CASE WHEN $9 THEN $8 ELSE next_attempt_at END
			WHERE org_id = $1 AND id = $2`,
			org, id, url, valueOr(in.Description, w.Description), format, kindArray(kinds), active, now,
			url != w.URL || (active && !w.Active))
		return translate(err, "webhook")
	})
	if err != nil {
		return nil, err
	}
	return s.Webhook(ctx, id)
}

// DeleteWebhook removes a webhook of the caller's organization and its
// deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if !validUUID(id) {
		return sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	res, err := s.q().ExecContext(ctx, `DELETE FROM webhooks WHERE org_id = $1 AND id = $2`, org, id)
	if err != nil {
		return translate(err, "webhook")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	return nil
}

// NewWebhookSecret gives a webhook of the caller's organization a new
// signing secret: messages are signed with it from the next one sent.
func (s *Store) NewWebhookSecret(ctx context.Context, id string) (*sunshine.Webhook, error) {
	return s.changeWebhook(ctx, id, `secret = $3`, newWebhookSecret())
}

// PingWebhook asks for a test message to a webhook of the caller's
// organization, sent with its next delivery (within seconds). It must be
// on.
func (s *Store) PingWebhook(ctx context.Context, id string) (*sunshine.Webhook, error) {
	w, err := s.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	if !w.Active {
		return nil, sunshine.Errorf(sunshine.EConflict, "the webhook is off: turn it on to send a test message")
	}
	// Sent now, ahead of a failing address's wait: the test shows whether
	// the address works.
	return s.changeWebhook(ctx, id, `ping = active, next_attempt_at = CASE WHEN lease IS NULL THEN $3 ELSE next_attempt_at END`,
		s.clock.Now())
}

// changeWebhook sets a webhook's columns (set, with $3) and returns it.
func (s *Store) changeWebhook(ctx context.Context, id, set string, arg any) (*sunshine.Webhook, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	var row webhookRow
	err = sqlx.GetContext(ctx, s.q(), &row, `UPDATE webhooks SET `+set+` WHERE org_id = $1 AND id = $2 RETURNING `+webhookColumns,
		org, id, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "webhook not found")
	}
	if err != nil {
		return nil, translate(err, "webhook")
	}
	return row.webhook(), nil
}

// WebhookDeliveries returns a webhook's latest tries to send (at most
// limit, the last 30 days'), newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, id string, limit int) ([]*sunshine.WebhookDelivery, error) {
	w, err := s.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []*sunshine.WebhookDelivery
	err = sqlx.SelectContext(ctx, s.q(), &out, `SELECT id, message_id, kind, request_id, attempted_at, status_code, error, duration_ms
		FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY n DESC LIMIT $2`, w.ID, limit)
	return out, translate(err, "webhook deliveries")
}

// The delivery job's side: across organizations, with no principal.

// WebhookClaim is a webhook claimed for delivery until its lease ends.
type WebhookClaim struct {
	ID       string                 `db:"id"`
	OrgID    string                 `db:"org_id"`
	OrgName  string                 `db:"org_name"`
	URL      string                 `db:"url"`
	Desc     string                 `db:"description"`
	Format   sunshine.WebhookFormat `db:"format"`
	Kinds    pq.StringArray         `db:"kinds"`
	Secret   string                 `db:"secret"`
	Ping     bool                   `db:"ping"`
	Lease    string                 `db:"lease"`
	Attempts int                    `db:"attempts"`
	AfterXID string                 `db:"after_xid"`
	AfterSeq int64                  `db:"after_seq"`
	FloorSeq int64                  `db:"floor_seq"`
}

// ClaimWebhook claims an active webhook due for delivery, for lease, or
// returns nil when none is due; skip are those a run handled already
// (released, a webhook is due again at once). Another worker does not claim it until
// the lease ends; a worker's record of what it sent counts only while its
// lease holds.
func (s *Store) ClaimWebhook(ctx context.Context, lease time.Duration, skip []string) (*WebhookClaim, error) {
	now := s.clock.Now()
	var c WebhookClaim
	// A place past this server's transaction IDs came with the database
	// from another server (a dump restored; it is never past them
	// otherwise): the webhook goes on from here, its place the oldest
	// transaction running and its floor the latest event, above every
	// event it holds (one committed later has a later seq).
	const restored = `w.after_xid > pg_snapshot_xmax(pg_current_snapshot())`
	err := sqlx.GetContext(ctx, s.q(), &c, `UPDATE webhooks w SET lease = gen_random_uuid(), next_attempt_at = $2,
			after_xid = CASE WHEN `+restored+` THEN pg_snapshot_xmin(pg_current_snapshot()) ELSE w.after_xid END,
			after_seq = CASE WHEN `+restored+` THEN 0 ELSE w.after_seq END,
			floor_seq = CASE WHEN `+restored+` THEN `+latestSeq+` ELSE w.floor_seq END
		FROM organizations o
		WHERE o.id = w.org_id AND w.id = (
			SELECT id FROM webhooks WHERE active AND next_attempt_at <= $1 AND id <> ALL(COALESCE($3::uuid[], '{}'))
			ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING w.id, w.org_id, o.name AS org_name, w.url, w.description, w.format, w.kinds, w.secret, w.ping, w.lease, w.attempts,
			w.after_xid, w.after_seq, w.floor_seq`, now, now.Add(lease), pq.Array(skip))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "webhook")
	}
	return &c, nil
}

// latestSeq is the last event's place in the sequence every event has.
const latestSeq = `(SELECT COALESCE(max(seq), 0) FROM request_events)`

// eventHorizon is the transaction ID before which every event is final:
// the oldest transaction running in this database when the statement's
// snapshot was taken (or the snapshot's end, when none is). Every event
// of an older transaction is seen by the statement, or never will be.
// Transactions of other databases on the same server are left out (one
// left open by another program, or prepared and forgotten, must not hold
// webhooks back), when they are still running as the statement reads
// pg_stat_activity and pg_prepared_xacts; one that ended in between
// counts, which only waits a round.
const eventHorizon = `SELECT COALESCE((
		SELECT x FROM pg_snapshot_xip(pg_current_snapshot()) x
		WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
			WHERE a.backend_xid = xid(x) AND a.datname IS DISTINCT FROM current_database())
		AND NOT EXISTS (SELECT 1 FROM pg_prepared_xacts p
			WHERE p.transaction = xid(x) AND p.database <> current_database())
		ORDER BY x LIMIT 1), pg_snapshot_xmax(pg_current_snapshot())) AS xmin`

// WebhookEvent is an event to send, with its request and person.
type WebhookEvent struct {
	sunshine.Event
	XID          string         `db:"xid"`
	Seq          int64          `db:"seq"`
	RequestTitle string         `db:"request_title"`
	AgencyName   string         `db:"agency_name"`
	Jurisdiction string         `db:"jurisdiction"`
	Status       string         `db:"status"`
	DueOn        *deadline.Date `db:"due_on"`
	ActorName    string         `db:"actor_name"`
}

// WebhookEvents returns the claimed webhook's next events (at most limit,
// of its kinds), in order: those after its place whose transactions
// ended, so none committed later can come before them. When there is
// none, the webhook's place moves to where the final events end, past
// those of other kinds.
func (s *Store) WebhookEvents(ctx context.Context, c *WebhookClaim, limit int) ([]WebhookEvent, error) {
	// The horizon first, in a statement of its own: every transaction
	// before it had ended then, so the read after it sees all of their
	// events, and the place may move to it when none is left.
	var horizon string
	if err := sqlx.GetContext(ctx, s.q(), &horizon, `SELECT xmin::text FROM (`+eventHorizon+`) h`); err != nil {
		return nil, translate(err, "webhook events")
	}
	var out []WebhookEvent
	err := sqlx.SelectContext(ctx, s.q(), &out, `SELECT e.id, e.request_id, e.actor_id, e.kind, e.effective_on, e.note,
			CASE WHEN e.kind IN ('communication_edited', 'communication_deleted')
				THEN e.data #- '{previous,body}' #- '{communication,body}' ELSE e.data END AS data,
			e.created_at, e.xid::text AS xid, e.seq, r.title AS request_title, a.name AS agency_name, r.jurisdiction,
			r.status, COALESCE(r.custom_due_on, r.due_on) AS due_on, COALESCE(NULLIF(u.name, ''), u.email, '') AS actor_name
		FROM request_events e
		JOIN requests r ON r.org_id = e.org_id AND r.id = e.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.org_id = $1 AND e.xid IS NOT NULL
			AND (e.xid, e.seq) > ($2::xid8, $3::bigint) AND e.xid < $7::xid8 AND e.seq > $6
			AND (cardinality($4::text[]) = 0 OR e.kind = ANY($4))
		ORDER BY e.xid, e.seq LIMIT $5`, c.OrgID, c.AfterXID, c.AfterSeq, c.Kinds, limit, c.FloorSeq, horizon)
	if err != nil {
		return nil, translate(err, "webhook events")
	}
	if len(out) == 0 {
		// No final event of its kinds is left: the place moves to the
		// horizon, so the next read starts there and not at the last
		// event sent (which may be far back, for a rare kind). An event
		// of the horizon's own transaction is not final yet, and comes
		// after (horizon, 0). A failure it was stuck on is behind it
		// (its kinds changed): forgotten.
		var moved []string
		err := sqlx.SelectContext(ctx, s.q(), &moved, `UPDATE webhooks SET after_xid = $3::xid8, after_seq = 0,
				attempts = 0, failing_since = NULL, last_error = ''
			WHERE id = $1 AND lease = $2 AND active AND (after_xid, after_seq) < ($3::xid8, 0) RETURNING after_xid::text`,
			c.ID, c.Lease, horizon)
		if err != nil {
			return nil, translate(err, "webhook")
		}
		if len(moved) == 1 {
			c.AfterXID, c.AfterSeq = moved[0], 0
		}
	}
	return out, nil
}

// Attempt is one try to send a message to a claimed webhook's address.
type Attempt struct {
	MessageID  string
	Kind       string
	RequestID  *string
	StatusCode int // 0 when no answer came
	Error      string
	Duration   time.Duration
	// After is the event sent, whose place the webhook moves past when
	// its address took it (WebhookSent, WebhookFailed).
	After *WebhookEvent
}

// WebhookTested records the claimed webhook's test message, taken or
// not: it is not sent again, and its failure is not the webhook's. It
// reports false when the lease ended (or the webhook was turned off).
func (s *Store) WebhookTested(ctx context.Context, c *WebhookClaim, a Attempt) (bool, error) {
	held := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if held, err = leaseUpdate(ctx, tx, c, `ping = false`); err != nil || !held {
			return err
		}
		return s.recordAttempt(ctx, tx, c, a)
	})
	return held, err
}

// WebhookSent records an event the claimed webhook's address took: its
// place moves past it and its failures are forgotten. It reports false
// when the lease ended (another worker may have the webhook now).
func (s *Store) WebhookSent(ctx context.Context, c *WebhookClaim, a Attempt) (bool, error) {
	held := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		held, err = leaseUpdate(ctx, tx, c, `after_xid = $3::xid8, after_seq = $4, attempts = 0, failing_since = NULL,
			last_error = '', last_sent_at = $5`, a.After.XID, a.After.Seq, s.clock.Now())
		if held && err == nil {
			c.AfterXID, c.AfterSeq, c.Attempts = a.After.XID, a.After.Seq, 0
		}
		if err != nil || !held {
			return err
		}
		return s.recordAttempt(ctx, tx, c, a)
	})
	return held, err
}

// WebhookFailed records an event the claimed webhook's address did not
// take, and releases the webhook until it is tried again (backoff after
// its failures in a row). Failing for
// WebhookGiveUp, or answering 410 Gone, turns the webhook off, and its
// organization's admins are emailed. It reports whether it turned it off.
func (s *Store) WebhookFailed(ctx context.Context, c *WebhookClaim, a Attempt) (off bool, err error) {
	now := s.clock.Now()
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var since *time.Time
		err := tx.GetContext(ctx, &since, `SELECT failing_since FROM webhooks WHERE id = $1 AND lease = $2 AND active FOR UPDATE`,
			c.ID, c.Lease)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the lease ended
		} else if err != nil {
			return translate(err, "webhook")
		}
		reason := ""
		switch {
		case a.StatusCode == 410:
			reason = "its address answered 410 Gone: the service says it no longer exists"
		case since != nil && now.Sub(*since) >= sunshine.WebhookGiveUp:
			// What the address said stays on the webhook's page: the
			// email, from Sunshine, carries none of its words.
			said := "no answer"
			if a.StatusCode != 0 {
				said = fmt.Sprintf("last answered %d %s", a.StatusCode, http.StatusText(a.StatusCode))
			}
			reason = fmt.Sprintf("its address failed every try for %d hours (%s)", int(sunshine.WebhookGiveUp.Hours()), said)
		}
		if reason != "" {
			off = true
			if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET active = false, off_reason = $2, lease = NULL, ping = false,
					attempts = attempts + 1, failing_since = COALESCE(failing_since, $3), last_error = $4 WHERE id = $1`,
				c.ID, reason, now, a.Error); err != nil {
				return translate(err, "webhook")
			}
			if err := s.noticeWebhookOff(ctx, tx, c, reason); err != nil {
				return err
			}
		} else {
			wait := webhookBackoff(c.Attempts + 1)
			if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET lease = NULL, attempts = attempts + 1,
					failing_since = COALESCE(failing_since, $2), last_error = $3, next_attempt_at = $4 WHERE id = $1`,
				c.ID, now, a.Error, now.Add(wait)); err != nil {
				return translate(err, "webhook")
			}
		}
		return s.recordAttempt(ctx, tx, c, a)
	})
	return off, err
}

// valueOr is what an input's field says, or was when it says nothing.
func valueOr[T any](v *T, was T) T {
	if v == nil {
		return was
	}
	return *v
}

// webhookBackoff is how long a failing address waits before its next
// try, after n failures in a row: from 30 seconds to 8 hours.
func webhookBackoff(n int) time.Duration {
	steps := []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 4 * time.Hour}
	if n >= 1 && n <= len(steps) {
		return steps[n-1]
	}
	return 8 * time.Hour
}

// ReleaseWebhook ends the claim on a webhook: it is due again now (for
// the events that come next).
func (s *Store) ReleaseWebhook(ctx context.Context, c *WebhookClaim) error {
	_, err := s.q().ExecContext(ctx, `UPDATE webhooks SET lease = NULL, next_attempt_at = $3 WHERE id = $1 AND lease = $2`,
		c.ID, c.Lease, s.clock.Now())
	return translate(err, "webhook")
}

// leaseUpdate sets a claimed webhook's columns (set, with $3…) while its
// lease holds, and reports whether it held.
func leaseUpdate(ctx context.Context, tx *sqlx.Tx, c *WebhookClaim, set string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE webhooks SET `+set+` WHERE id = $1 AND lease = $2 AND active`,
		append([]any{c.ID, c.Lease}, args...)...)
	if err != nil {
		return false, translate(err, "webhook")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Store) recordAttempt(ctx context.Context, tx *sqlx.Tx, c *WebhookClaim, a Attempt) error {
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (org_id, webhook_id, message_id, kind, request_id,
			attempted_at, status_code, error, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		c.OrgID, c.ID, a.MessageID, a.Kind, a.RequestID, s.clock.Now(), code, cutText(a.Error, 1000), a.Duration.Milliseconds())
	return translate(err, "webhook delivery")
}

// noticeWebhookOff emails each active admin of the webhook's organization
// that Sunshine turned it off, and why (reminder kind webhook_off, always
// sent: no event reaches the address until someone turns it on again).
func (s *Store) noticeWebhookOff(ctx context.Context, tx *sqlx.Tx, c *WebhookClaim, reason string) error {
	now := s.clock.Now()
	payload, err := json.Marshal(WebhookOffNotice{WebhookID: c.ID, URL: c.URL, Description: c.Desc, Reason: reason})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload)
		SELECT $1, u.id, 'webhook_off', $2, $2, $3, $4 FROM users u
		WHERE u.org_id = $1 AND u.role = 'admin' AND `+activeUser, c.OrgID, deadline.DateOf(now.UTC()), now, string(payload))
	return translate(err, "webhook notice")
}

// WebhookOffNotice is what a webhook_off email says.
type WebhookOffNotice struct {
	WebhookID   string `json:"webhook_id"`
	URL         string `json:"url"`
	Description string `json:"description"`
	Reason      string `json:"reason"`
}

// WebhookOff returns what a webhook_off email says; an error once it was
// sent, as sending clears it.
func (s *Store) WebhookOff(ctx context.Context, reminderID string) (*WebhookOffNotice, error) {
	raw, err := s.linkPayload(ctx, reminderID, sunshine.ReminderWebhookOff)
	if err != nil {
		return nil, err
	}
	var n WebhookOffNotice
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		return nil, fmt.Errorf("store: webhook notice %s: %w", reminderID, err)
	}
	return &n, nil
}
