package store

import (
	"context"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

// FindLetterInput returns what a request's letter is drafted from
// (sunshine.DraftLetter): the request, its agency, the caller's
// organization and the caller, who signs it. ENotFound for a request of
// another organization.
func (s *Store) FindLetterInput(ctx context.Context, requestID string) (sunshine.LetterInput, error) {
	var in sunshine.LetterInput
	var err error
	if in.Request, err = s.FindRequestByID(ctx, requestID); err != nil {
		return in, err
	}
	if in.Agency, err = s.FindAgencyByID(ctx, in.Request.AgencyID); err != nil {
		return in, err
	}
	if in.Org, err = s.FindOrgByID(ctx); err != nil {
		return in, err
	}
	if in.Closing, err = s.LetterClosing(ctx); err != nil {
		return in, err
	}
	p, _ := sunshine.PrincipalFrom(ctx) // FindRequestByID needed one
	in.Signer, err = s.FindUserByID(ctx, p.UserID)
	return in, err
}

// LetterClosing reads the caller's organization's letter closing: the
// paragraphs that end its request letters ("" for none).
func (s *Store) LetterClosing(ctx context.Context) (string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", err
	}
	var closing string
	err = sqlx.GetContext(ctx, s.q(), &closing, `SELECT letter_closing FROM organizations WHERE id = $1`, org)
	return closing, translate(err, "organization")
}

// SetLetterClosing saves the caller's organization's letter closing, as
// sunshine.NormalizeLetterClosing makes it, and returns it so.
func (s *Store) SetLetterClosing(ctx context.Context, closing string) (string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return "", err
	}
	if closing, err = sunshine.NormalizeLetterClosing(closing); err != nil {
		return "", err
	}
	_, err = s.q().ExecContext(ctx, `UPDATE organizations SET letter_closing = $2 WHERE id = $1`, org, closing)
	return closing, translate(err, "organization")
}
