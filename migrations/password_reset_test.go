package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0040 marks each link of user_invites as an invitation or a reset link
// (the links already there are invitations) and allows the outbox kind
// 'password_reset', without a request and only without one; it goes down
// (taking the reset links and their emails with it) and up again.
func TestMigration40_PasswordReset(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 39)
	org, request := draftRequest(t, db)
	var user string
	require.NoError(t, db.Get(&user, `INSERT INTO users (org_id, email, role) VALUES ($1, 'ana@ndlon.example', 'staff') RETURNING id`, org))
	db.MustExec(`INSERT INTO user_invites (token_sha256, org_id, user_id, expires_at) VALUES (sha256('old'), $1, $2, now())`, org, user)
	resetEmail := `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, payload, request_id)
		VALUES ($1, $2, 'password_reset', '2017-04-05', '2017-04-05', 'https://sunshine.example/password/reset/x', $3)`
	_, err := db.Exec(resetEmail, org, user, nil)
	require.Error(t, err, "no such kind before")

	migrateTo(t, db.DB, 40)
	var purpose string
	require.NoError(t, db.Get(&purpose, `SELECT purpose FROM user_invites WHERE user_id = $1`, user))
	require.Equal(t, "invite", purpose, "existing links are invitations")
	db.MustExec(`INSERT INTO user_invites (token_sha256, org_id, user_id, purpose, expires_at) VALUES (sha256('new'), $1, $2, 'reset', now())`, org, user)
	_, err = db.Exec(`INSERT INTO user_invites (token_sha256, org_id, user_id, purpose, expires_at) VALUES (sha256('odd'), $1, $2, 'other', now())`, org, user)
	require.Error(t, err, "only invite or reset")
	db.MustExec(`INSERT INTO reminder_schedule (request_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, request, org)
	_, err = db.Exec(resetEmail, org, user, request)
	require.Error(t, err, "a reset email is about no request")
	_, err = db.Exec(resetEmail, org, user, nil)
	require.NoError(t, err)

	migrateTo(t, db.DB, 39)
	var n int
	require.NoError(t, db.Get(&n, `SELECT count(*) FROM reminders WHERE kind = 'password_reset'`))
	require.Zero(t, n)
	require.NoError(t, db.Get(&n, `SELECT count(*) FROM user_invites WHERE user_id = $1`, user))
	require.Equal(t, 1, n, "the invitation stays, the reset link goes")
	migrateTo(t, db.DB, 40)
}
