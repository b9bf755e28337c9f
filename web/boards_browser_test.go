package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// In a real browser: a status board shared from a request filed with
// three agencies, and its link opened: each agency's row, and the
// document shown on it.
func TestBrowser_StatusBoard(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	var ids []string
	for _, name := range []string{"Fresno County Sheriff's Office", "Los Angeles County Sheriff's Department"} {
		a := &sunshine.Agency{Name: name, Jurisdiction: "us-ca"}
		require.NoError(t, ls.st.CreateAgency(ls.ndlon.Ctx, a))
		ids = append(ids, a.ID)
	}
	copies, err := ls.st.FileCopies(ls.ndlon.Ctx, ls.request.ID, sunshine.CopyInput{AgencyIDs: ids, ReceivedOn: deadline.MustParseDate("2017-03-28")})
	require.NoError(t, err)
	doc, err := ls.st.CreateDocument(ls.ndlon.Ctx, store.NewDocument{RequestID: copies[0].ID, Filename: "fresno-ice-emails.pdf.txt",
		ContentType: "text/plain", Content: strings.NewReader("Emails between the Sheriff's Office and ICE, released in part.")})
	require.NoError(t, err)
	_, err = ls.st.SetDocumentShared(ls.ndlon.Ctx, doc.ID, true)
	require.NoError(t, err)

	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the request", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("share a status board", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID+"#group"),
		chromedp.Click(chromedp.CSS(`form#board button`)),
		chromedp.WaitVisible(chromedp.CSS(`#board-link`)))
	b.waitText("the note", "The status board is ready")
	link := evaluate[string](b, "the link", `document.querySelector('#board-link').value`)
	require.True(t, strings.HasPrefix(link, ls.url+"/shared/board/"), link)

	b.do("open the link", chromedp.Navigate(link))
	b.waitText("the status board", "Shared by ndlon", iceTitle, "filed with 3 agencies", "Fresno County Sheriff's Office",
		"Los Angeles County Sheriff's Department", "Sacramento County Sheriff's Department", "fresno-ice-emails.pdf.txt")
	b.screenshot("status-board")
}
