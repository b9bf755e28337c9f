package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

// A group's status board: a read-only page at /shared/board/{token} of
// every request of a group (the same request filed with many agencies),
// for people without an account (a newsroom, a coalition's public):
// each agency's status and dates and the documents marked shared, nothing
// else, as a request's shared page.

// ShareGroup makes the status board of the group of a request of the
// caller's organization and returns its token; as ShareRequest, a board
// made already keeps its link unless renew. A request filed alone has no
// group: EConflict.
func (s *Store) ShareGroup(ctx context.Context, requestID string, renew bool) (string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil {
			return err
		}
		if r.GroupID == nil {
			return sunshine.Errorf(sunshine.EConflict, "the request was filed with one agency only: share its own page instead")
		}
		// The group's first request is locked too: two people making the
		// board from two of its requests at once make one.
		if *r.GroupID != r.ID {
			if _, err := s.findRequest(ctx, tx, org, *r.GroupID, true); err != nil {
				return err
			}
		}
		var existing string
		err = tx.GetContext(ctx, &existing, `SELECT token FROM group_shares WHERE org_id = $1 AND group_id = $2 FOR UPDATE`, org, *r.GroupID)
		switch {
		case err == nil && !renew:
			token = existing
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return translate(err, "status board")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO group_shares (org_id, group_id, token, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org_id, group_id) DO UPDATE SET token = EXCLUDED.token, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
			org, *r.GroupID, token, actorID(ctx), s.clock.Now())
		if err != nil {
			return translate(err, "status board")
		}
		action := "board_made"
		if existing != "" {
			action = "board_new_link"
		}
		return addEvent(ctx, tx, r, sunshine.EventShareChanged, s.today(r), "", map[string]string{"action": action})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// StopSharingGroup deletes the status board of a request's group: its link
// opens nothing. A group without one, or a request filed alone, is no
// error.
func (s *Store) StopSharingGroup(ctx context.Context, requestID string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, true)
		if err != nil || r.GroupID == nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM group_shares WHERE org_id = $1 AND group_id = $2`, org, *r.GroupID)
		if err != nil {
			return translate(err, "status board")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return addEvent(ctx, tx, r, sunshine.EventShareChanged, s.today(r), "", map[string]string{"action": "board_stopped"})
	})
}

// GroupShareOf returns the status board of a request's group, nil when it
// has none (or the request was filed alone).
func (s *Store) GroupShareOf(ctx context.Context, requestID string) (*Share, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.findRequest(ctx, s.q(), org, requestID, false)
	if err != nil || r.GroupID == nil {
		return nil, err
	}
	var sh Share
	err = sqlx.GetContext(ctx, s.q(), &sh, `SELECT g.token, g.created_at, COALESCE(NULLIF(u.name, ''), u.email, '') AS created_by
		FROM group_shares g LEFT JOIN users u ON u.id = g.created_by WHERE g.org_id = $1 AND g.group_id = $2`, org, *r.GroupID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "status board")
	}
	return &sh, nil
}

// BoardView is what a status board shows: the group's requests sent (not
// drafts), by agency, each with its documents marked shared.
type BoardView struct {
	OrgName string
	Title   string // the group's first request's
	Rows    []BoardRow
}

// BoardRow is one agency's request on a status board.
type BoardRow struct {
	Request   *sunshine.Request
	Documents []*sunshine.Document
}

// board finds the group a board's token opens; errNoShare for a token
// that opens none.
func (s *Store) board(ctx context.Context, token string) (b boardRow, err error) {
	if len(token) != 43 {
		return b, errNoShare
	}
	err = sqlx.GetContext(ctx, s.q(), &b, `SELECT g.org_id, o.name AS org_name, g.group_id, r.title
		FROM group_shares g JOIN organizations o ON o.id = g.org_id
		JOIN requests r ON r.org_id = g.org_id AND r.id = g.group_id WHERE g.token = $1`, token)
	if errors.Is(err, sql.ErrNoRows) {
		return b, errNoShare
	}
	return b, translate(err, "status board")
}

// boardRow is the group a status board's token opens.
type boardRow struct {
	OrgID   string `db:"org_id"`
	OrgName string `db:"org_name"`
	GroupID string `db:"group_id"`
	Title   string `db:"title"` // the group's first request's
}

// GroupBoard opens the status board a token names; ENotFound for a token
// that names none (never made, replaced, stopped).
func (s *Store) GroupBoard(ctx context.Context, token string) (*BoardView, error) {
	bd, err := s.board(ctx, token)
	if err != nil {
		return nil, err
	}
	org, group := bd.OrgID, bd.GroupID
	var rows []requestRow
	// Drafts are left off: which agencies have not been sent the request
	// yet is the organization's to know.
	if err := sqlx.SelectContext(ctx, s.q(), &rows, requestSelect+` WHERE r.org_id = $1 AND r.group_id = $2 AND r.status <> 'draft'
		ORDER BY a.name, r.id`, org, group); err != nil {
		return nil, translate(err, "status board")
	}
	rs, err := domainRequests(rows)
	if err != nil {
		return nil, err
	}
	var docs []*sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` JOIN requests r ON r.org_id = d.org_id AND r.id = d.request_id
		WHERE d.org_id = $1 AND r.group_id = $2 AND d.shared AND d.deleted_at IS NULL ORDER BY d.created_at, d.id`
	if err := sqlx.SelectContext(ctx, s.q(), &docs, query, org, group); err != nil {
		return nil, translate(err, "documents")
	}
	v := &BoardView{OrgName: bd.OrgName, Title: bd.Title}
	byRequest := map[string]int{}
	for _, r := range rs {
		byRequest[r.ID] = len(v.Rows)
		v.Rows = append(v.Rows, BoardRow{Request: r})
	}
	for _, d := range docs {
		if i, ok := byRequest[d.RequestID]; ok && !d.Correspondence() {
			v.Rows[i].Documents = append(v.Rows[i].Documents, d)
		}
	}
	return v, nil
}

// GroupBoardDocument returns a document of a status board's group, marked
// shared; ENotFound otherwise.
func (s *Store) GroupBoardDocument(ctx context.Context, token, documentID string) (*sunshine.Document, error) {
	bd, err := s.board(ctx, token)
	if err != nil {
		return nil, err
	}
	org, group := bd.OrgID, bd.GroupID
	if !validUUID(documentID) {
		return nil, errNoShare
	}
	var d sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` JOIN requests r ON r.org_id = d.org_id AND r.id = d.request_id
		WHERE d.org_id = $1 AND r.group_id = $2 AND r.status <> 'draft' AND d.id = $3 AND d.shared AND d.deleted_at IS NULL`
	if err := sqlx.GetContext(ctx, s.q(), &d, query, org, group, documentID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNoShare
		}
		return nil, translate(err, "document")
	}
	if d.Correspondence() {
		return nil, errNoShare
	}
	return &d, nil
}
