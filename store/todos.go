package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A request's to-dos (sunshine.Todo): each is emailed to its person on its
// day, in one email a person a day listing every open to-do of theirs due
// by then (reminder kind 'todo', no request, read when it is sent), and
// each change is an event in its request's timeline.

// todoSelect reads to-dos t with the names the pages show.
const todoSelect = `SELECT t.id, t.request_id, r.title AS request_title, t.text, t.due_on, t.assignee_id,
	COALESCE(NULLIF(a.name, ''), a.email) AS assignee_name, t.created_by, t.created_at, t.done_at IS NOT NULL AS done, t.done_at, t.done_by,
	COALESCE(NULLIF(d.name, ''), d.email, '') AS done_by_name
	FROM todos t
	JOIN requests r ON r.id = t.request_id
	JOIN users a ON a.id = t.assignee_id
	LEFT JOIN users d ON d.id = t.done_by`

// OrgToday returns the caller's organization's date now: the day to-dos
// are dated in.
func (s *Store) OrgToday(ctx context.Context) (deadline.Date, error) {
	org, err := orgID(ctx)
	if err != nil {
		return deadline.Date{}, err
	}
	return s.orgToday(ctx, s.q(), org)
}

func (s *Store) orgToday(ctx context.Context, q sqlx.QueryerContext, org string) (deadline.Date, error) {
	var today deadline.Date
	err := sqlx.GetContext(ctx, q, &today, `SELECT ($2::timestamptz AT TIME ZONE time_zone)::date FROM organizations WHERE id = $1`,
		org, s.clock.Now())
	return today, translate(err, "organization")
}

// AddTodo adds a to-do to a request of the caller's organization, for
// in.AssigneeID (an active person of the organization) or the caller, and
// queues its email for the morning of its day.
func (s *Store) AddTodo(ctx context.Context, requestID string, in sunshine.TodoInput) (*sunshine.Todo, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if in.AssigneeID == nil || *in.AssigneeID == "" {
		if in.AssigneeID = actorID(ctx); in.AssigneeID == nil {
			return nil, sunshine.FieldInvalid("assignee_id", "is required: whose to-do it is")
		}
	}
	var id string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.findRequest(ctx, tx, org, requestID, false)
		if err != nil {
			return err
		}
		today, err := s.orgToday(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := in.Validate(true, today); err != nil {
			return err
		}
		if err := checkAssignee(ctx, tx, org, in.AssigneeID); err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO todos (org_id, request_id, text, due_on, assignee_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, org, r.ID, *in.Text, *in.DueOn, *in.AssigneeID, actorID(ctx), s.clock.Now())
		if err != nil {
			return translate(err, "to-do")
		}
		if err := s.queueTodoEmail(ctx, tx, org, *in.AssigneeID, *in.DueOn, today, id); err != nil {
			return err
		}
		return addEvent(ctx, tx, r, sunshine.EventTodoAdded, today, *in.Text, todoEventData(id, *in.DueOn, *in.AssigneeID))
	})
	if err != nil {
		return nil, err
	}
	return s.FindTodo(ctx, id)
}

// todoEventData is what a to-do's event keeps besides its text (the
// event's note): which to-do, its day and its person.
func todoEventData(id string, due deadline.Date, assignee string) map[string]string {
	return map[string]string{"todo_id": id, "due_on": due.String(), "assignee_id": assignee}
}

// UpdateTodo changes a to-do of the caller's organization: its text, day
// or person, or marks it done or not done. A new day or person queues the
// email for it; an unchanged field changes nothing, and a call that
// changes nothing records nothing.
func (s *Store) UpdateTodo(ctx context.Context, todoID string, in sunshine.TodoInput) (*sunshine.Todo, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var out *sunshine.Todo
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, err := findTodo(ctx, tx, org, todoID, true)
		if err != nil {
			return err
		}
		out = t
		today, err := s.orgToday(ctx, tx, org)
		if err != nil {
			return err
		}
		// An unchanged day passes even when it is past: a late to-do can
		// be marked done, or reworded, without being moved.
		if in.DueOn != nil && *in.DueOn == t.DueOn {
			in.DueOn = nil
		}
		// What is as it was changes nothing.
		if in.AssigneeID != nil && (*in.AssigneeID == "" || *in.AssigneeID == t.AssigneeID) {
			in.AssigneeID = nil
		}
		if in.Done != nil && *in.Done == t.Done {
			in.Done = nil
		}
		if err := in.Validate(false, today); err != nil {
			return err
		}
		if err := checkAssignee(ctx, tx, org, in.AssigneeID); err != nil {
			return err
		}
		kind, changed := todoChange(t, in)
		if kind == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE todos SET text = COALESCE($3, text), due_on = COALESCE($4, due_on),
			assignee_id = COALESCE($5, assignee_id),
			done_at = CASE WHEN $6::boolean IS NULL THEN done_at WHEN $6 THEN $7 END,
			done_by = CASE WHEN $6::boolean IS NULL THEN done_by WHEN $6 THEN $8::uuid END
			WHERE org_id = $1 AND id = $2`, org, t.ID, in.Text, in.DueOn, in.AssigneeID, in.Done, s.clock.Now(), actorID(ctx))
		if err != nil {
			return translate(err, "to-do")
		}
		after, err := findTodo(ctx, tx, org, t.ID, false)
		if err != nil {
			return err
		}
		out = after
		if !after.Done && (in.DueOn != nil || in.AssigneeID != nil || in.Done != nil) {
			if err := s.queueTodoEmail(ctx, tx, org, after.AssigneeID, after.DueOn, today, after.ID); err != nil {
				return err
			}
		}
		r, err := s.findRequest(ctx, tx, org, t.RequestID, false)
		if err != nil {
			return err
		}
		data := todoEventData(t.ID, after.DueOn, after.AssigneeID)
		for k, v := range changed {
			data[k] = v
		}
		return addEvent(ctx, tx, r, kind, today, after.Text, data)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// todoChange names the event a change to t records, "" for none, and
// what it changed from (the fields' old values, "was_…").
func todoChange(t *sunshine.Todo, in sunshine.TodoInput) (sunshine.EventKind, map[string]string) {
	changed := map[string]string{}
	if in.Text != nil && *in.Text != t.Text {
		changed["was_text"] = t.Text
	}
	if in.DueOn != nil {
		changed["was_due_on"] = t.DueOn.String()
	}
	if in.AssigneeID != nil {
		changed["was_assignee_id"] = t.AssigneeID
	}
	switch {
	case in.Done != nil && *in.Done:
		return sunshine.EventTodoDone, changed
	case in.Done != nil:
		return sunshine.EventTodoReopened, changed
	case len(changed) > 0:
		return sunshine.EventTodoChanged, changed
	}
	return "", nil
}

// DeleteTodo removes a to-do of the caller's organization (set by
// mistake, no longer wanted); its request's timeline keeps what it was.
func (s *Store) DeleteTodo(ctx context.Context, todoID string) error {
	org, err := orgID(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		t, err := findTodo(ctx, tx, org, todoID, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM todos WHERE org_id = $1 AND id = $2`, org, t.ID); err != nil {
			return translate(err, "to-do")
		}
		r, err := s.findRequest(ctx, tx, org, t.RequestID, false)
		if err != nil {
			return err
		}
		today, err := s.orgToday(ctx, tx, org)
		if err != nil {
			return err
		}
		return addEvent(ctx, tx, r, sunshine.EventTodoRemoved, today, t.Text, todoEventData(t.ID, t.DueOn, t.AssigneeID))
	})
}

// FindTodo returns a to-do of the caller's organization.
func (s *Store) FindTodo(ctx context.Context, todoID string) (*sunshine.Todo, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	return findTodo(ctx, s.q(), org, todoID, false)
}

func findTodo(ctx context.Context, q sqlx.QueryerContext, org, id string, lock bool) (*sunshine.Todo, error) {
	if !validUUID(id) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "to-do not found")
	}
	query := todoSelect + ` WHERE t.org_id = $1 AND t.id = $2`
	if lock {
		query += ` FOR UPDATE OF t`
	}
	var t sunshine.Todo
	err := sqlx.GetContext(ctx, q, &t, query, org, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sunshine.Errorf(sunshine.ENotFound, "to-do not found")
	}
	if err != nil {
		return nil, translate(err, "to-do")
	}
	return &t, nil
}

// RequestTodos returns a request's to-dos: the open ones by day, then the
// done ones, the last done first.
func (s *Store) RequestTodos(ctx context.Context, requestID string) ([]*sunshine.Todo, error) {
	org, err := s.requestOrg(ctx, requestID)
	if err != nil {
		return nil, err
	}
	var ts []*sunshine.Todo
	err = sqlx.SelectContext(ctx, s.q(), &ts, todoSelect+` WHERE t.org_id = $1 AND t.request_id = $2
		ORDER BY t.done_at IS NOT NULL, CASE WHEN t.done_at IS NULL THEN t.due_on END, t.done_at DESC, t.created_at, t.id`, org, requestID)
	return ts, translate(err, "to-dos")
}

// MaxOpenTodos is the most open to-dos OpenTodos returns.
const MaxOpenTodos = 200

// OpenTodos returns a person's open to-dos in the caller's organization
// due by a day (every one when by is zero), the earliest first, at most
// MaxOpenTodos.
func (s *Store) OpenTodos(ctx context.Context, userID string, by deadline.Date) ([]*sunshine.Todo, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	if !validUUID(userID) {
		return nil, nil
	}
	var byArg *deadline.Date
	if !by.IsZero() {
		byArg = &by
	}
	var ts []*sunshine.Todo
	err = sqlx.SelectContext(ctx, s.q(), &ts, todoSelect+` WHERE t.org_id = $1 AND t.assignee_id = $2 AND t.done_at IS NULL
		AND ($3::date IS NULL OR t.due_on <= $3) ORDER BY t.due_on, t.created_at, t.id LIMIT 200`, org, userID, byArg)
	return ts, translate(err, "to-dos")
}

// queueTodoEmail owes a person the email of their to-dos on a day, sent
// at their hour (their digest hour, 7:00 by default, in the
// organization's time zone), at once when it has passed. One already
// pending lists the new to-do when it goes (it reads them then); one
// being sent this instant is read again, so none is left out. One
// already sent that day goes again, listing the day's to-dos anew, when
// someone else set this one: its person would not know of it otherwise.
// For the same reason a to-do someone else sets, gives or moves to
// another day is in its person's email today too (payload, its ID): as
// late, or as coming up. A person's own late to-do owes nothing.
func (s *Store) queueTodoEmail(ctx context.Context, tx sqlx.ExtContext, org, userID string, day, today deadline.Date, todoID string) error {
	actor := actorID(ctx)
	someoneElse := actor == nil || *actor != userID
	switch {
	case day.Before(today) && !someoneElse:
		return nil // their own late to-do: they know
	case day.Before(today):
		return s.oweTodoEmail(ctx, tx, org, userID, today, todoID, true)
	case day == today:
		return s.oweTodoEmail(ctx, tx, org, userID, today, "", someoneElse)
	}
	if err := s.oweTodoEmail(ctx, tx, org, userID, day, "", false); err != nil {
		return err
	}
	if !someoneElse {
		return nil
	}
	return s.oweTodoEmail(ctx, tx, org, userID, today, todoID, true)
}

// oweTodoEmail writes a person's to-do email for a day: handed, a to-do
// listed besides that day's; again, one sent already goes again.
func (s *Store) oweTodoEmail(ctx context.Context, tx sqlx.ExtContext, org, userID string, day deadline.Date, handed string, again bool) error {
	const q = `INSERT INTO reminders (org_id, recipient_id, kind, due_on, occurrence, next_attempt_at, sender_id, payload)
		SELECT o.id, $2, 'todo', $3, $3, GREATEST($4, ($3::date + make_interval(hours => COALESCE(up.digest_hour, 7))) AT TIME ZONE o.time_zone), $6, $7
		FROM organizations o LEFT JOIN user_preferences up ON up.user_id = $2 WHERE o.id = $1
		ON CONFLICT (recipient_id, occurrence) WHERE kind = 'todo'
		DO UPDATE SET status = 'pending', attempts = 0, claimed_at = NULL, last_error = '', next_attempt_at = EXCLUDED.next_attempt_at,
			payload = CASE WHEN EXCLUDED.payload = '' THEN reminders.payload
				WHEN reminders.status <> 'pending' OR reminders.payload = '' THEN EXCLUDED.payload
				ELSE reminders.payload || ',' || EXCLUDED.payload END
		WHERE reminders.status = 'cancelled' OR (reminders.status = 'sent' AND $5)
			OR (reminders.status = 'pending' AND (reminders.claimed_at IS NOT NULL OR EXCLUDED.payload <> ''))`
	_, err := tx.ExecContext(ctx, q, org, userID, day, s.clock.Now(), again, actorID(ctx), handed)
	return translate(err, "to-do email")
}

// TodoEmail is what a person's to-do email for a day lists, read when it
// is sent: their open to-dos due that day or handed to them late that day
// (Due), those set or moved for a later day by someone else that day
// (Coming), and those still open from before (Earlier).
type TodoEmail struct {
	Due, Coming, Earlier []*sunshine.Todo
	// SetBy names who set each to-do, by to-do ID, when not its person.
	SetBy map[string]string
}

// TodosEmailed returns the to-dos a person's to-do email (reminderID) for
// day lists: at most MaxOpenTodos, the day's first.
func (s *Store) TodosEmailed(ctx context.Context, reminderID, userID string, day deadline.Date) (*TodoEmail, error) {
	org, err := orgID(ctx)
	if err != nil {
		return nil, err
	}
	var payload string
	if err := sqlx.GetContext(ctx, s.q(), &payload, `SELECT payload FROM reminders WHERE org_id = $1 AND id = $2`, org, reminderID); err != nil {
		return nil, translate(err, "to-do email")
	}
	handed := strings.Split(payload, ",")
	var rows []struct {
		sunshine.Todo
		SetBy string `db:"set_by"`
	}
	err = sqlx.SelectContext(ctx, s.q(), &rows, `SELECT x.*, COALESCE(NULLIF(c.name, ''), c.email, '') AS set_by FROM (`+todoSelect+`
		WHERE t.org_id = $1 AND t.assignee_id = $2 AND t.done_at IS NULL AND (t.due_on <= $3 OR t.id::text = ANY($4))) x
		LEFT JOIN users c ON c.id = x.created_by AND c.id <> x.assignee_id
		ORDER BY x.due_on = $3 OR x.id::text = ANY($4) DESC, x.due_on, x.created_at, x.id LIMIT 200`, org, userID, day, pq.Array(handed))
	if err != nil {
		return nil, translate(err, "to-dos")
	}
	e := &TodoEmail{SetBy: map[string]string{}}
	for i := range rows {
		t := &rows[i].Todo
		if rows[i].SetBy != "" {
			e.SetBy[t.ID] = rows[i].SetBy
		}
		switch {
		case day.Before(t.DueOn):
			e.Coming = append(e.Coming, t)
		case t.DueOn == day || slices.Contains(handed, t.ID):
			e.Due = append(e.Due, t)
		default:
			e.Earlier = append(e.Earlier, t)
		}
	}
	return e, nil
}
