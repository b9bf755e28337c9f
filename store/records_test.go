package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An agency's record counts the organization's filed requests, their first
// responses and answers from the correspondence, and the waits on us from
// the pauses; a filter narrows it; another organization's requests are
// never in it.
func TestStore_AgencyRecords(t *testing.T) {
	t.Parallel()
	b := setup(t) // today: 5 April 2017
	sheriff, police := b.agency(t, "Sheriff", "us-ca"), b.agency(t, "Police", "us-ny")
	log := func(r *sunshine.Request, dir sunshine.Direction, kind sunshine.CommKind, on string, exemptions ...string) {
		t.Helper()
		_, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: dir, Channel: "email", Kind: kind, OccurredOn: d(on), Subject: string(kind), ExemptionsCited: exemptions}})
		require.NoError(t, err)
	}
	in, out := sunshine.DirectionIn, sunshine.DirectionOut

	met := b.request(t, sheriff, "Met", "2017-03-01") // due Mon 13 March
	log(met, in, sunshine.KindAcknowledgment, "2017-03-03")
	log(met, in, sunshine.KindRecordsRelease, "2017-03-10", "Gov. Code 7923.600", "Gov. Code 7922.000")
	ackOnly := b.request(t, sheriff, "Acknowledged only", "2017-03-06") // due 16 March
	log(ackOnly, in, sunshine.KindAcknowledgment, "2017-03-10")
	silent := b.request(t, sheriff, "Silent", "2017-03-20") // due 30 March
	log(silent, out, sunshine.KindFollowUp, "2017-04-03")
	waited := b.request(t, sheriff, "Waited on us", "2017-03-01") // due 13 March
	log(waited, in, sunshine.KindClarificationRequest, "2017-03-09")
	log(waited, out, sunshine.KindFollowUp, "2017-03-14")
	log(waited, in, sunshine.KindRecordsRelease, "2017-03-20", "Gov. Code 7923.600")
	b.request(t, sheriff, "Not yet due", "2017-03-27") // due 6 April
	// Moved on by its status alone, no letter logged: acknowledged on 2
	// March, records coming from 8 March.
	byStatus := b.request(t, sheriff, "Status only", "2017-03-01") // due 13 March
	for _, st := range []struct {
		to sunshine.Status
		on string
	}{{sunshine.StatusAcknowledged, "2017-03-02"}, {sunshine.StatusRollingProduction, "2017-03-08"}} {
		_, err := b.s.TransitionRequest(b.ctx, byStatus.ID, sunshine.TransitionInput{To: st.to, EffectiveOn: d(st.on)})
		require.NoError(t, err)
	}
	b.request(t, sheriff, "Draft", "")
	b.request(t, sheriff, "Last year", "2016-11-01")
	foil := b.request(t, police, "FOIL", "2017-03-27")
	log(foil, in, sunshine.KindAcknowledgment, "2017-03-28")

	other := storetest.Org(t, b.s, "other")
	theirs := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirs))
	require.NoError(t, b.s.CreateRequest(other.Ctx, &sunshine.Request{AgencyID: theirs.ID, Title: "Theirs",
		DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-01")}))

	rep, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{ReceivedFrom: d("2017-03-01")})
	require.NoError(t, err)
	require.Len(t, rep.Agencies, 2)
	p, s := rep.Agencies[0], rep.Agencies[1]
	assert.Equal(t, []string{"Police", "Sheriff"}, []string{p.AgencyName, s.AgencyName})
	assert.Equal(t, sheriff.ID, s.AgencyID)
	assert.Equal(t, "us-ca", s.Jurisdiction)
	assert.Equal(t, 6, s.Filed, "the draft and last year's are not counted")
	assert.Equal(t, 6, s.Open, "records released in part leave a request open")
	assert.Equal(t, map[sunshine.DateOutcome]int{sunshine.DateMet: 2, sunshine.DateMissed: 2, sunshine.DateMissedWaitingOnUs: 1,
		sunshine.DatePending: 1}, s.Outcomes)
	assert.Equal(t, 4, s.Responded)
	days, ok := s.MedianResponseDays()
	require.True(t, ok)
	assert.Equal(t, 2, days, "median of 1, 2, 4 and 8 days: the lower middle")
	assert.Equal(t, map[sunshine.DateOutcome]int{sunshine.DateMet: 1}, p.Outcomes, "an acknowledgment meets FOIL's date")
	assert.Equal(t, []sunshine.ExemptionCount{{Exemption: "Gov. Code 7923.600", Requests: 2}, {Exemption: "Gov. Code 7922.000", Requests: 1}},
		s.TopExemptions(10), "each request counted once per exemption")
	assert.Equal(t, 7, rep.Total.Filed)

	t.Run("ByLaw", func(t *testing.T) {
		rep, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{Jurisdiction: "us-ny"})
		require.NoError(t, err)
		require.Len(t, rep.Agencies, 1)
		assert.Equal(t, police.ID, rep.Agencies[0].AgencyID)
	})
	t.Run("OneAgencyAllTime", func(t *testing.T) {
		rep, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{AgencyID: sheriff.ID})
		require.NoError(t, err)
		require.Len(t, rep.Agencies, 1)
		assert.Equal(t, 7, rep.Agencies[0].Filed)
	})
	t.Run("AnotherOrganizationsAgency", func(t *testing.T) {
		rep, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{AgencyID: theirs.ID})
		require.NoError(t, err)
		assert.Empty(t, rep.Agencies)
		assert.Zero(t, rep.Total.Filed)
	})
	t.Run("DatesInReverse", func(t *testing.T) {
		_, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{ReceivedFrom: d("2017-03-02"), ReceivedTo: d("2017-03-01")})
		require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err))
	})
}

// The fees an agency asks: the requests with a fee estimate, and the
// median of the latest amount asked on each (a revised estimate replaces
// the first).
func TestStore_AgencyRecords_Fees(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency(t, "Sheriff", "us-ca")
	fee := func(r *sunshine.Request, on, amount string) {
		t.Helper()
		c := sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindFeeEstimate, OccurredOn: d(on)}
		if amount != "" {
			c.FeeAmount = &amount
		}
		_, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: c})
		require.NoError(t, err)
	}
	revised := b.request(t, sheriff, "Revised", "2017-03-01")
	fee(revised, "2017-03-05", "25.00")
	fee(revised, "2017-03-09", "40.50")
	fee(b.request(t, sheriff, "No amount", "2017-03-01"), "2017-03-06", "")
	b.request(t, sheriff, "No fee", "2017-03-01")

	rep, err := b.s.AgencyRecords(b.ctx, sunshine.RecordFilter{})
	require.NoError(t, err)
	require.Len(t, rep.Agencies, 1)
	a := rep.Agencies[0]
	assert.Equal(t, 2, a.FeeEstimates)
	cents, ok := a.MedianFee()
	require.True(t, ok)
	assert.Equal(t, "40.50", sunshine.FormatCents(cents), "the latest estimate of the one request with an amount")
}
