package store_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A group's status board opens with its token only: every request of the
// group, by agency, with its documents marked shared (never an email, a
// removed one or another group's); one link per group, from any of its
// requests; a new link ends the old one, stopping ends it; a request
// filed alone has no board; another organization can neither make nor
// stop one.
func TestStore_StatusBoard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sac := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	fresno := b.agency(t, "Fresno County Sheriff", "us-ca")
	alone := b.request(t, sac, "Jail contracts", "2017-03-27")
	src := b.request(t, sac, "Communications with ICE", "2017-03-27")
	copies, err := b.s.FileCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{fresno.ID}, ReceivedOn: d("2017-03-28")})
	require.NoError(t, err)
	fres := copies[0]
	erie := b.agency(t, "Erie County Sheriff", "us-ny")
	drafts, err := b.s.FileCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{erie.ID}})
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusDraft, drafts[0].Status)
	doc := func(r *sunshine.Request, name, ct string) *sunshine.Document {
		t.Helper()
		dd, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: r.ID, Filename: name, ContentType: ct,
			Content: strings.NewReader("From: records@sheriff.example\r\nSubject: Records\r\n\r\nthe records of " + name)})
		require.NoError(t, err)
		_, err = b.s.SetDocumentShared(b.ctx, dd.ID, true)
		if ct != "message/rfc822" {
			require.NoError(t, err)
		}
		return dd
	}
	released := doc(fres, "fresno-emails.txt", "text/plain")
	gone := doc(src, "gone.txt", "text/plain")
	require.NoError(t, b.s.DeleteDocument(b.ctx, gone.ID))
	email := doc(src, "reply.eml", "message/rfc822")
	elsewhere := doc(alone, "elsewhere.txt", "text/plain")

	_, err = b.s.ShareGroup(b.ctx, alone.ID, false, nil)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "filed alone: no group")
	other := storetest.Org(t, b.s, "elsewhere")
	_, err = b.s.ShareGroup(other.Ctx, src.ID, false, nil)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))

	sh, err := b.s.GroupShareOf(b.ctx, fres.ID)
	require.NoError(t, err)
	require.Nil(t, sh)
	err = b.s.SetBoardExpiry(b.ctx, fres.ID, d("2017-04-06"))
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "no board yet")
	require.Equal(t, "the request's group has no status board: make one first", sunshine.ErrorMessage(err))
	require.NoError(t, b.s.StopSharingGroup(b.ctx, alone.ID), "filed alone: nothing to stop")
	token, err := b.s.ShareGroup(b.ctx, fres.ID, false, nil)
	require.NoError(t, err)
	again, err := b.s.ShareGroup(b.ctx, src.ID, false, nil)
	require.NoError(t, err)
	require.Equal(t, token, again, "one link per group, from any of its requests")
	sh, err = b.s.GroupShareOf(b.ctx, src.ID)
	require.NoError(t, err)
	require.Equal(t, token, sh.Token)

	rows, err := b.s.SharedPages(b.ctx)
	require.NoError(t, err)
	require.Len(t, rows, 1, "admins see the board among the shared pages")
	require.True(t, rows[0].Board)
	require.Equal(t, src.ID, rows[0].RequestID)
	require.Equal(t, "3 agencies", rows[0].AgencyName, "the admins' list counts the drafts")
	require.Equal(t, 1, rows[0].Documents)

	v, err := b.s.GroupBoard(t.Context(), token)
	require.NoError(t, err)
	require.Equal(t, "ndlon", v.OrgName)
	require.Equal(t, "Communications with ICE", v.Title)
	require.Len(t, v.Rows, 2, "not the draft: which agencies are yet to be sent it is the organization's to know")
	require.Equal(t, "Fresno County Sheriff", v.Rows[0].Request.AgencyName, "by agency")
	require.Equal(t, "2017-03-28", v.Rows[0].Request.ReceivedOn.String())
	require.Len(t, v.Rows[0].Documents, 1)
	require.Equal(t, released.ID, v.Rows[0].Documents[0].ID)
	require.Empty(t, v.Rows[1].Documents, "neither the removed document nor the email")

	got, err := b.s.GroupBoardDocument(t.Context(), token, released.ID)
	require.NoError(t, err)
	require.Equal(t, "fresno-emails.txt", got.Filename)
	unsent := doc(drafts[0], "unsent.txt", "text/plain")
	for _, id := range []string{gone.ID, email.ID, elsewhere.ID, unsent.ID, "nonsense"} {
		_, err := b.s.GroupBoardDocument(t.Context(), token, id)
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), id)
	}

	// A last day, as a shared page's: open through it, then not.
	_, err = b.s.ShareGroup(b.ctx, src.ID, false, ptr(d("2017-04-01")))
	requireField(t, err, sunshine.EInvalid, "expires_on")
	require.NoError(t, b.s.SetBoardExpiry(b.ctx, fres.ID, d("2017-04-06")))
	b.clk.Set(now.AddDate(0, 0, 1))
	_, err = b.s.GroupBoard(t.Context(), token)
	require.NoError(t, err, "its last day")
	b.clk.Set(now.AddDate(0, 0, 2))
	_, err = b.s.GroupBoard(t.Context(), token)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "after it")
	_, err = b.s.GroupBoardDocument(t.Context(), token, released.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	sh, err = b.s.GroupShareOf(b.ctx, src.ID)
	require.NoError(t, err)
	require.True(t, sh.Expired)
	require.NoError(t, b.s.SetBoardExpiry(b.ctx, src.ID, deadline.Date{}))
	b.clk.Set(now)

	renewed, err := b.s.ShareGroup(b.ctx, src.ID, true, nil)
	require.NoError(t, err)
	require.NotEqual(t, token, renewed)
	_, err = b.s.GroupBoard(t.Context(), token)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the old link opens nothing")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.StopSharingGroup(other.Ctx, src.ID)), "another organization's")
	_, err = b.s.GroupBoard(t.Context(), renewed)
	require.NoError(t, err, "still open")
	require.NoError(t, b.s.StopSharingGroup(b.ctx, fres.ID))
	_, err = b.s.GroupBoard(t.Context(), renewed)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.GroupBoardDocument(t.Context(), renewed, released.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))

	es, _, err := b.s.FindEvents(b.ctx, fres.ID, store.All, "")
	require.NoError(t, err)
	var actions []string
	for _, e := range es {
		if e.Kind == sunshine.EventShareChanged {
			actions = append(actions, string(e.Data))
		}
	}
	require.Equal(t, []string{`{"action": "board_made"}`, `{"action": "board_expiry_set", "expires_on": "2017-04-06"}`, `{"action": "board_stopped"}`},
		actions, "on the request it was done from")
}
