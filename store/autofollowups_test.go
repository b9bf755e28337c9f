package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Turning automatic follow-ups on takes a person (a letter is signed by
// one), a period within bounds, a request that takes a follow-up and an
// agency with an email address; each refusal changes nothing. Another
// organization's request is not found, nor are its follow-ups.
func TestStore_SetAutoFollowUpRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	withEmail := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca", Email: "records@sheriff.example"}
	require.NoError(t, b.s.CreateAgency(b.ctx, withEmail))
	open := b.request(t, withEmail, "ICE", "2017-03-27")
	noEmail := b.request(t, b.agency(t, "Police", "us-ca"), "Arrests", "2017-03-27")
	closed := b.request(t, withEmail, "Jail contracts", "2017-03-27")
	_, err := b.s.TransitionRequest(b.ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusDenied})
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "other")
	token := sunshine.WithPrincipal(b.ctx, sunshine.Principal{OrgID: b.fx.Org.ID, Role: sunshine.RoleAdmin}) // no person

	for _, tc := range []struct {
		name    string
		request string
		every   int
		code    sunshine.Code
		field   string
	}{
		{"ErrTooOften", open.ID, 6, sunshine.EInvalid, "every_days"},
		{"ErrTooRare", open.ID, 91, sunshine.EInvalid, "every_days"},
		{"ErrNoEmail", noEmail.ID, 14, sunshine.EConflict, ""},
		{"ErrClosed", closed.ID, 14, sunshine.EConflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.SetAutoFollowUp(b.ctx, tc.request, tc.every)
			if tc.field != "" {
				requireField(t, err, tc.code, tc.field)
			} else {
				require.Equal(t, tc.code, sunshine.ErrorCode(err), err)
			}
		})
	}
	_, err = b.s.SetAutoFollowUp(token, open.ID, 14)
	require.Equal(t, sunshine.EForbidden, sunshine.ErrorCode(err), "signed by a person")
	_, err = b.s.SetAutoFollowUp(other.Ctx, open.ID, 14)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	for _, r := range []*sunshine.Request{open, noEmail, closed} {
		got, err := b.s.FindAutoFollowUp(b.ctx, r.ID)
		require.NoError(t, err)
		require.Nil(t, got, "nothing changed")
	}

	_, err = b.s.SetAutoFollowUp(b.ctx, open.ID, 14)
	require.NoError(t, err)
	_, err = b.s.FindAutoFollowUp(other.Ctx, open.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.StopAutoFollowUp(other.Ctx, open.ID)))
	got, err := b.s.FindAutoFollowUp(b.ctx, open.ID)
	require.NoError(t, err)
	require.NotNil(t, got, "still on")
}

// The candidates for a follow-up are the requests with them on whose
// clock runs (not under appeal) and that nothing holds: an agency without
// an email address, a signer deactivated or made a viewer, a letter on its
// way (refused or bounced), an email to the reply address not logged yet.
// FindAutoFollowUp says which holds each, for a person to see to.
func TestStore_AutoFollowUpCandidates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca", Email: "records@sheriff.example"}
	require.NoError(t, b.s.CreateAgency(b.ctx, a))
	lost := &sunshine.Agency{Name: "Jail", Jurisdiction: "us-ca", Email: "records@jail.example"}
	require.NoError(t, b.s.CreateAgency(b.ctx, lost))
	ana, anaCtx := staffOf(t, b.s, b.fx, "ana@ndlon.example")
	bo, boCtx := staffOf(t, b.s, b.fx, "bo@ndlon.example")
	mk := func(agency *sunshine.Agency, title string) *sunshine.Request {
		return b.request(t, agency, title, "2017-03-27")
	}
	eligible := mk(a, "Eligible")
	inFlight := mk(a, "A letter on its way")
	waiting := mk(a, "Waiting on us")
	appealed := mk(a, "Under appeal")
	answered := mk(a, "An email not logged yet")
	gone := mk(a, "Signed by someone who left")
	demoted := mk(a, "Signed by someone now a viewer")
	noEmail := mk(lost, "Agency lost its email")
	stopped := mk(a, "Stopped")
	for _, r := range []*sunshine.Request{eligible, inFlight, waiting, appealed, answered, noEmail, stopped} {
		_, err := b.s.SetAutoFollowUp(b.ctx, r.ID, 14)
		require.NoError(t, err)
	}
	_, err := b.s.SetAutoFollowUp(anaCtx, gone.ID, 14)
	require.NoError(t, err)
	_, err = b.s.SetUserActive(b.ctx, ana.ID, false)
	require.NoError(t, err)
	_, err = b.s.SetAutoFollowUp(boCtx, demoted.ID, 14)
	require.NoError(t, err)
	_, err = b.s.UpdateUserRole(b.ctx, bo.ID, sunshine.RoleViewer)
	require.NoError(t, err)
	_, err = b.s.QueueLetterEmail(b.ctx, inFlight.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: a.Email,
		Subject: "Follow-up", Body: "Where are the records?"})
	require.NoError(t, err)
	_, err = b.s.TransitionRequest(b.ctx, waiting.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester})
	require.NoError(t, err)
	_, err = b.s.TransitionRequest(b.ctx, appealed.ID, sunshine.TransitionInput{To: sunshine.StatusAppealed})
	require.NoError(t, err)
	_, err = b.s.ReceiveEmail(b.ctx, []string{answered.ReplyToken}, "records@sheriff.example", "Records attached",
		[]byte("From: records@sheriff.example\r\nSubject: Records attached\r\n\r\nHere they are.\r\n"))
	require.NoError(t, err)
	empty := ""
	_, err = b.s.UpdateAgency(b.ctx, lost.ID, sunshine.AgencyUpdate{Email: &empty})
	require.NoError(t, err)
	require.NoError(t, b.s.StopAutoFollowUp(b.ctx, stopped.ID))

	got, err := b.s.AutoFollowUpCandidates(b.ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, store.AutoFollowUpCandidate{OrgID: b.fx.Org.ID, RequestID: eligible.ID, SignerID: b.fx.Admin.ID}, got[0])

	for r, want := range map[*sunshine.Request]sunshine.FollowUpHold{eligible: "", inFlight: sunshine.HoldLetter,
		waiting: "", appealed: "", answered: sunshine.HoldUnloggedEmail, gone: sunshine.HoldSigner, demoted: sunshine.HoldSigner,
		noEmail: sunshine.HoldNoEmail} {
		a, err := b.s.FindAutoFollowUp(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, want, a.Held, r.Title)
		if want != "" || r == waiting || r == appealed {
			require.Nil(t, a.NextOn, "%s: none to come", r.Title)
		}
	}
}
