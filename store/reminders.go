package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// clockRunning is the SQL list of statuses in which a request can be due or overdue.
const clockRunning = `('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation')`

// openSQL is the SQL list of open statuses, as the partial indexes of open
// requests have it.
const openSQL = `('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation')`

// dueTracked is the SQL test (of requests r) that the request's due date
// counts: Request.DueTracked. ('us-ny', 'us-wa') are the laws an
// acknowledgment meets (deadline.Jurisdiction.MetByAcknowledgment;
// TestDueTrackedMatchesTheEngine keeps the list true).
const dueTracked = `(r.status = 'submitted'
	OR (r.status IN ('acknowledged', 'rolling_production') AND (r.jurisdiction NOT IN ` + metByAcknowledgmentSQL + ` OR r.custom_due_on IS NOT NULL))
	OR (r.status IN ('appealed', 'in_litigation') AND r.custom_due_on IS NOT NULL))`

// metByAcknowledgmentSQL lists the laws an acknowledgment meets, for SQL.
const metByAcknowledgmentSQL = `('us-ny', 'us-wa')`

// followsEstimate is the SQL test (of requests r) that the date to follow
// is the agency's estimate: Request.FollowsEstimate.
const followsEstimate = `(r.status IN ('acknowledged', 'rolling_production') AND r.jurisdiction IN ` + metByAcknowledgmentSQL + `
	AND r.custom_due_on IS NULL)`

// followOn is the SQL expression (of requests r) for the date to follow,
// NULL when there is none: Request.FollowOn. The function and its index are
// migration 0024's.
const followOn = `request_follow_on(r.status, r.jurisdiction, r.due_on, r.custom_due_on, r.agency_estimated_on)`

// noDateToFollow is the SQL test (of requests r) of an open request whose
// clock runs and that has no date to follow: Request.NoDateToFollow.
const noDateToFollow = `(r.status IN ` + clockRunning + ` AND ` + followOn + ` IS NULL)`

// estimatePassed is the SQL test (of requests r) that the request follows
// the agency's estimate and that date is before today, an SQL date:
// Request.EstimatePassed.
func estimatePassed(today string) string {
	return `(` + followsEstimate + ` AND r.agency_estimated_on < ` + today + `)`
}

// recipientsSQL is who gets a request's reminders, the one rule planning
// and delivery share: its assignee and its watchers, or, when it has
// neither, every admin of its organization. A deactivated assignee counts
// as nobody and deactivated watchers as not watching: they get nothing,
// and the request falls back to the admins. It defines the CTEs owing,
// watching and recipients (request_id, user_id, why), one row per request
// and person, why being 'assignee', 'watcher' or 'admin', for the
// requests of a CTE subject (request_id, org_id, assignee_id) before it.
const recipientsSQL = `owing AS (
		SELECT c.request_id, c.org_id, u.id AS assignee_id FROM subject c
		LEFT JOIN users u ON u.id = c.assignee_id AND ` + activeUser + `),
	watching AS (
		SELECT w.request_id, w.user_id FROM owing ow
		JOIN watchers w ON w.request_id = ow.request_id
		JOIN users u ON u.id = w.user_id AND ` + activeUser + `),
	recipients AS (
		SELECT request_id, assignee_id AS user_id, 'assignee' AS why FROM owing WHERE assignee_id IS NOT NULL
		UNION ALL
		SELECT w.request_id, w.user_id, 'watcher' FROM watching w JOIN owing ow ON ow.request_id = w.request_id
		WHERE ow.assignee_id IS DISTINCT FROM w.user_id -- the assignee once
		UNION ALL
		SELECT ow.request_id, u.id, 'admin' FROM owing ow JOIN users u ON u.org_id = ow.org_id AND u.role = 'admin' AND ` + activeUser + `
		WHERE ow.assignee_id IS NULL AND NOT EXISTS (SELECT 1 FROM watching w WHERE w.request_id = ow.request_id))`

// oweSQL is the select list and joins that owe each reminder of a CTE
// owed (org_id, request_id, kind, due_on, occurrence) to the recipients of its
// request (recipientsSQL) who get its kind, to be sent at the recipient's
// hour (their digest hour, 7:00 by default, in the organization's time
// zone) on the day it falls due, not just after midnight; at once ($1)
// when that hour has passed.
const oweSQL = `o.org_id, o.request_id, rc.user_id, o.kind, o.due_on, o.occurrence,
		       GREATEST($1, (o.occurrence + make_interval(hours => COALESCE(up.digest_hour, 7))) AT TIME ZONE org.time_zone)
		FROM owed o
		JOIN organizations org ON org.id = o.org_id
		JOIN recipients rc ON rc.request_id = o.request_id
		LEFT JOIN user_preferences up ON up.user_id = rc.user_id
		WHERE up.user_id IS NULL OR o.kind = ANY(up.kinds)`

// oweAgainSQL makes a cancelled reminder that is owed again pending; one
// sent or pending stays as it is.
const oweAgainSQL = `ON CONFLICT (request_id, kind, due_on, recipient_id, occurrence) WHERE request_id IS NOT NULL
		DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = EXCLUDED.next_attempt_at,
			claimed_at = NULL, last_error = ''
		WHERE reminders.status = 'cancelled'`

// PlanReminders inserts the reminders owed at now for open requests of
// every organization, in one set-based statement that reads only requests
// whose next reminder day has come (reminder_schedule.next_remind_on, set
// by reschedule) and moves that day on. Each reminder is unique per (request,
// kind, due date, recipient, occurrence), so planning again creates
// nothing. It returns how many were created.
func (s *Store) PlanReminders(ctx context.Context, now time.Time) (int64, error) {
	const q = `
	WITH cand AS (
		SELECT r.id AS request_id, s.org_id, r.status, ` + dueTracked + ` AS tracked, r.assignee_id, r.extended, r.agency_estimated_on,
		       COALESCE(r.custom_due_on, r.due_on) AS due, s.soon_dates, s.overdue_from, s.awaiting_remind_on,
		       s.next_remind_on, s.xmin AS version,
		       (SELECT p.started_on FROM request_pauses p WHERE p.request_id = r.id AND p.ended_on IS NULL) AS paused_since,
		       ($1::timestamptz AT TIME ZONE a.time_zone)::date AS today, o.overdue_repeat_days AS repeat
		FROM reminder_schedule s
		-- By id alone (the schedule's foreign key makes r.org_id = s.org_id):
		-- joined on both, the planner walked every agency's requests, a
		-- million rows for 100,000 candidates (docs/performance.md).
		JOIN requests r ON r.id = s.request_id
		JOIN agencies a ON a.org_id = s.org_id AND a.id = r.agency_id
		JOIN organizations o ON o.id = s.org_id
		-- Only requests whose next reminder day has come (a day of slack for time zones).
		WHERE s.next_remind_on IS NOT NULL
		  AND s.next_remind_on <= ($1::timestamptz AT TIME ZONE 'UTC')::date + 1
		  AND r.status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation', 'awaiting_requester')
	),
	owed AS (
		SELECT request_id, org_id, 'due_today' AS kind, due AS due_on, due AS occurrence
		FROM cand WHERE tracked AND due = today
		UNION ALL
		SELECT request_id, org_id, CASE WHEN extended THEN 'extension_ending' ELSE 'due_soon' END, due,
		       (SELECT max(x) FROM unnest(soon_dates) x WHERE x <= today)
		FROM cand WHERE tracked AND today < due
		            AND EXISTS (SELECT 1 FROM unnest(soon_dates) x WHERE x <= today)
		UNION ALL
		SELECT request_id, org_id, 'overdue', due, overdue_from + ((today - overdue_from) / repeat) * repeat
		FROM cand WHERE tracked AND overdue_from <= today
		UNION ALL
		SELECT request_id, org_id, 'agency_estimate_passed', agency_estimated_on, agency_estimated_on + 1
		FROM cand WHERE status IN ` + clockRunning + ` AND agency_estimated_on < today
		UNION ALL
		SELECT request_id, org_id, 'awaiting_requester', paused_since, awaiting_remind_on
		FROM cand WHERE status = 'awaiting_requester' AND paused_since IS NOT NULL AND awaiting_remind_on <= today
	),
	subject AS (
		SELECT request_id, org_id, assignee_id FROM cand WHERE request_id IN (SELECT request_id FROM owed)),
	` + recipientsSQL + `,
	inserted AS (
		INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
		SELECT ` + oweSQL + `
		-- A reminder cancelled by a change since undone (a pause answered
		-- the same day, an agreed date cleared) is owed again.
		` + oweAgainSQL + `
		RETURNING 1
	),
	-- Move each request read on to the next day one of its reminders can fall due.
	-- Only a schedule row still as this statement read it (the same row
	-- version, xmin): a change that rewrote it meanwhile (writeSchedule, in
	-- the change's transaction) blocks this UPDATE until it commits, and
	-- PostgreSQL then re-checks the WHERE against the new row but keeps
	-- cand's old values, so without the check the stale plan would overwrite
	-- the change's dates (a request moved on from waiting on us was left
	-- with none). Comparing the dates would not do: a change may write the
	-- same next_remind_on from a different request. Such a request is
	-- skipped and read afresh by the next run; a reminder this run planned
	-- from the old request is cancelled at delivery (stillApplies).
	moved AS (
		UPDATE reminder_schedule s SET next_remind_on = CASE
			WHEN c.status = 'awaiting_requester' THEN CASE WHEN c.awaiting_remind_on > c.today THEN c.awaiting_remind_on END
			WHEN NOT c.tracked THEN CASE WHEN c.agency_estimated_on + 1 > c.today THEN c.agency_estimated_on + 1 END
			ELSE LEAST(
				(SELECT min(x) FROM unnest(c.soon_dates) x WHERE x > c.today AND x < c.due),
				CASE WHEN c.due > c.today THEN c.due END,
				CASE WHEN c.overdue_from > c.today THEN c.overdue_from
				     ELSE c.overdue_from + ((c.today - c.overdue_from) / c.repeat + 1) * c.repeat END,
				CASE WHEN c.agency_estimated_on + 1 > c.today THEN c.agency_estimated_on + 1 END)
			END
		FROM cand c WHERE s.request_id = c.request_id AND c.today >= c.next_remind_on AND s.xmin = c.version
		RETURNING 1
	)
	SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM moved)`
	var created, moved int64
	if err := s.q().QueryRowxContext(ctx, q, now).Scan(&created, &moved); err != nil {
		return 0, translate(err, "reminder planning")
	}
	return created, nil
}

// queueAssignedEmail puts in the outbox, within tx, an email telling r's
// assignee that someone assigned it to them: not when they assigned it to
// themselves, nor when they chose not to get such emails. Assigning the
// same person twice in a day sends one, unless the first was dropped
// because the request had been reassigned away meanwhile.
func (s *Store) queueAssignedEmail(ctx context.Context, tx sqlx.ExtContext, r *sunshine.Request, note string) error {
	if r.AssigneeID == nil || assignmentEmailsOff(ctx) {
		return nil
	}
	sender := actorID(ctx)
	if sender != nil && *sender == *r.AssigneeID {
		return nil
	}
	today := s.today(r)
	// The note rides in payload until the email is sent (the timeline
	// keeps it).
	const q = `INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at, sender_id, payload)
		SELECT $1, $2, $3, 'assigned', $4, $4, $5, $6, $7
		WHERE COALESCE((SELECT 'assigned' = ANY(kinds) FROM user_preferences WHERE user_id = $3), true)
		ON CONFLICT (request_id, kind, due_on, recipient_id, occurrence) WHERE request_id IS NOT NULL
		DO UPDATE SET status = 'pending', attempts = 0, claimed_at = NULL, last_error = '',
			next_attempt_at = EXCLUDED.next_attempt_at, sender_id = EXCLUDED.sender_id, payload = EXCLUDED.payload
		WHERE reminders.status = 'cancelled'` // dropped when they were reassigned away, now theirs again
	_, err := tx.ExecContext(ctx, q, r.OrgID, r.ID, *r.AssigneeID, today, s.clock.Now(), sender, note)
	return translate(err, "assignment email")
}

// PlanDigests inserts, for each active user whose digest hour has come in their
// organization's time zone on a weekday (no one reads a work summary on a
// Saturday; Monday's covers the weekend), one digest for their local date if they have
// anything overdue, due within 7 days, past the agency's estimate or
// waiting on us (admins: the whole organization; others: what they are
// assigned or watch). Requests with no date to follow ride along in such a
// digest (DigestRequests) but never send one on their own: a Florida
// request would otherwise bring an email every day for as long as it is
// open.
func (s *Store) PlanDigests(ctx context.Context, now time.Time) (int64, error) {
	q := `
	WITH due AS (
		SELECT u.id AS user_id, u.org_id, (($1::timestamptz AT TIME ZONE o.time_zone))::date AS local_date
		FROM users u
		JOIN organizations o ON o.id = u.org_id
		LEFT JOIN user_preferences up ON up.user_id = u.id
		WHERE ` + activeUser + ` AND COALESCE(up.digest, true)
		  AND extract(hour FROM ($1::timestamptz AT TIME ZONE o.time_zone)) >= COALESCE(up.digest_hour, 7)
		  -- Weekdays only: Monday's digest covers the weekend.
		  AND extract(isodow FROM ($1::timestamptz AT TIME ZONE o.time_zone)) < 6
	)
	INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
	SELECT d.org_id, d.user_id, 'digest', d.local_date, d.local_date, $1
	FROM due d
	WHERE EXISTS (
		SELECT 1 FROM requests r
		WHERE r.org_id = d.org_id
		  AND ((` + dueTracked + ` AND r.due_sort <= d.local_date + 7) OR r.status = 'awaiting_requester'
		       OR ` + estimatePassed("d.local_date") + `)
		  AND (EXISTS (SELECT 1 FROM users a WHERE a.id = d.user_id AND a.role = 'admin')
		       OR r.assignee_id = d.user_id
		       OR EXISTS (SELECT 1 FROM watchers w WHERE w.request_id = r.id AND w.user_id = d.user_id)))
	ON CONFLICT DO NOTHING`
	res, err := s.q().ExecContext(ctx, q, now)
	if err != nil {
		return 0, translate(err, "digest planning")
	}
	return res.RowsAffected()
}

// DigestLimit is the most requests a digest lists; DigestRequests returns
// one more when there are more, so the digest can say it is cut.
const DigestLimit = 500

// followedBy2 is a request r that user $2 follows as a digest counts it:
// every request for an admin, else those assigned to them or they watch.
const followedBy2 = `(EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role = 'admin')
		OR r.assignee_id = $2
		OR EXISTS (SELECT 1 FROM watchers w WHERE w.request_id = r.id AND w.user_id = $2))`

// DigestRequests returns a digest recipient's requests that are overdue,
// due within 7 days, past the agency's estimate (Request.EstimatePassed),
// waiting on us or with no date to follow (Request.NoDateToFollow), as of
// each agency's date, the earliest due first.
func (s *Store) DigestRequests(ctx context.Context, userID string) ([]*sunshine.Request, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	q := requestSelect + ` WHERE r.org_id = $1
		AND ((` + dueTracked + ` AND r.due_sort <= ($3::timestamptz AT TIME ZONE a.time_zone)::date + 7)
		     OR r.status = 'awaiting_requester'
		     OR ` + estimatePassed("($3::timestamptz AT TIME ZONE a.time_zone)::date") + `
		     OR ` + noDateToFollow + `)
		AND ` + followedBy2 + `
		ORDER BY r.due_sort, r.id LIMIT ` + strconv.Itoa(DigestLimit+1)
	var rows []requestRow
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, org, userID, s.clock.Now()); err != nil {
		return nil, translate(err, "digest")
	}
	return domainRequests(rows)
}

// EmailedOwnOn returns which of a digest recipient's requests (ids) have
// an email of their own to that person on day, the organization's date: a
// request's reminder sent that day, or pending and due by its end (it goes
// out with the digest, or just before or after). The digest leaves them
// out: no one wants the same overdue request twice the same morning.
//
// Given kinds, only reminders of those kinds count.
func (s *Store) EmailedOwnOn(ctx context.Context, userID string, ids []string, day deadline.Date, kinds ...string) (map[string]bool, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	// By request (reminders_once_key): a digest lists at most DigestLimit+1.
	const q = `WITH bounds AS (
			SELECT ($4::date::timestamp AT TIME ZONE o.time_zone) AS day_start,
			       (($4::date + 1)::timestamp AT TIME ZONE o.time_zone) AS day_end
			FROM organizations o WHERE o.id = $1)
		SELECT DISTINCT m.request_id FROM reminders m, bounds b
		WHERE m.request_id = ANY($3::uuid[]) AND m.org_id = $1 AND m.recipient_id = $2
		  AND (cardinality($5::text[]) = 0 OR m.kind = ANY($5::text[]))
		  AND ((m.status = 'sent' AND m.sent_at >= b.day_start AND m.sent_at < b.day_end)
		       OR (m.status = 'pending' AND m.next_attempt_at < b.day_end))`
	if kinds == nil {
		kinds = []string{}
	}
	var got []string
	if err := sqlx.SelectContext(ctx, s.q(), &got, q, org, userID, pq.Array(ids), day.String(), pq.Array(kinds)); err != nil {
		return nil, translate(err, "reminders")
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// ClaimedReminder is a reminder taken for delivery.
type ClaimedReminder struct {
	sunshine.Reminder
	ClaimedAt time.Time `db:"claimed_at"`
	// GroupID is the group of the reminder's request (filed together with
	// other agencies), nil for none: delivery sends a group's reminders to
	// one person as one email.
	GroupID *string `db:"group_id"`
	// SenderID is who made the change the reminder tells of (an
	// assignment's assigner), nil for none: one person's assignments to
	// another go as one email.
	SenderID *string `db:"sender_id"`
}

const reminderColumns = `id, org_id, request_id, recipient_id, kind, due_on, occurrence, status, attempts,
	next_attempt_at, sent_at, last_error, subject, created_at`

// ClaimReminders takes up to limit pending reminders due at now for
// delivery, with FOR UPDATE SKIP LOCKED so concurrent deliverers never take
// the same row. A claim older than staleAfter (a killed process) is taken
// again. Each claim counts as an attempt.
func (s *Store) ClaimReminders(ctx context.Context, now time.Time, limit int, staleAfter time.Duration) ([]ClaimedReminder, error) {
	q := `UPDATE reminders SET claimed_at = $1, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM reminders
			WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_at IS NULL OR claimed_at < $2)
			ORDER BY next_attempt_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING ` + reminderColumns + `, claimed_at, sender_id,
			(SELECT r.group_id FROM requests r WHERE r.id = reminders.request_id) AS group_id`
	var out []ClaimedReminder
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return translate(sqlx.SelectContext(ctx, tx, &out, q, now, now.Add(-staleAfter), limit), "reminders")
	})
	return out, err
}

// Why a person gets a request's reminders (Recipient.Why).
const (
	RecipientAssignee = "assignee" // assigned to the request
	RecipientWatcher  = "watcher"  // watches it
	RecipientAdmin    = "admin"    // an admin, and nobody is assigned or watches
)

// Recipient is a person who gets a request's reminders, and why.
type Recipient struct {
	UserID string `db:"user_id"`
	Why    string `db:"why"` // RecipientAssignee, RecipientWatcher or RecipientAdmin
	// Kinds are the per-request kinds the person chose to get, or nil when
	// they never chose (every kind).
	Kinds pq.StringArray `db:"kinds"`
}

// ReminderRecipients returns who gets a request's reminders now, as
// planning chooses them: its active assignee and active watchers, or, when
// it has neither, the organization's active admins.
func (s *Store) ReminderRecipients(ctx context.Context, requestID string) ([]Recipient, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(requestID) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "request not found")
	}
	const q = `WITH subject AS (
			SELECT r.id AS request_id, r.org_id, r.assignee_id FROM requests r WHERE r.org_id = $1 AND r.id = $2),
		` + recipientsSQL + `
		SELECT rc.user_id, rc.why, up.kinds FROM recipients rc
		LEFT JOIN user_preferences up ON up.user_id = rc.user_id ORDER BY rc.user_id`
	var out []Recipient
	if err := sqlx.SelectContext(ctx, s.q(), &out, q, org, requestID); err != nil {
		return nil, translate(err, "reminder recipients")
	}
	return out, nil
}

// RedirectReminder cancels a claimed reminder of a request whose
// recipient no longer gets the request's reminders (reassigned, no longer
// watching, deactivated or no longer an admin since it was planned), with
// why, and owes the same reminder to those who get them now, as planning
// would have: each at their hour, or at once ($now) when it has passed;
// none to those who chose not to get its kind. It returns how many it
// owes. A reminder telling someone a request was assigned to them is only
// cancelled: it is theirs or nobody's.
func (s *Store) RedirectReminder(ctx context.Context, c ClaimedReminder, why string, now time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The request first, as a change to it locks it before cancelling
		// its reminders (see MarkReminderSent): the new reminders' foreign
		// key would otherwise wait for it while this holds the old one.
		const lock = `SELECT r.id FROM reminders m JOIN requests r ON r.org_id = m.org_id AND r.id = m.request_id
			WHERE m.id = $1 FOR KEY SHARE OF r`
		var locked []string
		if err := sqlx.SelectContext(ctx, tx, &locked, lock, c.ID); err != nil {
			return translate(err, "request")
		}
		const cancel = `UPDATE reminders SET status = 'cancelled', last_error = $3, claimed_at = NULL
			WHERE id = $1 AND claimed_at = $2 AND status = 'pending'`
		res, err := tx.ExecContext(ctx, cancel, c.ID, c.ClaimedAt, truncate(why, 2000))
		if err != nil {
			return translate(err, "reminder")
		}
		if k, _ := res.RowsAffected(); k == 0 || c.RequestID == nil || c.Kind == sunshine.ReminderAssigned {
			return nil // the claim was lost (a stale one taken again), or nothing to redirect
		}
		const q = `WITH owed AS (
				SELECT org_id, request_id, kind, due_on, occurrence FROM reminders WHERE id = $2),
			subject AS (
				SELECT o.request_id, r.org_id, r.assignee_id FROM owed o JOIN requests r ON r.org_id = o.org_id AND r.id = o.request_id),
			` + recipientsSQL + `
			INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
			SELECT ` + oweSQL + `
			` + oweAgainSQL
		res, err = tx.ExecContext(ctx, q, now, c.ID)
		if err != nil {
			return translate(err, "reminders")
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// Delivery is what the mail server accepted for a claimed reminder.
type Delivery struct {
	Subject string // the email's subject
	// Summary says what a request's reminder was about, in the email's
	// words (mail.ReminderSummary): "due in 3 business days (Thu 6 Apr
	// 2017)". It ends the note of the request's reminder_sent event.
	Summary string
}

// MarkReminderSent records a delivery; it only touches the claim it was
// given, so a stale claim finished late cannot overwrite a newer one. A
// request's reminder (not a digest or an invitation) is recorded in the
// request's timeline in the same transaction, so the two cannot disagree:
// a reminder_sent event, by the system, dated when it was sent (its
// sent_at) and naming the recipient as they were then. A reminder already
// marked sent (a duplicate delivery) writes nothing, and migration 0015
// allows one event per reminder. A reminder cancelled while its email was
// on its way (the request changed meanwhile; the cancel keeps the claim) is
// marked sent all the same: the email went out, and the next planning run
// must not send it again.
func (s *Store) MarkReminderSent(ctx context.Context, c ClaimedReminder, d Delivery, now time.Time) error {
	// One statement, one round trip (delivery sends hundreds a second). The
	// request is locked first, as every change to it locks it (FOR UPDATE)
	// before cancelling its pending reminders: the event's foreign key would
	// otherwise wait for the request while holding the reminder such a
	// change waits for, a deadlock. The UPDATE's condition on req is an
	// InitPlan, run before the reminder row is read and locked; a digest
	// has no request, so req is empty and the condition still holds.
	const q = `WITH req AS MATERIALIZED (
			SELECT r.id FROM reminders m JOIN requests r ON r.org_id = m.org_id AND r.id = m.request_id
			WHERE m.id = $1 FOR KEY SHARE OF r),
		sent AS (
			UPDATE reminders SET status = 'sent', sent_at = $3, subject = $4, last_error = '', claimed_at = NULL,
				payload = CASE WHEN kind = 'mentioned' THEN payload ELSE '' END -- (a mention's names its note)
			WHERE id = $1 AND claimed_at = $2 AND status IN ('pending', 'cancelled') AND (SELECT count(*) FROM req) >= 0
			RETURNING id, org_id, request_id, recipient_id, kind, due_on)
		INSERT INTO request_events (org_id, request_id, kind, note, data, created_at)
		SELECT s.org_id, s.request_id, 'reminder_sent',
			'Reminder sent to ' || COALESCE(NULLIF(u.name, ''), u.email) || CASE WHEN $5::text = '' THEN '' ELSE ': ' || $5::text END || '.',
			jsonb_build_object('reminder_id', s.id, 'reminder_kind', s.kind, 'due_on', s.due_on,
				'recipient_id', u.id, 'recipient_name', u.name, 'recipient_email', u.email),
			$3
		FROM sent s JOIN users u ON u.org_id = s.org_id AND u.id = s.recipient_id
		WHERE s.request_id IS NOT NULL
		ON CONFLICT ((data->>'reminder_id')) WHERE kind = 'reminder_sent' DO NOTHING`
	_, err := s.q().ExecContext(ctx, q, c.ID, c.ClaimedAt, now, d.Subject, d.Summary)
	return translate(err, "reminder")
}

// MarkReminderFailed records a failed attempt: retried at retryAt, or, when
// final, marked failed with the error for staff to see and retry.
func (s *Store) MarkReminderFailed(ctx context.Context, c ClaimedReminder, errMsg string, retryAt time.Time, final bool) error {
	status := "pending"
	if final {
		status = "failed"
	}
	const q = `UPDATE reminders SET status = $3, last_error = $4, next_attempt_at = $5, claimed_at = NULL
		WHERE id = $1 AND claimed_at = $2 AND status = 'pending'`
	_, err := s.q().ExecContext(ctx, q, c.ID, c.ClaimedAt, status, truncate(errMsg, 2000), retryAt)
	return translate(err, "reminder")
}

// CancelReminder drops a claimed reminder that no longer applies.
func (s *Store) CancelReminder(ctx context.Context, c ClaimedReminder, why string) error {
	const q = `UPDATE reminders SET status = 'cancelled', last_error = $3, claimed_at = NULL WHERE id = $1 AND claimed_at = $2`
	_, err := s.q().ExecContext(ctx, q, c.ID, c.ClaimedAt, why)
	return translate(err, "reminder")
}

// FindReminders lists the caller's organization's reminders, newest first:
// those in any of statuses, or all when there are none.
func (s *Store) FindReminders(ctx context.Context, statuses []string, limit int, after string) ([]*sunshine.Reminder, string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	where := []string{"org_id = $1"}
	args := []any{org}
	switch len(statuses) {
	case 0:
	case 1: // as before: the partial index of failed reminders still applies
		args = append(args, statuses[0])
		where = append(where, "status = $"+strconv.Itoa(len(args)))
	default:
		args = append(args, pq.Array(statuses))
		where = append(where, "status = ANY($"+strconv.Itoa(len(args))+")")
	}
	if after != "" {
		key, id, ok := decodeCursor("reminders", after)
		t, ok2 := parseTimeKey(key)
		if !ok || !ok2 {
			return nil, "", badCursor()
		}
		args = append(args, t, id)
		where = append(where, "(created_at, id) < ($"+strconv.Itoa(len(args)-1)+", $"+strconv.Itoa(len(args))+"::uuid)")
	}
	args = append(args, limit+1)
	// A mention's request is its note's (its payload).
	q := `SELECT m.*, COALESCE((SELECT title FROM requests rq WHERE rq.id = m.about_request_id), '') AS request_title FROM (
			SELECT ` + reminderColumns + `, CASE WHEN kind = 'mentioned'
				THEN (SELECT e.request_id FROM request_events e WHERE e.org_id = reminders.org_id AND e.id = NULLIF(reminders.payload, '')::uuid)
				ELSE request_id END AS about_request_id
			FROM reminders WHERE ` + strings.Join(where, " AND ") + ` ORDER BY created_at DESC, id DESC LIMIT $` + strconv.Itoa(len(args)) + `
		) m ORDER BY m.created_at DESC, m.id DESC`
	var out []*sunshine.Reminder
	if err := sqlx.SelectContext(ctx, s.q(), &out, q, args...); err != nil {
		return nil, "", translate(err, "reminders")
	}
	out, next := keysetPage(out, limit, func(r *sunshine.Reminder) string {
		return encodeCursor("reminders", timeKey(r.CreatedAt), r.ID)
	})
	// A search alert's subject names its words, which are its person's
	// own: others see that one went, not what it follows.
	p, _ := sunshine.PrincipalFrom(ctx)
	for _, r := range out {
		if r.Kind == sunshine.ReminderSearchAlert && r.RecipientID != p.UserID && r.Subject != "" {
			r.Subject = "New matches for a search alert"
		}
	}
	return out, next, nil
}

// RetryReminder puts a failed reminder back in the outbox.
func (s *Store) RetryReminder(ctx context.Context, id string) (*sunshine.Reminder, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "reminder not found")
	}
	var r sunshine.Reminder
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := sqlx.GetContext(ctx, tx, &r, `SELECT `+reminderColumns+` FROM reminders WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, id); err != nil {
			return translate(err, "reminder")
		}
		if r.Status != "failed" {
			return sunshine.Errorf(sunshine.EConflict, "only a failed reminder can be retried; this one is %s", r.Status)
		}
		q := `UPDATE reminders SET status = 'pending', attempts = 0, next_attempt_at = $3, claimed_at = NULL
			WHERE org_id = $1 AND id = $2 RETURNING ` + reminderColumns
		return translate(sqlx.GetContext(ctx, tx, &r, q, org, id, s.clock.Now()), "reminder")
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// CountFailedReminders counts the caller's organization's reminders that
// failed for good (staff pages warn of them).
func (s *Store) CountFailedReminders(ctx context.Context) (int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = sqlx.GetContext(ctx, s.q(), &n, `SELECT count(*) FROM reminders WHERE org_id = $1 AND status = 'failed'`, org)
	return n, translate(err, "reminders")
}

// RetryFailedReminders puts every failed reminder of the caller's
// organization back in the outbox, as RetryReminder does one (after a mail
// server outage), and returns how many. Each is composed again when it is
// delivered, so one whose request has closed since is cancelled, not sent.
func (s *Store) RetryFailedReminders(ctx context.Context) (int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET status = 'pending', attempts = 0, next_attempt_at = $2, claimed_at = NULL
			WHERE org_id = $1 AND status = 'failed'`, org, s.clock.Now())
		if err != nil {
			return translate(err, "reminders")
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// ReminderPolicy returns the caller's organization's reminder policy.
func (s *Store) ReminderPolicy(ctx context.Context) (*sunshine.ReminderPolicy, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var row struct {
		sunshine.ReminderPolicy
		SoonDays pq.Int64Array `db:"remind_soon_days"`
	}
	const q = `SELECT time_zone, remind_soon_days, overdue_repeat_days, awaiting_after_days FROM organizations WHERE id = $1`
	if err := sqlx.GetContext(ctx, s.q(), &row, q, org); err != nil {
		return nil, translate(err, "organization")
	}
	p := row.ReminderPolicy
	p.SoonDays = make([]int, len(row.SoonDays))
	for i, d := range row.SoonDays {
		p.SoonDays[i] = int(d)
	}
	return &p, nil
}

// SetReminderPolicy changes the policy and reschedules every open request
// of the organization in the same transaction.
func (s *Store) SetReminderPolicy(ctx context.Context, p sunshine.ReminderPolicy) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkTimeZone(ctx, tx, "time_zone", p.TimeZone); err != nil {
			return err
		}
		const q = `UPDATE organizations SET time_zone = $2, remind_soon_days = $3, overdue_repeat_days = $4, awaiting_after_days = $5 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, q, org, p.TimeZone, pq.Array(p.SoonDays), p.OverdueRepeatDays, p.AwaitingAfterDays); err != nil {
			return translate(err, "reminder policy")
		}
		var ids []string
		if err := sqlx.SelectContext(ctx, tx, &ids, `SELECT id FROM requests WHERE org_id = $1 AND status IN `+clockRunning+` OR (org_id = $1 AND status = 'awaiting_requester') ORDER BY id`, org); err != nil {
			return translate(err, "requests")
		}
		for _, id := range ids {
			r, err := s.findRequest(ctx, tx, org, id, true)
			if err != nil {
				return err
			}
			if err := reschedule(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// Preferences returns the caller's notification preferences (defaults when
// never set).
func (s *Store) Preferences(ctx context.Context) (*sunshine.Preferences, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var row struct {
		sunshine.Preferences
		Kinds pq.StringArray `db:"kinds"`
	}
	err = sqlx.GetContext(ctx, s.q(), &row, `SELECT digest, digest_hour, kinds FROM user_preferences WHERE user_id = $1`, p.UserID)
	if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound {
		return &sunshine.Preferences{Digest: true, DigestHour: 7, Kinds: append([]string(nil), sunshine.ReminderKinds...)}, nil
	}
	if err != nil {
		return nil, translate(err, "preferences")
	}
	out := row.Preferences
	out.Kinds = []string(row.Kinds)
	if out.Kinds == nil {
		out.Kinds = []string{}
	}
	return &out, nil
}

// SetPreferences stores the caller's notification preferences.
func (s *Store) SetPreferences(ctx context.Context, prefs sunshine.Preferences) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if err := prefs.Validate(); err != nil {
		return err
	}
	if prefs.Kinds == nil {
		prefs.Kinds = []string{}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO user_preferences (user_id, digest, digest_hour, kinds) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET digest = $2, digest_hour = $3, kinds = $4, updated_at = now()`
		_, err := tx.ExecContext(ctx, q, p.UserID, prefs.Digest, prefs.DigestHour, pq.Array(prefs.Kinds))
		return translate(err, "preferences")
	})
}

// RotateCalendarSecret gives the caller a new secret for their calendar
// feed; the old feed address stops working. Only its hash is kept: the
// address is shown once.
func (s *Store) RotateCalendarSecret(ctx context.Context) (string, error) {
	p, err := principal(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := base64.RawURLEncoding.EncodeToString(b)
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO user_preferences (user_id, calendar_secret_sha256) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET calendar_secret_sha256 = $2, updated_at = now()`
		_, err := tx.ExecContext(ctx, q, p.UserID, hashOf(secret))
		return translate(err, "calendar secret")
	})
	return secret, err
}

// CalendarOwner resolves a calendar feed secret to its user's principal.
func (s *Store) CalendarOwner(ctx context.Context, secret string) (sunshine.Principal, error) {
	var row struct {
		UserID string `db:"id"`
		OrgID  string `db:"org_id"`
		Role   string `db:"role"`
	}
	if len(secret) < 32 || len(secret) > 100 {
		return sunshine.Principal{}, sunshine.Errorf(sunshine.ENotFound, "no such calendar")
	}
	// A deactivated user's feed stops with the rest of their access.
	const q = `SELECT u.id, u.org_id, u.role FROM user_preferences up JOIN users u ON u.id = up.user_id
		WHERE up.calendar_secret_sha256 = $1 AND ` + activeUser
	if err := sqlx.GetContext(ctx, s.q(), &row, q, hashOf(secret)); err != nil {
		if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound {
			return sunshine.Principal{}, sunshine.Errorf(sunshine.ENotFound, "no such calendar")
		}
		return sunshine.Principal{}, translate(err, "calendar")
	}
	return sunshine.Principal{OrgID: row.OrgID, UserID: row.UserID, Role: sunshine.Role(row.Role)}, nil
}

// Watch adds or removes the caller as a watcher of a request; a
// deactivated user cannot start watching (EForbidden).
func (s *Store) Watch(ctx context.Context, requestID string, watch bool) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.findRequest(ctx, tx, p.OrgID, requestID, false); err != nil {
			return err
		}
		_, err := watchIn(ctx, tx, p, requestID, watch)
		return err
	})
}

// watchIn makes p a watcher of a request of theirs, or no longer one, in
// tx; changed says whether it did anything.
func watchIn(ctx context.Context, tx *sqlx.Tx, p sunshine.Principal, requestID string, watch bool) (changed bool, err error) {
	q := `INSERT INTO watchers (org_id, request_id, user_id)
		SELECT $1, $2, $3 FROM users u WHERE u.org_id = $1 AND u.id = $3 AND ` + activeUser + `
		ON CONFLICT DO NOTHING`
	if !watch {
		q = `DELETE FROM watchers WHERE org_id = $1 AND request_id = $2 AND user_id = $3`
	}
	res, err := tx.ExecContext(ctx, q, p.OrgID, requestID, p.UserID)
	if err != nil {
		return false, translate(err, "watcher")
	}
	n, _ := res.RowsAffected()
	if watch && n == 0 {
		// Either already watching, or the caller is deactivated.
		var active bool
		if err := sqlx.GetContext(ctx, tx, &active, `SELECT `+activeUser+` FROM users u WHERE u.org_id = $1 AND u.id = $2`, p.OrgID, p.UserID); err != nil {
			return false, translate(err, "user")
		}
		if !active {
			return false, sunshine.Errorf(sunshine.EForbidden, "a deactivated user cannot watch requests")
		}
	}
	return n > 0, nil
}

// checkTimeZone makes sure PostgreSQL knows a zone Go accepted: planning
// converts times with AT TIME ZONE, for every organization at once.
func checkTimeZone(ctx context.Context, q sqlx.QueryerContext, field, tz string) error {
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)`, tz); err != nil {
		return translate(err, "time zone")
	}
	if !ok {
		return sunshine.FieldInvalid(field, "the database does not know the time zone %q", tz)
	}
	return nil
}

// OutboxStats reports the pending reminders of every organization and how
// long the oldest has been due: what an operator watches.
func (s *Store) OutboxStats(ctx context.Context, now time.Time) (pending int64, oldest time.Duration, err error) {
	var row struct {
		N      int64      `db:"n"`
		Oldest *time.Time `db:"oldest"`
	}
	const q = `SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM reminders WHERE status = 'pending' AND next_attempt_at <= $1`
	if err := sqlx.GetContext(ctx, s.q(), &row, q, now); err != nil {
		return 0, 0, translate(err, "outbox")
	}
	if row.Oldest != nil {
		oldest = now.Sub(*row.Oldest)
	}
	return row.N, oldest, nil
}

// Watchers lists who watches a request of the caller's organization
// (deactivated users, whose watch is kept but idle, are left out).
func (s *Store) Watchers(ctx context.Context, requestID string) ([]*sunshine.User, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, err
	}
	var us []*sunshine.User
	q := `SELECT u.id, u.org_id, u.email, u.name, u.role, u.deactivated_at IS NULL AS active, u.deactivated_at,
			u.created_at, u.updated_at
		FROM watchers w JOIN users u ON u.id = w.user_id
		WHERE w.org_id = $1 AND w.request_id = $2 AND ` + activeUser + ` ORDER BY u.email`
	if err := sqlx.SelectContext(ctx, s.q(), &us, q, org, requestID); err != nil {
		return nil, translate(err, "watchers")
	}
	return us, nil
}
