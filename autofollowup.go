package sunshine

import (
	"slices"
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
	// while none is due (the request not late, with no date to follow,
	// waiting on us, under appeal) or while Held.
	NextOn *deadline.Date `db:"-" json:"next_on"`
	// Held says what keeps any from going now, "" for nothing
	// (FollowUpHold values).
	Held FollowUpHold `db:"held" json:"held"`
}

// FollowUpHold is what keeps automatic follow-ups from going: a person
// sees to it first.
type FollowUpHold string

// The holds on automatic follow-ups.
const (
	// HoldNoEmail: the agency has no email address.
	HoldNoEmail FollowUpHold = "no_email"
	// HoldLetter: a letter of the request is on its way, refused or
	// bounced (its address may be wrong).
	HoldLetter FollowUpHold = "letter"
	// HoldUnloggedEmail: an email to the request's reply address waits
	// to be logged (it may be the answer).
	HoldUnloggedEmail FollowUpHold = "unlogged_email"
	// HoldSigner: their signer was deactivated or made a viewer.
	HoldSigner FollowUpHold = "signer"
)

// Words says what the hold is, for a page.
func (h FollowUpHold) Words() string {
	switch h {
	case HoldNoEmail:
		return "the agency has no email address: add one on its page"
	case HoldLetter:
		return "a letter of this request is on its way, refused or returned: once it is sent, sent again or cancelled, they go on"
	case HoldUnloggedEmail:
		return "an email to the request's reply address waits to be logged (it may be the answer): log it first"
	case HoldSigner:
		return "whoever signs them was deactivated or can no longer send letters: turn them on again to sign them yourself"
	}
	return ""
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
// communication either way, email to its reply address or follow-up
// queued, or the day the request was sent), and never before r is late:
// the day after its date to follow. It is zero while r has no date to
// follow or its clock does not run (a draft, a closed request, one waiting
// on us: that letter needs what we send written in), and under appeal or
// in litigation, where the other side is no records office to chase.
func FollowUpDue(r *Request, every int, lastExchange deadline.Date) deadline.Date {
	follow := r.FollowOn()
	switch {
	case follow.IsZero(), !r.Status.ClockRuns(), r.Paused(), r.Status == StatusAppealed, r.Status == StatusInLitigation:
		return deadline.Date{}
	}
	next := follow.AddDays(1)
	if after := lastExchange.AddDays(every); !lastExchange.IsZero() && after.After(next) {
		next = after
	}
	return next
}

// FollowUpHours reports whether an automatic follow-up of r may go at now:
// from 9:00 to 17:00 on a business day of its agency (not a weekend, a
// holiday of its law or one of its closure days), in its time zone, when a
// records officer reads it.
func FollowUpHours(now time.Time, r *Request) bool {
	local := now.In(Location(r.TimeZone))
	return local.Hour() >= 9 && local.Hour() < 17 && agencyWorks(r, deadline.DateOf(local))
}

// NextFollowUp is when the next automatic follow-up of r would go, as
// FollowUpDue and FollowUpHours allow it at now: its due day, or the
// next business day of its agency (today, if its hours have not ended);
// zero when none is due.
func NextFollowUp(r *Request, every int, lastExchange deadline.Date, now time.Time) deadline.Date {
	day := FollowUpDue(r, every, lastExchange)
	if day.IsZero() {
		return day
	}
	local := now.In(Location(r.TimeZone))
	today := deadline.DateOf(local)
	if day.Before(today) {
		day = today
	}
	if day == today && local.Hour() >= 17 {
		day = day.AddDays(1)
	}
	for range 60 { // (a law's holidays and closures never run two months)
		if agencyWorks(r, day) {
			return day
		}
		day = day.AddDays(1)
	}
	return deadline.Date{}
}

// agencyWorks reports whether day is a business day of r's agency: not a
// weekend, a holiday of its law, or one of its closure days. A law with no
// holiday calendar (one that sets no statutory date), or none for day's
// year, leaves weekdays that are not closure days.
func agencyWorks(r *Request, day deadline.Date) bool {
	if j, err := deadline.Lookup(r.Jurisdiction); err == nil {
		if next, err := j.AddBusinessDays(day.AddDays(-1), 1, r.Closures...); err == nil {
			return next == day
		}
	}
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !slices.ContainsFunc(r.Closures, func(c deadline.Holiday) bool { return c.Date == day })
}
