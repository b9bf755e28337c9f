package store

import (
	"cmp"
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
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil {
			return err
		}
		_, err = s.setAutoFollowUp(ctx, tx, r, everyDays, *signer)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.FindAutoFollowUp(ctx, requestID)
}

// setAutoFollowUp turns r's automatic follow-ups on (or changes them),
// signed by signer, r locked in tx; false when they were so already.
func (s *Store) setAutoFollowUp(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, everyDays int, signer string) (bool, error) {
	if err := sunshine.CheckLetter(r, sunshine.LetterFollowUp); err != nil {
		return false, err
	}
	var email string
	if err := sqlx.GetContext(ctx, tx, &email, `SELECT email FROM agencies WHERE org_id = $1 AND id = $2`, r.OrgID, r.AgencyID); err != nil {
		return false, translate(err, "agency")
	}
	if email == "" {
		return false, sunshine.Errorf(sunshine.EConflict, "the agency, %s, has no email address to send follow-ups to: add one on its page first", r.AgencyName)
	}
	was, err := findAutoFollowUp(ctx, tx, r.OrgID, r.ID, true)
	if err != nil {
		return false, err
	}
	if was != nil && was.EveryDays == everyDays && was.SignerID == signer {
		return false, nil
	}
	const q = `INSERT INTO auto_follow_ups (request_id, org_id, every_days, signer_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (request_id) DO UPDATE SET every_days = EXCLUDED.every_days, signer_id = EXCLUDED.signer_id`
	if _, err := tx.ExecContext(ctx, q, r.ID, r.OrgID, everyDays, signer); err != nil {
		return false, translate(err, "automatic follow-ups")
	}
	return true, addEvent(ctx, tx, r, sunshine.EventAutoFollowUpChanged, deadline.Date{}, "",
		map[string]any{"every_days": everyDays, "signer_id": signer})
}

// stopAutoFollowUp turns r's automatic follow-ups off, r locked in tx,
// saying why in the event's note when not by a person's choice ("" for
// one); false when they were off.
func stopAutoFollowUp(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, why string) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM auto_follow_ups WHERE org_id = $1 AND request_id = $2`, r.OrgID, r.ID)
	if err != nil {
		return false, translate(err, "automatic follow-ups")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, addEvent(ctx, tx, r, sunshine.EventAutoFollowUpChanged, deadline.Date{}, why, map[string]any{"stopped": true})
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
		_, err = stopAutoFollowUp(ctx, tx, r, "")
		return err
	})
}

// FindAutoFollowUp returns a request's automatic follow-ups, with what
// holds them and when the next would go; nil when they are off. Another
// organization's request is ENotFound.
func (s *Store) FindAutoFollowUp(ctx context.Context, requestID string) (*sunshine.AutoFollowUp, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.findRequest(ctx, s.q(), org, requestID, false)
	if err != nil {
		return nil, err
	}
	a, err := findAutoFollowUp(ctx, s.q(), org, r.ID, false)
	if err != nil || a == nil {
		return nil, err
	}
	if a.Held != "" {
		return a, nil
	}
	last, err := lastExchange(ctx, s.q(), r)
	if err != nil {
		return nil, err
	}
	if next := sunshine.NextFollowUp(r, a.EveryDays, last, s.clock.Now()); !next.IsZero() {
		a.NextOn = &next
	}
	return a, nil
}

// findAutoFollowUp reads a request's automatic follow-ups with what holds
// them (not NextOn), locking them (lock: the request is locked in q, a
// transaction); nil when they are off.
func findAutoFollowUp(ctx context.Context, q sqlx.QueryerContext, org, requestID string, lock bool) (*sunshine.AutoFollowUp, error) {
	query := `SELECT a.request_id, a.every_days, a.signer_id, a.created_at, COALESCE(` + followUpHold + `, '') AS held
		` + followUpFrom + `
		WHERE a.org_id = $1 AND a.request_id = $2`
	if lock {
		query += ` FOR UPDATE OF a`
	}
	var a sunshine.AutoFollowUp
	err := sqlx.GetContext(ctx, q, &a, query, org, requestID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "automatic follow-ups")
	}
	return &a, nil
}

// followUpFrom is where followUpHold reads: a request's automatic
// follow-ups a, the request r, its agency ag and their signer u.
const followUpFrom = `FROM auto_follow_ups a
	JOIN requests r ON r.org_id = a.org_id AND r.id = a.request_id
	JOIN agencies ag ON ag.org_id = r.org_id AND ag.id = r.agency_id
	JOIN users u ON u.org_id = a.org_id AND u.id = a.signer_id`

// followUpHold is what holds a request's automatic follow-ups
// (sunshine.FollowUpHold), NULL for nothing: SQL over auto_follow_ups a,
// requests r, agencies ag and the signer, users u.
const followUpHold = `CASE
	WHEN ag.email = '' THEN 'no_email'
	WHEN NOT (` + activeUser + ` AND u.role IN ('admin', 'staff')) THEN 'signer'
	WHEN EXISTS (SELECT 1 FROM letter_emails e WHERE e.request_id = r.id AND e.status IN ('pending', 'failed', 'bounced')) THEN 'letter'
	WHEN EXISTS (SELECT 1 FROM documents d WHERE d.org_id = r.org_id AND d.request_id = r.id AND ` + unloggedEmail + `) THEN 'unlogged_email'
	END`

// lastExchange is the day of r's latest exchange with its agency: the
// day it was sent (received, when that is all it says), its latest
// communication either way, email to its reply address (logged or not;
// not a bounce), letter emailed, or automatic follow-up queued (even one
// cancelled, or sent and not logged: a round skipped, never one sent
// twice, however often they are stopped and turned on again).
func lastExchange(ctx context.Context, q sqlx.QueryerContext, r *sunshine.Request) (deadline.Date, error) {
	var row struct {
		Logged *deadline.Date `db:"logged"`
		// (timestamps: each a day where the agency is)
		Received *time.Time `db:"received"`
		Letter   *time.Time `db:"letter"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT
			(SELECT max(occurred_on) FROM communications WHERE org_id = $1 AND request_id = $2) AS logged,
			(SELECT max(created_at) FROM documents d WHERE d.org_id = $1 AND d.request_id = $2
				AND d.received_from IS NOT NULL AND d.deleted_at IS NULL AND NOT d.bounce) AS received,
			(SELECT max(queued_at) FROM letter_emails e WHERE e.org_id = $1 AND e.request_id = $2
				AND (e.automatic OR e.status = 'sent')) AS letter`, r.OrgID, r.ID)
	if err != nil {
		return deadline.Date{}, translate(err, "communications")
	}
	last := cmp.Or(r.SentOn, r.ReceivedOn)
	if row.Logged != nil && row.Logged.After(last) {
		last = *row.Logged
	}
	for _, at := range []*time.Time{row.Received, row.Letter} {
		if at != nil {
			if day := r.Today(*at); day.After(last) {
				last = day
			}
		}
	}
	return last, nil
}

// AutoFollowUpCandidate is a request whose automatic follow-ups may owe a
// letter now, signed by SignerID (QueueAutoFollowUp decides).
type AutoFollowUpCandidate struct {
	OrgID     string `db:"org_id"`
	RequestID string `db:"request_id"`
	SignerID  string `db:"signer_id"`
}

// AutoFollowUpCandidates lists, across organizations, the requests with
// automatic follow-ups that may owe one: their clock running (not under
// appeal or in litigation), and nothing holding them (followUpHold).
func (s *Store) AutoFollowUpCandidates(ctx context.Context) ([]AutoFollowUpCandidate, error) {
	const q = `SELECT a.org_id, a.request_id, a.signer_id
		` + followUpFrom + `
		WHERE r.status IN ('submitted', 'acknowledged', 'rolling_production') AND ` + followUpHold + ` IS NULL
		ORDER BY a.org_id, a.request_id`
	var out []AutoFollowUpCandidate
	if err := sqlx.SelectContext(ctx, s.q(), &out, q); err != nil {
		return nil, translate(err, "automatic follow-ups")
	}
	return out, nil
}

// AutoLettersShare is the part of an organization's hourly letters that
// automatic follow-ups may take, so that letters staff send by hand still
// go when many fall due the same morning.
const AutoLettersShare = 2

// QueueAutoFollowUp queues the follow-up letter of a request whose
// automatic follow-ups owe one at the store's now, signed by the person
// signed in (ctx: their signer's), as they would from the letter page
// (a blind copy to them): the day it is queued is the last exchange from
// then on, even if the letter is cancelled (lastExchange). It decides
// under the request's lock, on what the request, its follow-ups and its
// exchanges are then, so two planners never queue two: false when none is
// owed (not late, held, outside the agency's hours, turned off or signed
// by someone else since). Automatic letters take at most
// 1/AutoLettersShare of the organization's hourly limit (ETooMany).
func (s *Store) QueueAutoFollowUp(ctx context.Context, requestID, replyDomain string) (bool, error) {
	org, err := orgID(ctx)
	if err != nil {
		return false, err
	}
	signer := actorID(ctx)
	if signer == nil {
		return false, sunshine.Errorf(sunshine.EForbidden, "automatic follow-ups are signed by a person")
	}
	// Who signs and for whom; the request and its agency are read under
	// the lock.
	in := sunshine.LetterInput{Kind: sunshine.LetterFollowUp, ReplyDomain: replyDomain}
	if in.Org, err = s.FindOrgByID(ctx); err != nil {
		return false, err
	}
	if in.Closing, err = s.LetterClosing(ctx); err != nil {
		return false, err
	}
	if in.Signer, err = s.FindUserByID(ctx, *signer); err != nil {
		return false, err
	}
	queued := false
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil {
			return err
		}
		a, err := findAutoFollowUp(ctx, tx, org, r.ID, true)
		if err != nil || a == nil || a.SignerID != *signer || a.Held != "" {
			return err
		}
		now := s.clock.Now()
		last, err := lastExchange(ctx, tx, r)
		if err != nil {
			return err
		}
		today := r.Today(now)
		if due := sunshine.FollowUpDue(r, a.EveryDays, last); due.IsZero() || today.Before(due) || !sunshine.FollowUpHours(now, r) {
			return nil
		}
		limit := max(1, cmp.Or(s.LettersPerHour, DefaultLettersPerHour)/AutoLettersShare)
		if err := s.withinLimit(ctx, tx, org, 1, "", limit); err != nil {
			return err
		}
		if in.Agency, err = findAgency(ctx, tx, org, r.AgencyID); err != nil { // (its address as it is now)
			return err
		}
		in.Request = r
		l := sunshine.DraftLetter(in, now)
		_, err = s.queueLetter(ctx, tx, r, *signer, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: in.Agency.Email,
			CopySender: true, ToParty: l.To, FromParty: l.From, Subject: l.Subject, Body: l.Body, Automatic: true})
		if err != nil {
			return err
		}
		queued = true
		return nil
	})
	return queued, err
}
