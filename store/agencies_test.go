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

// Every change to an agency's details bumps its version, whichever way it
// is made; its closure days, which are not among its details, do not. A
// change holding a version (WithIfMatch, the API's If-Match) applies only
// while the agency is still at it: otherwise EPrecondition, nothing
// written.
func TestStore_UpdateAgencyVersion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	require.Equal(t, 1, a.Version, "a new agency")
	str := func(s string) *string { return &s }
	version := func() int {
		t.Helper()
		got, err := b.s.FindAgencyByID(b.ctx, a.ID)
		require.NoError(t, err)
		return got.Version
	}

	for _, tc := range []struct {
		name   string
		change func() error
		want   int // the version after
	}{
		{"update", func() error {
			_, err := b.s.UpdateAgency(b.ctx, a.ID, sunshine.AgencyUpdate{Phone: str("916-874-5115")})
			return err
		}, 2},
		{"update that changes nothing", func() error {
			_, err := b.s.UpdateAgency(b.ctx, a.ID, sunshine.AgencyUpdate{Phone: str("916-874-5115")})
			return err
		}, 3},
		{"update over what the form read", func() error {
			read, err := b.s.FindAgencyByID(b.ctx, a.ID)
			require.NoError(t, err)
			_, err = b.s.UpdateAgencyIfUnchanged(b.ctx, read, sunshine.AgencyUpdate{Email: str("records@sheriff.example")})
			return err
		}, 4},
		{"closure day added", func() error {
			_, err := b.s.AddClosure(b.ctx, &sunshine.Closure{AgencyID: a.ID, ClosedOn: d("2017-03-29"), Reason: "storm"})
			return err
		}, 4},
		{"closure day removed", func() error {
			_, _, err := b.s.DeleteClosure(b.ctx, a.ID, d("2017-03-29"))
			return err
		}, 4},
		{"If-Match the current version", func() error {
			_, err := b.s.UpdateAgency(store.WithIfMatch(b.ctx, 4), a.ID, sunshine.AgencyUpdate{RecordsContact: str("Records Unit")})
			return err
		}, 5},
	} {
		require.NoError(t, tc.change(), tc.name)
		require.Equal(t, tc.want, version(), tc.name)
	}

	for _, stale := range []int{0, 4, 6} {
		_, err := b.s.UpdateAgency(store.WithIfMatch(b.ctx, stale), a.ID, sunshine.AgencyUpdate{RecordsContact: str("Someone else")})
		require.Equal(t, sunshine.EPrecondition, sunshine.ErrorCode(err), "If-Match v%d: %v", stale, err)
		require.ErrorContains(t, err, "If-Match")
	}
	got, err := b.s.FindAgencyByID(b.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "Records Unit", got.RecordsContact, "no stale change written")
	require.Equal(t, 5, got.Version)
}

// Two people change the same agency at once, both holding version 1 (the
// API's If-Match): the second waits for the first's row lock, then finds
// the version moved and is refused; the first change stands.
func TestStore_UpdateAgencyIfMatchConcurrent(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "agency")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, s.CreateAgency(fx.Ctx, a))

	first, second := "916-874-0001", "916-874-0002"
	changed := make(chan error, 1)
	err := s.Atomically(fx.Ctx, func(st *store.Store) error {
		_, err := st.UpdateAgency(store.WithIfMatch(fx.Ctx, 1), a.ID, sunshine.AgencyUpdate{Phone: &first})
		require.NoError(t, err)
		go func() { // a colleague, who read the same version, saves meanwhile
			_, err := s.UpdateAgency(store.WithIfMatch(fx.Ctx, 1), a.ID, sunshine.AgencyUpdate{Phone: &second})
			changed <- err
		}()
		waitUntilBlocked(t, db, "agencies", 1, "the second change waits for the first")
		return nil
	})
	require.NoError(t, err)
	err = <-changed
	require.Equal(t, sunshine.EPrecondition, sunshine.ErrorCode(err), "%v", err)
	got, err := s.FindAgencyByID(fx.Ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, first, got.Phone, "the first change stands")
	require.Equal(t, 2, got.Version)
}
