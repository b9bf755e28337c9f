package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RuleChange is a change to how the deadline engine counts under some
// laws: the due dates stored for open requests under them are computed
// again, once, when a release carrying it first starts.
type RuleChange struct {
	Name          string   // unique, and never reused
	Jurisdictions []string // the laws whose counting changed
	Note          string   // the timeline's note on each date it moves
}

// RuleChanges lists the changes, oldest first. Add one whenever a change
// to the deadline package moves dates that requests already have.
var RuleChanges = []RuleChange{
	{Name: "2026-12-06 Michigan closure days", Jurisdictions: []string{"us-mi"},
		Note: "Deadline rules updated: Michigan counts an agency's closure days as business days (AG Op. 7172)"},
}

// ApplyRuleChanges applies each change not yet applied: it recomputes the
// due dates of the open requests under the change's laws, in every
// organization, records each move in the request's timeline with the
// change's note, moves its reminders, and then records the change so it is
// never applied again. Each request is recomputed in a transaction of its
// own, so the others stay free meanwhile; recomputing is idempotent, so two
// servers starting together both walk the list harmlessly (the second finds
// the dates already right). A request the engine cannot count any longer
// keeps its date. It returns how many due dates moved.
func (s *Store) ApplyRuleChanges(ctx context.Context, changes []RuleChange) (int, error) {
	total := 0
	for _, ch := range changes {
		var done bool
		if err := sqlx.GetContext(ctx, s.q(), &done, `SELECT EXISTS (SELECT 1 FROM deadline_rule_changes WHERE name = $1)`, ch.Name); err != nil {
			return total, fmt.Errorf("deadline rule change %q: %w", ch.Name, translate(err, "rule changes"))
		}
		if done {
			continue
		}
		var rows []struct {
			ID    string `db:"id"`
			OrgID string `db:"org_id"`
		}
		if err := sqlx.SelectContext(ctx, s.q(), &rows, `SELECT id, org_id FROM requests
			WHERE jurisdiction = ANY($1) AND status IN `+openSQL+` AND received_on IS NOT NULL ORDER BY id`,
			pq.Array(ch.Jurisdictions)); err != nil {
			return total, fmt.Errorf("deadline rule change %q: %w", ch.Name, translate(err, "requests"))
		}
		moved := 0
		for _, row := range rows {
			err := s.inTx(ctx, func(tx *sqlx.Tx) error {
				r, err := s.findRequest(ctx, tx, row.OrgID, row.ID, true)
				if err != nil || !r.Status.Open() {
					return err // closed meanwhile: its date is its history
				}
				prev := r.DueOn
				res, ok, err := computeDue(r, "received_on")
				if err != nil || r.DueOn == prev {
					return nil // an engine refusal (a Georgia year not loaded) keeps the date
				}
				if err := saveRequest(ctx, tx, r); err != nil {
					return err
				}
				moved++
				return recordDue(ctx, tx, r, prev, res, ok, ch.Note)
			})
			if err != nil {
				return total, fmt.Errorf("deadline rule change %q: request %s: %w", ch.Name, row.ID, err)
			}
		}
		if _, err := s.q().ExecContext(ctx, `INSERT INTO deadline_rule_changes (name, requests_moved) VALUES ($1, $2)
			ON CONFLICT (name) DO NOTHING`, ch.Name, moved); err != nil {
			return total, fmt.Errorf("deadline rule change %q: %w", ch.Name, translate(err, "rule changes"))
		}
		total += moved
	}
	return total, nil
}
