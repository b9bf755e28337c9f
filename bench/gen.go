package main

// The data generator: every row is a pure function of (seed, table, index),
// so a seed reproduces the same database, and a request's communications
// can be generated without keeping the requests in memory.

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// Table tags, for IDs and per-row random streams.
const (
	tOrg uint64 = iota + 1
	tUser
	tAgency
	tRequest
	tPause
	tComm
	tDoc
	tBlob
	tToken
)

const (
	usersPerOrg = 7  // 0 admin, 1-5 staff, 6 viewer
	agencySlots = 2  // agencies per jurisdiction per organization
	commSlots   = 16 // communication index stride per request
)

// genConfig sizes the data set.
type genConfig struct {
	Seed     uint64        `json:"seed"`
	Scale    float64       `json:"scale"`
	AsOf     deadline.Date `json:"as_of"` // "today" in the data: received dates reach back six years from it
	Orgs     int           `json:"organizations"`
	Requests int           `json:"requests"`
	Comms    int           `json:"communications_target"`
	Docs     int           `json:"documents"`
	// ExportRows requests belong to organization 0 and no others: the CSV
	// export downloads exactly these.
	ExportRows int `json:"export_org_requests"`

	jurisdictions []*deadline.Jurisdiction
	orgCDF        []float64 // Zipf weights of organizations 1..Orgs-1
}

func newGenConfig(seed uint64, scale float64, asOf deadline.Date) *genConfig {
	g := &genConfig{Seed: seed, Scale: scale, AsOf: asOf,
		Requests: max(100, int(math.Round(1_000_000*scale))),
		Orgs:     max(5, int(math.Round(200*scale))),
	}
	g.Comms = 3 * g.Requests
	g.Docs = max(10, g.Requests/10)
	g.ExportRows = min(10_000, g.Requests/5)
	g.jurisdictions = deadline.Jurisdictions()
	// Organizations 1.. share the other requests by a Zipf law (s = 1): a
	// few large coalitions, many small groups.
	sum := 0.0
	for k := 1; k < g.Orgs; k++ {
		sum += 1 / float64(k)
		g.orgCDF = append(g.orgCDF, sum)
	}
	for i := range g.orgCDF {
		g.orgCDF[i] /= sum
	}
	return g
}

func (g *genConfig) agenciesPerOrg() int { return agencySlots * len(g.jurisdictions) }

// rnd is the random stream of one row.
func (g *genConfig) rnd(table uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.Seed, table<<48^uint64(i)))
}

// id is the UUID of row i of table: random-looking, but reproducible.
func (g *genConfig) id(table uint64, i int) string {
	a := splitmix(g.Seed ^ table<<56 ^ uint64(i))
	b := splitmix(a ^ 0x9e3779b97f4a7c15)
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], a)
	binary.BigEndian.PutUint64(u[8:], b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (g *genConfig) orgID(o int) string     { return g.id(tOrg, o) }
func (g *genConfig) userID(o, k int) string { return g.id(tUser, o*usersPerOrg+k) }
func (g *genConfig) agencyID(o, k int) string {
	return g.id(tAgency, o*g.agenciesPerOrg()+k)
}

// token is organization o's admin API token (a throwaway database's secret).
func (g *genConfig) token(o int) string {
	return fmt.Sprintf("sun_bench%016x", splitmix(g.Seed^tToken<<56^uint64(o)))
}

func (g *genConfig) agencyJurisdiction(k int) *deadline.Jurisdiction {
	return g.jurisdictions[k%len(g.jurisdictions)]
}

func (g *genConfig) agencyName(o, k int) string {
	j := g.agencyJurisdiction(k)
	region := j.Region
	if j.Code == "us-federal" {
		region = "U.S."
	}
	return region + " " + agencyKinds[(k/len(g.jurisdictions)*5+o)%len(agencyKinds)]
}

// row is one COPY row.
type row []any

// orgRows returns the organizations, users, API tokens and agencies.
func (g *genConfig) orgRows() (orgs, users, tokens, agencies []row) {
	zones := []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}
	created := g.AsOf.AddDays(-7 * 365).Time(time.UTC)
	for o := 0; o < g.Orgs; o++ {
		r := g.rnd(tOrg, o)
		name := fmt.Sprintf("%s %s %d", pick(r, places), pick(r, orgKinds), o)
		orgs = append(orgs, row{g.orgID(o), name, fmt.Sprintf("org-%d", o), zones[o%len(zones)], created})
		for k := 0; k < usersPerOrg; k++ {
			role := "staff"
			switch k {
			case 0:
				role = "admin"
			case usersPerOrg - 1:
				role = "viewer"
			}
			users = append(users, row{g.userID(o, k), g.orgID(o), fmt.Sprintf("user%d@org%d.example", k, o),
				pick(r, firstNames) + " " + pick(r, lastNames), role, created})
		}
		h := sha256.Sum256([]byte(g.token(o)))
		tokens = append(tokens, row{g.id(tToken, o), g.orgID(o), g.userID(o, 0), "bench", h[:]})
		for k := 0; k < g.agenciesPerOrg(); k++ {
			j := g.agencyJurisdiction(k)
			name := g.agencyName(o, k)
			agencies = append(agencies, row{g.agencyID(o, k), g.orgID(o), name, j.Code, "Records Officer",
				fmt.Sprintf("records@agency%d-%d.example.gov", o, k), j.TimeZone, created})
		}
	}
	return orgs, users, tokens, agencies
}

var (
	orgCols    = []string{"id", "name", "slug", "time_zone", "created_at"}
	userCols   = []string{"id", "org_id", "email", "name", "role", "created_at"}
	tokenCols  = []string{"id", "org_id", "user_id", "name", "token_sha256"}
	agencyCols = []string{"id", "org_id", "name", "jurisdiction", "records_contact", "email", "time_zone", "created_at"}
)

// Status mixes by the request's age: recent requests are mostly open,
// old ones mostly closed.
var (
	statusOrder = []sunshine.Status{"draft", "submitted", "acknowledged", "awaiting_requester", "rolling_production",
		"appealed", "in_litigation", "fulfilled", "partially_granted", "denied", "no_records", "withdrawn", "abandoned"}
	mixRecent = []int{3, 35, 25, 8, 6, 0, 0, 12, 5, 3, 3, 0, 0}  // under 45 days
	mixYear   = []int{0, 6, 8, 3, 8, 3, 1, 35, 15, 8, 8, 3, 2}   // under a year
	mixOld    = []int{0, 1, 1, 0, 1, 1, 1, 45, 20, 12, 10, 5, 3} // older
)

var deliveryMethods = []string{"email", "portal", "mail", "fax", "in_person", "other"}

// request is one generated request, with what its communications need.
type request struct {
	Index        int
	ID, OrgID    string
	Org, Agency  int
	Status       sunshine.Status
	Topic        string
	Method       string
	Received     deadline.Date
	Sent         deadline.Date
	Closed       deadline.Date
	Extended     bool
	Extension    deadline.Date
	Due, Custom  deadline.Date
	Estimated    deadline.Date
	PauseFrom    deadline.Date
	Row          row
	Schedule     row // nil when the request owes no reminder
	Created      time.Time
	AgencyName   string
	Jurisdiction *deadline.Jurisdiction
}

var requestCols = []string{"id", "org_id", "agency_id", "title", "description", "delivery_method", "status",
	"jurisdiction", "sent_on", "received_on", "due_on", "extended", "extension_invoked_on", "custom_due_on",
	"custom_due_reason", "agency_estimated_on", "tracking_number", "assignee_id", "tags", "closed_on", "created_by",
	"created_at", "updated_at"}

// scheduleCols are the reminder_schedule columns (store/schedule.go).
var scheduleCols = []string{"request_id", "org_id", "soon_dates", "overdue_from", "awaiting_remind_on", "next_remind_on"}

func (g *genConfig) requestOrg(r *rand.Rand, i int) int {
	u := r.Float64() // drawn for every request, so the stream is the same either way
	if i < g.ExportRows {
		return 0
	}
	lo, hi := 0, len(g.orgCDF)-1
	for lo < hi {
		m := (lo + hi) / 2
		if g.orgCDF[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo + 1
}

// genRequest returns request i.
func (g *genConfig) genRequest(i int) *request {
	r := g.rnd(tRequest, i)
	q := &request{Index: i, ID: g.id(tRequest, i)}
	q.Org = g.requestOrg(r, i)
	q.OrgID = g.orgID(q.Org)
	q.Agency = r.IntN(g.agenciesPerOrg())
	q.Jurisdiction = g.agencyJurisdiction(q.Agency)
	q.AgencyName = g.agencyName(q.Org, q.Agency)
	// Age in days, more recent requests being more common.
	age := int(6 * 365 * math.Pow(r.Float64(), 1.6))
	mix := mixOld
	switch {
	case age < 45:
		mix = mixRecent
	case age < 365:
		mix = mixYear
	}
	q.Status = statusOrder[weighted(r, mix)]
	q.Topic = pick(r, topics)
	q.Method = deliveryMethods[weighted(r, []int{60, 25, 8, 2, 1, 4})]
	received := g.AsOf.AddDays(-age)
	q.Created = received.Time(time.UTC).Add(time.Duration(8+r.IntN(10)) * time.Hour)
	if q.Status != sunshine.StatusDraft {
		q.Received = received
		q.Sent = received.AddDays(-r.IntN(3))
		if q.Jurisdiction.Extension != nil && r.IntN(100) < 12 {
			q.Extended, q.Extension = true, received.AddDays(min(age, 3+r.IntN(6)))
		}
		if q.Status == sunshine.StatusAwaitingRequester {
			q.PauseFrom = received.AddDays(min(age, 1+r.IntN(15)))
		}
		opts := deadline.Options{Extended: q.Extended}
		if !q.PauseFrom.IsZero() {
			opts.Pauses = []deadline.Pause{{From: q.PauseFrom}}
		}
		if res, err := deadline.Compute(q.Jurisdiction.Code, received, opts); err == nil {
			q.Due = res.Due
		} else {
			q.Extended, q.Extension = false, deadline.Date{}
		}
		if r.IntN(100) < 3 {
			base := q.Due
			if base.IsZero() {
				base = received.AddDays(30)
			}
			q.Custom = base.AddDays(30)
		}
		if q.Status.Open() && r.IntN(100) < 8 {
			q.Estimated = g.AsOf.AddDays(r.IntN(80) - 20)
		}
		if !q.Status.Open() {
			q.Closed = received.AddDays(min(age, 5+r.IntN(120)))
		}
	}
	year := received.Year() - 1 - r.IntN(5)
	title := title(r, q.Topic, year)
	desc := paragraph(r, 2+r.IntN(4), q.Topic, q.AgencyName, year)
	tracking := ""
	if r.IntN(2) == 0 {
		tracking = fmt.Sprintf("R%d-%06d", received.Year()%100, r.IntN(1_000_000))
	}
	var assignee any
	if r.IntN(100) < 60 {
		assignee = g.userID(q.Org, 1+r.IntN(usersPerOrg-2))
	}
	tags := pq.StringArray{}
	for n := r.IntN(3); n > 0; n-- {
		if t := pick(r, tagWords); !contains(tags, t) {
			tags = append(tags, t)
		}
	}
	tagsV, _ := tags.Value()
	customReason := ""
	if !q.Custom.IsZero() {
		customReason = "Agreed with the records officer"
	}
	updated := q.Created
	if !q.Closed.IsZero() {
		updated = q.Closed.Time(time.UTC).Add(12 * time.Hour)
	}
	s := g.schedule(q)
	q.Row = row{q.ID, q.OrgID, g.agencyID(q.Org, q.Agency), title, desc, q.Method, string(q.Status),
		q.Jurisdiction.Code, date(q.Sent), date(q.Received), date(q.Due), q.Extended, date(q.Extension), date(q.Custom),
		customReason, date(q.Estimated), tracking, assignee, tagsV, date(q.Closed), g.userID(q.Org, 0),
		q.Created, updated}
	if len(s.SoonDates) > 0 || !s.OverdueFrom.IsZero() || !s.AwaitingOn.IsZero() || !s.Next.IsZero() {
		q.Schedule = row{q.ID, q.OrgID, dateArray(s.SoonDates), date(s.OverdueFrom), date(s.AwaitingOn), date(s.Next)}
	}
	return q
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// date is a COPY value: NULL for the zero date.
func date(d deadline.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func dateArray(ds []deadline.Date) string {
	b := []byte{'{'}
	for i, d := range ds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, d.String()...)
	}
	return string(append(b, '}'))
}

// schedule computes the request's reminder dates with the product's own
// store.ScheduleFor under the organizations' default policy (due soon 3 and
// 1 business days before, awaiting the requester after 3): the state of a
// freshly computed request that planning has not seen yet.
func (g *genConfig) schedule(q *request) store.Schedule {
	r := &sunshine.Request{Jurisdiction: q.Jurisdiction.Code, Status: q.Status, DueOn: q.Due, CustomDueOn: q.Custom,
		AgencyEstimatedOn: q.Estimated}
	if !q.PauseFrom.IsZero() {
		r.Pauses = []deadline.Pause{{From: q.PauseFrom}}
	}
	s, err := store.ScheduleFor(r, []int64{3, 1}, 3)
	if err != nil {
		panic(fmt.Sprintf("bench: schedule of a generated request: %v", err)) // every generated law is known
	}
	return s
}

var pauseCols = []string{"id", "org_id", "request_id", "started_on"}

func (q *request) pauseRow(g *genConfig) row {
	if q.PauseFrom.IsZero() {
		return nil
	}
	return row{g.id(tPause, q.Index), q.OrgID, q.ID, q.PauseFrom.String()}
}

var commCols = []string{"id", "org_id", "request_id", "direction", "channel", "kind", "occurred_on", "from_party",
	"to_party", "subject", "body", "exemptions_cited", "fee_amount", "created_by", "created_at", "updated_at"}

// commRows returns the request's correspondence: its letter, then the
// agency's answers and our follow-ups, 1 to 5 in all (3 on average) for
// a sent request, none for a draft.
func (g *genConfig) commRows(q *request) []row {
	if q.Received.IsZero() {
		return nil
	}
	r := g.rnd(tComm, q.Index)
	n := 1 + r.IntN(2*g.Comms/g.Requests-1)
	last := g.AsOf
	if !q.Closed.IsZero() {
		last = q.Closed
	}
	span := max(1, q.Received.DaysUntil(last))
	channel := q.Method
	if channel == "other" {
		channel = "email"
	}
	year := q.Received.Year() - 1
	org := fmt.Sprintf("Organization %d", q.Org)
	out := make([]row, 0, n)
	on := q.Sent
	for c := 0; c < n; c++ {
		dir, kind := "in", "other"
		var subject, body string
		var exempt any = "{}"
		var fee any
		switch {
		case c == 0:
			dir, kind = "out", "request"
			subject = "Public records request: " + q.Topic
			body = paragraph(r, 4+r.IntN(6), q.Topic, q.AgencyName, year)
		case c == n-1 && q.Status == sunshine.StatusDenied:
			kind = "denial"
			exempt = "{" + pick(r, exemptions) + "}"
		case c == n-1 && q.Status == sunshine.StatusPartiallyGranted:
			kind = "partial_denial"
			exempt = "{" + pick(r, exemptions) + "," + pick(r, exemptions) + "}"
		case c == n-1 && !q.Status.Open():
			kind = "records_release"
		default:
			kind = pick(r, []string{"acknowledgment", "follow_up", "fee_estimate", "clarification_request",
				"extension_notice", "records_release", "other"})
			if kind == "follow_up" {
				dir = "out"
			}
			if kind == "fee_estimate" {
				fee = fmt.Sprintf("%d.%02d", 5+r.IntN(400), r.IntN(100))
			}
		}
		if c > 0 {
			on = q.Received.AddDays(c * span / n)
			subject = "RE: " + q.Topic + " (" + kind + ")"
			body = paragraph(r, 2+r.IntN(6), q.Topic, q.AgencyName, year)
		}
		from, to := q.AgencyName, org
		if dir == "out" {
			from, to = org, q.AgencyName
		}
		at := on.Time(time.UTC).Add(15 * time.Hour)
		out = append(out, row{g.id(tComm, q.Index*commSlots+c), q.OrgID, q.ID, dir, channel, kind, on.String(),
			from, to, subject, body, exempt, fee, g.userID(q.Org, 0), at, at})
	}
	return out
}

var (
	blobCols  = []string{"id", "org_id", "sha256", "size", "chunk_size", "created_at"}
	chunkCols = []string{"blob_id", "seq", "data"}
	docCols   = []string{"id", "org_id", "request_id", "blob_id", "filename", "content_type", "text_status", "text",
		"created_by", "created_at"}
)

// docRows returns document d: a small text file (1-3 KB) stored as one
// blob chunk, its text already extracted.
func (g *genConfig) docRows(d int) (blob, chunk, doc row) {
	r := g.rnd(tDoc, d)
	q := g.genRequest(r.IntN(g.Requests))
	year := max(2000, q.Created.Year()-1)
	text := fmt.Sprintf("Document %d.\n", d) + paragraph(r, 8+r.IntN(20), q.Topic, q.AgencyName, year)
	sum := sha256.Sum256([]byte(text))
	blobID := g.id(tBlob, d)
	at := q.Created.Add(time.Duration(1+r.IntN(60*24)) * time.Hour)
	name := fmt.Sprintf("release-%d-%s.txt", d, pick(r, []string{"emails", "memo", "log", "policy", "invoice"}))
	return row{blobID, q.OrgID, sum[:], len(text), 1 << 20, at},
		row{blobID, 0, []byte(text)},
		row{g.id(tDoc, d), q.OrgID, q.ID, blobID, name, "text/plain", "extracted", text, g.userID(q.Org, 0), at}
}
