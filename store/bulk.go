package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/sunshine-records/sunshine"
)

// BulkResult says which requests a bulk change changed and which it left
// as they were (already assigned so, tagged so, watched).
type BulkResult struct {
	Changed   []string `json:"changed"`
	Unchanged []string `json:"unchanged"`
}

// ChangeRequests makes one change to many requests of the caller's
// organization, in one transaction: each request changed gets the
// timeline entry (and an assignee their email) a change of it alone
// would, and any request that cannot take the change (not found, another
// organization's, a 21st tag) leaves them all unchanged, with an error
// that names it.
func (s *Store) ChangeRequests(ctx context.Context, ch sunshine.BulkChange) (BulkResult, error) {
	var res BulkResult
	if err := ch.Validate(); err != nil {
		return res, err
	}
	p, err := principal(ctx)
	if err != nil {
		return res, err
	}
	// Locked in one order, so two bulk changes of the same requests
	// queue rather than deadlock.
	ids := slices.Sorted(slices.Values(ch.RequestIDs))
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res = BulkResult{}
		for _, id := range ids {
			r, err := s.findRequest(ctx, tx, p.OrgID, id, true)
			if err != nil {
				if sunshine.ErrorCode(err) == sunshine.ENotFound {
					return sunshine.Errorf(sunshine.ENotFound, "request %s not found: nothing was changed", id)
				}
				return err
			}
			changed, err := s.changeOne(ctx, tx, p, r, ch)
			if err != nil {
				return inRequest(r, err)
			}
			if changed {
				res.Changed = append(res.Changed, id)
			} else {
				res.Unchanged = append(res.Unchanged, id)
			}
		}
		return nil
	})
	return res, err
}

// changeOne applies ch to r, locked in tx.
func (s *Store) changeOne(ctx context.Context, tx *sqlx.Tx, p sunshine.Principal, r *sunshine.Request, ch sunshine.BulkChange) (bool, error) {
	upd := sunshine.RequestUpdate{AssigneeID: ch.AssigneeID}
	if ch.AssigneeID != nil && !samePtr(ch.AssigneeID, r.AssigneeID) {
		upd.AssignmentNote = ch.AssignmentNote // only to those it goes to anew
	}
	if tags := sunshine.Retag(r.Tags, ch.AddTags, ch.RemoveTags); tags != nil {
		upd.Tags = &tags
	}
	changed := false
	switch err := s.update(ctx, tx, r, upd); {
	case err == nil:
		changed = true
	case !errors.Is(err, errNoChange):
		return false, err
	}
	if ch.Close != nil && r.Status != *ch.Close {
		// After the update: its event, then the status change's.
		if err := s.transition(ctx, tx, r, sunshine.TransitionInput{To: *ch.Close, Note: ch.CloseNote}); err != nil {
			return false, err
		}
		changed = true
	}
	if d := ch.AutoFollowUpDays; d != nil {
		var did bool
		var err error
		switch {
		case *d == 0:
			did, err = stopAutoFollowUp(ctx, tx, r, "")
		case p.UserID == "":
			err = sunshine.Errorf(sunshine.EForbidden, "automatic follow-ups are signed by a person: sign in as one")
		default:
			did, err = s.setAutoFollowUp(ctx, tx, r, *d, p.UserID)
		}
		if err != nil {
			return false, err
		}
		changed = changed || did
	}
	if ch.Watch != nil {
		watched, err := watchIn(ctx, tx, p, r.ID, *ch.Watch)
		if err != nil {
			return false, err
		}
		changed = changed || watched
	}
	return changed, nil
}

// inRequest says which request of a bulk change refused it: a field error
// keeps its field (the tags added would be too many on this request).
func inRequest(r *sunshine.Request, err error) error {
	var e *sunshine.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("request %s: %w", r.ID, err)
	}
	out := *e
	out.Message = fmt.Sprintf("“%s”: %s; nothing was changed", r.Title, e.Message)
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		switch f.Field {
		case "tags":
			f.Field = "add_tags"
		case "to", "effective_on":
			f.Field = "close"
		case "every_days":
			f.Field = "auto_follow_up_days"
		}
		out.Fields[i] = sunshine.FieldError{Field: f.Field, Message: fmt.Sprintf("“%s”: %s", r.Title, f.Message)}
	}
	return &out
}
