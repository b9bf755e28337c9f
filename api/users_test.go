package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An admin deactivates a user with PATCH {"active": false}: the user's
// token stops working at once, the list shows them inactive, they cannot
// be assigned, and {"active": true} brings them back with their token
// still revoked. Every response is checked against docs/openapi.yaml.
func TestUsers_Deactivate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staffToken := b.user("ana@ndlon.example", sunshine.RoleStaff)
	me := b.call("GET", "/api/v1/me", staffToken, nil)
	require.Equal(t, http.StatusOK, me.status())
	id := me.str("user.id")
	require.Equal(t, true, me.body["user"].(map[string]any)["active"])
	require.Nil(t, me.body["user"].(map[string]any)["deactivated_at"])

	r := b.call("PATCH", "/api/v1/users/"+id, staffToken, map[string]any{"active": false})
	require.Equal(t, http.StatusForbidden, r.status(), "admins only")

	r = b.call("PATCH", "/api/v1/users/"+id, b.token, map[string]any{"active": false})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, false, r.body["active"])
	require.NotEmpty(t, r.str("deactivated_at"))
	require.Equal(t, "staff", r.str("role"), "the role is kept")

	r = b.call("GET", "/api/v1/me", staffToken, nil)
	require.Equal(t, http.StatusUnauthorized, r.status(), "the token stops working at once")

	list := b.call("GET", "/api/v1/users", b.token, nil)
	require.Equal(t, http.StatusOK, list.status())
	active := map[string]any{}
	for _, u := range list.items() {
		active[u["id"].(string)] = u["active"]
	}
	require.Equal(t, map[string]any{b.fx.Admin.ID: true, id: false}, active)

	agency := b.agency("Sacramento County Sheriff's Department", "us-ca")
	req := b.request(agency, "2017-03-27")
	r = b.call("PATCH", "/api/v1/requests/"+req, b.token, map[string]any{"assignee_id": id})
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"assignee_id"}, r.fieldErrors())

	r = b.call("PATCH", "/api/v1/users/"+id, b.token, map[string]any{"active": true})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["active"])
	require.Nil(t, r.body["deactivated_at"])
	r = b.call("GET", "/api/v1/me", staffToken, nil)
	require.Equal(t, http.StatusUnauthorized, r.status(), "reactivating does not bring old tokens back")
	r = b.call("PATCH", "/api/v1/requests/"+req, b.token, map[string]any{"assignee_id": id})
	require.Equal(t, http.StatusOK, r.status(), "assignable again")
}

func TestUsers_DeactivateRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.st, "other")
	for _, tc := range []struct {
		name   string
		id     string
		body   any
		status int
		fields []string
	}{
		{"the last active admin", b.fx.Admin.ID, map[string]any{"active": false}, http.StatusConflict, nil},
		{"another organization's user", other.Admin.ID, map[string]any{"active": false}, http.StatusNotFound, nil},
		{"neither role nor active", b.fx.Admin.ID, map[string]any{}, http.StatusBadRequest, []string{"role", "active"}},
		{"active not a boolean", b.fx.Admin.ID, `{"active": "no"}`, http.StatusBadRequest, []string{"active"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("PATCH", "/api/v1/users/"+tc.id, b.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.fields != nil {
				require.Equal(t, tc.fields, r.fieldErrors())
			}
		})
	}
	u, err := b.st.FindUserByID(other.Ctx, other.Admin.ID)
	require.NoError(t, err)
	require.True(t, u.Active)
}

// Two organizations invite the same address: each gets its own, separate
// user, and neither learns of the other. Within one organization the
// address is taken: a 409 naming email, which says nothing about any
// other organization.
func TestUsers_SameEmailInTwoOrgs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := storetest.Org(t, b.st, "other")
	invite := map[string]any{"email": "reporter@example.org", "name": "Reporter", "role": "staff"}

	mine := b.call("POST", "/api/v1/users", b.token, invite)
	require.Equal(t, http.StatusCreated, mine.status(), mine.rec.Body.String())
	theirs := b.call("POST", "/api/v1/users", other.Token, map[string]any{"email": "Reporter@Example.org", "role": "viewer"})
	require.Equal(t, http.StatusCreated, theirs.status(), theirs.rec.Body.String())
	require.NotEqual(t, mine.str("id"), theirs.str("id"))
	require.Equal(t, "reporter@example.org", theirs.str("email"))
	require.Equal(t, other.Org.ID, theirs.str("org_id"))

	for _, tc := range []struct {
		token  string
		before response
	}{{b.token, mine}, {other.Token, theirs}} {
		again := b.call("POST", "/api/v1/users", tc.token, invite)
		require.Equal(t, http.StatusConflict, again.status(), again.rec.Body.String())
		require.Equal(t, []string{"email"}, again.fieldErrors())
		require.Equal(t, "a user with this email is already a member of this organization", again.str("detail"))

		list := b.call("GET", "/api/v1/users", tc.token, nil)
		require.Equal(t, http.StatusOK, list.status())
		var ids []string
		for _, u := range list.items() {
			if u["email"] == "reporter@example.org" {
				ids = append(ids, u["id"].(string))
			}
		}
		require.Equal(t, []string{tc.before.str("id")}, ids, "each organization sees its own user only")
	}
}

// A token for a deactivated user would never authenticate: issuing one is
// a 400 naming user_id, as assigning them is, and nothing is stored.
func TestTokens_DeactivatedUserRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staffToken := b.user("ana@ndlon.example", sunshine.RoleStaff)
	id := b.call("GET", "/api/v1/me", staffToken, nil).str("user.id")
	r := b.call("PATCH", "/api/v1/users/"+id, b.token, map[string]any{"active": false})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	before := len(b.call("GET", "/api/v1/tokens", b.token, nil).items())

	r = b.call("POST", "/api/v1/tokens", b.token, map[string]any{"user_id": id, "name": "laptop"})
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"user_id"}, r.fieldErrors())
	require.Contains(t, r.str("detail"), "deactivated")
	require.Len(t, b.call("GET", "/api/v1/tokens", b.token, nil).items(), before, "no token stored")

	r = b.call("POST", "/api/v1/tokens", b.token, map[string]any{"user_id": "00000000-0000-0000-0000-000000000000"})
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"user_id"}, r.fieldErrors())

	r = b.call("PATCH", "/api/v1/users/"+id, b.token, map[string]any{"active": true})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	r = b.call("POST", "/api/v1/tokens", b.token, map[string]any{"user_id": id, "name": "laptop"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	require.Equal(t, http.StatusOK, b.call("GET", "/api/v1/me", r.str("token"), nil).status(), "reactivated: the new token works")
}
