package sunshine

import (
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// AutoFollowUp is a request's automatic follow-ups: once the request is
// late (its date to follow has passed while its clock runs) and nothing has
// gone either way for EveryDays days, Sunshine emails its agency the
// follow-up letter (DraftLetter's), signed by Signer, as a person would
// from the letter page. MuckRock does the same; here it is opt-in, per
// request.
type AutoFollowUp struct {
	RequestID string    `db:"request_id" json:"request_id"`
	EveryDays int       `db:"every_days" json:"every_days"`
	SignerID  string    `db:"signer_id" json:"signer_id"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	// NextOn is the day the next follow-up goes if nothing changes; nil
	// while the request is not late (no date to follow, or waiting on us).
	NextOn *deadline.Date `db:"-" json:"next_on"`
}

// The bounds of AutoFollowUp.EveryDays: a week at least (an agency is
// not to be chased daily), three months at most.
const (
	MinAutoFollowUpDays = 7
	MaxAutoFollowUpDays = 90
)

// CheckAutoFollowUpDays refuses a period outside the bounds, naming the
// field every_days.
func CheckAutoFollowUpDays(n int) error {
	if n < MinAutoFollowUpDays || n > MaxAutoFollowUpDays {
		return FieldInvalid("every_days", "must be %d to %d days", MinAutoFollowUpDays, MaxAutoFollowUpDays)
	}
	return nil
}

// FollowUpDue is the day an automatic follow-up of r is next due, every
// days after the last exchange with the agency (lastExchange: the latest
// communication either way, or the day the request was sent), and never
// before r is late: the day after its date to follow. It is zero while r
// has no date to follow or its clock does not run (a draft, a closed
// request, one waiting on us: that letter needs what we send written in).
func FollowUpDue(r *Request, every int, lastExchange deadline.Date) deadline.Date {
	follow := r.FollowOn()
	if follow.IsZero() || !r.Status.ClockRuns() || r.Paused() {
		return deadline.Date{}
	}
	next := follow.AddDays(1)
	if after := lastExchange.AddDays(every); !lastExchange.IsZero() && after.After(next) {
		next = after
	}
	return next
}

// FollowUpHours reports whether an automatic follow-up may go at now: a
// weekday, from 9:00 to 17:00 in the agency's time zone (tz), when a
// records officer reads it.
func FollowUpHours(now time.Time, tz string) bool {
	local := now.In(Location(tz))
	switch local.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return local.Hour() >= 9 && local.Hour() < 17
}
