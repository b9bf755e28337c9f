package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// directory lists the organization's agencies by name.
func directory(t *testing.T, b *bundle, ctx context.Context) map[string]*sunshine.Agency {
	t.Helper()
	as, _, err := b.st.FindAgencies(ctx, sunshine.AgencyFilter{Limit: 500})
	require.NoError(t, err)
	out := map[string]*sunshine.Agency{}
	for _, a := range as {
		out[a.Name] = a
	}
	return out
}

func (b *bundle) importAgencies(action, filename string, file []byte) *httptest.ResponseRecorder {
	b.t.Helper()
	return b.upload("/agencies/import", map[string]string{"action": action}, map[string][]byte{filename: file}, "")
}

// A spreadsheet of agencies is checked, every row as adding it would be,
// and nothing is saved while any row cannot be; then all are added at
// once, each with its fields and its law, however the sheet named it.
func TestAgencyImport_CheckThenImport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	page := body(b.get("/agencies"))
	require.Contains(t, page, `<a class="button secondary" href="/agencies/import">Import from a spreadsheet</a>`)
	require.Contains(t, page, `<a href="/agencies/import">import many from a spreadsheet</a>`)
	page = body(b.get("/agencies/import"))
	require.Contains(t, page, `<input type="file" id="import-file" name="file"`)
	require.Contains(t, page, "<td><code>us-ca</code></td><td>CPRA</td><td>California</td>")

	sheet := [][]string{
		{"Agency", "Law", "Contact", "Email", "Website", "Phone", "Address", "Time zone", "Notes"},
		{"Alameda County Sheriff's Office", "California: CPRA", "Records Unit", "records@acso.example", "https://acso.example/records",
			"(510) 555-0100", "1401 Lakeside Drive\nOakland, CA 94612", "", "kept out"},
		{"Fresno County Sheriff's Office", "Calif.", "", "", "", "", "", "", ""},
		{"Kern County Sheriff's Office", "us-ca", "", "not-an-email", "ftp://kern.example", "", "", "Mars/Olympus", ""},
		{"", "", "", "", "", "", "", "", ""},
		{"Federal Bureau of Investigation", "FOIA", "", "", "https://efoia.fbi.gov", "", "", "America/Chicago", ""},
	}
	rec := b.importAgencies("import", "sheriffs.csv", csvOf(t, sheet, ','))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page = body(rec)
	require.Contains(t, page, "2 of 4 rows cannot be imported")
	require.Contains(t, page, "Nothing was imported.")
	require.Contains(t, page, `Row 4 (Fresno County Sheriff&#39;s Office): jurisdiction: &#34;Calif.&#34; is no law Sunshine knows; write the law&#39;s code, short name or state, as us-ca, CPRA, California, CA or &#34;California: CPRA&#34;`)
	require.Contains(t, page, `Row 5 (Kern County Sheriff&#39;s Office): email: must be an email address; portal_url: must be an http or https address; time_zone: must be an IANA time zone`)
	require.Contains(t, page, "Columns left out: Notes.")
	require.Empty(t, directory(t, b, b.fx.Ctx), "nothing saved")

	// Corrected: a check saves nothing either.
	sheet[2][1], sheet[3][3], sheet[3][4], sheet[3][7] = "california", "records@kern.example", "https://kern.example", ""
	rec = b.importAgencies("check", "sheriffs.csv", csvOf(t, sheet, ','))
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page = body(rec)
	require.Contains(t, page, "Ready to import: 4 agencies")
	require.Regexp(t, `<td>2</td><td>Alameda County Sheriff&#39;s Office</td><td>California: CPRA</td><td>America/Los_Angeles</td>\s*<td>new</td>`, page)
	require.Contains(t, page, `<td>Federal Bureau of Investigation</td><td>United States (federal): FOIA</td><td>America/Chicago</td>`)
	require.Contains(t, page, `<button type="submit" name="action" value="import">Import 4 agencies</button>`)
	require.Empty(t, directory(t, b, b.fx.Ctx), "a check saves nothing")

	// Imported from what the check kept in the page.
	kept := regexp.MustCompile(`<textarea name="csv" hidden aria-hidden="true">\n([^<]*)</textarea>`).FindStringSubmatch(page)
	require.NotNil(t, kept)
	loc := requireRedirect(t, b.upload("/agencies/import", map[string]string{"action": "import", "filename": "sheriffs.csv",
		"csv": html.UnescapeString(kept[1])}, nil, ""), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 4 agencies from sheriffs.csv.")
	got := directory(t, b, b.fx.Ctx)
	require.Len(t, got, 4)
	alameda := got["Alameda County Sheriff's Office"]
	require.NotNil(t, alameda)
	for _, f := range []struct{ name, want, got string }{
		{"jurisdiction", "us-ca", alameda.Jurisdiction},
		{"records_contact", "Records Unit", alameda.RecordsContact},
		{"email", "records@acso.example", alameda.Email},
		{"portal_url", "https://acso.example/records", alameda.PortalURL},
		{"phone", "(510) 555-0100", alameda.Phone},
		{"postal_address", "1401 Lakeside Drive\nOakland, CA 94612", alameda.PostalAddress},
		{"time_zone", "America/Los_Angeles", alameda.TimeZone},
	} {
		require.Equal(t, f.want, f.got, f.name)
	}
	require.Equal(t, "us-ca", got["Fresno County Sheriff's Office"].Jurisdiction)
	require.Equal(t, "https://kern.example", got["Kern County Sheriff's Office"].PortalURL)
	fbi := got["Federal Bureau of Investigation"]
	require.Equal(t, "us-federal", fbi.Jurisdiction)
	require.Equal(t, "America/Chicago", fbi.TimeZone, "a time zone given is kept")
}

// One row that cannot be added keeps every other out too, and the report
// names it by its line in the file, counted past a multi-line cell.
func TestAgencyImport_OneBadRowImportsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	file := "name,jurisdiction,postal_address,portal_url\n" +
		"Alameda County Sheriff's Office,us-ca,\"1401 Lakeside Drive\nOakland, CA 94612\",\n" +
		"Kern County Sheriff's Office,us-ca,,https://kern.example/" + strings.Repeat("x", 2000) + "\n"
	rec := b.importAgencies("import", "sheet.csv", []byte(file))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page := body(rec)
	require.Contains(t, page, "1 of 2 rows cannot be imported")
	require.Contains(t, page, "Row 4 (Kern County Sheriff&#39;s Office): portal_url: must be at most 2000 characters")
	require.NotContains(t, page, `value="import"`)
	require.Empty(t, directory(t, b, b.fx.Ctx))
}

// An agency the directory has (case and spaces aside) is left out and
// named, so a grown sheet imports again; the same name twice in one file
// is a problem.
func TestAgencyImport_AlreadyInTheDirectory(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	file := "name,jurisdiction,email\n" +
		"  SACRAMENTO COUNTY  sheriff’s department ,us-ny,changed@example.org\n" +
		"Alameda County Sheriff's Office,us-ca,\n"
	rec := b.importAgencies("check", "sheet.csv", []byte(file))
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page := body(rec)
	require.Contains(t, page, "Ready to import: 1 agency")
	require.Contains(t, page, "1 row in the directory already is left out")
	require.Contains(t, page, `in the directory already: <a href="/agencies/`+a.ID+`">Sacramento County Sheriff&#39;s Department</a>`)
	loc := requireRedirect(t, b.importAgencies("import", "sheet.csv", []byte(file)), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 1 agency from sheet.csv. 1 row in the directory already left out.")
	got := directory(t, b, b.fx.Ctx)
	require.Len(t, got, 2)
	sac := got[a.Name]
	require.Equal(t, "us-ca", sac.Jurisdiction, "the directory's agency is left as it was")
	require.Equal(t, a.Email, sac.Email)
	require.Equal(t, a.Version, sac.Version)

	// Again: nothing new, nothing added twice.
	check := body(b.importAgencies("check", "sheet.csv", []byte(file)))
	require.Contains(t, check, "Nothing new to import: the directory has every agency of the file")
	require.NotContains(t, check, `value="import"`, "nothing to import")
	loc = requireRedirect(t, b.importAgencies("import", "sheet.csv", []byte(file)), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 0 agencies from sheet.csv. 2 rows in the directory already left out.")
	require.Len(t, directory(t, b, b.fx.Ctx), 2)

	twice := "name,jurisdiction\nKern County Sheriff's Office,us-ca\nFresno County Sheriff's Office,us-ca\nkern county sheriff's office,CPRA\n"
	rec = b.importAgencies("import", "sheet.csv", []byte(twice))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	require.Contains(t, body(rec), "Row 4 (kern county sheriff&#39;s office): name: row 2 has it too")
	require.Len(t, directory(t, b, b.fx.Ctx), 2, "nothing saved")
}

// The law column takes a law's code, short name, state, the pages' label,
// the add form's label or its name, in any case; what names no law, or
// two, is the row's problem.
func TestAgencyImport_Jurisdictions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	for _, tc := range []struct {
		name, law string
		want      string // the law's label, or the problem
	}{
		{"code", "us-ca", "<td>California: CPRA</td>"},
		{"code in capitals", "US-CA", "<td>California: CPRA</td>"},
		{"short name", "cpra", "<td>California: CPRA</td>"},
		{"state", "California", "<td>California: CPRA</td>"},
		{"state's postal code", "CA", "<td>California: CPRA</td>"},
		{"another state's, in lower case", "tx", "<td>Texas: TPIA</td>"},
		{"the pages' label", "California: CPRA", "<td>California: CPRA</td>"},
		{"the label, spaced and cased", "  new york:   foil ", "<td>New York: FOIL</td>"},
		{"the add form's label", "Texas: Texas Public Information Act (TPIA)", "<td>Texas: TPIA</td>"},
		{"the law's name", "Right-to-Know Law", "<td>Pennsylvania: RTKL</td>"},
		{"federal", "FOIA", "<td>United States (federal): FOIA</td>"},
		{"a name two laws share", "Freedom of Information Act",
			"jurisdiction: &#34;Freedom of Information Act&#34; could be United States (federal): FOIA (us-federal) or Michigan: MI FOIA (us-mi): write its code"},
		{"unknown", "Calif.", "jurisdiction: &#34;Calif.&#34; is no law Sunshine knows"},
		{"empty", "", "jurisdiction: is required: write the law&#39;s code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := csvOf(t, [][]string{{"name", "jurisdiction"}, {"Agency " + tc.name, tc.law}}, ',')
			rec := b.importAgencies("check", "laws.csv", file)
			require.Equal(t, http.StatusOK, rec.Code, body(rec))
			require.Contains(t, body(rec), tc.want)
			require.NotContains(t, body(rec), "must be a supported jurisdiction", "the law's problem is said once")
		})
	}
}

// Excel on Windows saves "CSV" as Windows-1252 with semicolons where
// decimals take commas: it reads, accents and all.
func TestAgencyImport_Windows1252Semicolons(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	file := csvOf(t, [][]string{
		{"name", "jurisdiction", "records_contact", "postal_address"},
		{"Policía de San José", "California", "Unidad de Registros – Oficina", "201 West Mission Street; San José"},
	}, ';')
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes(file)
	require.NoError(t, err)
	require.False(t, strings.Contains(string(cp1252), "é"), "not UTF-8")
	loc := requireRedirect(t, b.importAgencies("import", "agencias.csv", cp1252), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 1 agency from agencias.csv.")
	a := directory(t, b, b.fx.Ctx)["Policía de San José"]
	require.NotNil(t, a)
	require.Equal(t, "us-ca", a.Jurisdiction)
	require.Equal(t, "Unidad de Registros – Oficina", a.RecordsContact)
	require.Equal(t, "201 West Mission Street; San José", a.PostalAddress)
}

// The template to download is itself an import: its example rows check.
func TestAgencyImport_Template(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	rec := b.get("/agencies/import/template.csv")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Contains(t, rec.Header().Get("Content-Disposition"), "sunshine-agencies.csv")
	rec = b.importAgencies("check", "sunshine-agencies.csv", rec.Body.Bytes())
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	page := body(rec)
	require.Contains(t, page, "Ready to import: 2 agencies")
	require.Contains(t, page, "<td>Sacramento County Sheriff&#39;s Department</td><td>California: CPRA</td><td>America/Los_Angeles</td>")
	require.NotContains(t, page, "Columns left out")
	require.Empty(t, directory(t, b, b.fx.Ctx))
}

// The directory's CSV export, in the import's columns, imports into
// another organization as the same agencies, cells a spreadsheet would
// run as formulas included; into its own, every row is left out.
func TestAgencyImport_ReadsTheExport(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	fbi := &sunshine.Agency{Name: "=Federal Bureau of Investigation", Jurisdiction: "us-federal", Phone: "+1 202 324 3000",
		PostalAddress: "170 Marcel Drive\nWinchester, VA 22602", TimeZone: "America/Chicago"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, fbi))
	export := b.get("/export/agencies.csv")
	require.Equal(t, http.StatusOK, export.Code)
	require.Equal(t, `attachment; filename="agencies.csv"`, export.Header().Get("Content-Disposition"))
	require.True(t, strings.HasPrefix(export.Body.String(), "\ufeffname,jurisdiction,records_contact,email,portal_url,phone,postal_address,time_zone\n"))
	require.Contains(t, export.Body.String(), `'=Federal Bureau of Investigation,us-federal,,,,'+1 202 324 3000,"170 Marcel Drive`)

	loc := requireRedirect(t, b.importAgencies("import", "agencies.csv", export.Body.Bytes()), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 0 agencies from agencies.csv. 2 rows in the directory already left out.")

	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	b.login(other.Admin.Email)
	require.NotContains(t, body(b.get("/export/agencies.csv")), "Sacramento", "another organization's directory")
	loc = requireRedirect(t, b.importAgencies("import", "agencies.csv", export.Body.Bytes()), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 2 agencies from agencies.csv.")
	got := directory(t, b, other.Ctx)
	require.Len(t, got, 2)
	for _, orig := range []*sunshine.Agency{a, fbi} {
		c := got[orig.Name]
		require.NotNil(t, c, orig.Name)
		require.NotEqual(t, orig.ID, c.ID)
		require.Equal(t, other.Org.ID, c.OrgID)
		orig.ID, orig.OrgID, orig.CreatedAt, orig.UpdatedAt, orig.Version = c.ID, c.OrgID, c.CreatedAt, c.UpdatedAt, c.Version
		require.Equal(t, *orig, *c)
	}
}
