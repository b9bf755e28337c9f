package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

type commRow struct {
	sunshine.Communication
	ExemptionsCited pq.StringArray `db:"exemptions_cited"`
}

func (row *commRow) domain() *sunshine.Communication {
	c := row.Communication
	c.ExemptionsCited = []string(row.ExemptionsCited)
	if c.ExemptionsCited == nil {
		c.ExemptionsCited = []string{}
	}
	return &c
}

// commColumns are a communication's columns; commBriefColumns the same
// with the body cut to its first $3 characters and its whole size.
const (
	commFields = `id, org_id, request_id, direction, channel, kind, occurred_on, from_party, to_party, subject,
	exemptions_cited, fee_amount::text AS fee_amount, created_by, created_at, updated_at, version`
	commColumns      = commFields + `, body`
	commBriefColumns = commFields + `, left(body, $3) AS body, octet_length(body) AS body_bytes`
)

// CreateCommunication logs a communication on a request and applies its
// effect in the same transaction, each with its event:
//   - extension_notice invokes the law's extension (or, where the law has
//     none, sets CustomDueOn when given; otherwise EUnprocessable); one
//     dated after the original due date extends nothing and keeps the
//     date it announced in its extension_late event;
//   - fee_estimate and clarification_request move the request to
//     awaiting_requester, pausing the clock where the law tolls;
//   - an outgoing follow_up or other while awaiting_requester resumes the
//     status the request had before;
//   - acknowledgment moves submitted to acknowledged;
//   - records_release moves to rolling_production, or to ResultingStatus;
//   - denial moves to denied, partial_denial to partially_granted;
//
// and, from an incoming message, saves the tracking number and estimated
// date it gives on the request (an "updated" event).
//
// In the same transaction, in.EmailDocumentID (the e-mail message it was
// read from: an .eml document of the request attached to no communication)
// is attached to it, and each spooled document of attach is stored as a
// document of it, with its document_added event (the message's
// attachments, ReadEmailDocument and EmailDocument.SpoolAttachments). All
// or nothing: a refusal stores none of them and leaves the message
// unattached. An email document that is not the request's live e-mail
// message, or is attached already, is refused naming email_document_id.
// The caller removes the spooled documents (their Document says what was
// stored).
func (s *Store) CreateCommunication(ctx context.Context, requestID string, in sunshine.CommunicationInput, attach ...*SpooledDocument) (*sunshine.Communication, *sunshine.Request, error) {
	c := in.Communication
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	if in.EmailDocumentID != "" && !validUUID(in.EmailDocumentID) {
		return nil, nil, sunshine.FieldInvalid("email_document_id", "must be the ID of an e-mail document of this request")
	}
	// Fields for one kind's effect are refused on others, not ignored.
	if in.ResultingStatus != "" && c.Kind != sunshine.KindRecordsRelease {
		return nil, nil, sunshine.FieldInvalid("resulting_status", "is only for a records release: a denial closes the request as denied, a partial denial as partially granted")
	}
	if !in.CustomDueOn.IsZero() && c.Kind != sunshine.KindExtensionNotice {
		return nil, nil, sunshine.FieldInvalid("custom_due_on", "is only for an extension notice; set another agreed date as the request's custom due date")
	}
	details := agencyDetails(in)
	if c.Direction != sunshine.DirectionIn {
		switch {
		case details.TrackingNumber != nil:
			return nil, nil, sunshine.FieldInvalid("tracking_number", "is only for a message from the agency; set the request's own under its details")
		case details.AgencyEstimatedOn != nil:
			return nil, nil, sunshine.FieldInvalid("agency_estimated_on", "is only for a message from the agency; set the request's own under its details")
		}
	}
	if c.ExemptionsCited == nil {
		c.ExemptionsCited = []string{}
	}
	var out *sunshine.Communication
	r, err := s.mutate(ctx, requestID, func(tx *sqlx.Tx, r *sunshine.Request) error {
		if err := s.checkOccurredOn(r, &c); err != nil {
			return err
		}
		var err error
		out, err = s.logCommunication(ctx, tx, r, c, in, nil, "", attach...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return out, r, nil
}

// logCommunication writes communication c of request r, locked by the
// caller and checked (CreateCommunication; a letter email the mail server
// accepted), with its event (extra data and a note, for a letter email),
// attachments and effect on the request.
func (s *Store) logCommunication(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, c sunshine.Communication, in sunshine.CommunicationInput,
	extra map[string]any, note string, attach ...*SpooledDocument) (*sunshine.Communication, error) {
	version := r.Version
	c.OrgID, c.RequestID = r.OrgID, r.ID
	if c.CreatedBy == nil {
		c.CreatedBy = actorID(ctx)
	}
	// One statement writes the communication and, for a long body, its
	// snippet chunks (see communicationChunks).
	q := `WITH m AS (INSERT INTO communications (org_id, request_id, direction, channel, kind, occurred_on, from_party, to_party,
			subject, body, exemptions_cited, fee_amount, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13) RETURNING *),
		chunks AS (INSERT INTO communication_text_chunks (communication_id, n, text)
			SELECT m.id, c.n, c.chunk FROM m CROSS JOIN text_chunks(m.body) c)
		SELECT ` + commColumns + ` FROM m`
	var row commRow
	err := sqlx.GetContext(ctx, tx, &row, q, c.OrgID, c.RequestID, c.Direction, c.Channel, c.Kind, c.OccurredOn,
		c.From, c.To, c.Subject, c.Body, pq.Array(c.ExemptionsCited), c.FeeAmount, c.CreatedBy)
	if err != nil {
		return nil, commErr(err)
	}
	out := row.domain()
	data := map[string]any{"communication_id": out.ID, "kind": out.Kind, "direction": out.Direction, "subject": out.Subject}
	if in.EmailDocumentID != "" {
		data["email_document_id"] = in.EmailDocumentID
	}
	maps.Copy(data, extra)
	if err := addEvent(ctx, tx, r, sunshine.EventCommunication, out.OccurredOn, note, data); err != nil {
		return nil, err
	}
	if in.EmailDocumentID != "" {
		if err := attachEmail(ctx, tx, r, in.EmailDocumentID, out.ID); err != nil {
			return nil, err
		}
	}
	for _, a := range attach {
		if a.nd.RequestID != r.ID {
			return nil, errors.New("store: an attachment spooled for another request")
		}
		if _, err := a.insert(ctx, tx, r, &out.ID); err != nil {
			return nil, err
		}
	}
	if err := s.applyEffect(ctx, tx, r, out, in); err != nil {
		return nil, err
	}
	// The agency's tracking number and estimate, as its message gives
	// them: after the effect, so an acknowledgment's estimate follows
	// the status it brings.
	if err := s.update(ctx, tx, r, agencyDetails(in)); err != nil && !errors.Is(err, errNoChange) {
		return nil, err
	}
	if r.Version == version {
		// No effect saved the request, but it changed all the same (its
		// correspondence, last_communication_on): a client that syncs
		// on version or updated_at, or holds an ETag, must see that.
		return out, touchRequest(ctx, tx, r)
	}
	return out, nil
}

// agencyDetails is the request's details an agency's message gives: its
// tracking number and estimate.
func agencyDetails(in sunshine.CommunicationInput) sunshine.RequestUpdate {
	var details sunshine.RequestUpdate
	if in.TrackingNumber != "" {
		details.TrackingNumber = &in.TrackingNumber
	}
	if !in.AgencyEstimatedOn.IsZero() {
		details.AgencyEstimatedOn = &in.AgencyEstimatedOn
	}
	return details
}

// attachEmail attaches e-mail document docID of request r, locked by the
// caller, to communication commID: it must be live, an e-mail message and
// attached to no communication yet.
func attachEmail(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, docID, commID string) error {
	const q = `UPDATE documents SET communication_id = $4 WHERE org_id = $1 AND id = $2 AND request_id = $3
		AND deleted_at IS NULL AND communication_id IS NULL AND (content_type LIKE 'message/rfc822%' OR content_type = 'application/vnd.ms-outlook') RETURNING id`
	var id string
	err := tx.QueryRowxContext(ctx, q, r.OrgID, docID, r.ID, commID).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return translate(err, "document")
	}
	d, err := findDocument(ctx, tx, r.OrgID, docID)
	switch {
	case sunshine.ErrorCode(err) == sunshine.ENotFound || (err == nil && d.RequestID != r.ID):
		return errNoEmailDocument
	case err != nil:
		return err
	case d.CommunicationID != nil:
		return emailAttached(d)
	}
	return sunshine.FieldInvalid("email_document_id", "%s is not an e-mail message (.eml or .msg)", d.Filename)
}

// commErr translates a failed write of a communication. Only its body can
// hold more distinct words than the search index takes (1 MiB of them), so
// that refusal names the body.
func commErr(err error) error {
	if tooManyWords(err) {
		return sunshine.FieldInvalid("body", "has too many different words to index for search; upload a text this long as a document instead")
	}
	return translate(err, "communication")
}

// applyEffect changes the request as the communication says.
func (s *Store) applyEffect(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request, c *sunshine.Communication, in sunshine.CommunicationInput) error {
	// The note ends each resulting timeline line: "Status changed from
	// submitted to acknowledged. Following the acknowledgment of Wed 29 Mar
	// 2017".
	on, note := c.OccurredOn, "Following the "+strings.ReplaceAll(string(c.Kind), "_", " ")+" of "+c.OccurredOn.Format("Mon 2 Jan 2006")
	move := func(to sunshine.Status) error {
		if r.Status == to {
			return nil
		}
		if err := sunshine.CheckTransition(r.Status, to); err != nil {
			return err
		}
		return s.transition(ctx, tx, r, sunshine.TransitionInput{To: to, EffectiveOn: on, Note: note})
	}
	if c.Direction == sunshine.DirectionOut {
		if r.Status == sunshine.StatusAwaitingRequester && (c.Kind == sunshine.KindFollowUp || c.Kind == sunshine.KindOther) {
			prev, err := statusBeforePause(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			if prev == sunshine.StatusSubmitted {
				if prev, err = answeredByClarification(ctx, tx, r); err != nil {
					return err
				}
			}
			return move(prev)
		}
		return nil
	}
	switch c.Kind {
	case sunshine.KindAcknowledgment:
		if r.Status == sunshine.StatusSubmitted {
			return move(sunshine.StatusAcknowledged)
		}
	case sunshine.KindClarificationRequest:
		// Where asking to clarify is a response the period is for
		// (Washington), the request was answered in time: acknowledged,
		// then waiting on us, and acknowledged again once we reply.
		if j, err := deadline.Lookup(r.Jurisdiction); err == nil && j.ClarificationCitation != "" && r.Status == sunshine.StatusSubmitted {
			if err := move(sunshine.StatusAcknowledged); err != nil {
				return err
			}
		}
		return move(sunshine.StatusAwaitingRequester)
	case sunshine.KindFeeEstimate:
		return move(sunshine.StatusAwaitingRequester)
	case sunshine.KindExtensionNotice:
		j, err := deadline.Lookup(r.Jurisdiction)
		if err != nil {
			return err
		}
		switch {
		case r.ExtensionNoticeLate(on):
			// Logged, but too late to extend: the timeline says why the
			// date stays. A date the agency announced is kept there, not
			// followed: it would take the request out of overdue on the
			// agency's word alone; staff who accept it set it as the
			// custom due date.
			data := map[string]any{"due_on": r.DueOn, "citation": j.Extension.Citation}
			if !in.CustomDueOn.IsZero() {
				data["announced_on"] = in.CustomDueOn
			}
			return addEvent(ctx, tx, r, sunshine.EventExtensionLate, on, note, data)
		case j.Extension != nil && !r.Extended:
			if err := s.extend(ctx, tx, r, on, note); err != nil {
				return err
			}
			if in.CustomDueOn.IsZero() {
				return nil
			}
		case in.CustomDueOn.IsZero():
			if r.Extended {
				return sunshine.Errorf(sunshine.EConflict, "the extension was already invoked on %s; give custom_due_on to record the new date the agency announced", r.ExtensionInvokedOn)
			}
			return &sunshine.Error{Code: sunshine.EUnprocessable,
				Message: j.Law + " has no fixed extension (" + j.NoExtension + "); give custom_due_on, the date the agency announced",
				Fields:  []sunshine.FieldError{{Field: "custom_due_on", Message: "is required: " + j.Law + " has no fixed extension"}}}
		}
		return setCustomDue(ctx, tx, r, in.CustomDueOn, on, note)
	case sunshine.KindRecordsRelease:
		to := sunshine.StatusRollingProduction
		if in.ResultingStatus != "" {
			if in.ResultingStatus.Open() {
				return sunshine.FieldInvalid("resulting_status", "must be a closed status (fulfilled, partially_granted, no_records, …)")
			}
			to = in.ResultingStatus
		}
		return move(to)
	case sunshine.KindDenial:
		return move(sunshine.StatusDenied)
	case sunshine.KindPartialDenial:
		return move(sunshine.StatusPartiallyGranted)
	}
	return nil
}

// statusBeforePause is the status a request had when it last started
// waiting on the requester.
func statusBeforePause(ctx context.Context, q sqlx.QueryerContext, requestID string) (sunshine.Status, error) {
	var prev string
	const query = `SELECT data->>'from' FROM request_events
		WHERE request_id = $1 AND kind = 'status_changed' AND data->>'to' = 'awaiting_requester'
		ORDER BY seq DESC LIMIT 1`
	err := sqlx.GetContext(ctx, q, &prev, query, requestID)
	if sunshine.ErrorCode(translate(err, "")) == sunshine.ENotFound || prev == "" {
		return sunshine.StatusAcknowledged, nil
	}
	if err != nil {
		return "", translate(err, "events")
	}
	return sunshine.Status(prev), nil
}

// answeredByClarification is where a request that went from submitted to
// waiting on us returns once we reply: submitted, unless its law counts the
// agency's request for clarification as a response (Washington) and the
// pause began with one. Only a request paused before Sunshine counted it
// so gets here (now the clarification request acknowledges the request
// first): it is acknowledged as of that letter.
func answeredByClarification(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request) (sunshine.Status, error) {
	if j, err := deadline.Lookup(r.Jurisdiction); err != nil || j.ClarificationCitation == "" {
		return sunshine.StatusSubmitted, nil
	}
	const q = `SELECT max(c.occurred_on) FROM communications c
		JOIN request_pauses p ON p.org_id = c.org_id AND p.request_id = c.request_id AND p.ended_on IS NULL
		WHERE c.org_id = $1 AND c.request_id = $2 AND c.direction = 'in' AND c.kind = $3 AND c.occurred_on = p.started_on`
	var on *deadline.Date
	if err := tx.GetContext(ctx, &on, q, r.OrgID, r.ID, sunshine.KindClarificationRequest); err != nil {
		return "", translate(err, "communications")
	}
	if on == nil {
		return sunshine.StatusSubmitted, nil
	}
	if r.AcknowledgedOn.IsZero() {
		r.AcknowledgedOn = *on // the transition keeps it: the first response
	}
	return sunshine.StatusAcknowledged, nil
}

// DeleteCommunication removes a communication logged by mistake (on the
// wrong request, or twice). Nothing is lost: the timeline keeps it whole in
// a communication_deleted entry with the reason, and its documents stay on
// the request, attached to no communication. What logging it did to the
// request (a status, an extension, a pause) stays: that is changed on the
// request itself. It returns the communication as it was.
func (s *Store) DeleteCommunication(ctx context.Context, id, reason string) (*sunshine.Communication, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return nil, sunshine.FieldInvalid("reason", "must be at most 2000 characters")
	}
	var c *sunshine.Communication
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r *sunshine.Request
		if r, c, err = s.lockCommunication(ctx, tx, org, id, "read it again before deleting it"); err != nil {
			return err
		}
		var docs []string
		const detach = `UPDATE documents SET communication_id = NULL WHERE org_id = $1 AND communication_id = $2 RETURNING id`
		if err := sqlx.SelectContext(ctx, tx, &docs, detach, org, id); err != nil {
			return translate(err, "documents")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM communications WHERE org_id = $1 AND id = $2`, org, id); err != nil {
			return translate(err, "communication")
		}
		if docs == nil {
			docs = []string{}
		}
		data := map[string]any{"communication_id": c.ID, "communication": c, "documents_detached": docs}
		if err := addEvent(ctx, tx, r, sunshine.EventCommDeleted, s.today(r), strings.TrimSpace(reason), data); err != nil {
			return err
		}
		return touchRequest(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// FindCommunications lists a page of a request's correspondence, oldest
// first: at most limit rows (All for every one) after the cursor, fewer
// where their bodies pass the page's budget, and the cursor of the next
// page ("" on the last).
func (s *Store) FindCommunications(ctx context.Context, requestID string, limit int, after string) ([]*sunshine.Communication, string, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, "", err
	}
	limit = pageLimit(limit)
	args := []any{org, requestID, pageBudget(limit)}
	keyset := ""
	if after != "" {
		key, id, ok := decodeCursor("communications", after)
		day, at, ok2 := splitKey(key)
		on, err := deadline.ParseDate(day)
		t, ok3 := parseTimeKey(at)
		if !ok || !ok2 || err != nil || !ok3 {
			return nil, "", badCursor()
		}
		args = append(args, on, t, id)
		keyset = ` AND (occurred_on, created_at, id) > ($4, $5, $6::uuid)`
	}
	// The page's candidates are chosen by the bodies' lengths alone (read
	// from their TOAST headers); only those within the budget are read.
	q := `WITH page AS (
			SELECT id, sum(octet_length(body)) OVER (ORDER BY occurred_on, created_at, id) - octet_length(body) AS before
			FROM communications WHERE org_id = $1 AND request_id = $2` + keyset + `
			ORDER BY occurred_on, created_at, id` + limitClause(limit) + `
		)
		SELECT ` + commColumns + `, (SELECT count(*) FROM page) AS candidates
		FROM communications JOIN page USING (id) WHERE page.before < $3
		ORDER BY occurred_on, created_at, id`
	var rows []struct {
		commRow
		Candidates int `db:"candidates"`
	}
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, args...); err != nil {
		return nil, "", translate(err, "communications")
	}
	out := make([]*sunshine.Communication, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	candidates := 0
	if len(rows) > 0 {
		candidates = rows[0].Candidates
	}
	out, next := budgetPage(out, candidates, limit, func(c *sunshine.Communication) string {
		return encodeCursor("communications", c.OccurredOn.String()+" "+timeKey(c.CreatedAt), c.ID)
	})
	return out, next, nil
}

// FindCommunicationsBrief lists every communication of a request, oldest
// first, each body cut to its first chars characters, with BodyBytes its
// whole size: what a page shows of a history whose bodies may be 1 MB each.
func (s *Store) FindCommunicationsBrief(ctx context.Context, requestID string, chars int) ([]*sunshine.Communication, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + commBriefColumns + ` FROM communications WHERE org_id = $1 AND request_id = $2
		ORDER BY occurred_on, created_at, id`
	var rows []commRow
	if err := sqlx.SelectContext(ctx, s.q(), &rows, q, org, requestID, chars); err != nil {
		return nil, translate(err, "communications")
	}
	out := make([]*sunshine.Communication, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// FindCommunicationByID returns a communication of the caller's organization.
func (s *Store) FindCommunicationByID(ctx context.Context, id string) (*sunshine.Communication, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findCommunication(ctx, s.q(), org, id, false)
}

func findCommunication(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*sunshine.Communication, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "communication not found")
	}
	query := `SELECT ` + commColumns + ` FROM communications WHERE org_id = $1 AND id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	var row commRow
	if err := sqlx.GetContext(ctx, q, &row, query, org, id); err != nil {
		return nil, translate(err, "communication")
	}
	return row.domain(), nil
}

// UpdateCommunication edits a communication; the previous version is kept
// in the request's timeline, and the request's version goes up (its
// correspondence changed). With WithIfMatch in ctx it changes the
// communication only while it is still at that version (EPrecondition
// otherwise): a form that sends every field must not overwrite a change
// made since it was filled.
func (s *Store) UpdateCommunication(ctx context.Context, id string, upd sunshine.CommunicationUpdate) (*sunshine.Communication, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var c *sunshine.Communication
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, cur, err := s.lockCommunication(ctx, tx, org, id, "read it again and reapply your change")
		if err != nil {
			return err
		}
		c = cur
		prev := *c
		setStr := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		setStr(&c.Channel, upd.Channel)
		setStr(&c.From, upd.From)
		setStr(&c.To, upd.To)
		setStr(&c.Subject, upd.Subject)
		setStr(&c.Body, upd.Body)
		if upd.OccurredOn != nil {
			c.OccurredOn = *upd.OccurredOn
		}
		if upd.ExemptionsCited != nil {
			c.ExemptionsCited = slices.Clone(*upd.ExemptionsCited)
		}
		if upd.FeeAmount != nil {
			c.FeeAmount = *upd.FeeAmount
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if upd.OccurredOn != nil {
			if err := s.checkOccurredOn(r, c); err != nil {
				return err
			}
		}
		q := `UPDATE communications SET channel = $3, occurred_on = $4, from_party = $5, to_party = $6, subject = $7,
			body = $8, exemptions_cited = $9, fee_amount = $10::numeric, updated_at = now(), version = version + 1
			WHERE org_id = $1 AND id = $2 RETURNING ` + commColumns
		var row commRow
		if err := sqlx.GetContext(ctx, tx, &row, q, org, id, c.Channel, c.OccurredOn, c.From, c.To, c.Subject, c.Body,
			pq.Array(c.ExemptionsCited), c.FeeAmount); err != nil {
			return commErr(err)
		}
		if upd.Body != nil {
			if err := communicationChunks.rewrite(ctx, tx, id); err != nil {
				return err
			}
		}
		c = row.domain()
		if err := addEvent(ctx, tx, r, sunshine.EventCommEdited, c.OccurredOn, "", map[string]any{"communication_id": c.ID, "previous": prev}); err != nil {
			return err
		}
		// The acknowledgment that gave the request its acknowledgment day
		// moves it when its date is corrected: the day decides whether a
		// FOIL or PRA statutory date was met or missed.
		if acknowledges(r, c) && c.OccurredOn != prev.OccurredOn && r.AcknowledgedOn == prev.OccurredOn {
			// Unless another letter of that day, or earlier, still
			// acknowledges the request, the day is the earliest of this
			// letter's new date and the others'.
			var others deadline.Date // zero: no other letter
			const q = `SELECT min(occurred_on) FROM communications WHERE org_id = $1 AND request_id = $2 AND id <> $3
				AND direction = 'in' AND kind = ANY($4)`
			if err := sqlx.GetContext(ctx, tx, &others, q, org, r.ID, c.ID, pq.Array(acknowledgingKinds(r))); err != nil {
				return translate(err, "communications")
			}
			if others.IsZero() || others.After(prev.OccurredOn) {
				r.AcknowledgedOn = c.OccurredOn
				if !others.IsZero() && others.Before(c.OccurredOn) {
					r.AcknowledgedOn = others
				}
				return saveRequest(ctx, tx, r)
			}
		}
		return touchRequest(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lockCommunication locks communication id's request, then the
// communication, in the order every change to a request takes them (a
// document attached to the communication locks the request, then refers
// to the communication): the other order could deadlock with it. An
// If-Match version in ctx that is not the communication's is refused,
// with advice on what to do.
func (s *Store) lockCommunication(ctx context.Context, tx *sqlx.Tx, org, id, advice string) (*sunshine.Request, *sunshine.Communication, error) {
	c, err := findCommunication(ctx, tx, org, id, false)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.findRequest(ctx, tx, org, c.RequestID, true)
	if err != nil {
		return nil, nil, err
	}
	if c, err = findCommunication(ctx, tx, org, id, true); err != nil {
		return nil, nil, err
	}
	if want, ok := ctx.Value(ifMatchKey{}).(int); ok && want != c.Version {
		return nil, nil, sunshine.Errorf(sunshine.EPrecondition,
			"the communication changed since you read it (version %d, you had %d); %s", c.Version, want, advice)
	}
	return r, c, nil
}

// acknowledgingKinds are the kinds of the agency's letters whose logging
// marks request r acknowledged (Request.AcknowledgedOn): an acknowledgment,
// a release, and where the law counts one as a response (Washington), a
// request for clarification.
func acknowledgingKinds(r *sunshine.Request) []string {
	kinds := []string{string(sunshine.KindAcknowledgment), string(sunshine.KindRecordsRelease)}
	if j, err := deadline.Lookup(r.Jurisdiction); err == nil && j.ClarificationCitation != "" {
		kinds = append(kinds, string(sunshine.KindClarificationRequest))
	}
	return kinds
}

// acknowledges reports a letter from the agency whose logging marks r
// acknowledged.
func acknowledges(r *sunshine.Request, c *sunshine.Communication) bool {
	return c.Direction == sunshine.DirectionIn && slices.Contains(acknowledgingKinds(r), string(c.Kind))
}

// commNoun names a kind in words: "follow up" → "follow-up".
func commNoun(k sunshine.CommKind) string {
	if k == sunshine.KindFollowUp {
		return "follow-up"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// CheckOccurredOn is the check CreateCommunication makes of c's date
// against r (checkOccurredOn) once c's own fields are right: for a form
// that names every mistake at once. It reads nothing; CreateCommunication
// checks again on the request as it then is.
func (s *Store) CheckOccurredOn(r *sunshine.Request, c *sunshine.Communication) error {
	return s.checkOccurredOn(r, c)
}

// checkOccurredOn refuses a communication dated in the future, an
// agency's reply dated before the agency received the request, or our
// follow-up or appeal dated before we sent it (its sent date, else its
// receipt date).
func (s *Store) checkOccurredOn(r *sunshine.Request, c *sunshine.Communication) error {
	if !r.ReceivedOn.IsZero() && c.OccurredOn.Before(r.ReceivedOn) && c.Direction == sunshine.DirectionIn {
		return sunshine.FieldInvalid("occurred_on", "an agency's reply cannot come before the request was received (%s)", r.ReceivedOn)
	}
	sent := r.SentOn
	if sent.IsZero() {
		sent = r.ReceivedOn
	}
	if !sent.IsZero() && c.OccurredOn.Before(sent) && (c.Kind == sunshine.KindFollowUp || c.Kind == sunshine.KindAppeal) {
		return sunshine.FieldInvalid("occurred_on", "a %s cannot come before the request was sent (%s)", commNoun(c.Kind), sent)
	}
	return s.notFuture(r, "occurred_on", c.OccurredOn)
}
