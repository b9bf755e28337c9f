package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// setupCommitted is setup over a store that commits (storetest.DB), so that
// a colleague's edit made while a download streams is seen by the next
// statement of a store that reads without a snapshot.
func setupCommitted(t *testing.T) *testBundle {
	t.Helper()
	clk := sunshine.NewFixedClock(now)
	st := store.New(storetest.DB(t), clk)
	fx := storetest.Org(t, st, "ndlon")
	logs := &bytes.Buffer{}
	srv := api.New(st, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	return &testBundle{t: t, srv: srv, st: st, fx: fx, token: fx.Token, logs: logs, clk: clk}
}

// hookWriter records a response and calls onWrite with the body so far
// after each write that reaches it: between the pages a download flushes.
type hookWriter struct {
	*httptest.ResponseRecorder
	onWrite func(body []byte)
}

func (w *hookWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseRecorder.Write(p)
	w.onWrite(w.Body.Bytes())
	return n, err
}

func (w *hookWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// download GETs path as the admin through w.
func (b *testBundle) download(path string, onWrite func(body []byte)) *httptest.ResponseRecorder {
	b.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+b.token)
	w := &hookWriter{ResponseRecorder: httptest.NewRecorder(), onWrite: onWrite}
	b.srv.ServeHTTP(w, req)
	return w.ResponseRecorder
}

// A request whose custom due date moves it to a page the CSV export has
// already written is in the file once, as it was when the export began:
// every page is read from one snapshot.
func TestRequestsCSV_OneSnapshot(t *testing.T) {
	t.Parallel()
	b := setupCommitted(t)
	api.SetCSVPage(b.srv, 2)
	a := b.agency("Sacramento County Sheriff's Department", "us-ca")
	first := b.request(a, "2017-03-20")  // due 30 March
	second := b.request(a, "2017-03-27") // due 6 April
	third := b.request(a, "2017-03-28")  // due 7 April: the second page

	moved := false
	rec := b.download("/api/v1/requests.csv", func(body []byte) {
		if moved || !bytes.Contains(body, []byte(second)) {
			return
		}
		moved = true // between the pages: a colleague agrees an earlier date for the third
		_, err := b.st.SetCustomDueOn(b.fx.Ctx, third, deadline.MustParseDate("2017-03-29"), "agreed by phone")
		require.NoError(t, err)
	})
	require.True(t, moved)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	rows, err := csv.NewReader(rec.Body).ReadAll()
	require.NoError(t, err)
	var ids, due []string
	for _, row := range rows[1:] {
		ids, due = append(ids, row[0]), append(due, row[6])
	}
	require.Equal(t, []string{first, second, third}, ids, "every request once, in the snapshot's order")
	require.Equal(t, "2017-04-07", due[2], "as it was when the export began")

	rec = b.raw("/api/v1/requests.csv")
	rows, err = csv.NewReader(rec.Body).ReadAll()
	require.NoError(t, err)
	require.Equal(t, third, rows[1][0], "the next export has the edit")
}

// A communication logged while a request's archive streams is in neither
// the archive nor its request.json: every part is read from one snapshot.
func TestRequestZip_OneSnapshot(t *testing.T) {
	t.Parallel()
	b := setupCommitted(t)
	a := b.agency("Sacramento County Sheriff's Department", "us-ca")
	id := b.request(a, "2017-03-27")
	// More communications than a page holds, with bodies that do not
	// compress, so that the archive reaches the client before the last page.
	rnd := rand.New(rand.NewPCG(1, 2))
	letter := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteByte(byte('a' + rnd.IntN(26)))
		}
		return sb.String()
	}
	const logged = 25
	for i := range logged {
		_, _, err := b.st.CreateCommunication(b.fx.Ctx, id, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindOther,
			OccurredOn: deadline.MustParseDate("2017-03-28"), Subject: fmt.Sprintf("Note %d", i), Body: letter(2000)}})
		require.NoError(t, err)
	}
	before := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, http.StatusOK, before.status())

	added := false
	rec := b.download("/api/v1/requests/"+id+"/export.zip", func([]byte) {
		if added {
			return
		}
		added = true // a colleague logs a reply, dated after every other
		_, _, err := b.st.CreateCommunication(b.fx.Ctx, id, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther,
			OccurredOn: deadline.MustParseDate("2017-04-04"), Subject: "Reply", Body: "Late reply."}})
		require.NoError(t, err)
	})
	require.True(t, added)
	require.Equal(t, http.StatusOK, rec.Code)
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	require.NoError(t, err)
	comms := 0
	var req map[string]any
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "communications/") {
			comms++
		}
		if f.Name == "request.json" {
			rc, err := f.Open()
			require.NoError(t, err)
			raw, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(raw, &req))
		}
	}
	require.Equal(t, logged, comms, "the communications as of request.json")
	require.Equal(t, before.body["version"], req["version"])
	require.Equal(t, before.body["last_communication_on"], req["last_communication_on"])
}
