package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

const testPassword = "correct horse battery"

// fieldOf returns the field the first field error of err names.
func fieldOf(err error) string {
	var e *sunshine.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

// A deactivated user keeps their name in the history but loses every way
// in and every email: each case arranges something that works while the
// user is active, deactivates them, and checks that it no longer does.
func TestStore_DeactivateUser(t *testing.T) {
	t.Parallel()
	type env struct {
		b    testBundle
		user *sunshine.User
		as   context.Context // the user's own principal
	}
	cases := []struct {
		name string
		// arrange runs while the user is active and returns the check to
		// run after deactivation.
		arrange func(t *testing.T, e env) func(t *testing.T)
	}{
		{"sign-in refused with the generic answer", func(t *testing.T, e env) func(t *testing.T) {
			_, _, _, err := e.b.s.Login(context.Background(), e.user.Email, testPassword)
			require.NoError(t, err)
			return func(t *testing.T) {
				_, _, _, err := e.b.s.Login(context.Background(), e.user.Email, testPassword)
				require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
				_, _, _, unknown := e.b.s.Login(context.Background(), "nobody@example.org", testPassword)
				require.Equal(t, unknown.Error(), err.Error(), "the same answer as an unknown email")
			}
		}},
		{"open session ends", func(t *testing.T, e env) func(t *testing.T) {
			tok, _, _, err := e.b.s.Login(context.Background(), e.user.Email, testPassword)
			require.NoError(t, err)
			_, err = e.b.s.Session(context.Background(), tok)
			require.NoError(t, err)
			return func(t *testing.T) {
				_, err := e.b.s.Session(context.Background(), tok)
				require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
			}
		}},
		{"API token revoked", func(t *testing.T, e env) func(t *testing.T) {
			plain, tok, err := e.b.s.CreateToken(e.b.ctx, e.user.ID, "laptop")
			require.NoError(t, err)
			_, err = e.b.s.Authenticate(context.Background(), plain)
			require.NoError(t, err)
			return func(t *testing.T) {
				_, err := e.b.s.Authenticate(context.Background(), plain)
				require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err))
				ts, err := e.b.s.FindTokens(e.b.ctx)
				require.NoError(t, err)
				i := slices.IndexFunc(ts, func(x *sunshine.APIToken) bool { return x.ID == tok.ID })
				require.NotEqual(t, -1, i, "the token stays listed")
				require.NotNil(t, ts[i].RevokedAt, "revoked as RevokeToken does")
			}
		}},
		{"calendar feed stops", func(t *testing.T, e env) func(t *testing.T) {
			secret, err := e.b.s.RotateCalendarSecret(e.as)
			require.NoError(t, err)
			_, err = e.b.s.CalendarOwner(context.Background(), secret)
			require.NoError(t, err)
			return func(t *testing.T) {
				_, err := e.b.s.CalendarOwner(context.Background(), secret)
				require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
			}
		}},
		{"not assignable", func(t *testing.T, e env) func(t *testing.T) {
			a := e.b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
			r := e.b.request(t, a, "Detainer requests", "2017-03-27")
			return func(t *testing.T) {
				_, err := e.b.s.UpdateRequest(e.b.ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &e.user.ID})
				require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "%v", err)
				require.Equal(t, "assignee_id", fieldOf(err))
				nr := &sunshine.Request{AgencyID: a.ID, Title: "New", DeliveryMethod: sunshine.DeliveryEmail, AssigneeID: &e.user.ID}
				err = e.b.s.CreateRequest(e.b.ctx, nr)
				require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "%v", err)
				require.Equal(t, "assignee_id", fieldOf(err))
			}
		}},
		{"cannot start watching", func(t *testing.T, e env) func(t *testing.T) {
			a := e.b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
			r := e.b.request(t, a, "Detainer requests", "2017-03-27")
			return func(t *testing.T) {
				err := e.b.s.Watch(e.as, r.ID, true)
				require.Equal(t, sunshine.EForbidden, sunshine.ErrorCode(err), "%v", err)
				ws, err := e.b.s.Watchers(e.b.ctx, r.ID)
				require.NoError(t, err)
				require.Empty(t, ws)
			}
		}},
		{"reminders for their request go to the admins instead", func(t *testing.T, e env) func(t *testing.T) {
			a := e.b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
			// Received 27 March: due 6 April, so a due_soon reminder today.
			r := &sunshine.Request{AgencyID: a.ID, Title: "Detainer requests", DeliveryMethod: sunshine.DeliveryEmail,
				ReceivedOn: d("2017-03-27"), AssigneeID: &e.user.ID}
			require.NoError(t, e.b.s.CreateRequest(e.b.ctx, r))
			require.NoError(t, e.b.s.Watch(e.as, r.ID, true))
			return func(t *testing.T) {
				_, err := e.b.s.PlanReminders(e.b.ctx, now)
				require.NoError(t, err)
				var to []string
				for _, rem := range requestReminders(t, e.b.s, e.b.ctx, r.ID) {
					to = append(to, rem.RecipientID)
				}
				require.Equal(t, []string{e.b.fx.Admin.ID}, to, "the admin, as if nobody were assigned or watching")
			}
		}},
		{"no digest", func(t *testing.T, e env) func(t *testing.T) {
			a := e.b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
			r := &sunshine.Request{AgencyID: a.ID, Title: "Detainer requests", DeliveryMethod: sunshine.DeliveryEmail,
				ReceivedOn: d("2017-03-27"), AssigneeID: &e.user.ID}
			require.NoError(t, e.b.s.CreateRequest(e.b.ctx, r))
			return func(t *testing.T) {
				_, err := e.b.s.PlanDigests(e.b.ctx, now)
				require.NoError(t, err)
				all, _, err := e.b.s.FindReminders(e.b.ctx, nil, 200, "")
				require.NoError(t, err)
				var digests []string
				for _, rem := range all {
					if rem.Kind == sunshine.ReminderDigest {
						digests = append(digests, rem.RecipientID)
					}
				}
				require.Equal(t, []string{e.b.fx.Admin.ID}, digests, "the admin's digest only")
			}
		}},
		{"pending email cancelled and invitation unusable", func(t *testing.T, e env) func(t *testing.T) {
			invited := &sunshine.User{Email: "invited@ndlon.example", Role: sunshine.RoleStaff}
			require.NoError(t, e.b.s.InviteUser(e.b.ctx, invited, "https://sunshine.example"))
			all, _, err := e.b.s.FindReminders(e.b.ctx, []string{"pending"}, 200, "")
			require.NoError(t, err)
			i := slices.IndexFunc(all, func(r *sunshine.Reminder) bool { return r.RecipientID == invited.ID })
			require.NotEqual(t, -1, i)
			link, err := e.b.s.InvitePayload(e.b.ctx, all[i].ID)
			require.NoError(t, err)
			token := link[len("https://sunshine.example/invite/"):]
			_, err = e.b.s.SetUserActive(e.b.ctx, invited.ID, false)
			require.NoError(t, err)
			return func(t *testing.T) {
				_, _, err := e.b.s.AcceptInvite(context.Background(), token, testPassword)
				require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "%v", err)
				pending, _, err := e.b.s.FindReminders(e.b.ctx, []string{"pending"}, 200, "")
				require.NoError(t, err)
				for _, r := range pending {
					require.NotEqual(t, invited.ID, r.RecipientID, "the invitation email is not sent")
				}
			}
		}},
		{"listed as deactivated, found by ID for the history", func(t *testing.T, e env) func(t *testing.T) {
			return func(t *testing.T) {
				us, err := e.b.s.FindUsers(e.b.ctx)
				require.NoError(t, err)
				i := slices.IndexFunc(us, func(u *sunshine.User) bool { return u.ID == e.user.ID })
				require.NotEqual(t, -1, i)
				require.False(t, us[i].Active)
				require.NotNil(t, us[i].DeactivatedAt)
				u, err := e.b.s.FindUserByID(e.b.ctx, e.user.ID)
				require.NoError(t, err)
				require.Equal(t, "Ana Reyes", u.Name)
				require.False(t, u.Active)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			u := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Reyes", Role: sunshine.RoleStaff}
			require.NoError(t, b.s.CreateUser(b.ctx, u))
			require.True(t, u.Active)
			require.NoError(t, b.s.SetPassword(context.Background(), u.ID, testPassword))
			as := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: u.ID, Role: u.Role})
			check := tc.arrange(t, env{b: b, user: u, as: as})
			got, err := b.s.SetUserActive(b.ctx, u.ID, false)
			require.NoError(t, err)
			require.False(t, got.Active)
			require.NotNil(t, got.DeactivatedAt)
			check(t)
		})
	}
}

// Reactivating clears deactivated_at; the person signs in with their
// password again, but their old tokens and calendar feed address stay
// revoked (a former colleague's calendar app must not resume syncing).
func TestStore_ReactivateUser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Reyes", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.CreateUser(b.ctx, u))
	require.NoError(t, b.s.SetPassword(context.Background(), u.ID, testPassword))
	plain, _, err := b.s.CreateToken(b.ctx, u.ID, "laptop")
	require.NoError(t, err)
	as := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: u.ID, Role: u.Role})
	feed, err := b.s.RotateCalendarSecret(as)
	require.NoError(t, err)
	_, err = b.s.SetUserActive(b.ctx, u.ID, false)
	require.NoError(t, err)
	again, err := b.s.SetUserActive(b.ctx, u.ID, false)
	require.NoError(t, err, "deactivating twice is not an error")
	require.False(t, again.Active)

	got, err := b.s.SetUserActive(b.ctx, u.ID, true)
	require.NoError(t, err)
	require.True(t, got.Active)
	require.Nil(t, got.DeactivatedAt)
	_, _, _, err = b.s.Login(context.Background(), u.Email, testPassword)
	require.NoError(t, err)
	_, err = b.s.Authenticate(context.Background(), plain)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "tokens stay revoked")
	_, err = b.s.CalendarOwner(context.Background(), feed)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "the feed address stays revoked")
	again2, err := b.s.RotateCalendarSecret(as)
	require.NoError(t, err, "a new address can be made")
	_, err = b.s.CalendarOwner(context.Background(), again2)
	require.NoError(t, err)
}

// Deactivation, like demotion, keeps an active admin in the organization,
// and reaches only the admin's own organization's users.
func TestStore_DeactivateUserRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.s, "other")
	admin2 := &sunshine.User{Email: "second-admin@ndlon.example", Role: sunshine.RoleAdmin}
	require.NoError(t, b.s.CreateUser(b.ctx, admin2))

	_, err := b.s.SetUserActive(b.ctx, other.Admin.ID, false)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's user")
	_, err = b.s.SetUserActive(b.ctx, "not-a-uuid", false)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	u, err := b.s.FindUserByID(other.Ctx, other.Admin.ID)
	require.NoError(t, err)
	require.True(t, u.Active, "untouched")

	// With two admins one may go (even oneself, as with demotion); the
	// last active one may not, nor be demoted while the other is away.
	_, err = b.s.SetUserActive(b.ctx, admin2.ID, false)
	require.NoError(t, err)
	_, err = b.s.SetUserActive(b.ctx, b.fx.Admin.ID, false)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), "last active admin")
	_, err = b.s.UpdateUserRole(b.ctx, b.fx.Admin.ID, sunshine.RoleStaff)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "a deactivated admin does not count")
	u, err = b.s.FindUserByID(b.ctx, b.fx.Admin.ID)
	require.NoError(t, err)
	require.True(t, u.Active)
	require.Equal(t, sunshine.RoleAdmin, u.Role)

	_, err = b.s.SetUserActive(b.ctx, admin2.ID, true)
	require.NoError(t, err)
	_, err = b.s.SetUserActive(b.ctx, b.fx.Admin.ID, false)
	require.NoError(t, err, "another active admin remains")
}

// A role change racing a deactivation (one admin deactivates, another
// changes the role at the same moment) waits for it and keeps it: the user
// ends with the new role and stays deactivated, unable to sign in.
func TestStore_RoleChangeRacingDeactivation(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	s := store.New(db, sunshine.NewFixedClock(now))
	fx := storetest.Org(t, s, "race")
	u := &sunshine.User{Email: "ana@race.example", Name: "Ana Reyes", Role: sunshine.RoleStaff}
	require.NoError(t, s.CreateUser(fx.Ctx, u))
	require.NoError(t, s.SetPassword(context.Background(), u.ID, testPassword))

	changed := make(chan error, 1)
	err := s.Atomically(fx.Ctx, func(st *store.Store) error {
		got, err := st.SetUserActive(fx.Ctx, u.ID, false)
		require.NoError(t, err)
		require.False(t, got.Active)
		go func() { // another admin changes the role meanwhile
			_, err := s.UpdateUserRole(fx.Ctx, u.ID, sunshine.RoleViewer)
			changed <- err
		}()
		waitUntilBlocked(t, db, "users", 1, "the role change waits for the deactivation")
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-changed)

	got, err := s.FindUserByID(fx.Ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.RoleViewer, got.Role)
	require.False(t, got.Active, "still deactivated")
	require.NotNil(t, got.DeactivatedAt)
	_, _, _, err = s.Login(context.Background(), u.Email, testPassword)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "cannot sign in")
}
