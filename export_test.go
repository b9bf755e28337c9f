package sunshine_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

func TestLocation(t *testing.T) {
	assert.Equal(t, "America/Los_Angeles", sunshine.Location("America/Los_Angeles").String())
	assert.Same(t, sunshine.Location("America/Chicago"), sunshine.Location("America/Chicago"), "loaded once")
	assert.Equal(t, time.UTC, sunshine.Location("Mars/Olympus_Mons"))
	assert.Equal(t, time.UTC, sunshine.Location(""))
}

func TestRequestToday(t *testing.T) {
	// 03:00 UTC on 1 Dec is still 30 Nov in California.
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	r := &sunshine.Request{TimeZone: "America/Los_Angeles"}
	assert.Equal(t, deadline.MustParseDate("2026-11-30"), r.Today(now))
	r.TimeZone = "Europe/Berlin"
	assert.Equal(t, deadline.MustParseDate("2026-12-01"), r.Today(now))
}

func TestWriteCSV(t *testing.T) {
	page := func(titles ...string) []*sunshine.Request {
		var rs []*sunshine.Request
		for _, title := range titles {
			rs = append(rs, &sunshine.Request{ID: title, Title: title, TimeZone: "UTC"})
		}
		return rs
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

	t.Run("every page in order, header first", func(t *testing.T) {
		var buf bytes.Buffer
		var asked []string
		err := sunshine.WriteCSV(&buf, now, page("a", "b"), "c1", func(after string) ([]*sunshine.Request, string, error) {
			asked = append(asked, after)
			if after == "c1" {
				return page("=c"), "c2", nil
			}
			return page("d"), "", nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"c1", "c2"}, asked)
		rows, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 5)
		assert.Equal(t, sunshine.CSVHeader, rows[0])
		var titles []string
		for _, row := range rows[1:] {
			titles = append(titles, row[1])
		}
		assert.Equal(t, []string{"a", "b", "'=c", "d"}, titles, "formula cells quoted")
	})

	t.Run("a failed page is returned after the rows so far", func(t *testing.T) {
		var buf bytes.Buffer
		boom := errors.New("connection reset")
		err := sunshine.WriteCSV(&buf, now, page("a"), "c1", func(string) ([]*sunshine.Request, string, error) {
			return nil, "", boom
		})
		assert.ErrorIs(t, err, boom)
		rows, _ := csv.NewReader(&buf).ReadAll()
		assert.Len(t, rows, 2)
	})
}

// The export keeps due_on the effective due date (here the statutory one,
// met by the acknowledgment) and adds the agency's estimate and the date to
// follow; a passed estimate is not counted as days overdue.
func TestCSVRecord_AgencyEstimate(t *testing.T) {
	today := deadline.MustParseDate("2026-12-05")
	r := &sunshine.Request{ID: "r1", Title: "Stop-and-frisk data", Jurisdiction: "us-ny", Status: sunshine.StatusAcknowledged,
		ReceivedOn: deadline.MustParseDate("2026-11-20"), DueOn: deadline.MustParseDate("2026-11-30"),
		AgencyEstimatedOn: deadline.MustParseDate("2026-12-04")}
	row := sunshine.CSVRecord(r, today)
	cell := csvCells(t, row)
	assert.Equal(t, "2026-11-30", cell["due_on"])
	assert.Equal(t, "", cell["days_overdue"], "the statutory date was met")
	assert.Equal(t, "2026-12-04", cell["agency_estimated_on"])
	assert.Equal(t, "2026-12-04", cell["follow_on"])

	// A date agreed with the agency is followed instead; a closed request
	// has nothing to follow.
	r.CustomDueOn = deadline.MustParseDate("2026-12-10")
	assert.Equal(t, "2026-12-10", sunshine.CSVRecord(r, today)[14])
	r.CustomDueOn, r.Status = deadline.Date{}, sunshine.StatusFulfilled
	assert.Equal(t, "", sunshine.CSVRecord(r, today)[14])
	assert.Equal(t, []string{"agency_estimated_on", "follow_on"}, sunshine.CSVHeader[13:15], "new columns at the end")
}

// What a request was filed with comes back out: the sent date and how,
// the law's own date beside a custom one, the tags and the text, each
// cell still safe in a spreadsheet.
func TestCSVRecord_FiledWith(t *testing.T) {
	today := deadline.MustParseDate("2017-04-05")
	r := &sunshine.Request{ID: "r1", Title: "Use-of-force reports", Jurisdiction: "us-ca", Status: sunshine.StatusSubmitted,
		SentOn: deadline.MustParseDate("2017-03-26"), DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27"), DueOn: deadline.MustParseDate("2017-04-06"),
		CustomDueOn: deadline.MustParseDate("2017-04-20"), Tags: []string{"police", "use of force"},
		Description: "=HYPERLINK(\"http://evil.example\")\nAll reports since 2016."}
	row := sunshine.CSVRecord(r, today)
	cell := csvCells(t, row)
	assert.Equal(t, "2017-03-26", cell["sent_on"])
	assert.Equal(t, "email", cell["delivery_method"])
	assert.Equal(t, "2017-04-20", cell["due_on"], "the custom date")
	assert.Equal(t, "2017-04-06", cell["statutory_due_on"], "the law's")
	assert.Equal(t, "police; use of force", cell["tags"])
	assert.Equal(t, "'=HYPERLINK(\"http://evil.example\")\nAll reports since 2016.", cell["description"], "formula quoted")
	assert.Equal(t, []string{"sent_on", "delivery_method", "statutory_due_on", "tags", "description"}, sunshine.CSVHeader[15:20], "new columns at the end")
}

// A request imported from another system keeps its reference there in the
// last column, quoted like any typed cell; one without has it empty.
func TestCSVRecord_ExternalID(t *testing.T) {
	today := deadline.MustParseDate("2017-04-05")
	r := &sunshine.Request{ID: "r1", Title: "Jail contracts", Jurisdiction: "us-ca", Status: sunshine.StatusDraft}
	assert.Equal(t, "", csvCells(t, sunshine.CSVRecord(r, today))["external_id"])
	for id, cell := range map[string]string{"MR-123456": "MR-123456", "-17": "-17", "=A1": "'=A1"} {
		r.ExternalID = &id
		assert.Equal(t, cell, csvCells(t, sunshine.CSVRecord(r, today))["external_id"], id)
	}
	assert.Equal(t, []string{"description", "external_id"}, sunshine.CSVHeader[19:21], "new columns at the end")
}

// status_on is the day the request reached its status, where the request
// records it or (rolling production, appeal, litigation) its timeline, so
// that an import of the export files it there.
func TestCSVRecord_StatusOn(t *testing.T) {
	today := deadline.MustParseDate("2017-04-05")
	d := deadline.MustParseDate
	for _, tc := range []struct {
		name string
		r    sunshine.Request
		want string
	}{
		{"submitted", sunshine.Request{Status: sunshine.StatusSubmitted, ReceivedOn: d("2017-03-27")}, ""},
		{"acknowledged", sunshine.Request{Status: sunshine.StatusAcknowledged, AcknowledgedOn: d("2017-03-29")}, "2017-03-29"},
		{"waiting on us", sunshine.Request{Status: sunshine.StatusAwaitingRequester, AcknowledgedOn: d("2017-03-29"),
			Pauses: []deadline.Pause{{From: d("2017-03-28"), To: d("2017-03-29")}, {From: d("2017-03-31")}}}, "2017-03-31"},
		{"denied", sunshine.Request{Status: sunshine.StatusDenied, AcknowledgedOn: d("2017-03-29"), ClosedOn: d("2017-04-03")}, "2017-04-03"},
		// From the timeline, when the export read it: not the first response.
		{"rolling production", sunshine.Request{Status: sunshine.StatusRollingProduction, AcknowledgedOn: d("2017-03-29"),
			StatusChangedOn: d("2017-04-02")}, "2017-04-02"},
		{"appealed", sunshine.Request{Status: sunshine.StatusAppealed, ClosedOn: d("2017-04-01"), StatusChangedOn: d("2017-04-04")}, "2017-04-04"},
		{"in litigation", sunshine.Request{Status: sunshine.StatusInLitigation, StatusChangedOn: d("2017-04-05")}, "2017-04-05"},
		{"rolling production, timeline not read", sunshine.Request{Status: sunshine.StatusRollingProduction, AcknowledgedOn: d("2017-03-29")}, ""},
	} {
		r := tc.r
		assert.Equal(t, tc.want, csvCells(t, sunshine.CSVRecord(&r, today))["status_on"], tc.name)
	}
	assert.Equal(t, []string{"external_id", "status_on"}, sunshine.CSVHeader[20:22], "new columns at the end")
}

// csvCells names a CSV row's cells by the header's columns.
func csvCells(t *testing.T, row []string) map[string]string {
	t.Helper()
	require.Len(t, row, len(sunshine.CSVHeader))
	cell := map[string]string{}
	for i, name := range sunshine.CSVHeader {
		cell[name] = row[i]
	}
	return cell
}

// group_id, at the end, joins the requests filed together; empty for a
// request filed alone.
func TestCSVRecord_GroupID(t *testing.T) {
	today := deadline.MustParseDate("2017-04-05")
	r := &sunshine.Request{ID: "r1", Title: "Jail contracts", Jurisdiction: "us-ca", Status: sunshine.StatusDraft}
	assert.Equal(t, "", csvCells(t, sunshine.CSVRecord(r, today))["group_id"])
	group := "8b226343-aa32-4727-81b8-b20121aaaa0b"
	r.GroupID = &group
	assert.Equal(t, group, csvCells(t, sunshine.CSVRecord(r, today))["group_id"])
	assert.Equal(t, []string{"external_id", "status_on", "group_id"}, sunshine.CSVHeader[20:], "new columns at the end")
}
