package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// lastEvent returns a request's newest timeline entry.
func lastEvent(t *testing.T, b testBundle, requestID string) *sunshine.Event {
	t.Helper()
	es, _, err := b.s.FindEvents(b.ctx, requestID, store.All, "")
	require.NoError(t, err)
	return es[len(es)-1]
}

func eventSteps(t *testing.T, e *sunshine.Event) []string {
	t.Helper()
	var data struct {
		Steps []string `json:"steps"`
	}
	require.NoError(t, json.Unmarshal(e.Data, &data))
	return data.Steps
}

// An agency's closure day moves the deadlines of its requests received
// on or before it, says so in their timelines and reschedules their
// reminders; removing it moves them back.
func TestStore_Closures(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t) // committed, to read the reminder schedule beside the store
	clk := sunshine.NewFixedClock(now)
	s := store.New(db, clk)
	fx := storetest.Org(t, s, "closures")
	b := testBundle{s: s, ctx: fx.Ctx, fx: fx, clk: clk}
	overdueFrom := func(id string) string {
		var on string
		require.NoError(t, db.Get(&on, `SELECT overdue_from::text FROM reminder_schedule WHERE request_id = $1`, id))
		return on
	}
	ny := b.agency(t, "NYPD", "us-ny")
	// Five business days from Mon 27 Mar 2017: Tue 28 ... Mon 3 Apr.
	open := b.request(t, ny, "Open", "2017-03-27")
	require.Equal(t, "2017-04-03", open.DueOn.String())
	later := b.request(t, ny, "Received after the closure", "2017-03-30")
	closed := b.request(t, ny, "Closed", "2017-03-27")
	_, err := b.s.TransitionRequest(b.ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn, EffectiveOn: d("2017-03-28")})
	require.NoError(t, err)
	ca := b.agency(t, "Sheriff", "us-ca")
	otherAgency := b.request(t, ca, "Another agency", "2017-03-27")

	c := &sunshine.Closure{AgencyID: ny.ID, ClosedOn: d("2017-03-29"), Reason: " snow "}
	moved, err := b.s.AddClosure(b.ctx, c)
	require.NoError(t, err)
	require.ElementsMatch(t, []sunshine.DueMove{
		{RequestID: open.ID, Title: "Open", From: d("2017-04-03"), To: d("2017-04-04")},
		{RequestID: closed.ID, Title: "Closed", From: d("2017-04-03"), To: d("2017-04-04")},
	}, moved, "the open request and the closed one")
	require.Equal(t, "snow", c.Reason)
	require.Equal(t, b.fx.Admin.ID, *c.CreatedBy)

	got, err := b.s.FindRequestByID(b.ctx, open.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-04", got.DueOn.String())
	require.Equal(t, open.Version+1, got.Version)
	e := lastEvent(t, b, open.ID)
	require.Equal(t, sunshine.EventDeadlineComputed, e.Kind)
	require.Equal(t, "Agency closure day added: Wed 29 Mar 2017 (snow)", e.Note)
	require.JSONEq(t, `{"closed_on": "2017-03-29", "reason": "snow", "added": true}`, string(closureData(t, e)))
	require.Contains(t, eventSteps(t, e), "Wed 29 Mar 2017: office closed (snow), not counted.")
	res, ok, err := got.Deadline() // the closure travels with the request
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "2017-04-04", res.Due.String())
	require.Equal(t, "2017-04-05", overdueFrom(open.ID), "reminders rescheduled")
	// A closed request's due date is its history: it moves too, so that its
	// explanation (recomputed on every read) agrees with it.
	got, err = b.s.FindRequestByID(b.ctx, closed.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-04", got.DueOn.String())
	for _, before := range []*sunshine.Request{later, otherAgency} {
		x, err := b.s.FindRequestByID(b.ctx, before.ID)
		require.NoError(t, err)
		require.Equal(t, before.DueOn, x.DueOn, x.Title)
		require.Empty(t, lastEvent(t, b, x.ID).Note, x.Title)
	}

	list, err := b.s.FindClosures(b.ctx, ny.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "2017-03-29", list[0].ClosedOn.String())

	// A request filed afterwards counts it from the start, and a corrected
	// receipt date reads the closures from the new date.
	filed := b.request(t, ny, "Filed later", "2017-03-27")
	require.Equal(t, "2017-04-04", filed.DueOn.String())
	on := d("2017-03-27")
	fixed, err := b.s.UpdateRequest(b.ctx, later.ID, sunshine.RequestUpdate{ReceivedOn: &on})
	require.NoError(t, err)
	require.Equal(t, "2017-04-04", fixed.DueOn.String())

	removed, moved, err := b.s.DeleteClosure(b.ctx, ny.ID, d("2017-03-29"))
	require.NoError(t, err)
	require.Equal(t, "snow", removed.Reason)
	require.Len(t, moved, 4, "open, closed, filed later, corrected")
	got, err = b.s.FindRequestByID(b.ctx, open.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-03", got.DueOn.String())
	require.Equal(t, "2017-04-04", overdueFrom(open.ID))
	require.Equal(t, "Agency closure day removed: Wed 29 Mar 2017 (snow)", lastEvent(t, b, open.ID).Note)
	_, _, err = b.s.DeleteClosure(b.ctx, ny.ID, d("2017-03-29"))
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}

func TestStore_ClosureInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "NYPD", "us-ny")
	_, err := b.s.AddClosure(b.ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-29"), Reason: "snow"})
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "other")
	theirs := &sunshine.Agency{Name: "Theirs", Jurisdiction: "us-ny"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirs))

	for _, tc := range []struct {
		name  string
		in    sunshine.Closure
		code  sunshine.Code
		field string
	}{
		{"NoDate", sunshine.Closure{AgencyID: a.ID, Reason: "snow"}, sunshine.EInvalid, "closed_on"},
		{"NoReason", sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-30"), Reason: "  "}, sunshine.EInvalid, "reason"},
		{"TwoLines", sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-30"), Reason: "snow\nand ice"}, sunshine.EInvalid, "reason"},
		{"TooLong", sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-30"), Reason: string(make([]byte, 201))}, sunshine.EInvalid, "reason"},
		{"MoreThanAYearAhead", sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2018-04-07"), Reason: "typo"}, sunshine.EInvalid, "closed_on"},
		{"AlreadyClosed", sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-29"), Reason: "again"}, sunshine.EConflict, "closed_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.AddClosure(b.ctx, &tc.in)
			requireField(t, err, tc.code, tc.field)
		})
	}
	list, err := b.s.FindClosures(b.ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, list, 1, "nothing written")
	require.Equal(t, "snow", list[0].Reason)

	// Another organization's agency is not there at all.
	_, err = b.s.AddClosure(b.ctx, &sunshine.Closure{AgencyID: theirs.ID, ClosedOn: d("2017-03-29"), Reason: "snow"})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.FindClosures(b.ctx, theirs.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, _, err = b.s.DeleteClosure(other.Ctx, a.ID, d("2017-03-29"))
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.FindClosures(b.ctx, "not-a-uuid")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}

// A closure added between a create's read of the agency and its insert is
// not lost: the insert sees the list changed and the create counts again.
// Not parallel: the hook is the package's.
func TestStore_CreateRequestSeesClosureAddedMeanwhile(t *testing.T) {
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "race")
	a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	store.AfterCreationFacts(t, func() {
		_, err := s.AddClosure(fx.Ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-29"), Reason: "snow"})
		require.NoError(t, err)
	})
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, s.CreateRequest(fx.Ctx, r))
	require.Equal(t, "2017-04-04", r.DueOn.String())
	got, err := s.FindRequestByID(fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-04", got.DueOn.String())
	es, _, err := s.FindEvents(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, es, 2, "created and computed, once")
}

// A create whose insert waits for a closure change to the same agency
// (which holds the agency row) finds the closure version changed once it
// may go on, and counts again with the new day.
func TestStore_CreateRequestWaitsForClosureChange(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "wait")
	a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))

	// A closure change in progress, as AddClosure makes it.
	change := db.MustBegin()
	defer func() { _ = change.Rollback() }()
	change.MustExec(`UPDATE agencies SET closures_version = closures_version + 1 WHERE id = $1`, a.ID)
	change.MustExec(`INSERT INTO agency_closures (org_id, agency_id, closed_on, reason) VALUES ($1, $2, '2017-03-29', 'snow')`, fx.Org.ID, a.ID)

	created := make(chan error, 1)
	r := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	go func() { created <- s.CreateRequest(fx.Ctx, r) }()
	require.Eventually(t, func() bool { // the insert waits for the agency row
		var waiting int
		require.NoError(t, db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%closures_version = $20 FOR SHARE%'`))
		if waiting > 0 {
			return true
		}
		return len(created) > 0
	}, 10*time.Second, 10*time.Millisecond)
	require.Empty(t, created, "the create went on while the closure change held the agency")
	require.NoError(t, change.Commit())
	require.NoError(t, <-created)
	require.Equal(t, "2017-04-04", r.DueOn.String(), "counted with the closure committed meanwhile")
}

// A closure change waits for a change in flight to one of the agency's
// requests (submitting a draft, correcting a receipt date back) and then
// recomputes it: neither side misses the new day.
func TestStore_ClosureWaitsForRequestChange(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "inflight")
	a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	draft := &sunshine.Request{AgencyID: a.ID, Title: "Draft", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, s.CreateRequest(fx.Ctx, draft))
	late := &sunshine.Request{AgencyID: a.ID, Title: "Mistyped receipt", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-30")}
	require.NoError(t, s.CreateRequest(fx.Ctx, late))

	added := make(chan int, 1)
	err := s.Atomically(fx.Ctx, func(st *store.Store) error {
		_, err := st.TransitionRequest(fx.Ctx, draft.ID, sunshine.TransitionInput{To: sunshine.StatusSubmitted, ReceivedOn: d("2017-03-27")})
		require.NoError(t, err)
		on := d("2017-03-27")
		_, err = st.UpdateRequest(fx.Ctx, late.ID, sunshine.RequestUpdate{ReceivedOn: &on})
		require.NoError(t, err)
		go func() { // a colleague adds a closure day meanwhile
			moved, err := s.AddClosure(fx.Ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-29"), Reason: "snow"})
			assert.NoError(t, err)
			added <- len(moved)
		}()
		waitUntilBlocked(t, db, "SET closures_version = closures_version + 1", 1, "the closure change waits for the request change")
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, <-added)
	for _, r := range []*sunshine.Request{draft, late} {
		got, err := s.FindRequestByID(fx.Ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, "2017-04-04", got.DueOn.String(), got.Title)
	}
}

// A closure day that would push a request's count where its law cannot
// count (Georgia's holidays are loaded for 2024-2025) is refused, naming
// the request; and a reason is counted in characters, not bytes.
func TestStore_ClosureRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2025, 12, 27, 15, 0, 0, 0, time.UTC))
	ga := b.agency(t, "Atlanta Police Department", "us-ga")
	r := b.request(t, ga, "Use-of-force reports", "2025-12-26") // three business days: Wed 31 Dec
	require.Equal(t, "2025-12-31", r.DueOn.String())
	_, err := b.s.AddClosure(b.ctx, &sunshine.Closure{AgencyID: ga.ID, ClosedOn: d("2025-12-29"), Reason: "ice storm"})
	requireField(t, err, sunshine.EUnprocessable, "closed_on")
	require.Contains(t, err.Error(), `"Use-of-force reports"`)
	require.Contains(t, err.Error(), "2024-2025")
	list, err := b.s.FindClosures(b.ctx, ga.ID)
	require.NoError(t, err)
	require.Empty(t, list, "nothing written")

	accents := strings.Repeat("é", 200) // 400 bytes
	_, err = b.s.AddClosure(b.ctx, &sunshine.Closure{AgencyID: ga.ID, ClosedOn: d("2025-12-10"), Reason: accents})
	require.NoError(t, err)
}

// closureData is the cause a closure change recorded in an event.
func closureData(t *testing.T, e *sunshine.Event) json.RawMessage {
	t.Helper()
	var data struct {
		Closure json.RawMessage `json:"closure"`
	}
	require.NoError(t, json.Unmarshal(e.Data, &data))
	return data.Closure
}
