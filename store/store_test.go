package store_test

import (
	"context"
	"testing"
	"time"

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
