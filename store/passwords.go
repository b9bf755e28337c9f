package store

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// ResetEvery is the least time between two reset emails to one account: a
// request within it sends nothing (the answer is the same), so nobody can
// fill a person's inbox by asking again and again.
const ResetEvery = 2 * time.Minute

// A link (a row of user_invites) sets a password once: an admin's
// invitation, or a reset link a person asked for. Each page takes only its
// own kind, so each says rightly what to do when one is not valid.
const (
	linkInvite = "invite"
	linkReset  = "reset"
)

// errLinkGone answers a link, by the purpose its page takes, that is
// unknown, used, expired, replaced or of the other purpose.
var errLinkGone = map[string]error{
	linkInvite: sunshine.Errorf(sunshine.ENotFound, "this invitation link is not valid any more; ask an admin for a new one"),
	linkReset:  sunshine.Errorf(sunshine.ENotFound, "This link is not valid any more: links work once, for 1 hour. Ask for a new one."),
}

// ChangePassword sets the signed-in user's password, given their current
// one. It refuses a new password of the wrong length (EInvalid naming
// new_password) and a wrong current password (EInvalid naming
// current_password), changing nothing. On success every session of the
// user ends but keepSessionToken's (the one they are using), and their
// unused invitation and reset links stop working, with any email still
// waiting to carry one. The caller limits how often a wrong current
// password may be tried (it is a guess through a session).
func (s *Store) ChangePassword(ctx context.Context, current, next, keepSessionToken string) error {
	p, err := signedInUser(ctx)
	if err != nil {
		return err
	}
	if err := checkPassword("new_password", next); err != nil {
		return err
	}
	old, err := s.checkMyPassword(ctx, p, "current_password", current)
	if err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), PasswordCost)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Only over the hash just checked: a change that got in between
		// (another tab, a reset) wins, and this one is tried again.
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $3, `+pendingSecretStale+`, updated_at = now()
			WHERE org_id = $1 AND id = $2 AND password_hash = $4`, p.OrgID, p.UserID, string(hash), old)
		if err != nil {
			return translate(err, "user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sunshine.Errorf(sunshine.EConflict, "your password was changed meanwhile: sign in again and retry")
		}
		// The other sessions were opened with the old password, maybe on a
		// lost laptop or by someone who learnt it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_sha256 <> $2`, p.UserID, hashOf(keepSessionToken)); err != nil {
			return translate(err, "sessions")
		}
		return voidLinks(ctx, tx, p.UserID, "the password was changed")
	})
}

// checkMyPassword checks the signed-in user's current password and
// returns the hash it matched; a wrong one is EInvalid naming field. It
// runs outside any transaction: bcrypt takes a while, and no row should
// stay locked meanwhile.
func (s *Store) checkMyPassword(ctx context.Context, p sunshine.Principal, field, password string) (string, error) {
	var hash *string
	err := sqlx.GetContext(ctx, s.q(), &hash, `SELECT password_hash FROM users u WHERE u.org_id = $1 AND u.id = $2 AND `+activeUser, p.OrgID, p.UserID)
	if err != nil {
		return "", translate(err, "user")
	}
	wrong := sunshine.FieldInvalid(field, "is not your current password")
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", wrong
	}
	if bcrypt.CompareHashAndPassword([]byte(*hash), []byte(password)) != nil {
		return "", wrong
	}
	return *hash, nil
}

// pendingSecretStale is the SET clause that, with a new password, drops a
// two-step secret being set up: one copied from a session left open must
// not outlive the password that session was opened with.
const pendingSecretStale = `totp_pending = NULL, totp_pending_at = NULL`

// voidLinks ends a user's unused invitation and reset links, within tx,
// and cancels the emails still waiting to carry one (why says why).
func voidLinks(ctx context.Context, tx *sqlx.Tx, userID, why string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_invites WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
		return translate(err, "links")
	}
	_, err := tx.ExecContext(ctx, `UPDATE reminders SET status = 'cancelled', payload = '', last_error = $2
		WHERE recipient_id = $1 AND kind IN ('invite', 'password_reset') AND status = 'pending'`, userID, why)
	return translate(err, "link emails")
}

// RequestPasswordReset emails a link to set a new password (baseURL +
// "/password/reset/" + token) to every active account with that email: one
// address may have accounts in several organizations, and each gets its
// own link, which works once, for ResetTTL. It returns how many emails it
// put in the outbox; the caller must answer the same whatever it is, so
// nobody learns which addresses have accounts. A new link replaces the
// account's earlier unused reset links and cancels their emails still
// waiting; an account sent one less than ResetEvery ago gets nothing. An
// unknown or deactivated address gets nothing.
func (s *Store) RequestPasswordReset(ctx context.Context, email, baseURL string) (int, error) {
	var sent int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		sent = 0
		var accounts []struct {
			ID    string `db:"id"`
			OrgID string `db:"org_id"`
		}
		// Locked, so two requests at once see each other's link (the
		// throttle) instead of both sending.
		const q = `SELECT u.id, u.org_id FROM users u WHERE u.email = lower(btrim($1)) AND ` + activeUser + `
			ORDER BY u.id FOR UPDATE`
		if err := sqlx.SelectContext(ctx, tx, &accounts, q, email); err != nil {
			return translate(err, "user")
		}
		now := s.clock.Now()
		for _, a := range accounts {
			var recent bool
			if err := tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM user_invites
				WHERE user_id = $1 AND purpose = 'reset' AND created_at > $2)`, a.ID, now.Add(-ResetEvery)).Scan(&recent); err != nil {
				return translate(err, "reset link")
			}
			if recent {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_invites WHERE user_id = $1 AND purpose = 'reset' AND used_at IS NULL`, a.ID); err != nil {
				return translate(err, "reset link")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reminders SET status = 'cancelled', payload = '', last_error = 'replaced by a new reset link'
				WHERE recipient_id = $1 AND kind = 'password_reset' AND status = 'pending'`, a.ID); err != nil {
				return translate(err, "reset email")
			}
			plain, hash := randomToken()
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_invites (token_sha256, org_id, user_id, purpose, created_at, expires_at)
				VALUES ($1, $2, $3, 'reset', $4, $5)`, hash, a.OrgID, a.ID, now, now.Add(ResetTTL)); err != nil {
				return translate(err, "reset link")
			}
			today := deadline.DateOf(now.UTC())
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload)
				VALUES ($1, $2, 'password_reset', $3, $3, $4, $5)`, a.OrgID, a.ID, today, now, baseURL+"/password/reset/"+plain); err != nil {
				return translate(err, "reset email")
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// ResetPassword sets a new password with a reset link, once, and opens a
// session for its account. Every other session of the account ends, and its
// other unused links (invitation and reset) stop working. An unknown, used,
// expired or replaced link, or an invitation's, is ENotFound; a password of
// the wrong length is EInvalid naming "password", and the link still works.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (string, sunshine.Principal, error) {
	return s.useLink(ctx, linkReset, token, password)
}

// ResetPayload returns the link a password reset email carries, and
// whether it still works: an email sent late (the mail server was down for
// an hour, a failed one sent again) must not carry a dead link.
func (s *Store) ResetPayload(ctx context.Context, reminderID string) (link string, works bool, err error) {
	link, err = s.linkPayload(ctx, reminderID, sunshine.ReminderPasswordReset)
	if err != nil {
		return "", false, err
	}
	token := link[strings.LastIndex(link, "/")+1:]
	err = sqlx.GetContext(ctx, s.q(), &works, `SELECT EXISTS (SELECT 1 FROM user_invites
		WHERE token_sha256 = $1 AND purpose = 'reset' AND used_at IS NULL AND expires_at > $2)`, hashOf(token), s.clock.Now())
	return link, works, translate(err, "reset link")
}

// CheckInviteLink reports, before a password is typed, whether an
// invitation link still works: nil, or AcceptInvite's ENotFound.
func (s *Store) CheckInviteLink(ctx context.Context, token string) error {
	return s.checkLink(ctx, linkInvite, token)
}

// CheckResetLink reports, before a password is typed, whether a reset link
// still works: nil, or ResetPassword's ENotFound.
func (s *Store) CheckResetLink(ctx context.Context, token string) error {
	return s.checkLink(ctx, linkReset, token)
}

func (s *Store) checkLink(ctx context.Context, purpose, token string) error {
	var works bool
	const q = `SELECT EXISTS (SELECT 1 FROM user_invites i JOIN users u ON u.id = i.user_id
		WHERE i.token_sha256 = $1 AND i.purpose = $3 AND i.used_at IS NULL AND i.expires_at > $2 AND ` + activeUser + `)`
	if err := sqlx.GetContext(ctx, s.q(), &works, q, hashOf(token), s.clock.Now(), purpose); err != nil {
		return translate(err, "link")
	}
	if !works {
		return errLinkGone[purpose]
	}
	return nil
}

// useLink sets a password with a link of purpose (linkInvite, linkReset),
// once, and opens a session for the link's account.
func (s *Store) useLink(ctx context.Context, purpose, token, password string) (string, sunshine.Principal, error) {
	var p sunshine.Principal
	if err := checkPassword("password", password); err != nil {
		return "", p, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", p, err
	}
	var row struct {
		UserID string `db:"user_id"`
		OrgID  string `db:"org_id"`
		Role   string `db:"role"`
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `UPDATE user_invites i SET used_at = $2 FROM users u
			WHERE i.token_sha256 = $1 AND i.purpose = $3 AND i.used_at IS NULL AND i.expires_at > $2
			  AND u.id = i.user_id AND ` + activeUser + `
			RETURNING i.user_id, u.org_id, u.role`
		if err := sqlx.GetContext(ctx, tx, &row, q, hashOf(token), s.clock.Now(), purpose); err != nil {
			if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound {
				return errLinkGone[purpose]
			}
			return translate(err, "link")
		}
		if _, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, `+pendingSecretStale+`, updated_at = now()
			WHERE id = $1`, row.UserID, string(hash)); err != nil {
			return translate(err, "user")
		}
		// A new password (a re-invitation is an admin's password reset)
		// signs out the sessions opened with the old one: a lost laptop.
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, row.UserID); err != nil {
			return translate(err, "sessions")
		}
		return voidLinks(ctx, tx, row.UserID, "the password was set with another link")
	})
	if err != nil {
		return "", p, err
	}
	// The link's account itself, not a sign-in by email: the same address
	// may have accounts in other organizations.
	p = sunshine.Principal{OrgID: row.OrgID, UserID: row.UserID, Role: sunshine.Role(row.Role)}
	session, err := s.openSession(ctx, p)
	if err != nil {
		return "", sunshine.Principal{}, err
	}
	return session, p, nil
}
