package web_test

import (
	"bytes"
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
	require.Contains(t, page, "All 4 rows can be imported")
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
	require.Contains(t, page, "1 of 3 rows can be imported, 2 were before")
	require.Regexp(t, `imported before: <a href="/requests/[0-9a-f-]+">Jail contracts</a>`, page)
	require.Contains(t, page, `<button type="submit" name="action" value="import">Import 1 request</button>`)
	loc = requireRedirect(t, importSheet(grown), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 1 request from log.csv. 2 rows were imported before (their external IDs are taken) and were left out.")
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
	require.Contains(t, page, "All 2 rows can be imported")
	require.Contains(t, page, "<td>denied since Wed 1 Feb 2017</td>")
	require.NotContains(t, page, "Columns left out")
}

// Sunshine's own CSV export reads back: each request again, at its
// status, with its dates, tags and text (another organization moving its
// requests, or a copy made here).
func TestImport_ReadsTheExport(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	closed := &sunshine.Request{AgencyID: a.ID, Title: "=Jail contracts", DeliveryMethod: sunshine.DeliveryMail, Tags: []string{"jail", "ice"},
		Description: "Every contract, 2015-2017.", ReceivedOn: deadline.MustParseDate("2017-01-09"), TrackingNumber: "-17-004"}
	require.NoError(t, b.st.CreateRequestAt(b.fx.Ctx, closed, sunshine.TransitionInput{To: sunshine.StatusNoRecords, EffectiveOn: deadline.MustParseDate("2017-02-01")}))
	export := b.get("/export/requests.csv?status=any")
	require.Equal(t, http.StatusOK, export.Code)

	loc := requireRedirect(t, b.upload("/requests/import", map[string]string{"action": "import"}, map[string][]byte{"export.csv": export.Body.Bytes()}, ""), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 2 requests from export.csv.")
	for _, orig := range []*sunshine.Request{r, closed} {
		copies := allRequests(t, b)[orig.Title]
		require.Len(t, copies, 2, orig.Title)
		i := slices.IndexFunc(copies, func(c *sunshine.Request) bool { return c.ID != orig.ID })
		c := copies[i]
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
		} {
			require.Equal(t, field.want, field.got, "%s: %s", orig.Title, field.name)
		}
	}
}
