package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A group's status board: a read-only page at /shared/board/{token} of
// every request of a group (the same request filed with many agencies),
// for people without an account (a newsroom, a coalition's public):
// each agency's status and dates and the documents marked shared, nothing
// else, as a request's shared page.

// ShareGroup makes the status board of the group of a request of the
// caller's organization and returns its token, as ShareRequest makes a
// request's shared page; last, when not nil, sets its last day too (the
// zero Date clears it). A request filed alone has no group: EConflict.
func (s *Store) ShareGroup(ctx context.Context, requestID string, renew bool, last *deadline.Date) (string, error) {
	return s.makeLink(ctx, boardLink, requestID, renew, last)
}

// SetBoardExpiry sets or clears (the zero Date) the last day of the status
// board of a request's group, as SetShareExpiry.
func (s *Store) SetBoardExpiry(ctx context.Context, requestID string, last deadline.Date) error {
	return s.linkExpiry(ctx, boardLink, requestID, last)
}

// StopSharingGroup deletes the status board of a request's group: its link
// opens nothing. A group without one, or a request filed alone, is no
// error.
func (s *Store) StopSharingGroup(ctx context.Context, requestID string) error {
	return s.stopLink(ctx, boardLink, requestID)
}

// GroupShareOf returns the status board of a request's group, nil when it
// has none (or the request was filed alone).
func (s *Store) GroupShareOf(ctx context.Context, requestID string) (*Share, error) {
	return s.linkOf(ctx, boardLink, requestID)
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
	err = sqlx.GetContext(ctx, s.q(), &b, `SELECT sh.org_id, o.name AS org_name, sh.group_id, r.title
		FROM group_shares sh JOIN organizations o ON o.id = sh.org_id
		JOIN requests r ON r.org_id = sh.org_id AND r.id = sh.group_id WHERE sh.token = $1 AND `+shareWorks("$2::timestamptz"), token, s.clock.Now())
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
// that names none (never made, replaced, stopped, past its last day).
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
	query := `SELECT ` + documentColumns + documentFrom + ` JOIN requests r ON r.org_id = d.org_id AND r.id = d.request_id
		WHERE d.org_id = $1 AND r.group_id = $2 AND r.status <> 'draft' AND d.id = $3 AND d.shared AND d.deleted_at IS NULL`
	return s.sharedDocument(ctx, query, org, group, documentID)
}
