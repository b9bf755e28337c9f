package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// allRequests lists the organization's requests, closed ones too, by title.
func allRequests(t *testing.T, b *bundle) map[string][]*sunshine.Request {
	t.Helper()
	rs, _, err := b.st.FindRequests(b.fx.Ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), Limit: 500})
	require.NoError(t, err)
	out := map[string][]*sunshine.Request{}
	for _, r := range rs {
		out[r.Title] = append(out[r.Title], r)
	}
	return out
}

// csvOf writes rows as a CSV file separated by comma.
func csvOf(t *testing.T, rows [][]string, comma rune) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = comma
	require.NoError(t, w.WriteAll(rows))
	return buf.Bytes()
}

// A spreadsheet of requests is checked, every row as it would be filed,
// and nothing is saved while any row cannot be; then all are imported at
// once, each at the status it reached. Excel's Windows "CSV" (not UTF-8,
// semicolons where decimals take commas) reads too.
func TestImport_CheckThenImport(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)
	before := len(allRequests(t, b))
	page := body(b.get("/requests"))
	require.Contains(t, page, `<a class="button secondary" href="/requests/import">Import from a spreadsheet</a>`)
	require.Contains(t, body(b.get("/requests/import")), `<input type="file" id="import-file" name="file"`)

	sheet := [][]string{
		{"Title", "Agency", "Received", "Status", "Closed on", "Tags", "Assignee", "Notes"},
		{"Jail contracts", "sacramento county sheriff's department", "2017-01-09", "denied", "2017-02-01", "jail; contracts", "", "kept out"},
		{"Use-of-force reports", "Sacramento County Sheriff's Department", "3/20/2017", "", "", "", "ndlon-nobody@example.org", ""},
		{"Body-camera policy", "Police Department of Nowhere", "2017-03-01", "", "", "", "", ""},
		{"Stop data", "Sacramento County Sheriff's Department", "2017-03-01", "fulfilled", "", "", "", ""},
		{"", "", "", "", "", "", "", ""},
	}
	rec := b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"requests.csv": csvOf(t, sheet, ',')}, "")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page = body(rec)
	require.Contains(t, page, "3 of 4 rows cannot be imported")
	require.Contains(t, page, "Nothing was imported.")
	require.Contains(t, page, `Row 3 (Use-of-force reports): assignee: &#34;ndlon-nobody@example.org&#34; is no active user of the organization`)
	require.Contains(t, page, `Row 4 (Body-camera policy): agency: &#34;Police Department of Nowhere&#34; is not in Agencies`)
	require.Contains(t, page, `Row 5 (Stop data): status_on: is required with a status`)
	require.Contains(t, page, "Columns left out: Notes.")
	require.Len(t, allRequests(t, b), before, "nothing saved")

	// Corrected, and saved by Excel on Windows.
	sheet[2][6], sheet[3][1], sheet[4][4], sheet[4][0] = b.fx.Admin.Email, "Sacramento County Sheriff's Department", "2017-03-20", "Stop data (Café Ruiz)"
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes(csvOf(t, sheet, ';'))
	require.NoError(t, err)
	rec = b.upload("/requests/import", map[string]string{"action": "check"}, map[string][]byte{"requests.csv": cp1252}, "")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page = body(rec)
	require.Contains(t, page, "Ready to import: 4 requests")
	require.Regexp(t, `<td>2</td><td>Jail contracts</td><td>sacramento county sheriff&#39;s department</td>\s*<td>denied since Wed 1 Feb 2017</td>`, page)
	require.Contains(t, page, "<td>Stop data (Café Ruiz)</td>")
	require.Contains(t, page, `<button type="submit" name="action" value="import">Import 4 requests</button>`)
	require.Len(t, allRequests(t, b), before, "a check saves nothing")

	// Imported from what the check kept in the page.
	kept := regexp.MustCompile(`<textarea name="csv" hidden aria-hidden="true">\n([^<]*)</textarea>`).FindStringSubmatch(page)
	require.NotNil(t, kept)
	loc := requireRedirect(t, b.upload("/requests/import", map[string]string{"action": "import", "filename": "requests.csv",
		"csv": html.UnescapeString(kept[1])}, nil, ""), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 4 requests from requests.csv.")
	got := allRequests(t, b)
	require.Len(t, got, before+4)
	jail := got["Jail contracts"][0]
	require.Equal(t, sunshine.StatusDenied, jail.Status)
	require.Equal(t, "2017-02-01", jail.ClosedOn.String())
	require.Equal(t, []string{"jail", "contracts"}, jail.Tags)
	force := got["Use-of-force reports"][0]
	require.Equal(t, sunshine.StatusSubmitted, force.Status)
	require.Equal(t, "2017-03-20", force.ReceivedOn.String())
	require.Equal(t, b.fx.Admin.ID, *force.AssigneeID)
	require.Equal(t, sunshine.StatusSubmitted, got["Body-camera policy"][0].Status)
	require.Equal(t, sunshine.StatusFulfilled, got["Stop data (Café Ruiz)"][0].Status)
}

// With an external_id column the same spreadsheet, grown, can be imported
// again: the rows an earlier import filed are left out, named; a repeat
// within the file is a problem.
func TestImport_ExternalIDsRunAgain(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)
	before := len(allRequests(t, b))
	sheet := [][]string{
		{"external_id", "title", "agency", "received_on"},
		{"row-1", "Jail contracts", "Sacramento County Sheriff's Department", "2017-01-09"},
		{"row-2", "Use-of-force reports", "Sacramento County Sheriff's Department", "2017-01-10"},
	}
	importSheet := func(rows [][]string) *httptest.ResponseRecorder {
		return b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"log.csv": csvOf(t, rows, ',')}, "")
	}
	loc := requireRedirect(t, importSheet(sheet), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 2 requests from log.csv.")

	grown := append(sheet, []string{"row-3", "Body-camera policy", "Sacramento County Sheriff's Department", "2017-02-01"})
	rec := b.upload("/requests/import", map[string]string{"action": "check"}, map[string][]byte{"log.csv": csvOf(t, grown, ',')}, "")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Ready to import: 1 request")
	require.Contains(t, page, "2 rows imported before are left out, as they are now in Sunshine")
	require.Regexp(t, `imported before: <a href="/requests/[0-9a-f-]+">Jail contracts</a>`, page)
	require.Contains(t, page, `<button type="submit" name="action" value="import">Import 1 request</button>`)
	loc = requireRedirect(t, importSheet(grown), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 1 request from log.csv. 2 rows imported before left out.")
	got := allRequests(t, b)
	require.Len(t, got, before+3)
	require.Equal(t, "row-3", *got["Body-camera policy"][0].ExternalID)

	// The same reference twice in one file: that row cannot be imported.
	twice := [][]string{grown[0], {"row-9", "Stop data", "Sacramento County Sheriff's Department", "2017-02-01"},
		{"row-9", "Stop data again", "Sacramento County Sheriff's Department", "2017-02-01"}}
	rec = importSheet(twice)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	require.Contains(t, body(rec), "Row 3 (Stop data again): external_id: row 2 has it too")
	require.Len(t, allRequests(t, b), before+3, "nothing saved")
}

// The template to download is itself an import: its example rows check.
func TestImport_Template(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)
	rec := b.get("/requests/import/template.csv")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Contains(t, rec.Header().Get("Content-Disposition"), "sunshine-import.csv")
	rec = b.upload("/requests/import", map[string]string{"action": "check"}, map[string][]byte{"sunshine-import.csv": rec.Body.Bytes()}, "")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Ready to import: 2 requests")
	require.Contains(t, page, "<td>denied since Wed 1 Feb 2017</td>")
	require.NotContains(t, page, "Columns left out")
}

// Sunshine's own CSV export reads back in another organization (a group
// moving its requests): each request again, at its status, with its
// dates, tags and text; the export's id is the reference, so importing it
// again files nothing twice. Into the organization it came from, every
// row is one it has: all are left out.
func TestImport_ReadsTheExport(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	closed := &sunshine.Request{AgencyID: a.ID, Title: "=Jail contracts", DeliveryMethod: sunshine.DeliveryMail, Tags: []string{"jail", "ice"},
		Description: "Every contract, 2015-2017.", ReceivedOn: deadline.MustParseDate("2017-01-09"), TrackingNumber: "-17-004"}
	require.NoError(t, b.st.CreateRequestAt(b.fx.Ctx, closed, sunshine.TransitionInput{To: sunshine.StatusNoRecords, EffectiveOn: deadline.MustParseDate("2017-02-01")}))
	acked := &sunshine.Request{AgencyID: a.ID, Title: "Use-of-force reports", DeliveryMethod: sunshine.DeliveryPortal, ReceivedOn: deadline.MustParseDate("2017-03-20")}
	require.NoError(t, b.st.CreateRequestAt(b.fx.Ctx, acked, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: deadline.MustParseDate("2017-03-22")}))
	// Statuses only the timeline dates: the export has their day too.
	var timelineDated []*sunshine.Request
	for _, st := range []struct {
		to sunshine.Status
		on string
	}{{sunshine.StatusRollingProduction, "2017-03-02"}, {sunshine.StatusAppealed, "2017-03-03"}, {sunshine.StatusInLitigation, "2017-03-04"}} {
		req := &sunshine.Request{AgencyID: a.ID, Title: "Booking logs " + string(st.to), DeliveryMethod: sunshine.DeliveryEmail,
			ReceivedOn: deadline.MustParseDate("2017-03-01")}
		require.NoError(t, b.st.CreateRequestAt(b.fx.Ctx, req, sunshine.TransitionInput{To: st.to, EffectiveOn: deadline.MustParseDate(st.on)}))
		req.StatusChangedOn = deadline.MustParseDate(st.on) // as an export reads it
		timelineDated = append(timelineDated, req)
	}
	estimate := deadline.MustParseDate("2017-04-20")
	r, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &estimate})
	require.NoError(t, err)
	export := b.get("/export/requests.csv?status=any")
	require.Equal(t, http.StatusOK, export.Code)
	importExport := func() string {
		t.Helper()
		loc := requireRedirect(t, b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"export.csv": export.Body.Bytes()}, ""), "/requests")
		return body(b.get(loc))
	}
	require.Contains(t, importExport(), "Imported 0 requests from export.csv. 6 rows imported before left out.")

	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	require.NoError(t, b.st.CreateAgency(other.Ctx, &sunshine.Agency{Name: a.Name, Jurisdiction: a.Jurisdiction}))
	b.login(other.Admin.Email)
	require.Contains(t, importExport(), "Imported 6 requests from export.csv.")
	require.Contains(t, importExport(), "Imported 0 requests from export.csv. 6 rows imported before left out.")
	rs, _, err := b.st.FindRequests(other.Ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), WithStatusChangedOn: true})
	require.NoError(t, err)
	require.Len(t, rs, 6)
	for _, orig := range append([]*sunshine.Request{r, closed, acked}, timelineDated...) {
		i := slices.IndexFunc(rs, func(c *sunshine.Request) bool { return c.Title == orig.Title })
		require.GreaterOrEqual(t, i, 0, orig.Title)
		c := rs[i]
		for _, field := range []struct{ name, want, got string }{
			{"status", string(orig.Status), string(c.Status)},
			{"received_on", orig.ReceivedOn.String(), c.ReceivedOn.String()},
			{"sent_on", orig.SentOn.String(), c.SentOn.String()},
			{"closed_on", orig.ClosedOn.String(), c.ClosedOn.String()},
			{"due_on", orig.DueOn.String(), c.DueOn.String()},
			{"delivery_method", string(orig.DeliveryMethod), string(c.DeliveryMethod)},
			{"tracking_number", orig.TrackingNumber, c.TrackingNumber},
			{"tags", strings.Join(orig.Tags, ","), strings.Join(c.Tags, ",")},
			{"description", orig.Description, c.Description},
			{"external_id", orig.ID, *c.ExternalID},
			{"agency_estimated_on", orig.AgencyEstimatedOn.String(), c.AgencyEstimatedOn.String()},
			{"acknowledged_on", orig.AcknowledgedOn.String(), c.AcknowledgedOn.String()},
			{"status_on", orig.StatusSince().String(), c.StatusSince().String()},
		} {
			require.Equal(t, field.want, field.got, "%s: %s", orig.Title, field.name)
		}
	}
}

// What a coordinator's sheet gets wrong is said per row, in its line of
// the file, and nothing is saved; what it gets right in another shape
// (tabs, an old Mac's line endings, typographic apostrophes) reads.
func TestImport_SheetsAsTheyCome(t *testing.T) {
	t.Parallel()
	b, _, _ := sacramento(t)
	const agency = "Sacramento County Sheriff's Department"
	for _, tc := range []struct {
		name, file string
		want       string // in the report
	}{
		{"closed on without a status", "title,agency,received_on,closed_on\nJail contracts," + agency + ",2017-01-09,2017-02-01\n",
			"Row 2 (Jail contracts): closed_on: is set but status is not: give the status it closed with (fulfilled, partially_granted, denied, no_records, withdrawn, abandoned)"},
		{"a date without a status", "title,agency,received_on,status_on\nJail contracts," + agency + ",2017-01-09,2017-02-01\n",
			"Row 2 (Jail contracts): status_on: goes with a status past submitted"},
		{"a status that is none", "title,agency,received_on,status,status_on\nJail contracts," + agency + ",2017-01-09,Closed,2017-02-01\n",
			`status: &#34;Closed&#34; is not a status; use one of acknowledged, awaiting_requester, rolling_production, appealed, in_litigation, fulfilled`},
		{"the line after empty lines", "title,agency,received_on\n\n\nJail contracts,Nowhere PD,2017-01-09\n",
			"Row 4 (Jail contracts): agency: &#34;Nowhere PD&#34; is not in Agencies"},
		{"a day-first date with semicolons", "title;agency;received_on\nJail contracts;" + agency + ";10/06/2017\n",
			"received_on: &#34;10/06/2017&#34; could be day/month or month/day in this semicolon-separated file: write it YYYY-MM-DD"},
		{"tab-separated", "title\tagency\treceived_on\nJail contracts\tSacramento County Sheriff’s Department\t2017-01-09\n",
			"Ready to import: 1 request"},
		{"an old Mac's line endings", "title,agency,received_on\rJail contracts," + agency + ",3/20/2017\r",
			"Ready to import: 1 request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.upload("/requests/import", map[string]string{"action": "check"}, map[string][]byte{"sheet.csv": []byte(tc.file)}, "")
			require.Equal(t, http.StatusOK, rec.Code, body(rec))
			require.Contains(t, body(rec), tc.want)
		})
	}
}

// Without references, a row with the title, agency and receipt date of a
// request Sunshine has, or of another row, is the same request: refused,
// so a sheet imported twice files nothing twice. An import emails no one
// "assigned to you" for each row.
func TestImport_SameRequestTwiceAndNoAssignmentEmails(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	const agency = "Sacramento County Sheriff's Department"
	sheet := "title,agency,received_on,assignee\n" +
		r.Title + "," + agency + "," + r.ReceivedOn.String() + ",\n" +
		"Jail contracts," + agency + ",2017-01-09,ana@ndlon.example\n" +
		"Jail contracts," + agency + ",2017-01-09,ana@ndlon.example\n"
	rec := b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"sheet.csv": []byte(sheet)}, "")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Row 2 (Communications with immigration authorities): already in Sunshine: &#34;Communications with immigration authorities&#34;, with the same agency and received date; to import a sheet again, give each row an external_id")
	require.Contains(t, page, "Row 4 (Jail contracts): the same request as row 3 (title, agency and received date)")

	sheet = "title,agency,received_on,assignee\nJail contracts," + agency + ",2017-01-09,ana@ndlon.example\n"
	requireRedirect(t, b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"sheet.csv": []byte(sheet)}, ""), "/requests")
	got := allRequests(t, b)["Jail contracts"]
	require.Len(t, got, 1)
	require.Equal(t, ana.ID, *got[0].AssigneeID)
	reminders, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending", "sent"}, 0, "")
	require.NoError(t, err)
	for _, m := range reminders {
		require.NotEqual(t, sunshine.ReminderAssigned, m.Kind, "no assignment email from an import")
	}
}
