package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// agencyOption is an agency in the new-request form's select, with its law
// for the due-date preview.
type agencyOption struct {
	ID, Name, Jurisdiction, Law string
	TimeZone                    string // for the agency's today
}

// duePreview is the computed due date shown before a request is saved.
type duePreview struct {
	Law    string
	Due    deadline.Date
	NoDate bool // the law sets no fixed period
	Steps  []string
	Error  string
	Hint   string // what is missing for a preview
	// Receipt says when a request sent electronically counts as received,
	// where the law fixes it and the form says otherwise (Michigan), and
	// ReceiptOn is that day.
	Receipt   string
	ReceiptOn deadline.Date
}

type newRequestData struct {
	Agencies        []agencyOption
	DeliveryMethods []sunshine.DeliveryMethod
	Assignable      []*sunshine.User // active users: who the request can be assigned to as it is filed
	Form            *reqForm
	Preview         *duePreview
	// Reached are the statuses a request entered late may already have.
	Reached []sunshine.Status
	// From is the request this one is filled from (File it again), nil
	// for none.
	From *sunshine.Request
}

func (s *Server) handleNewRequestPage(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	today := s.orgToday(c)
	f := newReqForm("new", url.Values{"delivery_method": {string(sunshine.DeliveryEmail)},
		"sent_on": {today.String()}, "agency_id": {c.Query("agency_id")}})
	if from := c.Query("from"); from != "" {
		// Filed again: a request made every year, every quarter, from
		// the one before. Its words, agency, delivery and tags; not its
		// dates, tracking number or status, which are the new one's.
		r, err := s.store.FindRequestByID(ctxOf(c), from)
		if err != nil {
			s.fail(c, err)
			return
		}
		for k, v := range map[string]string{"title": r.Title, "description": r.Description, "agency_id": r.AgencyID,
			"delivery_method": string(r.DeliveryMethod), "tags": strings.Join(r.Tags, ", ")} {
			f.Values.Set(k, v)
		}
		c.Set(fromKey, r)
	}
	s.renderNewRequest(c, http.StatusOK, f)
}

// fromKey holds, on the new request page's context, the request it is
// filled from.
const fromKey = "sunshine.newFrom"

// allAgencies reads the organization's whole directory.
func (s *Server) allAgencies(ctx context.Context) ([]*sunshine.Agency, error) {
	return s.store.AllAgencies(ctx)
}

// activeUsers are the organization's people a request can be assigned to.
func (s *Server) activeUsers(ctx context.Context) ([]*sunshine.User, error) {
	users, err := s.store.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []*sunshine.User
	for _, u := range users {
		if u.Active {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) renderNewRequest(c *gin.Context, status int, f *reqForm) {
	ctx := ctxOf(c)
	d := newRequestData{DeliveryMethods: sunshine.DeliveryMethods, Form: f, Reached: sunshine.StatusSubmitted.Allowed()}
	var byID = map[string]agencyOption{}
	as, err := s.allAgencies(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, a := range as {
		o := agencyOption{ID: a.ID, Name: a.Name, Jurisdiction: a.Jurisdiction, Law: lawLabel(a.Jurisdiction), TimeZone: a.TimeZone}
		d.Agencies = append(d.Agencies, o)
		byID[a.ID] = o
	}
	if d.Assignable, err = s.activeUsers(ctx); err != nil {
		s.fail(c, err)
		return
	}
	a := byID[f.V("agency_id")]
	var closures []*sunshine.Closure
	if a.ID != "" {
		var err error
		if closures, err = s.store.FindClosures(ctx, a.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	d.Preview = previewDue(a, closures, f, s.store.Clock().Now())
	if from, ok := c.Get(fromKey); ok {
		d.From = from.(*sunshine.Request)
	} else if id := f.V("from"); id != "" {
		// The form shown again (a preview, a refused save) still says
		// where it was filled from; a request gone since says nothing.
		if r, err := s.store.FindRequestByID(ctx, id); err == nil {
			d.From = r
		}
	}
	s.render(c, status, "new_request", "New request", d)
}

// previewDue computes the due date the request would get, with the engine
// the store uses and the agency's closure days.
func previewDue(a agencyOption, closures []*sunshine.Closure, f *reqForm, now time.Time) *duePreview {
	p := &duePreview{}
	raw := strings.TrimSpace(f.V("received_on"))
	if j, err := deadline.Lookup(a.Jurisdiction); err == nil {
		p.Receipt, p.ReceiptOn = receiptNote(j, closures, f, deadline.Today(now, sunshine.Location(a.TimeZone)))
	}
	switch {
	case a.ID == "" && raw == "":
		p.Hint = "Choose an agency and enter the received date to see the due date."
		return p
	case a.ID == "":
		p.Hint = "Choose an agency to see the due date."
		return p
	case raw == "":
		p.Hint = "Enter the date the agency received the request to see the due date. Without one the request is saved as a draft: no due date and no reminders until it is submitted with that date."
		return p
	}
	received, err := deadline.ParseDate(raw)
	if err != nil {
		p.Hint = "Enter the received date as YYYY-MM-DD to see the due date."
		return p
	}
	j, err := deadline.Lookup(a.Jurisdiction)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	p.Law = j.Law + " (" + j.Citation + ")"
	// The days from receipt on, as the store counts them when filing.
	var opts deadline.Options
	for _, c := range closures {
		if !c.ClosedOn.Before(received) {
			opts.Closures = append(opts.Closures, c.Holiday())
		}
	}
	res, err := j.Compute(received, opts)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	p.Due, p.NoDate, p.Steps = res.Due, !j.HasDeadline(), explainSteps(res)
	return p
}

// electronicWords are the channels a law may count as electronic
// transmission, as the note names them.
var electronicWords = map[sunshine.DeliveryMethod]string{
	sunshine.DeliveryEmail: "by e-mail", sunshine.DeliveryFax: "by fax", sunshine.DeliveryPortal: "through a portal",
}

// receiptNote tells the requester the legal receipt date of a request sent
// electronically, where the law fixes it (decision A9: Michigan, 1 business
// day after transmission), unless the form already has that date.
func receiptNote(j *deadline.Jurisdiction, closures []*sunshine.Closure, f *reqForm, today deadline.Date) (string, deadline.Date) {
	how, electronic := electronicWords[sunshine.DeliveryMethod(f.V("delivery_method"))]
	sent, err := deadline.ParseDate(strings.TrimSpace(f.V("sent_on")))
	if !electronic || err != nil {
		return "", deadline.Date{}
	}
	var closed []deadline.Holiday
	for _, c := range closures {
		closed = append(closed, c.Holiday())
	}
	legal, ok, err := j.ElectronicReceiptOn(sent, closed...)
	if !ok || err != nil {
		return "", deadline.Date{}
	}
	received, err := deadline.ParseDate(strings.TrimSpace(f.V("received_on")))
	entered := err == nil
	if entered && received == legal {
		return "", deadline.Date{}
	}
	days := "1 business day"
	if j.ElectronicReceipt > 1 {
		days = fmt.Sprintf("%d business days", j.ElectronicReceipt)
	}
	const long = "Mon 2 Jan 2006"
	note := fmt.Sprintf("Under %s a request sent %s on %s counts as received %s later, on %s, unless it reached the agency later.",
		j.ElectronicReceiptCitation, how, sent.Format(long), days, legal.Format(long))
	switch {
	case legal.After(today.AddDays(1)):
		// A received date that far ahead cannot be saved yet.
		note += " That day has not come: save the request without a received date (a draft) and enter it then."
		return note, deadline.Date{}
	case entered && received.Before(legal):
		note += " The received date entered, " + received.Format(long) + ", is earlier: the due date below counts from it."
	case entered:
		note += " The received date entered is " + received.Format(long) + "."
	}
	return note, legal
}

func (s *Server) handleRequestCreate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("new", c.Request.PostForm)
	if c.PostForm("preview") != "" {
		s.renderNewRequest(c, http.StatusOK, f)
		return
	}
	r := &sunshine.Request{
		AgencyID:       strings.TrimSpace(f.V("agency_id")),
		Title:          f.V("title"),
		Description:    f.V("description"),
		DeliveryMethod: sunshine.DeliveryMethod(f.V("delivery_method")),
		TrackingNumber: strings.TrimSpace(f.V("tracking_number")),
	}
	r.SentOn = f.parseDateField("sent_on")
	r.ReceivedOn = f.parseDateField("received_on")
	r.Tags = splitTags(f.V("tags"))
	if id := strings.TrimSpace(f.V("assignee_id")); id != "" {
		r.AssigneeID = &id
	}
	if r.AgencyID == "" {
		f.Errors["agency_id"] = "choose the agency the request went to"
	}
	// A request entered after it moved on: the status it has reached.
	reached := sunshine.TransitionInput{To: sunshine.Status(f.V("status")), EffectiveOn: f.parseDateField("status_on")}
	if reached.To == "" && !reached.EffectiveOn.IsZero() {
		f.Errors["status_on"] = "goes with a status: choose the one the request has reached, or clear this date"
	}
	if f.HasErrors() {
		if err := r.Validate(); err != nil {
			f.fail(err)
		}
		s.renderNewRequest(c, http.StatusBadRequest, f)
		return
	}
	create := func() error { return s.store.CreateRequest(ctxOf(c), r) }
	if reached.To != "" {
		create = func() error { return s.store.CreateRequestAt(ctxOf(c), r, reached) }
	}
	if err := create(); err != nil {
		status := f.fail(err)
		if status == 0 {
			s.fail(c, err)
			return
		}
		s.renderNewRequest(c, status, f)
		return
	}
	if r.ReceivedOn.IsZero() {
		// The link opens the status form at the received date, with
		// submitted chosen: what the draft waits for.
		s.redirectBackLink(c, requestPath(r.ID), "Request saved as a draft, without a received date: it has no due date, "+
			"gets no reminders and is not on the dashboard until it is submitted.",
			&noteLink{Href: "#status-received-on", Text: "Enter the received date to submit it"})
		return
	}
	note := "Request saved."
	switch {
	case reached.To != "":
		note = "Request saved as " + strings.ReplaceAll(string(r.Status), "_", " ") + " since " + reached.EffectiveOn.Format("Mon 2 Jan 2006") + "."
	case !r.DueOn.IsZero():
		note = "Request saved: due " + r.DueOn.Format("Mon 2 Jan 2006") + "."
	}
	s.redirectBack(c, requestPath(r.ID), note)
}

// splitTags reads a tags field: tags separated by commas, blanks dropped.
func splitTags(raw string) []string {
	tags := []string{}
	for _, t := range strings.Split(raw, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}
