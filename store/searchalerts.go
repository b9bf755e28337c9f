package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// searchAlertMost is how many matches an alert compares: every candidate a
// search ranks (defaultSearchCandidates of each of its four kinds).
const searchAlertMost = 4 * defaultSearchCandidates

// SearchAlertListed is how many new matches an alert's email lists; it
// counts the others.
const SearchAlertListed = 20

const searchAlertColumns = `a.id, a.user_id, a.q, a.created_at, a.checked_at, a.last_sent_at`

// CreateSearchAlert saves words the caller wants to hear of (their own
// alert). What matches them now is taken as known: the first email lists
// only what is new after it.
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
		// other.
		var n, same int
		if err := tx.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM search_alerts WHERE user_id = u.id)
			FROM users u WHERE u.org_id = $1 AND u.id = $2 FOR UPDATE`, p.OrgID, p.UserID); err != nil {
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
		now := s.clock.Now()
		if err := tx.GetContext(ctx, &id, `INSERT INTO search_alerts (org_id, user_id, q, created_at, checked_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, p.OrgID, p.UserID, q, now); err != nil {
			return translate(err, "search alert")
		}
		hits, err := NewInTx(tx, s.clock).alertMatches(ctx, q)
		if err != nil {
			return err
		}
		_, err = s.markSeen(ctx, tx, id, hits)
		return err
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
		_, err = tx.ExecContext(ctx, `UPDATE reminders SET status = 'cancelled', payload = '', claimed_at = NULL,
				last_error = 'the search alert was stopped'
			WHERE recipient_id = $1 AND kind = 'search_alert' AND status = 'pending'
				-- Other kinds' payloads are not JSON: the CASE reads this kind's only.
				AND CASE WHEN kind = 'search_alert' AND payload <> '' THEN payload::jsonb ->> 'alert_id' END = $2`, p.UserID, id)
		return translate(err, "search alert email")
	})
}

// alertMatches returns what matches q now: every candidate a search ranks,
// of the caller's organization.
func (s *Store) alertMatches(ctx context.Context, q string) ([]SearchHit, error) {
	var out []SearchHit
	for f := (SearchFilter{Q: q, Limit: maxLimit}); len(out) < searchAlertMost; f.Offset += maxLimit {
		hits, more, err := s.Search(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, hits...)
		if !more {
			break
		}
	}
	return out, nil
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

// SearchAlertNotice is what a search alert's email lists: the new matches
// (at most SearchAlertListed) and how many there were.
type SearchAlertNotice struct {
	AlertID string      `json:"alert_id"`
	Q       string      `json:"q"`
	Total   int         `json:"total"`
	Hits    []SearchHit `json:"hits"`
}

// CheckSearchAlerts searches again the words of every alert not checked
// for sunshine.SearchAlertEvery, of people still active, and queues an
// email (reminder kind search_alert) to each whose words match something
// new. It returns how many emails it queued. Each alert is checked in a
// transaction of its own, claimed so that two planners check it once.
func (s *Store) CheckSearchAlerts(ctx context.Context) (queued int, err error) {
	now := s.clock.Now()
	var failed []error
	for {
		var a struct {
			sunshine.SearchAlert
			OrgID string        `db:"org_id"`
			Role  sunshine.Role `db:"role"`
		}
		found := false
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			err := tx.GetContext(ctx, &a, `SELECT `+searchAlertColumns+`, a.org_id, u.role
				FROM search_alerts a JOIN users u ON u.org_id = a.org_id AND u.id = a.user_id
				WHERE a.checked_at <= $1 AND `+activeUser+`
				ORDER BY a.checked_at, a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED`, now.Add(-sunshine.SearchAlertEvery))
			if err != nil {
				return translate(err, "search alert")
			}
			found = true
			if _, err := tx.ExecContext(ctx, `UPDATE search_alerts SET checked_at = $2 WHERE id = $1`, a.ID, now); err != nil {
				return translate(err, "search alert")
			}
			// The person's own view: their organization, their role.
			actx := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: a.OrgID, UserID: a.UserID, Role: a.Role})
			hits, err := NewInTx(tx, s.clock).alertMatches(actx, a.Q)
			if err != nil {
				return err
			}
			fresh, err := s.markSeen(ctx, tx, a.ID, hits)
			if err != nil || len(fresh) == 0 {
				return err
			}
			n := SearchAlertNotice{AlertID: a.ID, Q: a.Q, Total: len(fresh), Hits: fresh[:min(len(fresh), SearchAlertListed)]}
			payload, err := json.Marshal(n)
			if err != nil {
				return fmt.Errorf("store: search alert %s: %w", a.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload)
				VALUES ($1, $2, 'search_alert', $3, $3, $4, $5)`, a.OrgID, a.UserID, deadline.DateOf(now.UTC()), now, string(payload)); err != nil {
				return translate(err, "search alert email")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE search_alerts SET last_sent_at = $2 WHERE id = $1`, a.ID, now); err != nil {
				return translate(err, "search alert")
			}
			queued++
			return nil
		})
		switch {
		case sunshine.ErrorCode(err) == sunshine.ENotFound && !found:
			return queued, errors.Join(failed...)
		case err != nil && !found:
			return queued, errors.Join(append(failed, err)...)
		case err != nil:
			// This alert's check failed: it waits for its next hour, and
			// the others are checked meanwhile. The job reports why.
			failed = append(failed, fmt.Errorf("search alert %s: %w", a.ID, err))
			if _, uerr := s.q().ExecContext(ctx, `UPDATE search_alerts SET checked_at = $2 WHERE id = $1`, a.ID, now); uerr != nil {
				return queued, errors.Join(append(failed, translate(uerr, "search alert"))...)
			}
		}
		if err := ctx.Err(); err != nil {
			return queued, errors.Join(append(failed, err)...)
		}
	}
}

// SearchAlertEmail returns what a search_alert email lists; an error once
// it was sent, as sending clears it.
func (s *Store) SearchAlertEmail(ctx context.Context, reminderID string) (*SearchAlertNotice, error) {
	raw, err := s.linkPayload(ctx, reminderID, sunshine.ReminderSearchAlert)
	if err != nil {
		return nil, err
	}
	var n SearchAlertNotice
	if err := json.Unmarshal([]byte(raw), &n); err != nil {
		return nil, fmt.Errorf("store: search alert email %s: %w", reminderID, err)
	}
	return &n, nil
}
