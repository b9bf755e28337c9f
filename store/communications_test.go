package store_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
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
