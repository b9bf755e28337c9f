package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Pruned counts the rows PruneExpired deleted.
type Pruned struct {
	Sessions int64 `db:"sessions"`
	Choices  int64 `db:"choices"`
	Invites  int64 `db:"invites"`
}

// PruneExpired deletes what can no longer be used: expired sign-in
// sessions, expired organization choices and invitation links that expired
// unused. Each is refused once expired anyway; this keeps the tables from
// growing with every sign-in. Accepted invitations stay: they record when
// a person joined.
func (s *Store) PruneExpired(ctx context.Context) (Pruned, error) {
	const q = `WITH s AS (DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1),
		c AS (DELETE FROM sign_in_choices WHERE expires_at <= $1 RETURNING 1),
		i AS (DELETE FROM user_invites WHERE used_at IS NULL AND expires_at <= $1 RETURNING 1)
		SELECT (SELECT count(*) FROM s) AS sessions, (SELECT count(*) FROM c) AS choices, (SELECT count(*) FROM i) AS invites`
	var n Pruned
	err := sqlx.GetContext(ctx, s.q(), &n, q, s.clock.Now())
	return n, translate(err, "expired sessions")
}
