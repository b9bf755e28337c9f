package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A to-do added on a request's page for a colleague is in its panel, its
// timeline and the colleague's dashboard; it is changed there, marked
// done from the dashboard, open again, and removed, each change said in
// the timeline. Another organization's to-do is not found.
func TestRequestPage_Todos(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, maria))
	require.NoError(t, b.st.SetPassword(context.Background(), maria.ID, password))

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<h2 id="todos-h">To-dos</h2>`)
	require.Contains(t, page, `<p class="hint">None open.</p>`)
	require.Contains(t, page, `<form method="post" action="/requests/`+r.ID+`/todos" class="stack" novalidate>`)
	require.Contains(t, page, `<option value="`+b.fx.Admin.ID+`" selected>You</option>`, "for oneself unless chosen")
	require.Contains(t, page, `min="2017-04-05"`, "from today in the organization's time zone")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/todos", url.Values{"text": {"Call the records officer"},
		"due_on": {"2017-04-07"}, "assignee_id": {maria.ID}}), "/requests/"+r.ID)
	todos, err := b.st.RequestTodos(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, todos, 1)
	todo := todos[0]
	require.Equal(t, maria.ID, todo.AssigneeID)
	page = body(b.get(loc))
	require.Contains(t, page, `To-do added for Maria, Fri 7 Apr 2017: it is emailed to them that day. <a href="#todo-`+todo.ID+`">See it</a>`)
	require.Contains(t, page, `<li id="todo-`+todo.ID+`">
    <p><strong><time datetime="2017-04-07">Fri 7 Apr 2017</time></strong>, Maria: Call the records officer</p>`)
	require.Contains(t, page, "To-do for Maria (maria@ndlon.example) by Fri 7 Apr 2017: “Call the records officer” — Admin of ndlon", "in the timeline, by whom")

	// A day past is refused on the to-do's own form, opened, what was
	// typed kept, and nothing changed.
	rec := b.post("/todos/"+todo.ID, url.Values{"text": {"Call them again"}, "due_on": {"2017-04-04"}, "assignee_id": {maria.ID}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, "The to-do was not changed.")
	require.Contains(t, page, `<p class="field-error" id="todo-`+todo.ID+`-due-on-error">must be today (2017-04-05) or later</p>`)
	require.Contains(t, page, `<a href="#todo-`+todo.ID+`-due-on">By must be today (2017-04-05) or later</a>`, "the summary links to the field")
	require.Contains(t, page, `value="Call them again"`)
	require.Contains(t, page, `<details open><summary>Change<span class="visually-hidden"> “Call the records officer”</span></summary>`)
	same, err := b.st.FindTodo(b.fx.Ctx, todo.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-07", same.DueOn.String())

	requireRedirect(t, b.post("/todos/"+todo.ID, url.Values{"text": {"Call the records officer"}, "due_on": {"2017-04-05"}, "assignee_id": {maria.ID}}), "/requests/"+r.ID)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<time datetime="2017-04-05">Wed 5 Apr 2017</time> (today)</strong>, Maria`)
	require.Contains(t, page, "To-do changed: “Call the records officer” (now by Wed 5 Apr 2017, was Fri 7 Apr 2017)")

	// Maria's dashboard lists it; she marks it done there.
	b.login(maria.Email)
	page = body(b.get("/"))
	require.Contains(t, page, `<h2 id="todos-h">Your to-dos <span class="count">(1)</span></h2>`)
	require.Contains(t, page, `(today)</strong>: Call the records officer <span class="hint">· <a href="/requests/`+r.ID+`#todo-`+todo.ID+`">Communications with immigration authorities</a></span>`)
	require.Equal(t, "/#todos", requireRedirect(t, b.post("/todos/"+todo.ID+"/done", url.Values{"done": {"1"}, "from": {"dashboard"}}), "/#todos"))
	page = body(b.get("/")) // (a browser keeps the #fragment to itself)
	require.Contains(t, page, "To-do done.")
	require.NotContains(t, page, `id="todos-h"`, "nothing left to do")
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<details><summary>Done (1)</summary>`)
	require.Regexp(t, regexp.QuoteMeta(`<p>Call the records officer <span class="hint">· done by Maria, Wed 5 Apr 2017 `)+`\d\d:\d\d E[DS]T</span></p>`, page)
	require.Contains(t, page, "To-do done: “Call the records officer” — Maria")

	requireRedirect(t, b.post("/todos/"+todo.ID+"/done", url.Values{"done": {"0"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "To-do open again: “Call the records officer” — Maria")
	requireRedirect(t, b.post("/todos/"+todo.ID+"/delete", nil), "/requests/"+r.ID)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "To-do removed: “Call the records officer”. The timeline keeps it.")
	require.Contains(t, page, "To-do removed: “Call the records officer” (for Maria (maria@ndlon.example) by Wed 5 Apr 2017) — Maria")
	require.NotContains(t, page, `id="todo-`+todo.ID+`"`)

	// Another organization's to-do: not found, and not changed.
	other := storetest.Org(t, b.st, "other")
	theirs := b.addTodo(other, "Their to-do")
	require.Equal(t, http.StatusNotFound, b.post("/todos/"+theirs.ID+"/done", url.Values{"done": {"1"}}).Code)
	require.Equal(t, http.StatusNotFound, b.get("/todos/"+theirs.ID).Code)
	still, err := b.st.FindTodo(other.Ctx, theirs.ID)
	require.NoError(t, err)
	require.False(t, still.Done)
}

// A to-do without its text or day is refused on the add form, opened, with
// each field's error and what was typed, and nothing is added.
func TestRequestPage_TodoRefused(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.post("/requests/"+r.ID+"/todos", url.Values{"text": {"  "}, "due_on": {"5 April"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page := body(rec)
	require.Contains(t, page, `<details id="todo-add" open><summary>Add a to-do</summary>`)
	require.Contains(t, page, "The to-do was not added.")
	require.Contains(t, page, `<p class="field-error" id="todo-due-on-error">must be a date such as 2017-03-27</p>`)
	require.Contains(t, page, `value="5 April"`)
	rec = b.post("/requests/"+r.ID+"/todos", url.Values{"text": {strings.Repeat("x", 501)}, "due_on": {"2017-04-07"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="todo-text-error">must be at most 500 characters</p>`)
	todos, err := b.st.RequestTodos(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, todos)
}

// addTodo gives fx's organization a request with a to-do.
func (b *bundle) addTodo(fx storetest.Fixture, text string) *sunshine.Todo {
	b.t.Helper()
	a := &sunshine.Agency{Name: "Agency of " + text, Jurisdiction: "us-ca"}
	require.NoError(b.t, b.st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Request of " + text, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: now2017()}
	require.NoError(b.t, b.st.CreateRequest(fx.Ctx, r))
	due := now2017().AddDays(2)
	todo, err := b.st.AddTodo(fx.Ctx, r.ID, sunshine.TodoInput{Text: &text, DueOn: &due})
	require.NoError(b.t, err)
	return todo
}

func now2017() deadline.Date { return deadline.MustParseDate("2017-04-05") }

// A to-do whose person was deactivated keeps them as its choice in its
// change form (saving another change does not give it to someone else
// unseen); a new to-do offers only active people.
func TestRequestPage_TodoOfSomeoneDeactivated(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	text, due := "Call the records officer", now2017().AddDays(2)
	todo, err := b.st.AddTodo(b.fx.Ctx, r.ID, sunshine.TodoInput{Text: &text, DueOn: &due, AssigneeID: &ana.ID})
	require.NoError(t, err)
	_, err = b.st.SetUserActive(b.fx.Ctx, ana.ID, false)
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<option value="`+ana.ID+`" selected>Ana (deactivated)</option>`)
	require.Equal(t, 1, strings.Count(page, `<option value="`+ana.ID+`"`), "in its own form only")
	requireRedirect(t, b.post("/todos/"+todo.ID, url.Values{"text": {"Call the records officer today"}, "due_on": {due.String()}, "assignee_id": {ana.ID}}), "/requests/"+r.ID)
	still, err := b.st.FindTodo(b.fx.Ctx, todo.ID)
	require.NoError(t, err)
	require.Equal(t, ana.ID, still.AssigneeID)
	require.Equal(t, "Call the records officer today", still.Text)
}
