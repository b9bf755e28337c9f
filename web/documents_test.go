package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/textract"
	"github.com/sunshine-records/sunshine/web"
)

// Staff remove a document uploaded by mistake from the request page: its
// Remove asks first (without JavaScript: a disclosure holding the
// question and the button that confirms), then the document is gone from
// the page and from search, and the timeline says it was removed. Viewers
// see no Remove and may not remove; another organization's document, or
// one already removed, is not found. A refusal removes nothing.
func TestDocumentRemove(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-05")}})
	require.NoError(t, err)
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"ice.txt": []byte("Zanzibarite detainer log.")}, ""), "/requests/"+r.ID)
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", map[string]string{"communication_id": cm.ID},
		map[string][]byte{"release.txt": []byte("First batch.")}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2)
	loose, attached := docs[0], docs[1] // uploaded in one transaction: listed in ID order
	if loose.Filename != "ice.txt" {
		loose, attached = attached, loose
	}
	require.Equal(t, "release.txt", attached.Filename)

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<summary>Remove<span class="visually-hidden"> ice.txt</span></summary>`)
	require.Contains(t, page, `<form method="post" action="/documents/`+loose.ID+`/delete">`)
	require.Contains(t, page, "Remove ice.txt from this request? Its text will no longer be found by search.")
	require.Contains(t, page, `<button type="submit">Remove ice.txt</button>`)
	require.Contains(t, body(b.get("/search?q=zanzibarite")), "ice.txt")

	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	vb := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	vb.login(viewer.Email)
	require.NotContains(t, body(vb.get("/requests/"+r.ID)), "/delete", "a viewer sees no Remove")
	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	ob := &bundle{t: t, st: b.st, fx: other, engine: b.engine}
	ob.login(other.Admin.Email)

	live := func() []string {
		t.Helper()
		ds, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
		require.NoError(t, err)
		var names []string
		for _, d := range ds {
			names = append(names, d.Filename)
		}
		slices.Sort(names)
		return names
	}
	for _, tc := range []struct {
		name   string
		who    *bundle
		id     string
		status int
		where  string   // the redirect, for a removal
		note   string   // on the request page after it
		left   []string // the request's documents afterwards
	}{
		{name: "viewer", who: vb, id: loose.ID, status: http.StatusForbidden, left: []string{"ice.txt", "release.txt"}},
		{name: "another organization", who: ob, id: loose.ID, status: http.StatusNotFound, left: []string{"ice.txt", "release.txt"}},
		{name: "no such document", who: b, id: "00000000-0000-0000-0000-000000000000", status: http.StatusNotFound, left: []string{"ice.txt", "release.txt"}},
		{name: "not an ID", who: b, id: "not-an-id", status: http.StatusNotFound, left: []string{"ice.txt", "release.txt"}},
		{name: "a document on its own", who: b, id: loose.ID, status: http.StatusSeeOther,
			where: "/requests/" + r.ID + "#timeline", note: "Removed ice.txt from this request.", left: []string{"release.txt"}},
		{name: "removed already", who: b, id: loose.ID, status: http.StatusNotFound, left: []string{"release.txt"}},
		{name: "a communication's document", who: b, id: attached.ID, status: http.StatusSeeOther,
			where: "/requests/" + r.ID + "#comm-" + cm.ID, note: "Removed release.txt from this request."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.who.post("/documents/"+tc.id+"/delete", nil)
			require.Equal(t, tc.status, rec.Code, body(rec))
			if tc.where != "" {
				require.Equal(t, tc.where, rec.Header().Get("Location"))
				require.Contains(t, body(b.get("/requests/"+r.ID)), tc.note)
			}
			require.Equal(t, tc.left, live())
		})
	}

	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Document removed: ice.txt — Admin of ndlon", "the timeline says so, and who")
	require.Contains(t, page, "Document removed: release.txt")
	require.NotContains(t, page, "/documents/"+loose.ID+"/download")
	require.NotContains(t, body(b.get("/search?q=zanzibarite")), "ice.txt", "no longer found by search")
	require.Equal(t, http.StatusNotFound, b.get("/documents/"+loose.ID+"/download").Code)
	require.False(t, strings.Contains(page, "Remove ice.txt"))
}

// A document whose text could not be read (a timeout, a server out of
// memory) offers to read it again, to staff only; once read it is
// searchable, and a document read already is not read again.
func TestDocumentRetryText(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"ledger.txt": []byte("Quetzalcoatlus overtime ledger.")}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	doc := docs[0]
	button := `<form method="post" action="/documents/` + doc.ID + `/text" class="inline"><button type="submit" class="secondary">Read its text again<span class="visually-hidden"> (ledger.txt)</span></button></form>`
	require.NotContains(t, body(b.get("/requests/"+r.ID)), button, "read already")
	loc := requireRedirect(t, b.post("/documents/"+doc.ID+"/text", nil), "/requests/"+r.ID)
	require.Contains(t, body(b.get(strings.Split(loc, "#")[0])), "The text of ledger.txt was read already: nothing to do.")

	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, doc.ID, sunshine.TextFailed, "", "the text could not be read (context deadline exceeded)"))
	require.Contains(t, body(b.get("/requests/"+r.ID)), button)
	require.NotContains(t, body(b.get("/search?q=quetzalcoatlus")), "ledger.txt")
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	vb := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	vb.login(viewer.Email)
	require.NotContains(t, body(vb.get("/requests/"+r.ID)), "Read its text again", "a viewer gets no forms")
	require.Equal(t, http.StatusForbidden, vb.post("/documents/"+doc.ID+"/text", nil).Code)

	loc = requireRedirect(t, b.post("/documents/"+doc.ID+"/text", nil), "/requests/"+r.ID)
	require.Contains(t, body(b.get(strings.Split(loc, "#")[0])), "Read the text of ledger.txt again: it is searchable now.")
	require.Contains(t, body(b.get("/search?q=quetzalcoatlus")), "ledger.txt")
}

// The request page names each document's kind of file as people know it
// ("Word document", not its long content type), keeping the exact type in
// the name's title; a type it has no name for is shown as it is.
func TestRequestPage_DocumentKinds(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for name, content := range map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, content)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	for _, tc := range []struct {
		filename string
		content  []byte
		kind     string
	}{
		{"memo.docx", docx.Bytes(), "Word document"},
		{"release.pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "PDF"},
		{"notes.txt", []byte("Detainer log."), "Plain text"},
		{"scan.png", append([]byte("\x89PNG\x0D\x0A\x1A\x0A"), make([]byte, 32)...), "Image (PNG)"},
		{"module.wasm", []byte("\x00asm\x01\x00\x00\x00"), "application/wasm"},
	} {
		t.Run(tc.filename, func(t *testing.T) {
			name, contentType, content, err := textract.Prepare(bytes.NewReader(tc.content), tc.filename)
			require.NoError(t, err)
			doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: name, ContentType: contentType, Content: content})
			require.NoError(t, err)
			page := body(b.get("/requests/" + r.ID))
			require.Contains(t, page, `<a href="/documents/`+doc.ID+`/download" download>`+tc.filename+`</a> <span class="hint">(<span title="`+
				html.EscapeString(doc.ContentType)+`">`+tc.kind+`</span>, `)
		})
	}
	page := body(b.get("/requests/" + r.ID))
	require.NotContains(t, page, ">"+textract.DOCX, "the long type only in a title")
}

func TestFileKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ contentType, want string }{
		{textract.DOCX, "Word document"},
		{textract.XLSX, "Excel spreadsheet"},
		{textract.PPTX, "PowerPoint presentation"},
		{textract.DOC, "Word 97-2003 document"},
		{textract.MSG, "Outlook message (.msg)"},
		{"application/pdf", "PDF"},
		{"text/plain; charset=utf-8", "Plain text"},
		{"text/plain; charset=utf-16le", "Plain text"},
		{"text/csv; charset=utf-8", "CSV spreadsheet"},
		{"text/html; charset=utf-8", "Web page (HTML)"},
		{"message/rfc822", "Email (.eml)"},
		{"application/zip", "ZIP archive"},
		{"image/png", "Image (PNG)"},
		{"image/jpeg", "Image (JPEG)"},
		{"application/octet-stream", "Unknown kind of file"},
		{"application/wasm", "application/wasm"},
		{"", ""},
	} {
		require.Equal(t, tc.want, web.FileKind(tc.contentType), tc.contentType)
	}
}

// The addresses of a document's forms (Remove, Read its text again)
// opened as a page, as when a refused form's page is bookmarked or
// reloaded by its address, go to the request page the document is on,
// where the forms are, and change nothing. A removed document, or another
// organization's, is not found; nobody signed in is sent to sign in.
func TestDocumentFormAddresses_GoToRequestPage(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-05")}})
	require.NoError(t, err)
	add := func(ctx context.Context, requestID, commID, name string) *sunshine.Document {
		t.Helper()
		d, err := b.st.CreateDocument(ctx, store.NewDocument{RequestID: requestID, CommunicationID: commID, Filename: name,
			ContentType: "text/plain; charset=utf-8", Content: strings.NewReader("Detainer log.")})
		require.NoError(t, err)
		return d
	}
	loose, attached, gone := add(b.fx.Ctx, r.ID, "", "ice.txt"), add(b.fx.Ctx, r.ID, cm.ID, "release.txt"), add(b.fx.Ctx, r.ID, "", "gone.txt")
	require.NoError(t, b.st.DeleteDocument(b.fx.Ctx, gone.ID))
	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: a.Name, Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	or := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(other.Ctx, or))
	theirs := add(other.Ctx, or.ID, "", "theirs.txt")

	for _, form := range []string{"delete", "text"} {
		for _, tc := range []struct {
			name  string
			id    string
			where string // "" for not found
		}{
			{"a document on its own", loose.ID, "/requests/" + r.ID + "#timeline"},
			{"a communication's document", attached.ID, "/requests/" + r.ID + "#comm-" + cm.ID},
			{"removed since", gone.ID, ""},
			{"another organization's", theirs.ID, ""},
			{"no such document", "00000000-0000-0000-0000-000000000000", ""},
			{"not an ID", "not-an-id", ""},
		} {
			t.Run(form+"/"+tc.name, func(t *testing.T) {
				rec := b.get("/documents/" + tc.id + "/" + form)
				if tc.where == "" {
					require.Equal(t, http.StatusNotFound, rec.Code, rec.Header().Get("Location"))
					require.Contains(t, body(rec), "<title>Error: Not found · Sunshine</title>")
					require.NotContains(t, body(rec), or.ID)
					return
				}
				require.Equal(t, http.StatusSeeOther, rec.Code)
				require.Equal(t, tc.where, rec.Header().Get("Location"))
				page, _, _ := strings.Cut(tc.where, "#")
				require.Equal(t, http.StatusOK, b.get(page).Code)
			})
		}
	}
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2, "a GET removes nothing")

	nobody := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	rec := nobody.get("/documents/" + loose.ID + "/delete")
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?next="), rec.Header().Get("Location"))
}

// The same file uploaded to a request again is stored again, and the
// page says the request had it already: under which name, and the day it
// was uploaded (the agency's day, as the timeline dates it). So does the
// answer to the uploader's script. Another request's copy does not count.
func TestDocumentUpload_SameFileAgain(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	letter := []byte("Records release, first batch.")
	// 03:00 UTC on Tuesday 4 April is Monday evening in Sacramento.
	b.clk.Set(time.Date(2017, 4, 4, 3, 0, 0, 0, time.UTC))
	loc := requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"letter.txt": letter}, ""), "/requests/"+r.ID)
	page := body(b.get(loc))
	require.Contains(t, page, "Uploaded 1 document: letter.txt.")
	require.NotContains(t, page, "already attached")

	b.clk.Set(now)
	loc = requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"letter (1).txt": letter}, ""), "/requests/"+r.ID)
	require.Contains(t, body(b.get(loc)), "Uploaded 1 document: letter (1).txt. This file is already attached to this request as “letter.txt” "+
		"(uploaded on Mon 3 Apr 2017); both are kept, so remove one if it was a mistake.")
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2, "stored again")
	first := docs[0]
	require.Equal(t, "letter.txt", first.Filename)

	// The uploader's script: one file per request, answered in JSON.
	rec := b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"copy.txt": letter}, "application/json")
	require.Equal(t, http.StatusCreated, rec.Code, body(rec))
	var out struct {
		Documents []map[string]any `json:"documents"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	require.Len(t, out.Documents, 1)
	require.Equal(t, first.ID, out.Documents[0]["duplicate_of"])
	require.Equal(t, "This file is already attached to this request as “letter.txt” (uploaded on Mon 3 Apr 2017); both are kept, so remove one if it was a mistake.",
		out.Documents[0]["note"])
	rec = b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"new.txt": []byte("Second batch.")}, "application/json")
	require.Equal(t, http.StatusCreated, rec.Code, body(rec))
	require.NotContains(t, body(rec), "duplicate_of")

	// Two copies in one form: the second names the first.
	loc = requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"a.txt": []byte("Twins."), "b.txt": []byte("Twins.")}, ""), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Regexp(t, `Uploaded 2 documents: ([ab]).txt, ([ab]).txt. [ab].txt is already attached to this request as “[ab].txt” \(uploaded on Wed 5 Apr 2017\)`, page)

	// Another request of the agency, the same letter: new to it.
	r2 := &sunshine.Request{AgencyID: a.ID, Title: "Second request", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r2))
	loc = requireRedirect(t, b.upload("/requests/"+r2.ID+"/documents", nil, map[string][]byte{"letter.txt": letter}, ""), "/requests/"+r2.ID)
	require.NotContains(t, body(b.get(loc)), "already attached")
}

// The request page lists every document in one place, in timeline order,
// each with the day it came, with what, and a link to that timeline entry.
func TestRequestPage_ListsDocuments(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	comm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-03")}})
	require.NoError(t, err)
	released, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, CommunicationID: comm.ID, Filename: "use-of-force-2016.pdf",
		ContentType: "text/plain", Content: strings.NewReader("Released records.")})
	require.NoError(t, err)
	loose, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "our-notes.txt",
		ContentType: "text/plain", Content: strings.NewReader("Notes.")})
	require.NoError(t, err)

	page := body(b.get("/requests/" + r.ID))
	start, end := strings.Index(page, `<section id="documents"`), strings.Index(page, `<section id="timeline"`)
	require.True(t, start >= 0 && start < end, "a Documents section before the timeline")
	list := strings.Join(strings.Fields(page[start:end]), " ")
	require.Contains(t, list, `<h2 id="documents-h">Documents (2)</h2>`)
	first, second := strings.Index(list, "use-of-force-2016.pdf"), strings.Index(list, "our-notes.txt")
	require.True(t, first >= 0 && first < second, "timeline order: the release of 3 April, then today's upload")
	require.Contains(t, list, `<a href="#comm-`+comm.ID+`">Mon 3 Apr 2017, records release, from the agency</a>`)
	require.Contains(t, list, `<a href="#doc-`+loose.ID+`">Wed 5 Apr 2017, uploaded</a>`)
	require.Contains(t, page, `id="comm-`+comm.ID+`"`)
	require.Contains(t, page, `id="doc-`+loose.ID+`"`)
	require.Contains(t, list, `/documents/`+released.ID+`/download`)
	require.NotContains(t, list, "Remove", "removing stays in the timeline, beside its context")
}
