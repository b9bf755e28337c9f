package sunshine

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"github.com/sunshine-records/sunshine/deadline"
)

// DeliveryMethod is how a request was sent to the agency.
type DeliveryMethod string

// Delivery methods.
const (
	DeliveryEmail    DeliveryMethod = "email"
	DeliveryPortal   DeliveryMethod = "portal"
	DeliveryMail     DeliveryMethod = "mail"
	DeliveryFax      DeliveryMethod = "fax"
	DeliveryInPerson DeliveryMethod = "in_person"
	DeliveryOther    DeliveryMethod = "other"
)

// DeliveryMethods lists every delivery method.
var DeliveryMethods = []DeliveryMethod{DeliveryEmail, DeliveryPortal, DeliveryMail, DeliveryFax, DeliveryInPerson, DeliveryOther}

// Valid reports whether m is a known delivery method.
func (m DeliveryMethod) Valid() bool {
	for _, v := range DeliveryMethods {
		if v == m {
			return true
		}
	}
	return false
}

// Request is one records request to one agency.
type Request struct {
	ID             string         `db:"id"`
	OrgID          string         `db:"org_id"`
	AgencyID       string         `db:"agency_id"`
	AgencyName     string         `db:"agency_name"`
	Title          string         `db:"title"`
	Description    string         `db:"description"`
	DeliveryMethod DeliveryMethod `db:"delivery_method"`
	Status         Status         `db:"status"`
	// Jurisdiction is the agency's law when the request was created.
	Jurisdiction string        `db:"jurisdiction"`
	TimeZone     string        `db:"time_zone"` // the agency's
	SentOn       deadline.Date `db:"sent_on"`
	// ReceivedOn is the legal receipt date the clock runs from.
	ReceivedOn deadline.Date `db:"received_on"`
	// DueOn is the statutory due date from the deadline engine; zero when
	// the law sets none, the request is a draft, or the clock is paused.
	DueOn              deadline.Date `db:"due_on"`
	Extended           bool          `db:"extended"`
	ExtensionInvokedOn deadline.Date `db:"extension_invoked_on"`
	// CustomDueOn is a date agreed with the agency, kept beside the
	// statutory one; when set it is the date reminders and lists use.
	CustomDueOn       deadline.Date `db:"custom_due_on"`
	CustomDueReason   string        `db:"custom_due_reason"`
	AgencyEstimatedOn deadline.Date `db:"agency_estimated_on"`
	// AcknowledgedOn is the day the agency first acknowledged the request
	// or began releasing records; zero before then. Under a law an
	// acknowledgment meets it says whether the statutory date was met.
	AcknowledgedOn deadline.Date `db:"acknowledged_on"`
	TrackingNumber string        `db:"tracking_number"`
	AssigneeID     *string       `db:"assignee_id"`
	Tags           []string      `db:"-"`
	ClosedOn       deadline.Date `db:"closed_on"`
	CreatedBy      *string       `db:"created_by"`
	CreatedAt      time.Time     `db:"created_at"`
	UpdatedAt      time.Time     `db:"updated_at"`
	Version        int           `db:"version"`
	// ExternalID is the request's reference in the system it was imported
	// from (a spreadsheet's row ID, a MuckRock request number): unique
	// within the organization, so an import run again finds what it
	// created. nil when it has none.
	ExternalID *string `db:"external_id"`
	// ReplyToken names the request's reply address (ReplyAddress): an
	// agency's email to it is filed with the request.
	ReplyToken string `db:"reply_token"`
	// GroupID joins requests filed together with several agencies (the
	// same request sent to every county sheriff): the ID of the first of
	// them, that one's own included. nil for a request filed alone.
	GroupID *string `db:"group_id"`
	// AssigneeEmail, AssigneeName and LastCommunicationOn are read-only, for
	// lists and exports.
	AssigneeEmail       *string       `db:"assignee_email"`
	AssigneeName        *string       `db:"assignee_name"`
	LastCommunicationOn deadline.Date `db:"last_communication_on"`
	// StatusChangedOn is, for a request in rolling production, under
	// appeal or in litigation, the day its latest move to that status took
	// effect (its timeline's status_changed event), which no column of the
	// request keeps. Read only for exports (RequestFilter.WithStatusChangedOn);
	// zero otherwise.
	StatusChangedOn deadline.Date `db:"status_changed_on"`

	// Pauses are the clock's recorded pauses, oldest first.
	Pauses []deadline.Pause `db:"-"`
	// Closures are the agency's closure days from the receipt date on,
	// as the engine counts them (Closure.Holiday).
	Closures []deadline.Holiday `db:"-"`
}

// StatusSince is the day the request reached its status: closed,
// acknowledged (the first acknowledgment), waiting on us (the pause), as
// the request itself records it; rolling production, appeal and
// litigation from its timeline, when read (StatusChangedOn); zero for a
// draft or submitted request (its dates say).
func (r *Request) StatusSince() deadline.Date {
	switch {
	case !r.Status.Open():
		return r.ClosedOn
	case r.Status == StatusAcknowledged:
		return r.AcknowledgedOn
	case r.Status == StatusAwaitingRequester && r.Paused():
		return r.Pauses[len(r.Pauses)-1].From
	case r.Status == StatusRollingProduction, r.Status == StatusAppealed, r.Status == StatusInLitigation:
		return r.StatusChangedOn
	}
	return deadline.Date{}
}

// EffectiveDueOn is the date the request is held to: the custom date when
// one was agreed, else the statutory one.
func (r *Request) EffectiveDueOn() deadline.Date {
	if !r.CustomDueOn.IsZero() {
		return r.CustomDueOn
	}
	return r.DueOn
}

// Paused reports whether the request has an open pause.
func (r *Request) Paused() bool {
	return len(r.Pauses) > 0 && r.Pauses[len(r.Pauses)-1].Open()
}

// Deadline runs the engine over the request's facts. ok is false for a
// draft, which has no receipt date and so no clock.
func (r *Request) Deadline() (res deadline.Result, ok bool, err error) {
	if r.ReceivedOn.IsZero() {
		return deadline.Result{}, false, nil
	}
	res, err = deadline.Compute(r.Jurisdiction, r.ReceivedOn, deadline.Options{Extended: r.Extended, Pauses: r.Pauses, Closures: r.Closures})
	return res, err == nil, err
}

// Overdue reports whether the request is past its effective due date on
// today, the agency's date. A request waiting on the requester never is.
func (r *Request) Overdue(today deadline.Date) bool {
	due := r.EffectiveDueOn()
	return r.DueTracked() && !due.IsZero() && due.Before(today)
}

// DueSuperseded reports a request whose statutory date has served its
// purpose and that has no custom date: one under appeal or in litigation
// (the agency answered, or the appeal is of its silence), or one the agency
// acknowledged under a law an acknowledgment satisfies (New York,
// Washington: the agency's estimated date is then the one to follow). It is
// neither shown late nor reminded of. A custom date (the appeal decision's,
// the court's, one agreed with the agency) is tracked like any due date.
func (r *Request) DueSuperseded() bool {
	if !r.CustomDueOn.IsZero() {
		return false
	}
	switch r.Status {
	case StatusAppealed, StatusInLitigation:
		return true
	case StatusAcknowledged, StatusRollingProduction:
		return r.MetByAcknowledgment()
	}
	return false
}

// MetByAcknowledgment reports whether the request's law is met by an
// acknowledgment (deadline.Jurisdiction.MetByAcknowledgment).
func (r *Request) MetByAcknowledgment() bool {
	j, err := deadline.Lookup(r.Jurisdiction)
	return err == nil && j.MetByAcknowledgment
}

// DueTracked reports whether the request's due date counts: its clock runs
// and the date is not superseded.
func (r *Request) DueTracked() bool { return r.Status.ClockRuns() && !r.DueSuperseded() }

// FollowsEstimate reports whether the date to follow is the agency's
// estimate: an acknowledged (or rolling-production) request, without a
// custom date, under a law an acknowledgment meets (New York, Washington).
// Its statutory date is met; the estimate (AgencyEstimatedOn) may not be
// recorded yet. A passed estimate is a reason to ask the agency for news,
// never a statutory breach.
func (r *Request) FollowsEstimate() bool {
	if !r.CustomDueOn.IsZero() {
		return false
	}
	switch r.Status {
	case StatusAcknowledged, StatusRollingProduction:
		return r.MetByAcknowledgment()
	}
	return false
}

// FollowOn is the date to follow, the one lists, the calendars and the
// exports show: the agency's estimate for a request that FollowsEstimate,
// none for one under appeal or in litigation without a custom date (its
// statutory date is superseded) or for a closed one, else the effective due
// date. It is zero when there is none.
func (r *Request) FollowOn() deadline.Date {
	switch {
	case !r.Status.Open():
		return deadline.Date{}
	case r.FollowsEstimate():
		return r.AgencyEstimatedOn
	case r.CustomDueOn.IsZero() && (r.Status == StatusAppealed || r.Status == StatusInLitigation):
		return deadline.Date{}
	}
	return r.EffectiveDueOn()
}

// AcknowledgedLate reports a request that follows the agency's estimate
// although the acknowledgment came after the statutory date: the date was
// missed, not met (the estimate is still the one to follow).
func (r *Request) AcknowledgedLate() bool {
	return r.FollowsEstimate() && !r.AcknowledgedOn.IsZero() && !r.DueOn.IsZero() && r.AcknowledgedOn.After(r.DueOn)
}

// WaitedPastDue returns the wait on us during which the request's due date
// passed, under a law whose clock does not stop for it (California's,
// say): the agency asked us for something (a fee, a clarification) on or
// before the date, and we answered after it. Late then, the request is late
// partly by our wait, and nothing should say the agency alone missed its
// deadline. A custom date (agreed with the agency) has no such wait.
func (r *Request) WaitedPastDue() (deadline.Pause, bool) {
	due := r.EffectiveDueOn()
	if !r.CustomDueOn.IsZero() || due.IsZero() {
		return deadline.Pause{}, false
	}
	for _, p := range r.Pauses {
		if !p.Open() && !p.From.After(due) && p.To.After(due) {
			return p, true
		}
	}
	return deadline.Pause{}, false
}

// AssigneeShown names who the request is assigned to, as people read it:
// their name, else their email; "" when nobody is.
func (r *Request) AssigneeShown() string {
	switch {
	case r.AssigneeName != nil && *r.AssigneeName != "":
		return *r.AssigneeName
	case r.AssigneeEmail != nil:
		return *r.AssigneeEmail
	}
	return ""
}

// ExtensionNoticeLate reports whether an extension notice dated on comes
// too late to extend the request: after the last day of its original
// period (the statutory date before any extension). Every fixed extension
// is given by notice within the period (deadline-rules.md: "Notice within
// the 5 BD", "made within 5 WD", "found in writing within the 3 days");
// an expired period cannot be extended.
// A law without a fixed extension has none to be late for: its notice sets
// the date the agency announced.
func (r *Request) ExtensionNoticeLate(on deadline.Date) bool {
	j, err := deadline.Lookup(r.Jurisdiction)
	return err == nil && j.Extension != nil && !r.Extended && !r.DueOn.IsZero() && on.After(r.DueOn)
}

// ListedOn is the date the lists sort the request by (zero: last): an open
// request's date to follow, a closed one's effective due date. The store's
// due_sort column (migration 0027) is the same in SQL.
func (r *Request) ListedOn() deadline.Date {
	if r.Status.Open() {
		return r.FollowOn()
	}
	return r.EffectiveDueOn()
}

// EstimatePassed reports whether the request follows the agency's estimate
// and that date is before today, the agency's date.
func (r *Request) EstimatePassed(today deadline.Date) bool {
	return r.FollowsEstimate() && !r.AgencyEstimatedOn.IsZero() && r.AgencyEstimatedOn.Before(today)
}

// NoDateToFollow reports an open request whose clock runs but that has no
// date to follow: under a law with no statutory date and without a custom
// date; under appeal or in litigation without a custom date (the decision's,
// the court's); or acknowledged under FOIL or the PRA with no estimate
// recorded. DateTodo says what gives it one.
func (r *Request) NoDateToFollow() bool {
	return r.Status.ClockRuns() && r.FollowOn().IsZero()
}

// DateTodo says, for a request with NoDateToFollow, what gives it a date to
// follow; "" for any other.
func (r *Request) DateTodo() string {
	switch {
	case !r.NoDateToFollow():
		return ""
	case r.AcknowledgedLate():
		return "Statutory date missed: the agency acknowledged the request only on " + r.AcknowledgedOn.Format("Mon 2 Jan 2006") + "; record the date it estimated."
	case r.FollowsEstimate():
		return "Statutory date met by the acknowledgment: record the agency's estimated date."
	case r.Status == StatusAppealed:
		return "Under appeal: set a custom due date, the date the appeal decision is due."
	case r.Status == StatusInLitigation:
		return "In litigation: set a custom due date, the court's next date."
	}
	return "No statutory date: set a custom due date, one agreed with the agency or your own follow-up date."
}

// Validate checks and normalises the fields a caller sets.
func (r *Request) Validate() error {
	var fs []FieldError
	r.Title = strings.TrimSpace(r.Title)
	switch {
	case r.Title == "":
		fs = append(fs, FieldError{"title", "is required: a few words that say what is asked for"})
	case chars(r.Title) > 300:
		fs = append(fs, FieldError{"title", "must be 1 to 300 characters"})
	}
	if chars(r.Description) > 20000 {
		fs = append(fs, FieldError{"description", "must be at most 20000 characters"})
	}
	if !r.DeliveryMethod.Valid() {
		fs = append(fs, FieldError{"delivery_method", "must be one of email, portal, mail, fax, in_person, other"})
	}
	if !r.SentOn.IsZero() && !r.ReceivedOn.IsZero() && r.ReceivedOn.Before(r.SentOn) {
		fs = append(fs, FieldError{"received_on", "must not be before the day it was sent"})
	}
	if chars(r.TrackingNumber) > 200 {
		fs = append(fs, FieldError{"tracking_number", "must be at most 200 characters"})
	}
	if r.ExternalID != nil && *r.ExternalID == "" {
		r.ExternalID = nil // "" is none
	}
	if r.ExternalID != nil {
		if msg := ExternalIDProblem(*r.ExternalID); msg != "" {
			fs = append(fs, FieldError{"external_id", msg})
		}
	}
	var f *FieldError
	if r.Tags, f = NormalizeTags(r.Tags); f != nil {
		fs = append(fs, *f)
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// ExternalIDProblem says what is wrong with a (non-empty) external ID, ""
// when nothing is: it is one line of at most 200 characters, with no space
// at either end, so that the ID an import script looks up is the one it
// stored (migration 0038 checks the same).
func ExternalIDProblem(id string) string {
	switch {
	case chars(id) > 200:
		return "must be at most 200 characters"
	case strings.TrimSpace(id) != id:
		return "must not begin or end with a space"
	case strings.ContainsFunc(id, unicode.IsControl):
		return "must be one line, without control characters"
	}
	return ""
}

// NormalizeTags trims each tag and drops repeats (ignoring case, keeping
// the first spelling: "ICE, ice" is one tag), then checks the limits.
func NormalizeTags(tags []string) ([]string, *FieldError) {
	if tags == nil {
		return nil, nil
	}
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" || chars(t) > 50 {
			return tags, &FieldError{"tags", "each tag must be 1 to 50 characters"}
		}
		if key := strings.ToLower(t); !seen[key] {
			seen[key] = true
			out = append(out, t)
		}
	}
	if len(out) > 20 {
		return tags, &FieldError{"tags", "at most 20 tags"}
	}
	return out, nil
}

// RequestFilter selects requests; zero fields do not filter.
// DayRange is a span of days counted from today in each request's agency's
// time zone, both ends included: {0, 0} is today, {1, 7} the next week.
type DayRange struct{ From, To int }

type RequestFilter struct {
	Statuses   []Status
	AgencyID   string
	AssigneeID string
	// Unassigned keeps the requests with no assignee; AssigneeID must then
	// be empty.
	Unassigned bool
	// Jurisdictions keeps the requests under any of these laws (codes of
	// the deadline package): the law each request was filed under, which
	// its deadline follows.
	Jurisdictions []string
	Tag           string
	DueBefore     deadline.Date // ListedOn on or before
	DueAfter      deadline.Date // ListedOn on or after
	Overdue       bool          // past due in the agency's time zone (DueTracked)
	DueIn         *DayRange     // due (DueTracked) within these days of the agency's today
	// FollowAfter and FollowBefore bound the date to follow (FollowOn), both
	// ends included; a request with none never matches.
	FollowAfter, FollowBefore deadline.Date
	// EstimatePassed: the request follows the agency's estimate, which is
	// past in the agency's time zone (Request.EstimatePassed).
	EstimatePassed bool
	// NoDateToFollow: the request's clock runs but it has no date to follow
	// (Request.NoDateToFollow).
	NoDateToFollow bool
	Q              string // words in the title, description or tracking number, or an external ID exactly
	After          string // opaque cursor from a previous page
	Limit          int
	// ExternalID keeps the request with exactly this external ID.
	ExternalID string
	// GroupID keeps the requests filed together (Request.GroupID).
	GroupID string
	// WithStatusChangedOn reads each request's StatusChangedOn too (from
	// its timeline), for an export's status_on.
	WithStatusChangedOn bool
}

// RequestUpdate is a partial update; nil fields are left alone. A pointer
// to "" (AssigneeID) or to the zero Date (AgencyEstimatedOn) clears it.
type RequestUpdate struct {
	Title             *string
	Description       *string
	TrackingNumber    *string
	ExternalID        *string // "" clears it
	AssigneeID        *string
	Tags              *[]string
	AgencyEstimatedOn *deadline.Date
	// SentOn and ReceivedOn correct mistyped dates; a new receipt date
	// recomputes the deadline. (A draft gets its receipt date by being
	// submitted.)
	SentOn     *deadline.Date
	ReceivedOn *deadline.Date
	// WasAssigneeID makes the change conditional: it is made only while
	// the request, as it is locked for the change, is still assigned to
	// this user ("" for nobody), or already to AssigneeID. Otherwise it is
	// an EConflict that names the assignee now. A page opened before a
	// colleague took the request cannot take it back from them unseen,
	// however close together the two changes come.
	WasAssigneeID *string
	// AssignmentNote goes with a new assignee: a word to them (why, what
	// next), in their assignment email and the timeline.
	AssignmentNote string
}

// MaxAssignmentNote is how long an assignment note may be, in characters.
const MaxAssignmentNote = 2000

// TransitionInput moves a request to another status.
type TransitionInput struct {
	To          Status
	EffectiveOn deadline.Date // the day it took effect; today in the agency's zone when zero
	Note        string
	// ReceivedOn is the legal receipt date, required to enter submitted
	// when the request has none yet.
	ReceivedOn deadline.Date
}

// EventKind names a timeline entry.
type EventKind string

// Event kinds.
const (
	EventCreated          EventKind = "created"
	EventUpdated          EventKind = "updated"
	EventStatusChanged    EventKind = "status_changed"
	EventDeadlineComputed EventKind = "deadline_computed"
	EventExtended         EventKind = "deadline_extended"
	// EventExtensionUndone records an extension taken back because it was
	// recorded by mistake (the agency never invoked it).
	EventExtensionUndone EventKind = "extension_undone"
	// EventExtensionLate records an agency's extension notice that came
	// after the original period ended: a law extends a period only by
	// notice within it, so the due date stays.
	EventExtensionLate EventKind = "extension_late"
	EventPaused        EventKind = "deadline_paused"
	EventResumed       EventKind = "deadline_resumed"
	EventCustomDueSet  EventKind = "custom_due_set"
	EventCommunication EventKind = "communication_logged"
	EventCommEdited    EventKind = "communication_edited"
	// EventCommDeleted keeps a communication deleted as logged by mistake,
	// whole ("communication"), with why in the note.
	EventCommDeleted   EventKind = "communication_deleted"
	EventDocumentAdded EventKind = "document_added"
	// EventDocumentDeleted records a document removed (Data: document_id,
	// filename, sha256, and for an archive unpacked_removed: how many of
	// the files unpacked from it were removed with it).
	EventDocumentDeleted EventKind = "document_deleted"
	// EventArchiveUnpacked records a ZIP archive's files stored as
	// documents of their own, each naming the archive (Document.UnpackedFrom)
	// (Data: document_id and filename of the archive, communication_id,
	// files: how many were stored, left_out: how many could not be).
	EventArchiveUnpacked EventKind = "archive_unpacked"
	// EventReminderSent records a reminder email the mail server accepted:
	// whom it went to and what it was about. The system writes it, with
	// the reminder marked sent.
	EventReminderSent EventKind = "reminder_sent"
	// EventNoteAdded is an internal note, in Note: something staff record
	// that is no correspondence with the agency ("Called the records
	// officer"). It changes nothing on the request; a correction is
	// another note.
	EventNoteAdded EventKind = "note_added"
	// EventCopiesFiled records the same request filed with more agencies
	// (Store.FileCopies): the new requests and their agencies, in Data.
	EventCopiesFiled EventKind = "copies_filed"
	// EventLetterEmailFailed records a letter email the mail server kept
	// refusing: delivery gave up (Data: letter_email_id, kind, to, error).
	// One it accepted is its communication_logged event (Data: emailed_to).
	EventLetterEmailFailed EventKind = "letter_email_failed"
	// EventLetterEmailUnlogged records a letter email the mail server
	// accepted that the request refused to log (Data: letter_email_id,
	// kind, to, subject, error): it went, and is not sent again.
	EventLetterEmailUnlogged EventKind = "letter_email_unlogged"
	// EventShareChanged records the request's shared page made, given a
	// new link, stopped, or its last day set or cleared, or its group's
	// status board made, given a new link or stopped (Data: action, one of
	// "made", "new_link", "stopped", "expiry_set", "expiry_cleared",
	// "board_made", "board_new_link", "board_stopped", "board_expiry_set",
	// "board_expiry_cleared").
	EventShareChanged EventKind = "share_changed"
	// EventDocumentShareChanged records a document marked to show on the
	// request's shared page, or no longer (Data: document_id, filename,
	// shared).
	EventDocumentShareChanged EventKind = "document_share_changed"
	// The to-do events (sunshine.Todo): its text in Note, and in Data its
	// todo_id, due_on and assignee_id as they are after the change, and
	// the old value of each field it changed (was_text, was_due_on,
	// was_assignee_id).
	EventTodoAdded    EventKind = "todo_added"
	EventTodoChanged  EventKind = "todo_changed"
	EventTodoDone     EventKind = "todo_done"
	EventTodoReopened EventKind = "todo_reopened"
	EventTodoRemoved  EventKind = "todo_removed"
	// EventLetterEmailBounced records a bounce, a mail server's report
	// that a letter email it had accepted did not reach some of its
	// recipients (Data: letter_email_id, kind, to: the letter's address,
	// failed: the addresses that failed, error: why, document_id: the
	// report, filed with the request). When the agency's own address
	// failed the letter is LetterEmailBounced; a copy that failed changes
	// nothing but this.
	EventLetterEmailBounced EventKind = "letter_email_bounced"
	// EventAutoFollowUpChanged records automatic follow-ups turned on or
	// changed (Data: every_days, signer_id) or stopped (Data: stopped).
	EventAutoFollowUpChanged EventKind = "auto_follow_up_changed"
)

// MaxInternalNote is how long an internal note may be, in characters
// (migration 0037 lets a note_added event's note hold as many).
const MaxInternalNote = 10000

// NoteText checks an internal note's text and returns it trimmed: it is
// required and at most MaxInternalNote characters. The error names the
// field text.
func NoteText(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", FieldInvalid("text", "is required: what you want to record")
	case chars(text) > MaxInternalNote:
		return "", FieldInvalid("text", "must be at most %d characters", MaxInternalNote)
	}
	return text, nil
}

// MaxMentions is the most people one note can mention (emailing each).
const MaxMentions = 50

// EventKinds are every kind of timeline event, as the API names them.
var EventKinds = []EventKind{EventCreated, EventUpdated, EventStatusChanged, EventDeadlineComputed, EventExtended,
	EventExtensionUndone, EventExtensionLate, EventPaused, EventResumed, EventCustomDueSet, EventCommunication,
	EventCommEdited, EventCommDeleted, EventDocumentAdded, EventDocumentDeleted, EventArchiveUnpacked, EventReminderSent, EventNoteAdded,
	EventCopiesFiled, EventLetterEmailFailed, EventLetterEmailUnlogged, EventLetterEmailBounced, EventShareChanged,
	EventDocumentShareChanged, EventTodoAdded, EventTodoChanged, EventTodoDone, EventTodoReopened, EventTodoRemoved,
	EventAutoFollowUpChanged}

// Event is one append-only timeline entry of a request: the audit log and
// the answer to "why is this the due date?".
type Event struct {
	ID          string          `db:"id" json:"id"`
	RequestID   string          `db:"request_id" json:"request_id"`
	ActorID     *string         `db:"actor_id" json:"actor_id"`
	Kind        EventKind       `db:"kind" json:"kind"`
	EffectiveOn deadline.Date   `db:"effective_on" json:"effective_on"`
	Note        string          `db:"note" json:"note"`
	Data        json.RawMessage `db:"data" json:"data"`
	CreatedAt   time.Time       `db:"created_at" json:"created_at"`
}
