package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// closureList is the closure days of an agency from a receipt date on
// (earlier ones cannot move a deadline), as "2025-03-06 storm": an index
// probe on the primary key, and empty for a draft (no receipt date).
func closureList(agency, received string) string {
	return `ARRAY(SELECT to_char(k.closed_on, 'YYYY-MM-DD') || ' ' || k.reason FROM agency_closures k
		WHERE k.agency_id = ` + agency + ` AND k.closed_on >= ` + received + ` ORDER BY k.closed_on)`
}

// parseClosureList reads closureList.
func parseClosureList(list []string) ([]deadline.Holiday, error) {
	var out []deadline.Holiday
	for _, item := range list {
		day, reason, _ := strings.Cut(item, " ")
		on, err := deadline.ParseDate(day)
		if err != nil {
			return nil, fmt.Errorf("store: closure list %q: %w", item, err)
		}
		c := sunshine.Closure{ClosedOn: on, Reason: reason}
		out = append(out, c.Holiday())
	}
	return out, nil
}

// loadClosures re-reads the closure days that can move r's deadline, after
// a change to them or to its receipt date.
func loadClosures(ctx context.Context, q sqlx.QueryerContext, r *sunshine.Request) error {
	var list pq.StringArray
	query := `SELECT ` + closureList("$1::uuid", "$2::date")
	if err := sqlx.GetContext(ctx, q, &list, query, r.AgencyID, r.ReceivedOn); err != nil {
		return translate(err, "closures")
	}
	var err error
	r.Closures, err = parseClosureList(list)
	return err
}

const closureColumns = `agency_id, closed_on, reason, created_by, created_at`

// FindClosures lists the closure days of an agency of the caller's
// organization, the latest first.
func (s *Store) FindClosures(ctx context.Context, agencyID string) ([]*sunshine.Closure, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := findAgency(ctx, s.q(), org, agencyID); err != nil {
		return nil, err
	}
	cs := []*sunshine.Closure{}
	err = sqlx.SelectContext(ctx, s.q(), &cs, `SELECT `+closureColumns+` FROM agency_closures
		WHERE org_id = $1 AND agency_id = $2 ORDER BY closed_on DESC`, org, agencyID)
	return cs, translate(err, "closures")
}

// AddClosure records a closure day of an agency of the caller's
// organization and recomputes the due dates of its requests; it
// returns those whose due date moved, each with a timeline entry saying why.
func (s *Store) AddClosure(ctx context.Context, c *sunshine.Closure) (moved []sunshine.DueMove, err error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if p.UserID != "" {
		c.CreatedBy = &p.UserID
	}
	err = s.closureTx(ctx, func(tx *sqlx.Tx) error {
		a, err := lockAgency(ctx, tx, p.OrgID, c.AgencyID)
		if err != nil {
			return err
		}
		if err := checkClosureDay(a, c.ClosedOn, s.clock.Now()); err != nil {
			return err
		}
		const insert = `INSERT INTO agency_closures (org_id, agency_id, closed_on, reason, created_by)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ` + closureColumns
		if err := sqlx.GetContext(ctx, tx, c, insert, p.OrgID, c.AgencyID, c.ClosedOn, c.Reason, c.CreatedBy); err != nil {
			if err = translate(err, "closure"); sunshine.ErrorCode(err) == sunshine.ENotFound {
				return &sunshine.Error{Code: sunshine.EConflict, Message: "this agency already has a closure day on " + c.ClosedOn.String(),
					Fields: []sunshine.FieldError{{Field: "closed_on", Message: "is already a closure day of this agency"}}}
			}
			return err
		}
		moved, err = s.recomputeAgency(ctx, tx, p.OrgID, c.AgencyID, closureChange{On: c.ClosedOn, Reason: c.Reason, Added: true})
		return err
	})
	return moved, err
}

// DeleteClosure removes a closure day of an agency of the caller's
// organization and recomputes the due dates it moved; it returns the day
// removed and the requests whose due dates moved back.
func (s *Store) DeleteClosure(ctx context.Context, agencyID string, on deadline.Date) (removed *sunshine.Closure, moved []sunshine.DueMove, err error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, nil, err
	}
	err = s.closureTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockAgency(ctx, tx, org, agencyID); err != nil {
			return err
		}
		removed = &sunshine.Closure{}
		err := sqlx.GetContext(ctx, tx, removed, `DELETE FROM agency_closures
			WHERE org_id = $1 AND agency_id = $2 AND closed_on = $3 RETURNING `+closureColumns, org, agencyID, on)
		if err != nil {
			return translate(err, "closure day")
		}
		moved, err = s.recomputeAgency(ctx, tx, org, agencyID, closureChange{On: on, Reason: removed.Reason})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return removed, moved, nil
}

// closureTx runs a closure change in a transaction, again if it was
// chosen to break a deadlock (it locks the agency and its requests).
func (s *Store) closureTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.inTx(ctx, fn)
		var pqErr *pq.Error
		if attempt == 3 || !errors.As(err, &pqErr) || pqErr.Code != "40P01" {
			return err
		}
	}
}

// lockAgency finds an agency of org for a change to its closure days and
// bumps its closures_version, which locks its row until the transaction
// ends: closure changes to one agency take turns, and a request being filed
// with the agency either commits first, and is recomputed here, or waits
// and then finds the version changed and counts again (createInsert).
func lockAgency(ctx context.Context, tx *sqlx.Tx, org, id string) (*sunshine.Agency, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "agency not found")
	}
	var a sunshine.Agency
	err := sqlx.GetContext(ctx, tx, &a, `UPDATE agencies SET closures_version = closures_version + 1
		WHERE org_id = $1 AND id = $2 RETURNING `+agencyColumns, org, id)
	if err != nil {
		return nil, translate(err, "agency")
	}
	return &a, nil
}

// checkClosureDay refuses a closure day more than a year ahead of the
// agency's today: closures are announced weeks, not years, ahead, and
// such a date is a typing slip.
func checkClosureDay(a *sunshine.Agency, on deadline.Date, now time.Time) error {
	today := deadline.Today(now, a.Location())
	if on.After(today.AddDays(366)) {
		return sunshine.FieldInvalid("closed_on", "must be within a year from today (%s where the agency is)", today)
	}
	return nil
}

// closureChange is the cause of the due dates a closure change moves, as
// each moved request's timeline records it (data "closure", and a note).
type closureChange struct {
	On     deadline.Date `json:"closed_on"`
	Reason string        `json:"reason"`
	Added  bool          `json:"added"`
}

func (c closureChange) note() string {
	verb := "removed"
	if c.Added {
		verb = "added"
	}
	return "Agency closure day " + verb + ": " + c.On.Format("Mon 2 Jan 2006") + " (" + c.Reason + ")"
}

// recomputeAgency recomputes the due date and reminder days of every
// request to the agency that a closure on day can touch: received on or
// before it, with a due date no more than a week before it (its overdue
// reminder may fall on it) or none yet (a paused clock). Closed requests
// too: their due date is history ("answered two days late"), and their
// explanation is recomputed on every read. Each move is recorded in the
// request's timeline with its cause; it returns the moves. The requests
// are locked, then read, so a change made to one meanwhile is kept and
// counted with the new closure days.
func (s *Store) recomputeAgency(ctx context.Context, tx *sqlx.Tx, org, agencyID string, change closureChange) ([]sunshine.DueMove, error) {
	day := change.On
	var ids []string
	err := sqlx.SelectContext(ctx, tx, &ids, `SELECT id FROM requests
		WHERE org_id = $1 AND agency_id = $2 AND received_on <= $3
			AND (GREATEST(due_on, custom_due_on) IS NULL OR GREATEST(due_on, custom_due_on) >= $3::date - 7)
		ORDER BY id FOR UPDATE`, org, agencyID, day)
	if err != nil {
		return nil, translate(err, "requests")
	}
	moved := []sunshine.DueMove{}
	for _, id := range ids {
		r, err := s.findRequest(ctx, tx, org, id, false)
		if err != nil {
			return nil, err
		}
		prev := r.DueOn
		res, ok, err := computeDue(r, "closed_on")
		if err != nil { // e.g. a Georgia count pushed into a year with no holiday list
			msg := fmt.Sprintf("the deadline of %q cannot be counted with this day: %s", r.Title, sunshine.ErrorMessage(err))
			return nil, &sunshine.Error{Code: sunshine.EUnprocessable, Message: msg,
				Fields: []sunshine.FieldError{{Field: "closed_on", Message: msg}}}
		}
		if r.DueOn != prev {
			if err := saveRequest(ctx, tx, r); err != nil {
				return nil, err
			}
			e, _ := dueChange(r, prev, res, ok)
			e.Data.(map[string]any)["closure"] = change
			if err := addEvent(ctx, tx, r, e.Kind, e.On, change.note(), e.Data); err != nil {
				return nil, err
			}
			moved = append(moved, sunshine.DueMove{RequestID: r.ID, Title: r.Title, From: prev, To: r.DueOn})
		}
		// Reminder days count business days, closure days not among them,
		// even where the due date stays (a calendar-day law).
		if err := reschedule(ctx, tx, r); err != nil {
			return nil, err
		}
	}
	// Soonest new date first, as lists sort.
	slices.SortFunc(moved, func(a, b sunshine.DueMove) int {
		return cmp.Or(a.To.Compare(b.To), strings.Compare(a.Title, b.Title), strings.Compare(a.RequestID, b.RequestID))
	})
	return moved, nil
}
