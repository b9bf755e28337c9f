package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// The shared page through the API: made (again, the same link), renewed,
// stopped; its link for staff, not viewers; documents shown on it, never
// an email.
func TestShares_API(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)
	path := "/api/v1/requests/" + req + "/share"

	r := b.call("GET", path, b.token, nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Equal(t, false, r.body["shared"])
	require.Nil(t, r.body["url"])

	r = b.call("PUT", path, b.token, nil) // no body
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["shared"])
	url := r.str("url")
	require.True(t, strings.HasPrefix(url, "/shared/") && len(url) == len("/shared/")+43, url)
	require.Equal(t, "Admin of ndlon", r.str("created_by"))
	r = b.call("PUT", path, b.token, map[string]any{})
	require.Equal(t, url, r.str("url"), "shared already: the link sent stays")
	r = b.call("PUT", path, b.token, map[string]any{"renew": true})
	require.NotEqual(t, url, r.str("url"), "a new link")
	r = b.call("PUT", path, b.token, map[string]any{"renew": "yes"})
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Contains(t, r.fieldErrors(), "renew")

	r = b.call("GET", path, viewer, nil)
	require.Equal(t, http.StatusOK, r.status())
	require.Equal(t, true, r.body["shared"])
	require.Nil(t, r.body["url"], "the link is for those who may share")

	doc := b.upload(req, "", "released.txt", "text/plain", []byte("Responsive records.")).str("id")
	email := b.upload(req, "", "reply.eml", "message/rfc822", []byte("From: records@sheriff.example\r\nSubject: Records\r\n\r\nAttached.\r\n"))
	require.Equal(t, "message/rfc822", email.str("content_type"))
	r = b.call("PUT", "/api/v1/documents/"+doc+"/shared", b.token, map[string]any{"shared": true})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, true, r.body["shared"])
	for _, body := range []any{map[string]any{"shared": true}, map[string]any{}, map[string]any{"shared": nil}} {
		target := "/api/v1/documents/" + email.str("id") + "/shared"
		if m := body.(map[string]any); len(m) == 0 || m["shared"] == nil {
			target = "/api/v1/documents/" + doc + "/shared"
		}
		r = b.call("PUT", target, b.token, body)
		require.Equal(t, http.StatusBadRequest, r.status(), "%v: %s", body, r.rec.Body.String())
		require.Equal(t, []string{"shared"}, r.fieldErrors(), "%v", body)
	}

	require.Equal(t, http.StatusNoContent, b.call("DELETE", path, b.token, nil).status())
	r = b.call("GET", path, b.token, nil)
	require.Equal(t, false, r.body["shared"])
	require.Equal(t, http.StatusNoContent, b.call("DELETE", path, b.token, nil).status(), "not shared: not an error")
}

// An empty body sent in chunks (no Content-Length, as HTTP/2 clients and
// streaming ones send) is an empty object too; renew must be a boolean.
func TestShares_API_Bodies(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + req + "/share"
	chunked := httptest.NewRequest("PUT", path, io.NopCloser(strings.NewReader("")))
	chunked.ContentLength = -1
	chunked.Header.Set("Authorization", "Bearer "+b.token)
	rec := httptest.NewRecorder()
	b.srv.Engine().ServeHTTP(rec, chunked)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"), "the link opens the page to anyone")

	r := b.call("PUT", path, b.token, map[string]any{"renew": nil})
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"renew"}, r.fieldErrors())
}

// A shared page's last day through the API: set with the page, checked
// before anything is made, said in GET, cleared with null; past it the
// page answers 404.
func TestShares_APIExpiry(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	req := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + req + "/share"
	for _, body := range []string{`{"expires_on":"2017-04-04"}`, `{"expires_on":"2020-01-01"}`, `{"expires_on":"soon"}`, `{"expires_on":""}`, `{"expires_on":7}`} {
		r := b.call("PUT", path, b.token, body)
		require.Equal(t, http.StatusBadRequest, r.status(), body)
		require.Equal(t, []string{"expires_on"}, r.fieldErrors(), body)
	}
	require.Equal(t, false, b.call("GET", path, b.token, nil).body["shared"], "a refused day made nothing")

	r := b.call("PUT", path, b.token, `{"expires_on":"2017-04-06"}`)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-06", r.str("expires_on"))
	require.Equal(t, false, r.body["expired"])
	page := r.str("url")
	opens := func() bool {
		_, err := b.st.SharedPage(t.Context(), strings.TrimPrefix(page, "/shared/"))
		return err == nil
	}
	require.True(t, opens())

	b.clk.Set(now.AddDate(0, 0, 2))
	require.False(t, opens(), "past its last day")
	r = b.call("GET", path, b.token, nil)
	require.Equal(t, true, r.body["expired"])
	r = b.call("PUT", path, b.token, `{"expires_on":null}`)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Nil(t, r.body["expires_on"])
	require.Equal(t, page, r.str("url"), "the same link")
	require.True(t, opens())
}

// A group's status board through the API: none for a request filed
// alone (409), made from one request and seen from another, renewed,
// stopped; its link for staff, not viewers.
func TestBoards_API(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	sheriff := b.agency("Sheriff", "us-ca")
	alone := b.request(sheriff, "2017-03-27")
	src := b.request(sheriff, "2017-03-27")
	copies := b.call("POST", "/api/v1/requests/"+src+"/copies", b.token, map[string]any{"agency_ids": []string{b.agency("Fresno", "us-ca")}})
	require.Equal(t, http.StatusCreated, copies.status(), copies.rec.Body.String())
	copyID := copies.items()[0]["id"].(string)
	viewer := b.user("viewer@ndlon.example", sunshine.RoleViewer)

	r := b.call("PUT", "/api/v1/requests/"+alone+"/board", b.token, nil)
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.Equal(t, false, b.call("GET", "/api/v1/requests/"+alone+"/board", b.token, nil).body["shared"])

	r = b.call("PUT", "/api/v1/requests/"+src+"/board", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	url := r.str("url")
	require.True(t, strings.HasPrefix(url, "/shared/board/"), url)
	require.Equal(t, url, b.call("GET", "/api/v1/requests/"+copyID+"/board", b.token, nil).str("url"), "one board for the group")
	require.Nil(t, b.call("GET", "/api/v1/requests/"+copyID+"/board", viewer, nil).body["url"], "the link is for those who may share")
	r = b.call("PUT", "/api/v1/requests/"+copyID+"/board", b.token, map[string]any{"renew": true})
	require.NotEqual(t, url, r.str("url"))
	r = b.call("PUT", "/api/v1/requests/"+copyID+"/board", b.token, map[string]any{"expires_on": "2017-04-10"})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "2017-04-10", r.str("expires_on"), "a last day, as a shared page's")
	r = b.call("PUT", "/api/v1/requests/"+copyID+"/board", b.token, map[string]any{"expires_on": "2017-04-01"})
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"expires_on"}, r.fieldErrors())
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/requests/"+src+"/board", b.token, nil).status())
	require.Equal(t, false, b.call("GET", "/api/v1/requests/"+copyID+"/board", b.token, nil).body["shared"])
}
