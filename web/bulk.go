package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// handleBulk is POST /requests/bulk: one change to the requests ticked in
// the list (store.ChangeRequests), all or none. The list's filters ride in
// the query, so a refused change shows the same list, with the ticks and
// the problems, and a done one returns to it with what changed.
func (s *Server) handleBulk(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("bulk", c.Request.PostForm)
	action := f.V("action")
	ch := sunshine.BulkChange{RequestIDs: f.Values["id"]}
	tag := strings.TrimSpace(f.V("tag"))
	switch action {
	case "assign":
		who := strings.TrimSpace(f.V("assignee_id"))
		ch.AssigneeID, ch.AssignmentNote = &who, strings.TrimSpace(f.V("assignment_note"))
	case "add_tag", "remove_tag":
		if tag == "" {
			f.Errors["tag"] = "is required: the tag to " + strings.TrimSuffix(action, "_tag")
			break
		}
		if action == "add_tag" {
			ch.AddTags = []string{tag}
		} else {
			ch.RemoveTags = []string{tag}
		}
	case "watch", "unwatch":
		watch := action == "watch"
		ch.Watch = &watch
	case "close":
		to := sunshine.Status(f.V("close"))
		ch.Close, ch.CloseNote = &to, strings.TrimSpace(f.V("close_note"))
	case "follow_up":
		if days, ok := everyDays(f); ok {
			ch.AutoFollowUpDays = &days
		}
	case "no_follow_up":
		off := 0
		ch.AutoFollowUpDays = &off
	default:
		f.Errors["action"] = "choose what to change"
	}
	if len(ch.RequestIDs) == 0 {
		f.Errors["request_ids"] = "none is ticked: tick the requests to change in the list"
	}
	if f.HasErrors() {
		s.showRequestList(c, http.StatusBadRequest, f)
		return
	}
	res, err := s.store.ChangeRequests(ctxOf(c), ch)
	if err != nil {
		s.bulkFailed(c, f, err)
		return
	}
	note, err := s.bulkNote(ctxOf(c), action, tag, ch, res)
	if err != nil {
		s.fail(c, err)
		return
	}
	back := "/requests"
	if q := c.Request.URL.RawQuery; q != "" {
		back += "?" + q
	}
	s.redirectBack(c, back, note)
}

// bulkFailed shows the list again with why nothing changed: the store's
// fields under the form's (its tags are the form's one tag).
func (s *Server) bulkFailed(c *gin.Context, f *reqForm, err error) {
	status := f.fail(err)
	if sunshine.ErrorCode(err) == sunshine.ENotFound {
		status, f.Errors["request_ids"] = http.StatusNotFound, "one of them is not your organization's request (or no longer exists): nothing was changed"
	}
	if status == 0 {
		s.fail(c, err)
		return
	}
	for field, as := range map[string]string{"add_tags": "tag", "remove_tags": "tag", "auto_follow_up_days": "every_days"} {
		if msg, ok := f.Errors[field]; ok {
			delete(f.Errors, field)
			f.Errors[as] = msg
		}
	}
	s.showRequestList(c, status, f)
}

// bulkNote says what a bulk change did, and what it found done already.
func (s *Server) bulkNote(ctx context.Context, action, tag string, ch sunshine.BulkChange, res store.BulkResult) (string, error) {
	n, same := len(res.Changed), len(res.Unchanged)
	var done, already string
	switch action {
	case "assign":
		done, already = fmt.Sprintf("%s unassigned.", count(n, "request")), fmt.Sprintf("%s already.", wasWere(same))
		if *ch.AssigneeID != "" {
			u, err := s.store.FindUserByID(ctx, *ch.AssigneeID)
			if err != nil {
				return "", err
			}
			// Named as the request's page names its assignee.
			done = fmt.Sprintf("%s assigned to %s.", count(n, "request"), cmp.Or(u.Name, u.Email))
		}
	case "add_tag":
		done, already = fmt.Sprintf("Tag “%s” added to %s.", tag, count(n, "request")), fmt.Sprintf("%d had it already.", same)
	case "remove_tag":
		done, already = fmt.Sprintf("Tag “%s” removed from %s.", tag, count(n, "request")), fmt.Sprintf("%d did not have it.", same)
	case "watch":
		done, already = fmt.Sprintf("You watch %s more: their reminders come to you.", count(n, "request")), fmt.Sprintf("You watched %d already.", same)
	case "unwatch":
		done, already = fmt.Sprintf("You no longer watch %s.", count(n, "request")), fmt.Sprintf("You did not watch %d.", same)
	case "close":
		st := strings.ReplaceAll(string(*ch.Close), "_", " ")
		done, already = fmt.Sprintf("%s closed as %s.", count(n, "request"), st), fmt.Sprintf("%s %s already.", wasWere(same), st)
	case "follow_up":
		done = fmt.Sprintf("Automatic follow-ups on for %s: every %d days without news once their date has passed, signed by you.",
			count(n, "request"), *ch.AutoFollowUpDays)
		already = fmt.Sprintf("%s so already.", wasWere(same))
	case "no_follow_up":
		done, already = fmt.Sprintf("Automatic follow-ups stopped for %s.", count(n, "request")), fmt.Sprintf("%d had none.", same)
	}
	if n == 0 {
		done = "Nothing changed."
	}
	if same == 0 {
		return done, nil
	}
	return done + " " + already, nil
}

// count is "1 request", "3 requests".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func wasWere(n int) string {
	if n == 1 {
		return "1 was"
	}
	return fmt.Sprintf("%d were", n)
}

// assignable are the people of users a request can go to: the active
// ones, the chosen one selected.
func assignable(users []*sunshine.User, chosen string) []dashOption {
	var out []dashOption
	for _, u := range users {
		if u.Active {
			out = append(out, dashOption{u.ID, userLabel(u), u.ID == chosen})
		}
	}
	return out
}
