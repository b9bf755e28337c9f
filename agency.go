package sunshine

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/sunshine-records/sunshine/deadline"
)

// Agency is a government body that receives requests, in one
// organization's directory.
type Agency struct {
	ID             string    `db:"id" json:"id"`
	OrgID          string    `db:"org_id" json:"-"`
	Name           string    `db:"name" json:"name"`
	Jurisdiction   string    `db:"jurisdiction" json:"jurisdiction"`
	RecordsContact string    `db:"records_contact" json:"records_contact"`
	Email          string    `db:"email" json:"email"`
	PortalURL      string    `db:"portal_url" json:"portal_url"`
	PostalAddress  string    `db:"postal_address" json:"postal_address"`
	Phone          string    `db:"phone" json:"phone"`
	TimeZone       string    `db:"time_zone" json:"time_zone"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
	// Version goes up with every change to the fields above (not with its
	// closure days); the API answers it as the ETag and takes If-Match.
	Version int `db:"version" json:"version"`
}

// Validate checks and normalises the agency; an empty time zone becomes the
// jurisdiction's default.
func (a *Agency) Validate() error {
	var fs []FieldError
	a.Name = strings.TrimSpace(a.Name)
	switch {
	case a.Name == "":
		fs = append(fs, FieldError{"name", "is required"})
	case chars(a.Name) > 300:
		fs = append(fs, FieldError{"name", "must be 1 to 300 characters"})
	}
	j, err := deadline.Lookup(a.Jurisdiction)
	if err != nil {
		fs = append(fs, FieldError{"jurisdiction", "must be a supported jurisdiction (see GET /api/v1/jurisdictions)"})
	} else if a.TimeZone == "" {
		a.TimeZone = j.TimeZone
	}
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "Local" {
			fs = append(fs, FieldError{"time_zone", "must be an IANA time zone such as America/Los_Angeles"})
		}
	}
	a.Email = strings.TrimSpace(a.Email)
	if a.Email != "" && !ValidEmail(a.Email) {
		fs = append(fs, FieldError{"email", "must be an email address"})
	}
	if a.PortalURL != "" {
		if u, err := url.Parse(a.PortalURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fs = append(fs, FieldError{"portal_url", "must be an http or https address"})
		}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"records_contact", a.RecordsContact, 300}, {"postal_address", a.PostalAddress, 1000}, {"phone", a.Phone, 50}, {"portal_url", a.PortalURL, 2000}} {
		if chars(f.v) > f.max {
			fs = append(fs, FieldError{f.name, fmt.Sprintf("must be at most %d characters", f.max)})
		}
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// Location returns the agency's time zone ("today" for its deadlines).
func (a *Agency) Location() *time.Location {
	return Location(a.TimeZone)
}

// AgencyFilter selects agencies.
type AgencyFilter struct {
	Jurisdiction string
	Q            string // name contains, case-insensitive
	After        string // cursor: the last name|id seen
	Limit        int
}

// AgencyUpdate is a partial update; nil fields are left alone.
type AgencyUpdate struct {
	Name           *string
	Jurisdiction   *string
	RecordsContact *string
	Email          *string
	PortalURL      *string
	PostalAddress  *string
	Phone          *string
	TimeZone       *string
}

// Apply sets the non-nil fields on a. A new jurisdiction with no time zone
// given moves a time zone that was the old law's default to the new law's
// (Validate fills it in); one chosen on purpose stays.
func (u AgencyUpdate) Apply(a *Agency) {
	if u.Jurisdiction != nil && *u.Jurisdiction != a.Jurisdiction && u.TimeZone == nil {
		if old, err := deadline.Lookup(a.Jurisdiction); err == nil && old.TimeZone == a.TimeZone {
			a.TimeZone = ""
		}
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&a.Name, u.Name)
	set(&a.Jurisdiction, u.Jurisdiction)
	set(&a.RecordsContact, u.RecordsContact)
	set(&a.Email, u.Email)
	set(&a.PortalURL, u.PortalURL)
	set(&a.PostalAddress, u.PostalAddress)
	set(&a.Phone, u.Phone)
	set(&a.TimeZone, u.TimeZone)
}

// Closure is a day an agency's office was closed: under CCP 12b, by
// executive order, for a storm, or a Texas officer's designated closure
// day. It is not a business day for that agency's requests, and a last day
// cannot fall on it (docs/deadlines.md 2.7).
type Closure struct {
	AgencyID  string        `db:"agency_id" json:"agency_id"`
	ClosedOn  deadline.Date `db:"closed_on" json:"closed_on"`
	Reason    string        `db:"reason" json:"reason"`
	CreatedBy *string       `db:"created_by" json:"created_by"`
	CreatedAt time.Time     `db:"created_at" json:"created_at"`
}

// Validate checks and normalises the closure's fields.
func (c *Closure) Validate() error {
	var fs []FieldError
	if c.ClosedOn.IsZero() {
		fs = append(fs, FieldError{"closed_on", "is required"})
	}
	c.Reason = strings.TrimSpace(c.Reason)
	switch {
	case c.Reason == "":
		fs = append(fs, FieldError{"reason", "is required: why the office was closed"})
	case chars(c.Reason) > 200:
		fs = append(fs, FieldError{"reason", "must be at most 200 characters"})
	case strings.ContainsFunc(c.Reason, unicode.IsControl):
		fs = append(fs, FieldError{"reason", "must be one line"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// Holiday is the closure as the deadline engine counts it; its name reads
// in a step as "Thu 6 Mar 2025: office closed (storm), not counted", or
// "office closed" for a day given without a reason (the calculator's).
func (c *Closure) Holiday() deadline.Holiday {
	name := "office closed"
	if c.Reason != "" {
		name += " (" + c.Reason + ")"
	}
	return deadline.Holiday{Date: c.ClosedOn, Actual: c.ClosedOn, Name: name}
}

// DueMove is a request whose due date a change to its agency's closure
// days moved.
type DueMove struct {
	RequestID string        `json:"request_id"`
	Title     string        `json:"title"`
	From      deadline.Date `json:"previous_due_on"`
	To        deadline.Date `json:"due_on"`
}
