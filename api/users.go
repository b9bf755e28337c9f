package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

type meJSON struct {
	User         *sunshine.User         `json:"user"`
	Organization *sunshine.Organization `json:"organization"`
}

func (s *Server) handleMe(c *gin.Context) {
	ctx := c.Request.Context()
	p, _ := sunshine.PrincipalFrom(ctx)
	u, err := s.store.FindUserByID(ctx, p.UserID)
	if err != nil {
		fail(c, err)
		return
	}
	s.respondMe(c, u)
}

// respondMe answers the caller u with their organization.
func (s *Server) respondMe(c *gin.Context, u *sunshine.User) {
	org, err := s.store.FindOrgByID(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, meJSON{User: u, Organization: org})
}

// handleMeUpdate is PATCH /me: the caller changes their own name, which
// signs their letters and greets them in emails. Any role may; it answers
// as GET /me.
func (s *Server) handleMeUpdate(c *gin.Context) {
	var in struct {
		Name optional[string] `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var fe fieldErrors
	name := set(&fe, "name", in.Name)
	if name == nil && len(fe) == 0 {
		fe.add("name", "is required: the name to set (\"\" clears it)")
	}
	if err := fe.err(); err != nil {
		fail(c, err)
		return
	}
	u, err := s.store.SetMyName(c.Request.Context(), *name)
	if err != nil {
		fail(c, err)
		return
	}
	s.respondMe(c, u)
}

func (s *Server) handleUserList(c *gin.Context) {
	if err := newQuery(c).err(); err != nil {
		fail(c, err)
		return
	}
	us, err := s.store.FindUsers(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	// Who signs in without a second step is the account to attack: only
	// admins (who can require it) see it of others.
	p, _ := sunshine.PrincipalFrom(c.Request.Context())
	out := make([]listedUser, len(us))
	for i, u := range us {
		out[i].User = u
		if p.Role == sunshine.RoleAdmin || u.ID == p.UserID {
			out[i].TwoStep = &u.TwoStep
		}
	}
	c.JSON(http.StatusOK, newPage(out, ""))
}

// listedUser is a user in GET /users: two_step is null for others when
// the caller is not an admin.
type listedUser struct {
	*sunshine.User
	TwoStep *bool `json:"two_step"`
}

type createUserInput struct {
	Email *string `json:"email"`
	Name  *string `json:"name"`
	Role  *string `json:"role"`
}

func (s *Server) handleUserCreate(c *gin.Context) {
	var in createUserInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	u := &sunshine.User{Role: sunshine.RoleStaff}
	if in.Email != nil {
		u.Email = *in.Email
	}
	if in.Name != nil {
		u.Name = *in.Name
	}
	if in.Role != nil {
		u.Role = sunshine.Role(*in.Role)
	}
	// Invited, as from the settings page: an email with a link to set a
	// password, so the person can also use the pages.
	if err := s.store.InviteUser(c.Request.Context(), u, s.cfg.BaseURL); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

type updateUserInput struct {
	Role   *string `json:"role"`
	Active *bool   `json:"active"`
}

// handleUserUpdate changes a user's role, deactivates or reactivates them,
// or both at once.
func (s *Server) handleUserUpdate(c *gin.Context) {
	var in updateUserInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	if in.Role == nil && in.Active == nil {
		fail(c, sunshine.Invalid(sunshine.FieldError{Field: "role", Message: "give role, active or both"},
			sunshine.FieldError{Field: "active", Message: "give role, active or both"}))
		return
	}
	upd := sunshine.UserUpdate{Active: in.Active}
	if in.Role != nil {
		role := sunshine.Role(*in.Role)
		upd.Role = &role
	}
	u, err := s.store.UpdateUser(c.Request.Context(), c.Param("id"), upd)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) handleTokenList(c *gin.Context) {
	if err := newQuery(c).err(); err != nil {
		fail(c, err)
		return
	}
	ts, err := s.store.FindTokens(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(ts, ""))
}

type createTokenInput struct {
	UserID *string `json:"user_id"`
	Name   *string `json:"name"`
}

type newTokenJSON struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Token     string    `json:"token"`
	CreatedAt time.Time `json:"created_at"`
}

// handleTokenCreate issues a token, for the caller or another user of the
// organization; the token is in this response and nowhere else, ever.
func (s *Server) handleTokenCreate(c *gin.Context) {
	var in createTokenInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	p, _ := sunshine.PrincipalFrom(c.Request.Context())
	userID, name := p.UserID, ""
	if in.UserID != nil {
		userID = *in.UserID
	}
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
	}
	plain, tok, err := s.store.CreateToken(c.Request.Context(), userID, name)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, newTokenJSON{ID: tok.ID, UserID: tok.UserID, Name: tok.Name, Token: plain, CreatedAt: tok.CreatedAt})
}

func (s *Server) handleTokenDelete(c *gin.Context) {
	if err := s.store.RevokeToken(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
