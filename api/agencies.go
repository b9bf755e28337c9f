package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// agencyInput is the body of POST and PATCH /agencies; nil means absent.
type agencyInput struct {
	Name           *string `json:"name"`
	Jurisdiction   *string `json:"jurisdiction"`
	RecordsContact *string `json:"records_contact"`
	Email          *string `json:"email"`
	PortalURL      *string `json:"portal_url"`
	PostalAddress  *string `json:"postal_address"`
	Phone          *string `json:"phone"`
	TimeZone       *string `json:"time_zone"`
}

func (in agencyInput) update() sunshine.AgencyUpdate {
	return sunshine.AgencyUpdate{Name: in.Name, Jurisdiction: in.Jurisdiction, RecordsContact: in.RecordsContact,
		Email: in.Email, PortalURL: in.PortalURL, PostalAddress: in.PostalAddress, Phone: in.Phone, TimeZone: in.TimeZone}
}

func (s *Server) handleAgencyCreate(c *gin.Context) {
	var in agencyInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	var a sunshine.Agency
	in.update().Apply(&a)
	if err := s.store.CreateAgency(c.Request.Context(), &a); err != nil {
		fail(c, err)
		return
	}
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
	c.JSON(http.StatusOK, a)
}

func (s *Server) handleAgencyUpdate(c *gin.Context) {
	var in agencyInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	a, err := s.store.UpdateAgency(c.Request.Context(), c.Param("id"), in.update())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
