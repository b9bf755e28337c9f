package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// copiesData is the page that files a request with more agencies.
type copiesData struct {
	R    *sunshine.Request
	Form *reqForm
	// Laws are the agencies the request can still go to, by law; Filed
	// the names of those its group has a request with already.
	Laws       []copyLaw
	Filed      []string
	Assignable []*sunshine.User
}

type copyLaw struct {
	Label    string // "California: CPRA"
	Agencies []agencyOption
}

// requestToChange is the path's request, for a person whose role may
// change it; false when the page has answered already (refused, not
// found).
func (s *Server) requestToChange(c *gin.Context) (*sunshine.Request, bool) {
	if !s.canWrite(c) {
		return nil, false
	}
	r, err := s.store.FindRequestByID(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return r, true
}

func (s *Server) handleCopiesPage(c *gin.Context) {
	r, ok := s.requestToChange(c)
	if !ok {
		return
	}
	v := url.Values{"sent_on": {r.Today(s.store.Clock().Now()).String()}}
	if r.AssigneeID != nil {
		v.Set("assignee_id", *r.AssigneeID)
	}
	s.renderCopies(c, http.StatusOK, r, newReqForm("copies", v))
}

func (s *Server) renderCopies(c *gin.Context, status int, r *sunshine.Request, f *reqForm) {
	ctx := ctxOf(c)
	d := copiesData{R: r, Form: f}
	filed := map[string]bool{r.AgencyID: true}
	if r.GroupID != nil {
		group, err := s.groupOf(c, r)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, g := range group {
			filed[g.AgencyID] = true
		}
	}
	as, err := s.allAgencies(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	byLaw := map[string]*copyLaw{}
	var laws []string
	for _, a := range as {
		if filed[a.ID] {
			d.Filed = append(d.Filed, a.Name)
			continue
		}
		label := lawLabel(a.Jurisdiction)
		if byLaw[label] == nil {
			byLaw[label] = &copyLaw{Label: label}
			laws = append(laws, label)
		}
		byLaw[label].Agencies = append(byLaw[label].Agencies, agencyOption{ID: a.ID, Name: a.Name, Jurisdiction: a.Jurisdiction})
	}
	slices.Sort(laws)
	for _, l := range laws {
		d.Laws = append(d.Laws, *byLaw[l])
	}
	if d.Assignable, err = s.activeUsers(ctx); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "copies", "File with more agencies: "+r.Title, d)
}

// groupOf lists the requests filed together with r, r included: the open
// ones by the date each is followed by, then the closed, by agency within
// a date.
func (s *Server) groupOf(c *gin.Context, r *sunshine.Request) ([]*sunshine.Request, error) {
	var out []*sunshine.Request
	f := sunshine.RequestFilter{GroupID: *r.GroupID, Limit: 100}
	for {
		rs, next, err := s.store.FindRequests(ctxOf(c), f)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		if next == "" {
			break
		}
		f.After = next
	}
	// The open ones first, by the date to follow (those without one
	// after), then the closed; by agency within each.
	slices.SortStableFunc(out, func(a, b *sunshine.Request) int {
		da, db := a.FollowOn(), b.FollowOn()
		return cmp.Or(cmp.Compare(btoi(!a.Status.Open()), btoi(!b.Status.Open())),
			cmp.Compare(btoi(da.IsZero()), btoi(db.IsZero())), da.Compare(db), strings.Compare(a.AgencyName, b.AgencyName))
	})
	return out, nil
}

// groupPanel is the request page's "Filed together": the group's
// requests, each with its date in words on its own agency's calendar (the
// "due" template), and how many are closed, overdue and open, the first
// thing a coordinator asks of the group.
type groupPanel struct {
	Rows                  []dueCell
	Closed, Overdue, Open int
}

func newGroupPanel(group []*sunshine.Request, now time.Time) *groupPanel {
	p := &groupPanel{Rows: make([]dueCell, len(group))}
	for i, r := range group {
		today := r.Today(now)
		p.Rows[i] = dueCell{R: r, Today: today}
		switch {
		case !r.Status.Open():
			p.Closed++
		case r.Overdue(today):
			p.Overdue++
		default:
			p.Open++
		}
	}
	return p
}

// Counts says how many are closed, overdue and open, leaving out none:
// "1 closed, 2 overdue".
func (p *groupPanel) Counts() string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{p.Closed, "closed"}, {p.Overdue, "overdue"}, {p.Open, "open"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.what)
		}
	}
	return strings.Join(parts, ", ")
}

// Long is a group too long to list in the page's margin unasked.
func (p *groupPanel) Long() bool { return len(p.Rows) > 8 }

// handleCopies files the request with the agencies chosen, all or none
// (store.FileCopies), and goes back to the request, whose "Filed
// together" panel lists them.
func (s *Server) handleCopies(c *gin.Context) {
	r, ok := s.requestToChange(c)
	if !ok {
		return
	}
	ctx := ctxOf(c)
	_ = c.Request.ParseForm()
	f := newReqForm("copies", c.Request.PostForm)
	in := sunshine.CopyInput{AgencyIDs: f.Values["agency_ids"]}
	in.SentOn = f.parseDateField("sent_on")
	in.ReceivedOn = f.parseDateField("received_on")
	if id := strings.TrimSpace(f.V("assignee_id")); id != "" {
		in.AssigneeID = &id
	}
	if len(in.AgencyIDs) == 0 {
		f.Errors["agency_ids"] = "choose at least one agency"
	}
	if f.HasErrors() {
		// The other fields' mistakes too, which filing would name only
		// once these are right (a date the page could not read is left
		// out: it has its error already).
		if err := s.store.CheckCopies(ctx, r.ID, in); err != nil && f.fail(err) == 0 {
			s.fail(c, err)
			return
		}
		s.renderCopies(c, http.StatusBadRequest, r, f)
		return
	}
	copies, err := s.store.FileCopies(ctx, r.ID, in)
	if err != nil {
		status := f.fail(err)
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.renderCopies(c, status, r, f)
		return
	}
	names := make([]string, len(copies))
	for i, cp := range copies {
		names[i] = cp.AgencyName
	}
	n := strconv.Itoa(len(copies)) + " more agencies"
	if len(copies) == 1 {
		n = "1 more agency"
	}
	note := "Filed with " + n + "."
	if len(names) <= 5 {
		note = "Filed with " + n + ": " + sunshine.AndList(names) + "."
	}
	switch {
	case in.ReceivedOn.IsZero() && len(copies) == 1:
		note += " Without a received date it is a draft: submit it when the agency has it."
	case in.ReceivedOn.IsZero():
		note += " Without a received date they are drafts: submit each when the agency has it."
	}
	s.redirectBack(c, requestPath(r.ID)+"#group", note)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
