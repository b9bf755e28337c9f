package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// zipOf returns a ZIP archive of the files, by path.
func zipOf(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		require.NoError(t, err)
		_, err = w.Write([]byte(f[1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// An archive uploaded on the request page is unpacked: its files are
// listed under it, by their place in it, in the Documents list (each to
// show on the shared page) and in the timeline, not each on its own;
// removing the archive asks about its files too, and removes them.
func TestRequestPage_UnpackedArchive(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-05")}})
	require.NoError(t, err)
	release := zipOf(t, [2]string{"Batch 1/memo.txt", "Detainer memo, quokka unit."}, [2]string{"Batch 1/roster.txt", "Deputy roster."})
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", map[string]string{"communication_id": cm.ID},
		map[string][]byte{"release.zip": release}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 3)
	var archive *sunshine.Document
	files := map[string]*sunshine.Document{}
	for _, d := range docs {
		if d.ArchivePath == nil {
			archive = d
		} else {
			files[*d.ArchivePath] = d
		}
	}
	require.Equal(t, "release.zip", archive.Filename)
	memo := files["Batch 1/memo.txt"]
	require.NotNil(t, memo)

	page := strings.Join(strings.Fields(body(b.get("/requests/"+r.ID))), " ")
	start, end := strings.Index(page, `<section id="documents"`), strings.Index(page, `<section id="timeline"`)
	list, timeline := page[start:end], page[end:]
	require.Contains(t, list, `<h2 id="documents-h">Documents (3)</h2>`, "every document counted")
	require.Contains(t, list, "unpacked: its 2 files are documents of their own")
	for _, part := range []string{list, timeline} {
		require.Equal(t, 1, strings.Count(part, `/documents/`+memo.ID+`/download`), "listed once, under its archive")
		nested := strings.Index(part, `<details class="unpacked" open><summary>2 files unpacked from release.zip</summary>`)
		require.True(t, nested >= 0 && nested < strings.Index(part, `/documents/`+memo.ID+`/download`))
		require.Contains(t, part, `download>Batch 1/memo.txt</a>`, "named by its place in the archive")
	}
	require.Contains(t, list, `<form method="post" action="/documents/`+memo.ID+`/shared"`, "each file may be shown on the shared page")
	require.NotContains(t, timeline, `/documents/`+memo.ID+`/shared`)
	require.Contains(t, page, "Remove release.zip, and the 2 files unpacked from it, from this request? Their text will no longer be found by search.")
	require.Contains(t, body(b.get("/search?q=quokka")), "memo.txt")

	// One that failed midway is offered to unpack again.
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, archive.ID, sunshine.TextFailed, "", "the archive could not be unpacked in full (test)"))
	require.Contains(t, body(b.get("/requests/"+r.ID)), `Unpack it again<span class="visually-hidden"> (release.zip)</span>`)

	requireRedirect(t, b.post("/documents/"+archive.ID+"/delete", url.Values{}), "/requests/"+r.ID)
	docs, _, err = b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, docs, "the archive went with its files")
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Document removed: release.zip, with the 2 files unpacked from it")
	require.NotContains(t, body(b.get("/search?q=quokka")), "memo.txt")

	// Many files: the Documents list has them, closed; the timeline
	// points there.
	var many [][2]string
	for i := range 11 {
		many = append(many, [2]string{fmt.Sprintf("page-%02d.txt", i), fmt.Sprintf("Page %d", i)})
	}
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"pages.zip": zipOf(t, many...)}, ""), "/requests/"+r.ID)
	page = strings.Join(strings.Fields(body(b.get("/requests/"+r.ID))), " ")
	end = strings.Index(page, `<section id="timeline"`)
	list, timeline = page[:end], page[end:]
	require.Contains(t, list, `<details class="unpacked"><summary>11 files unpacked from pages.zip</summary>`)
	require.Equal(t, 11, strings.Count(list, "download>page-"))
	require.Contains(t, timeline, `<a href="#documents">11 files unpacked from pages.zip</a>: listed under Documents.`)
	require.NotContains(t, timeline, "download>page-")
}

// An archive of more files than the request page lists (50) has its own
// page, 200 files at a time, each with what the request page offers; a
// file removed from there returns there.
func TestArchivePage_ManyFiles(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	var files [][2]string
	for i := range 205 {
		files = append(files, [2]string{fmt.Sprintf("Box %d/page-%03d.txt", i/100, i), fmt.Sprintf("Page %d of the roster", i)})
	}
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"roster.zip": zipOf(t, files...)}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 206)
	var archive, first *sunshine.Document
	for _, d := range docs {
		switch {
		case d.ArchivePath == nil:
			archive = d
		case *d.ArchivePath == "Box 0/page-000.txt":
			first = d
		}
	}

	page := strings.Join(strings.Fields(body(b.get("/requests/"+r.ID))), " ")
	require.Contains(t, page, `<a href="/documents/`+archive.ID+`/files">205 files unpacked from roster.zip</a>: each on the archive's own page.`)
	require.NotContains(t, page, "download>Box 0/page-000.txt", "not listed on the request page")

	files1 := strings.Join(strings.Fields(body(b.get("/documents/"+archive.ID+"/files"))), " ")
	require.Contains(t, files1, "<h1>Files unpacked from roster.zip</h1>")
	require.Contains(t, files1, "205 files, by their place in the archive; 1 to 200 here.")
	require.Equal(t, 200, strings.Count(files1, `<li id="doc-`))
	require.Contains(t, files1, `<li id="doc-`+first.ID+`"><a href="/documents/`+first.ID+`/download" download>Box 0/page-000.txt</a>`)
	require.Contains(t, files1, `action="/documents/`+first.ID+`/shared"`)
	require.Contains(t, files1, `<form method="post" action="/documents/`+first.ID+`/delete">`)
	require.Contains(t, files1, `<a href="?page=2" rel="next">Next 200</a>`)
	files2 := body(b.get("/documents/" + archive.ID + "/files?page=2"))
	require.Equal(t, 5, strings.Count(files2, `<li id="doc-`))
	require.Contains(t, files2, "Box 2/page-204.txt")
	require.Equal(t, files2, body(b.get("/documents/"+archive.ID+"/files?page=99")), "past the last page: the last")

	loc := requireRedirect(t, b.post("/documents/"+first.ID+"/delete", url.Values{}), "/documents/"+archive.ID+"/files")
	after := body(b.get(loc))
	require.Contains(t, after, "Removed page-000.txt from this request.")
	require.Contains(t, after, "204 files, by their place in the archive")

	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	vb := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	vb.login(viewer.Email)
	seen := body(vb.get("/documents/" + archive.ID + "/files"))
	require.Contains(t, seen, "Box 0/page-001.txt")
	require.NotContains(t, seen, "/delete", "a viewer sees no Remove")
}
