package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Two people change different fields of an agency at once (an API client
// sends only the fields it changes): the second waits for the first and
// applies its field over the first one's, and both changes stand.
func TestStore_UpdateAgencyConcurrentFields(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "agency")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca", Phone: "916-874-5115"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))

	phone, email := "916-874-0000", "records@sheriff.example"
	changed := make(chan error, 1)
	err := s.Atomically(fx.Ctx, func(st *store.Store) error {
		_, err := st.UpdateAgency(fx.Ctx, a.ID, sunshine.AgencyUpdate{Phone: &phone})
		require.NoError(t, err)
		go func() { // a colleague sets the email meanwhile
			_, err := s.UpdateAgency(fx.Ctx, a.ID, sunshine.AgencyUpdate{Email: &email})
			changed <- err
		}()
		waitUntilBlocked(t, db, "agencies", 1, "the email change waits for the phone change")
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-changed)
	got, err := s.FindAgencyByID(fx.Ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, phone, got.Phone, "the first change stands")
	require.Equal(t, email, got.Email)
}

// UpdateAgencyIfUnchanged applies only over the agency as it was read: a
// change to any of its details since is EPrecondition, and nothing is
// written.
func TestStore_UpdateAgencyIfUnchanged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	read, err := b.s.FindAgencyByID(b.ctx, a.ID)
	require.NoError(t, err)

	email := "records@sheriff.example"
	got, err := b.s.UpdateAgencyIfUnchanged(b.ctx, read, sunshine.AgencyUpdate{Email: &email})
	require.NoError(t, err)
	require.Equal(t, email, got.Email)

	phone := "916-874-5115"
	_, err = b.s.UpdateAgencyIfUnchanged(b.ctx, read, sunshine.AgencyUpdate{Phone: &phone})
	require.Equal(t, sunshine.EPrecondition, sunshine.ErrorCode(err), "%v", err)
	got, err = b.s.FindAgencyByID(b.ctx, a.ID)
	require.NoError(t, err)
	require.Empty(t, got.Phone, "nothing written")
	require.Equal(t, email, got.Email)

	_, err = b.s.UpdateAgencyIfUnchanged(b.ctx, got, sunshine.AgencyUpdate{Phone: &phone})
	require.NoError(t, err, "over the agency as it is now")
	other := storetest.Org(t, b.s, "other")
	_, err = b.s.UpdateAgencyIfUnchanged(other.Ctx, got, sunshine.AgencyUpdate{Phone: &phone})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's agency")
}
