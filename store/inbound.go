package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"

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
	type requestRef struct {
		ID    string `db:"id"`
		OrgID string `db:"org_id"`
	}
	refs := make([]requestRef, len(tokens))
	for i, token := range tokens {
		err := sqlx.GetContext(ctx, s.q(), &refs[i], `SELECT id, org_id FROM requests WHERE reply_token = $1`, token)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sunshine.Errorf(sunshine.ENotFound, "no request has the reply address request-%s", token)
		}
		if err != nil {
			return nil, translate(err, "request")
		}
	}
	from = cmp.Or(strings.TrimSpace(from), "an unknown sender") // not NULL: that is an upload's
	if r := []rune(from); len(r) > 500 {
		from = string(r[:500])
	}
	bounce, isBounce, err := textract.ReadBounce(ctx, raw)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if !isBounce {
		bounce = nil // (and one that cannot be read is filed as an email)
	}
	var out []Received
	for _, ref := range refs {
		// As the organization, by no one of its people: the sender is
		// the agency.
		orgCtx := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: ref.OrgID})
		got, err := s.receive(orgCtx, NewDocument{RequestID: ref.ID, Filename: emailFilename(subject),
			ContentType: "message/rfc822", Content: bytes.NewReader(raw), ReceivedFrom: from}, bounce)
		if err != nil {
			return out, err
		}
		out = append(out, got)
	}
	return out, nil
}

// ReceiveRawEmail files an email as it came from a mail server (raw, RFC
// 5322) with the requests whose reply addresses at domain it was delivered
// to: recipients, the envelope's, or when none are given its Delivered-To,
// X-Original-To, To and Cc headers. Not an email is EInvalid; to no reply
// address there, or one no request has, ENotFound; nothing is filed then.
func (s *Store) ReceiveRawEmail(ctx context.Context, domain string, recipients []string, raw []byte) ([]Received, error) {
	if len(recipients) == 0 {
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			return nil, sunshine.Errorf(sunshine.EInvalid, "not an email: %v", err)
		}
		for _, h := range []string{"Delivered-To", "X-Original-To", "To", "Cc"} {
			recipients = append(recipients, msg.Header[h]...)
		}
	}
	tokens := sunshine.ReplyTokens(domain, recipients...)
	if len(tokens) == 0 {
		return nil, sunshine.Errorf(sunshine.ENotFound, "the email is to no reply address at %s", domain)
	}
	email, err := textract.ReadEmail(ctx, raw)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, sunshine.Errorf(sunshine.EInvalid, "%s", err.Error())
	}
	return s.ReceiveEmail(ctx, tokens, email.From, email.Subject, raw)
}

// receive stores an email to a request's reply address (nd) and, in the
// same transaction, owes the request's followers (its reminders'
// recipients who get the kind) an email about it, sent at once: one a day
// each, which lists every email not logged yet when it goes; one already
// sent today is owed again, 15 minutes after it at the soonest (a burst of
// emails, or spam to a known address, is told a few times an hour at most). The same email received before (a mail server
// delivering it again after its first try timed out) is not stored again:
// receive returns the first, checked under the request's lock. A bounce
// of one of the request's letters is filed as such (fileBounce), and
// its followers are not told of an email to log.
func (s *Store) receive(ctx context.Context, nd NewDocument, bounce *textract.Bounce) (Received, error) {
	var got Received
	org, err := orgID(ctx)
	if err != nil {
		return got, err
	}
	sd, err := s.SpoolDocument(ctx, nd)
	if err != nil {
		return got, err
	}
	defer sd.Remove()
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, nd.RequestID, true)
		if err != nil {
			return err
		}
		got.Request = r
		if got.Document, err = findDocumentByContent(ctx, tx, r.OrgID, r.ID, sd.sp.sha256, true); got.Document != nil || err != nil {
			return err
		}
		if got.Document, err = sd.insert(ctx, tx, r, nil); err != nil {
			return err
		}
		if err := touchRequest(ctx, tx, r); err != nil {
			return err
		}
		if bounce != nil {
			if filed, err := s.fileBounce(ctx, tx, r, got.Document, bounce); filed || err != nil {
				return err
			}
		}
		q := `WITH subject AS (SELECT r.id AS request_id, r.org_id, r.assignee_id FROM requests r WHERE r.org_id = $2 AND r.id = $3),
			` + recipientsSQL + `
			INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
			SELECT $2, rc.request_id, rc.user_id, 'email_received', $4, $4, $1
			FROM recipients rc LEFT JOIN user_preferences up ON up.user_id = rc.user_id
			WHERE COALESCE('email_received' = ANY(up.kinds), true)
			ON CONFLICT (request_id, kind, due_on, recipient_id, occurrence) WHERE request_id IS NOT NULL
			DO UPDATE SET status = 'pending', attempts = 0, claimed_at = NULL, last_error = '', sent_at = NULL,
				next_attempt_at = GREATEST(EXCLUDED.next_attempt_at, reminders.sent_at + interval '15 minutes')
			WHERE reminders.status <> 'pending'`
		_, err = tx.ExecContext(ctx, q, s.clock.Now(), r.OrgID, r.ID, s.today(r))
		return translate(err, "reminder")
	})
	return got, err
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

// unloggedEmail is a document d that came to its request's reply address
// and no communication has yet (nor was it removed), and is no bounce of
// a letter: an email to log (documents_unlogged_emails_idx).
const unloggedEmail = `d.received_from IS NOT NULL AND d.communication_id IS NULL AND d.deleted_at IS NULL AND NOT d.bounce`

// UnloggedEmails lists the emails that came to a request's reply address
// and are logged as no communication yet (nor removed), oldest first.
func (s *Store) UnloggedEmails(ctx context.Context, requestID string) ([]*sunshine.Document, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var docs []*sunshine.Document
	query := `SELECT ` + documentColumns + documentFrom + ` WHERE d.org_id = $1 AND d.request_id = $2
		AND ` + unloggedEmail + ` ORDER BY d.created_at, d.id`
	if err := sqlx.SelectContext(ctx, s.q(), &docs, query, org, requestID); err != nil {
		return nil, translate(err, "documents")
	}
	return docs, nil
}

// UnloggedEmail is an email to one of the organization's reply addresses
// not logged yet, as the dashboard lists it.
type UnloggedEmail struct {
	DocumentID   string    `db:"document_id"`
	Filename     string    `db:"filename"`
	From         string    `db:"received_from"`
	ReceivedAt   time.Time `db:"created_at"`
	RequestID    string    `db:"request_id"`
	RequestTitle string    `db:"title"`
	AgencyName   string    `db:"agency_name"`
	Assignee     string    `db:"assignee"` // the request's assignee's name (else email), "" for none
}

// FindUnloggedEmails lists the organization's emails to log, oldest first,
// at most limit of them, and how many there are.
func (s *Store) FindUnloggedEmails(ctx context.Context, limit int) ([]UnloggedEmail, int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, 0, err
	}
	const q = `SELECT d.id AS document_id, d.filename, d.received_from, d.created_at, r.id AS request_id, r.title, a.name AS agency_name,
			coalesce(nullif(u.name, ''), u.email, '') AS assignee, count(*) OVER () AS total
		FROM documents d
		JOIN requests r ON r.org_id = d.org_id AND r.id = d.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		LEFT JOIN users u ON u.org_id = r.org_id AND u.id = r.assignee_id
		WHERE d.org_id = $1 AND ` + unloggedEmail + `
		ORDER BY d.created_at, d.id LIMIT $2`
	var rows []struct {
		UnloggedEmail
		Total int `db:"total"`
	}
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, org, limit); err != nil {
		return nil, 0, translate(err, "documents")
	}
	out := make([]UnloggedEmail, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.UnloggedEmail, r.Total
	}
	return out, total, nil
}

// CountUnloggedEmailsFor counts the emails to log on the requests a digest
// recipient follows: those assigned to them or that they watch, or every
// request of the organization for an admin (as DigestRequests picks).
func (s *Store) CountUnloggedEmailsFor(ctx context.Context, userID string) (int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return 0, err
	}
	const q = `SELECT count(*) FROM documents d JOIN requests r ON r.org_id = d.org_id AND r.id = d.request_id
		WHERE d.org_id = $1 AND ` + unloggedEmail + ` AND ` + followedBy2
	var n int
	if err := sqlx.GetContext(ctx, s.q(), &n, q, org, userID); err != nil {
		return 0, translate(err, "documents")
	}
	return n, nil
}

// fileBounce files bounce b, stored with r as document doc, as the bounce
// of the letter email of r it returns, if it returns one: the document is
// no email to log, and the timeline says which addresses failed and why.
// When the agency's own address failed (the one the letter went to, or
// one it was forwarded to from there) a sent letter is bounced, shown
// where a failed one is, and its sender is told by email. It reports
// whether b was about a letter of r; one it is not (another request's, an
// agency's own email's) is filed as any email is.
func (s *Store) fileBounce(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, doc *sunshine.Document, b *textract.Bounce) (bool, error) {
	id, ok := letterEmailID(b.MessageID)
	if !ok {
		return false, nil
	}
	e, err := findLetterEmailRow(ctx, tx, r.OrgID, id, true)
	if sunshine.ErrorCode(err) == sunshine.ENotFound || (err == nil && e.RequestID != r.ID) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if e.Status == sunshine.LetterEmailPending {
		// Being sent again, or not recorded as sent yet (a bounce that
		// came back within seconds): which sending it is about cannot be
		// told, so it is an email for staff to read and log.
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET bounce = true WHERE id = $1`, doc.ID); err != nil {
		return false, translate(err, "document")
	}
	doc.Bounce = true
	var failed []string
	reason, agencyFailed := b.Failed[0].Reason(), false
	for _, f := range b.Failed {
		failed = append(failed, f.Address)
		if strings.EqualFold(f.Address, e.To) || strings.EqualFold(f.Original, e.To) {
			reason, agencyFailed = f.Reason(), true
		}
	}
	now := s.clock.Now()
	data := map[string]any{"letter_email_id": e.ID, "kind": e.Kind, "to": e.To, "failed": failed, "error": reason, "document_id": doc.ID}
	if err := addEvent(ctx, tx, r, sunshine.EventLetterEmailBounced, r.Today(now), "", data); err != nil {
		return false, err
	}
	// The same letter sent again has the same Message-ID: a report on a
	// sending before the last (its Date header earlier than the last went,
	// by more than the clocks of two servers may differ) is history.
	earlier := !b.Date.IsZero() && e.SentAt != nil && b.Date.Before(e.SentAt.Add(-10*time.Minute))
	if !agencyFailed || e.Status != sunshine.LetterEmailSent || earlier {
		return true, nil // a copy, a letter sent again or cancelled since, or an earlier sending
	}
	_, err = tx.ExecContext(ctx, `UPDATE letter_emails SET status = 'bounced', bounced_at = $2, bounce_document_id = $3,
		last_error = $4 WHERE id = $1`, e.ID, now, doc.ID, truncate(reason, 2000))
	if err != nil {
		return false, translate(err, "letter email")
	}
	return true, s.tellSender(ctx, tx, r, e.SenderID)
}

// letterEmailID is the ID of the letter email a Message-ID names
// ("letter-<id>@host", jobs.composeLetter's).
func letterEmailID(messageID string) (string, bool) {
	local, _, _ := strings.Cut(messageID, "@")
	id, ok := strings.CutPrefix(local, "letter-")
	return id, ok && validUUID(id)
}
