package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Letters sent by email (migration 0043): staff queue a request's letter
// for the agency; delivery claims it, sends it, and records it sent, which
// logs it as the outgoing communication of its kind.

const letterEmailColumns = `id, org_id, request_id, kind, sender_id, to_address, cc, copy_sender, to_party, from_party,
	subject, body, submit, status, attempts, next_attempt_at, sent_at, last_error, communication_id, created_at,
	bounced_at, bounce_document_id, attachment_ids, redate, automatic`

type letterEmailRow struct {
	sunshine.LetterEmail
	Cc            pq.StringArray `db:"cc"`
	AttachmentIDs pq.StringArray `db:"attachment_ids"`
	ClaimedAt     *time.Time     `db:"claimed_at"` // read by delivery's claim only
}

func (row *letterEmailRow) domain() *sunshine.LetterEmail {
	e := row.LetterEmail
	e.Cc = nonNil(row.Cc)
	e.AttachmentIDs = nonNil(row.AttachmentIDs)
	return &e
}

// nonNil is list, or an empty list for none (a JSON array, not null).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// QueueLetterEmail puts a letter of request requestID in the outbox for
// the agency, from the person signed in. It is refused for a request that
// takes no letter of its kind (a follow-up on a draft or a closed
// request), and while another letter of its kind is on its way to the
// agency (a second click on Send), naming it.
func (s *Store) QueueLetterEmail(ctx context.Context, requestID string, in sunshine.LetterEmailInput) (*sunshine.LetterEmail, error) {
	out, err := s.queueLetters(ctx, []LetterFor{{RequestID: requestID, Letter: in}}, false)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// LetterFor is a letter to queue for one request.
type LetterFor struct {
	RequestID string
	Letter    sunshine.LetterEmailInput
}

// QueueLetterEmails queues a letter for each of several requests (each
// agency of requests filed together its own), all or none, as
// QueueLetterEmail does one: a refusal names the request it is about.
// Requests are locked in ID order, as other changes to many requests are.
func (s *Store) QueueLetterEmails(ctx context.Context, letters []LetterFor) ([]*sunshine.LetterEmail, error) {
	return s.queueLetters(ctx, letters, true)
}

// queueLetters queues letters; name: a refusal names its request.
func (s *Store) queueLetters(ctx context.Context, letters []LetterFor, name bool) ([]*sunshine.LetterEmail, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	sender := actorID(ctx)
	if sender == nil {
		return nil, sunshine.Errorf(sunshine.EForbidden, "a letter is sent by a person: sign in as one")
	}
	order := make([]int, len(letters))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(letters[a].RequestID, letters[b].RequestID) })
	out := make([]*sunshine.LetterEmail, len(letters))
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		requests := make([]*sunshine.Request, len(letters))
		for _, i := range order {
			if requests[i], err = s.findRequest(ctx, tx, org, letters[i].RequestID, true); err != nil {
				return err
			}
		}
		// (after the requests' locks, as a letter sent again takes them)
		if err := s.withinLetterLimit(ctx, tx, org, len(letters), ""); err != nil {
			return err
		}
		for _, i := range order {
			r := requests[i]
			if out[i], err = s.queueLetter(ctx, tx, r, *sender, letters[i].Letter); err != nil {
				if name {
					return aboutRequest(r, err)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DefaultLettersPerHour is how many letter emails an organization may
// queue in an hour unless the operator says otherwise: far more than its
// staff send by hand, or by a group's page at once, yet few enough that an
// account taken over cannot spam agencies in its name, nor get the
// address every organization's letters come from (Sunshine's) blocked.
const DefaultLettersPerHour = 200

// withinLetterLimit refuses n more letters from organization org when,
// with those it queued in the last hour (but except, a letter being
// queued again), they would pass its hourly limit, saying in how many
// minutes they fit. Its lock, taken after the requests' (as every caller
// takes them), makes two at once count each other.
func (s *Store) withinLetterLimit(ctx context.Context, tx *sqlx.Tx, org string, n int, except string) error {
	return s.withinLimit(ctx, tx, org, n, except, cmp.Or(s.LettersPerHour, DefaultLettersPerHour))
}

// withinLimit is withinLetterLimit for a limit of the caller's (a share
// of the organization's).
func (s *Store) withinLimit(ctx context.Context, tx *sqlx.Tx, org string, n int, except string, limit int) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('letter_emails:' || $1))`, org); err != nil {
		return translate(err, "letter emails")
	}
	now := s.clock.Now()
	const inTheHour = `FROM letter_emails WHERE org_id = $1 AND queued_at > $2 AND id::text <> $3`
	var queued int
	if err := tx.GetContext(ctx, &queued, `SELECT count(*) `+inTheHour, org, now.Add(-time.Hour), except); err != nil {
		return translate(err, "letter emails")
	}
	if queued+n <= limit {
		return nil
	}
	if n > limit {
		return sunshine.Errorf(sunshine.ETooMany, "%d letters at once are more than the %d an hour your organization may send by email: send them in parts", n, limit)
	}
	// They fit once the (queued+n-limit)th oldest of the hour drops out.
	var frees time.Time
	if err := tx.GetContext(ctx, &frees, `SELECT queued_at `+inTheHour+` ORDER BY queued_at OFFSET $4 LIMIT 1`,
		org, now.Add(-time.Hour), except, queued+n-limit-1); err != nil {
		return translate(err, "letter emails")
	}
	minutes := max(1, int(math.Ceil(frees.Add(time.Hour).Sub(now).Minutes())))
	sent := fmt.Sprintf("%d letters", queued)
	if queued == 1 {
		sent = "1 letter"
	}
	what := "these"
	if n == 1 {
		what = "this one"
	}
	return sunshine.Errorf(sunshine.ETooMany, "your organization has sent %s by email in the last hour, and may send %d an hour: "+
		"send %s in %d minutes, or ask your Sunshine's operator to raise the limit", sent, limit, what, minutes)
}

// aboutRequest says which request of several a refusal is about.
func aboutRequest(r *sunshine.Request, err error) error {
	var e *sunshine.Error
	if !errors.As(err, &e) {
		return err
	}
	about := *e
	about.Message = "For " + r.AgencyName + " (" + r.Title + "): " + e.Message
	return &about
}

// queueLetter queues in for request r, locked by the caller.
func (s *Store) queueLetter(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, sender string, in sunshine.LetterEmailInput) (*sunshine.LetterEmail, error) {
	if err := sunshine.CheckLetter(r, in.Kind); err != nil {
		return nil, err
	}
	if err := sunshine.JoinInvalid(in.Validate(), in.CheckSubmit(r)); err != nil {
		return nil, err
	}
	if err := checkAttachments(ctx, tx, r, in.AttachmentIDs); err != nil {
		return nil, err
	}
	if err := onItsWay(ctx, tx, r, in.Kind); err != nil {
		return nil, err
	}
	const q = `INSERT INTO letter_emails (org_id, request_id, kind, sender_id, to_address, cc, copy_sender, to_party,
			from_party, subject, body, submit, next_attempt_at, created_at, queued_at, attachment_ids, automatic)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $13, $14, $15) RETURNING ` + letterEmailColumns
	var row letterEmailRow
	// (nonNil: a nil array is NULL)
	err := sqlx.GetContext(ctx, tx, &row, q, r.OrgID, r.ID, in.Kind, sender, in.To, pq.Array(nonNil(in.Cc)), in.CopySender,
		in.ToParty, in.FromParty, in.Subject, in.Body, in.Submit, s.clock.Now(), pq.Array(nonNil(in.AttachmentIDs)), in.Automatic)
	if err != nil {
		return nil, translate(err, "letter email")
	}
	return row.domain(), nil
}

// checkAttachments refuses attachments that are not live documents of r
// (another request's, one removed, an ID that is none), or that together
// are larger than an email to an agency may carry.
func checkAttachments(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, ids []string) error {
	docs, missing, err := requestDocuments(ctx, tx, r.OrgID, r.ID, ids)
	if err != nil {
		return err
	}
	if missing != "" {
		return sunshine.FieldInvalid("attachment_ids", "%s is not a document of this request", missing)
	}
	var total int64
	for _, d := range docs {
		total += d.Size
	}
	if total > sunshine.MaxLetterAttachmentBytes {
		return sunshine.FieldInvalid("attachment_ids", "are %s together: at most %s fits in an email to an agency; send the larger ones another way",
			sunshine.FileSize(total), sunshine.FileSize(sunshine.MaxLetterAttachmentBytes))
	}
	return nil
}

// LetterAttachments reads the documents letter e attaches, in order. One
// removed since it was queued is not found (ENotFound, naming it): the
// letter cannot go as it was written.
func (s *Store) LetterAttachments(ctx context.Context, e *sunshine.LetterEmail) ([]*sunshine.Document, error) {
	return letterAttachments(ctx, s.q(), e)
}

func letterAttachments(ctx context.Context, q sqlx.QueryerContext, e *sunshine.LetterEmail) ([]*sunshine.Document, error) {
	docs, missing, err := requestDocuments(ctx, q, e.OrgID, e.RequestID, e.AttachmentIDs)
	if err != nil || missing == "" {
		return docs, err
	}
	name := missing
	_ = sqlx.GetContext(ctx, q, &name, `SELECT filename FROM documents WHERE org_id = $1 AND id = $2`, e.OrgID, missing)
	return nil, sunshine.Errorf(sunshine.ENotFound, "a document it attaches (%s) was removed: cancel it, and send the letter again without it", name)
}

// requestDocuments reads the live documents ids of a request, in their
// order, at once; missing is the first ID that is none of them (another
// request's, removed, or no ID at all).
func requestDocuments(ctx context.Context, q sqlx.QueryerContext, org, requestID string, ids []string) (docs []*sunshine.Document, missing string, err error) {
	if len(ids) == 0 {
		return nil, "", nil
	}
	var valid []string
	for _, id := range ids {
		if validUUID(id) {
			valid = append(valid, id)
		}
	}
	var found []*sunshine.Document
	err = sqlx.SelectContext(ctx, q, &found, `SELECT `+documentColumns+documentFrom+`
		WHERE d.org_id = $1 AND d.request_id = $2 AND d.id = ANY($3::uuid[]) AND d.deleted_at IS NULL`, org, requestID, pq.Array(valid))
	if err != nil {
		return nil, "", translate(err, "documents")
	}
	byID := make(map[string]*sunshine.Document, len(found))
	for _, d := range found {
		byID[d.ID] = d
	}
	for _, id := range ids {
		d, ok := byID[strings.ToLower(id)]
		if !ok {
			return nil, id, nil
		}
		docs = append(docs, d)
	}
	return docs, "", nil
}

// RequestLetters says where a request's request letter stands: the day
// the last one was logged as sent (by any channel), and whether one is on
// its way by email now.
type RequestLetters struct {
	LastSentOn deadline.Date // zero for none
	OnItsWay   bool
}

// FindRequestLetters reads, for each of requestIDs of the caller's
// organization, where its request letter stands: for a page that sends
// many at once, so as not to send one twice.
func (s *Store) FindRequestLetters(ctx context.Context, requestIDs []string) (map[string]RequestLetters, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	const q = `SELECT r.id,
			(SELECT max(c.occurred_on) FROM communications c
				WHERE c.org_id = r.org_id AND c.request_id = r.id AND c.kind = 'request' AND c.direction = 'out') AS last_sent_on,
			EXISTS (SELECT 1 FROM letter_emails e WHERE e.request_id = r.id AND e.kind = 'request' AND e.status = 'pending') AS on_its_way
		FROM requests r WHERE r.org_id = $1 AND r.id = ANY($2::uuid[])`
	var rows []struct {
		ID         string         `db:"id"`
		LastSentOn *deadline.Date `db:"last_sent_on"`
		OnItsWay   bool           `db:"on_its_way"`
	}
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, org, pq.Array(requestIDs)); err != nil {
		return nil, translate(err, "requests")
	}
	out := make(map[string]RequestLetters, len(rows))
	for _, r := range rows {
		l := RequestLetters{OnItsWay: r.OnItsWay}
		if r.LastSentOn != nil {
			l.LastSentOn = *r.LastSentOn
		}
		out[r.ID] = l
	}
	return out, nil
}

// onItsWay refuses a second letter of a kind while one is on its way to
// the agency, naming it (the unique index letter_emails_one_pending_key
// holds it; this says which). r is locked by the caller.
func onItsWay(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, kind sunshine.LetterKind) error {
	var pending sunshine.LetterEmail
	err := sqlx.GetContext(ctx, tx, &pending, `SELECT to_address, kind, created_at FROM letter_emails
		WHERE request_id = $1 AND kind = $2 AND status = 'pending'`, r.ID, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return translate(err, "letter email")
	}
	return sunshine.Errorf(sunshine.EConflict, "%s is already on its way (since %s): wait for it, or cancel it first",
		pending.Describe(), pending.CreatedAt.In(sunshine.Location(r.TimeZone)).Format("15:04 Mon 2 Jan"))
}

// FindLetterEmails lists a request's letter emails not sent: on their way
// (pending), refused for good (failed) or returned (bounced), the oldest
// first.
func (s *Store) FindLetterEmails(ctx context.Context, requestID string) ([]*sunshine.LetterEmail, error) {
	org, err := s.requestOrg(ctx, requestID) // another organization's request is not found, not empty
	if err != nil {
		return nil, err
	}
	return s.letterEmailsOf(ctx, org, requestID)
}

// LetterEmailsOf is FindLetterEmails for a request the caller has read
// already (its page): it is not looked up again.
func (s *Store) LetterEmailsOf(ctx context.Context, r *sunshine.Request) ([]*sunshine.LetterEmail, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if r.OrgID != org {
		return nil, sunshine.Errorf(sunshine.ENotFound, "request not found")
	}
	return s.letterEmailsOf(ctx, org, r.ID)
}

func (s *Store) letterEmailsOf(ctx context.Context, org, requestID string) ([]*sunshine.LetterEmail, error) {
	var rows []letterEmailRow
	err := sqlx.SelectContext(ctx, s.q(), &rows, `SELECT `+letterEmailColumns+` FROM letter_emails
		WHERE org_id = $1 AND request_id = $2 AND status IN ('pending', 'failed', 'bounced') ORDER BY created_at, id`, org, requestID)
	if err != nil {
		return nil, translate(err, "letter emails")
	}
	out := make([]*sunshine.LetterEmail, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// FailedLetter is a letter email the mail server refused for good, or
// one returned by a bounce, with its request, for the dashboard.
type FailedLetter struct {
	sunshine.LetterEmail
	RequestTitle string `db:"title"`
	AgencyName   string `db:"agency_name"`
}

// FindFailedLetters lists the organization's failed and bounced letter
// emails (the oldest limit), and how many there are.
func (s *Store) FindFailedLetters(ctx context.Context, limit int) ([]FailedLetter, int, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, 0, err
	}
	const q = `SELECT e.id, e.request_id, e.kind, e.to_address, e.status, e.last_error, e.created_at, r.title, a.name AS agency_name,
			count(*) OVER () AS total
		FROM letter_emails e
		JOIN requests r ON r.org_id = e.org_id AND r.id = e.request_id
		JOIN agencies a ON a.org_id = r.org_id AND a.id = r.agency_id
		WHERE e.org_id = $1 AND e.status IN ('failed', 'bounced')
		ORDER BY e.created_at, e.id LIMIT $2`
	var rows []struct {
		FailedLetter
		Total int `db:"total"`
	}
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, org, limit); err != nil {
		return nil, 0, translate(err, "letter emails")
	}
	out := make([]FailedLetter, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.FailedLetter, r.Total
	}
	return out, total, nil
}

// SentLetterIDs lists the IDs of a request's letter emails the mail
// server accepted, the first sent first: a later letter follows them.
func (s *Store) SentLetterIDs(ctx context.Context, requestID string) ([]string, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	err = sqlx.SelectContext(ctx, s.q(), &ids, `SELECT id FROM letter_emails
		WHERE org_id = $1 AND request_id = $2 AND status = 'sent' ORDER BY sent_at, id`, org, requestID)
	return ids, translate(err, "letter emails")
}

// FindLetterEmail reads one letter email of the caller's organization.
func (s *Store) FindLetterEmail(ctx context.Context, id string) (*sunshine.LetterEmail, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findLetterEmail(ctx, s.q(), org, id, false)
}

func findLetterEmail(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*sunshine.LetterEmail, error) {
	row, err := findLetterEmailRow(ctx, q, org, id, lock)
	if err != nil {
		return nil, err
	}
	return row.domain(), nil
}

// findLetterEmailRow reads a letter email with its claim.
func findLetterEmailRow(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*letterEmailRow, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "letter email not found")
	}
	query := `SELECT ` + letterEmailColumns + `, claimed_at FROM letter_emails WHERE org_id = $1 AND id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	var row letterEmailRow
	if err := sqlx.GetContext(ctx, q, &row, query, org, id); err != nil {
		return nil, translate(err, "letter email")
	}
	return &row, nil
}

// Resend is how a letter email is sent again: To, where given, is the
// address instead of its own (the agency's right one, after a bounce);
// Redate, for a request letter that bounced, moves the request's dates to
// the day it goes (redateResent). A report that a letter bounced can come
// from anyone the letter went to, so only staff, who read it, say so.
type Resend struct {
	To     string
	Redate bool
}

// RetryLetterEmail sends a failed or bounced letter email again, at once,
// with its attempts counted afresh, as again says. It counts against the
// organization's hourly limit as a new letter does.
func (s *Store) RetryLetterEmail(ctx context.Context, id string, again Resend) (*sunshine.LetterEmail, error) {
	to := strings.TrimSpace(again.To)
	if to != "" && !sunshine.ValidEmail(to) {
		return nil, sunshine.FieldInvalid("to", "must be one email address, such as records@agency.gov")
	}
	return s.changeLetterEmail(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request, e *letterEmailRow) (string, []any, error) {
		if !e.NotSent() {
			return "", nil, sunshine.Errorf(sunshine.EConflict, "%s is %s: only one the mail server refused or returned is sent again", e.Describe(), e.Status)
		}
		if to != "" && slices.ContainsFunc(e.Cc, func(cc string) bool { return strings.EqualFold(cc, to) }) {
			return "", nil, sunshine.FieldInvalid("to", "is copied already: give the agency's own address")
		}
		if again.Redate && (e.Kind != sunshine.LetterRequest || e.Status != sunshine.LetterEmailBounced) {
			return "", nil, sunshine.FieldInvalid("redate", "is only for a request letter that bounced (this is %s, %s)", e.Describe(), e.Status)
		}
		if err := sunshine.CheckLetter(r, e.Kind); err != nil {
			return "", nil, err
		}
		if err := onItsWay(ctx, tx, r, e.Kind); err != nil {
			return "", nil, err
		}
		// (it would fail again at once)
		if _, err := letterAttachments(ctx, tx, e.domain()); sunshine.ErrorCode(err) == sunshine.ENotFound {
			return "", nil, sunshine.Errorf(sunshine.EConflict, "%s", sunshine.ErrorMessage(err))
		} else if err != nil {
			return "", nil, err
		}
		if err := s.withinLetterLimit(ctx, tx, r.OrgID, 1, e.ID); err != nil {
			return "", nil, err
		}
		// A bounced letter starts again as one never sent: its bounce is
		// in the timeline.
		return `status = 'pending', attempts = 0, next_attempt_at = $2, queued_at = $2, last_error = '', claimed_at = NULL,
			to_address = coalesce(nullif($3, ''), to_address), sent_at = NULL, bounced_at = NULL, bounce_document_id = NULL, redate = $4`,
			[]any{s.clock.Now(), to, again.Redate}, nil
	})
}

// CancelLetterEmail stops a letter email that is not sent: one waiting
// for its next attempt, or one that failed or bounced (it is not sent
// again). One being sent this moment cannot be stopped.
func (s *Store) CancelLetterEmail(ctx context.Context, id string) (*sunshine.LetterEmail, error) {
	return s.changeLetterEmail(ctx, id, func(tx *sqlx.Tx, r *sunshine.Request, e *letterEmailRow) (string, []any, error) {
		switch {
		case e.Status != sunshine.LetterEmailPending && !e.NotSent():
			return "", nil, sunshine.Errorf(sunshine.EConflict, "%s is %s already", e.Describe(), e.Status)
		case e.ClaimedAt != nil:
			return "", nil, sunshine.Errorf(sunshine.EConflict, "%s is being sent this moment: it cannot be stopped; see whether it went in a minute", e.Describe())
		}
		return `status = 'cancelled'`, nil, nil
	})
}

// changeLetterEmail changes a letter email as fn says (the columns to set
// and their values, $2 on), with it and its request locked (the request
// first, as delivery locks them), and returns it changed.
func (s *Store) changeLetterEmail(ctx context.Context, id string, fn func(tx *sqlx.Tx, r *sunshine.Request, e *letterEmailRow) (string, []any, error)) (*sunshine.LetterEmail, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	e, err := findLetterEmail(ctx, s.q(), org, id, false) // its request, to lock first
	if err != nil {
		return nil, err
	}
	var out letterEmailRow
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, e.RequestID, true)
		if err != nil {
			return err
		}
		row, err := findLetterEmailRow(ctx, tx, org, id, true)
		if err != nil {
			return err
		}
		set, args, err := fn(tx, r, row)
		if err != nil {
			return err
		}
		q := `UPDATE letter_emails SET ` + set + ` WHERE id = $1 RETURNING ` + letterEmailColumns
		return translate(sqlx.GetContext(ctx, tx, &out, q, append([]any{row.ID}, args...)...), "letter email")
	})
	if err != nil {
		return nil, err
	}
	return out.domain(), nil
}

// ClaimedLetterEmail is a letter email claimed for delivery.
type ClaimedLetterEmail struct {
	sunshine.LetterEmail
	ClaimedAt time.Time
}

// ClaimLetterEmails claims up to limit letter emails due now (and those
// whose claim is older than staleAfter: a process that died sending),
// across organizations, counting an attempt for each.
func (s *Store) ClaimLetterEmails(ctx context.Context, now time.Time, limit int, staleAfter time.Duration) ([]ClaimedLetterEmail, error) {
	q := `UPDATE letter_emails SET claimed_at = $1, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM letter_emails
			WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_at IS NULL OR claimed_at < $2)
			ORDER BY next_attempt_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING ` + letterEmailColumns + `, claimed_at`
	var rows []letterEmailRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return translate(sqlx.SelectContext(ctx, tx, &rows, q, now, now.Add(-staleAfter), limit), "letter emails")
	})
	out := make([]ClaimedLetterEmail, len(rows))
	for i := range rows {
		// The claim as the database holds it, which marking it sent or
		// failed matches (as ClaimReminders reads its own).
		out[i] = ClaimedLetterEmail{LetterEmail: *rows[i].domain(), ClaimedAt: *rows[i].ClaimedAt}
	}
	return out, err
}

// MarkLetterEmailSent records a claimed letter email the mail server
// accepted at now, in one transaction: it is logged as the outgoing
// communication of its kind, dated the day it went where the agency is
// (the effect a letter has: a follow-up to an agency waiting on us
// resumes the clock), and where it asked to, the draft request is
// submitted, received that day or the day its law says an email is
// received (Michigan's next business day; one not yet within a day is
// said in the timeline, to submit then). sent, the email as it went, is
// kept as a document of the communication (of the request when it is not
// logged): the record of what the agency was sent, with its date and
// Message-ID. Recorded already (the claim was taken over), it does
// nothing and returns nil.
func (s *Store) MarkLetterEmailSent(ctx context.Context, c ClaimedLetterEmail, now time.Time, sent []byte) (*sunshine.Communication, error) {
	ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID, UserID: c.SenderID, Role: sunshine.RoleStaff})
	// The copy is kept where it can be: failing to keep it (a full disk)
	// must not leave the letter unrecorded, to be sent again.
	var copyOf *SpooledDocument
	if len(sent) > 0 {
		var err error
		copyOf, err = s.SpoolDocument(ctx, NewDocument{RequestID: c.RequestID, Filename: emailFilename(c.Subject),
			ContentType: "message/rfc822", Content: bytes.NewReader(sent)})
		if err != nil {
			copyOf = nil
		} else {
			defer copyOf.Remove()
		}
	}
	keepCopy := func(tx *sqlx.Tx, r *sunshine.Request, commID *string) error {
		if copyOf == nil {
			return nil
		}
		_, err := undoable(ctx, tx, "letter_copy", func() error {
			_, err := copyOf.insert(ctx, tx, r, commID)
			return err
		}, func(error) bool { return true })
		return err
	}
	var out *sunshine.Communication
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, c.OrgID, c.RequestID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE letter_emails SET status = 'sent', sent_at = $3, claimed_at = NULL, last_error = ''
			WHERE id = $1 AND claimed_at = $2 AND status = 'pending'`, c.ID, c.ClaimedAt, now)
		if err != nil {
			return translate(err, "letter email")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		today := r.Today(now)
		to := c.ToParty
		if to == "" {
			to = c.To
		}
		cm := sunshine.Communication{Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.CommKind(c.Kind),
			OccurredOn: today, From: c.FromParty, To: to, Subject: c.Subject, Body: c.Body, ExemptionsCited: []string{},
			CreatedBy: &c.SenderID}
		// The email went, whatever the request now refuses (a pause that
		// begins tomorrow, a text too large to index): a refusal must not
		// leave it unrecorded, to be sent again and again. So it is logged
		// after a savepoint, and refused, it is recorded sent all the same,
		// the timeline saying why it is not logged.
		// (a database error: the whole record is tried again)
		refused, err := undoable(ctx, tx, "letter_logged", func() (err error) {
			out, err = s.logSentLetter(ctx, tx, r, c, cm, today)
			return err
		}, refusedWith(sunshine.EInvalid, sunshine.EConflict, sunshine.EUnprocessable))
		if err != nil {
			return err
		}
		if refused == nil {
			if _, err = tx.ExecContext(ctx, `UPDATE letter_emails SET communication_id = $2 WHERE id = $1`, c.ID, out.ID); err != nil {
				return translate(err, "letter email")
			}
			return keepCopy(tx, r, &out.ID)
		}
		out = nil
		if r, err = s.findRequest(ctx, tx, c.OrgID, c.RequestID, true); err != nil { // as it was before
			return err
		}
		data := map[string]any{"letter_email_id": c.ID, "kind": c.Kind, "to": c.To, "subject": c.Subject, "error": sunshine.ErrorMessage(refused)}
		if err := addEvent(ctx, tx, r, sunshine.EventLetterEmailUnlogged, today, "", data); err != nil {
			return err
		}
		return keepCopy(tx, r, nil)
	})
	return out, err
}

// logSentLetter logs a sent letter as communication cm of r, submitting a
// draft where it asked, or moving the receipt date of a request whose
// first email bounced (redateResent).
func (s *Store) logSentLetter(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, c ClaimedLetterEmail, cm sunshine.Communication, today deadline.Date) (*sunshine.Communication, error) {
	note := ""
	var err error
	switch {
	case c.Submit && r.Status == sunshine.StatusDraft:
		note, err = s.submitEmailed(ctx, tx, r, today)
	case c.Redate && c.CommunicationID != nil:
		note, err = s.redateResent(ctx, tx, r, *c.CommunicationID, today)
	}
	if err != nil {
		return nil, err
	}
	extra := map[string]any{"emailed_to": c.To, "letter_email_id": c.ID}
	if c.Automatic {
		extra["automatic"] = true
	}
	if len(c.AttachmentIDs) > 0 {
		var names []string
		err := sqlx.SelectContext(ctx, tx, &names, `SELECT d.filename FROM unnest($2::uuid[]) WITH ORDINALITY AS a (id, n)
			JOIN documents d ON d.org_id = $1 AND d.id = a.id ORDER BY a.n`, r.OrgID, pq.Array(c.AttachmentIDs))
		if err != nil {
			return nil, translate(err, "documents")
		}
		extra["attachments"] = names
	}
	logged, err := s.logCommunication(ctx, tx, r, cm, sunshine.CommunicationInput{Communication: cm}, extra, note)
	if err != nil || logged == nil || len(c.AttachmentIDs) == 0 {
		return logged, err
	}
	// Its attachments uploaded with no communication (for it) now went
	// with this one. One that came with another stays with it, and an
	// email to the reply address not logged yet stays one to log.
	_, err = tx.ExecContext(ctx, `UPDATE documents SET communication_id = $2
		WHERE org_id = $1 AND id = ANY($3::uuid[]) AND communication_id IS NULL AND received_from IS NULL AND deleted_at IS NULL`,
		r.OrgID, logged.ID, pq.Array(c.AttachmentIDs))
	return logged, translate(err, "documents")
}

// emailReceipt is when the agency receives a request emailed today: today,
// or the day its law says an email is received (Michigan's next business
// day), with the law's citation then.
func emailReceipt(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, today deadline.Date) (deadline.Date, string, error) {
	j, err := deadline.Lookup(r.Jurisdiction)
	if err != nil || j.ElectronicReceipt == 0 {
		return today, "", nil
	}
	probe := *r
	probe.ReceivedOn = today
	if err := loadClosures(ctx, tx, &probe); err != nil {
		return today, "", err
	}
	legal, ok, err := j.ElectronicReceiptOn(today, probe.Closures...)
	if err != nil || !ok {
		return today, "", err
	}
	return legal, j.ElectronicReceiptCitation, nil
}

// submitEmailed submits draft r, whose request letter was emailed today:
// sent today, received today or when its law says an email is received.
// A receipt date more than a day ahead cannot be entered yet: the request
// stays a draft, and the note returned says when to submit it.
func (s *Store) submitEmailed(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, today deadline.Date) (string, error) {
	received, citation, err := emailReceipt(ctx, tx, r, today)
	if err != nil {
		return "", err
	}
	if received.After(today.AddDays(1)) {
		if err := s.update(ctx, tx, r, sunshine.RequestUpdate{SentOn: &today}); err != nil && !errors.Is(err, errNoChange) {
			return "", err
		}
		return "Under " + citation + " the agency receives it on " + received.Format("Mon 2 Jan 2006") +
			": submit the request with that date then", nil
	}
	if r.SentOn != today {
		if err := s.update(ctx, tx, r, sunshine.RequestUpdate{SentOn: &today}); err != nil && !errors.Is(err, errNoChange) {
			return "", err
		}
	}
	return "", s.transition(ctx, tx, r, sunshine.TransitionInput{To: sunshine.StatusSubmitted, ReceivedOn: received,
		Note: "The request letter was emailed to the agency on " + today.Format("Mon 2 Jan 2006")})
}

// redateResent moves the dates of r, whose request letter was emailed
// again today, staff asking, after an earlier sending (logged as
// communication first) bounced: the agency receives the request now, not
// then. Only while the request's clock still runs from that sending
// (submitted, its sent date, or without one its receipt date, the day it
// went); otherwise, or for a date the request refuses (after a pause
// began, after the agency replied), the dates stay, and the note returned
// says so, as it says what moved.
func (s *Store) redateResent(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, first string, today deadline.Date) (string, error) {
	var firstOn deadline.Date
	err := tx.QueryRowxContext(ctx, `SELECT occurred_on FROM communications WHERE org_id = $1 AND id = $2`, r.OrgID, first).Scan(&firstOn)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // removed since: nothing to go by
	} else if err != nil {
		return "", translate(err, "communication")
	}
	if !firstOn.Before(today) {
		return "", nil // the same day: nothing to move
	}
	if !r.CountsFrom(firstOn) {
		return "The email of " + firstOn.Format("Mon 2 Jan 2006") + " bounced, but the request's dates stay: its clock no longer counts from that email (it is " +
			strings.ReplaceAll(string(r.Status), "_", " ") + ", received " + r.ReceivedOn.Format("Mon 2 Jan 2006") + "): correct them if the agency received it later", nil
	}
	received, citation, err := emailReceipt(ctx, tx, r, today)
	if err != nil {
		return "", err
	}
	was := r.ReceivedOn
	if received.After(today.AddDays(1)) {
		return "The email of " + firstOn.Format("Mon 2 Jan 2006") + " bounced; under " + citation + " the agency receives this one on " +
			received.Format("Mon 2 Jan 2006") + ": correct the receipt date then", nil
	}
	refused, err := undoable(ctx, tx, "letter_redate", func() error {
		if err := s.update(ctx, tx, r, sunshine.RequestUpdate{SentOn: &today, ReceivedOn: &received}); !errors.Is(err, errNoChange) {
			return err
		}
		return nil
	}, refusedWith(sunshine.EInvalid, sunshine.EConflict))
	if err != nil {
		return "", err
	}
	if refused != nil {
		fresh, err := s.findRequest(ctx, tx, r.OrgID, r.ID, true) // as it was before
		if err != nil {
			return "", err
		}
		*r = *fresh
		why := sunshine.ErrorMessage(refused)
		if e := (*sunshine.Error)(nil); errors.As(refused, &e) && len(e.Fields) > 0 {
			why = e.Fields[0].Message // (the timeline names no API field)
		}
		return "The email of " + firstOn.Format("Mon 2 Jan 2006") + " bounced, but the receipt date stays " + was.Format("Mon 2 Jan 2006") +
			" (it " + why + "): correct it if the agency received the request later", nil
	}
	return "The email of " + firstOn.Format("Mon 2 Jan 2006") + " bounced: the agency receives the request " +
		received.Format("Mon 2 Jan 2006") + " (not " + was.Format("Mon 2 Jan 2006") + "), and its deadline counts from then", nil
}

// MarkLetterEmailFailed records a failed attempt: the next at retryAt, or,
// final, none: the request's timeline then says so, and its sender is
// owed an email saying so (reminder kind letter_failed).
func (s *Store) MarkLetterEmailFailed(ctx context.Context, c ClaimedLetterEmail, errMsg string, retryAt time.Time, final bool) error {
	status := sunshine.LetterEmailPending
	if final {
		status = sunshine.LetterEmailFailed
	}
	errMsg = truncate(errMsg, 2000)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, c.OrgID, c.RequestID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE letter_emails SET status = $3, last_error = $4, next_attempt_at = $5, claimed_at = NULL
			WHERE id = $1 AND claimed_at = $2 AND status = 'pending'`, c.ID, c.ClaimedAt, status, errMsg, retryAt)
		if err != nil {
			return translate(err, "letter email")
		}
		if n, _ := res.RowsAffected(); n == 0 || !final {
			return nil
		}
		data := map[string]any{"letter_email_id": c.ID, "kind": c.Kind, "to": c.To, "error": errMsg}
		if err := addEvent(ctx, tx, r, sunshine.EventLetterEmailFailed, r.Today(retryAt), "", data); err != nil {
			return err
		}
		return s.tellSender(ctx, tx, r, c.SenderID)
	})
}

// tellSender owes the sender of a letter of r that failed or bounced an
// email saying so, at once: a notice listing their letters of the request
// not sent when it goes, owed again for a later one the same day.
func (s *Store) tellSender(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, senderID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
		VALUES ($1, $2, $3, 'letter_failed', $4, $4, $5)
		ON CONFLICT (request_id, kind, due_on, recipient_id, occurrence) WHERE request_id IS NOT NULL
		DO UPDATE SET status = 'pending', attempts = 0, claimed_at = NULL, last_error = '', sent_at = NULL,
			next_attempt_at = EXCLUDED.next_attempt_at
		WHERE reminders.status <> 'pending'`, r.OrgID, r.ID, senderID, r.Today(s.clock.Now()), s.clock.Now())
	return translate(err, "reminder")
}

// undoable runs fn after a savepoint named name and, when fn fails with an
// error undo accepts, rolls back to it: the transaction goes on without
// fn's changes, and that error is returned as refused. Any other error of
// fn, or the database's, is err.
func undoable(ctx context.Context, tx *sqlx.Tx, name string, fn func() error, undo func(error) bool) (refused, err error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return nil, translate(err, "savepoint")
	}
	err = fn()
	if err == nil || !undo(err) {
		return nil, err
	}
	if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
		return nil, translate(rerr, "savepoint")
	}
	return err, nil
}

// refusedWith accepts an error with one of codes: a refusal, not a failure.
func refusedWith(codes ...sunshine.Code) func(error) bool {
	return func(err error) bool { return slices.Contains(codes, sunshine.ErrorCode(err)) }
}
