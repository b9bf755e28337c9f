package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"slices"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Shared links: a request's shared page (request_shares) and its group's
// status board (group_shares) are made, renewed, given a last day and
// stopped alike; linkKind says which.
type linkKind struct {
	table, key string // the link's table, and its column naming what it opens
	what       string // in errors
	none       string // the error when there is none
	action     string // its share_changed events' prefix
	// subject is what the link of request r opens: r itself, or its group.
	subject func(r *sunshine.Request) (string, error)
}

var (
	pageLink = linkKind{table: "request_shares", key: "request_id", what: "shared page",
		none:    "the request has no shared page: make one first",
		subject: func(r *sunshine.Request) (string, error) { return r.ID, nil }}
	boardLink = linkKind{table: "group_shares", key: "group_id", what: "status board", action: "board_",
		none: "the request's group has no status board: make one first",
		subject: func(r *sunshine.Request) (string, error) {
			if r.GroupID == nil {
				return "", sunshine.Errorf(sunshine.EConflict, "the request was filed with one agency only: share its own page instead")
			}
			return *r.GroupID, nil
		}}
)

// makeLink makes k's link for a request of the caller's organization and
// returns its token: one made already keeps its token unless renew (a new
// token, which keeps the last day unless that day has passed); with last,
// it sets the link's last day too (the zero Date clears it), in the same
// transaction. Each change is a share_changed event on the request.
func (s *Store) makeLink(ctx context.Context, k linkKind, requestID string, renew bool, last *deadline.Date) (string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, subject, err := s.linkSubject(ctx, tx, k, org, requestID)
		if err != nil {
			return err
		}
		if last != nil {
			if err := s.checkShareExpiry(ctx, tx, org, *last); err != nil {
				return err
			}
		}
		var existing struct {
			Token   string `db:"token"`
			Expired bool   `db:"expired"`
		}
		err = tx.GetContext(ctx, &existing, `SELECT sh.token, NOT `+shareWorks("$3::timestamptz")+` AS expired
			FROM `+k.table+` sh JOIN organizations o ON o.id = sh.org_id WHERE sh.org_id = $1 AND sh.`+k.key+` = $2 FOR UPDATE OF sh`,
			org, subject, s.clock.Now())
		switch {
		case err == nil && !renew:
			token = existing.Token
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return translate(err, k.what)
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO `+k.table+` (org_id, `+k.key+`, token, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (org_id, `+k.key+`) DO UPDATE SET token = EXCLUDED.token, created_by = EXCLUDED.created_by,
					created_at = EXCLUDED.created_at, expires_on = CASE WHEN $6 THEN NULL ELSE `+k.table+`.expires_on END`,
				org, subject, token, actorID(ctx), s.clock.Now(), existing.Expired)
			if err != nil {
				return translate(err, k.what)
			}
			data := map[string]any{"action": k.action + "made"}
			if existing.Token != "" {
				data["action"] = k.action + "new_link"
				if existing.Expired {
					data["expiry_cleared"] = true
				}
			}
			if err := addEvent(ctx, tx, r, sunshine.EventShareChanged, s.today(r), "", data); err != nil {
				return err
			}
		}
		if last == nil {
			return nil
		}
		return s.setLinkExpiry(ctx, tx, k, org, r, subject, *last)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// linkSubject finds and locks the request, and what its link of kind k
// opens. For a group its first request is locked too (two people making
// the board from two of its requests at once make one), the two in ID
// order, as every change to several requests locks them: a group never
// changes once set, so it is read before the locks.
func (s *Store) linkSubject(ctx context.Context, tx *sqlx.Tx, k linkKind, org, requestID string) (*sunshine.Request, string, error) {
	r, err := s.findRequest(ctx, tx, org, requestID, false)
	if err != nil {
		return nil, "", err
	}
	subject, err := k.subject(r)
	if err != nil {
		return nil, "", err
	}
	ids := []string{r.ID}
	if subject != r.ID {
		ids = append(ids, subject)
		slices.Sort(ids)
	}
	for _, id := range ids {
		locked, err := s.findRequest(ctx, tx, org, id, true)
		if err != nil {
			return nil, "", err
		}
		if id == r.ID {
			r = locked
		}
	}
	return r, subject, nil
}

// setLinkExpiry writes a link's last day (checked), within tx, and its
// event when it changed; no link is EConflict.
func (s *Store) setLinkExpiry(ctx context.Context, tx *sqlx.Tx, k linkKind, org string, r *sunshine.Request, subject string, last deadline.Date) error {
	var arg *deadline.Date
	if !last.IsZero() {
		arg = &last
	}
	res, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET expires_on = $3
		WHERE org_id = $1 AND `+k.key+` = $2 AND expires_on IS DISTINCT FROM $3`, org, subject, arg)
	if err != nil {
		return translate(err, k.what)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var made bool
		if err := tx.GetContext(ctx, &made, `SELECT EXISTS (SELECT 1 FROM `+k.table+` WHERE org_id = $1 AND `+k.key+` = $2)`, org, subject); err != nil {
			return translate(err, k.what)
		}
		if !made {
			return sunshine.Errorf(sunshine.EConflict, "%s", k.none)
		}
		return nil // as it was
	}
	data := map[string]string{"action": k.action + "expiry_cleared"}
	if arg != nil {
		data = map[string]string{"action": k.action + "expiry_set", "expires_on": last.String()}
	}
	return addEvent(ctx, tx, r, sunshine.EventShareChanged, s.today(r), "", data)
}

// linkExpiry sets or clears (the zero Date) the last day of a request's
// link of kind k.
func (s *Store) linkExpiry(ctx context.Context, k linkKind, requestID string, last deadline.Date) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, subject, err := s.linkSubject(ctx, tx, k, org, requestID)
		if err != nil {
			return err
		}
		if err := s.checkShareExpiry(ctx, tx, org, last); err != nil {
			return err
		}
		return s.setLinkExpiry(ctx, tx, k, org, r, subject, last)
	})
}

// stopLink deletes a request's link of kind k: it opens nothing. None to
// stop is no error.
func (s *Store) stopLink(ctx context.Context, k linkKind, requestID string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, subject, err := s.linkSubject(ctx, tx, k, org, requestID)
		switch {
		case sunshine.ErrorCode(err) == sunshine.EConflict:
			return nil // a request filed alone has no board to stop
		case err != nil:
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE org_id = $1 AND `+k.key+` = $2`, org, subject)
		if err != nil {
			return translate(err, k.what)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return addEvent(ctx, tx, r, sunshine.EventShareChanged, s.today(r), "", map[string]string{"action": k.action + "stopped"})
	})
}

// linkOf returns a request's link of kind k, nil when it has none (or, for
// a board, the request was filed alone).
func (s *Store) linkOf(ctx context.Context, k linkKind, requestID string) (*Share, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.findRequest(ctx, s.q(), org, requestID, false)
	if err != nil {
		return nil, err
	}
	return s.linkOfRequest(ctx, k, r)
}

// LinksOf returns the shared page and the group's status board of a
// request the caller has read already (FindRequestByID), nil for none.
func (s *Store) LinksOf(ctx context.Context, r *sunshine.Request) (page, board *Share, err error) {
	if page, err = s.linkOfRequest(ctx, pageLink, r); err != nil {
		return nil, nil, err
	}
	board, err = s.linkOfRequest(ctx, boardLink, r)
	return page, board, err
}

// linkOfRequest is linkOf for request r, read already.
func (s *Store) linkOfRequest(ctx context.Context, k linkKind, r *sunshine.Request) (*Share, error) {
	subject, err := k.subject(r)
	if err != nil {
		return nil, nil
	}
	var sh Share
	err = sqlx.GetContext(ctx, s.q(), &sh, `SELECT sh.token, sh.created_at, COALESCE(NULLIF(u.name, ''), u.email, '') AS created_by,
			sh.expires_on, NOT `+shareWorks("$3::timestamptz")+` AS expired
		FROM `+k.table+` sh JOIN organizations o ON o.id = sh.org_id LEFT JOIN users u ON u.id = sh.created_by
		WHERE sh.org_id = $1 AND sh.`+k.key+` = $2`, r.OrgID, subject, s.clock.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, k.what)
	}
	return &sh, nil
}
