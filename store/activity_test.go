package store_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// The organization's activity: every request's events, newest first, a
// page at a time; what one person did; events of some kinds; never
// another organization's; communication bodies left out of the data.
func TestStore_Activity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	ice := b.request(t, a, "Communications with ICE", "2017-03-27")
	jail := b.request(t, a, "Jail contracts", "2017-03-27")
	maria, mariaCtx := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	_, err := b.s.AddNote(mariaCtx, ice.ID, "Called the records officer")
	require.NoError(t, err)
	comm, _, err := b.s.CreateCommunication(b.ctx, jail.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-03-29"),
		Body: "A long private reply " + strings.Repeat("x", 1000)}})
	require.NoError(t, err)
	body := "Corrected"
	_, err = b.s.UpdateCommunication(b.ctx, comm.ID, sunshine.CommunicationUpdate{Body: &body})
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "elsewhere")
	oa := &sunshine.Agency{Name: "Their agency", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, oa))
	require.NoError(t, b.s.CreateRequest(other.Ctx, &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2017-03-27")}))

	all, next, err := b.s.Activity(b.ctx, store.ActivityFilter{})
	require.NoError(t, err)
	require.Empty(t, next)
	require.NotEmpty(t, all)
	for _, it := range all {
		require.Contains(t, []string{ice.ID, jail.ID}, it.RequestID, "only this organization's")
	}
	require.Equal(t, sunshine.EventCommEdited, all[0].Kind, "newest first")
	require.Equal(t, sunshine.EventCreated, all[len(all)-1].Kind)
	require.Equal(t, ice.ID, all[len(all)-1].RequestID)
	require.Equal(t, "Jail contracts", all[0].RequestTitle)
	require.Equal(t, "Sacramento County Sheriff's Department", all[0].AgencyName)
	require.Equal(t, "us-ca", all[0].Jurisdiction)
	require.NotContains(t, string(all[0].Data), "A long private reply", "the body an edit keeps is left out")
	require.Contains(t, string(all[0].Data), comm.ID)

	hers, _, err := b.s.Activity(b.ctx, store.ActivityFilter{ActorID: maria.ID})
	require.NoError(t, err)
	require.Len(t, hers, 1)
	require.Equal(t, sunshine.EventNoteAdded, hers[0].Kind)
	notes, _, err := b.s.Activity(b.ctx, store.ActivityFilter{Kinds: []sunshine.EventKind{sunshine.EventNoteAdded, sunshine.EventCommEdited}})
	require.NoError(t, err)
	require.Len(t, notes, 2)

	// A page at a time, each event once.
	var paged []string
	cursor := ""
	for {
		page, next, err := b.s.Activity(b.ctx, store.ActivityFilter{Limit: 2, After: cursor})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		for _, it := range page {
			paged = append(paged, it.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	require.Len(t, paged, len(all))
	require.Equal(t, all[len(all)-1].ID, paged[len(paged)-1])
	_, _, err = b.s.Activity(b.ctx, store.ActivityFilter{After: "garbage"})
	requireField(t, err, sunshine.EInvalid, "cursor")
	theirFirst, theirNext, err := b.s.Activity(other.Ctx, store.ActivityFilter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, theirFirst)
	require.NotEmpty(t, theirNext)
	_, _, err = b.s.Activity(b.ctx, store.ActivityFilter{After: theirNext})
	requireField(t, err, sunshine.EInvalid, "cursor") // another organization's event is no cursor here

	theirs, _, err := b.s.Activity(other.Ctx, store.ActivityFilter{})
	require.NoError(t, err)
	require.NotEmpty(t, theirs)
	for _, it := range theirs {
		require.Equal(t, "Theirs", it.RequestTitle)
	}
}
