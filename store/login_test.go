package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// One person with accounts in several organizations signs in with the
// password of the one they mean; when one password opens several, Login
// lists those organizations and ChooseOrg signs in to one of them, once,
// within ChoiceTTL, and never to an organization the password did not open.
func TestStore_LoginAcrossOrgs(t *testing.T) {
	t.Parallel()
	const email = "reporter@example.org"
	// account adds the reporter to f's organization with password pw ("" for
	// an invited account that has none yet).
	account := func(t *testing.T, b testBundle, f storetest.Fixture, pw string) *sunshine.User {
		t.Helper()
		u := &sunshine.User{Email: email, Name: "Reporter", Role: sunshine.RoleStaff}
		require.NoError(t, b.s.CreateUser(f.Ctx, u))
		if pw != "" {
			require.NoError(t, b.s.SetPassword(context.Background(), u.ID, pw))
		}
		return u
	}
	signedInAs := func(t *testing.T, b testBundle, token string, u *sunshine.User) {
		t.Helper()
		p, err := b.s.Session(context.Background(), token)
		require.NoError(t, err)
		require.Equal(t, u.ID, p.UserID)
		require.Equal(t, u.OrgID, p.OrgID)
	}
	badLogin := func(t *testing.T, err error) {
		t.Helper()
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "%v", err)
		require.Equal(t, "the email or password is not right", sunshine.ErrorMessage(err), "the one generic answer")
	}

	t.Run("different passwords sign in to their own organization", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		other := storetest.Org(t, b.s, "other")
		mine, theirs := account(t, b, b.fx, "first long password"), account(t, b, other, "second long password")
		for _, tc := range []struct {
			pw   string
			want *sunshine.User
		}{{"first long password", mine}, {"second long password", theirs}} {
			tok, p, choice, err := b.s.Login(context.Background(), " Reporter@example.org ", tc.pw)
			require.NoError(t, err)
			require.Nil(t, choice)
			require.Equal(t, tc.want.OrgID, p.OrgID)
			signedInAs(t, b, tok, tc.want)
		}
		_, _, choice, err := b.s.Login(context.Background(), email, "neither of them")
		badLogin(t, err)
		require.Nil(t, choice)
	})

	t.Run("the same password asks which organization", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		other, third, fourth := storetest.Org(t, b.s, "other"), storetest.Org(t, b.s, "third"), storetest.Org(t, b.s, "fourth")
		mine, theirs := account(t, b, b.fx, testPassword), account(t, b, other, testPassword)
		account(t, b, third, "a different password") // not proven: never listed
		account(t, b, fourth, "")                    // invited, no password yet
		unrelated := storetest.Org(t, b.s, "unrelated")

		login := func(t *testing.T) *store.SignInChoice {
			t.Helper()
			tok, p, choice, err := b.s.Login(context.Background(), email, testPassword)
			require.NoError(t, err)
			require.Empty(t, tok, "no session before the choice")
			require.Equal(t, sunshine.Principal{}, p)
			require.NotNil(t, choice)
			require.Len(t, choice.Token, 43)
			return choice
		}
		choiceRefused := func(t *testing.T, err error) {
			t.Helper()
			require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "%v", err)
			require.Equal(t, "this sign-in has expired: sign in again", sunshine.ErrorMessage(err))
		}

		choice := login(t)
		var slugs []string
		for _, o := range choice.Orgs {
			slugs = append(slugs, o.Slug)
			require.NotEmpty(t, o.Name)
		}
		require.Equal(t, []string{b.fx.Org.Slug, other.Org.Slug}, slugs, "exactly the organizations whose account the password opens, by name")

		// Organizations the password did not open, or that do not exist,
		// are refused and leave the choice usable.
		for _, slug := range []string{third.Org.Slug, fourth.Org.Slug, unrelated.Org.Slug, "no-such-org", ""} {
			_, _, err := b.s.ChooseOrg(context.Background(), choice.Token, slug)
			choiceRefused(t, err)
		}
		for _, u := range []*sunshine.User{mine, theirs} {
			slug := b.fx.Org.Slug
			if u == theirs {
				slug = other.Org.Slug
				choice = login(t)
			}
			tok, p, err := b.s.ChooseOrg(context.Background(), choice.Token, slug)
			require.NoError(t, err)
			require.Equal(t, u.ID, p.UserID)
			signedInAs(t, b, tok, u)
			// A choice works once.
			_, _, err = b.s.ChooseOrg(context.Background(), choice.Token, slug)
			choiceRefused(t, err)
		}
		_, _, err := b.s.ChooseOrg(context.Background(), "not-a-choice", b.fx.Org.Slug)
		choiceRefused(t, err)

		// A choice expires after ChoiceTTL.
		choice = login(t)
		b.clk.Set(now.Add(store.ChoiceTTL))
		_, _, err = b.s.ChooseOrg(context.Background(), choice.Token, b.fx.Org.Slug)
		choiceRefused(t, err)
		b.clk.Set(now)

		// Deactivated after the choice was offered: that account is refused.
		choice = login(t)
		_, err = b.s.SetUserActive(b.ctx, mine.ID, false)
		require.NoError(t, err)
		_, _, err = b.s.ChooseOrg(context.Background(), choice.Token, b.fx.Org.Slug)
		choiceRefused(t, err)
		// And the other is signed in without a choice.
		tok, _, choice, err := b.s.Login(context.Background(), email, testPassword)
		require.NoError(t, err)
		require.Nil(t, choice)
		signedInAs(t, b, tok, theirs)
	})

	// Accepting an invitation signs in to the invited account, even when
	// the same password opens the person's account elsewhere.
	t.Run("an invitation signs in to its own account", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		other := storetest.Org(t, b.s, "other")
		account(t, b, b.fx, testPassword)
		invited := &sunshine.User{Email: email, Role: sunshine.RoleViewer}
		require.NoError(t, b.s.InviteUser(other.Ctx, invited, "https://sunshine.example"))
		pending, _, err := b.s.FindReminders(other.Ctx, []string{"pending"}, 200, "")
		require.NoError(t, err)
		i := slices.IndexFunc(pending, func(r *sunshine.Reminder) bool { return r.RecipientID == invited.ID })
		require.NotEqual(t, -1, i)
		link, err := b.s.InvitePayload(other.Ctx, pending[i].ID)
		require.NoError(t, err)
		tok, p, err := b.s.AcceptInvite(context.Background(), strings.TrimPrefix(link, "https://sunshine.example/invite/"), testPassword)
		require.NoError(t, err)
		require.Equal(t, sunshine.Principal{OrgID: other.Org.ID, UserID: invited.ID, Role: sunshine.RoleViewer}, p)
		signedInAs(t, b, tok, invited)
	})

	// A re-invitation is an admin's password reset: following it signs out
	// the sessions opened with the old password (a lost laptop).
	t.Run("a password reset by invitation ends the old sessions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u := account(t, b, b.fx, testPassword)
		old, _, _, err := b.s.Login(context.Background(), email, testPassword)
		require.NoError(t, err)
		require.NoError(t, b.s.Reinvite(b.ctx, u.ID, "https://sunshine.example"))
		pending, _, err := b.s.FindReminders(b.ctx, []string{"pending"}, 200, "")
		require.NoError(t, err)
		i := slices.IndexFunc(pending, func(r *sunshine.Reminder) bool { return r.RecipientID == u.ID && r.Kind == "invite" })
		require.NotEqual(t, -1, i)
		link, err := b.s.InvitePayload(b.ctx, pending[i].ID)
		require.NoError(t, err)
		tok, _, err := b.s.AcceptInvite(context.Background(), strings.TrimPrefix(link, "https://sunshine.example/invite/"), "a new passphrase 2")
		require.NoError(t, err)
		_, err = b.s.Session(context.Background(), old)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the old session ended")
		signedInAs(t, b, tok, u)
	})
}

// OtherOrgWith names the other organization holding a request,
// communication or document, only where the caller's own email (matched
// as signing in matches it) has an active account with a password; the
// caller's own organization, one without such an account and a thing of
// another kind or that is gone are none.
func TestStore_OtherOrgWith(t *testing.T) {
	t.Parallel()
	b := setup(t)
	account := func(f storetest.Fixture, email, pw string) *sunshine.User {
		t.Helper()
		u := &sunshine.User{Email: email, Name: "Reporter", Role: sunshine.RoleStaff}
		require.NoError(t, b.s.CreateUser(f.Ctx, u))
		if pw != "" {
			require.NoError(t, b.s.SetPassword(context.Background(), u.ID, pw))
		}
		return u
	}
	request := func(f storetest.Fixture) *sunshine.Request {
		t.Helper()
		a := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
		require.NoError(t, b.s.CreateAgency(f.Ctx, a))
		r := &sunshine.Request{AgencyID: a.ID, Title: "Stop-and-frisk data", DeliveryMethod: sunshine.DeliveryEmail}
		require.NoError(t, b.s.CreateRequest(f.Ctx, r))
		return r
	}
	me := account(b.fx, "reporter@example.org", testPassword)
	ctx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: me.ID, Role: sunshine.RoleStaff})

	other := storetest.Org(t, b.s, "other")
	account(other, " Reporter@Example.ORG ", "another long password")
	r := request(other)
	cm, _, err := b.s.CreateCommunication(other.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-03-28"), Body: "Received."}})
	require.NoError(t, err)
	doc, err := b.s.CreateDocument(other.Ctx, store.NewDocument{RequestID: r.ID, Filename: "a.txt", ContentType: "text/plain", Content: strings.NewReader("a")})
	require.NoError(t, err)
	gone, err := b.s.CreateDocument(other.Ctx, store.NewDocument{RequestID: r.ID, Filename: "b.txt", ContentType: "text/plain", Content: strings.NewReader("b")})
	require.NoError(t, err)
	require.NoError(t, b.s.DeleteDocument(other.Ctx, gone.ID))

	deactivated := storetest.Org(t, b.s, "deactivated")
	was := account(deactivated, "reporter@example.org", "a third long password")
	_, err = b.s.SetUserActive(deactivated.Ctx, was.ID, false)
	require.NoError(t, err)
	rDeactivated := request(deactivated)
	invited := storetest.Org(t, b.s, "invited")
	account(invited, "reporter@example.org", "") // no password yet: cannot sign in there
	rInvited := request(invited)
	rNone := request(storetest.Org(t, b.s, "none"))
	rMine := request(b.fx)

	for _, tc := range []struct{ kind, id string }{{"request", r.ID}, {"communication", cm.ID}, {"document", doc.ID}} {
		o, err := b.s.OtherOrgWith(ctx, tc.kind, tc.id)
		require.NoError(t, err, tc.kind)
		require.NotNil(t, o, tc.kind)
		require.Equal(t, [3]string{other.Org.ID, "other", other.Org.Slug}, [3]string{o.ID, o.Name, o.Slug}, tc.kind)
	}
	none := func(t *testing.T, ctx context.Context, kind, id string) {
		t.Helper()
		o, err := b.s.OtherOrgWith(ctx, kind, id)
		require.NoError(t, err)
		require.Nil(t, o, "%s %s", kind, id)
	}
	none(t, ctx, "communication", r.ID) // another kind's ID
	none(t, ctx, "document", gone.ID)
	none(t, ctx, "request", rDeactivated.ID)
	none(t, ctx, "request", rInvited.ID)
	none(t, ctx, "request", rNone.ID)
	none(t, ctx, "request", rMine.ID)
	none(t, ctx, "request", "5c0a3f7e-2b9d-4e61-8f43-0d8e6a1b2c3d")
	none(t, ctx, "request", "not a uuid")
	none(t, b.fx.Ctx, "request", r.ID) // the admin has no account there
	_, err = b.s.OtherOrgWith(ctx, "agency", r.ID)
	require.Error(t, err)

	// Reactivated, the account counts again.
	_, err = b.s.SetUserActive(deactivated.Ctx, was.ID, true)
	require.NoError(t, err)
	o, err := b.s.OtherOrgWith(ctx, "request", rDeactivated.ID)
	require.NoError(t, err)
	require.NotNil(t, o)
	require.Equal(t, deactivated.Org.ID, o.ID)
}
