package api

import (
	"net/url"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

type copiesInput struct {
	AgencyIDs  *[]string        `json:"agency_ids"`
	SentOn     *string          `json:"sent_on"`
	ReceivedOn *string          `json:"received_on"`
	AssigneeID optional[string] `json:"assignee_id"`
}

// input reads the body; one that names no assignee gives the copies the
// original's.
func (in copiesInput) input() (cp sunshine.CopyInput, err error) {
	var fe fieldErrors
	if in.AgencyIDs != nil {
		cp.AgencyIDs = *in.AgencyIDs
	}
	for _, id := range cp.AgencyIDs {
		if !validID(id) {
			fe.add("agency_ids", "must list agency IDs (UUIDs): %q is not one", id)
			break
		}
	}
	cp.SentOn = fe.date("sent_on", in.SentOn)
	cp.ReceivedOn = fe.date("received_on", in.ReceivedOn)
	cp.SameAssignee = !in.AssigneeID.given(&fe, "assignee_id")
	if v := in.AssigneeID.Value; !cp.SameAssignee && v != "" { // null and "": unassigned
		fe.uuid("assignee_id", &v)
		cp.AssigneeID = &v
	}
	verr := cp.Validate()
	if len(fe) > 0 {
		return cp, fe.also(verr)
	}
	return cp, verr
}

// handleRequestCopies is POST /requests/{id}/copies: the same request filed
// with more agencies, a request each with the original's words and its
// own deadline, all in the original's group, all or none (store.FileCopies).
// It answers 201 with the copies, and Location lists the whole group.
func (s *Server) handleRequestCopies(c *gin.Context) {
	var in copiesInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	cp, err := in.input()
	if err != nil {
		fail(c, err)
		return
	}
	copies, err := s.store.FileCopies(c.Request.Context(), c.Param("id"), cp)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]requestJSON, len(copies))
	for i, r := range copies {
		items[i] = s.requestOut(r)
	}
	created(c, "/api/v1/requests?group_id="+url.QueryEscape(*copies[0].GroupID), gin.H{"items": items})
}
