package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store"
)

// In a real browser: "Make a shared page" on a request, a document marked
// shared, and the link opened: the read-only page with that document.
func TestBrowser_SharedPage(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	_, err := ls.st.CreateDocument(ls.ndlon.Ctx, store.NewDocument{RequestID: ls.request.ID, Filename: "ice-emails-2017.pdf.txt",
		ContentType: "text/plain", Content: strings.NewReader("Emails between the Sheriff's Department and ICE, released in part.")})
	require.NoError(t, err)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the request", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("make a shared page", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID+"#sharing"),
		chromedp.Click(chromedp.CSS(`form[action$="/share"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-link`)))
	b.waitText("the note", "The shared page is ready")
	b.do("share the document", chromedp.Click(chromedp.CSS(`form[action$="/shared"] button`)))
	b.waitText("the note", "ice-emails-2017.pdf.txt shows on the shared page.", "the documents marked shared (1)")
	link := evaluate[string](b, "the link", `document.querySelector('#share-link').value`)
	require.True(t, strings.HasPrefix(link, ls.url+"/shared/"), link)

	b.do("open the link", chromedp.Navigate(link))
	b.waitText("the shared page", "Shared by ndlon", iceTitle, "ice-emails-2017.pdf.txt", "Documents (1)")
	b.screenshot("shared-page")
}
