package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/textract"
)

// Received is an email filed with a request because it came to the
// request's reply address.
type Received struct {
	Request  *sunshine.Request
	Document *sunshine.Document
}

// ReceiveEmail files an email (raw, RFC 5322) that came to the reply
// addresses of tokens with each of their requests, as a document (the
// original, to log as a communication from it), with from, its sender, in
// the timeline. It is called with no one signed in: a token names its
// request in whichever organization has it. A token no request has is
// ENotFound, and nothing is filed (the mail server then bounces the email
// to its sender).
func (s *Store) ReceiveEmail(ctx context.Context, tokens []string, from, subject string, raw []byte) ([]Received, error) {
	if len(tokens) == 0 {
		return nil, sunshine.Errorf(sunshine.ENotFound, "the email is to no request's reply address")
	}
	var refs []struct {
		ID    string `db:"id"`
		OrgID string `db:"org_id"`
	}
	for _, token := range tokens {
		var ref struct {
			ID    string `db:"id"`
			OrgID string `db:"org_id"`
		}
		err := sqlx.GetContext(ctx, s.q(), &ref, `SELECT id, org_id FROM requests WHERE reply_token = $1`, token)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sunshine.Errorf(sunshine.ENotFound, "no request has the reply address request-%s", token)
		}
		if err != nil {
			return nil, translate(err, "request")
		}
		refs = append(refs, ref)
	}
	name := emailFilename(subject)
	from = cmp.Or(strings.TrimSpace(from), "an unknown sender") // not NULL: that is an upload's
	if r := []rune(from); len(r) > 500 {
		from = string(r[:500])
	}
	sum := sha256.Sum256(raw)
	var out []Received
	for _, ref := range refs {
		// As the organization, by no one of its people: the sender is
		// the agency.
		orgCtx := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: ref.OrgID})
		doc, err := receivedBefore(orgCtx, s.q(), ref.OrgID, ref.ID, sum[:])
		if err == nil && doc == nil {
			doc, err = s.CreateDocument(orgCtx, NewDocument{RequestID: ref.ID, Filename: name, ContentType: "message/rfc822",
				Content: bytes.NewReader(raw), ReceivedFrom: from})
		}
		if err != nil {
			return out, err
		}
		r, err := s.FindRequestByID(orgCtx, ref.ID)
		if err != nil {
			return out, err
		}
		out = append(out, Received{Request: r, Document: doc})
	}
	return out, nil
}

// receivedBefore is the request's document of the same email received
// before, nil for none: a mail server that delivers an email again (its
// first try timed out after Sunshine filed it) files nothing new.
func receivedBefore(ctx context.Context, q sqlx.QueryerContext, org, requestID string, sha []byte) (*sunshine.Document, error) {
	var doc sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2 AND b.sha256 = $3
		AND d.received_from IS NOT NULL AND d.deleted_at IS NULL ORDER BY d.created_at, d.id LIMIT 1`
	switch err := sqlx.GetContext(ctx, q, &doc, query, org, requestID, sha); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, translate(err, "document")
	}
	return &doc, nil
}

// emailFilename names a received email's document after its subject
// ("Re_ Your request.eml"), "email.eml" without one.
func emailFilename(subject string) string {
	subject = strings.NewReplacer("/", "-", `\`, "-").Replace(strings.TrimSpace(subject))
	if r := []rune(subject); len(r) > 100 {
		subject = strings.TrimSpace(string(r[:100]))
	}
	return textract.SanitizeFilename(cmp.Or(subject, "email") + ".eml")
}
