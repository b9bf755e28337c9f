package store

import (
	"context"

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
	p, _ := sunshine.PrincipalFrom(ctx) // FindRequestByID needed one
	in.Signer, err = s.FindUserByID(ctx, p.UserID)
	return in, err
}
