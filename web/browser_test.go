package web_test

// The staff pages in a real browser: Debian's chromium driven with
// chromedp, against the real server (API and pages on one Gin engine, as
// `sunshine serve` wires them) on a loopback port, over a committed test
// database. scripts/browser.sh finds or installs the browser and
// scripts/env.sh exports CHROME_PATH; without a browser the test skips,
// unless SUNSHINE_REQUIRE_BROWSER=1 (CI) makes that a failure.
//
// SUNSHINE_SCREENSHOTS=1 also saves the README's screenshots into
// docs/screenshots/.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/web"
)

const (
	sacramentoAgency = "Sacramento County Sheriff's Department"
	iceTitle         = "All communications with ICE since 20 January 2017"
	// rareWord is in the uploaded PDF and nowhere else.
	rareWord = "Quetzalcoatlus"
)

// browserPath returns the Chromium to drive, or skips (fails, when
// SUNSHINE_REQUIRE_BROWSER=1) when there is none.
func browserPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROME_PATH")
	if path == "" {
		if _, err := os.Stat("/usr/bin/chromium"); err == nil {
			path = "/usr/bin/chromium"
		}
	}
	if path == "" {
		msg := "no browser: CHROME_PATH is empty and /usr/bin/chromium is missing. " +
			"Run the tests with `make test` (scripts/browser.sh installs Debian's chromium when run as root), " +
			"or set CHROME_PATH to a Chromium or Chrome binary"
		if os.Getenv("SUNSHINE_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " (SUNSHINE_REQUIRE_BROWSER=1 makes this a failure)")
		}
		t.Skip(msg)
	}
	return path
}

// liveServer is the real server on a loopback port, with its data.
type liveServer struct {
	url     string
	st      *store.Store
	ndlon   storetest.Fixture
	other   storetest.Fixture
	request *sunshine.Request
}

// inboundDomain is the live server's reply addresses' domain.
const inboundDomain = "replies.ndlon.example"

func startServer(t *testing.T) *liveServer {
	t.Helper()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	clock := sunshine.NewFixedClock(time.Date(2017, 4, 5, 8, 0, 0, 0, la))
	st := store.New(storetest.DB(t), clock)
	ctx := context.Background()
	ls := &liveServer{st: st}

	ls.ndlon = storetest.Org(t, st, "ndlon")
	require.NoError(t, st.SetPassword(ctx, ls.ndlon.Admin.ID, password))
	require.NoError(t, st.SetReminderPolicy(ls.ndlon.Ctx, sunshine.ReminderPolicy{TimeZone: "America/Los_Angeles",
		SoonDays: []int{3, 1}, OverdueRepeatDays: 7, AwaitingAfterDays: 3}))
	a := &sunshine.Agency{Name: sacramentoAgency, Jurisdiction: "us-ca", Email: "records@sacsheriff.example",
		RecordsContact: "Public Records Unit"}
	require.NoError(t, st.CreateAgency(ls.ndlon.Ctx, a))
	ls.request = &sunshine.Request{AgencyID: a.ID, Title: iceTitle, DeliveryMethod: sunshine.DeliveryEmail,
		Description: "Under the California Public Records Act, we request all communications between the Department and U.S. Immigration and Customs Enforcement since 20 January 2017.",
		SentOn:      deadline.MustParseDate("2017-03-27"), ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(ls.ndlon.Ctx, ls.request))
	require.Equal(t, "2017-04-06", ls.request.DueOn.String())

	// A few more requests, so the dashboard (and its screenshots) show more
	// than one row.
	lapd := &sunshine.Agency{Name: "Los Angeles Police Department", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(ls.ndlon.Ctx, lapd))
	dhs := &sunshine.Agency{Name: "U.S. Immigration and Customs Enforcement", Jurisdiction: "us-federal"}
	require.NoError(t, st.CreateAgency(ls.ndlon.Ctx, dhs))
	for _, r := range []*sunshine.Request{
		{AgencyID: lapd.ID, Title: "Detainer requests received in 2016", ReceivedOn: deadline.MustParseDate("2017-03-20")},
		{AgencyID: dhs.ID, Title: "287(g) agreements with California counties", ReceivedOn: deadline.MustParseDate("2017-03-30")},
		{AgencyID: lapd.ID, Title: "Special Order 40 training materials"},
	} {
		r.DeliveryMethod = sunshine.DeliveryPortal
		r.SentOn = r.ReceivedOn
		require.NoError(t, st.CreateRequest(ls.ndlon.Ctx, r))
	}

	ls.other = storetest.Org(t, st, "other")
	require.NoError(t, st.SetPassword(ctx, ls.other.Admin.ID, password))

	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	ls.url = srv.URL
	apiServer := api.New(st, api.Config{InlineExtraction: true, BaseURL: srv.URL, InboundDomain: inboundDomain})
	pages := web.New(st, apiServer.Engine(), web.Config{BaseURL: srv.URL, ExtractText: apiServer.ExtractText, RequestZip: apiServer.RequestZip, OrgZip: apiServer.OrgZip,
		InboundDomain: inboundDomain})
	apiServer.SetPageNotFound(pages.NotFound)
	handler = apiServer
	return ls
}

// browser starts a headless Chromium with a fresh profile and returns a tab.
// JavaScript exceptions in the pages fail the test.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	var mu sync.Mutex
	var exceptions []string
	bctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			exceptions = append(exceptions, fmt.Sprintf("%s (%s:%d)", msg, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
			mu.Unlock()
		}
	}))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			t.Errorf("JavaScript exception in a page: %s", e)
		}
	})
	require.NoError(t, chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)), "start the browser")
	return bctx
}

// tab wraps a browser tab with steps that fail the test with what the page
// showed.
type tab struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\npage %s:\n%s", what, err, b.location(), b.text())
	}
}

// evaluate runs a JavaScript expression in the page and returns its value.
func evaluate[T any](b *tab, what, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v\npage %s:\n%s", what, err, b.location(), b.text())
	}
	return v
}

// text is what the page shows.
func (b *tab) text() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Location())
	return s
}

// waitText waits until the page shows every one of the texts. It polls
// from Go, so a navigation under way (a form being submitted) is waited out.
func (b *tab) waitText(what string, texts ...string) {
	b.t.Helper()
	var conds []string
	for _, s := range texts {
		conds = append(conds, fmt.Sprintf("document.body.innerText.includes(%q)", s))
	}
	expr := "document.readyState === 'complete' && !!document.body && " + strings.Join(conds, " && ")
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the page does not show %q (last error: %v)\npage %s:\n%s", what, texts, err, b.location(), b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitLoaded waits until the page has loaded, its deferred scripts
// included: an event dispatched before they run finds no listener.
func (b *tab) waitLoaded(what string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === 'complete'`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the page did not finish loading (last error: %v)", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signIn fills in the sign-in form and waits for the page after it.
func (b *tab) signIn(email string) {
	b.t.Helper()
	b.do("sign in as "+email,
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"] input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`form[action="/login"] input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout, form[action="/logout"]`)),
	)
}

// screenshot saves the page at desktop and phone widths into
// docs/screenshots/NAME-desktop.png and NAME-phone.png, when
// SUNSHINE_SCREENSHOTS=1.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	if os.Getenv("SUNSHINE_SCREENSHOTS") != "1" {
		return
	}
	dir := filepath.Join("..", "docs", "screenshots")
	require.NoError(b.t, os.MkdirAll(dir, 0o755))
	for _, v := range []struct {
		suffix string
		view   chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 900)},
		{"phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)},
	} {
		b.do("screenshot "+name+" "+v.suffix, v.view, chromedp.Sleep(200*time.Millisecond))
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		require.NoError(b.t, err)
		require.NoError(b.t, os.WriteFile(filepath.Join(dir, name+"-"+v.suffix+".png"), png, 0o644))
	}
	b.do("back to the desktop width", chromedp.EmulateViewport(1280, 900))
}

// samplePDF writes a one-page PDF of released records containing rareWord.
func samplePDF(t *testing.T) string {
	t.Helper()
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.Cell(0, 10, "Sacramento County Sheriff's Department - records release")
	pdf.Ln(12)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(0, 6, "Email, 14 February 2017. Subject: detainer request. "+
		"Operation "+rareWord+" is the code name used in the attached correspondence with ICE.", "", "", false)
	path := filepath.Join(t.TempDir(), "ice-correspondence.pdf")
	require.NoError(t, pdf.OutputFileAndClose(path))
	return path
}

func TestBrowser_StaffScenario(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	requestURL := ls.url + "/requests/" + ls.request.ID

	// Sign in through the form; the dashboard shows the request and its date.
	b.do("open Sunshine", chromedp.Navigate(ls.url+"/"))
	require.Contains(t, b.location(), "/login", "signed-out visitors are sent to sign in")
	b.signIn(ls.ndlon.Admin.Email)
	b.waitText("the dashboard lists the Sacramento request with its due date", iceTitle, sacramentoAgency, "Thu 6 Apr 2017")
	b.screenshot("dashboard")

	// Open it from the dashboard.
	b.do("open the request", chromedp.Click(chromedp.CSS(`main a[href="/requests/`+ls.request.ID+`"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="`+iceTitle+`"]`)))
	require.Equal(t, requestURL, b.location())
	b.waitText("the request page shows the due date", "Thu 6 Apr 2017")

	// Log the agency's extension notice through the request page's form.
	comm := `form[action$="/communications#log"]` // not the email file's form above it
	b.do("open the communication form",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { if (d.querySelector('form[action*="/communications"]')) d.open = true })`),
		chromedp.WaitVisible(chromedp.CSS(comm+` select[name="kind"]`)))
	// Sent as it opens, it is refused (no direction or kind is chosen for
	// the person), and the summary naming them has the focus.
	b.do("log it without choosing", chromedp.Click(chromedp.CSS(comm+` button[type="submit"]`)))
	b.waitText("the log is refused", "The communication was not logged.", "Direction is required")
	time.Sleep(300 * time.Millisecond)
	require.True(t, evaluate[bool](b, "the focus", `document.activeElement.hasAttribute("data-error-summary") && document.getElementById("log").contains(document.activeElement)`),
		"the communication form's error summary has the focus")
	b.do("fill in the extension notice",
		chromedp.Click(chromedp.CSS(comm+` input[name="direction"][value="in"]`)),
		chromedp.SetValue(chromedp.CSS(comm+` select[name="kind"]`), string(sunshine.KindExtensionNotice)),
		chromedp.SetValue(chromedp.CSS(comm+` input[name="occurred_on"]`), "2017-04-05"),
		chromedp.SendKeys(chromedp.CSS(comm+` input[name="subject"]`), "CPRA request: extension of time"),
		chromedp.SendKeys(chromedp.CSS(comm+` textarea[name="body"]`), "We need 14 more days to search for and review the records."),
		chromedp.Click(chromedp.CSS(comm+` button[type="submit"]`)),
	)
	b.waitText("the extension moves the due date", "Thu 20 Apr 2017", "CPRA request: extension of time")
	require.Equal(t, requestURL, strings.SplitN(strings.SplitN(b.location(), "#", 2)[0], "?", 2)[0])

	// Upload the released records as a PDF through the file input.
	pdfPath := samplePDF(t)
	upload := `form[action*="/documents"]`
	b.do("open the upload form",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { if (d.querySelector('form[action*="/documents"]')) d.open = true })`),
		chromedp.WaitVisible(chromedp.CSS(upload+` input[type="file"]`)))
	b.do("upload the PDF",
		chromedp.SetUploadFiles(chromedp.CSS(upload+` input[type="file"]`), []string{pdfPath}),
		chromedp.Click(chromedp.CSS(upload+` button[type="submit"]`)),
	)
	// With JavaScript the form uploads each file with a progress bar and
	// then reloads the page with a note; without it the form posts.
	b.waitText("the upload finishes and the page lists the document", "Uploaded 1 document", "ice-correspondence.pdf")
	b.do("reload the request page", chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.waitText("the document is on the request page after a reload", "ice-correspondence.pdf", "Thu 20 Apr 2017")
	docs, _, err := ls.st.FindDocuments(ls.ndlon.Ctx, ls.request.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Equal(t, "application/pdf", docs[0].ContentType)
	b.screenshot("request")

	// The agency's tracking number, added from Edit details.
	// "(add it)" beside "Tracking number: none" opens Edit details at the field.
	b.do("follow the add-it link to the closed Edit details",
		chromedp.Click(chromedp.CSS(`a[href="#edit-tracking-number"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#edit-tracking-number`)),
	)
	require.Equal(t, "edit-tracking-number", evaluate[string](b, "the focused field", `document.activeElement.id`))
	b.do("set the tracking number and save",
		chromedp.SetValue(chromedp.CSS(`#edit-tracking-number`), "CPRA 17-0412"),
		chromedp.Click(chromedp.CSS(`#edit button[type="submit"]`)),
	)
	b.waitText("the details are saved", "Details saved.", "CPRA 17-0412")
	// The note is where the person clicked: just above the form's section,
	// in view.
	require.True(t, evaluate[bool](b, "find the note", `(function () {
		var n = document.querySelector("#edit").previousElementSibling;
		if (!n || !n.matches("p.note")) return false;
		var r = n.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`), "the note sits above Edit details, in view")

	// A refused save opens with its error summary focused, for a screen
	// reader to read first, even though the form's address jumps to #edit.
	b.do("empty the title and save",
		chromedp.Click(chromedp.CSS(`#edit summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#edit-title`)),
		chromedp.SetValue(chromedp.CSS(`#edit-title`), " "),
		chromedp.Click(chromedp.CSS(`#edit button[type="submit"]`)),
	)
	b.waitText("the save is refused", "The details were not saved.")
	time.Sleep(300 * time.Millisecond)
	require.True(t, evaluate[bool](b, "the focus", `document.activeElement.hasAttribute("data-error-summary")`), "the error summary has the focus")
	// A link to a closed panel's field (the dashboard's "Set a date") opens it.
	b.do("follow a link to the closed Custom due date panel",
		chromedp.Evaluate[chromedp.Void](`location.hash = "#custom-date"`),
		chromedp.WaitVisible(chromedp.CSS(`#custom-date`)),
	)
	require.True(t, evaluate[bool](b, "the panel is open", `document.getElementById("custom").open`))

	// Search finds the rare word in the document.
	b.do("search for the rare word",
		chromedp.Click(chromedp.CSS(`header nav a[href="/search"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/search"] input[name="q"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/search"] input[name="q"]`), strings.ToLower(rareWord)),
		chromedp.Submit(chromedp.CSS(`form[action="/search"]`)),
	)
	b.waitText("search finds the document", rareWord, iceTitle)
	require.Contains(t, b.location(), "q="+strings.ToLower(rareWord))

	// On a phone the search form, dates included, fits the screen's width.
	b.do("search at a phone's width", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Sleep(200*time.Millisecond))
	fitCtx, cancelFit := context.WithTimeout(b.ctx, 30*time.Second)
	fits, err := chromedp.Run(fitCtx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	cancelFit()
	require.NoError(t, err)
	require.True(t, fits, "the search page scrolls sideways on a phone")
	b.do("back to the desktop width", chromedp.EmulateViewport(1280, 900))

	// The Requests page lists every request, the draft (no date) last, and
	// fits a phone's width.
	b.do("open the Requests page", chromedp.Click(chromedp.CSS(`header nav a[href="/requests"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main table.rows`)))
	b.waitText("the Requests page lists the requests", iceTitle, "Special Order 40 training materials", "not sent yet", "Thu 20 Apr 2017")
	b.do("filter the drafts",
		chromedp.SetValue(chromedp.CSS(`form[action="/requests"] select[name="status"]`), "draft"),
		chromedp.Submit(chromedp.CSS(`form[action="/requests"]`)),
	)
	b.waitText("the filter keeps the drafts", "Special Order 40 training materials", "Requests that match these filters")
	require.Contains(t, b.location(), "status=draft")
	require.NotContains(t, b.text(), iceTitle)
	b.do("the Requests page at a phone's width", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Sleep(200*time.Millisecond))
	fitCtx, cancelFit = context.WithTimeout(b.ctx, 30*time.Second)
	fits, err = chromedp.Run(fitCtx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	cancelFit()
	require.NoError(t, err)
	require.True(t, fits, "the Requests page scrolls sideways on a phone")
	b.do("back to the desktop width", chromedp.EmulateViewport(1280, 900))

	// The new-request form, for the screenshots.
	b.do("open the new-request form", chromedp.Click(chromedp.CSS(`header nav a[href="/requests/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main form`)))
	b.screenshot("new-request")

	// Sign out.
	b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/login"]`)))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(requestURL))
	require.NoError(t, err)
	require.Contains(t, resp.URL, "/login", "signed out: the request page asks to sign in")

	// Another organization's user cannot open the request: 404.
	b.signIn(ls.other.Admin.Email)
	require.NotContains(t, b.text(), iceTitle)
	resp, err = chromedp.RunResponse(b.ctx, chromedp.Navigate(requestURL))
	require.NoError(t, err)
	require.Equal(t, int64(http.StatusNotFound), resp.Status)
	page := b.text()
	require.Contains(t, page, "Not found")
	require.NotContains(t, page, iceTitle)
	require.NotContains(t, page, sacramentoAgency)
}

// A closure day added on the agency's page moves its request, and the
// new-request form's live preview counts it, as filing will.
func TestBrowser_ClosureDays(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	agency := ls.request.AgencyID

	b.do("open the directory", chromedp.Navigate(ls.url+"/agencies"))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the agency's page", chromedp.Click(chromedp.CSS(`main a[href="/agencies/`+agency+`"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="`+sacramentoAgency+`"]`)))
	form := `form[action="/agencies/` + agency + `/closures#closures"]`
	b.do("add a closure day",
		chromedp.SetValue(chromedp.CSS(form+` input[name="closed_on"]`), "2017-04-06"),
		chromedp.SendKeys(chromedp.CSS(form+` input[name="reason"]`), "power outage"),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	)
	b.waitText("the page lists the day and says what moved",
		"Closure day Thu 6 Apr 2017 (power outage) added; the due date of 1 request moved: ", "power outage")
	inSection, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!document.querySelector("#closures p.note[role=status]")`))
	require.NoError(t, err)
	require.True(t, inSection, "the note is shown in the section the form lands on, not above it out of view")
	r, err := ls.st.FindRequestByID(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-07", r.DueOn.String(), "a last day cannot fall on a closure day")

	// The live preview, without pressing Preview due date.
	b.do("open the new-request form", chromedp.Click(chromedp.CSS(`header nav a[href="/requests/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main form select[name="agency_id"]`)))
	b.waitLoaded("the new-request form's script")
	choose := func(what, id string) {
		b.do(what, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var f = document.querySelector("form[data-new-request]");
			var a = f.querySelector("select[name=agency_id]"), r = f.querySelector("input[name=received_on]");
			a.value = %q; a.dispatchEvent(new Event("change"));
			r.value = "2017-03-27"; r.dispatchEvent(new Event("change"));
		})()`, id)))
	}
	choose("choose the agency and the received date", agency)
	b.waitText("the preview counts the closure day", "Due Fri 7 Apr 2017", "Thu 6 Apr 2017: office closed (power outage); the last day cannot fall on it.")
	as, _, err := ls.st.FindAgencies(ls.ndlon.Ctx, sunshine.AgencyFilter{Q: "Los Angeles"})
	require.NoError(t, err)
	choose("choose an agency without closure days", as[0].ID)
	b.waitText("another agency's preview", "Due Thu 6 Apr 2017")
	require.NotContains(t, b.text(), "office closed")

	// Michigan: the sent date alone tells when an e-mail counts as received.
	mi := &sunshine.Agency{Name: "Detroit Police Department", Jurisdiction: "us-mi"}
	require.NoError(t, ls.st.CreateAgency(ls.ndlon.Ctx, mi))
	b.do("open the form again", chromedp.Navigate(ls.url+"/requests/new"),
		chromedp.WaitVisible(chromedp.CSS(`main form select[name="agency_id"]`)))
	b.waitLoaded("the new-request form's script")
	b.do("choose a Michigan agency and the sent date", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var f = document.querySelector("form[data-new-request]");
		var a = f.querySelector("select[name=agency_id]"), s = f.querySelector("input[name=sent_on]");
		f.querySelector("input[name=received_on]").value = "";
		a.value = %q; a.dispatchEvent(new Event("change"));
		s.value = "2017-03-31"; s.dispatchEvent(new Event("change"));
	})()`, mi.ID)))
	b.waitText("the preview says when the e-mail counts as received",
		"Under MCL 15.235(1) a request sent by e-mail on Fri 31 Mar 2017 counts as received 1 business day later, on Mon 3 Apr 2017")
	b.do("use that date", chromedp.Click(chromedp.CSS(`button[data-use-received="2017-04-03"]`), chromedp.NodeVisible))
	b.waitText("the preview counts from it", "Due Mon 10 Apr 2017 under the Freedom of Information Act")
	received, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("input[name=received_on]").value`))
	require.NoError(t, err)
	require.Equal(t, "2017-04-03", received)
	require.NotContains(t, b.text(), "counts as received", "the note is gone once the form has the date")
}

// On a phone, staff correct a logged communication from its Edit in the
// timeline and remove a document after confirming; each note shows at the
// communication, in view.
func TestBrowser_CorrectCommunicationAndRemoveDocument(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	cm, _, err := ls.st.CreateCommunication(ls.ndlon.Ctx, ls.request.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-04"),
		Subject: "Records relase", Body: "Attached: the first batch.\nPublic Records Unit"}})
	require.NoError(t, err)
	doc, err := ls.st.CreateDocument(ls.ndlon.Ctx, store.NewDocument{RequestID: ls.request.ID, CommunicationID: cm.ID,
		Filename: "wrong-file.txt", ContentType: "text/plain", Content: strings.NewReader("not the records")})
	require.NoError(t, err)
	// The timeline is long: the communication is below the fold.
	for i := range 12 {
		_, _, err := ls.st.CreateCommunication(ls.ndlon.Ctx, ls.request.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindFollowUp, OccurredOn: deadline.MustParseDate("2017-03-28"),
			Subject: fmt.Sprintf("Follow-up %d", i+1), Body: "Any news?"}})
		require.NoError(t, err)
	}
	requestURL := ls.url + "/requests/" + ls.request.ID
	b.do("open the request", chromedp.Navigate(requestURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("at a phone's width", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	inView := `(function (sel) {
		var n = document.querySelector(sel);
		if (!n) return false;
		var r = n.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})`
	fits := `document.documentElement.scrollWidth <= window.innerWidth`

	b.do("open the communication's Edit", chromedp.Click(chromedp.CSS(`a[href="/communications/`+cm.ID+`/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#comm-edit-subject`)))
	b.waitText("the edit page", "Edit the records release of Tue 4 Apr 2017")
	require.Equal(t, cm.Body, evaluate[string](b, "the message field", `document.querySelector("#comm-edit-body").value`))
	require.True(t, evaluate[bool](b, "the edit page's width", fits), "the edit page scrolls sideways on a phone")
	b.do("correct the subject and save",
		chromedp.SetValue(chromedp.CSS(`#comm-edit-subject`), "Records release"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	b.waitText("the communication is updated", "Communication updated.", "Records release")
	require.Equal(t, requestURL+"#comm-"+cm.ID, b.location())
	require.True(t, evaluate[bool](b, "find the note", inView+`("#comm-`+cm.ID+` p.note")`), "the note is at the communication, in view")
	got, err := ls.st.FindCommunicationByID(ls.ndlon.Ctx, cm.ID)
	require.NoError(t, err)
	require.Equal(t, "Records release", got.Subject)
	require.Equal(t, "Attached: the first batch.\nPublic Records Unit", got.Body, "the message is kept as it was")

	// Remove asks first; the button confirms.
	remove := `#comm-` + cm.ID + ` details.doc-remove`
	b.do("open the document's Remove", chromedp.Click(chromedp.CSS(remove+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(remove+` button`)))
	b.waitText("the question", "Remove wrong-file.txt from this request? Its text will no longer be found by search.")
	_, err = ls.st.FindDocumentByID(ls.ndlon.Ctx, doc.ID)
	require.NoError(t, err, "not removed before confirming")
	b.do("confirm", chromedp.Click(chromedp.CSS(remove+` button`)))
	b.waitText("the document is removed", "Removed wrong-file.txt from this request.", "Document removed: wrong-file.txt")
	require.True(t, evaluate[bool](b, "find the note", inView+`("#comm-`+cm.ID+` p.note")`), "the note is at the communication, in view")
	_, err = ls.st.FindDocumentByID(ls.ndlon.Ctx, doc.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	require.True(t, evaluate[bool](b, "the request page's width", fits), "the request page scrolls sideways on a phone")
}

// brokenWords lists the words of the text under the elements that match
// sel which the browser split across two lines (a word breaks mid-word
// only when it cannot fit its box), and elements whose content is wider
// than they are.
// tooWide lists the elements that reach past the window's right edge
// (the innermost of each), so a page that scrolls sideways says why.
const tooWide = `(function () {
	var out = [];
	document.querySelectorAll("body *").forEach(function (el) {
		if (el.getBoundingClientRect().right <= window.innerWidth + 1) return;
		for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
			if (c.getBoundingClientRect().right > window.innerWidth + 1) return;
		}
		out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).split(" ").join(".") : "") +
			" " + JSON.stringify((el.textContent || el.value || "").trim().slice(0, 40)));
	});
	return out;
})()`

const brokenWords = `(function (sel) {
	var out = [];
	document.querySelectorAll(sel).forEach(function (root) {
		var w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (var n = w.nextNode(); n; n = w.nextNode()) {
			var re = /\S+/g, m;
			while ((m = re.exec(n.data))) {
				var r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				var lines = new Set(Array.from(r.getClientRects()).map(function (b) { return Math.round(b.top); }));
				if (lines.size > 1) out.push("word " + JSON.stringify(m[0]));
			}
		}
		root.querySelectorAll("*").forEach(function (e) {
			if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push("overflow <" + e.tagName.toLowerCase() + " class=" + e.className + ">");
		});
	});
	return out;
})`

// At 320 px, the narrowest phone, the calendar is an agenda of the days
// that have something due, readable: nothing wider than the screen, no word
// broken, text at full size. On a wide screen it is the month's grid.
func TestBrowser_DashboardCalendarPhone(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open Sunshine", chromedp.Navigate(ls.url+"/?month=2017-04"))
	b.signIn(ls.ndlon.Admin.Email)

	b.do("the dashboard at 320 px", chromedp.EmulateViewport(320, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Navigate(ls.url+"/?month=2017-04"), chromedp.WaitVisible(chromedp.CSS(`#calendar .cal-agenda`)))
	require.True(t, evaluate[bool](b, "the agenda is shown and the grid not",
		`document.querySelector("#calendar .cal-agenda").offsetHeight > 0 && document.querySelector("#calendar .cal-wrap").offsetParent === null`))
	require.Equal(t, []string{"Thu 6 Apr", "Thu 27 Apr"}, evaluate[[]string](b, "the agenda's days",
		`Array.from(document.querySelectorAll("#calendar .cal-agenda-day time")).map(function (t) { return t.textContent })`))
	require.Contains(t, evaluate[string](b, "the agenda's text", `document.querySelector("#calendar .cal-agenda").innerText`), iceTitle)
	require.Empty(t, evaluate[[]string](b, "broken words in the calendar", brokenWords+`("#calendar")`))
	require.GreaterOrEqual(t, evaluate[float64](b, "the agenda's text size",
		`parseFloat(getComputedStyle(document.querySelector("#calendar .cal-agenda a")).fontSize)`), 16.0)
	require.True(t, evaluate[bool](b, "the page's width", `document.documentElement.scrollWidth <= window.innerWidth`), "the dashboard scrolls sideways at 320 px")

	b.do("the dashboard on a wide screen", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(ls.url+"/?month=2017-04"),
		chromedp.WaitVisible(chromedp.CSS(`#calendar table.calendar`)))
	require.True(t, evaluate[bool](b, "the grid is shown and the agenda not",
		`document.querySelector("#calendar .cal-agenda").offsetParent === null && document.querySelector("#calendar table.calendar").offsetHeight > 0`))
	require.Empty(t, evaluate[[]string](b, "broken words in the grid", brokenWords+`("#calendar")`))
}

// A form clicked twice is sent once: a double click on Log a communication
// logs one letter, not two.
// openRequestPage signs in to a live server as its admin, on the page of
// its request, its script loaded.
func openRequestPage(t *testing.T) (*tab, *liveServer) {
	t.Helper()
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	requestURL := ls.url + "/requests/" + ls.request.ID
	b.do("open the request", chromedp.Navigate(requestURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the request again", chromedp.Navigate(requestURL), chromedp.WaitReady(chromedp.CSS(`form[action$="/communications#log"]`)))
	b.waitLoaded("the page's script")
	return b, ls
}

func TestBrowser_DoubleClickSendsOnce(t *testing.T) {
	b, ls := openRequestPage(t)

	// Two submit events on one form: the second is stopped.
	require.Equal(t, []bool{false, true}, evaluate[[]bool](b, "two submits of the log form", `(function () {
		var f = document.querySelector('form[action$="/communications#log"]');
		var ev = function () { var e = new Event("submit", {bubbles: true, cancelable: true}); f.dispatchEvent(e); return e.defaultPrevented };
		var first = ev(), second = ev();
		f.removeAttribute("data-sending");
		return [first, second];
	})()`))

	logged := func() int {
		cs, _, err := ls.st.FindCommunications(ls.ndlon.Ctx, ls.request.ID, store.All, "")
		require.NoError(t, err)
		return len(cs)
	}
	before := logged()
	b.do("fill in a follow-up and double-click Log", chromedp.Evaluate[chromedp.Void](`(function () {
		var f = document.querySelector('form[action$="/communications#log"]');
		f.querySelector('input[name=direction][value=out]').checked = true;
		f.querySelector('select[name=kind]').value = "follow_up";
		f.querySelector('input[name=occurred_on]').value = "2017-04-04";
		f.querySelector('textarea[name=body]').value = "Any news on our request?";
		var button = f.querySelector('button[type=submit]');
		button.click();
		button.click();
	})()`))
	b.waitText("the note after logging", "Logged the follow up of Tue 4 Apr 2017.")
	require.Equal(t, before+1, logged())
}

// A file the request has already, uploaded again through the uploader's
// script: it is stored, and the file's row says the request had it
// already, under which name; the page stays for that to be read, with a
// link to reload it.
func TestBrowser_UploadSameFileAgain(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	pdfPath := samplePDF(t)
	content, err := os.ReadFile(pdfPath)
	require.NoError(t, err)
	_, err = ls.st.CreateDocument(ls.ndlon.Ctx, store.NewDocument{RequestID: ls.request.ID, Filename: "release-1.pdf",
		ContentType: "application/pdf", Content: bytes.NewReader(content)})
	require.NoError(t, err)
	requestURL := ls.url + "/requests/" + ls.request.ID
	b.do("open the request", chromedp.Navigate(requestURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the request page", chromedp.Navigate(requestURL), chromedp.WaitVisible(chromedp.CSS("h1")))

	upload := `form[data-upload]` // not the document's Remove form
	b.do("open the upload form",
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => { if (d.querySelector('form[data-upload]')) d.open = true })`),
		chromedp.WaitVisible(chromedp.CSS(upload+` input[type="file"]`)))
	b.do("upload the same PDF again",
		chromedp.SetUploadFiles(chromedp.CSS(upload+` input[type="file"]`), []string{pdfPath}),
		chromedp.Click(chromedp.CSS(upload+` button[type="submit"]`)),
	)
	b.waitText("the file's row says the request had it", "uploaded: This file is already attached to this request as “release-1.pdf”",
		"Reload the page to see the 1 uploaded file(s)")
	require.Equal(t, requestURL, b.location(), "the page stays")
	docs, _, err := ls.st.FindDocuments(ls.ndlon.Ctx, ls.request.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2, "stored again")
}

// The log form shows the fields that apply to the message chosen: none of
// the agency's before a direction is chosen, the tracking number and
// estimate for any message from the agency, a fee only for a fee estimate,
// the closing status only for a records release; a message of ours none of
// them. A field that holds something stays in view whatever is chosen.
func TestBrowser_LogFormShowsWhatApplies(t *testing.T) {
	b, _ := openRequestPage(t)
	b.do("open the log form", chromedp.Click(chromedp.CSS(`#log summary`)), chromedp.WaitVisible(chromedp.CSS(`#comm-kind`)))

	shown := func(what string) []string {
		return evaluate[[]string](b, what, `Array.from(document.querySelectorAll('form[action$="/communications#log"] input, form[action$="/communications#log"] select, form[action$="/communications#log"] textarea'))
			.filter(function (f) { return f.type !== "hidden" && f.type !== "radio" && f.offsetParent !== null; })
			.map(function (f) { return f.name; })`)
	}
	always := []string{"kind", "channel", "occurred_on", "from", "to", "subject", "body"}
	choose := func(direction, kind string) []string {
		t.Helper()
		b.do("choose "+direction+" "+kind,
			chromedp.Click(chromedp.CSS(`input[name=direction][value=`+direction+`]`)),
			chromedp.SetValue(chromedp.CSS(`#comm-kind`), kind),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#comm-kind").dispatchEvent(new Event("change", {bubbles: true}))`))
		return shown(direction + " " + kind)
	}
	require.Equal(t, always, shown("nothing chosen"))
	for _, tc := range []struct {
		direction, kind string
		extra           []string
	}{
		{"in", "acknowledgment", []string{"tracking_number", "agency_estimated_on"}},
		{"in", "fee_estimate", []string{"fee_amount", "tracking_number", "agency_estimated_on"}},
		{"in", "records_release", []string{"exemptions_cited", "resulting_status", "tracking_number", "agency_estimated_on"}},
		{"in", "extension_notice", []string{"custom_due_on", "tracking_number", "agency_estimated_on"}},
		{"out", "follow_up", nil},
	} {
		require.Equal(t, append(slices.Clone(always), tc.extra...), choose(tc.direction, tc.kind), "%s %s", tc.direction, tc.kind)
	}

	// Typed in, then another kind chosen: the fee stays in view (the
	// server then says it does not apply), not sent unseen.
	choose("in", "fee_estimate")
	b.do("type a fee", chromedp.SetValue(chromedp.CSS(`#comm-fee-amount`), "25.00"))
	require.Contains(t, choose("in", "denial"), "fee_amount")
}

// A spreadsheet imported in a browser: checked, then imported from what
// the check kept in the page (its lines, quotes and accents intact).
func TestBrowser_ImportSpreadsheet(t *testing.T) {
	b, ls := openRequestPage(t)
	path := filepath.Join(t.TempDir(), "requests.csv")
	sheet := "external_id,title,agency,received_on,status,status_on,description\n" +
		"r1,Jail contracts,Sacramento County Sheriff's Department,2017-01-09,denied,2017-02-01,\"Every contract,\nsigned or not, with \"\"Café\"\" vendors\"\n" +
		"r2,Use-of-force reports,Sacramento County Sheriff's Department,2017-03-20,,,\n"
	require.NoError(t, os.WriteFile(path, []byte(sheet), 0o600))
	b.do("open the import page", chromedp.Navigate(ls.url+"/requests/import"), chromedp.WaitVisible(chromedp.CSS(`#import-file`)))
	b.do("check the file", chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{path}),
		chromedp.Click(chromedp.CSS(`button[value="check"]`)))
	b.waitText("the check", "Ready to import: 2 requests", "denied since Wed 1 Feb 2017")
	b.do("import", chromedp.Click(chromedp.CSS(`button[value="import"]`)))
	b.waitText("the note", "Imported 2 requests from requests.csv.")
	rs, _, err := ls.st.FindRequests(ls.ndlon.Ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), ExternalID: "r1"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	require.Equal(t, "Every contract,\nsigned or not, with \"Café\" vendors", rs[0].Description)
	require.Equal(t, sunshine.StatusDenied, rs[0].Status)
}

// A spreadsheet of agencies chosen in the browser is checked, then
// imported from what the check kept in the page, its multi-line address
// and accents intact.
func TestBrowser_ImportAgencies(t *testing.T) {
	b, ls := openRequestPage(t)
	path := filepath.Join(t.TempDir(), "sheriffs.csv")
	sheet := "Agency,Law,Address\n" +
		"Fresno County Sheriff's Office,California: CPRA,\"2200 Fresno Street\nFresno, CA 93721\"\n" +
		"Policía de San José,CPRA,\n" +
		"Sacramento County Sheriff's Department,us-ca,\n"
	require.NoError(t, os.WriteFile(path, []byte(sheet), 0o600))
	b.do("open the import page", chromedp.Navigate(ls.url+"/agencies/import"), chromedp.WaitVisible(chromedp.CSS(`#import-file`)))
	b.do("check the file", chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), []string{path}),
		chromedp.Click(chromedp.CSS(`button[value="check"]`)))
	b.waitText("the check", "Ready to import: 2 agencies", "1 row in the directory already is left out")
	b.do("import", chromedp.Click(chromedp.CSS(`button[value="import"]`)))
	b.waitText("the note", "Imported 2 agencies from sheriffs.csv. 1 row in the directory already left out.")
	as, _, err := ls.st.FindAgencies(ls.ndlon.Ctx, sunshine.AgencyFilter{Q: "Fresno"})
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, "2200 Fresno Street\nFresno, CA 93721", as[0].PostalAddress)
	as, _, err = ls.st.FindAgencies(ls.ndlon.Ctx, sunshine.AgencyFilter{Q: "San José"})
	require.NoError(t, err)
	require.Len(t, as, 1)
	require.Equal(t, "us-ca", as[0].Jurisdiction)
}

// The letter page's Download takes the letter as edited, not the draft the
// page opened with, and logging it as sent keeps the edit, with the
// browser's line breaks made plain.
func TestBrowser_DraftLetter(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	letterURL := ls.url + "/requests/" + ls.request.ID + "/letter"
	b.do("open the letter", chromedp.Navigate(letterURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the letter again", chromedp.Navigate(letterURL), chromedp.WaitVisible(chromedp.CSS("#letter-body")))
	b.waitLoaded("the page's script")

	edited := evaluate[string](b, "edit the letter", `(function () {
		var ta = document.getElementById("letter-body");
		ta.value = ta.value.replace("Where possible", "Please waive any fees.\nWhere possible");
		return ta.value;
	})()`)
	require.Contains(t, edited, "Please waive any fees.\nWhere possible")
	// The file saved is the browser's business; what it is given is ours.
	b.do("download it", chromedp.Evaluate[chromedp.Void](`(function () {
		var make = URL.createObjectURL;
		URL.createObjectURL = function (blob) { blob.text().then(function (s) { window.downloaded = s; }); return make.call(URL, blob); };
		document.querySelector("a[data-download]").click();
	})()`))
	var downloaded string
	for end := time.Now().Add(5 * time.Second); downloaded == "" && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		downloaded = evaluate[string](b, "the downloaded text", `window.downloaded || ""`)
	}
	require.Equal(t, edited, downloaded, "the download is the edited letter")
	// The email program's link is the letter as edited too, with the
	// reply address in copy (the agency has an email address).
	mailto := evaluate[string](b, "the mailto link", `(function () {
		var a = document.querySelector("a[data-mailto]");
		a.addEventListener("click", function (e) { e.preventDefault(); });
		a.click();
		return a.href;
	})()`)
	require.True(t, strings.HasPrefix(mailto, "mailto:records%40sacsheriff.example?cc=request-"), mailto)
	u, err := url.Parse(mailto)
	require.NoError(t, err)
	require.Equal(t, strings.ReplaceAll(edited, "\n", "\r\n"), u.Query().Get("body"))
	require.Equal(t, "request-", u.Query().Get("cc")[:8])

	b.do("log it as sent", chromedp.Click(chromedp.CSS(`#log button[type="submit"]`)))
	b.waitText("the note after logging", "Logged the request letter of Mon 27 Mar 2017.") // the day the request was sent
	cms, _, err := ls.st.FindCommunications(ls.ndlon.Ctx, ls.request.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, cms, 1)
	require.Equal(t, edited, cms[0].Body, "logged as edited, without CRs")
}

// Filing a request with more agencies: "Choose all" ticks every agency
// under one law (and only that law), a filter box narrows the list by
// name, and the request's page then lists the group.
func TestBrowser_FileWithMoreAgencies(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	for _, name := range []string{"Fresno County Sheriff's Office", "Kern County Sheriff's Office"} {
		require.NoError(t, ls.st.CreateAgency(ls.ndlon.Ctx, &sunshine.Agency{Name: name, Jurisdiction: "us-ca"}))
	}
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	copiesURL := ls.url + "/requests/" + ls.request.ID + "/copies"
	b.do("open the form", chromedp.Navigate(copiesURL))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the form again", chromedp.Navigate(copiesURL), chromedp.WaitVisible(chromedp.CSS(`button[data-check-all]`)))
	checked := func() int {
		return evaluate[int](b, "the boxes ticked", `document.querySelectorAll('input[name="agency_ids"]:checked').length`)
	}
	label := func() string {
		return evaluate[string](b, "the button's label", `document.querySelector("button[data-check-all]").firstChild.nodeValue`)
	}
	require.Equal(t, "Choose all", label())
	b.do("choose every California agency", chromedp.Click(chromedp.CSS(`button[data-check-all]`)))
	require.Equal(t, 3, checked(), "the three California agencies, not the federal one")
	require.Equal(t, "Clear all", label(), "it now clears them")
	b.do("and none again", chromedp.Click(chromedp.CSS(`button[data-check-all]`)))
	require.Zero(t, checked())

	// The filter keeps the sheriffs: the police department and the federal
	// agency (its law's whole group) are hidden, and Choose all takes only
	// what is shown.
	b.do("find the sheriffs", chromedp.SendKeys(chromedp.CSS(`#copy-filter`), "county sher"))
	b.do("press Enter in the filter", chromedp.SendKeys(chromedp.CSS(`#copy-filter`), kb.Enter))
	require.False(t, evaluate[bool](b, "a refusal", `document.querySelector("[data-error-summary]") !== null`), "Enter filters; it sends nothing")
	require.Equal(t, "county sher", evaluate[string](b, "the filter", `document.querySelector("#copy-filter").value`))
	shown := evaluate[[]string](b, "the agencies shown", `Array.from(document.querySelectorAll("#copy-agencies .check:not([hidden]) label")).map(function (l) { return l.textContent; })`)
	require.Equal(t, []string{"Fresno County Sheriff's Office", "Kern County Sheriff's Office"}, shown)
	require.True(t, evaluate[bool](b, "the federal group", `document.querySelector("#copy-law-1").hidden`))
	require.Equal(t, "2 agencies shown", evaluate[string](b, "the count", `document.querySelector("[data-filter-count]").textContent`))
	b.do("choose them", chromedp.Click(chromedp.CSS(`#copy-law-0 button[data-check-all]`)))
	require.Equal(t, 2, checked())
	b.screenshot("copies")
	b.do("file them", chromedp.SetValue(chromedp.CSS(`#copies-sent-on`), "2017-04-03"), chromedp.SetValue(chromedp.CSS(`#copies-received-on`), "2017-04-03"),
		chromedp.Click(chromedp.CSS(`form.copies button[type="submit"]`)))
	b.waitText("the note", "Filed with 2 more agencies: Fresno County Sheriff's Office and Kern County Sheriff's Office.",
		"The same request went to 3 agencies")
	b.screenshot("request-group")
	group, _, err := ls.st.FindRequests(ls.ndlon.Ctx, sunshine.RequestFilter{GroupID: ls.request.ID})
	require.NoError(t, err)
	require.Len(t, group, 3)
}

// Reports in the main menu opens the agency records; the order chosen
// applies and stays chosen, and the table reads on a phone.
func TestBrowser_AgencyRecords(t *testing.T) {
	b, _ := openRequestPage(t)
	b.do("open Reports", chromedp.Click(chromedp.CSS(`nav a[href="/reports/agencies"]`)), chromedp.WaitVisible(chromedp.CSS(`#records-total`)))
	b.waitText("the total", "All agencies: 3 requests; 0% answered by the statutory date (0 of 1 measured).")
	b.do("order by least on time", chromedp.SetValue(chromedp.CSS(`#r-sort`), "on_time"),
		chromedp.Click(chromedp.CSS(`.filter-buttons button`)))
	require.Eventually(t, func() bool { return strings.Contains(b.location(), "sort=on_time") }, 10*time.Second, 50*time.Millisecond,
		"the list ordered")
	b.do("the ordered list", chromedp.WaitVisible(chromedp.CSS(`#records-total`)))
	first := evaluate[string](b, "the first agency", `document.querySelector("table.rows tbody th a").textContent`)
	require.Equal(t, "Los Angeles Police Department", first, "the only agency measured, 0% on time")
	require.Equal(t, "on_time", evaluate[string](b, "the order chosen", `document.querySelector("#r-sort").value`))
	b.screenshot("agency-records")
}

// An agency's email saved as a file fills the log form in a browser: read,
// checked, a kind chosen, logged with the email and its attachment.
func TestBrowser_LogFromEmailFile(t *testing.T) {
	b, _ := openRequestPage(t)
	path := filepath.Join(t.TempDir(), "release.eml")
	require.NoError(t, os.WriteFile(path, releaseEmail(releasePDF(t, "Nightingale")), 0o600))
	b.do("open the log form", chromedp.Click(chromedp.CSS(`#log summary`)), chromedp.WaitVisible(chromedp.CSS(`#email-file`)))
	b.do("read the email", chromedp.SetUploadFiles(chromedp.CSS(`#email-file`), []string{path}),
		chromedp.Click(chromedp.CSS(`form.email-file button`)))
	b.waitText("the form filled", "Read from release.eml.")
	require.Equal(t, "2017-03-28", evaluate[string](b, "the date", `document.querySelector("#comm-occurred-on").value`),
		"the day in California, not UTC's 29th")
	require.True(t, evaluate[bool](b, "from the agency", `document.querySelector("input[name=direction][value=in]").checked`))
	require.Equal(t, "CPRA request R-2017-0042: records release", evaluate[string](b, "the subject", `document.querySelector("#comm-subject").value`))
	b.do("log it as a records release", chromedp.SetValue(chromedp.CSS(`#comm-kind`), "records_release"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#comm-kind").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.Click(chromedp.CSS(`form[action$="/communications#log"] button[type=submit]`)))
	b.waitText("the note", "Logged the records release of Tue 28 Mar 2017. Attached the email, release.eml, and its attachments: detainers.pdf.")
}

// The request list's bulk form in a browser: only the chosen change's
// fields show, Choose all ticks the page, the count follows, and the
// change applies to every request ticked.
func TestBrowser_BulkChange(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the list", chromedp.Navigate(ls.url+"/requests"))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the list again", chromedp.Navigate(ls.url+"/requests"), chromedp.WaitVisible(chromedp.CSS(`form[data-bulk] button[data-check-all]`)))
	shown := func() []string {
		return evaluate[[]string](b, "the fields shown", `Array.from(document.querySelectorAll("form[data-bulk] [data-bulk-for]:not([hidden]) label")).map(function (l) { return l.getAttribute("for"); })`)
	}
	require.Equal(t, []string{"bulk-assignee-id", "bulk-assignment-note"}, shown(), "assigning, to begin with")
	b.do("choose Add a tag", chromedp.SetValue(chromedp.CSS(`#bulk-action`), "add_tag"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#bulk-action").dispatchEvent(new Event("change", {bubbles: true}))`))
	require.Equal(t, []string{"bulk-tag"}, shown())

	b.do("tick one", chromedp.Click(chromedp.CSS(`input[form="bulk"]`)))
	b.waitText("the count", "1 request selected.")
	b.do("choose all", chromedp.Click(chromedp.CSS(`form[data-bulk] button[data-check-all]`)))
	b.waitText("the count", "4 requests selected.")
	b.screenshot("requests-bulk")
	b.do("add the tag", chromedp.SendKeys(chromedp.CSS(`#bulk-tag`), "sb54"), chromedp.Click(chromedp.CSS(`form[data-bulk] button[type="submit"]`)))
	b.waitText("the note", "Tag “sb54” added to 4 requests.")
	rs, _, err := ls.st.FindRequests(ls.ndlon.Ctx, sunshine.RequestFilter{Tag: "sb54"})
	require.NoError(t, err)
	require.Len(t, rs, 4)
}

// An agency's email to the reply address, in a browser: the request's page
// says it is to log, its link fills the log form, and once logged the
// page no longer asks.
func TestBrowser_ReplyByEmail(t *testing.T) {
	b, ls := openRequestPage(t)
	r, err := ls.st.FindRequestByID(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	addr := "request-" + r.ReplyToken + "@" + inboundDomain
	b.waitText("the reply address", addr)
	raw := "From: Public Records Unit <records@sacsheriff.example>\r\nTo: " + addr + "\r\nSubject: Your CPRA request\r\n" +
		"Date: Wed, 5 Apr 2017 07:30:00 -0700\r\n\r\nWe need 14 more days to search for the records, under Gov. Code 7922.535(b).\r\n"
	_, err = ls.st.ReceiveEmail(context.Background(), []string{r.ReplyToken}, "Public Records Unit <records@sacsheriff.example>", "Your CPRA request", []byte(raw))
	require.NoError(t, err)

	b.do("reload", chromedp.Reload())
	b.waitText("the page asks", "An email to the reply address is not logged yet: Your CPRA request.eml from Public Records Unit <records@sacsheriff.example>.")
	b.screenshot("reply-by-email")
	b.do("open it", chromedp.Click(chromedp.CSS(`#to-log a`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/communications#log"] textarea[name=body]`)))
	require.Contains(t, evaluate[string](b, "the text", `document.querySelector('form[action$="/communications#log"] textarea[name=body]').value`),
		"We need 14 more days")
	b.do("an extension notice, logged", chromedp.Evaluate[chromedp.Void](`(function () {
		var f = document.querySelector('form[action$="/communications#log"]');
		f.querySelector('select[name=kind]').value = "extension_notice";
		f.querySelector('select[name=kind]').dispatchEvent(new Event("change", {bubbles: true}));
		f.querySelector('button[type=submit]').click();
	})()`))
	b.waitText("the note", "Logged the extension notice")
	require.NotContains(t, b.text(), "not logged yet")
}

// In a browser, the letter page's Send by email sends the letter as
// edited (not the log form's button): the request page says it is on its
// way; once the mail server has taken it, the request's timeline has the
// letter, saying it was emailed from Sunshine.
func TestBrowser_SendLetterByEmail(t *testing.T) {
	b, ls := openRequestPage(t)
	signed, err := ls.st.CreateDocument(ls.ndlon.Ctx, store.NewDocument{RequestID: ls.request.ID, Filename: "Follow-up, signed.pdf",
		ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4 signed")})
	require.NoError(t, err)
	b.do("the follow-up letter", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID+"/letter?kind=follow_up"),
		chromedp.WaitVisible(chromedp.CSS(`#letter-email-to`)))
	require.Equal(t, "records@sacsheriff.example", evaluate[string](b, "the address", `document.querySelector('#letter-email-to').value`))
	b.do("a copy to legal, and send", chromedp.SetValue(chromedp.CSS(`#letter-cc`), "legal@ndlon.example"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#letter-body').value += "\nPlease answer by email."`),
		chromedp.Click(chromedp.CSS(`label[for="attach-`+signed.ID+`"]`)),
		chromedp.ScrollIntoView(chromedp.CSS(`#send`)))
	b.screenshot("letter-send")
	b.do("send", chromedp.Click(chromedp.CSS(`button[formaction$="/letter/send"]`)))
	b.waitText("on its way", "The follow-up letter to records@sacsheriff.example with 1 attachment is on its way.",
		"Sending the follow-up letter to records@sacsheriff.example with 1 attachment, since 08:00 Wed 5 Apr.")
	b.screenshot("letter-sending")

	list, err := ls.st.FindLetterEmails(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, []string{"legal@ndlon.example"}, list[0].Cc)
	require.Equal(t, []string{signed.ID}, list[0].AttachmentIDs, "the document ticked")
	require.True(t, strings.HasSuffix(list[0].Body, "\nPlease answer by email."), list[0].Body)
	comms, _, err := ls.st.FindCommunications(ls.ndlon.Ctx, ls.request.ID, 10, "")
	require.NoError(t, err)
	require.Empty(t, comms, "the log form's button was not the one pressed")

	claimed, err := ls.st.ClaimLetterEmails(context.Background(), time.Date(2017, 4, 5, 15, 1, 0, 0, time.UTC), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	_, err = ls.st.MarkLetterEmailSent(context.Background(), claimed[0], time.Date(2017, 4, 5, 15, 1, 0, 0, time.UTC), nil)
	require.NoError(t, err)
	b.do("reload", chromedp.Reload())
	b.waitText("in the timeline", "Sent by email from Sunshine to records@sacsheriff.example")
	require.NotContains(t, b.text(), "Sending the follow-up letter")
	require.Contains(t, b.text(), "from us follow up by email")

	// The agency's server returns it a day later: the page says so, and it
	// goes again to the address typed over the old one, now the agency's.
	r, err := ls.st.FindRequestByID(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	_, err = ls.st.ReceiveEmail(context.Background(), []string{r.ReplyToken}, "MAILER-DAEMON@mail.sunshine.example", "Undelivered Mail Returned to Sender",
		storetest.Bounce(r.ReplyToken, "letter-"+list[0].ID+"@sunshine.example", "records@sacsheriff.example", "", time.Date(2017, 4, 5, 15, 1, 0, 0, time.UTC)))
	require.NoError(t, err)
	b.do("reload", chromedp.Reload())
	b.waitText("the notice", "Bounced: the follow-up letter to records@sacsheriff.example with 1 attachment. It went on Wed 5 Apr, but a mail server returned it undelivered")
	b.do("to the notice", chromedp.ScrollIntoView(chromedp.CSS(`.letter-email`)))
	b.screenshot("letter-bounced")
	b.do("on a phone", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait))
	require.Empty(t, evaluate[[]string](b, "what is too wide", tooWide), "the request page scrolls sideways on a phone")
	require.True(t, evaluate[bool](b, "the page's width", `document.documentElement.scrollWidth <= window.innerWidth`), "the request page scrolls sideways on a phone")
	b.do("back to the desktop width", chromedp.EmulateViewport(1280, 900))
	b.do("a corrected address, and send again", chromedp.SetValue(chromedp.CSS(`.letter-email input[name=to]`), "pra@sacsheriff.example"),
		chromedp.Click(chromedp.CSS(`.letter-email form.resend button[type=submit]`)))
	b.waitText("on its way again", "Sending the follow-up letter to pra@sacsheriff.example again. pra@sacsheriff.example is now "+sacramentoAgency+"'s email.")
}
