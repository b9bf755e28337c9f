package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A backlog larger than one check may read (a bulk import) is read over
// the next planning runs, one email a run, nothing twice and nothing left
// out; a run checks each alert once.
func TestSearchAlerts_BacklogOverSeveralRuns(t *testing.T) {
	t.Parallel()
	clock := sunshine.NewFixedClock(time.Date(2017, 4, 3, 15, 0, 0, 0, time.UTC))
	st := store.New(storetest.DB(t), clock)
	store.SetAlertPaging(st, 2, 2) // four events a check
	fx := storetest.Org(t, st, "ndlon")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Booking logs", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	alert, err := st.CreateSearchAlert(fx.Ctx, "quokka")
	require.NoError(t, err)
	for range 10 {
		_, err := st.AddNote(fx.Ctx, r.ID, "A quokka at the counter.")
		require.NoError(t, err)
	}

	var totals []int
	for run := range 5 {
		clock.Set(clock.Now().Add(15 * time.Minute)) // planning's schedule
		if run == 0 {
			clock.Set(clock.Now().Add(time.Hour))
		}
		queued, err := st.CheckSearchAlerts(fx.Ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, queued, 1, "one check an alert a run")
		totals = append(totals, queued)
	}
	require.Equal(t, []int{1, 1, 1, 0, 0}, totals, "4, 4 and 2 notes, then nothing new")

	var hits int
	require.NoError(t, st.DB().Get(&hits, `SELECT count(*) FROM search_alert_hits WHERE alert_id = $1`, alert.ID))
	require.Equal(t, 10, hits, "each note once")
}
