package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A request's shared page: a read-only page at /shared/{token} for people
// without an account (a reporter, a partner, a client), showing the
// request's status and dates and the documents marked shared
// (Document.Shared), and when letters went each way and of what kind, not
// their words: no notes, no correspondence's words, no people.

// Share is a request's shared page, as its request page shows it to staff.
type Share struct {
	Token     string    `db:"token"`
	CreatedAt time.Time `db:"created_at"`
	CreatedBy string    `db:"created_by"` // a name, "" when unknown
	// ExpiresOn is the last day its link works, in the organization's
	// time zone; nil: until sharing stops. Expired: that day has passed.
	ExpiresOn *deadline.Date `db:"expires_on"`
	Expired   bool           `db:"expired"`
}

// shareWorks is the SQL test that a shared page sh of organization o opens
// at $now (a timestamptz): it has no last day, or that day has not
// passed in the organization's time zone.
func shareWorks(now string) string {
	return `(sh.expires_on IS NULL OR sh.expires_on >= (` + now + ` AT TIME ZONE o.time_zone)::date)`
}

// ShareYears is how far ahead a shared page's last day may be.
const ShareYears = 2

// checkShareExpiry checks a shared page's last day: from the
// organization's today to ShareYears ahead; the zero Date (none) passes.
func (s *Store) checkShareExpiry(ctx context.Context, q sqlx.QueryerContext, org string, last deadline.Date) error {
	if last.IsZero() {
		return nil
	}
	today, err := s.orgToday(ctx, q, org)
	if err != nil {
		return err
	}
	y, m, d := today.Civil()
	switch {
	case last.Before(today):
		return sunshine.FieldInvalid("expires_on", "must be today (%s) or later", today)
	case deadline.DateOf(time.Date(y+ShareYears, m, d, 0, 0, 0, 0, time.UTC)).Before(last):
		return sunshine.FieldInvalid("expires_on", "must be within two years")
	}
	return nil
}

// SetShareExpiry sets the last day a request's shared page opens (the
// organization's date, from today to ShareYears ahead), or clears it
// (the zero Date): then it opens until sharing stops. A request not
// shared is EConflict.
func (s *Store) SetShareExpiry(ctx context.Context, requestID string, last deadline.Date) error {
	return s.linkExpiry(ctx, pageLink, requestID, last)
}

// ShareRequest makes a shared page for a request of the caller's
// organization and returns its token. A request shared already keeps its
// link (a second click, a colleague's stale page), unless renew: then a
// new link replaces it, and the old one stops working; the new one keeps
// the last day set (SetShareExpiry), unless that day has passed (the
// new_link event then says expiry_cleared).
func (s *Store) ShareRequest(ctx context.Context, requestID string, renew bool) (string, error) {
	return s.makeLink(ctx, pageLink, requestID, renew, nil)
}

// ShareRequestUntil is ShareRequest that sets the link's last day too
// (last non-nil; the zero Date clears it), in the same transaction: a day
// refused changes nothing.
func (s *Store) ShareRequestUntil(ctx context.Context, requestID string, renew bool, last *deadline.Date) (string, error) {
	return s.makeLink(ctx, pageLink, requestID, renew, last)
}

// StopSharing deletes a request's shared page: its link opens nothing.
func (s *Store) StopSharing(ctx context.Context, requestID string) error {
	return s.stopLink(ctx, pageLink, requestID)
}

// ShareOf returns a request's shared page, nil when it has none.
func (s *Store) ShareOf(ctx context.Context, requestID string) (*Share, error) {
	return s.linkOf(ctx, pageLink, requestID)
}

// SetDocumentShared marks a document of the caller's organization to show
// on its request's shared page, or not. An email (Document.Correspondence)
// cannot be shown: EInvalid.
func (s *Store) SetDocumentShared(ctx context.Context, documentID string, shared bool) (*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(documentID) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "document not found")
	}
	var d *sunshine.Document
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if d, err = findDocument(ctx, tx, org, documentID); err != nil {
			return err
		}
		if shared && d.Correspondence() {
			return sunshine.FieldInvalid("shared", "an email cannot be shown on the shared page: it carries the whole "+
				"correspondence, names and addresses; share its attachments, the records, instead")
		}
		r, err := s.findRequest(ctx, tx, org, d.RequestID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET shared = $3 WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL AND shared <> $3`,
			org, documentID, shared)
		if err != nil {
			return translate(err, "document")
		}
		d.Shared = shared
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // as it was (or removed meanwhile: findDocument answered first)
		}
		return addEvent(ctx, tx, r, sunshine.EventDocumentShareChanged, s.today(r), "",
			map[string]any{"document_id": d.ID, "filename": d.Filename, "shared": shared})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// SharedView is what a shared page shows: its request, the letters
// exchanged (when, which way, what kind: not their words, subjects or
// parties) and the documents marked shared.
type SharedView struct {
	OrgName   string
	Request   *sunshine.Request
	Letters   []SharedLetter
	Documents []*sunshine.Document
}

// SharedLetter is a communication as a shared page lists it.
type SharedLetter struct {
	OccurredOn deadline.Date      `db:"occurred_on"`
	Direction  sunshine.Direction `db:"direction"`
	Kind       sunshine.CommKind  `db:"kind"`
	Channel    string             `db:"channel"`
}

// errNoShare answers a token that opens no shared page.
var errNoShare = sunshine.Errorf(sunshine.ENotFound, "no shared page")

// SharedPage opens the shared page a token names; ENotFound for a token
// that names none (never made, replaced, stopped, past its last day).
func (s *Store) SharedPage(ctx context.Context, token string) (*SharedView, error) {
	if len(token) != 43 {
		return nil, errNoShare
	}
	var row struct {
		OrgID     string `db:"org_id"`
		OrgName   string `db:"org_name"`
		RequestID string `db:"request_id"`
	}
	err := sqlx.GetContext(ctx, s.q(), &row, `SELECT sh.org_id, o.name AS org_name, sh.request_id
		FROM request_shares sh JOIN organizations o ON o.id = sh.org_id WHERE sh.token = $1 AND `+shareWorks("$2::timestamptz"), token, s.clock.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoShare
	}
	if err != nil {
		return nil, translate(err, "shared page")
	}
	v := &SharedView{OrgName: row.OrgName}
	if v.Request, err = s.findRequest(ctx, s.q(), row.OrgID, row.RequestID, false); err != nil {
		return nil, err
	}
	if err := sqlx.SelectContext(ctx, s.q(), &v.Letters, `SELECT occurred_on, direction, kind, channel FROM communications
		WHERE org_id = $1 AND request_id = $2 ORDER BY occurred_on, created_at, id`, row.OrgID, row.RequestID); err != nil {
		return nil, translate(err, "communications")
	}
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2 AND d.shared AND d.deleted_at IS NULL
		ORDER BY d.created_at, d.id`
	if err := sqlx.SelectContext(ctx, s.q(), &v.Documents, query, row.OrgID, row.RequestID); err != nil {
		return nil, translate(err, "documents")
	}
	// SetDocumentShared refuses emails; should one be marked all the
	// same, it still does not show.
	v.Documents = slices.DeleteFunc(v.Documents, (*sunshine.Document).Correspondence)
	return v, nil
}

// SharedPageRow is one of the organization's shared pages, as an admin's
// list shows it.
type SharedPageRow struct {
	RequestID  string    `db:"request_id"`
	Title      string    `db:"title"`
	AgencyName string    `db:"agency_name"`
	CreatedAt  time.Time `db:"created_at"`
	CreatedBy  string    `db:"created_by"` // a name, "" when unknown
	Documents  int       `db:"documents"`  // marked shared
	// ExpiresOn and Expired are Share's.
	ExpiresOn *deadline.Date `db:"expires_on"`
	Expired   bool           `db:"expired"`
	// Board: a group's status board (RequestID the group's first request,
	// AgencyName how many agencies), not a request's page.
	Board bool `db:"board"`
}

// SharedPages lists the caller's organization's shared pages, newest
// first: what anyone with a link can read, for an admin to review (links
// outlive the people who sent them).
func (s *Store) SharedPages(ctx context.Context) ([]SharedPageRow, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var out []SharedPageRow
	err = sqlx.SelectContext(ctx, s.q(), &out, `SELECT sh.request_id, r.title, a.name AS agency_name, sh.created_at,
			COALESCE(NULLIF(u.name, ''), u.email, '') AS created_by,
			(SELECT count(*) FROM documents d WHERE d.org_id = sh.org_id AND d.request_id = sh.request_id AND d.shared AND d.deleted_at IS NULL) AS documents,
			sh.expires_on, NOT `+shareWorks("$2::timestamptz")+` AS expired, false AS board
		FROM request_shares sh JOIN requests r ON r.org_id = sh.org_id AND r.id = sh.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		JOIN organizations o ON o.id = sh.org_id
		LEFT JOIN users u ON u.id = sh.created_by
		WHERE sh.org_id = $1
		UNION ALL
		SELECT sh.group_id, r.title, (SELECT count(*) FROM requests m WHERE m.org_id = sh.org_id AND m.group_id = sh.group_id) || ' agencies',
			sh.created_at, COALESCE(NULLIF(u.name, ''), u.email, ''),
			(SELECT count(*) FROM documents d JOIN requests m ON m.org_id = d.org_id AND m.id = d.request_id
			 WHERE d.org_id = sh.org_id AND m.group_id = sh.group_id AND d.shared AND d.deleted_at IS NULL),
			sh.expires_on, NOT `+shareWorks("$2::timestamptz")+`, true
		FROM group_shares sh JOIN requests r ON r.org_id = sh.org_id AND r.id = sh.group_id
		JOIN organizations o ON o.id = sh.org_id
		LEFT JOIN users u ON u.id = sh.created_by
		WHERE sh.org_id = $1
		ORDER BY created_at DESC, title`, org, s.clock.Now())
	return out, translate(err, "shared pages")
}

// SharedDocument returns a document of a shared page, marked shared;
// ENotFound otherwise.
func (s *Store) SharedDocument(ctx context.Context, token, documentID string) (*sunshine.Document, error) {
	if len(token) != 43 || !validUUID(documentID) {
		return nil, errNoShare
	}
	query := `SELECT ` + documentColumns + documentFrom + ` JOIN request_shares sh ON sh.org_id = d.org_id AND sh.request_id = d.request_id
		JOIN organizations o ON o.id = sh.org_id
		WHERE sh.token = $1 AND d.id = $2 AND d.shared AND d.deleted_at IS NULL AND ` + shareWorks("$3::timestamptz")
	return s.sharedDocument(ctx, query, token, documentID, s.clock.Now())
}

// sharedDocument reads the document a shared link's query finds: marked
// shared and not an email (Document.Correspondence); errNoShare otherwise.
func (s *Store) sharedDocument(ctx context.Context, query string, args ...any) (*sunshine.Document, error) {
	var d sunshine.Document
	if err := sqlx.GetContext(ctx, s.q(), &d, query, args...); err != nil {
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
