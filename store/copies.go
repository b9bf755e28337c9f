package store

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

// FileCopies files request id with each agency of in as well, the same
// request sent to every county sheriff: a request each, with its title,
// text, tags and delivery method, and its own deadline under that agency's
// law, all joined to id's group (sunshine.Request.GroupID), which id
// starts when it has none. All are filed in one transaction, or none; a
// copies_filed event on id names them. An agency the group has a request
// with already is refused: filing twice is a mistake the agency would
// answer twice. Copies assigned to someone else owe them an "assigned to
// you" email each, which delivery sends as one for the group.
func (s *Store) FileCopies(ctx context.Context, id string, in sunshine.CopyInput) ([]*sunshine.Request, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		var copies []*sunshine.Request
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			src, err := s.findRequest(ctx, tx, p.OrgID, id, false)
			if err != nil {
				return err
			}
			if in.SameAssignee {
				in.AssigneeID = src.AssigneeID
			}
			group, err := lockGroup(ctx, tx, src)
			if err != nil {
				return err
			}
			if err := refuseFiledAgain(ctx, tx, p.OrgID, group, in.AgencyIDs); err != nil {
				return err
			}
			names := make([]string, 0, len(in.AgencyIDs))
			ids := make([]string, 0, len(in.AgencyIDs))
			for _, agency := range in.AgencyIDs {
				c := in.Copy(src, agency)
				c.GroupID = &group
				if err := c.Validate(); err != nil {
					return err
				}
				if err := s.createOnce(ctx, tx, p, c); err != nil {
					return copyFailed(err, agency)
				}
				if err := s.queueAssignedEmail(ctx, tx, c, ""); err != nil {
					return err
				}
				copies = append(copies, c)
				names, ids = append(names, c.AgencyName), append(ids, c.ID)
			}
			data := map[string]any{"request_ids": ids, "agency_ids": in.AgencyIDs, "agencies": names}
			return addEvent(ctx, tx, src, sunshine.EventCopiesFiled, s.today(src), "", data)
		})
		if !errors.Is(err, errClosuresChanged) {
			return copies, err
		}
		if attempt == 3 {
			return nil, sunshine.Errorf(sunshine.EConflict, "an agency's closure days keep changing; try again")
		}
	}
}

// lockGroup returns src's group, starting it at src when src was filed
// alone, and locks its first request: copies filed at once from two of the
// group's requests then take turns, and neither files an agency twice.
func lockGroup(ctx context.Context, tx *sqlx.Tx, src *sunshine.Request) (string, error) {
	if src.GroupID != nil {
		var one int
		err := tx.GetContext(ctx, &one, `SELECT 1 FROM requests WHERE org_id = $1 AND id = $2 FOR UPDATE`, src.OrgID, *src.GroupID)
		return *src.GroupID, translate(err, "request")
	}
	// Starting the group changes src's representation (its group_id): a
	// new version. A copy filed from it at the same time waits here and
	// then finds the group started.
	var group *string
	err := tx.QueryRowxContext(ctx, `UPDATE requests SET group_id = coalesce(group_id, id), updated_at = now(), version = version + 1
		WHERE org_id = $1 AND id = $2 RETURNING group_id, version, updated_at`, src.OrgID, src.ID).
		Scan(&group, &src.Version, &src.UpdatedAt)
	if err != nil {
		return "", translate(err, "request")
	}
	src.GroupID = group
	return *group, nil
}

// refuseFiledAgain names the first agency of agencyIDs that group has a
// request with already.
func refuseFiledAgain(ctx context.Context, tx *sqlx.Tx, org, group string, agencyIDs []string) error {
	var filed []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	err := tx.SelectContext(ctx, &filed, `SELECT DISTINCT a.id, a.name FROM requests r JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE r.org_id = $1 AND r.group_id = $2`, org, group)
	if err != nil {
		return translate(err, "request")
	}
	names := make(map[string]string, len(filed))
	for _, a := range filed {
		names[a.ID] = a.Name
	}
	for _, id := range agencyIDs {
		if name, ok := names[id]; ok {
			return sunshine.FieldInvalid("agency_ids", "the request was filed with %s already", name)
		}
	}
	return nil
}

// copyFailed names the copy's agency in a refusal of its agency: the input
// lists agencies, not one.
func copyFailed(err error, agencyID string) error {
	var e *sunshine.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "agency_id" {
		return err
	}
	return sunshine.FieldInvalid("agency_ids", "%s: %s", agencyID, e.Fields[0].Message)
}
