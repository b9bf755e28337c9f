package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// bulkInput is the body of POST /requests/bulk. assignee_id given as null
// (or "") unassigns; left out, the assignee is not changed.
type bulkInput struct {
	RequestIDs []string         `json:"request_ids"`
	AssigneeID optional[string] `json:"assignee_id"`
	AddTags    []string         `json:"add_tags"`
	RemoveTags []string         `json:"remove_tags"`
	Watch      *bool            `json:"watch"`
	// AssignmentNote goes to the new assignee with the assignment.
	AssignmentNote string `json:"assignment_note"`
	// Close closes the open requests in this status, with CloseNote in
	// their timelines.
	Close     *string `json:"close"`
	CloseNote string  `json:"close_note"`
	// AutoFollowUpDays turns automatic follow-ups on (7 to 90), or off (0).
	AutoFollowUpDays *int `json:"auto_follow_up_days"`
}

func (in bulkInput) change() (sunshine.BulkChange, error) {
	var fe fieldErrors
	ch := sunshine.BulkChange{RequestIDs: in.RequestIDs, AddTags: in.AddTags, RemoveTags: in.RemoveTags, Watch: in.Watch, AssignmentNote: in.AssignmentNote,
		CloseNote: in.CloseNote, AutoFollowUpDays: in.AutoFollowUpDays}
	if in.Close != nil {
		to := sunshine.Status(*in.Close)
		ch.Close = &to
	}
	if in.AssigneeID.given(&fe, "assignee_id") {
		v := in.AssigneeID.Value
		fe.uuid("assignee_id", &v)
		ch.AssigneeID = &v
	}
	return ch, fe.also(ch.Validate()) // every problem at once
}

// handleRequestsBulk is POST /requests/bulk: one change (assignee, a tag
// added or removed, the caller watching) made to many requests at once,
// all or none (store.ChangeRequests). It answers which changed and which
// were already so.
func (s *Server) handleRequestsBulk(c *gin.Context) {
	var in bulkInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ch, err := in.change()
	if err != nil {
		fail(c, err)
		return
	}
	res, err := s.store.ChangeRequests(c.Request.Context(), ch)
	if err != nil {
		fail(c, err)
		return
	}
	if res.Changed == nil {
		res.Changed = []string{}
	}
	if res.Unchanged == nil {
		res.Unchanged = []string{}
	}
	c.JSON(http.StatusOK, res)
}
