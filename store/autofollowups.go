package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// SetAutoFollowUp turns a request's automatic follow-ups on, or changes
// how often they go, signed by the caller (a person: a letter is sent by
// one). It is refused for a request that takes no follow-up (a draft, a
// closed request) and for one whose agency has no email address. Each
// change is an auto_follow_up_changed event; setting what is already set
// changes nothing.
func (s *Store) SetAutoFollowUp(ctx context.Context, requestID string, everyDays int) (*sunshine.AutoFollowUp, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	signer := actorID(ctx)
	if signer == nil {
		return nil, sunshine.Errorf(sunshine.EForbidden, "automatic follow-ups are signed by a person: sign in as one")
	}
	if err := sunshine.CheckAutoFollowUpDays(everyDays); err != nil {
		return nil, err
	}
	var out *sunshine.AutoFollowUp
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil {
			return err
		}
		if err := sunshine.CheckLetter(r, sunshine.LetterFollowUp); err != nil {
			return err
		}
		var email string
		if err := sqlx.GetContext(ctx, tx, &email, `SELECT email FROM agencies WHERE org_id = $1 AND id = $2`, org, r.AgencyID); err != nil {
			return translate(err, "agency")
		}
		if email == "" {
			return sunshine.Errorf(sunshine.EConflict, "the agency, %s, has no email address to send follow-ups to: add one on its page first", r.AgencyName)
		}
		was, err := findAutoFollowUp(ctx, tx, org, r.ID)
		if err != nil {
			return err
		}
		const q = `INSERT INTO auto_follow_ups (request_id, org_id, every_days, signer_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (request_id) DO UPDATE SET every_days = EXCLUDED.every_days, signer_id = EXCLUDED.signer_id
			RETURNING request_id, every_days, signer_id, created_at`
		var a sunshine.AutoFollowUp
		if err := sqlx.GetContext(ctx, tx, &a, q, r.ID, org, everyDays, *signer); err != nil {
			return translate(err, "automatic follow-ups")
		}
		out = &a
		if was != nil && was.EveryDays == a.EveryDays && was.SignerID == a.SignerID {
			return nil
		}
		return addEvent(ctx, tx, r, sunshine.EventAutoFollowUpChanged, deadline.Date{}, "",
			map[string]any{"every_days": a.EveryDays, "signer_id": a.SignerID})
	})
	if err != nil {
		return nil, err
	}
	return out, s.withNextOn(ctx, out)
}

// StopAutoFollowUp turns a request's automatic follow-ups off (an
// auto_follow_up_changed event); off already, it changes nothing. A
// follow-up already queued still goes (cancel it from the request's page).
func (s *Store) StopAutoFollowUp(ctx context.Context, requestID string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM auto_follow_ups WHERE org_id = $1 AND request_id = $2`, org, r.ID)
		if err != nil {
			return translate(err, "automatic follow-ups")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return addEvent(ctx, tx, r, sunshine.EventAutoFollowUpChanged, deadline.Date{}, "", map[string]any{"stopped": true})
	})
}

// FindAutoFollowUp returns a request's automatic follow-ups, with the day
// the next would go; nil when they are off. Another organization's
// request is ENotFound.
func (s *Store) FindAutoFollowUp(ctx context.Context, requestID string) (*sunshine.AutoFollowUp, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.findRequest(ctx, s.q(), org, requestID, false); err != nil {
		return nil, err
	}
	a, err := findAutoFollowUp(ctx, s.q(), org, requestID)
	if err != nil || a == nil {
		return nil, err
	}
	return a, s.withNextOn(ctx, a)
}

func findAutoFollowUp(ctx context.Context, q sqlx.QueryerContext, org, requestID string) (*sunshine.AutoFollowUp, error) {
	var a sunshine.AutoFollowUp
	err := sqlx.GetContext(ctx, q, &a, `SELECT request_id, every_days, signer_id, created_at FROM auto_follow_ups
		WHERE org_id = $1 AND request_id = $2`, org, requestID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "automatic follow-ups")
	}
	return &a, nil
}

// withNextOn sets a.NextOn from its request as it stands.
func (s *Store) withNextOn(ctx context.Context, a *sunshine.AutoFollowUp) error {
	r, err := s.FindRequestByID(ctx, a.RequestID)
	if err != nil {
		return err
	}
	last, err := lastExchange(ctx, s.q(), r)
	if err != nil {
		return err
	}
	if next := sunshine.FollowUpDue(r, a.EveryDays, last); !next.IsZero() {
		a.NextOn = &next
	}
	return nil
}

// lastExchange is the day of r's latest communication either way, or of
// the latest email to its reply address (news, logged or not; not a
// bounce), or the day it was sent (received, when that is all it says)
// when there is none.
func lastExchange(ctx context.Context, q sqlx.QueryerContext, r *sunshine.Request) (deadline.Date, error) {
	var row struct {
		Logged   *deadline.Date `db:"logged"`
		Received *time.Time     `db:"received"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT
			(SELECT max(occurred_on) FROM communications WHERE org_id = $1 AND request_id = $2) AS logged,
			(SELECT max(created_at) FROM documents d WHERE d.org_id = $1 AND d.request_id = $2
				AND d.received_from IS NOT NULL AND d.deleted_at IS NULL AND NOT d.bounce) AS received`, r.OrgID, r.ID)
	if err != nil {
		return deadline.Date{}, translate(err, "communications")
	}
	var last deadline.Date
	if row.Logged != nil {
		last = *row.Logged
	}
	if row.Received != nil {
		if day := r.Today(*row.Received); day.After(last) {
			last = day
		}
	}
	switch {
	case !last.IsZero():
		return last, nil
	case !r.SentOn.IsZero():
		return r.SentOn, nil
	}
	return r.ReceivedOn, nil
}

// AutoFollowUpCandidate is a request whose automatic follow-ups may owe a
// letter now: the jobs check it against the request as it stands
// (sunshine.FollowUpDue) before queuing one, signed by SignerID.
type AutoFollowUpCandidate struct {
	OrgID        string        `db:"org_id"`
	RequestID    string        `db:"request_id"`
	SignerID     string        `db:"signer_id"`
	EveryDays    int           `db:"every_days"`
	LastExchange deadline.Date `db:"-"`
}

// AutoFollowUpCandidates lists, across organizations, the requests with
// automatic follow-ups that may owe one: open and sent, their agency with
// an email address, their signer active and still one who may send
// letters (not made a viewer since), and no letter of theirs on its
// way, refused or bounced (a person sees to those first: the address may
// be wrong).
func (s *Store) AutoFollowUpCandidates(ctx context.Context) ([]AutoFollowUpCandidate, error) {
	const q = `SELECT a.org_id, a.request_id, a.signer_id, a.every_days
		FROM auto_follow_ups a
		JOIN requests r ON r.org_id = a.org_id AND r.id = a.request_id
		JOIN agencies ag ON ag.org_id = r.org_id AND ag.id = r.agency_id
		JOIN users u ON u.org_id = a.org_id AND u.id = a.signer_id
		WHERE r.status IN ` + clockRunning + `
		  AND ag.email <> '' AND ` + activeUser + ` AND u.role IN ('admin', 'staff')
		  AND NOT EXISTS (SELECT 1 FROM letter_emails e WHERE e.request_id = r.id AND e.status IN ('pending', 'failed', 'bounced'))
		ORDER BY a.request_id`
	var out []AutoFollowUpCandidate
	if err := sqlx.SelectContext(ctx, s.q(), &out, q); err != nil {
		return nil, translate(err, "automatic follow-ups")
	}
	return out, nil
}

// LastExchange is the day of a request's latest communication either
// way, or the day it was sent when none is logged.
func (s *Store) LastExchange(ctx context.Context, r *sunshine.Request) (deadline.Date, error) {
	return lastExchange(ctx, s.q(), r)
}
