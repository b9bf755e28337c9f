package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// FuzzCSVCell: whatever text a request holds, the CSV row reads back as
// the same cells, and no cell a spreadsheet would run as a formula.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "-12.5", "plain, \"quoted\"\nnew line", "\t=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		cell := sunshine.CSVSafe(v)
		if err := w.Write([]string{cell, "x"}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			return // the csv package refuses some input (e.g. invalid UTF-8 in quotes); nothing is written then
		}
		if len(rows) != 1 || rows[0][0] != strings.ReplaceAll(cell, "\r\n", "\n") && rows[0][0] != cell {
			t.Fatalf("%q wrote %q, read back %q", v, cell, rows)
		}
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && cell != v {
			t.Fatalf("%q: formula not neutralised: %q", v, cell)
		}
	})
}

// FuzzCalendarEvent: any title and agency name serialise into a calendar
// that parses back with the same summary.
func FuzzCalendarEvent(f *testing.F) {
	f.Add("All communications with ICE", "Sacramento County Sheriff's Department")
	f.Add("line\nbreak; comma, backslash\\", "BEGIN:VEVENT")
	f.Fuzz(func(t *testing.T, title, agency string) {
		if strings.ContainsAny(title+agency, "\r\x00") {
			return
		}
		cal := ics.NewCalendar()
		ev := cal.AddEvent("request-1@sunshine")
		ev.SetSummary("Due: " + title + " (" + agency + ")")
		out := cal.Serialize()
		back, err := ics.ParseCalendar(strings.NewReader(out))
		if err != nil {
			t.Fatalf("serialised calendar does not parse: %v\n%s", err, out)
		}
		evs := back.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events after a round trip:\n%s", len(evs), out)
		}
		if got := evs[0].GetProperty(ics.ComponentPropertySummary).Value; got != "Due: "+title+" ("+agency+")" {
			t.Fatalf("summary %q became %q", "Due: "+title+" ("+agency+")", got)
		}
	})
}

// The archive's timeline.json, written a page at a time, is byte for byte
// what encoding the whole list at once wrote.
func TestWriteTimeline_SameAsOneArray(t *testing.T) {
	events := make([]*sunshine.Event, 5)
	for i := range events {
		events[i] = &sunshine.Event{ID: strings.Repeat(string(rune('a'+i)), 8), Kind: sunshine.EventCommEdited,
			Note: "<b>note</b>", Data: json.RawMessage(`{"previous": {"body": "line 1\nline 2"}}`)}
	}
	for _, tc := range []struct {
		name  string
		pages [][]*sunshine.Event
	}{
		{"none", [][]*sunshine.Event{{}}},
		{"one page", [][]*sunshine.Event{events}},
		{"three pages", [][]*sunshine.Event{events[:2], events[2:3], events[3:]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var all []*sunshine.Event
			for _, p := range tc.pages {
				all = append(all, p...)
			}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if all == nil {
				all = []*sunshine.Event{}
			}
			if err := enc.Encode(all); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			i := 0
			err := writeTimeline(&got, func(string) ([]*sunshine.Event, string, error) {
				p, next := tc.pages[i], ""
				if i++; i < len(tc.pages) {
					next = "more"
				}
				return p, next, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

// SetCSVPage sets how many requests srv's CSV export reads at a time.
func SetCSVPage(srv *Server, n int) { srv.csvPage = n }

// Each document in a request's ZIP gets its own name, apart from case too:
// Windows and macOS would unpack Report.pdf and report.pdf into one file.
func TestUniqueName(t *testing.T) {
	used := map[string]bool{}
	var got []string
	for _, name := range []string{"a.pdf", "a.pdf", "A.PDF", "Report.pdf", "report.pdf", "notes", "notes"} {
		got = append(got, uniqueName(used, name))
	}
	require.Equal(t, []string{"a.pdf", "a (2).pdf", "A (3).PDF", "Report.pdf", "report (2).pdf", "notes", "notes (2)"}, got)
}

// HoldArchive takes srv's one organization archive slot, as a download
// in progress would, until release.
func HoldArchive(srv *Server) (release func()) {
	srv.archives <- struct{}{}
	return func() { <-srv.archives }
}

// A download cut after its headers (a streamed export that failed) is in
// the access log, as an error, with why.
func TestAccessLog_CutDownload(t *testing.T) {
	logs := &lockedBuffer{}
	s := New(nil, Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	s.engine.GET("/api/v1/cut", func(c *gin.Context) {
		c.Status(http.StatusOK)
		_, _ = c.Writer.WriteString("the first part")
		_ = c.Error(errors.New("reading document 7: disk gone"))
		panic(http.ErrAbortHandler)
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/cut")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	require.Error(t, err, "the client sees a broken body")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"cut":true`) }, 5*time.Second, 10*time.Millisecond)
	var line map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line))
	require.Equal(t, "ERROR", line["level"])
	require.Equal(t, "/api/v1/cut", line["route"])
	require.Contains(t, line["err"], "disk gone")
}

// lockedBuffer is a log written by the server's goroutines and read by the
// test's.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
