package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// The list filters on the date to follow (EstimatePassed, NoDateToFollow,
// FollowAfter/FollowBefore) and the digest's requests agree with the
// request's own methods, over every case: the SQL and the Go say the same.
func TestStore_FollowFiltersMatchTheRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)) // Saturday 5 December 2026
	today := d("2026-12-05")
	ny := b.agency(t, "New York City Police Department", "us-ny")
	wa := b.agency(t, "Seattle Police Department", "us-wa")
	ca := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	fl := b.agency(t, "Miami-Dade Police Department", "us-fl")

	move := func(r *sunshine.Request, to ...sunshine.Status) *sunshine.Request {
		t.Helper()
		for _, st := range to {
			var err error
			r, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: st, EffectiveOn: d("2026-11-25")})
			require.NoError(t, err)
		}
		return r
	}
	estimate := func(r *sunshine.Request, on string) {
		t.Helper()
		e := d(on)
		_, err := b.s.UpdateRequest(b.ctx, r.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &e})
		require.NoError(t, err)
	}
	custom := func(r *sunshine.Request, on string) {
		t.Helper()
		_, err := b.s.SetCustomDueOn(b.ctx, r.ID, d(on), "agreed")
		require.NoError(t, err)
	}

	// The coordinator's case: statutory date Mon 30 Nov, met by the
	// acknowledgment; the agency's estimate, Fri 4 Dec, has passed.
	passed := move(b.request(t, ny, "Stop-and-frisk data", "2026-11-20"), sunshine.StatusAcknowledged)
	require.Equal(t, "2026-11-30", passed.DueOn.String())
	estimate(passed, "2026-12-04")
	ahead := move(b.request(t, wa, "Use-of-force reports", "2026-11-20"), sunshine.StatusAcknowledged, sunshine.StatusRollingProduction)
	estimate(ahead, "2026-12-08")
	noEstimate := move(b.request(t, ny, "Body camera policy", "2026-11-20"), sunshine.StatusAcknowledged)
	agreed := move(b.request(t, ny, "Overtime records", "2026-11-20"), sunshine.StatusAcknowledged)
	estimate(agreed, "2026-12-01")
	custom(agreed, "2026-12-10")
	florida := b.request(t, fl, "Jail contracts", "2026-11-20")
	appealed := move(b.request(t, ca, "Detainer requests", "2026-11-02"), sunshine.StatusDenied, sunshine.StatusAppealed)
	decision := move(b.request(t, ca, "Booking records", "2026-11-02"), sunshine.StatusDenied, sunshine.StatusAppealed)
	custom(decision, "2026-12-20")
	late := b.request(t, ca, "Jail access logs", "2026-11-20")
	waiting := move(b.request(t, fl, "Fee waiver", "2026-11-20"), sunshine.StatusAwaitingRequester)
	draft := b.request(t, fl, "Not sent yet", "")
	closed := move(b.request(t, ny, "Closed FOIL", "2026-11-20"), sunshine.StatusAcknowledged)
	estimate(closed, "2026-12-01")
	closed = move(closed, sunshine.StatusFulfilled)

	all := []*sunshine.Request{passed, ahead, noEstimate, agreed, florida, appealed, decision, late, waiting, draft, closed}
	for i, r := range all {
		var err error
		all[i], err = b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
	}
	want := func(keep func(r *sunshine.Request) bool) []string {
		var ids []string
		for _, r := range all {
			if keep(r) {
				ids = append(ids, r.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	got := func(f sunshine.RequestFilter) []string {
		t.Helper()
		f.Limit = 100
		rs, _, err := b.s.FindRequests(b.ctx, f)
		require.NoError(t, err)
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		return ids
	}

	require.Equal(t, []string{passed.ID}, got(sunshine.RequestFilter{EstimatePassed: true}))
	require.Equal(t, want(func(r *sunshine.Request) bool { return r.EstimatePassed(today) }), got(sunshine.RequestFilter{EstimatePassed: true}))
	noDate := want(func(r *sunshine.Request) bool { return r.NoDateToFollow() })
	require.ElementsMatch(t, []string{noEstimate.ID, florida.ID, appealed.ID}, noDate)
	require.Equal(t, noDate, got(sunshine.RequestFilter{NoDateToFollow: true}))
	from, to := d("2026-12-01"), d("2026-12-31")
	inDecember := want(func(r *sunshine.Request) bool {
		on := r.FollowOn()
		return !on.IsZero() && !on.Before(from) && !on.After(to)
	})
	require.ElementsMatch(t, []string{passed.ID, ahead.ID, agreed.ID, decision.ID}, inDecember)
	require.Equal(t, inDecember, got(sunshine.RequestFilter{FollowAfter: from, FollowBefore: to}))
	require.Equal(t, []string{passed.ID}, got(sunshine.RequestFilter{FollowAfter: d("2026-12-04"), FollowBefore: d("2026-12-04")}))
	require.Empty(t, got(sunshine.RequestFilter{FollowBefore: d("2026-11-30"), Statuses: []sunshine.Status{sunshine.StatusAcknowledged}}),
		"an acknowledged FOIL request is not on its statutory date")

	// The admin's digest has the passed estimate and the requests without
	// a date, beside what is overdue, due within 7 days or waiting on us.
	rs, err := b.s.DigestRequests(b.ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	var digest []string
	for _, r := range rs {
		digest = append(digest, r.ID)
	}
	require.ElementsMatch(t, []string{passed.ID, noEstimate.ID, florida.ID, appealed.ID, late.ID, waiting.ID, agreed.ID}, digest)
	require.Equal(t, deadline.Date{}, all[4].FollowOn(), "Florida: no statutory date")

	// The list sorts by ListedOn, page after page: the passed estimate on
	// 4 December, after the Californian request due 30 November, not on the
	// statutory date its acknowledgment met; those with no date to follow
	// last, with the drafts.
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, func(a, b *sunshine.Request) int {
		ka, kb := a.ListedOn(), b.ListedOn()
		switch {
		case ka == kb:
			return strings.Compare(a.ID, b.ID)
		case ka.IsZero():
			return 1
		case kb.IsZero():
			return -1
		case ka.Before(kb):
			return -1
		}
		return 1
	})
	var wantOrder, listed []string
	for _, r := range sorted {
		wantOrder = append(wantOrder, r.Title)
	}
	f := sunshine.RequestFilter{Limit: 3}
	for {
		rs, next, err := b.s.FindRequests(b.ctx, f)
		require.NoError(t, err)
		for _, r := range rs {
			listed = append(listed, r.Title)
		}
		if next == "" {
			break
		}
		f.After = next
	}
	require.Equal(t, wantOrder, listed)
	require.Less(t, slices.Index(listed, late.Title), slices.Index(listed, passed.Title))
	require.Greater(t, slices.Index(listed, appealed.Title), slices.Index(listed, decision.Title), "an appeal without a decision date has none to follow")
}

// The SQL function of the date to follow (migration 0024, which the
// dashboard's indexes are built on) agrees with Request.FollowOn for every
// law, status and custom date: a law added to those an acknowledgment
// meets needs a migration that changes the function and its indexes.
func TestFollowOnSQLMatchesTheRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, j := range deadline.Jurisdictions() {
		for _, st := range slices.Concat(sunshine.OpenStatuses, sunshine.ClosedStatuses) {
			for _, custom := range []deadline.Date{{}, d("2026-12-10")} {
				r := sunshine.Request{Jurisdiction: j.Code, Status: st, DueOn: d("2026-11-30"), CustomDueOn: custom, AgencyEstimatedOn: d("2026-12-04")}
				got, err := store.FollowOnSQL(b.s, &r)
				require.NoError(t, err)
				require.Equal(t, r.FollowOn(), got, "%s %s custom %s", j.Code, st, custom)
			}
		}
	}
}

// The first acknowledgment's day is kept: before the statutory date the
// date was met; after it, missed, though the estimate is still followed.
func TestStore_AcknowledgedOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2025, 4, 1, 15, 0, 0, 0, time.UTC))
	ny := b.agency(t, "New York City Police Department", "us-ny")
	ack := func(r *sunshine.Request, to sunshine.Status, on string) *sunshine.Request {
		t.Helper()
		got, err := b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: to, EffectiveOn: d(on)})
		require.NoError(t, err)
		return got
	}
	for _, tc := range []struct {
		name, on string
		late     bool
	}{
		{"on the 5th business day", "2025-03-10", false},
		{"the day after", "2025-03-11", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.request(t, ny, "Stop-and-frisk data "+tc.name, "2025-03-03")
			require.Equal(t, "2025-03-10", r.DueOn.String())
			r = ack(r, sunshine.StatusAcknowledged, tc.on)
			require.Equal(t, tc.on, r.AcknowledgedOn.String())
			require.Equal(t, tc.late, r.AcknowledgedLate())
			require.True(t, r.FollowsEstimate(), "the estimate is followed either way")
			r = ack(r, sunshine.StatusRollingProduction, "2025-03-20")
			require.Equal(t, tc.on, r.AcknowledgedOn.String(), "the first response's day stays")
		})
	}
}

// Logged with the wrong date, the acknowledgment is corrected on its edit
// page; the request's acknowledgment day follows it (met again), and a
// later correction of another letter does not touch it.
func TestStore_AcknowledgedOnFollowsTheLettersDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2025, 4, 1, 15, 0, 0, 0, time.UTC))
	r := b.request(t, b.agency(t, "New York City Police Department", "us-ny"), "Stop-and-frisk data", "2025-03-03")
	log := func(kind sunshine.CommKind, on string) *sunshine.Communication {
		t.Helper()
		c, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionIn, Channel: "email", Kind: kind, OccurredOn: d(on)}})
		require.NoError(t, err)
		return c
	}
	ack := log(sunshine.KindAcknowledgment, "2025-03-20") // should have been 5 March
	got, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.True(t, got.AcknowledgedLate())
	other := log(sunshine.KindOther, "2025-03-20")

	on := d("2025-03-05")
	_, err = b.s.UpdateCommunication(b.ctx, ack.ID, sunshine.CommunicationUpdate{OccurredOn: &on})
	require.NoError(t, err)
	got, err = b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2025-03-05", got.AcknowledgedOn.String())
	require.False(t, got.AcknowledgedLate())

	later := d("2025-03-25")
	_, err = b.s.UpdateCommunication(b.ctx, other.ID, sunshine.CommunicationUpdate{OccurredOn: &later})
	require.NoError(t, err)
	acknowledgedOn := func() string {
		t.Helper()
		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		return got.AcknowledgedOn.String()
	}
	require.Equal(t, "2025-03-05", acknowledgedOn())

	// A release the same day, then corrected: the acknowledgment still
	// accounts for the day. The acknowledgment moved past a later release:
	// the release's day.
	release := log(sunshine.KindRecordsRelease, "2025-03-05")
	_, err = b.s.UpdateCommunication(b.ctx, release.ID, sunshine.CommunicationUpdate{OccurredOn: &later})
	require.NoError(t, err)
	require.Equal(t, "2025-03-05", acknowledgedOn(), "the acknowledgment of 5 March stands")
	latest := d("2025-03-30")
	_, err = b.s.UpdateCommunication(b.ctx, ack.ID, sunshine.CommunicationUpdate{OccurredOn: &latest})
	require.NoError(t, err)
	require.Equal(t, "2025-03-25", acknowledgedOn(), "the release of 25 March is the first response now")

	// Under FOIL a request for clarification is no response: its dates
	// never move the day.
	clar := log(sunshine.KindClarificationRequest, "2025-03-25")
	earlier := d("2025-03-04")
	_, err = b.s.UpdateCommunication(b.ctx, clar.ID, sunshine.CommunicationUpdate{OccurredOn: &earlier})
	require.NoError(t, err)
	require.Equal(t, "2025-03-25", acknowledgedOn())
}

// A tracking number whose digits are glued to letters (NextRequest's
// "P012345-110226") is found by its digits, whole or from any run on.
func TestStore_FindRequestsByGluedTrackingDigits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "Jail records", "2017-03-27")
	number := "P012345-110226"
	_, err := b.s.UpdateRequest(b.ctx, r.ID, sunshine.RequestUpdate{TrackingNumber: &number})
	require.NoError(t, err)
	for _, q := range []string{"P012345-110226", "012345", "110226", "012345-110226"} {
		rs, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Q: q, Limit: 10})
		require.NoError(t, err)
		require.Len(t, rs, 1, q)
	}
}
