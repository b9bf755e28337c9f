package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// pages follows a list's next_cursor from its first page to its last and
// returns every item's ID in order, and how many pages there were.
func (b *testBundle) pages(path string, limit int) (ids []string, pages int) {
	b.t.Helper()
	cursor := ""
	for {
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := b.call("GET", path+"?"+q.Encode(), b.token, nil)
		require.Equal(b.t, http.StatusOK, r.status(), r.rec.Body.String())
		require.LessOrEqual(b.t, len(r.items()), limit)
		pages++
		for _, it := range r.items() {
			ids = append(ids, it["id"].(string))
		}
		next, ok := r.body["next_cursor"].(string)
		if !ok {
			return ids, pages
		}
		require.NotEmpty(b.t, r.items(), "a page with a next cursor has items")
		cursor = next
	}
}

// A request's history (communications, documents, timeline) comes in pages:
// a long rolling production would otherwise be one answer of hundreds of
// bodies of up to 1 MB each.
func TestRequestHistory_Pages(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	const n = 51 // more than a default page of 50, and than the archive's pages of 20
	var created []string
	for i := range n {
		// Several on each day: within a day the test's transaction gives
		// them one created_at, so the ID alone orders them.
		day := fmt.Sprintf("2017-03-%02d", 28+i%4)
		r := b.communication(id, map[string]any{"direction": "out", "channel": "email", "kind": "follow_up",
			"occurred_on": day, "subject": fmt.Sprintf("Follow-up %d", i+1)})
		created = append(created, r.str("communication.id"))
	}
	for i := range 3 {
		r := b.upload(id, "", fmt.Sprintf("letter-%d.txt", i+1), "text/plain", []byte("released page"))
		require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	}

	for _, tc := range []struct {
		list  string
		limit int
		count int // items in all
		pages int
	}{
		{"communications", 7, n, 8},
		{"communications", n, n, 1},
		{"documents", 2, 3, 2},
		{"events", 10, 2 + n + 3, 6}, // created, due date set, each communication, each upload
	} {
		t.Run(fmt.Sprintf("%s by %d", tc.list, tc.limit), func(t *testing.T) {
			path := "/api/v1/requests/" + id + "/" + tc.list
			whole := b.call("GET", path+"?limit=200", b.token, nil)
			require.Nil(t, whole.body["next_cursor"])
			var want []string
			for _, it := range whole.items() {
				want = append(want, it["id"].(string))
			}
			got, pages := b.pages(path, tc.limit)
			require.Equal(t, want, got, "the pages join up to the whole list, in its order")
			require.Len(t, got, tc.count)
			require.Equal(t, tc.pages, pages)
		})
	}

	comms := b.call("GET", "/api/v1/requests/"+id+"/communications?limit=200", b.token, nil).items()
	var days []string
	var ids []string
	for _, c := range comms {
		days = append(days, c["occurred_on"].(string))
		ids = append(ids, c["id"].(string))
	}
	require.True(t, slices.IsSorted(days), "oldest first: %v", days)
	require.ElementsMatch(t, created, ids)
	first := b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil)
	require.Len(t, first.items(), 50, "a page holds 50 by default")
	require.NotNil(t, first.body["next_cursor"])

	// The archive holds every communication, though it reads them a page at a time.
	rec := b.raw("/api/v1/requests/" + id + "/export.zip")
	require.Equal(t, http.StatusOK, rec.Code)
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		if len(f.Name) > 15 && f.Name[:15] == "communications/" {
			names = append(names, f.Name)
		}
	}
	require.Len(t, names, n)
	for i, c := range comms {
		require.Equal(t, fmt.Sprintf("communications/%03d-%s-out-follow_up.txt", i+1, c["occurred_on"]), names[i])
	}
	// And its timeline, written a page at a time, is the events list whole.
	f, err := zr.Open("timeline.json")
	require.NoError(t, err)
	var timeline []map[string]any
	require.NoError(t, json.NewDecoder(f).Decode(&timeline))
	events, _ := b.pages("/api/v1/requests/"+id+"/events", 200)
	require.Len(t, timeline, len(events))
	require.Greater(t, len(timeline), 50, "more than one page")
	for i, e := range timeline {
		require.Equal(t, events[i], e["id"])
	}

	docs := b.call("GET", "/api/v1/requests/"+id+"/documents?limit=1", b.token, nil)
	docCursor := docs.body["next_cursor"].(string)
	// Another list's cursor, even one of the same shape, or one of another
	// request's timeline, is refused.
	otherRequest := b.request(b.agency("Police", "us-ca"), "2017-03-27")
	otherEvents := b.call("GET", "/api/v1/requests/"+otherRequest+"/events?limit=1", b.token, nil).body["next_cursor"].(string)
	for _, path := range []string{"/api/v1/reminders?cursor=" + docCursor, "/api/v1/requests/" + id + "/events?cursor=" + otherEvents} {
		r := b.call("GET", path, b.token, nil)
		require.Equal(t, http.StatusBadRequest, r.status(), path)
		require.Equal(t, []string{"cursor"}, r.fieldErrors(), path)
	}
	for _, list := range []string{"communications", "documents", "events"} {
		for _, tc := range []struct{ query, field string }{
			{"limit=0", "limit"},
			{"limit=201", "limit"},
			{"cursor=zzz", "cursor"},
			{"page=2", "page"},
		} {
			r := b.call("GET", "/api/v1/requests/"+id+"/"+list+"?"+tc.query, b.token, nil)
			require.Equal(t, http.StatusBadRequest, r.status(), list+"?"+tc.query)
			require.Equal(t, []string{tc.field}, r.fieldErrors(), list+"?"+tc.query)
		}
		if list != "documents" {
			r := b.call("GET", "/api/v1/requests/"+id+"/"+list+"?cursor="+docCursor, b.token, nil)
			require.Equal(t, http.StatusBadRequest, r.status(), "a documents cursor on %s", list)
			require.Equal(t, []string{"cursor"}, r.fieldErrors())
		}
	}
}
