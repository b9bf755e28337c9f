package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// The Agency records page adds up each agency's answers to the
// organization's requests: the statutory dates met of those measured, the
// median days to a first response, how requests ended; its filters, its
// order and its CSV; and the agency's own page shows its record.
func TestAgencyRecordsPage(t *testing.T) {
	t.Parallel()
	b, sheriff, _ := sacramento(t) // today 5 April 2017; one request received 27 March, due 6 April
	police := &sunshine.Agency{Name: "Fresno Police Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, police))
	file := func(a *sunshine.Agency, received string) *sunshine.Request {
		r := &sunshine.Request{AgencyID: a.ID, Title: "Use of force reports", DeliveryMethod: sunshine.DeliveryEmail,
			ReceivedOn: deadline.MustParseDate(received)}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
		return r
	}
	answered := file(sheriff, "2017-03-01") // due 13 March
	_, _, err := b.st.CreateCommunication(b.fx.Ctx, answered.ID, sunshine.CommunicationInput{
		Communication: sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease,
			OccurredOn: deadline.MustParseDate("2017-03-10"), ExemptionsCited: []string{"Gov. Code 7923.600", "Gov. Code 7922.000"}},
		ResultingStatus: sunshine.StatusFulfilled})
	require.NoError(t, err)
	file(sheriff, "2017-03-20")         // due 30 March: missed
	file(police, "2017-03-01")          // missed
	asked := file(police, "2017-03-02") // a fee asked late: missed
	amount := "45.50"
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, asked.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindFeeEstimate, OccurredOn: deadline.MustParseDate("2017-03-20"),
		FeeAmount: &amount}})
	require.NoError(t, err)

	rec := b.get("/reports/agencies")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page := body(rec)
	assert.Contains(t, page, `aria-current="page">Reports</a>`)
	assert.Contains(t, page, "All agencies: 5 requests; 25% answered by the statutory date (1 of 4 measured); a first response after 9 days (median).")
	// Most requests first: the sheriff (3), then the police (2).
	assert.Less(t, strings.Index(page, "Sacramento County Sheriff"), strings.Index(page, "Fresno Police"))
	assert.Contains(t, page, "1 of 2")
	assert.Contains(t, page, "50%")
	assert.Contains(t, page, "1 not yet due or waiting on you")
	assert.Contains(t, page, "1 fulfilled")
	assert.Contains(t, page, `href="/export/agency-records.csv"`)

	assert.Contains(t, page, `<a href="/reports/agencies" aria-current="true">All time</a>`)

	t.Run("LeastOnTimeFirst", func(t *testing.T) {
		page := body(b.get("/reports/agencies?sort=on_time"))
		assert.Less(t, strings.Index(page, "Fresno Police"), strings.Index(page, "Sacramento County Sheriff"))
		assert.Contains(t, page, `href="/export/agency-records.csv?sort=on_time"`)
		// The periods keep the order chosen.
		assert.Contains(t, page, `<a href="/reports/agencies?received_from=2017-01-01&amp;sort=on_time">This year</a>`)
		assert.Contains(t, page, `<a href="/reports/agencies?received_from=2016-04-06&amp;sort=on_time">Last 12 months</a>`)
		assert.Contains(t, page, `<a href="/reports/agencies?received_from=2016-01-01&amp;received_to=2016-12-31&amp;sort=on_time">2016</a>`)
	})
	t.Run("ReceivedFrom", func(t *testing.T) {
		page := body(b.get("/reports/agencies?received_from=2017-03-15"))
		assert.Contains(t, page, "All agencies: 2 requests; 0% answered by the statutory date (0 of 1 measured).")
		assert.NotContains(t, page, "Fresno Police")
		page = body(b.get("/reports/agencies?received_from=2017-01-01"))
		assert.Contains(t, page, `aria-current="true">This year</a>`)
	})
	t.Run("NothingSent", func(t *testing.T) {
		page := body(b.get("/reports/agencies?received_from=2018-01-01"))
		assert.Contains(t, page, "No request sent matches these filters.")
		assert.NotContains(t, page, "Export CSV")
	})
	for _, tc := range []struct{ name, query, message string }{
		{"NotADate", "received_from=1%2F3%2F2017", "Received from: “1/3/2017” is not a date: give it as YYYY-MM-DD"},
		{"DatesInReverse", "received_from=2017-04-01&received_to=2017-03-01", "Received to: must not be before the date received from"},
		{"UnknownLaw", "jurisdiction=us-zz", "Law: unknown law “us-zz”; choose a law from the list"},
		{"UnknownOrder", "sort=worst", "Order: unknown order “worst”"},
		{"UnknownFilter", "status=open", "“status” is not a filter of this page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.get("/reports/agencies?" + tc.query)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			assert.Contains(t, body(rec), tc.message)
			assert.NotContains(t, body(rec), "<table")
			assert.Equal(t, http.StatusBadRequest, b.get("/export/agency-records.csv?"+tc.query).Code)
		})
	}

	t.Run("CSV", func(t *testing.T) {
		rec := b.get("/export/agency-records.csv?jurisdiction=us-ca")
		require.Equal(t, http.StatusOK, rec.Code, body(rec))
		rows, err := csv.NewReader(strings.NewReader(body(rec))).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 4, "header, two agencies by name, the total")
		assert.Equal(t, sunshine.RecordCSVHeader, rows[0])
		assert.Equal(t, []string{"Fresno Police Department", "Sacramento County Sheriff's Department", "All agencies"},
			[]string{rows[1][1], rows[2][1], rows[3][1]})
		assert.Equal(t, "3", rows[2][3])
	})

	t.Run("AgencyPage", func(t *testing.T) {
		page := body(b.get("/agencies/" + sheriff.ID))
		assert.Contains(t, page, "Track record")
		assert.Contains(t, page, "met 1 of 2 (50%); 1 not yet due or waiting on you")
		assert.Contains(t, page, "after 9 days (median); 1 of 3 responded")
		assert.Contains(t, page, "<dd>1 fulfilled</dd>")
		assert.Contains(t, page, "<dd>Gov. Code 7922.000 (1 request); Gov. Code 7923.600 (1 request)</dd>")
		assert.Contains(t, body(b.get("/agencies/"+police.ID)), "<dd>on 1 request (median of the latest estimates: $45.50)</dd>")
		assert.NotContains(t, page, "Fees asked")
		fresh := &sunshine.Agency{Name: "Board of Supervisors", Jurisdiction: "us-ca"}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, fresh))
		assert.Contains(t, body(b.get("/agencies/"+fresh.ID)), "No request has been sent to this agency yet.")
	})
}
