package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// In a real browser: a person searches, follows the words from the
// results with one click, and stops the alert again from Settings.
func TestBrowser_SearchAlerts(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open search", chromedp.Navigate(ls.url+"/search"))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("search", chromedp.Navigate(ls.url+"/search"), chromedp.WaitVisible(chromedp.CSS(`#search-q`)),
		chromedp.SendKeys(chromedp.CSS(`#search-q`), "detainer"),
		chromedp.Click(chromedp.CSS(`form[role="search"] button[type="submit"]`)))
	b.waitText("the results", "Results for “detainer”", "Detainer requests received in 2016")
	b.do("follow the words", chromedp.Click(chromedp.CSS(`form[action="/search/alerts"] button`)))
	b.waitText("the alert", "Alert made: what newly matches these words is emailed to you (checked about every hour).",
		"You have an alert for these words")
	b.screenshot("search-alert")
	b.do("open Settings", chromedp.Navigate(ls.url+"/settings#search-alerts"))
	b.waitText("the list", "Search alerts", "None yet")
	b.do("stop it", chromedp.Click(chromedp.CSS(`#search-alerts form[action$="/stop"] button`)))
	b.waitText("the note", "Alert stopped: no more emails for “detainer”.", "You follow no words.")
}
