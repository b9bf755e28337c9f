package sunshine

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Organization is a tenant: an advocacy group, a newsroom, a clinic.
type Organization struct {
	ID        string    `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Slug      string    `db:"slug" json:"slug"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks the organization's fields.
func (o *Organization) Validate() error {
	var fs []FieldError
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || chars(o.Name) > 200 {
		fs = append(fs, FieldError{"name", "must be 1 to 200 characters"})
	}
	if !slugRE.MatchString(o.Slug) {
		fs = append(fs, FieldError{"slug", "must be lowercase letters, digits and dashes, starting with a letter or digit"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// Role is what a user may do within an organization.
type Role string

// Roles.
const (
	RoleAdmin  Role = "admin"  // everything, including users and tokens
	RoleStaff  Role = "staff"  // file and follow requests
	RoleViewer Role = "viewer" // read only
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleStaff || r == RoleViewer }

// CanWrite reports whether r may change agencies and requests.
func (r Role) CanWrite() bool { return r == RoleAdmin || r == RoleStaff }

// User is a person in one organization.
type User struct {
	ID    string `db:"id" json:"id"`
	OrgID string `db:"org_id" json:"org_id"`
	Email string `db:"email" json:"email"`
	Name  string `db:"name" json:"name"`
	Role  Role   `db:"role" json:"role"`
	// Active is false once an admin deactivates the user (DeactivatedAt
	// says when): they cannot sign in, are not assignable and get no
	// reminders, and stay named in the history.
	Active        bool       `db:"active" json:"active"`
	DeactivatedAt *time.Time `db:"deactivated_at" json:"deactivated_at"`
	// TwoStep: they sign in with a code from an authenticator app after
	// their password.
	TwoStep   bool      `db:"two_step" json:"two_step"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// UserUpdate is an admin's change to a user: nil fields stay as they are.
type UserUpdate struct {
	Role   *Role
	Active *bool
}

// Validate checks and normalises the user's fields.
func (u *User) Validate() error {
	var fs []FieldError
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.Name = strings.TrimSpace(u.Name)
	if !ValidEmail(u.Email) {
		fs = append(fs, FieldError{"email", "must be an email address"})
	}
	if msg := NameProblem(u.Name); msg != "" {
		fs = append(fs, FieldError{"name", msg})
	}
	if !u.Role.Valid() {
		fs = append(fs, FieldError{"role", "must be admin, staff or viewer"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// NameProblem says what is wrong with a person's name (trimmed), "" when
// nothing is: at most 200 characters on one line, as it signs letters and
// heads emails.
func NameProblem(name string) string {
	switch {
	case chars(name) > 200:
		return "must be at most 200 characters"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "must be one line, without control characters"
	}
	return ""
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// ValidEmail reports whether s looks like one email address.
func ValidEmail(s string) bool { return len(s) <= 254 && emailRE.MatchString(s) }

// APIToken is a bearer token's record; the token itself is shown once and
// only its SHA-256 is stored.
type APIToken struct {
	ID         string     `db:"id" json:"id"`
	OrgID      string     `db:"org_id" json:"-"`
	UserID     string     `db:"user_id" json:"user_id"`
	Name       string     `db:"name" json:"name"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at"`
}

// Principal is who is calling: every store method scopes its work to
// Principal.OrgID.
type Principal struct {
	OrgID   string
	UserID  string
	Role    Role
	TokenID string
	// SetUpTwoStep: a person signed in by session whose organization
	// requires two-step sign-in, which they have not set up; pages send
	// them to set it up first.
	SetUpTwoStep bool
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller carried by ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.OrgID != ""
}
