package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A request's to-dos (sunshine.Todo): listed in a panel of its page, added
// and changed there, marked done there or from the dashboard, and emailed
// to their person on their day (jobs).

// todoPanel is the request page's to-dos.
type todoPanel struct {
	Open, Done []todoRow
	// Form adds a to-do.
	Form   *reqForm
	Today  deadline.Date    // the organization's: which are late
	People []*sunshine.User // whom a to-do can be for: the active users
	Me     string
}

// todoRow is one to-do in the panel, with its change form (its errors, a
// change refused).
type todoRow struct {
	T           *sunshine.Todo
	Late, Today bool
	Form        *reqForm
	DoneWhen    string // when it was done, in the organization's time zone
}

// todoFields is what a to-do form's fields show: the form and the panel,
// and for a to-do whose person was deactivated, that person (the choice
// it has, kept unless another is chosen).
type todoFields struct {
	Form *reqForm
	*todoPanel
	Gone *sunshine.User
	Hint bool // the form adding a to-do has a hint for its text
}

// Fields pairs the form adding a to-do with the panel, for the todofields
// template.
func (p *todoPanel) Fields(f *reqForm) todoFields {
	return todoFields{Form: f, todoPanel: p, Hint: true}
}

// RowFields is Fields for a to-do's change form.
func (p *todoPanel) RowFields(r todoRow) todoFields {
	f := todoFields{Form: r.Form, todoPanel: p}
	if !slices.ContainsFunc(p.People, func(u *sunshine.User) bool { return u.ID == r.T.AssigneeID }) {
		f.Gone = &sunshine.User{ID: r.T.AssigneeID, Name: r.T.AssigneeName}
	}
	return f
}

// loadTodos fills the request page's to-dos panel: its to-dos, each with
// its change form, and the form adding one for the person signed in.
func (s *Server) loadTodos(c *gin.Context, d *requestPageData) error {
	ts, err := s.store.RequestTodos(ctxOf(c), d.R.ID)
	if err != nil {
		return err
	}
	p := &d.Todos
	p.Today, p.Me = s.orgToday(c), d.Me
	for _, u := range d.Users {
		if u.Active {
			p.People = append(p.People, u)
		}
	}
	for _, t := range ts {
		if t.Done {
			p.Done = append(p.Done, todoRow{T: t, DoneWhen: stamp(*t.DoneAt, s.orgLocation(c))})
			continue
		}
		p.Open = append(p.Open, todoRow{T: t, Late: t.Late(p.Today), Today: t.DueOn == p.Today,
			Form: todoForm(t.ID, url.Values{"text": {t.Text}, "due_on": {t.DueOn.String()}, "assignee_id": {t.AssigneeID}})})
	}
	p.Form = todoForm("", url.Values{"assignee_id": {d.Me}})
	return nil
}

// myTodos returns the open to-dos of the person signed in that are late
// or due within 7 days, and how many more are due after.
func (s *Server) myTodos(c *gin.Context, today deadline.Date) (rows []todoRow, later int, err error) {
	p, _ := sunshine.PrincipalFrom(ctxOf(c))
	ts, err := s.store.OpenTodos(ctxOf(c), p.UserID, deadline.Date{})
	if err != nil {
		return nil, 0, err
	}
	for _, t := range ts {
		if today.AddDays(7).Before(t.DueOn) {
			later++
			continue
		}
		rows = append(rows, todoRow{T: t, Late: t.Late(today), Today: t.DueOn == today})
	}
	return rows, later, nil
}

// todoForm is the form adding a to-do (id "") or changing the to-do id:
// each its own field IDs.
func todoForm(id string, values url.Values) *reqForm {
	f := newReqForm("todo", values)
	if id != "" {
		f.ID = "todo-" + id
	}
	return f
}

// todoInput reads a to-do form's fields; a field left out of the form is
// not changed.
func todoInput(f *reqForm) sunshine.TodoInput {
	var in sunshine.TodoInput
	if v, ok := f.Values["text"]; ok {
		in.Text = &v[0]
	}
	if _, ok := f.Values["due_on"]; ok {
		if d := f.parseDateField("due_on"); !d.IsZero() || f.E("due_on") == "" {
			in.DueOn = &d
		}
	}
	if v, ok := f.Values["assignee_id"]; ok {
		id := strings.TrimSpace(v[0])
		in.AssigneeID = &id
	}
	return in
}

// handleTodoCreate adds a to-do to the request, for whoever the form names.
func (s *Server) handleTodoCreate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := todoForm("", c.Request.PostForm)
	in := todoInput(f)
	set := func(d *requestPageData, f *reqForm) { d.Todos.Form = f }
	if f.HasErrors() {
		s.actionFailed(c, f, nil, set)
		return
	}
	t, err := s.store.AddTodo(ctxOf(c), c.Param("id"), in)
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	note := "To-do added for " + t.AssigneeName + ", " + t.DueOn.Format("Mon 2 Jan 2006") + ": it is emailed to them that day."
	if p, _ := sunshine.PrincipalFrom(ctxOf(c)); p.UserID == t.AssigneeID {
		note = "To-do added for you, " + t.DueOn.Format("Mon 2 Jan 2006") + ": it is on your dashboard, and emailed to you that day."
	}
	s.redirectBackLink(c, requestPath(t.RequestID), note, &noteLink{"#todo-" + t.ID, "See it"})
}

// handleTodoUpdate changes a to-do's text, day or person.
func (s *Server) handleTodoUpdate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := todoForm(c.Param("id"), c.Request.PostForm)
	in := todoInput(f)
	s.changeTodo(c, f, in, "To-do changed.")
}

// handleTodoDone marks a to-do done (done=1), or not done after all
// (done=0); from the dashboard (from=dashboard) it returns there.
func (s *Server) handleTodoDone(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	done := c.PostForm("done") != "0"
	note := "To-do done."
	if !done {
		note = "To-do open again."
	}
	s.changeTodo(c, todoForm(c.Param("id"), nil), sunshine.TodoInput{Done: &done}, note)
}

// changeTodo makes a change to the to-do of the path, then shows the page
// it was made from again.
func (s *Server) changeTodo(c *gin.Context, f *reqForm, in sunshine.TodoInput, note string) {
	ctx := ctxOf(c)
	old, err := s.store.FindTodo(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !f.HasErrors() {
		_, err = s.store.UpdateTodo(ctx, old.ID, in)
	}
	if f.HasErrors() || err != nil {
		s.actionFailedOn(c, old.RequestID, f, err, func(d *requestPageData, f *reqForm) {
			for i := range d.Todos.Open {
				if d.Todos.Open[i].T.ID == old.ID {
					d.Todos.Open[i].Form = f
				}
			}
		})
		return
	}
	if c.PostForm("from") == "dashboard" {
		s.redirectBack(c, "/#todos", note)
		return
	}
	s.redirectBackLink(c, requestPath(old.RequestID), note, &noteLink{"#todos", "See the to-dos"})
}

// handleTodoDelete removes a to-do set by mistake or no longer wanted.
func (s *Server) handleTodoDelete(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	ctx := ctxOf(c)
	t, err := s.store.FindTodo(ctx, c.Param("id"))
	if err == nil {
		err = s.store.DeleteTodo(ctx, t.ID)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBackLink(c, requestPath(t.RequestID), "To-do removed: “"+t.Text+"”. The timeline keeps it.", &noteLink{"#todos", "See the to-dos"})
}

// handleTodoFormPage answers a to-do form's address opened as a page: the
// to-do on its request's page (only the to-do knows its request).
func (s *Server) handleTodoFormPage(c *gin.Context) {
	t, err := s.store.FindTodo(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, requestPath(t.RequestID)+"#todo-"+t.ID)
}
