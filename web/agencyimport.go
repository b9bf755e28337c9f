package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// agencyColumns are the columns of the directory's CSV: what an agency
// import reads, the template and the export write
// (sunshine.AgencyCSVHeader); agencyAliases are other names spreadsheets
// give them.
var (
	agencyColumns = sunshine.AgencyCSVHeader
	agencyAliases = map[string]string{
		"agency": "name", "agency_name": "name",
		"law": "jurisdiction", "state": "jurisdiction",
		"contact": "records_contact", "records_officer": "records_contact",
		"email_address": "email", "e_mail": "email",
		"website": "portal_url", "portal": "portal_url", "url": "portal_url", "portal_address": "portal_url",
		"telephone": "phone", "phone_number": "phone",
		"address": "postal_address", "mailing_address": "postal_address",
		"timezone": "time_zone",
	}
)

// agencyImportRow is one line of an agency import: the agency it adds,
// or why it cannot.
type agencyImportRow struct {
	Line     int
	Name     string // as written
	Law      string // the law's label, or the cell as written when it names none
	TimeZone string // once checked: the one given, or the law's
	Problems []string
	// Already is the agency of the directory with this row's name: the
	// row is left out, so a sheet grown since imports again.
	Already *sunshine.Agency

	agency *sunshine.Agency
}

type agencyImportData struct {
	importFile
	Ignored  []string
	Rows     []*agencyImportRow
	Problems int                      // rows with problems
	Already  int                      // rows whose agency is in the directory already
	Laws     []*deadline.Jurisdiction // the laws a row may name, listed on the page

	directory map[string]*sunshine.Agency // by nameKey
}

func (d *agencyImportData) problemRows() int                     { return d.Problems }
func (d *agencyImportData) read(s *Server, c *gin.Context) error { return s.readAgencyImport(c, d) }

func (d *agencyImportData) done() (path, note string) {
	note = fmt.Sprintf("Imported %s from %s.", d.NewAgencies(), d.Filename)
	if d.Already > 0 {
		note += " " + counted(d.Already, "row") + " in the directory already left out."
	}
	return "/agencies", note
}

// New is how many agencies the import adds.
func (d agencyImportData) New() int { return len(d.Rows) - d.Problems - d.Already }

// NewAgencies is New in words: "1 agency", "58 agencies".
func (d agencyImportData) NewAgencies() string { return countedAgencies(d.New()) }

// Path and NewWords are what the import form says (importForm).
func (d agencyImportData) Path() string     { return "/agencies/import" }
func (d agencyImportData) NewWords() string { return d.NewAgencies() }

// AlreadyRows is Already in words: "1 row", "3 rows".
func (d agencyImportData) AlreadyRows() string { return counted(d.Already, "row") }

func countedAgencies(n int) string {
	if n == 1 {
		return "1 agency"
	}
	return fmt.Sprintf("%d agencies", n)
}

const agencyImportTitle = "Import agencies"

// handleAgencyImportTemplate answers a CSV to fill in: the directory's
// columns and two example rows (to replace), the law written two ways.
func (s *Server) handleAgencyImportTemplate(c *gin.Context) {
	c.Header("Content-Disposition", `attachment; filename="sunshine-agencies.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	w := csv.NewWriter(c.Writer)
	_, _ = c.Writer.WriteString(sunshine.UTF8BOM) // Excel then reads it as UTF-8
	_ = w.WriteAll([][]string{
		agencyColumns,
		{"Sacramento County Sheriff's Department", "California: CPRA", "Public Records Unit", "records@sheriff.example",
			"https://sheriff.example/records", "(916) 874-5115", "4500 Orange Grove Avenue\nSacramento, CA 95841", ""},
		{"Federal Bureau of Investigation", "us-federal", "Record/Information Dissemination Section", "",
			"https://efoia.fbi.gov", "", "", "America/New_York"},
	})
}

// handleAgenciesCSV is GET /export/agencies.csv: the directory, in the
// columns an agency import reads, every cell safe to open in a
// spreadsheet.
func (s *Server) handleAgenciesCSV(c *gin.Context) {
	as, err := s.allAgencies(ctxOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="agencies.csv"`)
	c.Header("Cache-Control", "no-store")
	_ = sunshine.WriteAgenciesCSV(c.Writer, as) // a client gone midway is no server error
}

func (s *Server) handleAgencyImportPage(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	s.render(c, http.StatusOK, "agency_import", agencyImportTitle, agencyImportData{Laws: deadline.Jurisdictions()})
}

// handleAgencyImport checks a spreadsheet of agencies, or imports it:
// every row or none, in one transaction, each row added as the directory's
// form adds one. A row naming an agency of the directory is left out.
func (s *Server) handleAgencyImport(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	s.runImport(c, ctxOf(c), "agency_import", agencyImportTitle, &agencyImportData{Laws: deadline.Jurisdictions()})
}

// readAgencyImport parses d.CSV into rows, each with the agency it adds or
// the problems found before any is added.
func (s *Server) readAgencyImport(c *gin.Context, d *agencyImportData) error {
	sh, err := readSheet(d.CSV, importMaxRows)
	if err != nil {
		return err
	}
	col, ignored := columnsOf(sh.Header, agencyColumns, agencyAliases)
	d.Ignored = ignored
	for _, need := range []string{"name", "jurisdiction"} {
		if _, ok := col[need]; !ok {
			return fileProblemf("The first row must name the columns, among them %q and %q; this file has no %q column.", "name", "jurisdiction", need)
		}
	}
	as, err := s.allAgencies(ctxOf(c))
	if err != nil {
		return err
	}
	d.directory = map[string]*sunshine.Agency{}
	for _, a := range as {
		d.directory[nameKey(a.Name)] = a
	}
	for n, rec := range sh.Rows {
		if blank(rec) {
			continue
		}
		cell := func(name string) string { return col.cell(rec, name) }
		a := &sunshine.Agency{Name: cell("name"), RecordsContact: cell("records_contact"), Email: cell("email"),
			PortalURL: cell("portal_url"), Phone: cell("phone"), PostalAddress: cell("postal_address"), TimeZone: cell("time_zone")}
		row := &agencyImportRow{Line: sh.Lines[n], Name: a.Name, Law: cell("jurisdiction"), agency: a}
		code, problem := lawOf(cell("jurisdiction"))
		if problem != "" {
			row.Problems = append(row.Problems, "jurisdiction: "+problem)
		} else {
			a.Jurisdiction, row.Law = code, lawLabel(code)
		}
		// What creating it would refuse, said now beside the law's
		// problem (on a copy: the create validates again).
		check := *a
		if err := check.Validate(); err != nil {
			for _, p := range problemsOf(err) {
				if problem == "" || !strings.HasPrefix(p, "jurisdiction: ") {
					row.Problems = append(row.Problems, p)
				}
			}
		}
		if len(row.Problems) > 0 {
			d.Problems++
		}
		d.Rows = append(d.Rows, row)
	}
	return nil
}

// add adds d's rows' agencies through st, one transaction's store, noting
// on each row what came of it; an error is the database's.
func (d *agencyImportData) add(ctx context.Context, st *store.Store) error {
	seen := map[string]int{} // the rows of the file by name
	for _, r := range d.Rows {
		key := nameKey(r.agency.Name)
		if key == "" {
			continue // its problem is said: the name is required
		}
		if prior := d.directory[key]; prior != nil {
			// In the directory already, whatever the row says now: a
			// sheet grown since imports again.
			if len(r.Problems) > 0 {
				r.Problems, d.Problems = nil, d.Problems-1
			}
			r.Already, d.Already = prior, d.Already+1
			continue
		}
		if line := seen[key]; line != 0 {
			if len(r.Problems) == 0 {
				d.Problems++
			}
			r.Problems = append(r.Problems, fmt.Sprintf("name: row %d has it too", line))
			continue
		}
		seen[key] = r.Line
		if len(r.Problems) > 0 {
			continue
		}
		switch err := st.CreateAgency(ctx, r.agency); {
		case err == nil:
			r.TimeZone = r.agency.TimeZone
		case sunshine.ErrorCode(err) == sunshine.EInternal:
			return err
		default:
			r.Problems = append(r.Problems, problemsOf(err)...)
			d.Problems++
		}
	}
	return nil
}

// lawSpellings maps each way a sheet may name a law, as nameKey reads it,
// to the codes of the laws it may mean: the code ("us-ca"), the short name
// ("CPRA"), the region ("California") or its postal code ("CA"), the pages' label ("California:
// CPRA"), the add form's ("California: California Public Records Act
// (CPRA)") and the law's name ("Freedom of Information Act", two laws').
var lawSpellings = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, j := range deadline.Jurisdictions() {
		spellings := []string{j.Code, j.ShortName, j.Region, j.Region + ": " + j.ShortName,
			j.Region + ": " + j.Law + " (" + j.ShortName + ")", j.Law}
		if state, ok := strings.CutPrefix(j.Code, "us-"); ok && len(state) == 2 {
			spellings = append(spellings, state) // the postal code: "CA"
		}
		for _, v := range spellings {
			if k := nameKey(v); !slices.Contains(out[k], j.Code) {
				out[k] = append(out[k], j.Code)
			}
		}
	}
	return out
})

// lawOf is the code of the law v names, or what is wrong with v.
func lawOf(v string) (code, problem string) {
	const how = `write the law's code, short name or state, as us-ca, CPRA, California, CA or "California: CPRA" (the laws are listed on the import page)`
	if strings.TrimSpace(v) == "" {
		return "", "is required: " + how
	}
	switch codes := lawSpellings()[nameKey(v)]; len(codes) {
	case 0:
		return "", fmt.Sprintf("%q is no law Sunshine knows; %s", v, how)
	case 1:
		return codes[0], ""
	default:
		labels := make([]string, len(codes))
		for i, c := range codes {
			labels[i] = fmt.Sprintf("%s (%s)", lawLabel(c), c)
		}
		return "", fmt.Sprintf("%q could be %s: write its code", v, strings.Join(labels, " or "))
	}
}
