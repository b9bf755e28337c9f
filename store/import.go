package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// CreateRequestAt files r, a request received already, and moves it at
// once to the status it has reached (to.To, on to.EffectiveOn): an import
// of requests acknowledged, answered or closed before Sunshine kept them.
// Both happen in one transaction, so no reminder is ever planned for the
// request as merely submitted, and a refused status files nothing. Errors
// name the create's fields: status and status_on.
func (s *Store) CreateRequestAt(ctx context.Context, r *sunshine.Request, to sunshine.TransitionInput) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if err := checkStatusAt(r, to); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			if err := s.createOnce(ctx, tx, p, r); err != nil {
				return err
			}
			if err := s.transition(ctx, tx, r, to); err != nil {
				return statusAtField(err)
			}
			if r.Status.Open() && r.AssigneeID != nil && *r.AssigneeID != p.UserID {
				// Still open: its assignee is told, as on any create. A
				// closed one has nothing for them to do.
				return s.queueAssignedEmail(ctx, tx, r, "")
			}
			return nil
		})
		if !errors.Is(err, errClosuresChanged) {
			return err
		}
		if attempt == 3 {
			return sunshine.Errorf(sunshine.EConflict, "the agency's closure days keep changing; try again")
		}
	}
}

// checkStatusAt refuses, before anything is written, a status a submitted
// request cannot reach in one step, and one without its date.
func checkStatusAt(r *sunshine.Request, to sunshine.TransitionInput) error {
	var fields []sunshine.FieldError
	if !slices.Contains(sunshine.StatusSubmitted.Allowed(), to.To) {
		fields = append(fields, sunshine.FieldError{Field: "status",
			Message: "must be submitted (the default) or a status a submitted request moves to: " + sunshine.JoinStatuses(sunshine.StatusSubmitted.Allowed())})
	}
	if r.ReceivedOn.IsZero() {
		fields = append(fields, sunshine.FieldError{Field: "received_on", Message: "is required with a status: a draft has not been sent"})
	}
	if to.EffectiveOn.IsZero() {
		fields = append(fields, sunshine.FieldError{Field: "status_on", Message: "is required with a status: the day the request became " + strings.ReplaceAll(string(to.To), "_", " ")})
	}
	if len(fields) > 0 {
		return sunshine.Invalid(fields...)
	}
	return nil
}

// statusAtField names a refused transition's date as the create's field.
func statusAtField(err error) error {
	var e *sunshine.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if f.Field == "effective_on" {
			out.Fields[i].Field = "status_on"
		}
	}
	out.Message = strings.Replace(out.Message, "effective_on: ", "status_on: ", 1)
	return &out
}

// FindSameRequest returns a request of the caller's organization with
// this agency, title and receipt date (none for a draft), or nil: the
// same request, to an import without references.
func (s *Store) FindSameRequest(ctx context.Context, agencyID, title string, received deadline.Date) (*sunshine.Request, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var id string
	err = sqlx.GetContext(ctx, s.q(), &id, `SELECT id FROM requests
		WHERE org_id = $1 AND agency_id = $2 AND title = $3 AND received_on IS NOT DISTINCT FROM $4 ORDER BY created_at LIMIT 1`,
		org, agencyID, title, received)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "request")
	}
	return s.FindRequestByID(ctx, id)
}

type quietKey struct{}

// WithoutAssignmentEmails marks ctx as an import's: the requests it files
// assigned to someone send them no "assigned to you" email each (an
// import of 150 rows would send 150); they see them in their digest and
// reminders.
func WithoutAssignmentEmails(ctx context.Context) context.Context {
	return context.WithValue(ctx, quietKey{}, true)
}

func assignmentEmailsOff(ctx context.Context) bool {
	off, _ := ctx.Value(quietKey{}).(bool)
	return off
}
