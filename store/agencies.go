package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

const agencyColumns = `id, org_id, name, jurisdiction, records_contact, email, portal_url, postal_address, phone, time_zone, created_at, updated_at, version`

// CreateAgency adds an agency to the caller's directory.
func (s *Store) CreateAgency(ctx context.Context, a *sunshine.Agency) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.OrgID = org
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkTimeZone(ctx, tx, "time_zone", a.TimeZone); err != nil {
			return err
		}
		q := `INSERT INTO agencies (org_id, name, jurisdiction, records_contact, email, portal_url, postal_address, phone, time_zone)
			VALUES (:org_id, :name, :jurisdiction, :records_contact, :email, :portal_url, :postal_address, :phone, :time_zone)
			RETURNING ` + agencyColumns
		return saveAgency(ctx, tx, q, a)
	})
}

// saveAgency runs a named INSERT or UPDATE … RETURNING and scans the row back into a.
func saveAgency(ctx context.Context, tx *sqlx.Tx, q string, a *sunshine.Agency) error {
	rows, err := sqlx.NamedQueryContext(ctx, tx, q, a)
	if err != nil {
		return agencyError(err)
	}
	defer rows.Close()
	if !rows.Next() {
		return agencyError(rows.Err())
	}
	return translate(rows.StructScan(a), "agency")
}

func agencyError(err error) error {
	err = translate(err, "agency")
	if sunshine.ErrorCode(err) == sunshine.EConflict {
		return &sunshine.Error{Code: sunshine.EConflict, Message: "an agency with this name already exists",
			Fields: []sunshine.FieldError{{Field: "name", Message: "is already in the directory"}}}
	}
	return err
}

// FindAgencyByID returns an agency of the caller's organization.
func (s *Store) FindAgencyByID(ctx context.Context, id string) (*sunshine.Agency, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findAgency(ctx, s.q(), org, id)
}

func findAgency(ctx context.Context, q sqlx.QueryerContext, org, id string) (*sunshine.Agency, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "agency not found")
	}
	var a sunshine.Agency
	if err := sqlx.GetContext(ctx, q, &a, `SELECT `+agencyColumns+` FROM agencies WHERE org_id = $1 AND id = $2`, org, id); err != nil {
		return nil, translate(err, "agency")
	}
	return &a, nil
}

// AllAgencies reads the caller's whole directory by name, a page at a
// time.
func (s *Store) AllAgencies(ctx context.Context) ([]*sunshine.Agency, error) {
	var out []*sunshine.Agency
	for after := ""; ; {
		as, next, err := s.FindAgencies(ctx, sunshine.AgencyFilter{After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// FindAgencies lists the caller's agencies by name, one page at a time.
// It returns the page and the cursor of the next one ("" at the end).
func (s *Store) FindAgencies(ctx context.Context, f sunshine.AgencyFilter) ([]*sunshine.Agency, string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	where := []string{"org_id = $1"}
	args := []any{org}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Jurisdiction != "" {
		where = append(where, "jurisdiction = "+arg(f.Jurisdiction))
	}
	if f.Q != "" {
		where = append(where, "name ILIKE "+arg("%"+escapeLike(f.Q)+"%"))
	}
	if f.After != "" {
		name, id, ok := decodeCursor("agencies", f.After)
		if !ok {
			return nil, "", badCursor()
		}
		where = append(where, "(lower(name), id) > (lower("+arg(name)+"), "+arg(id)+"::uuid)")
	}
	q := `SELECT ` + agencyColumns + ` FROM agencies WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY lower(name), id LIMIT ` + arg(limit+1)
	var as []*sunshine.Agency
	if err := sqlx.SelectContext(ctx, s.q(), &as, q, args...); err != nil {
		return nil, "", translate(err, "agencies")
	}
	as, next := keysetPage(as, limit, func(a *sunshine.Agency) string { return encodeCursor("agencies", a.Name, a.ID) })
	return as, next, nil
}

// UpdateAgency applies a partial update to an agency: the fields upd
// names, over the agency's row as locked in the transaction, so that two
// updates of different fields both stand. Every update bumps the agency's
// version. With WithIfMatch in ctx it applies only while the agency is
// still at that version (EPrecondition, and nothing written, otherwise).
func (s *Store) UpdateAgency(ctx context.Context, id string, upd sunshine.AgencyUpdate) (*sunshine.Agency, error) {
	return s.updateAgency(ctx, id, nil, upd)
}

// UpdateAgencyIfUnchanged is UpdateAgency applied only while the agency's
// details (the fields an update can name) are still those of read, the
// agency as a form's merge read it: otherwise EPrecondition, and the caller
// reads it again and merges anew.
func (s *Store) UpdateAgencyIfUnchanged(ctx context.Context, read *sunshine.Agency, upd sunshine.AgencyUpdate) (*sunshine.Agency, error) {
	return s.updateAgency(ctx, read.ID, read, upd)
}

func (s *Store) updateAgency(ctx context.Context, id string, read *sunshine.Agency, upd sunshine.AgencyUpdate) (*sunshine.Agency, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "agency not found")
	}
	var a sunshine.Agency
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		lock := `SELECT ` + agencyColumns + ` FROM agencies WHERE org_id = $1 AND id = $2 FOR UPDATE`
		if err := sqlx.GetContext(ctx, tx, &a, lock, org, id); err != nil {
			return translate(err, "agency")
		}
		if read != nil && !sameAgencyDetails(read, &a) {
			return sunshine.Errorf(sunshine.EPrecondition, "the agency was changed since it was read; read it again and reapply your change")
		}
		if want, ok := ctx.Value(ifMatchKey{}).(int); ok && want != a.Version {
			return sunshine.Errorf(sunshine.EPrecondition,
				"If-Match does not hold: the agency changed since you read it (it is at \"v%d\", you had \"v%d\"); read it again and reapply your change",
				a.Version, want)
		}
		upd.Apply(&a)
		if err := a.Validate(); err != nil {
			return err
		}
		if err := checkTimeZone(ctx, tx, "time_zone", a.TimeZone); err != nil {
			return err
		}
		q := `UPDATE agencies SET name = :name, jurisdiction = :jurisdiction, records_contact = :records_contact,
			email = :email, portal_url = :portal_url, postal_address = :postal_address, phone = :phone,
			time_zone = :time_zone, updated_at = now(), version = version + 1
			WHERE org_id = :org_id AND id = :id RETURNING ` + agencyColumns
		return saveAgency(ctx, tx, q, &a)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// sameAgencyDetails reports whether a and b agree on every field an
// AgencyUpdate can name.
func sameAgencyDetails(a, b *sunshine.Agency) bool {
	return a.Name == b.Name && a.Jurisdiction == b.Jurisdiction && a.RecordsContact == b.RecordsContact &&
		a.Email == b.Email && a.PortalURL == b.PortalURL && a.PostalAddress == b.PostalAddress &&
		a.Phone == b.Phone && a.TimeZone == b.TimeZone
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// DefaultPageSize is the page size of lists that are given no limit.
const DefaultPageSize = defaultLimit

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return defaultLimit
	case n > maxLimit:
		return maxLimit
	}
	return n
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
