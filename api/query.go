package api

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// query reads a list's query parameters strictly: an unknown, repeated or
// empty parameter is an error naming it, so a typo never silently widens a
// list.
type query struct {
	c    *gin.Context
	errs fieldErrors
	// empty names the parameters given with an empty value: their one
	// error is that, whatever else a handler would say of them.
	empty map[string]bool
}

const emptyParam = "must not be empty: give a value or leave the parameter out"

func newQuery(c *gin.Context, allowed ...string) *query {
	q := &query{c: c}
	names := make([]string, 0, len(c.Request.URL.Query()))
	for k := range c.Request.URL.Query() {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !slices.Contains(allowed, k):
			q.errs.add(k, "is not a known query parameter")
		case slices.Contains(c.Request.URL.Query()[k], ""):
			// status=, assignee_id=: ignoring it would widen the list.
			q.errs.add(k, emptyParam)
			if q.empty == nil {
				q.empty = map[string]bool{}
			}
			q.empty[k] = true
		case slices.ContainsFunc(c.Request.URL.Query()[k], notText):
			q.errs.add(k, "must be UTF-8 text without NUL characters")
		}
	}
	return q
}

// one returns a single-valued parameter.
func (q *query) one(name string) string {
	vs := q.c.QueryArray(name)
	if len(vs) > 1 {
		q.errs.add(name, "must be given once")
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func (q *query) date(name string) deadline.Date {
	v := q.one(name)
	return q.errs.date(name, &v)
}

func (q *query) id(name string) string {
	v := q.one(name)
	q.errs.uuid(name, &v)
	return v
}

func (q *query) boolean(name string) bool {
	switch v := q.one(name); v {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.errs.add(name, "must be true or false")
	return false
}

func (q *query) limit() int {
	v := q.one("limit")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		q.errs.add("limit", "must be a whole number from 1 to 200")
	}
	return n
}

func (q *query) statuses(name string) []sunshine.Status {
	var out []sunshine.Status
	for _, v := range q.c.QueryArray(name) {
		if v == "" {
			continue // refused by newQuery
		}
		st := sunshine.Status(v)
		if !st.Valid() {
			q.errs.add(name, "unknown status %q", v)
			continue
		}
		out = append(out, st)
	}
	return out
}

// assignee reads assignee_id: a user's ID, or none for the requests no one
// is assigned to (a query string has no null, and an empty value is
// refused: it would widen the list).
func (q *query) assignee(name string) (id string, unassigned bool) {
	v := q.one(name)
	switch {
	case v == "none":
		return "", true
	case v != "" && !validID(v):
		q.errs.add(name, "must be a user's ID (a UUID), or none for the requests no one is assigned to")
	}
	return v, false
}

// jurisdictions reads a repeatable law filter: codes of GET /api/v1/jurisdictions.
func (q *query) jurisdictions(name string) []string {
	var out []string
	for _, v := range q.c.QueryArray(name) {
		if v == "" {
			continue // refused by newQuery
		}
		if _, err := deadline.Lookup(v); err != nil {
			q.errs.add(name, "unknown jurisdiction %q: one of %s (GET /api/v1/jurisdictions describes each law)",
				v, strings.Join(deadline.Codes(), ", "))
			continue
		}
		out = append(out, v)
	}
	return out
}

// requestFilterParams are the filters of GET /requests and GET /requests.csv.
var requestFilterParams = []string{"status", "agency_id", "assignee_id", "jurisdiction", "tag", "due_before", "due_after", "overdue", "q", "external_id", "group_id"}

// requestFilter reads requestFilterParams.
func (q *query) requestFilter() sunshine.RequestFilter {
	f := sunshine.RequestFilter{
		Statuses: q.statuses("status"), AgencyID: q.id("agency_id"), Jurisdictions: q.jurisdictions("jurisdiction"),
		Tag: q.one("tag"), DueBefore: q.date("due_before"), DueAfter: q.date("due_after"), Overdue: q.boolean("overdue"),
		Q: q.one("q"), ExternalID: q.one("external_id"), GroupID: q.id("group_id"),
	}
	f.AssigneeID, f.Unassigned = q.assignee("assignee_id")
	return f
}

// err is every error found, an empty parameter's alone for it (not also
// "is required" or "must be true or false").
func (q *query) err() error {
	var fe fieldErrors
	for _, e := range q.errs {
		if !q.empty[e.Field] || e.Message == emptyParam {
			fe = append(fe, e)
		}
	}
	return fe.err()
}

func notText(s string) bool { return !sunshine.StorableText(s) }
