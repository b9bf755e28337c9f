package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// agencyInput is the body of POST and PATCH /agencies: a field left out
// keeps its value; null is refused (send "" to clear a text).
type agencyInput struct {
	Name           optional[string] `json:"name"`
	Jurisdiction   optional[string] `json:"jurisdiction"`
	RecordsContact optional[string] `json:"records_contact"`
	Email          optional[string] `json:"email"`
	PortalURL      optional[string] `json:"portal_url"`
	PostalAddress  optional[string] `json:"postal_address"`
	Phone          optional[string] `json:"phone"`
	TimeZone       optional[string] `json:"time_zone"`
}

func (in agencyInput) update() (sunshine.AgencyUpdate, error) {
	var fe fieldErrors
	u := sunshine.AgencyUpdate{Name: set(&fe, "name", in.Name), Jurisdiction: set(&fe, "jurisdiction", in.Jurisdiction),
		RecordsContact: set(&fe, "records_contact", in.RecordsContact), Email: set(&fe, "email", in.Email),
		PortalURL: set(&fe, "portal_url", in.PortalURL), PostalAddress: set(&fe, "postal_address", in.PostalAddress),
		Phone: set(&fe, "phone", in.Phone), TimeZone: set(&fe, "time_zone", in.TimeZone)}
	return u, fe.err()
}

func (s *Server) handleAgencyCreate(c *gin.Context) {
	var in agencyInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	upd, err := in.update()
	if err != nil {
		fail(c, err)
		return
	}
	var a sunshine.Agency
	upd.Apply(&a)
	if err := s.store.CreateAgency(c.Request.Context(), &a); err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", versionTag(a.Version))
	created(c, "/api/v1/agencies/"+a.ID, &a)
}

func (s *Server) handleAgencyList(c *gin.Context) {
	q := newQuery(c, "jurisdiction", "q", "cursor", "limit")
	f := sunshine.AgencyFilter{Jurisdiction: q.one("jurisdiction"), Q: q.one("q"), After: q.one("cursor"), Limit: q.limit()}
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	as, next, err := s.store.FindAgencies(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(as, next))
}

func (s *Server) handleAgencyGet(c *gin.Context) {
	a, err := s.store.FindAgencyByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", versionTag(a.Version))
	c.JSON(http.StatusOK, a)
}

// handleAgencyUpdate changes the fields the body sends. If-Match is read
// as for a request (ifMatch): a stale version is a 412 and nothing
// changes; without it the change is made whatever the version, as before
// agencies had one.
func (s *Server) handleAgencyUpdate(c *gin.Context) {
	var in agencyInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ctx, err := ifMatch(c, "agency")
	if err != nil {
		fail(c, err)
		return
	}
	upd, err := in.update()
	if err != nil {
		fail(c, err)
		return
	}
	a, err := s.store.UpdateAgency(ctx, c.Param("id"), upd)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", versionTag(a.Version))
	c.JSON(http.StatusOK, a)
}
