package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// GET /events: the organization's events across requests, newest first,
// by person and kind, paged; never another organization's; every event
// kind the store writes is one the filter takes.
func TestActivity_API(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	first := b.request(a, "2017-03-27")
	second := b.request(a, "2017-03-28")
	staff := b.user("staff@ndlon.example", sunshine.RoleStaff)
	r := b.call("POST", "/api/v1/requests/"+first+"/notes", staff, map[string]any{"text": "Called the records officer"})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	other := storetest.Org(t, b.st, "other")

	all := b.call("GET", "/api/v1/events", b.token, nil)
	require.Equal(t, http.StatusOK, all.status(), all.rec.Body.String())
	items := all.items()
	require.Equal(t, "note_added", items[0]["kind"], "newest first")
	seen := map[string]bool{}
	for _, e := range items {
		seen[e["request_id"].(string)] = true
	}
	require.Equal(t, map[string]bool{first: true, second: true}, seen)

	notes := b.call("GET", "/api/v1/events?kind=note_added&kind=status_changed", b.token, nil).items()
	require.Len(t, notes, 1)
	me := b.call("GET", "/api/v1/me", staff, nil)
	mine := b.call("GET", "/api/v1/events?actor_id="+me.str("user.id"), b.token, nil).items()
	require.Len(t, mine, 1)
	require.Equal(t, "Called the records officer", mine[0]["note"])

	page := b.call("GET", "/api/v1/events?limit=1", b.token, nil)
	require.Len(t, page.items(), 1)
	require.NotNil(t, page.body["next_cursor"])
	next := b.call("GET", "/api/v1/events?limit=1&cursor="+page.str("next_cursor"), b.token, nil)
	require.Equal(t, http.StatusOK, next.status())
	require.NotEqual(t, page.items()[0]["id"], next.items()[0]["id"])

	// The notes that mention someone: not another note, nor another event.
	staffID := me.str("user.id")
	told := b.call("POST", "/api/v1/requests/"+second+"/notes", b.token, map[string]any{"text": "Can you call?", "mention_ids": []string{staffID}})
	require.Equal(t, http.StatusCreated, told.status(), told.rec.Body.String())
	forStaff := b.call("GET", "/api/v1/events?mention_id="+strings.ToUpper(staffID), staff, nil).items()
	require.Len(t, forStaff, 1)
	require.Equal(t, told.str("id"), forStaff[0]["id"])
	require.Empty(t, b.call("GET", "/api/v1/events?mention_id="+b.fx.Admin.ID, b.token, nil).items(), "nobody mentioned the admin")

	for _, q := range []string{"kind=nonsense", "actor_id=nobody", "mention_id=nobody", "cursor=garbage", "limit=0", "since=2017-01-01"} {
		r := b.call("GET", "/api/v1/events?"+q, b.token, nil)
		require.Equal(t, http.StatusBadRequest, r.status(), q)
	}
	require.Empty(t, b.call("GET", "/api/v1/events", other.Token, nil).items(), "another organization's are not its")
}

// The event kinds GET /events takes are those the spec lists: one added
// to either alone would be refused, or undocumented.
func TestEventKindsMatchTheSpec(t *testing.T) {
	doc, _ := loadSpec(t)
	var inSpec []string
	for _, v := range doc.Components.Schemas["Event"].Value.Properties["kind"].Value.Enum {
		inSpec = append(inSpec, v.(string))
	}
	var inCode []string
	for _, k := range sunshine.EventKinds {
		inCode = append(inCode, string(k))
	}
	require.ElementsMatch(t, inSpec, inCode)
	require.ElementsMatch(t, inSpec, doc.Components.Schemas["EventKind"].Value.Enum, "EventKind (webhooks' kinds) lists them too")
}
