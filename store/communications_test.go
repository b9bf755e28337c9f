package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An edit read at an older version of the communication is refused and
// changes nothing; at the current version it applies and moves the version.
func TestStore_UpdateCommunication_IfMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	c, _, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-03-28"), Subject: "first"}})
	require.NoError(t, err)

	stale, fresh := "stale", "fresh"
	_, err = b.s.UpdateCommunication(store.WithIfMatch(b.ctx, c.Version-1), c.ID, sunshine.CommunicationUpdate{Subject: &stale})
	require.Equal(t, sunshine.EPrecondition, sunshine.ErrorCode(err), err)
	got, err := b.s.FindCommunicationByID(b.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "first", got.Subject)
	require.Equal(t, c.Version, got.Version)

	got, err = b.s.UpdateCommunication(store.WithIfMatch(b.ctx, c.Version), c.ID, sunshine.CommunicationUpdate{Subject: &fresh})
	require.NoError(t, err)
	require.Equal(t, "fresh", got.Subject)
	require.Equal(t, c.Version+1, got.Version)

	// Without a version the edit applies, as before.
	got, err = b.s.UpdateCommunication(b.ctx, c.ID, sunshine.CommunicationUpdate{Subject: &stale})
	require.NoError(t, err)
	require.Equal(t, "stale", got.Subject)
}

// Correcting a communication, adding a document and removing one each
// change the request (its correspondence, its files), so each moves its
// version on, as logging a communication does: a client holding the
// request's ETag, or syncing on its version, sees the change.
func TestStore_ChangesMoveRequestVersion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	c, logged, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-03-28"), Subject: "first"}})
	require.NoError(t, err)
	version := logged.Version
	var doc *sunshine.Document
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
	}{
		{"communication corrected", func(t *testing.T) {
			on := d("2017-03-29")
			_, err := b.s.UpdateCommunication(b.ctx, c.ID, sunshine.CommunicationUpdate{OccurredOn: &on})
			require.NoError(t, err)
		}},
		{"document added", func(t *testing.T) {
			doc, err = b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, CommunicationID: c.ID,
				Filename: "letter.txt", ContentType: "text/plain", Content: strings.NewReader("released")})
			require.NoError(t, err)
		}},
		{"document removed", func(t *testing.T) {
			require.NoError(t, b.s.DeleteDocument(b.ctx, doc.ID))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			got, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, version+1, got.Version)
			version = got.Version
		})
	}
	got, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-03-29", got.LastCommunicationOn.String(), "the correction shows on the request")
}

// A communication logged by mistake is deleted: gone from the request's
// correspondence and search, kept whole in the timeline with the reason,
// its documents still on the request; what it did to the request stays.
// A stale version, a long reason and another organization change nothing.
func TestStore_DeleteCommunication(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	c, logged, err := b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: d("2017-03-28"),
		Subject: "Your request R-17-0042", Body: "We received your request about detainers."}})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAcknowledged, logged.Status)
	doc, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, CommunicationID: c.ID,
		Filename: "letter.txt", ContentType: "text/plain", Content: strings.NewReader("acknowledgment letter")})
	require.NoError(t, err)
	before, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)

	other := storetest.Org(t, b.s, "other")
	_, err = b.s.DeleteCommunication(other.Ctx, c.ID, "")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's communication")
	_, err = b.s.DeleteCommunication(store.WithIfMatch(b.ctx, c.Version-1), c.ID, "")
	require.Equal(t, sunshine.EPrecondition, sunshine.ErrorCode(err))
	_, err = b.s.DeleteCommunication(b.ctx, c.ID, strings.Repeat("é", 2001))
	requireField(t, err, sunshine.EInvalid, "reason")
	_, err = b.s.FindCommunicationByID(b.ctx, c.ID)
	require.NoError(t, err, "still there")
	commHits := func() int {
		hits, _, err := b.s.Search(b.ctx, store.SearchFilter{Q: "received detainers", Limit: 10})
		require.NoError(t, err)
		n := 0
		for _, h := range hits {
			if h.CommunicationID != nil && *h.CommunicationID == c.ID {
				n++
			}
		}
		return n
	}
	require.Equal(t, 1, commHits(), "found by search before")

	_, err = b.s.DeleteCommunication(store.WithIfMatch(b.ctx, c.Version), c.ID, " logged on the wrong request ")
	require.NoError(t, err)
	_, err = b.s.FindCommunicationByID(b.ctx, c.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	cs, _, err := b.s.FindCommunications(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, cs)
	require.Zero(t, commHits(), "no longer found by search")
	got, err := b.s.FindDocumentByID(b.ctx, doc.ID)
	require.NoError(t, err, "its document stays on the request")
	require.Nil(t, got.CommunicationID)
	after, err := b.s.FindRequestByID(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAcknowledged, after.Status, "what logging it did stays")
	require.Greater(t, after.Version, before.Version)

	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	last := es[len(es)-1]
	require.Equal(t, sunshine.EventCommDeleted, last.Kind)
	require.Equal(t, "logged on the wrong request", last.Note)
	var data struct {
		ID            string                 `json:"communication_id"`
		Communication sunshine.Communication `json:"communication"`
		Docs          []string               `json:"documents_detached"`
	}
	require.NoError(t, json.Unmarshal(last.Data, &data))
	require.Equal(t, c.ID, data.ID)
	require.Equal(t, "We received your request about detainers.", data.Communication.Body, "kept whole")
	require.Equal(t, sunshine.KindAcknowledgment, data.Communication.Kind)
	require.Equal(t, []string{doc.ID}, data.Docs)
}

// Our follow-up or appeal cannot be dated before the request was sent
// (its sent date, else its receipt date); other messages are not held to
// it, and an edit is checked as a new one is.
func TestStore_CommunicationBeforeSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	sent := &sunshine.Request{AgencyID: a.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryMail,
		SentOn: d("2017-03-24"), ReceivedOn: d("2017-03-27")}
	require.NoError(t, b.s.CreateRequest(b.ctx, sent))
	unsent := b.request(t, a, "No sent date", "2017-03-27")
	for _, tc := range []struct {
		name string
		r    *sunshine.Request
		kind sunshine.CommKind
		on   string
		ok   bool
	}{
		{"FollowUpBeforeSent", sent, sunshine.KindFollowUp, "2017-03-23", false},
		{"FollowUpOnTheDaySent", sent, sunshine.KindFollowUp, "2017-03-24", true},
		{"AppealBeforeSent", sent, sunshine.KindAppeal, "2017-03-20", false},
		{"TheLetterItselfBefore", sent, sunshine.KindRequest, "2017-03-20", true},
		{"OtherBefore", sent, sunshine.KindOther, "2017-03-20", true},
		{"FollowUpBeforeReceiptWithoutSentDate", unsent, sunshine.KindFollowUp, "2017-03-26", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := b.s.CreateCommunication(b.ctx, tc.r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
				Direction: sunshine.DirectionOut, Channel: "mail", Kind: tc.kind, OccurredOn: d(tc.on)}})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "%v", err)
			require.Equal(t, "occurred_on", err.(*sunshine.Error).Fields[0].Field)
			require.Contains(t, err.Error(), "cannot come before the request was sent")
		})
	}
	c, _, err := b.s.CreateCommunication(b.ctx, sent.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut, Channel: "mail", Kind: sunshine.KindFollowUp, OccurredOn: d("2017-04-03")}})
	require.NoError(t, err)
	early := d("2017-03-01")
	_, err = b.s.UpdateCommunication(b.ctx, c.ID, sunshine.CommunicationUpdate{OccurredOn: &early})
	require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "an edit to before the sending")
}
