package store

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// dueKinds are the reminders tied to a request's due date.
var dueKinds = pq.StringArray{sunshine.ReminderDueSoon, sunshine.ReminderDueToday, sunshine.ReminderOverdue, sunshine.ReminderExtensionEnding}

// reschedule computes when a request's reminders fall due, on its law's
// business-day calendar, and cancels pending reminders that no longer hold:
// those for another due date, due-date reminders of a request whose clock
// stopped, a pause reminder once the pause ended. It runs in the
// transaction of every change to the request's dates or status.
func reschedule(ctx context.Context, tx *sqlx.Tx, r *sunshine.Request) error {
	awaitingOn, err := writeSchedule(ctx, tx, r)
	if err != nil {
		return err
	}
	const cancel = `UPDATE reminders SET status = 'cancelled', last_error = $5
		WHERE request_id = $1 AND status = 'pending' AND (
			(kind = ANY($2) AND (NOT $3 OR due_on IS DISTINCT FROM $4::date))
			OR (kind = 'awaiting_requester' AND $6::date IS NULL))`
	_, err = tx.ExecContext(ctx, cancel, r.ID, dueKinds, r.DueTracked(), r.EffectiveDueOn(),
		"cancelled: the request's due date or status changed", awaitingOn)
	return translate(err, "reminders")
}

// writeSchedule computes and saves the request's reminder dates and returns
// the date an awaiting-requester reminder falls due, if any. (A new
// request's schedule is written by CreateRequest's own statement.)
func writeSchedule(ctx context.Context, tx sqlx.ExtContext, r *sunshine.Request) (deadline.Date, error) {
	var policy struct {
		SoonDays      pq.Int64Array `db:"remind_soon_days"`
		AwaitingAfter int           `db:"awaiting_after_days"`
	}
	if err := sqlx.GetContext(ctx, tx, &policy, `SELECT remind_soon_days, awaiting_after_days FROM organizations WHERE id = $1`, r.OrgID); err != nil {
		return deadline.Date{}, translate(err, "organization")
	}
	sch, err := ScheduleFor(r, policy.SoonDays, policy.AwaitingAfter)
	if err != nil {
		return deadline.Date{}, err
	}
	const q = `INSERT INTO reminder_schedule (request_id, org_id, soon_dates, overdue_from, awaiting_remind_on, next_remind_on)
		VALUES ($1, $2, $3::date[], $4, $5, $6)
		ON CONFLICT (request_id) DO UPDATE SET soon_dates = EXCLUDED.soon_dates, overdue_from = EXCLUDED.overdue_from,
			awaiting_remind_on = EXCLUDED.awaiting_remind_on, next_remind_on = EXCLUDED.next_remind_on`
	if _, err := tx.ExecContext(ctx, q, r.ID, r.OrgID, pq.Array(dateStrings(sch.SoonDates)), sch.OverdueFrom, sch.AwaitingOn, sch.Next); err != nil {
		return deadline.Date{}, translate(err, "reminder schedule")
	}
	return sch.AwaitingOn, nil
}

// Schedule is when a request's reminders fall due (a reminder_schedule row).
type Schedule struct {
	SoonDates   []deadline.Date // due soon: business days before the due date
	OverdueFrom deadline.Date   // the business day after the due date
	AwaitingOn  deadline.Date   // business days into a pause waiting on the requester
	Next        deadline.Date   // the earliest date planning must look at the request again
}

// ScheduleFor computes a request's reminder dates, on its law's business-day
// calendar, under an organization's policy: due-soon reminders soonDays
// business days before the due date, an awaiting-requester one
// awaitingAfter business days into the pause. It reads no database (the
// benchmark generator computes a million with it).
func ScheduleFor(r *sunshine.Request, soonDays []int64, awaitingAfter int) (Schedule, error) {
	j, err := deadline.Lookup(r.Jurisdiction)
	if err != nil {
		return Schedule{}, err
	}
	addBD := func(d deadline.Date, n int) deadline.Date {
		if j.HasDeadline() {
			if out, err := j.AddBusinessDays(d, n, r.Closures...); err == nil {
				return out
			}
			return deadline.Date{} // outside the law's calendar (Georgia): no reminder rather than a wrong one
		}
		return addWeekdays(d, n) // an agreed date under a law with no calendar of its own
	}
	var s Schedule
	if due := r.EffectiveDueOn(); !due.IsZero() && r.DueTracked() {
		for _, n := range soonDays {
			if d := addBD(due, -int(n)); !d.IsZero() {
				s.SoonDates = append(s.SoonDates, d)
			}
		}
		s.OverdueFrom = addBD(due, 1)
	}
	if r.Status == sunshine.StatusAwaitingRequester && r.Paused() {
		s.AwaitingOn = addBD(r.Pauses[len(r.Pauses)-1].From, awaitingAfter)
	}
	// The earliest of them; planning moves it on as reminders go out.
	candidates := append(slices.Clone(s.SoonDates), s.OverdueFrom, s.AwaitingOn)
	if r.DueTracked() {
		candidates = append(candidates, r.EffectiveDueOn())
	}
	if r.Status.ClockRuns() {
		candidates = append(candidates, nextDay(r.AgencyEstimatedOn))
	}
	for _, d := range candidates {
		if !d.IsZero() && (s.Next.IsZero() || d.Before(s.Next)) {
			s.Next = d
		}
	}
	return s, nil
}

// addWeekdays counts n weekdays from d (negative: back).
func addWeekdays(d deadline.Date, n int) deadline.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if !d.IsWeekend() {
			n--
		}
	}
	return d
}

// nextDay is the day after d, or the zero Date.
func nextDay(d deadline.Date) deadline.Date {
	if d.IsZero() {
		return d
	}
	return d.AddDays(1)
}

// dateStrings spells dates for a date[] parameter.
func dateStrings(ds []deadline.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}
