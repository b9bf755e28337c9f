package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A request's shared page opens with its token only: the request and the
// documents marked shared (not deleted), nothing of another request; a
// new link ends the old one, stopping ends it, and another organization
// can neither share nor mark what is not theirs.
func TestStore_SharedPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(b.ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Communications with ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, b.s.CreateRequest(b.ctx, r))
	otherReq := &sunshine.Request{AgencyID: a.ID, Title: "Another request", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
	require.NoError(t, b.s.CreateRequest(b.ctx, otherReq))
	doc := func(req *sunshine.Request, name string) *sunshine.Document {
		t.Helper()
		dd, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: req.ID, Filename: name, ContentType: "text/plain",
			Content: strings.NewReader("the records of " + name)})
		require.NoError(t, err)
		return dd
	}
	released, memo, gone, elsewhere := doc(r, "released.txt"), doc(r, "legal-memo.txt"), doc(r, "gone.txt"), doc(otherReq, "elsewhere.txt")

	share, err := b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, share, "not shared yet")
	token, err := b.s.ShareRequest(b.ctx, r.ID, false)
	require.NoError(t, err)
	require.Len(t, token, 43)
	again, err := b.s.ShareRequest(b.ctx, r.ID, false)
	require.NoError(t, err)
	require.Equal(t, token, again, "shared already: the link sent stays")
	share, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, token, share.Token)
	require.Equal(t, b.fx.Admin.Name, share.CreatedBy)

	_, _, err = b.s.CreateCommunication(b.ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "mail", Kind: sunshine.KindAcknowledgment, OccurredOn: d("2017-03-29"),
		Subject: "Private subject", Body: "Private body"}})
	require.NoError(t, err)
	v, err := b.s.SharedPage(t.Context(), token)
	require.NoError(t, err)
	require.Equal(t, []store.SharedLetter{{OccurredOn: d("2017-03-29"), Direction: sunshine.DirectionIn,
		Kind: sunshine.KindAcknowledgment, Channel: "mail"}}, v.Letters, "when, which way, what kind: not the words")
	require.Equal(t, r.ID, v.Request.ID)
	require.Equal(t, "ndlon", v.OrgName)
	require.Equal(t, "2017-04-06", v.Request.DueOn.String())
	require.Empty(t, v.Documents, "no document is shared until marked")

	for _, dd := range []*sunshine.Document{released, gone, elsewhere} {
		got, err := b.s.SetDocumentShared(b.ctx, dd.ID, true)
		require.NoError(t, err)
		require.True(t, got.Shared)
	}
	require.NoError(t, b.s.DeleteDocument(b.ctx, gone.ID))
	// An email is never shown: it is the correspondence, names and all.
	email, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: "reply.eml", ContentType: "message/rfc822",
		Content: strings.NewReader("From: records@sheriff.example\r\nSubject: Your request\r\n\r\nAttached.")})
	require.NoError(t, err)
	_, err = b.s.SetDocumentShared(b.ctx, email.ID, true)
	requireField(t, err, sunshine.EInvalid, "shared")
	v, err = b.s.SharedPage(t.Context(), token)
	require.NoError(t, err)
	require.Len(t, v.Documents, 1, "the marked document of this request, not a deleted one, not another request's")
	require.Equal(t, released.ID, v.Documents[0].ID)
	got, err := b.s.SharedDocument(t.Context(), token, released.ID)
	require.NoError(t, err)
	require.Equal(t, "released.txt", got.Filename)
	for _, id := range []string{memo.ID, gone.ID, elsewhere.ID, "not-a-uuid"} {
		_, err := b.s.SharedDocument(t.Context(), token, id)
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), id)
	}
	for _, bad := range []string{"", "short", strings.Repeat("x", 43)} {
		_, err := b.s.SharedPage(t.Context(), bad)
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), bad)
	}

	// Another organization: neither shares nor marks ours, nor sees it.
	other := storetest.Org(t, b.s, "other")
	_, err = b.s.ShareRequest(other.Ctx, r.ID, true)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.SetDocumentShared(other.Ctx, memo.ID, true)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.StopSharing(other.Ctx, r.ID)))
	_, err = b.s.ShareOf(other.Ctx, r.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))

	// A new link ends the old; stopping ends the new.
	fresh, err := b.s.ShareRequest(b.ctx, r.ID, true)
	require.NoError(t, err)
	require.NotEqual(t, token, fresh)
	_, err = b.s.SharedPage(t.Context(), token)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.SharedDocument(t.Context(), token, released.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.SharedPage(t.Context(), fresh)
	require.NoError(t, err)
	require.NoError(t, b.s.StopSharing(b.ctx, r.ID))
	_, err = b.s.SharedPage(t.Context(), fresh)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	share, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, share)
	require.NoError(t, b.s.StopSharing(b.ctx, r.ID), "not shared: nothing to do")
	_, err = b.s.SetDocumentShared(b.ctx, released.ID, true) // as it is: nothing recorded
	require.NoError(t, err)

	// Each change is in the timeline, by whoever made it.
	events, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var changes []string
	for _, e := range events {
		if e.Kind == sunshine.EventShareChanged || e.Kind == sunshine.EventDocumentShareChanged {
			require.Equal(t, b.fx.Admin.ID, *e.ActorID)
			changes = append(changes, string(e.Kind)+" "+string(e.Data))
		}
	}
	require.Equal(t, []string{
		`share_changed {"action": "made"}`,
		`document_share_changed {"shared": true, "filename": "released.txt", "document_id": "` + released.ID + `"}`,
		`document_share_changed {"shared": true, "filename": "gone.txt", "document_id": "` + gone.ID + `"}`,
		`share_changed {"action": "new_link"}`,
		`share_changed {"action": "stopped"}`,
	}, changes)
}

// A shared page's link may stop after a last day, the organization's: it
// opens through that day, not after (its documents neither); a new link
// for an expired page works again, and clearing the day opens the old one.
func TestStore_SharedPageExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	unshared := b.request(t, b.agency(t, "Fresno County Sheriff", "us-ca"), "Jail contracts", "2017-03-27")
	doc, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: "released.txt", ContentType: "text/plain",
		Content: strings.NewReader("the records")})
	require.NoError(t, err)
	_, err = b.s.SetDocumentShared(b.ctx, doc.ID, true)
	require.NoError(t, err)
	token, err := b.s.ShareRequest(b.ctx, r.ID, false)
	require.NoError(t, err)

	// now is Wed 5 Apr 2017 11:00 in New York, the organization's zone.
	for _, tc := range []struct {
		name string
		day  string
		code sunshine.Code
	}{
		{"a day past", "2017-04-04", sunshine.EInvalid},
		{"beyond two years", "2019-04-10", sunshine.EInvalid},
		{"the day after two years", "2019-04-06", sunshine.EInvalid},
	} {
		err := b.s.SetShareExpiry(b.ctx, r.ID, d(tc.day))
		requireField(t, err, tc.code, "expires_on")
	}
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(b.s.SetShareExpiry(b.ctx, unshared.ID, d("2017-04-06"))), "not shared")
	other := storetest.Org(t, b.s, "elsewhere")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.SetShareExpiry(other.Ctx, r.ID, d("2017-04-06"))))

	require.NoError(t, b.s.SetShareExpiry(b.ctx, r.ID, d("2017-04-06")))
	require.NoError(t, b.s.SetShareExpiry(b.ctx, r.ID, d("2017-04-06")), "as it was")
	sh, err := b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-06", sh.ExpiresOn.String())
	require.False(t, sh.Expired)

	opens := func(when time.Time) bool {
		t.Helper()
		b.clk.Set(when)
		_, pageErr := b.s.SharedPage(t.Context(), token)
		_, docErr := b.s.SharedDocument(t.Context(), token, doc.ID)
		require.Equal(t, pageErr == nil, docErr == nil, "the page and its documents alike")
		if pageErr != nil {
			require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(pageErr))
		}
		return pageErr == nil
	}
	require.True(t, opens(time.Date(2017, 4, 7, 3, 59, 0, 0, time.UTC)), "23:59 on its last day in New York")
	require.False(t, opens(time.Date(2017, 4, 7, 4, 0, 0, 0, time.UTC)), "midnight after it in New York")
	sh, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.True(t, sh.Expired)
	rows, err := b.s.SharedPages(b.ctx)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.True(t, rows[0].Expired)

	again, err := b.s.ShareRequest(b.ctx, r.ID, true)
	require.NoError(t, err)
	sh, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, sh.ExpiresOn, "a new link for an expired page works: its last day is gone")
	_, err = b.s.SharedPage(t.Context(), again)
	require.NoError(t, err)

	require.NoError(t, b.s.SetShareExpiry(b.ctx, r.ID, d("2017-04-10")))
	_, err = b.s.ShareRequest(b.ctx, r.ID, true)
	require.NoError(t, err)
	sh, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-10", sh.ExpiresOn.String(), "a day still to come stays with a new link")
	require.NoError(t, b.s.SetShareExpiry(b.ctx, r.ID, deadline.Date{}))
	sh, err = b.s.ShareOf(b.ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, sh.ExpiresOn)
	_, err = b.s.ShareRequestUntil(b.ctx, unshared.ID, false, ptr(d("2017-04-01")))
	requireField(t, err, sunshine.EInvalid, "expires_on")
	none, err := b.s.ShareOf(b.ctx, unshared.ID)
	require.NoError(t, err)
	require.Nil(t, none, "a day refused: the page is not made either")

	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var actions []string
	for _, e := range es {
		if e.Kind == sunshine.EventShareChanged {
			actions = append(actions, string(e.Data))
		}
	}
	require.Equal(t, []string{`{"action": "made"}`, `{"action": "expiry_set", "expires_on": "2017-04-06"}`, `{"action": "new_link", "expiry_cleared": true}`,
		`{"action": "expiry_set", "expires_on": "2017-04-10"}`, `{"action": "new_link"}`, `{"action": "expiry_cleared"}`}, actions)
}
