package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const agencyReply = "From: Records Unit <records@sheriff.example>\r\nTo: request-TOKEN@replies.ndlon.example\r\n" +
	"Subject: Re: CPRA request 2017/04\r\nDate: Thu, 6 Apr 2017 10:00:00 -0700\r\n\r\nWe need 14 more days.\r\n"

// An email to a request's reply address is filed with that request, in
// whichever organization has it, as an email document whose sender the
// timeline keeps; delivered again, it is not filed twice; to an address
// no request has, nothing is filed.
func TestStore_ReceiveEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "Booking records", "2017-03-27")
	require.Len(t, r.ReplyToken, 20)
	other := storetest.Org(t, b.s, "other")
	oa := &sunshine.Agency{Name: "Their sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, oa))
	theirs := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.s.CreateRequest(other.Ctx, theirs))
	require.NotEqual(t, r.ReplyToken, theirs.ReplyToken)

	raw := []byte(agencyReply)
	got, err := b.s.ReceiveEmail(b.ctx, []string{theirs.ReplyToken, r.ReplyToken}, "Records Unit <records@sheriff.example>", "Re: CPRA request 2017/04", raw)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, theirs.ID, got[0].Request.ID)
	require.Equal(t, r.ID, got[1].Request.ID)
	doc := got[1].Document
	require.Equal(t, "Re_ CPRA request 2017-04.eml", doc.Filename)
	require.Equal(t, "message/rfc822", doc.ContentType)
	require.Equal(t, "Records Unit <records@sheriff.example>", *doc.ReceivedFrom)
	require.Nil(t, doc.CreatedBy)
	require.Nil(t, doc.CommunicationID, "to log")

	docs, _, err := b.s.FindDocuments(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1, "only this organization's copy is its")
	events, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventDocumentAdded, last.Kind)
	require.Contains(t, string(last.Data), `"received_from": "Records Unit <records@sheriff.example>"`)

	// The mail server delivers it again: nothing new.
	again, err := b.s.ReceiveEmail(b.ctx, []string{r.ReplyToken}, "Records Unit <records@sheriff.example>", "Re: CPRA request 2017/04", raw)
	require.NoError(t, err)
	require.Equal(t, doc.ID, again[0].Document.ID)
	docs, _, err = b.s.FindDocuments(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)

	for _, tokens := range [][]string{nil, {"0123456789abcdef0123"}, {r.ReplyToken, "0123456789abcdef0123"}} {
		_, err := b.s.ReceiveEmail(b.ctx, tokens, "x@example.org", "Spam", []byte("From: x@example.org\r\n\r\nhello"))
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "%v: %v", tokens, err)
	}
	docs, _, err = b.s.FindDocuments(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1, "an email to an unknown address files nothing, even with a known one")
}
