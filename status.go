package sunshine

import (
	"slices"
	"strings"

	"github.com/sunshine-records/sunshine/deadline"
)

// Status is a request's place in its lifecycle (DESIGN.md, "Request lifecycle").
type Status string

// Open statuses.
const (
	StatusDraft             Status = "draft"              // not sent; no clock
	StatusSubmitted         Status = "submitted"          // sent; the clock runs from the legal receipt date
	StatusAcknowledged      Status = "acknowledged"       // the agency confirmed receipt
	StatusAwaitingRequester Status = "awaiting_requester" // the agency waits on us; the clock pauses where the law tolls
	StatusRollingProduction Status = "rolling_production" // records arriving in parts
	StatusAppealed          Status = "appealed"
	StatusInLitigation      Status = "in_litigation"
)

// Closed statuses.
const (
	StatusFulfilled        Status = "fulfilled"
	StatusPartiallyGranted Status = "partially_granted" // some records withheld
	StatusDenied           Status = "denied"
	StatusNoRecords        Status = "no_records"
	StatusWithdrawn        Status = "withdrawn"
	StatusAbandoned        Status = "abandoned"
)

// OpenStatuses and ClosedStatuses list every status in lifecycle order.
var (
	OpenStatuses = []Status{StatusDraft, StatusSubmitted, StatusAcknowledged, StatusAwaitingRequester,
		StatusRollingProduction, StatusAppealed, StatusInLitigation}
	ClosedStatuses = []Status{StatusFulfilled, StatusPartiallyGranted, StatusDenied, StatusNoRecords,
		StatusWithdrawn, StatusAbandoned}
)

// closing are the outcomes an open, sent request can reach.
var closing = ClosedStatuses

// transitions is the one table of legal status changes.
var transitions = map[Status][]Status{
	StatusDraft: {StatusSubmitted, StatusWithdrawn, StatusAbandoned},
	// A request the agency has not answered can be appealed or taken to
	// court: silence past the deadline is a denial under most of the laws
	// (FOIA's constructive exhaustion, 5 U.S.C. 552(a)(6)(C)(i)), and a fee
	// or a refused fee waiver can be appealed before any records come.
	StatusSubmitted:         append([]Status{StatusAcknowledged, StatusAwaitingRequester, StatusRollingProduction, StatusAppealed, StatusInLitigation}, closing...),
	StatusAcknowledged:      append([]Status{StatusAwaitingRequester, StatusRollingProduction, StatusAppealed, StatusInLitigation}, closing...),
	StatusAwaitingRequester: append([]Status{StatusSubmitted, StatusAcknowledged, StatusRollingProduction, StatusAppealed, StatusInLitigation}, closing...),
	StatusRollingProduction: append([]Status{StatusAwaitingRequester, StatusAppealed}, closing...),
	StatusAppealed:          append([]Status{StatusRollingProduction, StatusInLitigation}, closing...),
	StatusInLitigation:      append([]Status{StatusRollingProduction}, closing...),
	// An adverse or incomplete outcome can be appealed; withdrawn and
	// abandoned requests are final.
	StatusFulfilled:        {StatusAppealed},
	StatusPartiallyGranted: {StatusAppealed, StatusInLitigation},
	StatusDenied:           {StatusAppealed, StatusInLitigation},
	StatusNoRecords:        {StatusAppealed, StatusInLitigation},
	StatusWithdrawn:        {},
	StatusAbandoned:        {},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// Open reports whether a request in s is still being worked.
func (s Status) Open() bool { return slices.Contains(OpenStatuses, s) }

// ClockRuns reports whether a request in s can be overdue: it was sent, is
// open, and is not waiting on the requester.
func (s Status) ClockRuns() bool {
	return s.Open() && s != StatusDraft && s != StatusAwaitingRequester
}

// Allowed returns the statuses a request in s may move to.
func (s Status) Allowed() []Status { return slices.Clone(transitions[s]) }

// CheckTransition returns nil if a request may move from one status to
// another, else an EConflict error naming the allowed targets.
func CheckTransition(from, to Status) error {
	if !to.Valid() {
		return FieldInvalid("to", "unknown status %q", to)
	}
	if slices.Contains(transitions[from], to) {
		return nil
	}
	allowed := transitions[from]
	msg := "a request that is " + string(from) + " cannot become " + string(to)
	if len(allowed) == 0 {
		msg += "; " + string(from) + " is final"
	} else {
		msg += "; allowed: " + JoinStatuses(allowed)
	}
	return &Error{Code: EConflict, Message: msg, Allowed: slices.Clone(allowed)}
}

// JoinStatuses names statuses as the API spells them: "fulfilled, denied".
func JoinStatuses(ss []Status) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// StatusReached reads the status a request being filed has reached, and
// since when (status, statusOn: an import's, or the API's): nil for the
// one its receipt date gives it (draft or submitted, which may be named),
// else the move for Store.CreateRequestAt, which checks it against the
// lifecycle and the dates. Errors name status or status_on.
func StatusReached(status string, received, statusOn deadline.Date) (*TransitionInput, error) {
	st := Status(status)
	switch {
	case st == "" && !statusOn.IsZero():
		return nil, FieldInvalid("status_on", "goes with a status past submitted (acknowledged, denied…): give that status, or clear the date")
	case st == "":
		return nil, nil
	case !st.Valid():
		return nil, FieldInvalid("status", "%q is not a status; use one of %s", status, JoinStatuses(StatusSubmitted.Allowed()))
	case st == StatusSubmitted && received.IsZero():
		return nil, FieldInvalid("status", "submitted needs its received_on date")
	case st == StatusDraft && !received.IsZero():
		return nil, FieldInvalid("status", "a draft has not been sent: clear received_on, or give the status it has reached")
	case (st == StatusSubmitted || st == StatusDraft) && !statusOn.IsZero():
		return nil, FieldInvalid("status_on", "goes with a status past submitted (acknowledged, denied…): give that status, or clear the date")
	case st == StatusSubmitted || st == StatusDraft:
		return nil, nil
	}
	return &TransitionInput{To: st, EffectiveOn: statusOn}, nil
}

// AllStatuses returns every status, open first.
func AllStatuses() []Status { return slices.Concat(OpenStatuses, ClosedStatuses) }
