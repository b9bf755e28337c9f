package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 14 * 24 * time.Hour

// LastSeenEvery is how stale a session's last use may be before a page
// it opens records it again.
const LastSeenEvery = 5 * time.Minute

func randomToken() (plain string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	plain = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(plain))
	return plain, h[:]
}

func hashOf(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// PasswordCost is the bcrypt cost of the password hashes the store makes.
// Checking a password reads the cost from its hash, so changing it affects
// only new hashes; the tests lower it (storetest.Main), as a sign-in at
// the default cost takes a second or more under the race detector.
var PasswordCost = bcrypt.DefaultCost

// dummyHash is a real bcrypt hash to compare against when the user does not
// exist, at the cost of the others, so both answers take as long.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such user"), PasswordCost)
	return h
})

// errBadLogin is the one answer to a failed sign-in, whatever failed.
var errBadLogin = sunshine.Errorf(sunshine.EUnauthorized, "the email or password is not right")

// minPassword and maxPassword bound a password's length, in bytes (bcrypt
// reads no more than 72).
const (
	minPassword = 10
	maxPassword = 72
)

// checkPassword refuses a password too short or too long, naming field.
func checkPassword(field, password string) error {
	if len(password) < minPassword || len(password) > maxPassword {
		return sunshine.FieldInvalid(field, "must be %d to %d characters", minPassword, maxPassword)
	}
	return nil
}

// SetPassword sets a user's password (operators: `sunshine user set-password`)
// and signs them out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID, password string) error {
	if err := checkPassword("password", password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var id string
		err := tx.QueryRowxContext(ctx, `UPDATE users SET password_hash = $2, `+pendingSecretStale+`, updated_at = now()
			WHERE id = $1 RETURNING id`, userID, string(hash)).Scan(&id)
		if err != nil {
			return translate(err, "user")
		}
		// A new password ends every session opened with the old one (a
		// reset after a lost laptop must sign that laptop out).
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return translate(err, "sessions")
	})
}

// ChoiceTTL is how long the page asking which organization to sign in to
// works.
const ChoiceTTL = 10 * time.Minute

// SignInChoice is Login's answer when one password opens accounts in
// several organizations: Orgs lists them (by name; the person proved they
// own each account), and ChooseOrg with Token and one of their slugs signs
// in to that one, once, within ChoiceTTL.
type SignInChoice struct {
	Token string
	Orgs  []*sunshine.Organization
}

// Login checks an email and password and opens a session, returning its
// token for the cookie. One email may belong to users of several
// organizations, each with its own password: the password is checked
// against every active one. When it matches exactly one, that one is signed
// in. When it matches several, no session is opened and choice lists those
// organizations for the person to pick with ChooseOrg; the password is not
// needed again. Every failure is the same EUnauthorized; a deactivated user
// is answered as an unknown email.
func (s *Store) Login(ctx context.Context, email, password string) (token string, p sunshine.Principal, choice *SignInChoice, err error) {
	var accounts []struct {
		ID    string                `db:"id"`
		OrgID string                `db:"org_id"`
		Role  string                `db:"role"`
		Hash  *string               `db:"password_hash"`
		Org   sunshine.Organization `db:"org"`
	}
	const q = `SELECT u.id, u.org_id, u.role, u.password_hash,
			o.id AS "org.id", o.name AS "org.name", o.slug AS "org.slug", o.created_at AS "org.created_at"
		FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE u.email = lower(btrim($1)) AND u.password_hash IS NOT NULL AND ` + activeUser + `
		ORDER BY o.name, o.slug`
	if err := sqlx.SelectContext(ctx, s.q(), &accounts, q, email); err != nil {
		return "", p, nil, translate(err, "user")
	}
	if len(accounts) == 0 {
		// Spend the same time as a real check so timing does not tell
		// whether the address exists.
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", p, nil, errBadLogin
	}
	var opened []string
	var orgs []*sunshine.Organization
	for _, a := range accounts {
		if bcrypt.CompareHashAndPassword([]byte(*a.Hash), []byte(password)) != nil {
			continue
		}
		p = sunshine.Principal{OrgID: a.OrgID, UserID: a.ID, Role: sunshine.Role(a.Role)}
		opened, orgs = append(opened, a.ID), append(orgs, &a.Org)
	}
	switch len(opened) {
	case 0:
		return "", sunshine.Principal{}, nil, errBadLogin
	case 1:
		token, err = s.openSession(ctx, p)
		return token, p, nil, err
	}
	plain, hash := randomToken()
	_, err = s.q().ExecContext(ctx, `INSERT INTO sign_in_choices (id_sha256, user_ids, expires_at) VALUES ($1, $2, $3)`,
		hash, pq.Array(opened), s.clock.Now().Add(ChoiceTTL))
	if err != nil {
		return "", sunshine.Principal{}, nil, translate(err, "sign-in choice")
	}
	return "", sunshine.Principal{}, &SignInChoice{Token: plain, Orgs: orgs}, nil
}

// errChoiceExpired answers a choice token that is unknown, used or expired,
// or an organization it does not list.
var errChoiceExpired = sunshine.Errorf(sunshine.EUnauthorized, "this sign-in has expired: sign in again")

// ChooseOrg finishes a Login that asked which organization: it opens a
// session for the account in orgSlug that the password opened. The choice
// works once: a second try, an expired one, or an organization it did not
// list is EUnauthorized, and the person signs in again.
func (s *Store) ChooseOrg(ctx context.Context, choiceToken, orgSlug string) (token string, p sunshine.Principal, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids pq.StringArray
		err := tx.QueryRowxContext(ctx, `DELETE FROM sign_in_choices WHERE id_sha256 = $1 AND expires_at > $2 RETURNING user_ids`,
			hashOf(choiceToken), s.clock.Now()).Scan(&ids)
		if errors.Is(err, sql.ErrNoRows) {
			return errChoiceExpired
		}
		if err != nil {
			return translate(err, "sign-in choice")
		}
		var row struct {
			ID    string `db:"id"`
			OrgID string `db:"org_id"`
			Role  string `db:"role"`
		}
		err = sqlx.GetContext(ctx, tx, &row, `SELECT u.id, u.org_id, u.role FROM users u JOIN organizations o ON o.id = u.org_id
			WHERE u.id = ANY($1) AND o.slug = $2 AND `+activeUser, ids, orgSlug)
		if errors.Is(err, sql.ErrNoRows) {
			return errChoiceExpired
		}
		if err != nil {
			return translate(err, "user")
		}
		p = sunshine.Principal{OrgID: row.OrgID, UserID: row.ID, Role: sunshine.Role(row.Role)}
		return nil
	})
	if err != nil {
		return "", sunshine.Principal{}, err
	}
	token, err = s.openSession(ctx, p)
	return token, p, err
}

// OtherAccounts counts the signed-in user's own accounts in other
// organizations (the same email, active, with a password): a link from one
// of those organizations answers 404 here, and the page can offer to sign
// in there. It tells the person only about their own accounts.
func (s *Store) OtherAccounts(ctx context.Context) (int, error) {
	p, err := principal(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = sqlx.GetContext(ctx, s.q(), &n, `SELECT count(*) FROM users me JOIN users u ON u.email = me.email AND u.org_id <> me.org_id
		WHERE me.id = $1 AND u.password_hash IS NOT NULL AND u.deactivated_at IS NULL`, p.UserID)
	return n, translate(err, "users")
}

// otherOrgThings maps a kind OtherOrgWith takes to the test that a thing
// of that kind with ID $3 exists in u's organization, as its own pages
// find it (a deleted document is gone).
var otherOrgThings = map[string]string{
	"request":       `SELECT 1 FROM requests t WHERE t.org_id = u.org_id AND t.id = $3`,
	"communication": `SELECT 1 FROM communications t WHERE t.org_id = u.org_id AND t.id = $3`,
	"document":      `SELECT 1 FROM documents t WHERE t.org_id = u.org_id AND t.id = $3 AND t.deleted_at IS NULL`,
}

// OtherOrgWith returns the other organization in which the signed-in user
// has an account of their own (the same email, active, with a password:
// one they can sign in to, as OtherAccounts counts) that holds the request,
// communication or document (kind) with this ID; nil when there is none,
// for an ID that is not a UUID, or for one of the caller's organization.
// A page that answers 404 names it, to its member only: it tells nobody
// about an organization they do not belong to. (Emails are stored lower
// case, so the match is case-insensitive, as signing in is.)
func (s *Store) OtherOrgWith(ctx context.Context, kind, id string) (*sunshine.Organization, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	thing, ok := otherOrgThings[kind]
	if !ok {
		return nil, fmt.Errorf("store: OtherOrgWith: no kind %q", kind)
	}
	if !validUUID(id) {
		return nil, nil
	}
	var o sunshine.Organization
	q := `SELECT o.id, o.name, o.slug, o.created_at FROM users me
		JOIN users u ON u.email = me.email AND u.org_id <> me.org_id
		JOIN organizations o ON o.id = u.org_id
		WHERE me.id = $1 AND me.org_id = $2 AND u.password_hash IS NOT NULL AND ` + activeUser + `
			AND EXISTS (` + thing + `)`
	err = sqlx.GetContext(ctx, s.q(), &o, q, p.UserID, p.OrgID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "organization")
	}
	return &o, nil
}

// Client is the browser a sign-in comes from, kept with its session so
// that the person can tell their sessions apart (MySessions).
type Client struct {
	IP, UserAgent string
}

type clientKey struct{}

// WithClient returns ctx carrying the browser a request comes from; the
// sessions opened within it record it.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// clientOf is the browser ctx carries, cut to what the sessions table
// keeps.
func clientOf(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return Client{IP: truncate(c.IP, 64), UserAgent: truncate(c.UserAgent, 300)}
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// openSession stores a new session for p and returns its cookie value.
func (s *Store) openSession(ctx context.Context, p sunshine.Principal) (string, error) {
	plain, hash := randomToken()
	now := s.clock.Now()
	client := clientOf(ctx)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// An account with two-step sign-in gets a session that awaits its
		// code (CompleteSignIn), for CodeTTL.
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_sha256, org_id, user_id, expires_at, awaiting_code, user_agent, client_ip, last_seen_at)
			SELECT $1, u.org_id, u.id, CASE WHEN u.totp_secret IS NULL THEN $4::timestamptz ELSE $5 END, u.totp_secret IS NOT NULL, $6, $7, $8
			FROM users u WHERE u.org_id = $2 AND u.id = $3`,
			hash, p.OrgID, p.UserID, now.Add(SessionTTL), now.Add(CodeTTL), client.UserAgent, client.IP, now)
		if err != nil {
			return translate(err, "session")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: open a session: no user %s in organization %s", p.UserID, p.OrgID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// Session resolves a session cookie to its principal; expired and unknown
// sessions are EUnauthorized, and one awaiting its two-step code is
// ErrAwaitingCode.
func (s *Store) Session(ctx context.Context, token string) (sunshine.Principal, error) {
	var row struct {
		OrgID        string     `db:"org_id"`
		UserID       string     `db:"user_id"`
		Role         string     `db:"role"`
		AwaitingCode bool       `db:"awaiting_code"`
		SetUp        bool       `db:"set_up"`
		LastSeen     *time.Time `db:"last_seen_at"`
	}
	if len(token) != 43 {
		return sunshine.Principal{}, sunshine.Errorf(sunshine.EUnauthorized, "please sign in")
	}
	const q = `SELECT s.org_id, s.user_id, u.role, s.awaiting_code, o.require_two_step AND u.totp_secret IS NULL AS set_up, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = s.org_id
		WHERE s.id_sha256 = $1 AND s.expires_at > $2 AND ` + activeUser
	now := s.clock.Now()
	if err := sqlx.GetContext(ctx, s.q(), &row, q, hashOf(token), now); err != nil {
		if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound {
			return sunshine.Principal{}, sunshine.Errorf(sunshine.EUnauthorized, "please sign in")
		}
		return sunshine.Principal{}, translate(err, "session")
	}
	if row.AwaitingCode {
		return sunshine.Principal{}, ErrAwaitingCode
	}
	// When it was last used, to the minutes the session list shows: one
	// write every few minutes at most, not one a page (pages opened at
	// once write it once). Bookkeeping: a page still opens when it cannot
	// be written.
	if row.LastSeen == nil || now.Sub(*row.LastSeen) >= LastSeenEvery {
		_, _ = s.q().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_sha256 = $1
			AND (last_seen_at IS NULL OR last_seen_at <= $3)`, hashOf(token), now, now.Add(-LastSeenEvery))
	}
	return sunshine.Principal{OrgID: row.OrgID, UserID: row.UserID, Role: sunshine.Role(row.Role), SetUpTwoStep: row.SetUp}, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_sha256 = $1`, hashOf(token))
		return translate(err, "session")
	})
}

// InviteTTL is how long an invitation link works.
const InviteTTL = 7 * 24 * time.Hour

// InviteUser creates a user of the caller's organization and puts an
// invitation email in the outbox with a link to set their password
// (baseURL + "/invite/" + token). The token is stored hashed; the link
// lives in the outbox row only until the email is sent.
func (s *Store) InviteUser(ctx context.Context, u *sunshine.User, baseURL string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	u.OrgID = org
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
		return s.sendInvite(ctx, tx, org, u.ID, baseURL)
	})
}

// Reinvite sends an active user of the caller's organization a new
// invitation link, and the links sent before (reset links too) stop
// working: for someone whose link expired (after InviteTTL) or was lost. Following it sets their
// password, so it also serves as an admin's password reset.
func (s *Store) Reinvite(ctx context.Context, userID, baseURL string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if !validUUID(userID) {
		return sunshine.Errorf(sunshine.ENotFound, "user not found")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var active bool
		err := tx.QueryRowxContext(ctx, `SELECT deactivated_at IS NULL FROM users WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, userID).Scan(&active)
		if err != nil {
			return translate(err, "user")
		}
		if !active {
			return sunshine.Errorf(sunshine.EConflict, "the user is deactivated: reactivate them first")
		}
		// Earlier links, a reset link the person asked for included, stop
		// working: the newest link is the one that sets the password.
		if err := voidLinks(ctx, tx, userID, "replaced by a new invitation"); err != nil {
			return err
		}
		return s.sendInvite(ctx, tx, org, userID, baseURL)
	})
}

// sendInvite stores a new invitation for a user and puts its email in the
// outbox, within tx.
func (s *Store) sendInvite(ctx context.Context, tx *sqlx.Tx, org, userID, baseURL string) error {
	plain, hash := randomToken()
	now := s.clock.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_invites (token_sha256, org_id, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, org, userID, now.Add(InviteTTL)); err != nil {
		return translate(err, "invitation")
	}
	today := deadline.DateOf(now.UTC())
	sender := actorID(ctx) // the signed-in user who sends it, if any
	const q = `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload, sender_id)
		VALUES ($1, $2, 'invite', $3, $3, $4, $5, $6)`
	_, err := tx.ExecContext(ctx, q, org, userID, today, now, baseURL+"/invite/"+plain, sender)
	return translate(err, "invitation email")
}

// ReminderSender names who caused an email sent on someone's action (an
// invitation; an assignment's is read with its note, Assignment), "Ana
// Ruiz" (or their email when they have no name); "" when no user did.
func (s *Store) ReminderSender(ctx context.Context, reminderID string) (string, error) {
	var name string
	err := sqlx.GetContext(ctx, s.q(), &name, `SELECT COALESCE(NULLIF(u.name, ''), u.email, '') FROM reminders r
		LEFT JOIN users u ON u.id = r.sender_id WHERE r.id = $1`, reminderID)
	return name, translate(err, "email")
}

// Assignment is who assigned the request an assignment email is about
// ("" when unknown) and the note they wrote with it ("" for none).
func (s *Store) Assignment(ctx context.Context, reminderID string) (by, note string, err error) {
	var row struct {
		By   string `db:"by"`
		Note string `db:"payload"`
	}
	err = sqlx.GetContext(ctx, s.q(), &row, `SELECT COALESCE(NULLIF(u.name, ''), u.email, '') AS by, r.payload FROM reminders r
		LEFT JOIN users u ON u.id = r.sender_id WHERE r.id = $1 AND r.kind = 'assigned'`, reminderID)
	return row.By, row.Note, translate(err, "email")
}

// AcceptInvite sets the invited user's password once and opens a session.
// Only an invitation's link works here (a reset link works with
// ResetPassword); an unknown, used or expired one is ENotFound.
func (s *Store) AcceptInvite(ctx context.Context, token, password string) (string, sunshine.Principal, error) {
	return s.useLink(ctx, linkInvite, token, password)
}

// InvitePayload returns the link an invitation email carries.
func (s *Store) InvitePayload(ctx context.Context, reminderID string) (string, error) {
	return s.linkPayload(ctx, reminderID, "invite")
}

// linkPayload returns the link an email of kind (an invitation, a password
// reset) carries; an error once it was sent, as sending clears it.
func (s *Store) linkPayload(ctx context.Context, reminderID, kind string) (string, error) {
	var payload string
	err := sqlx.GetContext(ctx, s.q(), &payload, `SELECT payload FROM reminders WHERE id = $1 AND kind = $2`, reminderID, kind)
	if err != nil {
		return "", translate(err, "email")
	}
	if payload == "" {
		return "", errors.New("store: the email was already sent (what it carried is cleared)")
	}
	return payload, nil
}
