package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// In a real browser: an agency's release as one ZIP archive, uploaded on
// the request page, is listed with its files under it, each by its place
// in the archive and searchable.
func TestBrowser_UnpackedArchive(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	pdf, err := os.ReadFile(samplePDF(t))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "CPRA-2017-118-release.zip")
	require.NoError(t, os.WriteFile(path, zipOf(t,
		[2]string{"Emails with ICE/ice-correspondence.pdf", string(pdf)},
		[2]string{"Emails with ICE/detainer-requests-2016.txt", "Detainer requests received in 2016: 41."},
		[2]string{"Index of records.txt", "1. Emails with ICE, 2016-2017. 2. Detainer requests."}), 0o600))

	requestURL := ls.url + "/requests/" + ls.request.ID
	b.do("open the request", chromedp.Navigate(requestURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the request page", chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	upload := `form[data-upload]`
	b.do("open the upload form",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { if (d.querySelector('form[data-upload]')) d.open = true })`),
		chromedp.WaitVisible(chromedp.CSS(upload+` input[type="file"]`)))
	b.do("upload the archive",
		chromedp.SetUploadFiles(chromedp.CSS(upload+` input[type="file"]`), []string{path}),
		chromedp.Click(chromedp.CSS(upload+` button[type="submit"]`)))
	b.waitText("the upload finishes", "Uploaded 1 document", "CPRA-2017-118-release.zip")
	b.do("reload the request page", chromedp.Navigate(requestURL+"#documents"), chromedp.WaitVisible(chromedp.CSS("#documents")))
	b.waitText("the files under the archive", "unpacked: its 3 files are documents of their own",
		"3 files unpacked from CPRA-2017-118-release.zip", "Emails with ICE/ice-correspondence.pdf", "Index of records.txt")
	b.screenshot("unpacked-archive")
	b.do("search inside a file", chromedp.Navigate(ls.url+"/search?q=detainer+requests+received"))
	b.waitText("the file found", "detainer-requests-2016.txt")
}
