package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A note answers 201 with the event as the timeline lists it (b.call checks
// both against the spec), is in GET .../events, leaves the request's ETag
// as it was, and is taken on a closed request too.
func TestNotes_Create(t *testing.T) {
	t.Parallel()
	b := setup(t)
	agency := b.agency("Sheriff", "us-ca")
	open := b.request(agency, "2017-03-27")
	closed := b.request(agency, "2017-03-27")
	w := b.call("POST", "/api/v1/requests/"+closed+"/transitions", b.token, map[string]any{"to": "withdrawn"})
	require.Equal(t, http.StatusOK, w.status(), w.rec.Body.String())
	for name, id := range map[string]string{"open": open, "closed": closed} {
		t.Run(name, func(t *testing.T) {
			path := "/api/v1/requests/" + id
			tag := b.call("GET", path, b.token, nil).rec.Header().Get("ETag")
			r := b.call("POST", path+"/notes", b.token, map[string]any{"text": "  Lawyer says wait before appealing.\nAsk again in May. \n"})
			require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
			require.Equal(t, "note_added", r.str("kind"))
			require.Equal(t, "Lawyer says wait before appealing.\nAsk again in May.", r.str("note"))
			require.Equal(t, id, r.str("request_id"))
			require.Equal(t, b.fx.Admin.ID, r.str("actor_id"))
			require.Nil(t, r.body["effective_on"])
			require.Equal(t, map[string]any{}, r.body["data"])

			events := b.call("GET", path+"/events", b.token, nil).items()
			require.Equal(t, r.body, events[len(events)-1], "as the timeline lists it")
			require.Equal(t, tag, b.call("GET", path, b.token, nil).rec.Header().Get("ETag"), "the request did not change")
		})
	}
}

// A missing, blank or too long text is a 400 naming text, and nothing is
// written; another organization's request and an unknown one are 404.
func TestNotes_Refused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	other := storetest.Org(t, b.st, "other")
	before := len(b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items())
	for _, tc := range []struct {
		name, token, request, body string
		status                     int
	}{
		{"ErrTextMissing", b.token, req, `{}`, http.StatusBadRequest},
		{"ErrTextBlank", b.token, req, `{"text":" \n\t "}`, http.StatusBadRequest},
		{"ErrTextTooLong", b.token, req, `{"text":"` + strings.Repeat("a", 10001) + `"}`, http.StatusBadRequest},
		{"ErrTextNotString", b.token, req, `{"text":1}`, http.StatusBadRequest},
		{"ErrOtherOrg", other.Token, req, `{"text":"mine"}`, http.StatusNotFound},
		{"ErrUnknownRequest", b.token, "00000000-0000-0000-0000-000000000000", `{"text":"nowhere"}`, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", "/api/v1/requests/"+tc.request+"/notes", tc.token, tc.body)
			require.Equal(t, tc.status, r.status(), r.rec.Body.String())
			if tc.status == http.StatusBadRequest {
				require.Equal(t, []string{"text"}, r.fieldErrors())
			}
		})
	}
	require.Len(t, b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items(), before, "nothing written")
}

// A note that mentions people lists them in its data (as GET .../events
// does) and owes each an email (the outbox, GET /reminders, lists it with
// kind mentioned); someone not an active person of the organization is a
// 400 naming mention_ids, and nothing is written.
func TestNotes_Mentions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, maria))
	gone := &sunshine.User{Email: "gone@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, gone))
	w := b.call("PATCH", "/api/v1/users/"+gone.ID, b.token, map[string]any{"active": false})
	require.Equal(t, http.StatusOK, w.status(), w.rec.Body.String())
	other := storetest.Org(t, b.st, "other")
	path := "/api/v1/requests/" + req + "/notes"

	for _, tc := range []struct {
		name, body string
	}{
		{"ErrDeactivated", `{"text":"Call them?","mention_ids":["` + gone.ID + `"]}`},
		{"ErrOtherOrganization", `{"text":"Call them?","mention_ids":["` + other.Admin.ID + `"]}`},
		{"ErrNotAnID", `{"text":"Call them?","mention_ids":["maria"]}`},
		{"ErrNotAList", `{"text":"Call them?","mention_ids":"` + maria.ID + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("POST", path, b.token, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
			require.Equal(t, []string{"mention_ids"}, r.fieldErrors())
		})
	}
	before := b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items()
	for _, e := range before {
		require.NotEqual(t, "note_added", e["kind"], "nothing written")
	}

	r := b.call("POST", path, b.token, map[string]any{"text": "Maria, can you call them?", "mention_ids": []string{maria.ID}})
	require.Equal(t, http.StatusCreated, r.status(), r.rec.Body.String())
	require.Equal(t, map[string]any{"mention_ids": []any{maria.ID}}, r.body["data"])
	events := b.call("GET", "/api/v1/requests/"+req+"/events", b.token, nil).items()
	require.Equal(t, r.body, events[len(events)-1])

	var owed []map[string]any
	for _, it := range b.call("GET", "/api/v1/reminders?status=pending", b.token, nil).items() {
		if it["kind"] == "mentioned" {
			owed = append(owed, it)
		}
	}
	require.Len(t, owed, 1)
	require.Equal(t, maria.ID, owed[0]["recipient_id"])
	require.Nil(t, owed[0]["request_id"])
}
