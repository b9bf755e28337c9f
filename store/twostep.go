package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Two-step sign-in: after the password, a six-digit code from an
// authenticator app (TOTP, RFC 6238: SHA-1, 30 seconds, the parameters
// every app reads) or one of the account's recovery codes. A sign-in by
// password (Login, ChooseOrg, an invitation or reset link) of an account
// with two-step on opens a session that awaits its code: it opens no
// page (Session answers ErrAwaitingCode) until CompleteSignIn takes the
// code, lives CodeTTL, and is deleted after MaxCodeFailures wrong codes.

const (
	// CodeTTL is how long a sign-in waits for its code.
	CodeTTL = 10 * time.Minute
	// MaxCodeFailures wrong codes end a sign-in: the person starts again
	// with the password, which is rate-limited.
	MaxCodeFailures = 5
	// RecoveryCodes is how many recovery codes an account gets at a time.
	RecoveryCodes = 10

	totpPeriod = 30 // seconds
	totpSecret = 20 // bytes, as RFC 4226 recommends for SHA-1
	// pendingTTL is how long a secret being set up is kept: one copied
	// from the page by someone else (a session left open) goes stale.
	pendingTTL = time.Hour
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrAwaitingCode answers a session that was opened by a password and
// awaits its two-step code.
var ErrAwaitingCode = sunshine.Errorf(sunshine.EUnauthorized, "enter the code from your authenticator app")

// errSignInGone answers a code for a sign-in that is unknown, expired,
// already complete or ended by too many wrong codes.
var errSignInGone = sunshine.Errorf(sunshine.EUnauthorized, "this sign-in has expired: sign in again")

// errWrongCode answers a code that is neither the app's current one
// (nor one of the last 30 seconds, once) nor an unused recovery code.
var errWrongCode = sunshine.FieldInvalid("code", "did not work: type the six digits your authenticator app shows now, or a recovery code")

// TwoStep is an account's two-step sign-in as its settings show it.
type TwoStep struct {
	On        bool
	Since     *time.Time
	CodesLeft int // unused recovery codes
	// Required: the organization requires two-step sign-in of everyone.
	Required bool
}

// TwoStepSetup is a secret being set up, for the authenticator app: URL
// (otpauth://, shown as a QR code) and Secret (base32, to type in).
type TwoStepSetup struct {
	URL, Secret string
}

// SignInCode is a sign-in awaiting its code, as its page names it.
type SignInCode struct {
	UserID  string `db:"user_id"`
	Email   string `db:"email"`
	OrgName string `db:"org_name"`
}

// CodeResult is a completed two-step sign-in: RecoveryLeft is how many
// recovery codes the account has left when one was used (Recovery).
type CodeResult struct {
	// Session is the session's new token, for the cookie: the one the
	// password opened stops working.
	Session      string
	Principal    sunshine.Principal
	Recovery     bool
	RecoveryLeft int
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpStep finds the time step whose code is code, among now's and the
// one before and after it (a phone's clock a little off, a code typed as
// it changed), later than last (a code works once); 0 when none.
func totpStep(secret []byte, code string, now time.Time, last int64) int64 {
	if len(code) != 6 {
		return 0
	}
	key := b32.EncodeToString(secret)
	step := now.Unix() / totpPeriod
	for _, st := range []int64{step, step - 1, step + 1} {
		if st <= last {
			continue
		}
		want, err := hotp.GenerateCodeCustom(key, uint64(st), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st
		}
	}
	return 0
}

// normalizeCode drops the spaces and dashes people type or paste in a
// code, and lower-cases it (recovery codes are shown in lower case).
func normalizeCode(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code))
}

// recoveryLookAlikes maps the characters a recovery code never has
// (base32 has no 0, 1 or 8) to the letters people mistake them for.
var recoveryLookAlikes = strings.NewReplacer("0", "o", "1", "l", "8", "b")

// newRecoveryCodes makes RecoveryCodes codes of 80 random bits, shown as
// "abcd-efgh-ijkl-mnop", and their hashes of the normalized form.
func newRecoveryCodes() (shown []string, hashes [][]byte) {
	for range RecoveryCodes {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		c := strings.ToLower(b32.EncodeToString(b)) // 16 characters
		shown = append(shown, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, hashOf(c))
	}
	return shown, hashes
}

// PendingSignIn names the account a sign-in awaiting its code is for;
// errSignInGone (EUnauthorized) when there is none.
func (s *Store) PendingSignIn(ctx context.Context, session string) (*SignInCode, error) {
	var sc SignInCode
	const q = `SELECT u.id AS user_id, u.email, o.name AS org_name FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = s.org_id
		WHERE ` + awaitingSession
	err := sqlx.GetContext(ctx, s.q(), &sc, q, hashOf(session), s.clock.Now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSignInGone
	}
	if err != nil {
		return nil, translate(err, "sign-in")
	}
	return &sc, nil
}

// awaitingSession is the SQL test (of sessions s, users u) that session
// $1 (its hash) awaits its code at $2.
const awaitingSession = `s.id_sha256 = $1 AND s.awaiting_code AND s.expires_at > $2 AND ` + activeUser

// CompleteSignIn takes the two-step code of a session awaiting one: the
// authenticator app's code (each works once) or an unused recovery code
// (used up). The session then opens pages for SessionTTL, under a new
// token (CodeResult.Session). A wrong code is errWrongCode (EInvalid
// naming "code"), counted: the MaxCodeFailures-th ends the sign-in and
// emails the person that their password was used. A session that awaits
// no code is errSignInGone.
func (s *Store) CompleteSignIn(ctx context.Context, session, code string) (CodeResult, error) {
	var res CodeResult
	var outcome error // kept apart so a wrong code's count is committed
	now := s.clock.Now()
	code = normalizeCode(code)
	key := hashOf(session)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var row struct {
			OrgID    string `db:"org_id"`
			UserID   string `db:"user_id"`
			Role     string `db:"role"`
			Secret   []byte `db:"totp_secret"`
			LastStep int64  `db:"totp_last_step"`
			Failures int    `db:"code_failures"`
		}
		const q = `SELECT s.org_id, s.user_id, u.role, u.totp_secret, u.totp_last_step, s.code_failures
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE ` + awaitingSession + ` FOR UPDATE OF s, u`
		err := sqlx.GetContext(ctx, tx, &row, q, key, now)
		if errors.Is(err, sql.ErrNoRows) {
			outcome = errSignInGone
			return nil
		}
		if err != nil {
			return translate(err, "sign-in")
		}
		if row.Secret == nil {
			// Turning two-step off ends the sign-ins awaiting a code; one
			// that got here meanwhile starts again.
			outcome = errSignInGone
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_sha256 = $1`, key)
			return translate(err, "session")
		}
		ok := false
		if step := totpStep(row.Secret, code, now, row.LastStep); step > 0 {
			ok = true
			if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1`, row.UserID, step); err != nil {
				return translate(err, "user")
			}
		} else if len(code) == 16 {
			if ok, res.RecoveryLeft, err = s.useRecoveryCode(ctx, tx, row.OrgID, row.UserID, code, now); err != nil {
				return err
			}
			res.Recovery = ok
		}
		if !ok {
			if row.Failures+1 >= MaxCodeFailures {
				outcome = errSignInGone
				if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_sha256 = $1`, key); err != nil {
					return translate(err, "session")
				}
				return s.noticeTwoStep(ctx, tx, row.OrgID, row.UserID, fmt.Sprintf("Someone signed in with your password, "+
					"then typed %d wrong codes, and was stopped. If it was not you, your password is known to someone else.", MaxCodeFailures))
			}
			outcome = errWrongCode
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET code_failures = code_failures + 1 WHERE id_sha256 = $1`, key)
			return translate(err, "session")
		}
		res.Principal = sunshine.Principal{OrgID: row.OrgID, UserID: row.UserID, Role: sunshine.Role(row.Role)}
		// A new token for the whole session: the one that awaited the
		// code is of no use to anyone who saw it.
		var fresh []byte
		res.Session, fresh = randomToken()
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET id_sha256 = $3, awaiting_code = false, code_failures = 0, expires_at = $2
			WHERE id_sha256 = $1`, key, now.Add(SessionTTL), fresh)
		return translate(err, "session")
	})
	if err != nil {
		return CodeResult{}, err
	}
	if outcome != nil {
		return CodeResult{}, outcome
	}
	return res, nil
}

// useRecoveryCode uses up one of the user's unused recovery codes, within
// tx, and tells them how many are left; ok is false for a code that is no
// unused one of theirs.
func (s *Store) useRecoveryCode(ctx context.Context, tx *sqlx.Tx, orgID, userID, code string, now time.Time) (ok bool, left int, err error) {
	r, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_sha256 = $2 AND used_at IS NULL`,
		userID, hashOf(recoveryLookAlikes.Replace(code)), now)
	if err != nil {
		return false, 0, translate(err, "recovery code")
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, 0, nil
	}
	if err := tx.GetContext(ctx, &left, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
		return false, 0, translate(err, "recovery codes")
	}
	words := fmt.Sprintf("%d are left", left)
	if left == 1 {
		words = "1 is left"
	}
	return true, left, s.noticeTwoStep(ctx, tx, orgID, userID, "A recovery code was used to sign in to your account: "+words+".")
}

// TwoStepOf returns the signed-in user's two-step sign-in.
func (s *Store) TwoStepOf(ctx context.Context) (TwoStep, error) {
	var t TwoStep
	p, err := signedInUser(ctx)
	if err != nil {
		return t, err
	}
	const q = `SELECT u.totp_secret IS NOT NULL AS on, u.totp_since AS since, o.require_two_step AS required,
			(SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left
		FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.org_id = $1 AND u.id = $2`
	var row struct {
		On        bool       `db:"on"`
		Since     *time.Time `db:"since"`
		Required  bool       `db:"required"`
		CodesLeft int        `db:"codes_left"`
	}
	if err := sqlx.GetContext(ctx, s.q(), &row, q, p.OrgID, p.UserID); err != nil {
		return t, translate(err, "user")
	}
	return TwoStep{On: row.On, Since: row.Since, CodesLeft: row.CodesLeft, Required: row.Required}, nil
}

// signedInUser is the caller, who must be a person (not a program's token
// with no user).
func signedInUser(ctx context.Context) (sunshine.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.UserID == "" {
		return p, sunshine.Errorf(sunshine.EUnauthorized, "please sign in")
	}
	return p, nil
}

// BeginTwoStep starts setting up two-step sign-in for the signed-in user:
// the secret for their authenticator app, kept until EnableTwoStep
// confirms it (the same one each time the page is shown within
// pendingTTL, so an app that read it still works; a new password also
// replaces it).
func (s *Store) BeginTwoStep(ctx context.Context) (*TwoStepSetup, error) {
	p, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	fresh := make([]byte, totpSecret)
	_, _ = rand.Read(fresh)
	var row struct {
		Secret []byte `db:"totp_pending"`
		Email  string `db:"email"`
		Org    string `db:"org"`
		On     bool   `db:"on"`
	}
	const q = `UPDATE users u SET (totp_pending, totp_pending_at) = (
			SELECT CASE WHEN stale THEN $3 ELSE u.totp_pending END, CASE WHEN stale THEN $4 ELSE u.totp_pending_at END
			FROM (SELECT u.totp_pending IS NULL OR u.totp_pending_at <= $5 AS stale) x)
		FROM organizations o
		WHERE u.org_id = $1 AND u.id = $2 AND o.id = u.org_id
		RETURNING u.totp_pending, u.email, o.name AS org, u.totp_secret IS NOT NULL AS on`
	now := s.clock.Now()
	if err := sqlx.GetContext(ctx, s.q(), &row, q, p.OrgID, p.UserID, fresh, now, now.Add(-pendingTTL)); err != nil {
		return nil, translate(err, "user")
	}
	if row.On {
		return nil, sunshine.Errorf(sunshine.EConflict, "two-step sign-in is already on")
	}
	// The app lists the account as "Sunshine (organization): email": one
	// address may have an account in several organizations, each with
	// its own secret.
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Sunshine (" + strings.ReplaceAll(row.Org, ":", " ") + ")",
		AccountName: row.Email, Secret: row.Secret, Algorithm: otp.AlgorithmSHA1, Digits: otp.DigitsSix, Period: totpPeriod})
	if err != nil {
		return nil, err
	}
	return &TwoStepSetup{URL: key.URL(), Secret: key.Secret()}, nil
}

// EnableTwoStep turns on two-step sign-in for the signed-in user, given
// their current password and a code from the app set up with
// BeginTwoStep's secret, and returns their recovery codes, shown once.
// Every other session of the user ends but keepSessionToken's (it may be
// turned on for fear of a break-in). A wrong password or code changes
// nothing (EInvalid naming "password" or "code"). The caller limits how
// often a wrong password may be tried.
func (s *Store) EnableTwoStep(ctx context.Context, password, code, keepSessionToken string) ([]string, error) {
	p, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var codes []string
	if _, err := s.checkMyPassword(ctx, p, "password", password); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var row struct {
			Pending   []byte     `db:"totp_pending"`
			PendingAt *time.Time `db:"totp_pending_at"`
			On        bool       `db:"on"`
		}
		if err := tx.GetContext(ctx, &row, `SELECT totp_pending, totp_pending_at, totp_secret IS NOT NULL AS on FROM users WHERE id = $1 FOR UPDATE`, p.UserID); err != nil {
			return translate(err, "user")
		}
		if row.On {
			return sunshine.Errorf(sunshine.EConflict, "two-step sign-in is already on")
		}
		if row.Pending == nil || row.PendingAt == nil || !row.PendingAt.After(now.Add(-pendingTTL)) {
			return sunshine.Errorf(sunshine.EConflict, "the code to scan is out of date: scan the new one on this page, then try again")
		}
		step := totpStep(row.Pending, normalizeCode(code), now, 0)
		if step == 0 {
			return sunshine.FieldInvalid("code", "did not work: type the six digits the app shows now for this account")
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_pending_at = NULL,
			totp_since = $2, totp_last_step = $3, updated_at = now() WHERE id = $1`, p.UserID, now, step)
		if err != nil {
			return translate(err, "user")
		}
		// Sessions opened before it was on, maybe by someone else.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_sha256 <> $2`, p.UserID, hashOf(keepSessionToken)); err != nil {
			return translate(err, "sessions")
		}
		if codes, err = replaceRecoveryCodes(ctx, tx, p.UserID); err != nil {
			return err
		}
		return s.noticeTwoStep(ctx, tx, p.OrgID, p.UserID, "Two-step sign-in was turned on for your account: "+
			"signing in now asks for a code from your authenticator app after your password.")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// replaceRecoveryCodes gives a user a new set of recovery codes within tx;
// the old ones stop working.
func replaceRecoveryCodes(ctx context.Context, tx *sqlx.Tx, userID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, translate(err, "recovery codes")
	}
	shown, hashes := newRecoveryCodes()
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_sha256) VALUES ($1, $2)`, userID, h); err != nil {
			return nil, translate(err, "recovery codes")
		}
	}
	return shown, nil
}

// NewRecoveryCodes replaces the signed-in user's recovery codes, given
// their current password; the old ones stop working.
func (s *Store) NewRecoveryCodes(ctx context.Context, password string) ([]string, error) {
	p, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	if _, err := s.checkMyPassword(ctx, p, "password", password); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var on bool
		if err := tx.GetContext(ctx, &on, `SELECT totp_secret IS NOT NULL FROM users WHERE id = $1 FOR UPDATE`, p.UserID); err != nil {
			return translate(err, "user")
		}
		if !on {
			return sunshine.Errorf(sunshine.EConflict, "two-step sign-in is off: recovery codes come with it")
		}
		if codes, err = replaceRecoveryCodes(ctx, tx, p.UserID); err != nil {
			return err
		}
		return s.noticeTwoStep(ctx, tx, p.OrgID, p.UserID, "New recovery codes were made for your account: the old ones no longer work.")
	})
	return codes, err
}

// DisableTwoStep turns off the signed-in user's two-step sign-in, given
// their current password. An organization that requires it refuses
// (EConflict): the person may set up another app instead.
func (s *Store) DisableTwoStep(ctx context.Context, password string) error {
	p, err := signedInUser(ctx)
	if err != nil {
		return err
	}
	if _, err := s.checkMyPassword(ctx, p, "password", password); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var required bool
		if err := tx.GetContext(ctx, &required, `SELECT require_two_step FROM organizations WHERE id = $1`, p.OrgID); err != nil {
			return translate(err, "organization")
		}
		if required {
			return sunshine.Errorf(sunshine.EConflict, "your organization requires two-step sign-in: it cannot be turned off")
		}
		if err := clearTwoStep(ctx, tx, p.UserID); err != nil {
			return err
		}
		return s.noticeTwoStep(ctx, tx, p.OrgID, p.UserID, "Two-step sign-in was turned off for your account: signing in asks for your password only.")
	})
}

// clearTwoStep turns off a user's two-step sign-in within tx, and ends
// their sign-ins awaiting a code.
func clearTwoStep(ctx context.Context, tx *sqlx.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_pending_at = NULL, totp_since = NULL,
		updated_at = now() WHERE id = $1`, userID)
	if err != nil {
		return translate(err, "user")
	}
	if _, err = tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return translate(err, "recovery codes")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND awaiting_code`, userID)
	return translate(err, "sessions")
}

// ResetTwoStep turns off two-step sign-in for a user of the caller's
// organization who lost their phone and recovery codes (an admin's
// action; the caller checks the role; or the operator's, with no user):
// every session of theirs ends (one may be on the lost phone), and they
// sign in with their password and set it up again (at once, when the
// organization requires it). Another organization's user is ENotFound;
// the admin's own is EConflict (they turn theirs off with their
// password).
func (s *Store) ResetTwoStep(ctx context.Context, userID string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if !validUUID(userID) {
		return sunshine.Errorf(sunshine.ENotFound, "user not found")
	}
	if by := actorID(ctx); by != nil && *by == userID {
		return sunshine.Errorf(sunshine.EConflict, "turn off your own two-step sign-in on its page, with your password")
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var on bool
		if err := tx.GetContext(ctx, &on, `SELECT totp_secret IS NOT NULL FROM users WHERE org_id = $1 AND id = $2 FOR UPDATE`, org, userID); err != nil {
			return translate(err, "user")
		}
		if !on {
			return nil // nothing to turn off, nobody to tell
		}
		if err := clearTwoStep(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return translate(err, "sessions")
		}
		who := "The operator of this Sunshine server"
		if by := actorID(ctx); by != nil {
			if err := tx.GetContext(ctx, &who, `SELECT COALESCE(NULLIF(name, ''), email) || ', an admin of your organization,' FROM users WHERE id = $1`, *by); err != nil {
				return translate(err, "admin")
			}
		}
		return s.noticeTwoStep(ctx, tx, org, userID, who+" turned off two-step sign-in for your account: "+
			"signing in asks for your password only, until you set it up again.")
	})
}

// noticeTwoStep puts in the outbox, within tx, the email that tells a
// person what happened to their two-step sign-in (what, in a sentence).
func (s *Store) noticeTwoStep(ctx context.Context, tx *sqlx.Tx, orgID, userID, what string) error {
	now := s.clock.Now()
	today := deadline.DateOf(now.UTC())
	_, err := tx.ExecContext(ctx, `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, payload, sender_id)
		VALUES ($1, $2, 'two_step', $3, $3, $4, $5, $6)`, orgID, userID, today, now, what, actorID(ctx))
	return translate(err, "two-step notice")
}

// TwoStepNotice returns what a two-step notice email says happened; an
// error once it was sent, as sending clears it.
func (s *Store) TwoStepNotice(ctx context.Context, reminderID string) (string, error) {
	return s.linkPayload(ctx, reminderID, sunshine.ReminderTwoStep)
}

// SetRequireTwoStep makes two-step sign-in required of everyone in the
// caller's organization, or not (an admin's action; the caller checks the
// role). Required, a signed-in person without it is sent to set it up
// before any other page.
func (s *Store) SetRequireTwoStep(ctx context.Context, required bool) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE organizations SET require_two_step = $2 WHERE id = $1`, org, required)
		return translate(err, "organization")
	})
}
