package store

import (
	"context"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
)

// AddNote records an internal note on a request: a note_added event by the
// caller, its text (sunshine.NoteText) in the note, with no effective date
// (it was written when it was created). A note is no correspondence and
// changes nothing on the request, open or closed: not its version, its
// dates or its reminders; a correction is another note.
//
// A note may mention people of the organization (mentionIDs, each an
// active person's ID; repeats count once): the event's data lists them
// (mention_ids) and each is emailed the note (a 'mentioned' reminder),
// but not its writer, nor whoever chose not to get such emails. Without
// mentions the event's data is {}.
func (s *Store) AddNote(ctx context.Context, requestID, text string, mentionIDs ...string) (*sunshine.Event, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if text, err = sunshine.NoteText(text); err != nil {
		return nil, err
	}
	mentions, err := mentionList(mentionIDs)
	if err != nil {
		return nil, err
	}
	if !validUUID(requestID) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "request not found")
	}
	var e sunshine.Event
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkMentioned(ctx, tx, org, mentions); err != nil {
			return err
		}
		// One statement: the request must be the caller's organization's
		// (another organization's is ENotFound), and nothing else needs
		// locking. The reminders' payload is the note's event.
		const q = `WITH ev AS (
				INSERT INTO request_events (org_id, request_id, actor_id, kind, note, data)
				SELECT r.org_id, r.id, $3, $4, $5,
					CASE WHEN cardinality($6::text[]) = 0 THEN '{}'::jsonb ELSE jsonb_build_object('mention_ids', $6::text[]) END
				FROM requests r WHERE r.org_id = $1 AND r.id = $2
				RETURNING id, request_id, actor_id, kind, effective_on, note, data, created_at),
			told AS (
				INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, sender_id, payload)
				SELECT $1, u.id, 'mentioned', local.day, local.day, $7, $3, ev.id
				FROM ev, users u
				CROSS JOIN LATERAL (SELECT ($7::timestamptz AT TIME ZONE o.time_zone)::date AS day
					FROM organizations o WHERE o.id = $1) local
				LEFT JOIN user_preferences up ON up.user_id = u.id
				WHERE u.org_id = $1 AND u.id = ANY($6::uuid[]) AND u.id IS DISTINCT FROM $3::uuid
				  AND COALESCE('mentioned' = ANY(up.kinds), true))
			SELECT * FROM ev`
		err := sqlx.GetContext(ctx, tx, &e, q, org, requestID, actorID(ctx), sunshine.EventNoteAdded, text,
			pq.StringArray(mentions), s.clock.Now())
		return translate(err, "request")
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// mentionList checks the IDs of the people a note mentions, as given, and
// returns them in the database's form (lower case), without repeats, in
// their order; never nil (pq.Array(nil) is NULL).
func mentionList(ids []string) ([]string, error) {
	out, seen := []string{}, map[string]bool{}
	for _, id := range ids {
		if !validUUID(id) {
			return nil, sunshine.FieldInvalid("mention_ids", "must be the IDs of people of the organization: %q is not one", id)
		}
		if id = strings.ToLower(id); !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
		if len(out) > sunshine.MaxMentions { // (before reading a huge list whole)
			return nil, sunshine.FieldInvalid("mention_ids", "must name at most %d people", sunshine.MaxMentions)
		}
	}
	return out, nil
}

// checkMentioned refuses a mention of anyone who is not an active person of
// the organization (another organization's people are unknown here).
func checkMentioned(ctx context.Context, tx sqlx.QueryerContext, org string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var active []string
	const q = `SELECT u.id FROM users u WHERE u.org_id = $1 AND u.id = ANY($2::uuid[]) AND ` + activeUser
	if err := sqlx.SelectContext(ctx, tx, &active, q, org, pq.StringArray(ids)); err != nil {
		return translate(err, "people")
	}
	for _, id := range ids {
		if !slices.Contains(active, id) {
			return sunshine.FieldInvalid("mention_ids", "must be active people of the organization: %s is not one", id)
		}
	}
	return nil
}

// Mention is a note as its email to someone it mentions tells it
// (reminder kind 'mentioned').
type Mention struct {
	sunshine.Event
	Writer string `db:"writer"` // "Ana Ruiz", their email when they have no name; "" for none (a token's)
	// WriterEmail is where a reply goes; "" for none.
	WriterEmail string `db:"writer_email"`
	// Others are the other people the note mentions, by name.
	Others []string `db:"-"`
}

// MentionEmail reads the note a 'mentioned' reminder is about.
func (s *Store) MentionEmail(ctx context.Context, reminderID string) (*Mention, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var row struct {
		Mention
		Others pq.StringArray `db:"others"`
	}
	const q = `SELECT e.id, e.request_id, e.actor_id, e.kind, e.effective_on, e.note, e.data, e.created_at,
			COALESCE(NULLIF(w.name, ''), w.email, '') AS writer, COALESCE(w.email, '') AS writer_email,
			ARRAY(SELECT COALESCE(NULLIF(u.name, ''), u.email) FROM jsonb_array_elements_text(e.data->'mention_ids') WITH ORDINALITY x(id, n)
				JOIN users u ON u.org_id = e.org_id AND u.id = x.id::uuid
				WHERE u.id <> m.recipient_id ORDER BY x.n) AS others
		FROM reminders m
		JOIN request_events e ON e.org_id = m.org_id AND e.id = NULLIF(m.payload, '')::uuid
		LEFT JOIN users w ON w.org_id = e.org_id AND w.id = e.actor_id
		WHERE m.org_id = $1 AND m.id = $2 AND m.kind = 'mentioned'`
	if !validUUID(reminderID) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "email not found")
	}
	if err := sqlx.GetContext(ctx, s.q(), &row, q, org, reminderID); err != nil {
		return nil, translate(err, "mention")
	}
	row.Mention.Others = row.Others
	return &row.Mention, nil
}
