package store

import (
	"context"

	"github.com/jmoiron/sqlx"

	sunshine "github.com/sunshine-records/sunshine"
)

// AddNote records an internal note on a request: a note_added event by the
// caller, its text (sunshine.NoteText) in the note, with no effective date
// (it was written when it was created) and no data. A note is no
// correspondence and changes nothing on the request, open or closed: not
// its version, its dates or its reminders; a correction is another note.
// It is one statement: the request must be the caller's organization's
// (another organization's is ENotFound), and nothing else needs locking.
func (s *Store) AddNote(ctx context.Context, requestID, text string) (*sunshine.Event, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if text, err = sunshine.NoteText(text); err != nil {
		return nil, err
	}
	if !validUUID(requestID) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "request not found")
	}
	// data is left to its default, {}: every event's is an object.
	const q = `INSERT INTO request_events (org_id, request_id, actor_id, kind, note)
		SELECT r.org_id, r.id, $3, $4, $5 FROM requests r WHERE r.org_id = $1 AND r.id = $2
		RETURNING id, request_id, actor_id, kind, effective_on, note, data, created_at`
	var e sunshine.Event
	if err := sqlx.GetContext(ctx, s.q(), &e, q, org, requestID, actorID(ctx), sunshine.EventNoteAdded, text); err != nil {
		return nil, translate(err, "request")
	}
	return &e, nil
}
