package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// To-dos through the API: added for the caller or a colleague, checked
// field by field, listed with their request and as a person's open ones,
// changed, done and removed; another organization's are not found.
func TestTodos_API(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	b.user("maria@ndlon.example", sunshine.RoleStaff)
	var maria string
	for _, u := range b.call("GET", "/api/v1/users", b.token, nil).items() {
		if u["email"] == "maria@ndlon.example" {
			maria = u["id"].(string)
		}
	}
	path := "/api/v1/requests/" + req + "/todos"

	// now is Wed 5 Apr 2017 in the organization's time zone.
	for _, tc := range []struct {
		name   string
		body   string
		fields []string
	}{
		{"nothing", `{}`, []string{"text", "due_on"}},
		{"a day past", `{"text":"Call","due_on":"2017-04-04"}`, []string{"due_on"}},
		{"not a date", `{"text":"Call","due_on":"Friday"}`, []string{"due_on"}},
		{"null text", `{"text":null,"due_on":"2017-04-07"}`, []string{"text"}},
		{"text too long", `{"text":"` + strings.Repeat("x", 501) + `","due_on":"2017-04-07"}`, []string{"text"}},
		{"not a UUID", `{"text":"Call","due_on":"2017-04-07","assignee_id":"maria"}`, []string{"assignee_id"}},
		{"nobody here", `{"text":"Call","due_on":"2017-04-07","assignee_id":"00000000-0000-0000-0000-000000000000"}`, []string{"assignee_id"}},
		{"done already", `{"text":"Call","due_on":"2017-04-07","done":true}`, []string{"done"}},
		{"unknown field", `{"text":"Call","due_on":"2017-04-07","priority":1}`, []string{"priority"}},
	} {
		r := b.call("POST", path, b.token, tc.body)
		require.Equal(t, http.StatusBadRequest, r.status(), tc.name)
		require.ElementsMatch(t, tc.fields, r.fieldErrors(), tc.name)
	}
	require.Empty(t, b.call("GET", path, b.token, nil).items(), "nothing refused was kept")

	mine := b.call("POST", path, b.token, `{"text":"Draft the appeal","due_on":"2017-04-10"}`)
	require.Equal(t, http.StatusCreated, mine.status(), mine.rec.Body.String())
	require.Equal(t, "2017-04-10", mine.str("due_on"))
	require.Equal(t, false, mine.body["done"])
	hers := b.call("POST", path, b.token, `{"text":"Call the records officer","due_on":"2017-04-05","assignee_id":"`+maria+`"}`)
	require.Equal(t, http.StatusCreated, hers.status(), hers.rec.Body.String())
	require.Equal(t, maria, hers.str("assignee_id"))

	items := b.call("GET", path, b.token, nil).items()
	require.Len(t, items, 2)
	require.Equal(t, hers.str("id"), items[0]["id"], "the earliest day first")
	own := b.call("GET", "/api/v1/todos", b.token, nil).items()
	require.Len(t, own, 1, "the caller's own")
	require.Equal(t, mine.str("id"), own[0]["id"])
	require.Len(t, b.call("GET", "/api/v1/todos?assignee_id="+maria+"&due_by=2017-04-05", b.token, nil).items(), 1)
	require.Empty(t, b.call("GET", "/api/v1/todos?due_by=2017-04-09", b.token, nil).items())
	r := b.call("GET", "/api/v1/todos?due_by=soon", b.token, nil)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"due_by"}, r.fieldErrors())

	id := hers.str("id")
	r = b.call("PATCH", "/api/v1/todos/"+id, b.token, `{"done":true}`)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["done"])
	require.NotNil(t, r.body["done_at"])
	require.Empty(t, b.call("GET", "/api/v1/todos?assignee_id="+maria, b.token, nil).items(), "done: no longer open")
	r = b.call("PATCH", "/api/v1/todos/"+id, b.token, `{"done":false,"due_on":"2017-04-12","text":"Call again"}`)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, false, r.body["done"])
	require.Equal(t, "2017-04-12", r.str("due_on"))
	require.Equal(t, "Call again", r.str("text"))
	r = b.call("PATCH", "/api/v1/todos/"+id, b.token, `{"assignee_id":""}`)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"assignee_id"}, r.fieldErrors())
	r = b.call("PATCH", "/api/v1/todos/"+id, b.token, `{"due_on":"2017-04-01"}`)
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"due_on"}, r.fieldErrors())

	events := b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items()
	var kinds []string
	for _, e := range events {
		if k := e["kind"].(string); strings.HasPrefix(k, "todo_") {
			kinds = append(kinds, k)
		}
	}
	require.Equal(t, []string{"todo_added", "todo_added", "todo_done", "todo_reopened"}, kinds,
		"opened again, moved and reworded in one change: one event")
	last := events[len(events)-1]
	require.Equal(t, "Call again", last["note"])
	require.Equal(t, "2017-04-05", last["data"].(map[string]any)["was_due_on"])

	other := storetest.Org(t, b.st, "other")
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/todos/"+id, other.Token, nil).status())
	require.Equal(t, http.StatusNotFound, b.call("PATCH", "/api/v1/todos/"+id, other.Token, `{"done":true}`).status())
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/todos/"+id, b.token, nil).status())
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/todos/"+id, b.token, nil).status())
}
