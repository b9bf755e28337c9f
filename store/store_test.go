package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// A fixed clock: 08:00 in Sacramento on Wednesday 5 April 2017.
var now = time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)

type testBundle struct {
	s   *store.Store
	ctx context.Context
	fx  storetest.Fixture
	clk *sunshine.FixedClock
}

func setup(t *testing.T) testBundle {
	t.Helper()
	clk := sunshine.NewFixedClock(now)
	s := storetest.Tx(t, clk)
	fx := storetest.Org(t, s, "ndlon")
	return testBundle{s: s, ctx: fx.Ctx, fx: fx, clk: clk}
}

func d(s string) deadline.Date { return deadline.MustParseDate(s) }

// waitUntilBlocked waits until n statements of the test's database whose
// text contains like wait on a lock: the other side of a race is in place.
func waitUntilBlocked(t *testing.T, db *sqlx.DB, like string, n int, what string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var waiting int
		err := db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0`, like)
		return err == nil && waiting >= n
	}, 10*time.Second, 10*time.Millisecond, what)
}

func (b testBundle) agency(t *testing.T, name, jurisdiction string) *sunshine.Agency {
	t.Helper()
	a := &sunshine.Agency{Name: name, Jurisdiction: jurisdiction}
	require.NoError(t, b.s.CreateAgency(b.ctx, a))
	return a
}

func (b testBundle) request(t *testing.T, a *sunshine.Agency, title, received string) *sunshine.Request {
	t.Helper()
	r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail}
	if received != "" {
		r.ReceivedOn = d(received)
	}
	require.NoError(t, b.s.CreateRequest(b.ctx, r))
	return r
}

func TestStore_Authenticate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	revokedRaw, revoked, err := b.s.CreateToken(b.ctx, b.fx.Admin.ID, "revoked")
	require.NoError(t, err)
	require.NoError(t, b.s.RevokeToken(b.ctx, revoked.ID))

	lastUsed := func() map[string]bool {
		ts, err := b.s.FindTokens(b.ctx)
		require.NoError(t, err)
		used := map[string]bool{}
		for _, tok := range ts {
			used[tok.Name] = tok.LastUsedAt != nil
		}
		return used
	}
	require.False(t, lastUsed()[revoked.Name])
	for _, tc := range []struct {
		name, token string
		ok          bool
	}{
		{"admin's token", b.fx.Token, true},
		{"revoked", revokedRaw, false},
		{"unknown", b.fx.Token[:len(b.fx.Token)-4] + "0000", false},
		{"not a Sunshine token", "Bearer xyz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := b.s.Authenticate(context.Background(), tc.token)
			if !tc.ok {
				require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, sunshine.Principal{OrgID: b.fx.Org.ID, UserID: b.fx.Admin.ID, Role: sunshine.RoleAdmin, TokenID: p.TokenID}, p)
		})
	}
	// The same statement records the use; a refused token records none.
	used := lastUsed()
	require.NotEmpty(t, used)
	for name, u := range used {
		require.Equal(t, name != revoked.Name, u, "token %q last_used_at", name)
	}
}

// Hot reads run as prepared statements on the pool, one per query text,
// and still answer once the cache is full.
func TestStore_PreparedStatements(t *testing.T) {
	t.Parallel()
	// A pool of one connection: nothing may hold a connection while it
	// waits for a second one to prepare a statement (it would wait forever).
	db := storetest.DB(t)
	db.SetMaxOpenConns(1)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "prepared")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))
	create := func(title, received string) *sunshine.Request {
		ctx, cancel := context.WithTimeout(fx.Ctx, 10*time.Second)
		defer cancel()
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d(received)}
		require.NoError(t, s.CreateRequest(ctx, r))
		return r
	}
	r := create("ICE", "2017-03-27")
	const created = 2 // a create is two statements: its facts read, its insert
	require.Equal(t, created, store.PreparedStatements(s, 0))
	create("ICE again", "2017-03-28")
	require.Equal(t, created, store.PreparedStatements(s, 0), "reused by the next create")

	for range 3 {
		got, err := s.FindRequestByID(fx.Ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, "2017-04-06", got.DueOn.String())
		_, err = s.Authenticate(context.Background(), fx.Token)
		require.NoError(t, err)
	}
	require.Equal(t, created+2, store.PreparedStatements(s, 0), "the request (with its pauses), the token: each prepared once")

	// Full: other lists run unprepared, with the same answers.
	full := store.PreparedStatements(s, created+2)
	for _, f := range []sunshine.RequestFilter{{}, {Statuses: []sunshine.Status{sunshine.StatusSubmitted}}, {Q: "ICE"}} {
		rs, _, err := s.FindRequests(fx.Ctx, f)
		require.NoError(t, err)
		require.Len(t, rs, 2)
		require.Equal(t, r.ID, rs[0].ID)
	}
	require.Equal(t, full, store.PreparedStatements(s, 0))
	_, err := s.FindRequestByID(fx.Ctx, "00000000-0000-0000-0000-000000000000")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "errors still translate through a prepared statement")
}

// A status filter is written in one order, once each, so that the same
// filter is always the same prepared statement.
func TestRequestListQuery_StatusesCanonical(t *testing.T) {
	t.Parallel()
	org := "00000000-0000-0000-0000-000000000001"
	query := func(ss ...sunshine.Status) string {
		q, _, err := store.RequestListQuery(org, sunshine.RequestFilter{Statuses: ss}, 50, now)
		require.NoError(t, err)
		return q
	}
	want := query(sunshine.StatusAcknowledged, sunshine.StatusSubmitted)
	require.Equal(t, want, query(sunshine.StatusSubmitted, sunshine.StatusAcknowledged))
	require.Equal(t, want, query(sunshine.StatusSubmitted, sunshine.StatusAcknowledged, sunshine.StatusSubmitted))
	require.Contains(t, want, "r.status IN ('acknowledged', 'submitted')")
}

// Snapshots (exports, each holding a connection for its whole download)
// take at most a quarter of the pool: the next waits for one to end, or
// gives up with its request, and the pages keep their connections.
func TestStore_SnapshotsTakeAQuarterOfThePool(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	db.SetMaxOpenConns(8) // two Snapshots at once
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "snapshots")

	release := make(chan struct{})
	held := make(chan struct{})
	done := make(chan error, 2)
	for range 2 {
		go func() {
			done <- s.Snapshot(fx.Ctx, func(*store.Store) error {
				held <- struct{}{}
				<-release
				return nil
			})
		}()
	}
	<-held
	<-held
	ctx, cancel := context.WithTimeout(fx.Ctx, 200*time.Millisecond)
	defer cancel()
	ran := false
	err := s.Snapshot(ctx, func(*store.Store) error { ran = true; return nil })
	require.Equal(t, sunshine.EUnavailable, sunshine.ErrorCode(err), "a third waits while two run, then gives up: %v", err)
	require.False(t, ran)
	_, _, err = s.FindAgencies(fx.Ctx, sunshine.AgencyFilter{})
	require.NoError(t, err, "the pages still get connections")

	close(release)
	require.NoError(t, <-done)
	require.NoError(t, <-done)
	require.NoError(t, s.Snapshot(fx.Ctx, func(st *store.Store) error {
		_, _, err := st.FindAgencies(fx.Ctx, sunshine.AgencyFilter{})
		return err
	}))
}
