package sunshine

import (
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// Todo is something a person is to do about a request by a day ("call the
// records officer", "check the portal for the next release"): shown on
// the request's page and the person's dashboard, and emailed to them that
// morning. Its day is the organization's (ReminderPolicy.TimeZone).
type Todo struct {
	ID           string        `db:"id" json:"id"`
	RequestID    string        `db:"request_id" json:"request_id"`
	RequestTitle string        `db:"request_title" json:"-"` // for lists across requests
	Text         string        `db:"text" json:"text"`
	DueOn        deadline.Date `db:"due_on" json:"due_on"`
	AssigneeID   string        `db:"assignee_id" json:"assignee_id"`
	AssigneeName string        `db:"assignee_name" json:"-"`
	CreatedBy    *string       `db:"created_by" json:"created_by"`
	CreatedAt    time.Time     `db:"created_at" json:"created_at"`
	Done         bool          `db:"done" json:"done"`
	DoneAt       *time.Time    `db:"done_at" json:"done_at"`
	DoneBy       *string       `db:"done_by" json:"done_by"`
	DoneByName   string        `db:"done_by_name" json:"-"`
}

// Late reports whether the to-do is open past its day.
func (t *Todo) Late(today deadline.Date) bool { return !t.Done && t.DueOn.Before(today) }

// TodoInput creates a to-do (Text and DueOn required; AssigneeID the
// caller when nil) or changes one (nil leaves a field as it is).
type TodoInput struct {
	Text       *string        `json:"text"`
	DueOn      *deadline.Date `json:"due_on"`
	AssigneeID *string        `json:"assignee_id"`
	Done       *bool          `json:"done"`
}

// MaxTodoText is the longest a to-do's text may be, in characters: a line
// to act on, not a note (a note is for what happened).
const MaxTodoText = 500

// TodoHorizon is how far ahead a to-do may be dated.
const TodoHorizon = 5 * 366

// Validate checks the input against today, the organization's date: a
// to-do is dated today or later (a day already past reminds no one), and
// a new one (create) has its text and day.
func (in *TodoInput) Validate(create bool, today deadline.Date) error {
	var fs []FieldError
	if in.Text != nil {
		t := strings.TrimSpace(*in.Text)
		in.Text = &t
		switch {
		case t == "":
			fs = append(fs, FieldError{"text", "is required: what is to be done"})
		case chars(t) > MaxTodoText:
			fs = append(fs, FieldError{"text", "must be at most 500 characters"})
		}
	} else if create {
		fs = append(fs, FieldError{"text", "is required: what is to be done"})
	}
	switch {
	case in.DueOn == nil || in.DueOn.IsZero():
		if create || in.DueOn != nil {
			fs = append(fs, FieldError{"due_on", "is required: the day it is to be done (YYYY-MM-DD)"})
		}
	case in.DueOn.Before(today):
		fs = append(fs, FieldError{"due_on", "must be today (" + today.String() + ") or later"})
	case today.AddDays(TodoHorizon).Before(*in.DueOn):
		fs = append(fs, FieldError{"due_on", "must be within five years"})
	}
	if in.Done != nil && create && *in.Done {
		fs = append(fs, FieldError{"done", "a new to-do is not done yet"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}
