package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

// SessionInfo is one of a person's sessions, as their settings list it:
// where it was opened (the browser and its address) and when, and when it
// was last used (to LastSeenEvery). Current is the one asking;
// AwaitingCode, a sign-in by password that has not given its two-step
// code yet.
type SessionInfo struct {
	ID           string     `db:"id"`
	UserAgent    string     `db:"user_agent"`
	ClientIP     string     `db:"client_ip"`
	CreatedAt    time.Time  `db:"created_at"`
	LastSeenAt   *time.Time `db:"last_seen_at"`
	Current      bool       `db:"current"`
	AwaitingCode bool       `db:"awaiting_code"`
}

// MySessions lists the signed-in user's sessions that have not expired,
// the one asking (currentToken's) first, then the most recently used.
func (s *Store) MySessions(ctx context.Context, currentToken string) ([]SessionInfo, error) {
	p, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	var out []SessionInfo
	const q = `SELECT id, user_agent, client_ip, created_at, last_seen_at, id_sha256 = $3 AS current, awaiting_code
		FROM sessions WHERE org_id = $1 AND user_id = $2 AND expires_at > $4
		ORDER BY id_sha256 = $3 DESC, COALESCE(last_seen_at, created_at) DESC, created_at DESC`
	err = sqlx.SelectContext(ctx, s.q(), &out, q, p.OrgID, p.UserID, hashOf(currentToken), s.clock.Now())
	return out, translate(err, "sessions")
}

// EndMySession signs the signed-in user out of one of their sessions (a
// browser they do not recognize, a computer they left); someone else's,
// or an ID that is no session, is ENotFound.
func (s *Store) EndMySession(ctx context.Context, id string) error {
	p, err := signedInUser(ctx)
	if err != nil {
		return err
	}
	if !validUUID(id) {
		return sunshine.Errorf(sunshine.ENotFound, "session not found")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id = $3`, p.OrgID, p.UserID, id)
		if err != nil {
			return translate(err, "session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sunshine.Errorf(sunshine.ENotFound, "session not found")
		}
		return nil
	})
}

// EndMyOtherSessions signs the signed-in user out everywhere but the
// session currentToken names, and returns how many sessions it ended.
func (s *Store) EndMyOtherSessions(ctx context.Context, currentToken string) (int, error) {
	p, err := signedInUser(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2 AND id_sha256 <> $3`,
			p.OrgID, p.UserID, hashOf(currentToken))
		if err != nil {
			return translate(err, "sessions")
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
