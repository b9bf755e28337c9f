package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// In a real browser: a to-do added from the request page's panel, shown
// there and on the dashboard, and marked done from the dashboard.
func TestBrowser_Todos(t *testing.T) {
	chrome := browserPath(t)
	ls := startServer(t)
	b := &tab{t: t, ctx: browser(t, chrome), url: ls.url}
	b.do("open the request", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID))
	b.signIn(ls.ndlon.Admin.Email)
	b.do("open the request again", chromedp.Navigate(ls.url+"/requests/"+ls.request.ID+"#todos"),
		chromedp.Click(chromedp.CSS(`#todo-add summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#todo-text`)))
	require.Equal(t, "2017-04-05", evaluate[string](b, "the earliest day", `document.querySelector('#todo-due-on').min`))
	b.do("add a to-do", chromedp.SendKeys(chromedp.CSS(`#todo-text`), "Call the records officer about the index"),
		chromedp.SetValue(chromedp.CSS(`#todo-due-on`), "2017-04-07"),
		chromedp.Click(chromedp.CSS(`#todo-add button[type="submit"]`)))
	b.waitText("the note", "To-do added for you, Fri 7 Apr 2017: it is on your dashboard, and emailed to you that day.", "Fri 7 Apr 2017, you: Call the records officer about the index")
	b.screenshot("request-todos")

	b.do("open the dashboard", chromedp.Navigate(ls.url+"/"))
	b.waitText("the dashboard's to-dos", "Your to-dos (1)", "Fri 7 Apr 2017: Call the records officer about the index")
	b.do("mark it done", chromedp.Click(chromedp.CSS(`#todos form[action$="/done"] button`)))
	b.waitText("the note", "To-do done.")
	require.False(t, evaluate[bool](b, "the to-dos panel", `!!document.querySelector('#todos')`), "nothing left to do")
	todos, err := ls.st.RequestTodos(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	require.Len(t, todos, 1)
	require.True(t, todos[0].Done)
}
