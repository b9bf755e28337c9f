package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// deadlineJSON is a request's deadline and why.
type deadlineJSON struct {
	DueOn          deadline.Date `json:"due_on"`
	CustomDueOn    deadline.Date `json:"custom_due_on"`
	EffectiveDueOn deadline.Date `json:"effective_due_on"`
	// FollowOn is the date to follow, as the pages, the calendar feed and
	// the CSV have it (Request.FollowOn).
	FollowOn deadline.Date `json:"follow_on"`
	Extended bool          `json:"extended"`
	Paused   bool          `json:"paused"`
	// RemainingDays counts the days left to run when the clock resumes.
	RemainingDays *int     `json:"remaining_days"`
	Law           lawJSON  `json:"law"`
	Steps         []string `json:"steps"`
}

type pauseJSON struct {
	From deadline.Date `json:"from"`
	To   deadline.Date `json:"to"`
}

type requestJSON struct {
	ID                  string          `json:"id"`
	AgencyID            string          `json:"agency_id"`
	AgencyName          string          `json:"agency_name"`
	Title               string          `json:"title"`
	Description         string          `json:"description"`
	DeliveryMethod      string          `json:"delivery_method"`
	Status              sunshine.Status `json:"status"`
	Jurisdiction        string          `json:"jurisdiction"`
	TimeZone            string          `json:"time_zone"`
	SentOn              deadline.Date   `json:"sent_on"`
	ReceivedOn          deadline.Date   `json:"received_on"`
	DueOn               deadline.Date   `json:"due_on"`
	Overdue             bool            `json:"overdue"`
	DaysUntilDue        *int            `json:"days_until_due"`
	ExtensionInvokedOn  deadline.Date   `json:"extension_invoked_on"`
	CustomDueOn         deadline.Date   `json:"custom_due_on"`
	CustomDueReason     string          `json:"custom_due_reason"`
	AgencyEstimatedOn   deadline.Date   `json:"agency_estimated_on"`
	AcknowledgedOn      deadline.Date   `json:"acknowledged_on"`
	TrackingNumber      string          `json:"tracking_number"`
	ExternalID          *string         `json:"external_id"`
	GroupID             *string         `json:"group_id"`
	ReplyAddress        string          `json:"reply_address"`
	AssigneeID          *string         `json:"assignee_id"`
	Tags                []string        `json:"tags"`
	Pauses              []pauseJSON     `json:"pauses"`
	ClosedOn            deadline.Date   `json:"closed_on"`
	LastCommunicationOn deadline.Date   `json:"last_communication_on"`
	Deadline            deadlineJSON    `json:"deadline"`
	CreatedBy           *string         `json:"created_by"`
	CreatedAt           time.Time       `json:"created_at"`
	UpdatedAt           time.Time       `json:"updated_at"`
	Version             int             `json:"version"`
}

// requestOut renders a request with its deadline explained and its place
// relative to today in the agency's time zone.
func (s *Server) requestOut(r *sunshine.Request) requestJSON {
	return s.requestOutAt(r, s.store.Clock().Now())
}

// requestOutAt is requestOut as of now: an archive's requests all as of
// the moment it began.
func (s *Server) requestOutAt(r *sunshine.Request, now time.Time) requestJSON {
	today := r.Today(now)
	out := requestJSON{ID: r.ID, AgencyID: r.AgencyID, AgencyName: r.AgencyName, Title: r.Title, Description: r.Description,
		DeliveryMethod: string(r.DeliveryMethod), Status: r.Status, Jurisdiction: r.Jurisdiction, TimeZone: r.TimeZone,
		SentOn: r.SentOn, ReceivedOn: r.ReceivedOn, DueOn: r.DueOn, Overdue: r.Overdue(today),
		ExtensionInvokedOn: r.ExtensionInvokedOn, CustomDueOn: r.CustomDueOn, CustomDueReason: r.CustomDueReason,
		AgencyEstimatedOn: r.AgencyEstimatedOn, AcknowledgedOn: r.AcknowledgedOn, TrackingNumber: r.TrackingNumber, AssigneeID: r.AssigneeID,
		Tags: r.Tags, Pauses: []pauseJSON{}, ClosedOn: r.ClosedOn, LastCommunicationOn: r.LastCommunicationOn, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Version: r.Version, ExternalID: r.ExternalID, GroupID: r.GroupID,
		ReplyAddress: sunshine.ReplyAddress(s.cfg.InboundDomain, r.ReplyToken)}
	for _, p := range r.Pauses {
		out.Pauses = append(out.Pauses, pauseJSON{From: p.From, To: p.To})
	}
	if due := r.EffectiveDueOn(); !due.IsZero() && r.Status.Open() && !r.DueSuperseded() {
		n := today.DaysUntil(due)
		out.DaysUntilDue = &n
	}
	dl := deadlineJSON{DueOn: r.DueOn, CustomDueOn: r.CustomDueOn, EffectiveDueOn: r.EffectiveDueOn(),
		FollowOn: r.FollowOn(), Extended: r.Extended, Steps: []string{}}
	if j, err := deadline.Lookup(r.Jurisdiction); err == nil {
		dl.Law = lawOf(j)
	}
	if res, ok, err := r.Deadline(); ok {
		dl.Paused, dl.Steps = res.Paused, res.Explain()
		if res.Paused {
			dl.RemainingDays = &res.Remaining
		}
	} else if err != nil {
		dl.Steps = []string{"The deadline cannot be computed: " + err.Error()}
	}
	out.Deadline = dl
	return out
}

type createRequestInput struct {
	AgencyID       *string   `json:"agency_id"`
	Title          *string   `json:"title"`
	Description    *string   `json:"description"`
	DeliveryMethod *string   `json:"delivery_method"`
	SentOn         *string   `json:"sent_on"`
	ReceivedOn     *string   `json:"received_on"`
	TrackingNumber *string   `json:"tracking_number"`
	ExternalID     *string   `json:"external_id"`
	AssigneeID     *string   `json:"assignee_id"`
	Tags           *[]string `json:"tags"`
	// An import's: the status the request has reached, and since when.
	Status   *string `json:"status"`
	StatusOn *string `json:"status_on"`
}

// statusAt is the status a created request is to reach at once (an
// import's), or nil for the one its receipt date gives it.
func (in createRequestInput) statusAt(r *sunshine.Request) (*sunshine.TransitionInput, error) {
	var fe fieldErrors
	on := fe.date("status_on", in.StatusOn)
	if err := fe.err(); err != nil {
		return nil, err
	}
	return sunshine.StatusReached(deref(in.Status), r.ReceivedOn, on)
}

func (in createRequestInput) request() (*sunshine.Request, error) {
	var fe fieldErrors
	r := &sunshine.Request{}
	if in.AgencyID == nil || *in.AgencyID == "" {
		fe.add("agency_id", "is required")
	} else {
		fe.uuid("agency_id", in.AgencyID)
		r.AgencyID = *in.AgencyID
	}
	if in.Title == nil {
		fe.add("title", "is required")
	} else {
		r.Title = *in.Title
	}
	if in.DeliveryMethod == nil {
		fe.add("delivery_method", "is required: email, portal, mail, fax, in_person or other")
	} else {
		r.DeliveryMethod = sunshine.DeliveryMethod(*in.DeliveryMethod)
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.TrackingNumber != nil {
		r.TrackingNumber = *in.TrackingNumber
	}
	r.ExternalID = in.ExternalID // null and "" are none
	fe.uuid("assignee_id", in.AssigneeID)
	if in.AssigneeID != nil && *in.AssigneeID != "" {
		r.AssigneeID = in.AssigneeID
	}
	if in.Tags != nil {
		r.Tags = *in.Tags
	}
	r.SentOn = fe.date("sent_on", in.SentOn)
	r.ReceivedOn = fe.date("received_on", in.ReceivedOn)
	verr := r.Validate()
	if len(fe) > 0 { // shape errors, and the domain's on the other fields
		return nil, fe.also(verr)
	}
	return r, verr
}

func (s *Server) handleRequestCreate(c *gin.Context) {
	var in createRequestInput
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	r, err := in.request()
	if err != nil {
		fail(c, err)
		return
	}
	to, err := in.statusAt(r)
	if err != nil {
		fail(c, err)
		return
	}
	if to != nil {
		err = s.store.CreateRequestAt(c.Request.Context(), r, *to)
	} else {
		err = s.store.CreateRequest(c.Request.Context(), r)
	}
	if err != nil {
		fail(c, err)
		return
	}
	// CreateRequest filled in every field a GET reads (a new request has no
	// communications; CreateRequestAt's move leaves r as it saved it), so
	// the response needs no second read.
	c.Header("ETag", etag(r))
	created(c, "/api/v1/requests/"+r.ID, s.requestOut(r))
}

func (s *Server) respondRequest(c *gin.Context, status int, id string) {
	r, err := s.store.FindRequestByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(r))
	c.JSON(status, s.requestOut(r))
}

func (s *Server) handleRequestList(c *gin.Context) {
	q := newQuery(c, slices.Concat(requestFilterParams, []string{"cursor", "limit"})...)
	f := q.requestFilter()
	f.After, f.Limit = q.one("cursor"), q.limit()
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	rs, next, err := s.store.FindRequests(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]requestJSON, len(rs))
	for i, r := range rs {
		items[i] = s.requestOut(r)
	}
	c.JSON(http.StatusOK, newPage(items, next))
}

func (s *Server) handleRequestGet(c *gin.Context) {
	s.respondRequest(c, http.StatusOK, c.Param("id"))
}

// optional is a PATCH field that can be absent, null (clear it) or a value.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
	err   error // a value of the wrong type, reported by given
}

// UnmarshalJSON keeps a type error for given to report: returned from
// here it would lose its field's name (encoding/json does not add it).
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	if err := json.Unmarshal(b, &o.Value); err != nil {
		o.err = err
	}
	return nil
}

// set is the field's value when it was sent with one: nil when absent or
// of the wrong type (reported by given), and a "cannot be null" error for
// null, which would otherwise read as absent and change nothing silently.
func set[T any](fe *fieldErrors, name string, o optional[T]) *T {
	switch {
	case !o.given(fe, name):
		return nil
	case o.Null:
		fe.add(name, "cannot be null")
		return nil
	}
	return &o.Value
}

// given reports whether the field was sent with a usable value (null
// included); a value of the wrong type is a field error named for it.
// typeErrors adds the field's type error, if any, to fe (allJSONErrors
// reports it with the body's other unreadable fields).
func (o optional[T]) typeErrors(fe *fieldErrors, name string) {
	if o.err != nil {
		o.given(fe, name)
	}
}

func (o optional[T]) given(fe *fieldErrors, name string) bool {
	if o.err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(o.err, &typ) {
			fe.add(jsonPath(name, typ.Field), "must be %s", jsonKind(typ.Type.Kind().String()))
		} else {
			fe.add(name, "is not valid JSON for this field")
		}
		return false
	}
	return o.Set
}

type updateRequestInput struct {
	Title             optional[string]   `json:"title"`
	Description       optional[string]   `json:"description"`
	TrackingNumber    optional[string]   `json:"tracking_number"`
	ExternalID        optional[string]   `json:"external_id"`
	AssigneeID        optional[string]   `json:"assignee_id"`
	Tags              optional[[]string] `json:"tags"`
	AgencyEstimatedOn optional[string]   `json:"agency_estimated_on"`
	SentOn            optional[string]   `json:"sent_on"`
	ReceivedOn        optional[string]   `json:"received_on"`
	AssignmentNote    optional[string]   `json:"assignment_note"`
}

func (in updateRequestInput) update() (sunshine.RequestUpdate, error) {
	var fe fieldErrors
	var u sunshine.RequestUpdate
	str := func(name string, o optional[string]) *string { return set(&fe, name, o) }
	u.Title = str("title", in.Title)
	u.Description = str("description", in.Description)
	u.TrackingNumber = str("tracking_number", in.TrackingNumber)
	if in.ExternalID.given(&fe, "external_id") {
		v := in.ExternalID.Value // null clears, as "" does
		u.ExternalID = &v
	}
	if in.AssigneeID.given(&fe, "assignee_id") {
		v := in.AssigneeID.Value // null clears: ""
		fe.uuid("assignee_id", &v)
		u.AssigneeID = &v
	}
	if in.Tags.given(&fe, "tags") {
		tags := in.Tags.Value
		if tags == nil {
			tags = []string{}
		}
		u.Tags = &tags
	}
	if in.AgencyEstimatedOn.given(&fe, "agency_estimated_on") {
		v := in.AgencyEstimatedOn.Value
		d := fe.date("agency_estimated_on", &v)
		u.AgencyEstimatedOn = &d
	}
	date := func(name string, o optional[string]) *deadline.Date {
		if v := str(name, o); v != nil {
			d := fe.date(name, v)
			return &d
		}
		return nil
	}
	u.SentOn = date("sent_on", in.SentOn)
	u.ReceivedOn = date("received_on", in.ReceivedOn)
	if v := str("assignment_note", in.AssignmentNote); v != nil {
		u.AssignmentNote = strings.TrimSpace(*v)
	}
	return u, fe.err()
}

// changeRequest decodes a body into In, lets change turn it into a store
// call on the request in the path, and answers with the changed request.
func changeRequest[In any](s *Server, c *gin.Context, change func(ctx context.Context, id string, in In) (*sunshine.Request, error)) {
	var in In
	if err := decodeJSON(c, &in); err != nil {
		fail(c, err)
		return
	}
	ctx, err := ifMatch(c, "request")
	if err != nil {
		fail(c, err)
		return
	}
	r, err := change(ctx, c.Param("id"), in)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("ETag", etag(r))
	c.JSON(http.StatusOK, s.requestOut(r))
}

// ifMatch returns the request's context, carrying the version an If-Match
// header names for the store to hold the change to (RFC 9110 13.1.1).
// "*" matches any current version: the change proceeds. A well-formed
// entity tag that names no current version (a stale "v2", "v0", a weak or
// foreign tag: If-Match compares strongly, and ours are all "v<N>") is a
// 412; only a header that is no entity tag is a 400. what names the
// resource ("request", "communication", "agency") in the messages.
func ifMatch(c *gin.Context, what string) (context.Context, error) {
	ctx := c.Request.Context()
	hs := c.Request.Header.Values("If-Match")
	if len(hs) == 0 {
		return ctx, nil
	}
	h := strings.TrimSpace(strings.Join(hs, ","))
	if h == "*" {
		return ctx, nil
	}
	weak, tag, ok := parseEntityTag(h)
	if !ok {
		return nil, sunshine.Errorf(sunshine.EInvalid,
			"If-Match must be one ETag a GET of the %s returned, such as \"v3\", or *", what)
	}
	v, ours := tagVersion(tag)
	if weak || !ours {
		return nil, sunshine.Errorf(sunshine.EPrecondition,
			"If-Match names no version of this %s (its ETags are strong, such as \"v3\"); read it again and reapply your change", what)
	}
	return store.WithIfMatch(ctx, v), nil
}

// etag is a request's version as an entity tag.
func etag(r *sunshine.Request) string { return versionTag(r.Version) }

// versionTag is a version as an entity tag: "v3".
func versionTag(v int) string { return `"v` + strconv.Itoa(v) + `"` }

// parseEntityTag parses one entity-tag (RFC 9110 8.8.3): [W/] DQUOTE
// *etagc DQUOTE, returning whether it is weak and its opaque tag.
func parseEntityTag(h string) (weak bool, tag string, ok bool) {
	if rest, found := strings.CutPrefix(h, "W/"); found {
		weak, h = true, rest
	}
	if len(h) < 2 || h[0] != '"' || h[len(h)-1] != '"' {
		return false, "", false
	}
	tag = h[1 : len(h)-1]
	for i := 0; i < len(tag); i++ {
		if b := tag[i]; b < 0x21 || b == '"' || b == 0x7f {
			return false, "", false
		}
	}
	return weak, tag, true
}

// tagVersion reads an opaque tag of ours, v<N> as versionTag writes it.
func tagVersion(tag string) (int, bool) {
	digits, ok := strings.CutPrefix(tag, "v")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(digits)
	return v, err == nil && v >= 0 && strconv.Itoa(v) == digits
}

func (s *Server) handleRequestUpdate(c *gin.Context) {
	changeRequest(s, c, func(ctx context.Context, id string, in updateRequestInput) (*sunshine.Request, error) {
		upd, err := in.update()
		if err != nil {
			return nil, err
		}
		return s.store.UpdateRequest(ctx, id, upd)
	})
}

type transitionInput struct {
	To          *string `json:"to"`
	EffectiveOn *string `json:"effective_on"`
	Note        *string `json:"note"`
	ReceivedOn  *string `json:"received_on"`
}

func (in transitionInput) transition() (sunshine.TransitionInput, error) {
	var fe fieldErrors
	t := sunshine.TransitionInput{EffectiveOn: fe.date("effective_on", in.EffectiveOn), ReceivedOn: fe.date("received_on", in.ReceivedOn)}
	if in.To == nil {
		fe.add("to", "is required: the status to move to")
	} else {
		t.To = sunshine.Status(*in.To)
	}
	if in.Note != nil {
		if len(*in.Note) > 5000 {
			fe.add("note", "must be at most 5000 characters")
		}
		t.Note = *in.Note
	}
	return t, fe.err()
}

func (s *Server) handleRequestTransition(c *gin.Context) {
	changeRequest(s, c, func(ctx context.Context, id string, in transitionInput) (*sunshine.Request, error) {
		t, err := in.transition()
		if err != nil {
			return nil, err
		}
		return s.store.TransitionRequest(ctx, id, t)
	})
}

type extensionInput struct {
	InvokedOn *string `json:"invoked_on"`
	Reason    *string `json:"reason"`
}

func (s *Server) handleRequestExtension(c *gin.Context) {
	changeRequest(s, c, func(ctx context.Context, id string, in extensionInput) (*sunshine.Request, error) {
		var fe fieldErrors
		on := fe.date("invoked_on", in.InvokedOn)
		if err := fe.err(); err != nil {
			return nil, err
		}
		return s.store.ExtendRequest(ctx, id, on, deref(in.Reason))
	})
}

// handleRequestUndoExtension takes back an extension recorded by mistake
// (DELETE: the request is no longer extended). A body is optional: a
// reason for the timeline.
func (s *Server) handleRequestUndoExtension(c *gin.Context) {
	emptyBodyAsObject(c)
	changeRequest(s, c, func(ctx context.Context, id string, in struct {
		Reason *string `json:"reason"`
	}) (*sunshine.Request, error) {
		return s.store.UndoExtension(ctx, id, deref(in.Reason))
	})
}

type customDueInput struct {
	Date   optional[string] `json:"date"`
	Reason *string          `json:"reason"`
}

func (s *Server) handleRequestCustomDue(c *gin.Context) {
	changeRequest(s, c, func(ctx context.Context, id string, in customDueInput) (*sunshine.Request, error) {
		var fe fieldErrors
		if !in.Date.given(&fe, "date") && in.Date.err == nil {
			fe.add("date", "is required: a date YYYY-MM-DD, or null to clear it")
		}
		on := fe.date("date", &in.Date.Value)
		if err := fe.err(); err != nil {
			return nil, err
		}
		return s.store.SetCustomDueOn(ctx, id, on, deref(in.Reason))
	})
}

// emptyBodyAsObject reads a request without a body, where the body is
// optional (a DELETE with an optional reason), as an empty JSON object:
// one that says it has none, and one sent in chunks (HTTP/2, a client
// that streams) that turns out to be empty. A body too large or unreadable
// is left for decodeJSON to refuse.
func emptyBodyAsObject(c *gin.Context) {
	empty := c.Request.ContentLength == 0
	if c.Request.ContentLength < 0 && c.Request.Body != nil {
		b, err := io.ReadAll(c.Request.Body)
		c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
		empty = err == nil && len(bytes.TrimSpace(b)) == 0
	}
	if empty {
		c.Request.Body = io.NopCloser(strings.NewReader("{}"))
		c.Request.Header.Set("Content-Type", "application/json")
	}
}

// errReader answers every read with its error (nil: end of input), so a
// body read ahead keeps the error it ended with.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err == nil {
		return 0, io.EOF
	}
	return 0, r.err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Server) handleRequestEvents(c *gin.Context) { requestPage(c, s.store.FindEvents) }
