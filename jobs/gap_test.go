package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
)

const cpra = "All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"

// localAt is the given Sacramento wall-clock time ("2017-04-03 06:00").
func localAt(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, la)
	require.NoError(t, err)
	return tm
}

// gapRun is a bundle's reminder jobs with a fake mailer, and what it sent
// since the last look.
type gapRun struct {
	t    *testing.T
	b    bundle
	fake *mail.Fake
	r    *jobs.Reminders
	seen int
}

func newGapRun(t *testing.T) *gapRun {
	b := sacramento(t)
	b.splitReaders(t) // the digests list the request too
	fake := &mail.Fake{}
	return &gapRun{t: t, b: b, fake: fake, r: b.runner(fake)}
}

func (g *gapRun) set(local string) { g.b.clock.Set(localAt(g.t, local)) }

func (g *gapRun) plan() {
	_, _, err := g.r.Plan(context.Background())
	require.NoError(g.t, err)
}

func (g *gapRun) deliver() {
	_, err := g.r.Deliver(context.Background())
	require.NoError(g.t, err)
}

func (g *gapRun) run() {
	_, _, _, err := g.r.RunOnce(context.Background())
	require.NoError(g.t, err)
}

// news returns the subjects sent since the last call: the request's
// emails, and the digests apart.
func (g *gapRun) news() (emails, digests []string) {
	sent := g.fake.Sent()
	for _, s := range subjects(sent[g.seen:]) {
		if isDigest(s) {
			digests = append(digests, s)
		} else {
			emails = append(emails, s)
		}
	}
	g.seen = len(sent)
	return emails, digests
}

// After a gap (the server down, or delivery stopped, for a day or more)
// each reminder goes out once: one planned before the gap and not sent is
// not sent beside the later one of the same kind that replaces it (they
// would say the same thing on the same morning), whatever runs first once
// the server is back. The Sacramento request is due Thu 6 Apr; its due-soon
// days are Mon 3 and Wed 5 Apr.
func TestReminders_AfterAGapEachOnce(t *testing.T) {
	t.Parallel()

	t.Run("DueSoonPlannedBeforeItsHour", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-03 06:00") // planned for 07:00; the server goes down before
		g.run()
		emails, digests := g.news()
		require.Empty(t, emails)
		require.Empty(t, digests)
		g.set("2017-04-05 08:00") // back two days later
		g.run()
		emails, digests = g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
		require.Equal(t, []string{"Sunshine digest for Wed 5 Apr: 1 due within 7 days"}, digests)
	})

	t.Run("PlannedThenDown", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-03 07:30") // the planner ran, delivery never did
		g.plan()
		g.set("2017-04-05 08:00")
		g.run()
		emails, digests := g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
		require.Equal(t, []string{"Sunshine digest for Wed 5 Apr: 1 due within 7 days"}, digests)
	})

	t.Run("DeliveryRunsBeforePlanning", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-03 07:30")
		g.plan()
		g.set("2017-04-05 08:00") // back: the delivery job happens to run first
		g.deliver()
		g.plan()
		g.deliver()
		emails, digests := g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
		require.Equal(t, []string{"Sunshine digest for Wed 5 Apr: 1 due within 7 days"}, digests)
	})

	t.Run("BackBeforeTheHour", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-03 06:00")
		g.run()
		g.set("2017-04-05 00:05") // back after midnight: nothing until 07:00
		g.run()
		emails, _ := g.news()
		require.Empty(t, emails)
		g.set("2017-04-05 07:00")
		g.run()
		emails, _ = g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
	})

	t.Run("OverdueAWeekLater", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-07 06:00") // overdue, planned for 07:00; down until the next weekly one
		g.run()
		g.set("2017-04-14 08:00")
		g.run()
		emails, digests := g.news()
		require.Equal(t, []string{"Overdue (was due Thu 6 Apr): " + cpra}, emails)
		require.Len(t, digests, 1)
	})

	t.Run("FailedThenRetriedByStaff", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.fake.FailWith(errors.New("dial tcp 127.0.0.1:25: connection refused"))
		g.set("2017-04-03 08:00")
		g.run()
		g.b.clock.Set(g.b.clock.Now().Add(time.Minute))
		g.deliver()
		g.b.clock.Set(g.b.clock.Now().Add(2 * time.Minute))
		g.deliver()
		n, err := g.b.st.CountFailedReminders(g.b.fx.Ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "the 3-day reminder and the digest")
		// The mail server is fixed on Wednesday; the 1-day reminder goes out.
		g.fake.FailWith(nil)
		g.set("2017-04-05 08:00")
		g.run()
		emails, digests := g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
		require.Len(t, digests, 1)
		// Then staff send the failed ones again: Monday's are out of date.
		n, err = g.b.st.RetryFailedReminders(g.b.fx.Ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		res, err := g.r.Deliver(context.Background())
		require.NoError(t, err)
		require.Equal(t, jobs.DeliveryResult{Cancelled: 2}, res)
		emails, digests = g.news()
		require.Empty(t, emails)
		require.Empty(t, digests)
	})

	// Plan and deliver, a gap, plan and deliver again: each day's email
	// once, the days missed skipped (no due-today email on Friday for
	// Thursday), the weekly overdue one once after two weeks down.
	t.Run("FullRunsAroundGaps", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		for _, step := range []struct {
			at   string
			want []string
		}{
			{"2017-04-03 08:00", []string{"Due Thu 6 Apr (3 business days): " + cpra}},
			{"2017-04-05 08:00", []string{"Due Thu 6 Apr (1 business day): " + cpra}}, // the second due-soon day
			{"2017-04-07 08:00", []string{"Overdue (was due Thu 6 Apr): " + cpra}},
			{"2017-04-07 09:00", nil},
			{"2017-04-21 08:00", []string{"Overdue (was due Thu 6 Apr): " + cpra}},
			{"2017-04-21 12:00", nil},
		} {
			g.set(step.at)
			g.run()
			emails, _ := g.news()
			require.Equal(t, step.want, emails, step.at)
		}
		n, d, err := g.r.Plan(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)
		require.Zero(t, d)
	})

	// A due date that changes earns its own reminders, gap or not.
	t.Run("ChangedDueDate", func(t *testing.T) {
		t.Parallel()
		g := newGapRun(t)
		g.set("2017-04-03 07:30")
		g.plan()
		g.set("2017-04-05 08:00")
		g.run()
		emails, _ := g.news()
		require.Equal(t, []string{"Due Thu 6 Apr (1 business day): " + cpra}, emails)
		// Agreed with the agency on Wednesday: Fri 7 Apr.
		_, err := g.b.st.SetCustomDueOn(g.b.fx.Ctx, g.b.req.ID, deadline.MustParseDate("2017-04-07"), "agreed by phone")
		require.NoError(t, err)
		g.set("2017-04-06 08:00")
		g.run()
		emails, _ = g.news()
		require.Len(t, emails, 1)
		require.Contains(t, emails[0], "Fri 7 Apr")
		require.Contains(t, emails[0], "(1 business day)")
	})
}
