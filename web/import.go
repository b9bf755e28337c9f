package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// importMaxRows bounds one import; the form's size limit (formLimit)
// bounds its bytes.
const importMaxRows = 2000

// importColumns are the columns an import reads, by the names of the CSV
// export (so one organization's export is another's import) and the API's;
// importAliases are other names spreadsheets give them.
var (
	importColumns = []string{"title", "agency", "description", "delivery_method", "sent_on", "received_on",
		"tracking_number", "tags", "assignee", "status", "status_on", "closed_on", "external_id", "id", "agency_estimated_on"}
	importAliases = map[string]string{"agency_name": "agency", "request_text": "description", "assignee_email": "assignee",
		"received": "received_on", "sent": "sent_on", "tracking": "tracking_number"}
)

// importRow is one line of an import: what it files, or why it cannot.
type importRow struct {
	Line     int
	Title    string
	Agency   string
	Status   sunshine.Status
	StatusOn deadline.Date
	DueOn    deadline.Date // once checked
	Problems []string
	// Already is the request an earlier import filed with this row's
	// external ID: the row is left out, so an import can be run again.
	Already *sunshine.Request

	req      *sunshine.Request
	to       *sunshine.TransitionInput
	id       string        // the id column of Sunshine's own export
	estimate deadline.Date // the agency's estimated date, set once filed
}

type importData struct {
	importFile
	Ignored  []string
	Rows     []*importRow
	Problems int  // rows with problems
	Already  int  // rows imported before (their external IDs are taken)
	dayFirst bool // the file's slashed dates may be day first (a semicolon-separated file)
}

func (d *importData) problemRows() int                     { return d.Problems }
func (d *importData) read(s *Server, c *gin.Context) error { return s.readImport(c, d) }

// add files the rows (importData.file).
func (d *importData) add(ctx context.Context, st *store.Store) error { return d.fileRows(ctx, st) }

func (d *importData) done() (path, note string) {
	note = fmt.Sprintf("Imported %s from %s.", d.NewRequests(), d.Filename)
	if d.Already > 0 {
		note += " " + counted(d.Already, "row") + " imported before left out."
	}
	return "/requests?status=any", note
}

// AlreadyRows is Already in words: "1 row", "3 rows".
func (d importData) AlreadyRows() string { return counted(d.Already, "row") }

// New is how many rows the import files.
func (d importData) New() int { return len(d.Rows) - d.Problems - d.Already }

// NewRequests is New in words: "1 request", "12 requests".
func (d importData) NewRequests() string { return counted(d.New(), "request") }

// Path and NewWords are what the import form says (importForm).
func (d importData) Path() string     { return "/requests/import" }
func (d importData) NewWords() string { return d.NewRequests() }

// handleImportTemplate answers a CSV to fill in: the columns an import
// reads, and two example rows (to replace), each with its external_id so
// the sheet can be imported again as it grows.
func (s *Server) handleImportTemplate(c *gin.Context) {
	c.Header("Content-Disposition", `attachment; filename="sunshine-import.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	w := csv.NewWriter(c.Writer)
	_, _ = c.Writer.WriteString(sunshine.UTF8BOM) // Excel then reads it as UTF-8
	_ = w.WriteAll([][]string{
		{"external_id", "title", "agency", "received_on", "sent_on", "delivery_method", "description", "tracking_number", "tags", "assignee", "status", "status_on"},
		{"row-1", "Communications with immigration authorities", "Sacramento County Sheriff's Department", "2017-03-27", "2017-03-27", "email",
			"All communications with ICE since 1 January 2017.", "R-2017-0042", "ice; jail", "", "", ""},
		{"row-2", "Jail contracts", "Sacramento County Sheriff's Department", "2017-01-09", "2017-01-09", "portal", "", "", "jail", "", "denied", "2017-02-01"},
	})
}

func (s *Server) handleImportPage(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	s.render(c, http.StatusOK, "import", "Import requests", importData{})
}

// handleImport checks a spreadsheet of requests, or imports it: every row
// or none, in one transaction, each row filed as the new-request form
// files one (the status it has reached too).
func (s *Server) handleImport(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	// One email per row would bury its assignee: they see the requests in
	// their digest and reminders.
	s.runImport(c, store.WithoutAssignmentEmails(ctxOf(c)), "import", "Import requests", &importData{})
}

// fileRows files d's rows through st, one transaction's store, noting on
// each row what came of it; an error is the database's.
func (d *importData) fileRows(ctx context.Context, st *store.Store) error {
	filed := map[string]int{} // the requests this import files: their rows
	for _, r := range d.Rows {
		// A row filed before is left out whatever it says now: a sheet
		// grown or corrected since imports again.
		prior, err := importedBefore(ctx, st, r)
		if err != nil {
			return err
		}
		if line := filed[idOf(prior)]; line != 0 {
			if len(r.Problems) == 0 {
				d.Problems++
			}
			r.Problems = append(r.Problems, fmt.Sprintf("external_id: row %d has it too", line))
			continue
		}
		if prior != nil {
			if len(r.Problems) > 0 {
				r.Problems, d.Problems = nil, d.Problems-1
			}
			r.Already, d.Already = prior, d.Already+1
			continue
		}
		if len(r.Problems) > 0 {
			continue
		}
		if r.req.ExternalID == nil {
			// Without a reference, the same title, agency and receipt
			// date is the same request: a sheet imported twice.
			same, err := st.FindSameRequest(ctx, r.req.AgencyID, r.req.Title, r.req.ReceivedOn)
			if err != nil {
				return err
			}
			if same != nil {
				if line := filed[same.ID]; line != 0 {
					r.Problems = append(r.Problems, fmt.Sprintf("the same request as row %d (title, agency and received date)", line))
				} else {
					r.Problems = append(r.Problems, fmt.Sprintf("already in Sunshine: %q, with the same agency and received date; "+
						"to import a sheet again, give each row an external_id", same.Title))
				}
				d.Problems++
				continue
			}
		}
		err = st.Atomically(ctx, func(st *store.Store) error {
			var err error
			if r.to != nil {
				err = st.CreateRequestAt(ctx, r.req, *r.to)
			} else {
				err = st.CreateRequest(ctx, r.req)
			}
			if err != nil || r.estimate.IsZero() {
				return err
			}
			updated, err := st.UpdateRequest(ctx, r.req.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &r.estimate})
			if err == nil {
				r.req = updated
			}
			return err
		})
		switch {
		case err == nil:
			r.Status, r.DueOn = r.req.Status, r.req.EffectiveDueOn()
			filed[r.req.ID] = r.Line
		case sunshine.ErrorCode(err) == sunshine.EInternal:
			return err
		default:
			r.Problems = append(r.Problems, problemsOf(err)...)
			d.Problems++
		}
	}
	return nil
}

func idOf(r *sunshine.Request) string {
	if r == nil {
		return ""
	}
	return r.ID
}

// importedBefore is the request an earlier import filed from row r: the
// one its external ID names, or the one the id column of Sunshine's own
// export names in this organization; nil if none.
func importedBefore(ctx context.Context, st *store.Store, r *importRow) (*sunshine.Request, error) {
	if r.id != "" && uuid.Validate(r.id) == nil {
		prior, err := st.FindRequestByID(ctx, r.id)
		if sunshine.ErrorCode(err) != sunshine.ENotFound {
			return prior, err
		}
	}
	if r.req.ExternalID == nil {
		return nil, nil
	}
	rs, _, err := st.FindRequests(ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), ExternalID: *r.req.ExternalID, Limit: 1})
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return rs[0], nil
}

// readImport parses d.CSV into rows, each with the request it files or
// the problems found before any is filed.
func (s *Server) readImport(c *gin.Context, d *importData) error {
	sh, err := readSheet(d.CSV, importMaxRows)
	if err != nil {
		return err
	}
	d.dayFirst = sh.Comma == ';'
	col, ignored := columnsOf(sh.Header, importColumns, importAliases)
	d.Ignored = ignored
	for _, need := range []string{"title", "agency"} {
		if _, ok := col[need]; !ok {
			return fileProblemf("The first row must name the columns, among them %q and %q; this file has no %q column.", "title", "agency", need)
		}
	}
	agencies, err := s.agencyNames(c)
	if err != nil {
		return err
	}
	users, err := s.store.FindUsers(ctxOf(c))
	if err != nil {
		return err
	}
	for n, rec := range sh.Rows {
		line := sh.Lines[n]
		cell := func(name string) string { return col.cell(rec, name) }
		if blank(rec) {
			continue // a blank line
		}
		row := importRow{Line: line, Title: cell("title"), Agency: cell("agency"), id: cell("id")}
		row.req, row.to, row.Problems = importRequest(cell, agencies, users, d.dayFirst)
		row.estimate, row.Problems = importDate(cell, "agency_estimated_on", d.dayFirst, row.Problems)
		if row.req.ExternalID == nil && row.id != "" {
			// Another Sunshine's export: its ID is the reference, so
			// importing that export again files nothing twice.
			row.req.ExternalID = &row.id
		}
		if row.to != nil {
			row.Status, row.StatusOn = row.to.To, row.to.EffectiveOn
		}
		if len(row.Problems) > 0 {
			d.Problems++
		}
		d.Rows = append(d.Rows, &row)
	}
	return nil
}

// agencyNames maps the organization's agencies by name, as people type
// it (case and spaces aside); "" marks a name two agencies share.
func (s *Server) agencyNames(c *gin.Context) (map[string]string, error) {
	as, err := s.allAgencies(ctxOf(c))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range as {
		key := nameKey(a.Name)
		if _, taken := out[key]; taken {
			out[key] = ""
		} else {
			out[key] = a.ID
		}
	}
	return out, nil
}

// importRequest reads one row's request, and the status it has reached
// when past submitted; problems are what the row gets wrong before the
// store is asked.
func importRequest(cell func(string) string, agencies map[string]string, users []*sunshine.User, dayFirst bool) (*sunshine.Request, *sunshine.TransitionInput, []string) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	r := &sunshine.Request{Title: cell("title"), Description: cell("description"), TrackingNumber: cell("tracking_number"),
		DeliveryMethod: sunshine.DeliveryEmail}
	if id := cell("external_id"); id != "" {
		r.ExternalID = &id
	}
	switch id, ok := agencies[nameKey(cell("agency"))]; {
	case cell("agency") == "":
		bad("agency: is required, the agency's name as in Agencies")
	case !ok:
		bad("agency: %q is not in Agencies; add it there first, with its law", cell("agency"))
	case id == "":
		bad("agency: two agencies are named %q; rename one in Agencies", cell("agency"))
	default:
		r.AgencyID = id
	}
	if m := cell("delivery_method"); m != "" {
		r.DeliveryMethod = sunshine.DeliveryMethod(strings.ReplaceAll(strings.ToLower(m), " ", "_"))
	}
	date := func(name string) deadline.Date {
		var d deadline.Date
		d, problems = importDate(cell, name, dayFirst, problems)
		return d
	}
	r.SentOn, r.ReceivedOn = date("sent_on"), date("received_on")
	for _, t := range strings.FieldsFunc(cell("tags"), func(r rune) bool { return r == ';' || r == ',' }) {
		if t = strings.TrimSpace(t); t != "" {
			r.Tags = append(r.Tags, t)
		}
	}
	if email := cell("assignee"); email != "" {
		i := slices.IndexFunc(users, func(u *sunshine.User) bool { return u.Active && strings.EqualFold(u.Email, email) })
		if i < 0 {
			bad("assignee: %q is no active user of the organization (see Settings)", email)
		} else {
			r.AssigneeID = &users[i].ID
		}
	}
	if err := r.Validate(); err != nil {
		problems = append(problems, problemsOf(err)...)
	}
	st := sunshine.Status(strings.ReplaceAll(strings.ToLower(cell("status")), " ", "_"))
	if st == "" || st == sunshine.StatusSubmitted || st == sunshine.StatusDraft {
		if cell("closed_on") != "" {
			bad("closed_on: is set but status is not: give the status it closed with (%s)", sunshine.JoinStatuses(sunshine.ClosedStatuses))
		}
	}
	on := date("status_on")
	if on.IsZero() && st.Valid() && !st.Open() {
		on = date("closed_on")
	}
	status := string(st)
	if !st.Valid() {
		status = cell("status") // named as typed
	}
	to, err := sunshine.StatusReached(status, r.ReceivedOn, on)
	if err != nil {
		problems = append(problems, problemsOf(err)...)
	}
	return r, to, problems
}

// importDate reads a date column: YYYY-MM-DD, or M/D/YYYY unless the
// file may write the day first; a problem is added to problems.
func importDate(cell func(string) string, name string, dayFirst bool, problems []string) (deadline.Date, []string) {
	v := cell(name)
	if v == "" {
		return deadline.Date{}, problems
	}
	if d, err := deadline.ParseDate(v); err == nil {
		return d, problems
	}
	t, err := time.Parse("1/2/2006", v)
	switch {
	case err != nil:
		return deadline.Date{}, append(problems, fmt.Sprintf("%s: %q is not a date (YYYY-MM-DD, or M/D/YYYY)", name, v))
	case dayFirst && t.Day() <= 12 && t.Day() != int(t.Month()):
		// Semicolons come from a spreadsheet set to a language that may
		// write the day first: 10/06/2024 could be either.
		return deadline.Date{}, append(problems, fmt.Sprintf("%s: %q could be day/month or month/day in this semicolon-separated file: write it YYYY-MM-DD", name, v))
	}
	return deadline.DateOf(t), problems
}

// problemsOf is an error as lines of a row's problems, each naming its
// column.
func problemsOf(err error) []string {
	var out []string
	for field, msg := range fieldErrors(err) {
		if field == "_" {
			out = append(out, msg)
		} else {
			out = append(out, field+": "+msg)
		}
	}
	slices.Sort(out)
	return out
}
