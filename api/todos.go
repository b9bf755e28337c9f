package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// A request's to-dos (sunshine.Todo): listed with the request, and across
// requests as a person's open ones (GET /todos); staff add, change, mark
// done and remove them. They change nothing on the request (its ETag
// stays), so they take no If-Match.

// todoBody is a to-do as a client sends it: every field when it is
// added (text and due_on required), the ones to change in a PATCH.
type todoBody struct {
	Text       optional[string] `json:"text"`
	DueOn      optional[string] `json:"due_on"`
	AssigneeID optional[string] `json:"assignee_id"`
	Done       optional[bool]   `json:"done"`
}

func (b todoBody) input() (sunshine.TodoInput, error) {
	var fe fieldErrors
	in := sunshine.TodoInput{Text: set(&fe, "text", b.Text), AssigneeID: set(&fe, "assignee_id", b.AssigneeID),
		Done: set(&fe, "done", b.Done)}
	fe.uuid("assignee_id", in.AssigneeID)
	if raw := set(&fe, "due_on", b.DueOn); raw != nil {
		day := fe.date("due_on", raw)
		in.DueOn = &day // the zero day ("") is refused as missing
	}
	return in, fe.err()
}

func (s *Server) handleTodoList(c *gin.Context) {
	ts, err := s.store.RequestTodos(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(ts, ""))
}

// handleMyTodos is GET /todos: a person's open to-dos (the caller's unless
// assignee_id names another), due by due_by when given, the earliest
// first, at most store.MaxOpenTodos.
func (s *Server) handleMyTodos(c *gin.Context) {
	ctx := c.Request.Context()
	q := newQuery(c, "assignee_id", "due_by")
	who, by := q.id("assignee_id"), q.date("due_by")
	if err := q.err(); err != nil {
		fail(c, err)
		return
	}
	if who == "" {
		p, _ := sunshine.PrincipalFrom(ctx)
		who = p.UserID
	}
	ts, err := s.store.OpenTodos(ctx, who, by)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(ts, ""))
}

func (s *Server) handleTodoGet(c *gin.Context) {
	t, err := s.store.FindTodo(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// handleTodoCreate is POST /requests/{id}/todos: a to-do for assignee_id,
// the caller when absent, emailed to them on due_on.
func (s *Server) handleTodoCreate(c *gin.Context) {
	in, ok := readTodo(c)
	if !ok {
		return
	}
	t, err := s.store.AddTodo(c.Request.Context(), c.Param("id"), in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

// handleTodoUpdate is PATCH /todos/{id}: its text, day, person, or done.
func (s *Server) handleTodoUpdate(c *gin.Context) {
	in, ok := readTodo(c)
	if !ok {
		return
	}
	if in.AssigneeID != nil && *in.AssigneeID == "" {
		fail(c, sunshine.FieldInvalid("assignee_id", "cannot be empty: a to-do is always someone's"))
		return
	}
	t, err := s.store.UpdateTodo(c.Request.Context(), c.Param("id"), in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) handleTodoDelete(c *gin.Context) {
	if err := s.store.DeleteTodo(c.Request.Context(), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// readTodo decodes a to-do's body, or answers the problem with it.
func readTodo(c *gin.Context) (sunshine.TodoInput, bool) {
	var b todoBody
	if err := decodeJSON(c, &b); err != nil {
		fail(c, err)
		return sunshine.TodoInput{}, false
	}
	in, err := b.input()
	if err != nil {
		fail(c, err)
		return in, false
	}
	return in, true
}
