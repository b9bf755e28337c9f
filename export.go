package sunshine

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// CSVHeader names the columns of a requests export (CSVRecord's cells).
// due_on is the effective due date (the custom date, else the statutory
// one) and days_overdue counts from it; agency_estimated_on is the agency's
// own estimate, and follow_on the date to follow (Request.FollowOn): the
// estimate for an acknowledged FOIL or PRA request, whose due_on the
// acknowledgment met. sent_on, delivery_method, statutory_due_on (the
// law's date, before any custom one), tags (separated by "; ") and
// description give back what a request was filed with; external_id is the
// request's reference in the system it was imported from; status_on the
// day it reached its status, where known (Request.StatusSince), for an
// import to file it there; group_id joins the requests filed together
// (Request.GroupID). New columns go at the end, so a spreadsheet that
// reads columns by position keeps working.
var CSVHeader = []string{"id", "title", "agency", "jurisdiction", "status", "received_on", "due_on", "extended",
	"days_overdue", "tracking_number", "assignee", "last_communication_on", "closed_on",
	"agency_estimated_on", "follow_on", "sent_on", "delivery_method", "statutory_due_on", "tags", "description",
	"external_id", "status_on", "group_id"}

// CSVRecord is a request as one row of a CSV export, as of today (the
// agency's date), every cell safe to open in a spreadsheet. A passed
// agency's estimate is not counted in days_overdue: it is no statutory
// breach.
func CSVRecord(r *Request, today deadline.Date) []string {
	overdue := ""
	if r.Overdue(today) {
		overdue = strconv.Itoa(r.EffectiveDueOn().DaysUntil(today))
	}
	assignee, externalID, group := "", "", ""
	if r.AssigneeEmail != nil {
		assignee = *r.AssigneeEmail
	}
	if r.ExternalID != nil {
		externalID = *r.ExternalID
	}
	if r.GroupID != nil {
		group = *r.GroupID
	}
	row := []string{r.ID, r.Title, r.AgencyName, r.Jurisdiction, string(r.Status), r.ReceivedOn.String(),
		r.EffectiveDueOn().String(), strconv.FormatBool(r.Extended), overdue, r.TrackingNumber, assignee,
		r.LastCommunicationOn.String(), r.ClosedOn.String(), r.AgencyEstimatedOn.String(), r.FollowOn().String(),
		r.SentOn.String(), string(r.DeliveryMethod), r.DueOn.String(), strings.Join(r.Tags, "; "), r.Description,
		externalID, r.StatusSince().String(), group}
	for i, v := range row {
		row[i] = CSVSafe(v)
	}
	return row
}

// AgencyCSVHeader names the columns of the agency directory's CSV
// (AgencyCSVRecord's cells): what an agency import reads and an export
// writes, by the names the API gives an agency's fields, so that one
// organization's export is another's import.
var AgencyCSVHeader = []string{"name", "jurisdiction", "records_contact", "email", "portal_url", "phone", "postal_address", "time_zone"}

// AgencyCSVRecord is an agency as one row of the directory's CSV, every
// cell safe to open in a spreadsheet.
func AgencyCSVRecord(a *Agency) []string {
	row := []string{a.Name, a.Jurisdiction, a.RecordsContact, a.Email, a.PortalURL, a.Phone, a.PostalAddress, a.TimeZone}
	for i, v := range row {
		row[i] = CSVSafe(v)
	}
	return row
}

// WriteAgenciesCSV writes the directory as the CSV an agency import reads:
// a UTF-8 byte order mark (for Excel), the header, a row an agency.
func WriteAgenciesCSV(w io.Writer, as []*Agency) error {
	if _, err := io.WriteString(w, UTF8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(AgencyCSVHeader)
	for _, a := range as {
		_ = cw.Write(AgencyCSVRecord(a))
	}
	cw.Flush()
	return cw.Error()
}

// UTF8BOM starts a CSV meant for people, so that Excel opening it with a
// double-click reads UTF-8 ("Pérez", "2025–2026") rather than the
// system's code page. Sunshine's imports skip it.
const UTF8BOM = "\ufeff"

// CSVSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): text people typed that starts with = + - @ tab or CR gets a
// quote; numbers are left alone.
func CSVSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "'" + v
		}
	}
	return v
}

// WriteCSV writes a requests export to w: the header, the page rs, then each
// page more returns for the cursor next, flushing after every page so memory
// holds one page. It stops quietly when w fails (the client left) and returns
// more's error, by which time the output is already cut short.
func WriteCSV(w io.Writer, now time.Time, rs []*Request, next string,
	more func(after string) ([]*Request, string, error)) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(CSVHeader)
	for {
		for _, r := range rs {
			_ = cw.Write(CSVRecord(r, r.Today(now)))
		}
		cw.Flush()
		if next == "" || cw.Error() != nil {
			return nil
		}
		var err error
		if rs, next, err = more(next); err != nil {
			return err
		}
	}
}
