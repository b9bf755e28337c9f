package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

var boardLinkOnPage = regexp.MustCompile(`<input id="board-link" type="text" readonly value="https://sunshine.example(/shared/board/[A-Za-z0-9_-]{43})">`)

// A group's status board, shared from any request of the group: each
// agency's request with its status and dates and the documents marked
// shared, downloadable; kept out of search engines; a new link ends the
// old one and stopping ends it.
func TestStatusBoard(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	fresno := &sunshine.Agency{Name: "Fresno County Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, fresno))
	copies, err := b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: []string{fresno.ID}, ReceivedOn: deadline.MustParseDate("2017-03-28")})
	require.NoError(t, err)
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: copies[0].ID, Filename: "fresno-ice-emails.txt",
		ContentType: "text/plain", Content: strings.NewReader("Emails with ICE, released in part.")})
	require.NoError(t, err)
	_, err = b.st.SetDocumentShared(b.fx.Ctx, doc.ID, true)
	require.NoError(t, err)

	page := body(b.get("/requests/" + copies[0].ID))
	require.Contains(t, page, `<form method="post" action="/requests/`+copies[0].ID+`/board" id="board"><button type="submit" class="secondary" aria-describedby="board-hint">Share a status board</button></form>`)
	requireRedirect(t, b.post("/requests/"+copies[0].ID+"/board", nil), "/requests/"+copies[0].ID)
	page = body(b.get("/requests/" + r.ID))
	link := boardLinkOnPage.FindStringSubmatch(page)
	require.NotNil(t, link, "the link is on every request of the group")

	rec := b.get(link[1])
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "noindex, nofollow", rec.Header().Get("X-Robots-Tag"))
	board := html.UnescapeString(body(rec))
	require.Contains(t, board, "Shared by ndlon with Sunshine")
	require.Contains(t, board, "<h1>Communications with immigration authorities</h1>")
	require.Contains(t, board, "The same request, filed with 2 agencies:")
	require.Contains(t, board, `<th scope="row" data-label="Agency">Fresno County Sheriff</th>`)
	require.Contains(t, board, `<th scope="row" data-label="Agency">Sacramento County Sheriff's Department</th>`)
	require.Contains(t, board, "California: CPRA")
	require.Contains(t, board, `<a href="`+link[1]+`/documents/`+doc.ID+`" download>fresno-ice-emails.txt</a>`)
	require.NotContains(t, board, "R-2017-0042", "no tracking number, no notes: status and dates")
	dl := b.get(link[1] + "/documents/" + doc.ID)
	require.Equal(t, http.StatusOK, dl.Code)
	require.Contains(t, dl.Header().Get("Content-Disposition"), "attachment")
	require.Equal(t, "Emails with ICE, released in part.", body(dl))

	// The table as a spreadsheet, for a newsroom's chart: now is Wed 5
	// Apr; Sacramento's is due Thu 6 Apr, Fresno's (received a day
	// later) Fri 7 Apr.
	require.Contains(t, board, `<a href="`+link[1]+`/board.csv" download>Download this table as a spreadsheet (CSV)</a>`)
	csvRec := b.get(link[1] + "/board.csv")
	require.Equal(t, http.StatusOK, csvRec.Code)
	require.Equal(t, "noindex, nofollow", csvRec.Header().Get("X-Robots-Tag"))
	require.Contains(t, csvRec.Header().Get("Content-Disposition"), "status-board.csv")
	require.Equal(t, "\ufeffagency,law,status,sent_on,received_on,due_on,days_overdue,closed_on,documents_shared\n"+
		"Fresno County Sheriff,California: CPRA,submitted,,2017-03-28,2017-04-07,,,1\n"+
		"Sacramento County Sheriff's Department,California: CPRA,submitted,2017-03-27,2017-03-27,2017-04-06,,,0\n", body(csvRec))
	b.clk.Set(now.AddDate(0, 0, 3)) // Sat 8 Apr: both overdue
	require.Contains(t, body(b.get(link[1]+"/board.csv")), "2017-04-06,2,,0\n")
	b.clk.Set(now)

	// A last day, as a shared page's.
	rec = b.post("/requests/"+copies[0].ID+"/board/expiry", url.Values{"expires_on": {"2017-04-01"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="board-expiry-expires-on-error">must be today (2017-04-05) or later</p>`)
	requireRedirect(t, b.post("/requests/"+copies[0].ID+"/board/expiry", url.Values{"expires_on": {"2017-04-06"}}), "/requests/"+copies[0].ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "<p>Its link works until Thu 6 Apr 2017, then opens nothing.</p>")
	b.clk.Set(now.AddDate(0, 0, 2))
	require.Equal(t, http.StatusNotFound, b.get(link[1]).Code, "past its last day")
	require.Contains(t, body(b.get("/requests/"+r.ID)), "Its link stopped working after Thu 6 Apr 2017, its last day")
	b.clk.Set(now)
	requireRedirect(t, b.post("/requests/"+r.ID+"/board/expiry", url.Values{"expires_on": {""}}), "/requests/"+r.ID)
	require.Equal(t, http.StatusOK, b.get(link[1]).Code)

	requireRedirect(t, b.post("/requests/"+r.ID+"/board", url.Values{"renew": {"1"}}), "/requests/"+r.ID)
	require.Equal(t, http.StatusNotFound, b.get(link[1]).Code, "the old link opens nothing")
	require.Equal(t, http.StatusNotFound, b.get(link[1]+"/documents/"+doc.ID).Code)
	link = boardLinkOnPage.FindStringSubmatch(body(b.get("/requests/" + r.ID)))
	require.Equal(t, http.StatusOK, b.get(link[1]).Code)
	requireRedirect(t, b.post("/requests/"+r.ID+"/board/stop", nil), "/requests/"+r.ID)
	require.Equal(t, http.StatusNotFound, b.get(link[1]).Code)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "Share a status board")
}
