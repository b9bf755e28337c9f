package api_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store/storetest"
)

// GET /reports/agencies adds up each agency's record from the requests and
// their correspondence, filters it, answers bad filters naming them and
// another organization's agency with a 404; the CSV has the same figures.
func TestReports_AgencyRecords(t *testing.T) {
	t.Parallel()
	b := setup(t) // today: 5 April 2017
	sheriff, police := b.agency("Sacramento County Sheriff", "us-ca"), b.agency("NYPD", "us-ny")
	answered := b.request(sheriff, "2017-03-01") // due 13 March
	r := b.call("POST", "/api/v1/requests/"+answered+"/communications", b.token, map[string]any{"direction": "in",
		"channel": "email", "kind": "records_release", "occurred_on": "2017-03-10", "exemptions_cited": []string{"Gov. Code 7923.600"}})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	b.request(sheriff, "2017-03-20")         // due 30 March, unanswered
	asked := b.request(police, "2017-04-03") // a fee asked the next day: FOIL's date met
	r = b.call("POST", "/api/v1/requests/"+asked+"/communications", b.token, map[string]any{"direction": "in",
		"channel": "email", "kind": "fee_estimate", "occurred_on": "2017-04-04", "fee_amount": "12.50"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	b.request(police, "") // a draft: not counted

	rep := b.call("GET", "/api/v1/reports/agencies", b.token, nil)
	require.Equal(t, http.StatusOK, rep.status(), rep.rec.Body.String())
	agencies := rep.body["agencies"].([]any)
	require.Len(t, agencies, 2)
	nypd, sac := agencies[0].(map[string]any), agencies[1].(map[string]any)
	assert.Equal(t, "NYPD", nypd["agency_name"])
	assert.Equal(t, sheriff, sac["agency_id"])
	assert.EqualValues(t, 2, sac["filed"])
	assert.EqualValues(t, 2, sac["overdue"], "open past the date, as the lists say: rolling production too")
	assert.EqualValues(t, 50, sac["on_time_percent"])
	assert.EqualValues(t, 9, sac["median_days_to_first_response"])
	assert.Equal(t, map[string]any{"met": 1.0, "missed": 1.0, "missed_waiting_on_us": 0.0, "pending": 0.0, "not_measured": 0.0},
		sac["statutory_date"])
	assert.Equal(t, []any{map[string]any{"exemption": "Gov. Code 7923.600", "requests": 1.0}}, sac["exemptions_cited"])
	assert.Equal(t, []any{}, nypd["exemptions_cited"])
	assert.EqualValues(t, 100, nypd["on_time_percent"])
	assert.EqualValues(t, 1, nypd["median_days_to_first_response"])
	assert.EqualValues(t, 1, nypd["fee_estimates"])
	assert.Equal(t, "12.50", nypd["median_fee"])
	assert.EqualValues(t, 0, sac["fee_estimates"])
	assert.Nil(t, sac["median_fee"], "no fee asked")
	total := rep.body["total"].(map[string]any)
	assert.EqualValues(t, 3, total["filed"])
	assert.NotContains(t, total, "agency_id")
	assert.Equal(t, "2017-04-05T15:00:00Z", rep.str("as_of"))

	byLaw := b.call("GET", "/api/v1/reports/agencies?jurisdiction=us-ny&received_from=2017-04-01&received_to=2017-04-30", b.token, nil)
	require.Equal(t, http.StatusOK, byLaw.status(), byLaw.rec.Body.String())
	require.Len(t, byLaw.body["agencies"], 1)
	assert.Equal(t, "us-ny", byLaw.str("jurisdiction"))
	assert.Equal(t, "2017-04-01", byLaw.str("received_from"))

	other := storetest.Org(t, b.st, "other")
	theirs := b.call("POST", "/api/v1/agencies", other.Token, map[string]any{"name": "Theirs", "jurisdiction": "us-ca"}).str("id")
	for _, tc := range []struct {
		name, query string
		status      int
		field       string
	}{
		{"BadDate", "received_from=2017-13-01", 400, "received_from"},
		{"DatesInReverse", "received_from=2017-04-02&received_to=2017-04-01", 400, "received_to"},
		{"UnknownLaw", "jurisdiction=us-zz", 400, "jurisdiction"},
		{"TwoLaws", "jurisdiction=us-ca&jurisdiction=us-ny", 400, "jurisdiction"},
		{"NotAnID", "agency_id=sheriff", 400, "agency_id"},
		{"UnknownParameter", "status=submitted", 400, "status"},
		{"AnotherOrganizationsAgency", "agency_id=" + theirs, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("GET", "/api/v1/reports/agencies?"+tc.query, b.token, nil)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.field != "" {
				assert.Equal(t, []string{tc.field}, r.fieldErrors())
			}
		})
	}

	t.Run("ExemptionSpellings", func(t *testing.T) {
		// Two requests to a federal agency cite exemption 5 in three
		// spellings, one of them twice: two requests, under the spelling
		// of those tied that is shortest.
		fbi := b.agency("FBI", "us-federal")
		cite := func(request, kind string, exemptions ...string) {
			t.Helper()
			r := b.call("POST", "/api/v1/requests/"+request+"/communications", b.token, map[string]any{"direction": "in",
				"channel": "email", "kind": kind, "occurred_on": "2017-04-04", "exemptions_cited": exemptions})
			require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
		}
		first, second := b.request(fbi, "2017-03-01"), b.request(fbi, "2017-03-02")
		cite(first, "denial", "(b)(5)", "(b)(7)(C)")
		cite(second, "records_release", "Exemption 5")
		cite(second, "partial_denial", "5 U.S.C. 552(b)(5)", "b7E")
		r := b.call("GET", "/api/v1/reports/agencies?agency_id="+fbi, b.token, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		want := []any{map[string]any{"exemption": "(b)(5)", "requests": 2.0},
			map[string]any{"exemption": "(b)(7)(C)", "requests": 1.0}, map[string]any{"exemption": "b7E", "requests": 1.0}}
		assert.Equal(t, want, r.body["agencies"].([]any)[0].(map[string]any)["exemptions_cited"])
		assert.Equal(t, want, r.body["total"].(map[string]any)["exemptions_cited"])
	})

	t.Run("CSV", func(t *testing.T) {
		r := b.call("GET", "/api/v1/reports/agencies.csv?agency_id="+sheriff, b.token, nil)
		require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
		assert.Equal(t, `attachment; filename="agency-records.csv"`, r.rec.Header().Get("Content-Disposition"))
		rows, err := csv.NewReader(strings.NewReader(r.rec.Body.String())).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 3, "header, the sheriff, the total")
		assert.Equal(t, []string{"agency_id", "agency", "jurisdiction", "filed", "open", "overdue", "responded",
			"median_days_to_first_response", "on_time_percent", "met", "missed", "missed_waiting_on_us", "pending", "not_measured",
			"fulfilled", "partially_granted", "denied", "no_records", "withdrawn", "abandoned", "fee_estimates", "median_fee", "exemptions_cited"}, rows[0])
		assert.Equal(t, []string{sheriff, "Sacramento County Sheriff", "us-ca", "2", "2", "2", "1", "9", "50", "1", "1", "0", "0", "0",
			"0", "0", "0", "0", "0", "0", "0", "", "Gov. Code 7923.600 (1)"}, rows[1])
		assert.Equal(t, "All agencies", rows[2][1])
		assert.Equal(t, rows[1][3:], rows[2][3:], "the total of one agency is its record")
	})
}
