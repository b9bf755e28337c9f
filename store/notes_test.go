package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A note is one event in the request's timeline, by the caller, trimmed,
// with an empty object as its data; it leaves the request as it was (its
// version, its dates), on an open request as on a closed one.
func TestStore_AddNote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	open := b.request(t, a, "ICE", "2017-03-27")
	closed := b.request(t, a, "Jail contracts", "2017-03-27")
	closed, err := b.s.TransitionRequest(b.ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	for _, r := range []*sunshine.Request{open, closed} {
		t.Run(string(r.Status), func(t *testing.T) {
			before, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			e, err := b.s.AddNote(b.ctx, r.ID, "  Called the records officer.\nFirst batch next week.\n")
			require.NoError(t, err)
			require.Equal(t, sunshine.EventNoteAdded, e.Kind)
			require.Equal(t, "Called the records officer.\nFirst batch next week.", e.Note)
			require.Equal(t, r.ID, e.RequestID)
			require.Equal(t, &b.fx.Admin.ID, e.ActorID)
			require.True(t, e.EffectiveOn.IsZero())
			require.JSONEq(t, `{}`, string(e.Data))

			es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
			require.NoError(t, err)
			last := es[len(es)-1]
			require.Equal(t, e.ID, last.ID)
			require.Equal(t, e.Note, last.Note)
			got, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, before.Version, got.Version, "a note is no change to the request")
			require.Equal(t, before.UpdatedAt, got.UpdatedAt)
			require.Equal(t, before.EffectiveDueOn(), got.EffectiveDueOn())
			require.Equal(t, before.Status, got.Status)
		})
	}
}

// Bad text names the field text and writes nothing; another organization's
// request, or no request, is not found.
func TestStore_AddNoteRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	other := storetest.Org(t, b.s, "other")
	for _, tc := range []struct {
		name          string
		ctx           context.Context
		request, text string
		code          sunshine.Code
		field         string
	}{
		{"ErrTextRequired", b.ctx, r.ID, " \n ", sunshine.EInvalid, "text"},
		{"ErrTextTooLong", b.ctx, r.ID, strings.Repeat("a", 10001), sunshine.EInvalid, "text"},
		{"ErrOtherOrg", other.Ctx, r.ID, "mine", sunshine.ENotFound, ""},
		{"ErrNoRequest", b.ctx, "7a0c3b51-3c1e-4bbf-9a55-1f7b5a0c2d11", "nowhere", sunshine.ENotFound, ""},
		{"ErrNotAnID", b.ctx, "not-a-uuid", "nowhere", sunshine.ENotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.AddNote(tc.ctx, tc.request, tc.text)
			if tc.field != "" {
				requireField(t, err, tc.code, tc.field)
			} else {
				require.Equal(t, tc.code, sunshine.ErrorCode(err), err)
			}
		})
	}
	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	for _, e := range es {
		require.NotEqual(t, sunshine.EventNoteAdded, e.Kind, "nothing written")
	}
	// The longest note is stored whole (the schema allows it: 0037).
	long := strings.Repeat("é", 10000)
	e, err := b.s.AddNote(b.ctx, r.ID, long)
	require.NoError(t, err)
	require.Equal(t, long, e.Note)
}
