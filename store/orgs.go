package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

const userColumns = `id, org_id, email, name, role, deactivated_at IS NULL AS active, deactivated_at, totp_secret IS NOT NULL AS two_step, created_at, updated_at`

// activeUser is the SQL test (of users u) that a user is not deactivated.
const activeUser = `u.deactivated_at IS NULL`

// CreateOrg creates an organization with its first admin and returns a new
// API token for that admin, shown once. Used by `sunshine org create`; it
// needs no principal.
func (s *Store) CreateOrg(ctx context.Context, org *sunshine.Organization, admin *sunshine.User) (token string, err error) {
	if err := org.Validate(); err != nil {
		return "", err
	}
	admin.Role = sunshine.RoleAdmin
	if err := admin.Validate(); err != nil {
		return "", err
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id, created_at`
		if err := tx.QueryRowxContext(ctx, q, org.Name, org.Slug).Scan(&org.ID, &org.CreatedAt); err != nil {
			return translate(err, "organization "+org.Slug)
		}
		admin.OrgID = org.ID
		if err := insertUser(ctx, tx, admin); err != nil {
			return err
		}
		token, _, err = insertToken(ctx, tx, org.ID, admin.ID, "created with the organization")
		return err
	})
	return token, err
}

// FindOrgBySlug returns the organization with the given slug (operator
// commands; no principal needed).
func (s *Store) FindOrgBySlug(ctx context.Context, slug string) (*sunshine.Organization, error) {
	var o sunshine.Organization
	const q = `SELECT id, name, slug, created_at FROM organizations WHERE slug = $1`
	if err := sqlx.GetContext(ctx, s.q(), &o, q, slug); err != nil {
		return nil, translate(err, "organization "+slug)
	}
	return &o, nil
}

// FindOrgByID returns the caller's organization.
func (s *Store) FindOrgByID(ctx context.Context) (*sunshine.Organization, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var o sunshine.Organization
	const q = `SELECT id, name, slug, created_at FROM organizations WHERE id = $1`
	if err := sqlx.GetContext(ctx, s.q(), &o, q, org); err != nil {
		return nil, translate(err, "organization")
	}
	return &o, nil
}

func insertUser(ctx context.Context, tx sqlx.ExtContext, u *sunshine.User) error {
	const q = `INSERT INTO users (org_id, email, name, role) VALUES ($1, $2, $3, $4)
		RETURNING id, created_at, updated_at`
	err := tx.QueryRowxContext(ctx, q, u.OrgID, u.Email, u.Name, u.Role).Scan(&u.ID, &u.CreatedAt, &u.UpdatedAt)
	u.Active, u.DeactivatedAt = true, nil
	// Emails are unique within an organization only (migration 0016): the
	// same address in another organization is a separate account, and the
	// answer never tells that it exists there.
	if sunshine.ErrorCode(translate(err, "")) == sunshine.EConflict {
		return &sunshine.Error{Code: sunshine.EConflict, Message: "a user with this email is already a member of this organization",
			Fields: []sunshine.FieldError{{Field: "email", Message: "is already a member of this organization"}}}
	}
	return translate(err, "user")
}

// CreateUser adds a user to the caller's organization.
func (s *Store) CreateUser(ctx context.Context, u *sunshine.User) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	u.OrgID = org
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return insertUser(ctx, tx, u) })
}

// FindUserByID returns a user of the caller's organization.
func (s *Store) FindUserByID(ctx context.Context, id string) (*sunshine.User, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "user not found")
	}
	var u sunshine.User
	q := `SELECT ` + userColumns + ` FROM users WHERE org_id = $1 AND id = $2`
	if err := sqlx.GetContext(ctx, s.q(), &u, q, org, id); err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

// FindUserByEmail returns a user by email within an organization given by
// slug (operator commands; no principal needed). The organization is
// needed: one email may belong to users of several organizations.
func (s *Store) FindUserByEmail(ctx context.Context, orgSlug, email string) (*sunshine.User, error) {
	var u sunshine.User
	q := `SELECT u.id, u.org_id, u.email, u.name, u.role, u.deactivated_at IS NULL AS active, u.deactivated_at,
		u.created_at, u.updated_at
		FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE o.slug = $1 AND u.email = $2`
	if err := sqlx.GetContext(ctx, s.q(), &u, q, orgSlug, strings.ToLower(strings.TrimSpace(email))); err != nil {
		return nil, translate(err, "user "+email+" in organization "+orgSlug)
	}
	return &u, nil
}

// FindUsers lists the caller's organization's users by email.
func (s *Store) FindUsers(ctx context.Context) ([]*sunshine.User, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var us []*sunshine.User
	q := `SELECT ` + userColumns + ` FROM users WHERE org_id = $1 ORDER BY email`
	if err := sqlx.SelectContext(ctx, s.q(), &us, q, org); err != nil {
		return nil, translate(err, "users")
	}
	return us, nil
}

// UpdateUserRole changes a user's role. The last active admin cannot be
// demoted (EConflict).
func (s *Store) UpdateUserRole(ctx context.Context, id string, role sunshine.Role) (*sunshine.User, error) {
	return s.UpdateUser(ctx, id, sunshine.UserUpdate{Role: &role})
}

// SetUserActive deactivates or reactivates a user of the caller's
// organization (another organization's user is ENotFound). Deactivating
// ends the user's sessions, revokes their API tokens, drops their unused
// invitations and cancels their pending emails; the organization's last
// active admin cannot be deactivated (EConflict). Reactivating leaves the
// tokens revoked: the person signs in again with their password.
func (s *Store) SetUserActive(ctx context.Context, id string, active bool) (*sunshine.User, error) {
	return s.UpdateUser(ctx, id, sunshine.UserUpdate{Active: &active})
}

// UpdateUser changes a user's role, active state or both, in one
// transaction, keeping at least one active admin in the organization. Only
// the fields upd names are written, from the user's row as locked in the
// transaction: a role change racing a deactivation waits for it and leaves
// the user deactivated.
func (s *Store) UpdateUser(ctx context.Context, id string, upd sunshine.UserUpdate) (*sunshine.User, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if upd.Role != nil && !upd.Role.Valid() {
		return nil, sunshine.FieldInvalid("role", "must be admin, staff or viewer")
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "user not found")
	}
	var u sunshine.User
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Lock the org's active admins so two demotions or deactivations
		// cannot both pass the check. A row deactivated by a concurrent
		// transaction drops out of the set when the lock is granted. The
		// admins are locked before the user (in id order) so that every
		// UpdateUser takes its locks in the same order.
		var admins []string
		const lockAdmins = `SELECT id FROM users u WHERE org_id = $1 AND role = 'admin' AND ` + activeUser + ` ORDER BY id FOR UPDATE`
		if err := sqlx.SelectContext(ctx, tx, &admins, lockAdmins, org); err != nil {
			return translate(err, "users")
		}
		lockUser := `SELECT ` + userColumns + ` FROM users WHERE org_id = $1 AND id = $2 FOR UPDATE`
		if err := sqlx.GetContext(ctx, tx, &u, lockUser, org, id); err != nil {
			return translate(err, "user")
		}
		role, active := u.Role, u.Active
		if upd.Role != nil {
			role = *upd.Role
		}
		if upd.Active != nil {
			active = *upd.Active
		}
		if len(admins) == 1 && admins[0] == id && (role != sunshine.RoleAdmin || !active) {
			if role != sunshine.RoleAdmin {
				return sunshine.Errorf(sunshine.EConflict, "the organization's last admin cannot lose the admin role")
			}
			return sunshine.Errorf(sunshine.EConflict, "the organization's last active admin cannot be deactivated")
		}
		// NULL in $3 or $4: the update leaves that column as it is.
		q := `UPDATE users SET role = COALESCE($3, role), updated_at = now(),
				deactivated_at = CASE WHEN $4::boolean IS NULL THEN deactivated_at
					WHEN $4 THEN NULL ELSE COALESCE(deactivated_at, now()) END
			WHERE org_id = $1 AND id = $2 RETURNING ` + userColumns
		if err := translate(sqlx.GetContext(ctx, tx, &u, q, org, id, upd.Role, upd.Active), "user"); err != nil {
			return err
		}
		if u.Active {
			if !active {
				return nil
			}
			// Back: their to-dos' emails to come are owed again.
			_, err := tx.ExecContext(ctx, `UPDATE reminders m SET status = 'pending', attempts = 0, last_error = '',
					next_attempt_at = GREATEST($3, m.next_attempt_at)
				FROM organizations o WHERE o.id = m.org_id AND m.org_id = $1 AND m.recipient_id = $2 AND m.kind = 'todo'
				AND m.status = 'cancelled' AND m.occurrence >= ($3::timestamptz AT TIME ZONE o.time_zone)::date`, org, id, s.clock.Now())
			return translate(err, "to-do emails")
		}
		return s.endAccess(ctx, tx, org, id)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// endAccess takes away everything a deactivated user could still act or
// be written to with: sessions, API tokens (revoked as RevokeToken does,
// so the list keeps them), the calendar feed's address (so reactivating
// does not wake a subscription a former colleague still has), unused
// invitations and pending emails. Their pending reminders about a
// request's dates are left for delivery, which redirects each, when it
// falls due, to whoever gets the request's reminders then (its watchers,
// or the admins): cancelled here, they would reach nobody.
func (s *Store) endAccess(ctx context.Context, tx *sqlx.Tx, org, id string) error {
	for _, st := range []struct{ what, q string }{
		{"sessions", `DELETE FROM sessions WHERE org_id = $1 AND user_id = $2`},
		{"tokens", `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE org_id = $1 AND user_id = $2`},
		{"calendar feed", `UPDATE user_preferences p SET calendar_secret_sha256 = NULL FROM users u
			WHERE u.id = p.user_id AND u.org_id = $1 AND p.user_id = $2`},
		{"invitations", `DELETE FROM user_invites WHERE org_id = $1 AND user_id = $2 AND used_at IS NULL`},
		{"reminders", `UPDATE reminders SET status = 'cancelled', claimed_at = NULL, payload = '',
			last_error = 'the recipient was deactivated'
			WHERE org_id = $1 AND recipient_id = $2 AND status = 'pending' AND (request_id IS NULL OR kind = 'assigned')`},
	} {
		if _, err := tx.ExecContext(ctx, st.q, org, id); err != nil {
			return translate(err, st.what)
		}
	}
	return nil
}

// tokenPrefix marks Sunshine tokens so secret scanners can find leaked ones.
const tokenPrefix = "sun_"

func newToken() (plain string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	plain = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(plain))
	return plain, h[:]
}

func insertToken(ctx context.Context, tx sqlx.ExtContext, org, user, name string) (string, *sunshine.APIToken, error) {
	plain, hash := newToken()
	t := &sunshine.APIToken{OrgID: org, UserID: user, Name: name}
	const q = `INSERT INTO api_tokens (org_id, user_id, name, token_sha256) VALUES ($1, $2, $3, $4) RETURNING id, created_at`
	if err := tx.QueryRowxContext(ctx, q, org, user, name, hash).Scan(&t.ID, &t.CreatedAt); err != nil {
		return "", nil, translate(err, "token")
	}
	return plain, t, nil
}

// CreateToken issues a token for a user of the caller's organization and
// returns it once; only its SHA-256 is stored.
func (s *Store) CreateToken(ctx context.Context, userID, name string) (string, *sunshine.APIToken, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(name) > 200 {
		return "", nil, sunshine.FieldInvalid("name", "must be at most 200 characters")
	}
	noSuchUser := sunshine.FieldInvalid("user_id", "no such user in this organization")
	if !validUUID(userID) {
		return "", nil, noSuchUser
	}
	var plain string
	var tok *sunshine.APIToken
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// A deactivated user's token would never authenticate. The row is
		// locked so a deactivation in flight, which revokes the user's
		// tokens, waits for this one, or is seen done here.
		active, err := lockActive(ctx, tx, org, userID)
		if err != nil {
			if sunshine.ErrorCode(err) == sunshine.ENotFound {
				return noSuchUser
			}
			return err
		}
		if !active {
			return sunshine.FieldInvalid("user_id", "is deactivated: reactivate them first")
		}
		plain, tok, err = insertToken(ctx, tx, org, userID, name)
		return err
	})
	return plain, tok, err
}

// CreateTokenForUser issues a token for a user found by an operator command
// (no principal needed).
func (s *Store) CreateTokenForUser(ctx context.Context, u *sunshine.User, name string) (string, error) {
	var plain string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		active, err := lockActive(ctx, tx, u.OrgID, u.ID)
		if err != nil {
			return err
		}
		if !active {
			return sunshine.Errorf(sunshine.EConflict, "%s is deactivated: reactivate them first", u.Email)
		}
		plain, _, err = insertToken(ctx, tx, u.OrgID, u.ID, name)
		return err
	})
	return plain, err
}

// lockActive reports whether a user is active, locking their row so a
// deactivation in flight (which revokes their tokens) waits, or is seen.
func lockActive(ctx context.Context, tx *sqlx.Tx, org, userID string) (bool, error) {
	var active bool
	const q = `SELECT deactivated_at IS NULL FROM users WHERE org_id = $1 AND id = $2 FOR SHARE`
	return active, translate(tx.QueryRowxContext(ctx, q, org, userID).Scan(&active), "user")
}

// FindTokens lists the caller's organization's tokens, newest first.
func (s *Store) FindTokens(ctx context.Context) ([]*sunshine.APIToken, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var ts []*sunshine.APIToken
	const q = `SELECT id, org_id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
		WHERE org_id = $1 ORDER BY created_at DESC, id`
	if err := sqlx.SelectContext(ctx, s.q(), &ts, q, org); err != nil {
		return nil, translate(err, "tokens")
	}
	return ts, nil
}

// RevokeToken revokes a token of the caller's organization; revoking twice
// is not an error.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if !validUUID(id) {
		return sunshine.Errorf(sunshine.ENotFound, "token not found")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE org_id = $1 AND id = $2 RETURNING id`
		var got string
		return translate(tx.QueryRowxContext(ctx, q, org, id).Scan(&got), "token")
	})
}

// Authenticate resolves a bearer token to its principal. Unknown and revoked
// tokens are both EUnauthorized.
func (s *Store) Authenticate(ctx context.Context, token string) (sunshine.Principal, error) {
	var p sunshine.Principal
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return p, sunshine.Errorf(sunshine.EUnauthorized, "invalid or revoked token")
	}
	h := sha256.Sum256([]byte(token))
	var row struct {
		TokenID string `db:"token_id"`
		OrgID   string `db:"org_id"`
		UserID  string `db:"user_id"`
		Role    string `db:"role"`
	}
	// One statement: the lookup, and the use recorded at most once a minute
	// per token so that reads do not each write.
	const q = `WITH t AS (
			SELECT t.id AS token_id, t.org_id, t.user_id, u.role
			FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id
			WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND ` + activeUser + `),
		touch AS (
			UPDATE api_tokens SET last_used_at = now() FROM t
			WHERE api_tokens.id = t.token_id
				-- the row's own value, re-read after a concurrent touch commits, so one wins
				AND (api_tokens.last_used_at IS NULL OR api_tokens.last_used_at < now() - interval '1 minute'))
		SELECT token_id, org_id, user_id, role FROM t`
	if err := sqlx.GetContext(ctx, s.prepared(), &row, q, h[:]); err != nil {
		if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound {
			return p, sunshine.Errorf(sunshine.EUnauthorized, "invalid or revoked token")
		}
		return p, translate(err, "token")
	}
	return sunshine.Principal{OrgID: row.OrgID, UserID: row.UserID, Role: sunshine.Role(row.Role), TokenID: row.TokenID}, nil
}

// AddTokenHash stores a token chosen by the caller (the public demo token)
// for a user of the caller's organization.
func (s *Store) AddTokenHash(ctx context.Context, userID, name, token string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(token))
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO api_tokens (org_id, user_id, name, token_sha256) VALUES ($1, $2, $3, $4)`
		_, err := tx.ExecContext(ctx, q, org, userID, name, h[:])
		return translate(err, "token")
	})
}

// SetMyName changes the caller's own name, as letters are signed and
// emails greet them: trimmed, one line of at most 200 characters; ""
// clears it (the email address then stands for it).
func (s *Store) SetMyName(ctx context.Context, name string) (*sunshine.User, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if p.UserID == "" {
		return nil, sunshine.Errorf(sunshine.EForbidden, "only a person has a name to set")
	}
	name = strings.TrimSpace(name)
	if msg := sunshine.NameProblem(name); msg != "" {
		return nil, sunshine.FieldInvalid("name", "%s", msg)
	}
	var u sunshine.User
	q := `UPDATE users SET name = $3, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING ` + userColumns
	if err := sqlx.GetContext(ctx, s.q(), &u, q, p.OrgID, p.UserID, name); err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}
