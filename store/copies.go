package store

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
			if err := s.checkCopies(ctx, tx, p.OrgID, src, in); err != nil {
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

// CheckCopies reports what FileCopies would refuse of in, every mistake
// at once, and files nothing: for a form that found mistakes of its own
// (a date it could not read) and shows them all together. FileCopies makes
// the same checks again as it files.
func (s *Store) CheckCopies(ctx context.Context, id string, in sunshine.CopyInput) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	src, err := s.findRequest(ctx, s.prepared(), p.OrgID, id, false)
	if err != nil {
		return err
	}
	return s.checkCopies(ctx, s.prepared(), p.OrgID, src, in)
}

// checkCopies checks the copies of src that in asks for before any is
// filed, and names every field that is wrong, not the first: in's own
// mistakes (sunshine.CopyInput.Validate), an agency src's group has a
// request with already or that is none of the organization's, an assignee
// who cannot follow them up, and a date still to come where a chosen
// agency is (where src's is, when none is chosen yet). Filing each copy
// checks the last three again (createOnce).
func (s *Store) checkCopies(ctx context.Context, q sqlx.QueryerContext, org string, src *sunshine.Request, in sunshine.CopyInput) error {
	assignee := in.AssigneeID
	if in.SameAssignee {
		assignee = src.AssigneeID
	}
	errs := []error{in.Validate()}
	if len(in.AgencyIDs) <= sunshine.MaxCopies { // more are refused unread
		errs = append(errs, refuseFiledAgain(ctx, q, org, src, in.AgencyIDs))
		zones, err := agencyZones(ctx, q, org, in.AgencyIDs)
		if err != nil {
			return err
		}
		var ats []*sunshine.Request // whose "today" the dates are checked against
		if len(in.AgencyIDs) == 0 {
			ats = append(ats, src) // none chosen yet: as src's agency sees them
		}
		for _, id := range in.AgencyIDs {
			if tz, ok := zones[id]; ok {
				ats = append(ats, &sunshine.Request{TimeZone: tz}) // a copy's "today" is its agency's
			} else {
				errs = append(errs, copyFailed(errNoAgency(), id))
			}
		}
		for _, at := range ats {
			errs = append(errs, s.notFuture(at, "sent_on", in.SentOn), s.notFuture(at, "received_on", in.ReceivedOn))
		}
	}
	errs = append(errs, checkAssignee(ctx, q, org, assignee))
	return sunshine.JoinInvalid(errs...)
}

// agencyZones is the time zone of each agency of ids that the
// organization has, by ID.
func agencyZones(ctx context.Context, q sqlx.QueryerContext, org string, ids []string) (map[string]string, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if validUUID(id) {
			valid = append(valid, id)
		}
	}
	var rows []struct {
		ID       string `db:"id"`
		TimeZone string `db:"time_zone"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, time_zone FROM agencies WHERE org_id = $1 AND id = ANY($2::uuid[])`, org, pq.Array(valid))
	if err != nil {
		return nil, translate(err, "agency")
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.TimeZone
	}
	return out, nil
}

// refuseFiledAgain names the first agency of agencyIDs that src, or the
// group it was filed in, has a request with already.
func refuseFiledAgain(ctx context.Context, q sqlx.QueryerContext, org string, src *sunshine.Request, agencyIDs []string) error {
	var filed []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	err := sqlx.SelectContext(ctx, q, &filed, `SELECT DISTINCT a.id, a.name FROM requests r JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE r.org_id = $1 AND (r.id = $2 OR r.group_id = $3)`, org, src.ID, src.GroupID)
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
