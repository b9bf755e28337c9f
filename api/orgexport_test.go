package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// unzipped reads every file of an archive by name.
func unzipped(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NotContains(t, out, f.Name, "one entry a name")
		out[f.Name] = b
		require.GreaterOrEqual(t, f.Modified.Year(), 2017, "%s is dated (not 1980-00-00)", f.Name)
	}
	return out
}

func TestOrgExport_Everything(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	agency := b.agency("Sacramento County Sheriff's Department", "us-ca")
	closed := b.call("POST", "/api/v1/agencies/"+agency+"/closures", b.token, `{"closed_on":"2017-04-05","reason":"Flooded records office"}`)
	require.Equal(t, http.StatusCreated, closed.status(), closed.rec.Body.String())
	pol := b.call("PUT", "/api/v1/reminder_policy", b.token, `{"time_zone":"America/Los_Angeles"}`)
	require.Equal(t, http.StatusOK, pol.status(), pol.rec.Body.String())
	letters := b.call("PUT", "/api/v1/letter_settings", b.token, `{"closing":"We ask for a fee waiver."}`)
	require.Equal(t, http.StatusOK, letters.status(), letters.rec.Body.String())
	fbi := b.agency("=HYPERLINK(\"x\") Bureau", "us-federal")

	acknowledged := b.request(agency, "2017-03-27")
	comm := b.communication(acknowledged, map[string]any{"direction": "in", "channel": "email", "kind": "acknowledgment",
		"occurred_on": "2017-03-29", "body": "We received your request."})
	require.Equal(t, http.StatusCreated, comm.status(), comm.rec.Body.String())
	pdf := pdfWith(t, "Detainer request, page one")
	doc := b.upload(acknowledged, "", "detainers.pdf", "application/pdf", pdf)
	require.Equal(t, http.StatusCreated, doc.status(), doc.rec.Body.String())
	todo := b.call("POST", "/api/v1/requests/"+acknowledged+"/todos", b.token, `{"text":"Call the records officer","due_on":"2017-04-07"}`)
	require.Equal(t, http.StatusCreated, todo.status(), todo.rec.Body.String())
	letter := b.call("POST", "/api/v1/requests/"+acknowledged+"/letter_emails", b.token,
		`{"to":"records@sheriff.example","subject":"Following up","body":"We have not had the records yet."}`)
	require.Equal(t, http.StatusAccepted, letter.status(), letter.rec.Body.String())
	draft := b.request(fbi, "")
	denied := b.request(agency, "2017-03-01")
	tr := b.call("POST", "/api/v1/requests/"+denied+"/transitions", b.token, map[string]any{"to": "denied", "effective_on": "2017-03-20"})
	require.Equal(t, http.StatusOK, tr.status(), tr.rec.Body.String())

	// Credentials stay out: a password, the tokens, a webhook's secret and
	// a shared page's link.
	require.NoError(t, b.st.SetPassword(b.fx.Ctx, b.fx.Admin.ID, "correct horse battery staple"))
	hook := b.call("POST", "/api/v1/webhooks", b.token, `{"url":"https://hooks.example.org/ndlon-private-path"}`)
	require.Equal(t, http.StatusCreated, hook.status(), hook.rec.Body.String())
	share := b.call("PUT", "/api/v1/requests/"+denied+"/share", b.token, `{}`)
	require.Equal(t, http.StatusOK, share.status(), share.rec.Body.String())
	link := share.str("url")
	require.Contains(t, link, "/shared/")
	secrets := []string{b.token, hook.str("secret"), "ndlon-private-path", "$2a$", link[strings.LastIndex(link, "/")+1:]}

	// Another organization's directory and requests stay out.
	other := storetest.Org(t, b.st, "other")
	theirs := b.call("POST", "/api/v1/agencies", other.Token, map[string]any{"name": "Their Police Department", "jurisdiction": "us-wa"})
	require.Equal(t, http.StatusCreated, theirs.status())
	theirRequest := b.call("POST", "/api/v1/requests", other.Token, map[string]any{"agency_id": theirs.str("id"),
		"title": "Their own request", "delivery_method": "email", "received_on": "2017-03-27"})
	require.Equal(t, http.StatusCreated, theirRequest.status(), theirRequest.rec.Body.String())

	api.SetCSVPage(b.srv, 2) // three requests over two pages
	rec := b.raw("/api/v1/export.zip")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "application/zip", rec.Header().Get("Content-Type"))
	require.Contains(t, rec.Header().Get("Content-Disposition"), `filename="sunshine-`+b.fx.Org.Slug+`-2017-04-05.zip"`,
		"named for the organization and its day")
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	files := unzipped(t, rec.Body.Bytes())

	for name, content := range files {
		for _, leak := range []string{other.Org.Slug, "Their Police Department", "Their own request", theirRequest.str("id"), other.Admin.Email} {
			require.NotContains(t, string(content), leak, "%s holds another organization's %q", name, leak)
		}
		require.NotContains(t, name, theirRequest.str("id"))
		for _, secret := range secrets {
			require.NotContains(t, string(content), secret, "%s holds a credential", name)
		}
	}

	require.Contains(t, string(files["README.txt"]), b.fx.Org.Name+": everything kept in Sunshine")
	require.Contains(t, string(files["README.txt"]), "Exported 2017-04-05 15:00 (UTC)")

	var org map[string]any
	require.NoError(t, json.Unmarshal(files["organization.json"], &org))
	require.Equal(t, b.fx.Org.Name, org["name"])
	require.Equal(t, b.fx.Org.Slug, org["slug"])
	require.Equal(t, "America/Los_Angeles", org["reminder_policy"].(map[string]any)["time_zone"])
	require.Equal(t, "We ask for a fee waiver.", org["letter_settings"].(map[string]any)["closing"])

	var users []map[string]any
	require.NoError(t, json.Unmarshal(files["users.json"], &users))
	require.Len(t, users, 1)
	require.Equal(t, b.fx.Admin.Email, users[0]["email"])
	require.Equal(t, false, users[0]["two_step"])
	for _, secret := range []string{"password", "hash", "totp", "token"} {
		require.NotContains(t, strings.ToLower(string(files["users.json"])), secret)
	}

	var agencies []map[string]any
	require.NoError(t, json.Unmarshal(files["agencies.json"], &agencies))
	require.Len(t, agencies, 2)
	byName := map[string]map[string]any{}
	for _, a := range agencies {
		byName[a["name"].(string)] = a
	}
	closures := byName["Sacramento County Sheriff's Department"]["closures"].([]any)
	require.Len(t, closures, 1)
	require.Equal(t, "Flooded records office", closures[0].(map[string]any)["reason"])
	require.Equal(t, []any{}, byName[`=HYPERLINK("x") Bureau`]["closures"], "none is an empty list")

	require.True(t, bytes.HasPrefix(files["agencies.csv"], []byte(sunshine.UTF8BOM)), "Excel reads it as UTF-8")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files["agencies.csv"], []byte(sunshine.UTF8BOM)))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, sunshine.AgencyCSVHeader, rows[0])
	require.Len(t, rows, 3)
	require.ElementsMatch(t, []string{"Sacramento County Sheriff's Department", `'=HYPERLINK("x") Bureau`}, []string{rows[1][0], rows[2][0]},
		"a formula is not run")

	require.True(t, bytes.HasPrefix(files["requests.csv"], []byte(sunshine.UTF8BOM)), "Excel reads it as UTF-8")
	rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files["requests.csv"], []byte(sunshine.UTF8BOM)))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, sunshine.CSVHeader, rows[0])
	statuses := map[string]string{}
	for _, row := range rows[1:] {
		statuses[row[0]] = row[4]
	}
	require.Equal(t, map[string]string{acknowledged: "acknowledged", draft: "draft", denied: "denied"}, statuses,
		"every request, whatever its status")

	// Each request's folder holds what its own archive holds.
	for id, status := range statuses {
		dir := "requests/" + id + "/"
		var r map[string]any
		require.NoError(t, json.Unmarshal(files[dir+"request.json"], &r), dir)
		require.Equal(t, id, r["id"])
		require.Equal(t, status, r["status"])
		var timeline []map[string]any
		require.NoError(t, json.Unmarshal(files[dir+"timeline.json"], &timeline), dir)
		require.NotEmpty(t, timeline, "its filing at least")
		require.Contains(t, files, dir+"todos.json")
		if id != acknowledged {
			require.JSONEq(t, "[]", string(files[dir+"letter_emails.json"]), "no letter on its way")
		}
		require.Contains(t, files, dir+"documents.json")
	}
	dir := "requests/" + acknowledged + "/"
	require.Contains(t, string(files[dir+"communications/001-2017-03-29-in-acknowledgment.txt"]), "We received your request.")
	var queued []map[string]any
	require.NoError(t, json.Unmarshal(files[dir+"letter_emails.json"], &queued))
	require.Len(t, queued, 1, "the letter on its way, with its text")
	require.Equal(t, "We have not had the records yet.", queued[0]["body"])
	require.Equal(t, "pending", queued[0]["status"])
	var todos []map[string]any
	require.NoError(t, json.Unmarshal(files[dir+"todos.json"], &todos))
	require.Len(t, todos, 1)
	require.Equal(t, "Call the records officer", todos[0]["text"])
	require.JSONEq(t, "[]", string(files["requests/"+draft+"/todos.json"]), "none is an empty list")
	require.Equal(t, pdf, files[dir+"documents/detainers.pdf"], "the document byte for byte")
	var manifest []map[string]any
	require.NoError(t, json.Unmarshal(files[dir+"documents.json"], &manifest))
	require.Len(t, manifest, 1)
	require.Equal(t, doc.str("id"), manifest[0]["id"])
	require.Equal(t, "documents/detainers.pdf", manifest[0]["path"])
}

func TestOrgExport_AdminsOnlyAndStrictQuery(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	for _, tc := range []struct {
		name  string
		token string
		path  string
		want  int
	}{
		{"staff", b.user("staff@ndlon.example", sunshine.RoleStaff), "/api/v1/export.zip", http.StatusForbidden},
		{"viewer", b.user("viewer@ndlon.example", sunshine.RoleViewer), "/api/v1/export.zip", http.StatusForbidden},
		{"unknown parameter", b.token, "/api/v1/export.zip?status=any", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call("GET", tc.path, tc.token, nil)
			require.Equal(t, tc.want, r.status(), r.rec.Body.String())
		})
	}
}

// One organization archive is made at a time in a process: another asked
// meanwhile is a 503 that says to try again, and nothing is held for it.
func TestOrgExport_OneAtATime(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	release := api.HoldArchive(b.srv)
	busy := b.call("GET", "/api/v1/export.zip", b.token, nil)
	require.Equal(t, http.StatusServiceUnavailable, busy.status())
	require.Contains(t, busy.str("detail"), "try again in a few minutes")
	release()
	require.Equal(t, http.StatusOK, b.raw("/api/v1/export.zip").Code)
}

// An archive larger than the socket's buffers, read by a client slower
// than the server's write timeout allows for the whole, arrives whole:
// the deadline moves on while bytes move.
func TestOrgExport_SlowClientPastTheWriteTimeout(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	big := make([]byte, 16<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>13) // little for Deflate to squeeze; documents are stored anyway
	}
	up := b.upload(id, "", "bodycam.bin", "application/octet-stream", big)
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())

	srv := httptest.NewUnstartedServer(b.srv)
	srv.Config.WriteTimeout = 500 * time.Millisecond
	srv.Start()
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/export.zip", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+b.token)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got bytes.Buffer
	buf := make([]byte, 128<<10)
	started := time.Now()
	for {
		n, err := resp.Body.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "cut after %s, %d bytes in", time.Since(started), got.Len())
		time.Sleep(5 * time.Millisecond)
	}
	require.Greater(t, time.Since(started), srv.Config.WriteTimeout, "slower than the write timeout")
	files := unzipped(t, got.Bytes())
	require.Equal(t, big, files["requests/"+id+"/documents/bodycam.bin"])
}
