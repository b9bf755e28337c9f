package web

import (
	"context"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// requestsPageSize is how many requests one page of the Requests page lists.
const requestsPageSize = 50

// listFilter is the Requests page's filter form. The CSV export takes the
// same query parameters, so a page's export link keeps its filters.
type listFilter struct {
	AssigneeID   string // a user's ID, or unassigned ("none")
	AgencyID     string
	Jurisdiction string // a law's code
	Status       string // a status, "open" (the default), "closed" or "any"
	Tag          string
	Q            string // words in the title or description
	GroupID      string // the requests filed together (Request.GroupID)
}

// unassigned is the assignee filter's value for the requests no one is
// assigned to, as in the API (assignee_id=none).
const unassigned = "none"

// defaultListFilter is what the Requests page shows unasked: the open
// requests (closed ones, with their past due dates, would come first).
var defaultListFilter = listFilter{Status: "open"}

// listParams are the query parameters the Requests page and its export
// take; any other is refused rather than silently ignored (an API filter
// such as overdue=true would otherwise export every request).
var listParams = []string{"assignee_id", "agency_id", "jurisdiction", "status", "tag", "q", "group_id", "cursor"}

// parseListFilter reads the filters from the query string. Every bad value
// is a field error, all of them at once, so the form can mark each.
func parseListFilter(c *gin.Context) (listFilter, error) {
	f := listFilter{
		AssigneeID:   strings.TrimSpace(c.Query("assignee_id")),
		AgencyID:     strings.TrimSpace(c.Query("agency_id")),
		Jurisdiction: strings.TrimSpace(c.Query("jurisdiction")),
		Status:       strings.TrimSpace(c.Query("status")),
		Tag:          strings.TrimSpace(c.Query("tag")),
		Q:            strings.TrimSpace(c.Query("q")),
		GroupID:      strings.TrimSpace(c.Query("group_id")),
	}
	if f.Status == "" {
		f.Status = defaultListFilter.Status
	}
	var errs []sunshine.FieldError
	bad := func(field, msg string) { errs = append(errs, sunshine.FieldError{Field: field, Message: msg}) }
	if unknown := unknownParams(c, listParams); unknown != "" {
		bad("_", unknown+" is not a filter of this list; use the form's filters (status, agency, law, assignee, tag, words)")
	}
	switch f.Status {
	case "any", "open", "closed":
	default:
		if !sunshine.Status(f.Status).Valid() {
			bad("status", "unknown status "+quote(f.Status)+"; choose one from the list")
		}
	}
	if f.AgencyID != "" && !validID(f.AgencyID) {
		bad("agency_id", quote(f.AgencyID)+" is not an agency's ID; choose an agency from the list")
	}
	if f.GroupID != "" && !validID(f.GroupID) {
		bad("_", "group_id "+quote(f.GroupID)+" is not a request's ID; follow the link on a request's page")
	}
	if f.Jurisdiction != "" {
		if _, err := deadline.Lookup(f.Jurisdiction); err != nil {
			bad("jurisdiction", "unknown law "+quote(f.Jurisdiction)+"; choose a law from the list")
		}
	}
	if f.AssigneeID != "" && f.AssigneeID != unassigned && !validID(f.AssigneeID) {
		bad("assignee_id", quote(f.AssigneeID)+" is not a person's ID; choose a person, or Unassigned, from the list")
	}
	if utf8.RuneCountInString(f.Q) > 500 { // (readInput refused what is not text)
		bad("q", "must be at most 500 characters")
	}
	if len(errs) == 0 {
		return f, nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Field + ": " + e.Message
		if e.Field == "_" { // no field of the form: the message alone
			msgs[i] = e.Message
		}
	}
	return f, &sunshine.Error{Code: sunshine.EInvalid, Message: strings.Join(msgs, "; "), Fields: errs}
}

// unknownParams names the query parameters that are not among allowed,
// quoted and separated by commas, in order; "" when there is none. A page
// refuses them rather than silently ignore a filter it does not take.
func unknownParams(c *gin.Context, allowed []string) string {
	var unknown []string
	for _, k := range slices.Sorted(maps.Keys(c.Request.URL.Query())) {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, quote(k))
		}
	}
	return strings.Join(unknown, ", ")
}

func validID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

// quote puts a typed value in quotes for a message, cut if long.
func quote(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return "“" + s + "”"
}

// request is the store filter for one page.
func (f listFilter) request(limit int) sunshine.RequestFilter {
	rf := sunshine.RequestFilter{AgencyID: f.AgencyID, AssigneeID: f.AssigneeID, Tag: f.Tag, Q: f.Q, GroupID: f.GroupID, Limit: limit}
	if f.AssigneeID == unassigned {
		rf.AssigneeID, rf.Unassigned = "", true
	}
	if f.Jurisdiction != "" {
		rf.Jurisdictions = []string{f.Jurisdiction}
	}
	rf.Statuses, _ = statusesFor(f.Status) // checked by parseListFilter
	return rf
}

// statusesFor reads a status filter's value: "" or "any" any, "open" or
// "closed" every open or closed status, else that one status; ok is false
// for an unknown one.
func statusesFor(v string) (statuses []sunshine.Status, ok bool) {
	switch v {
	case "", "any":
		return nil, true
	case "open":
		return sunshine.OpenStatuses, true
	case "closed":
		return sunshine.ClosedStatuses, true
	}
	st := sunshine.Status(v)
	return []sunshine.Status{st}, st.Valid()
}

// values is the filter as query parameters, for links that keep it; the
// default status goes without saying.
func (f listFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"assignee_id": f.AssigneeID, "agency_id": f.AgencyID, "jurisdiction": f.Jurisdiction,
		"status": f.Status, "tag": f.Tag, "q": f.Q, "group_id": f.GroupID} {
		if s != "" && !(k == "status" && s == defaultListFilter.Status) {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter differs from the default.
func (f listFilter) Active() bool { return f != defaultListFilter }

// link is path with the filter and extra parameters.
func (f listFilter) link(path string, extra ...string) string {
	v := f.values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type statusGroup struct {
	Label   string
	Options []dashOption
}

type requestListData struct {
	Note         string // what was just done (an import)
	Filter       listFilter
	Errors       map[string]string // by field; "cursor" and "_" belong to no field of the form
	Assignees    []dashOption
	Agencies     []dashOption
	Laws         []dashOption
	StatusGroups []statusGroup
	Rows         []*sunshine.Request
	Later        bool   // a page after the first
	Next         string // link to the next page, if any
	First        string // link to the first page with the same filters
	ExportURL    string
	// AnyStatus is this list with closed requests too, offered when the
	// open ones (the default) have no match: a denied request to appeal
	// must not look as if it did not exist.
	AnyStatus string
	// SearchURL is the full search for the list's words, offered when
	// nothing matches them: this list looks only at titles, descriptions
	// and tracking numbers, search at correspondence and documents too.
	SearchURL string
	// WithoutGroup is this list of every request, not only one group's.
	WithoutGroup string
	CanWrite     bool
	// Bulk is the form that changes the requests ticked in the list (for
	// staff and admins), refused or fresh; BulkAction posts it with the
	// list's own filters, so the list comes back as it was.
	Bulk       *reqForm
	BulkAction string
	Assignable []dashOption      // its assignee choices: the active users
	Closing    []sunshine.Status // its closed statuses to choose from
	// FollowUpEvery are the automatic follow-ups' periods offered, in days.
	FollowUpEvery []string
}

// Selected marks a row's checkbox ticked when the bulk form came back
// refused, so the selection is not lost.
func (d *requestListData) Selected(id string) template.HTMLAttr {
	if d.Bulk != nil {
		return d.Bulk.Has("id", id)
	}
	return ""
}

// handleRequestList is GET /requests: every request of the organization,
// filtered, by due date (no date last), a page at a time.
func (s *Server) handleRequestList(c *gin.Context) {
	s.showRequestList(c, http.StatusOK, nil)
}

// showRequestList renders the list its URL's query asks for, with the
// bulk form as it came back (nil: a fresh one) answered with status.
func (s *Server) showRequestList(c *gin.Context, status int, bulk *reqForm) {
	ctx := ctxOf(c)
	f, err := parseListFilter(c)
	cursor := c.Query("cursor")
	d := &requestListData{Note: s.takeNote(c), Filter: f, Later: cursor != "", First: f.link("/requests"), ExportURL: f.link("/export/requests.csv")}
	if f.GroupID != "" {
		all := f
		all.GroupID = ""
		d.WithoutGroup = all.link("/requests")
	}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if d.CanWrite {
		d.Bulk, d.BulkAction, d.Closing, d.FollowUpEvery = bulk, "/requests/bulk", sunshine.ClosedStatuses, autoFollowUpDays
		if d.Bulk == nil {
			d.Bulk = newReqForm("bulk", url.Values{"every_days": {"14"}})
		}
		if q := c.Request.URL.RawQuery; q != "" {
			d.BulkAction += "?" + q
		}
	}
	if err == nil {
		rf := f.request(requestsPageSize)
		rf.After = cursor
		var next string
		d.Rows, next, err = s.store.FindRequests(ctx, rf)
		if next != "" {
			d.Next = f.link("/requests", "cursor", next)
		}
		if err == nil && len(d.Rows) == 0 && cursor == "" && f.Status == "open" {
			err = s.offerClosed(ctx, f, d)
		}
		if len(d.Rows) == 0 && cursor == "" && f.Q != "" {
			d.SearchURL = "/search?" + url.Values{"q": {f.Q}}.Encode()
		}
	}
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EInvalid {
			s.fail(c, err)
			return
		}
		status, d.Errors, d.Rows, d.Next = http.StatusBadRequest, fieldErrors(err), nil, ""
	}

	users, assignees, agencies, err := s.filterOptions(ctx, f.AssigneeID, f.AgencyID)
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Assignees, d.Agencies = assignees, agencies
	if d.CanWrite {
		d.Assignable = assignable(users, d.Bulk.V("assignee_id"))
	}
	if d.Laws, err = s.lawOptions(ctx, f.Jurisdiction); err != nil {
		s.fail(c, err)
		return
	}
	for _, g := range []struct {
		label, any, anyLabel string
		statuses             []sunshine.Status
	}{
		{"Open", "open", "any open status", sunshine.OpenStatuses},
		{"Closed", "closed", "any closed status", sunshine.ClosedStatuses},
	} {
		sg := statusGroup{Label: g.label, Options: []dashOption{{g.any, g.anyLabel, f.Status == g.any}}}
		for _, st := range g.statuses {
			sg.Options = append(sg.Options, dashOption{string(st), strings.ReplaceAll(string(st), "_", " "), string(st) == f.Status})
		}
		d.StatusGroups = append(d.StatusGroups, sg)
	}
	s.render(c, status, "requests", "Requests", d)
}

// lawOptions are the Law filter's choices: the laws the organization's
// agencies and requests are under (every supported law would mostly match
// nothing), by name, with the chosen one selected; a chosen law none of
// them is under is kept, so the form shows what was asked (an unknown one
// is not: it is refused).
func (s *Server) lawOptions(ctx context.Context, chosen string) ([]dashOption, error) {
	codes, err := s.store.FindJurisdictionsInUse(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := deadline.Lookup(chosen); err == nil && !slices.Contains(codes, chosen) {
		codes = append(codes, chosen)
	}
	var out []dashOption
	for _, code := range codes {
		out = append(out, dashOption{code, lawLabel(code), code == chosen})
	}
	slices.SortFunc(out, func(a, b dashOption) int { return strings.Compare(a.Label, b.Label) })
	return out, nil
}

// lawLabel names a law the same way wherever a page lists laws: its
// region, then its short name ("California: CPRA"); an unknown code as is.
func lawLabel(code string) string {
	if j, err := deadline.Lookup(code); err == nil {
		return j.Region + ": " + j.ShortName
	}
	return code
}

// offerClosed sets d.AnyStatus when no open request matches f but a closed
// one does.
func (s *Server) offerClosed(ctx context.Context, f listFilter, d *requestListData) error {
	closed := f
	closed.Status = "closed"
	rs, _, err := s.store.FindRequests(ctx, closed.request(1))
	if err != nil || len(rs) == 0 {
		return err
	}
	closed.Status = "any"
	d.AnyStatus = closed.link("/requests")
	return nil
}
