package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An email is unique within an organization only: the address of another
// organization's user is a new, separate account, and the conflict within
// one organization says nothing about any other.
func TestStore_EmailUniquePerOrg(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.s, "other")

	mine := &sunshine.User{Email: "Ana@Example.org", Name: "Ana Reyes", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.InviteUser(b.ctx, mine, "https://sunshine.example"))
	theirs := &sunshine.User{Email: "ana@example.org", Name: "Ana R.", Role: sunshine.RoleViewer}
	require.NoError(t, b.s.InviteUser(other.Ctx, theirs, "https://sunshine.example"), "taken only in another organization")
	require.NotEqual(t, mine.ID, theirs.ID)
	require.Equal(t, other.Org.ID, theirs.OrgID)

	again := &sunshine.User{Email: "ana@example.org", Role: sunshine.RoleStaff}
	err := b.s.CreateUser(b.ctx, again)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
	require.Equal(t, "email", fieldOf(err))
	require.Contains(t, err.Error(), "already a member of this organization")
	err = b.s.InviteUser(other.Ctx, &sunshine.User{Email: "ANA@example.org", Role: sunshine.RoleStaff}, "https://sunshine.example")
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)

	// Each organization sees its own account only.
	for _, tc := range []struct {
		ctx  context.Context
		want *sunshine.User
	}{{b.ctx, mine}, {other.Ctx, theirs}} {
		us, err := b.s.FindUsers(tc.ctx)
		require.NoError(t, err)
		var ids []string
		for _, u := range us {
			if u.Email == "ana@example.org" {
				ids = append(ids, u.ID)
			}
		}
		require.Equal(t, []string{tc.want.ID}, ids)
	}
	u, err := b.s.FindUserByEmail(context.Background(), other.Org.Slug, "ana@example.org")
	require.NoError(t, err)
	require.Equal(t, theirs.ID, u.ID)
}
