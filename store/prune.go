package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Pruned counts the rows PruneExpired deleted.
type Pruned struct {
	Sessions int64 `db:"sessions"`
	Choices  int64 `db:"choices"`
	Invites  int64 `db:"invites"`
	Resets   int64 `db:"resets"`
	// Deliveries are webhooks' tries to send older than
	// WebhookDeliveriesKept.
	Deliveries int64 `db:"deliveries"`
}

// WebhookDeliveriesKept is how long a webhook's tries to send are kept,
// for its admins' page.
const WebhookDeliveriesKept = 30 * 24 * time.Hour

// PruneExpired deletes what can no longer be used: expired sign-in
// sessions, expired organization choices, invitation links that expired
// unused and expired password reset links, used or not. Each is refused
// once expired anyway; this keeps the tables from growing with every
// sign-in. Accepted invitations stay: they record when a person joined.
// Webhooks' tries to send go after WebhookDeliveriesKept.
func (s *Store) PruneExpired(ctx context.Context) (Pruned, error) {
	const q = `WITH s AS (DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1),
		c AS (DELETE FROM sign_in_choices WHERE expires_at <= $1 RETURNING 1),
		l AS (DELETE FROM user_invites WHERE expires_at <= $1 AND (used_at IS NULL OR purpose = 'reset') RETURNING purpose),
		d AS (DELETE FROM webhook_deliveries WHERE attempted_at <= $2 RETURNING 1)
		SELECT (SELECT count(*) FROM s) AS sessions, (SELECT count(*) FROM c) AS choices,
			(SELECT count(*) FROM l WHERE purpose = 'invite') AS invites, (SELECT count(*) FROM l WHERE purpose = 'reset') AS resets,
			(SELECT count(*) FROM d) AS deliveries`
	var n Pruned
	now := s.clock.Now()
	err := sqlx.GetContext(ctx, s.q(), &n, q, now, now.Add(-WebhookDeliveriesKept))
	return n, translate(err, "expired sessions")
}
