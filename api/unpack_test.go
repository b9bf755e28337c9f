package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"log/slog"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// zipEntry is one entry of a test archive: a file, or what a computer,
// a damaged copy or a password makes of one.
type zipEntry struct {
	name    string
	content []byte
	// method other than deflate (0: deflate), stored raw as given.
	method uint16
	// encrypted sets the "protected by a password" flag; badCRC records a
	// checksum the bytes do not have; cp437 stores the name without the
	// UTF-8 flag, as Windows' own zipping does.
	encrypted, badCRC, cp437 bool
}

// zipOf returns a ZIP archive of the entries.
func zipOf(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, NonUTF8: e.cp437}
		if e.encrypted {
			fh.Flags |= 1
		}
		switch {
		case e.method != 0 || e.badCRC:
			fh.Method = e.method // stored (0) for a bad checksum
			fh.CRC32 = crc32.ChecksumIEEE(e.content)
			if e.badCRC {
				fh.CRC32++
			}
			fh.CompressedSize64, fh.UncompressedSize64 = uint64(len(e.content)), uint64(len(e.content))
			w, err := zw.CreateRaw(fh)
			require.NoError(t, err)
			_, err = w.Write(e.content)
			require.NoError(t, err)
		default:
			w, err := zw.CreateHeader(fh)
			require.NoError(t, err)
			_, err = w.Write(e.content)
			require.NoError(t, err)
		}
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// unpackedFiles lists the request's documents unpacked from archive, by
// their path in it.
func (b *testBundle) unpackedFiles(requestID, archive string) map[string]map[string]any {
	b.t.Helper()
	out := map[string]map[string]any{}
	for _, d := range b.call("GET", "/api/v1/requests/"+requestID+"/documents?limit=200", b.token, nil).items() {
		if d["unpacked_from"] == archive {
			out[d["archive_path"].(string)] = d
		}
	}
	return out
}

func keysOf(m map[string]map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// An agency's release as one ZIP archive: each file in it becomes a
// document of its own, on the archive's communication, searchable by its
// text; an archive in it is unpacked too; what a computer adds (folders,
// a Mac's __MACOSX, .DS_Store) is not stored, and what cannot be read is
// left out and named with why. The archive stays as it came, and one
// event tells of the unpacking.
func TestDocuments_ZipArchiveUnpacked(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 64<<10)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	comm := b.communication(id, map[string]any{"direction": "in", "kind": "records_release", "channel": "email",
		"occurred_on": "2017-04-03", "subject": "Release 1"}).str("communication.id")

	inner := zipOf(t, zipEntry{name: "inner/notes.txt", content: []byte("The platypus memo")})
	release := zipOf(t,
		zipEntry{name: "Batch 1/", content: nil},
		zipEntry{name: "Batch 1/memo.pdf", content: pdfWith(t, "Detainer request from ICE, quokka unit")},
		zipEntry{name: "Batch 1/roster.txt", content: []byte("Deputy Wombatson, overtime")},
		zipEntry{name: "__MACOSX/Batch 1/._memo.pdf", content: []byte("resource fork")},
		zipEntry{name: ".DS_Store", content: []byte("junk")},
		zipEntry{name: "../../etc/escape.txt", content: []byte("numbat")},
		zipEntry{name: "Informe a\xa4o.txt", content: []byte("echidna"), cp437: true},
		zipEntry{name: "nested.zip", content: inner},
		zipEntry{name: "secret.pdf", content: []byte("%PDF-1.4 x"), encrypted: true},
		zipEntry{name: "old.dat", content: []byte("BZh91AY&SY"), method: 12},
		zipEntry{name: "broken.txt", content: []byte("corrupted bandicoot"), badCRC: true},
	)
	up := b.upload(id, comm, "release.zip", "application/zip", release)
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	archive := up.str("id")

	got := b.call("GET", "/api/v1/documents/"+archive, b.token, nil)
	require.Equal(t, "application/zip", got.str("content_type"), "the archive is kept as it came")
	require.Equal(t, sunshine.TextExtracted, got.str("text_status"))
	require.Equal(t, "unpacked: its 5 files are documents of their own; 3 left out: "+
		"secret.pdf (protected by a password), old.dat (compressed by a method Sunshine does not read (BZIP2)), broken.txt (damaged in the archive)",
		got.str("text_error"))
	require.EqualValues(t, 5, got.body["unpacked_files"])

	files := b.unpackedFiles(id, archive)
	require.Equal(t, []string{"Batch 1/memo.pdf", "Batch 1/roster.txt", "Informe año.txt", "etc/escape.txt", "nested.zip"}, keysOf(files))
	for path, f := range files {
		require.Equal(t, comm, f["communication_id"], path)
		require.Equal(t, b.fx.Admin.ID, f["created_by"], "%s: uploaded by whoever uploaded the archive", path)
	}
	require.Equal(t, "memo.pdf", files["Batch 1/memo.pdf"]["filename"])
	require.Equal(t, "application/pdf", files["Batch 1/memo.pdf"]["content_type"])
	require.Equal(t, sunshine.TextExtracted, files["Batch 1/memo.pdf"]["text_status"])
	nested := files["nested.zip"]["id"].(string)
	require.Equal(t, []string{"inner/notes.txt"}, keysOf(b.unpackedFiles(id, nested)), "an archive in the archive is unpacked too")

	for word, path := range map[string]string{"quokka": "Batch 1/memo.pdf", "wombatson": "Batch 1/roster.txt", "echidna": "Informe año.txt"} {
		hits := b.call("GET", "/api/v1/search?q="+word, b.token, nil).items()
		require.Len(t, hits, 1, word)
		require.Equal(t, files[path]["id"], hits[0]["document_id"], word)
		require.Equal(t, path, hits[0]["title"], "%s: named with its folders", word)
	}
	require.Len(t, b.call("GET", "/api/v1/search?q=platypus", b.token, nil).items(), 1)
	require.Empty(t, b.call("GET", "/api/v1/search?q=bandicoot", b.token, nil).items(), "a damaged file is not stored")

	var unpacked []map[string]any
	for _, e := range b.call("GET", "/api/v1/requests/"+id+"/events?limit=200", b.token, nil).items() {
		if e["kind"] == string(sunshine.EventArchiveUnpacked) {
			unpacked = append(unpacked, e["data"].(map[string]any))
		}
	}
	require.Len(t, unpacked, 2, "one event for each archive, none for each file")
	byArchive := map[string]map[string]any{}
	for _, d := range unpacked {
		byArchive[d["document_id"].(string)] = d
	}
	require.EqualValues(t, 5, byArchive[archive]["files"])
	require.EqualValues(t, 3, byArchive[archive]["left_out"])
	require.Equal(t, comm, byArchive[archive]["communication_id"])
	require.EqualValues(t, 1, byArchive[nested]["files"])

	// The request's ZIP keeps each file in a folder named after its
	// archive, at its place in it.
	zipped := unzipped(t, b.raw("/api/v1/requests/"+id+"/export.zip").Body.Bytes())
	for _, name := range []string{"documents/release.zip", "documents/release/Batch 1/memo.pdf", "documents/release/Batch 1/roster.txt",
		"documents/release/nested.zip", "documents/release/nested/inner/notes.txt", "documents/release/etc/escape.txt"} {
		require.Contains(t, zipped, name)
	}
	require.Equal(t, []byte("The platypus memo"), zipped["documents/release/nested/inner/notes.txt"])

	// Unpacked again (a server stopped midway): nothing stored twice, and
	// a file removed meanwhile is not stored again.
	removed := files["etc/escape.txt"]["id"].(string)
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/documents/"+removed, b.token, nil).status())
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, archive, sunshine.TextFailed, "", "the archive could not be unpacked in full (test)"))
	again := b.call("POST", "/api/v1/documents/"+archive+"/text", b.token, nil)
	require.Equal(t, http.StatusAccepted, again.status(), again.rec.Body.String())
	require.Equal(t, sunshine.TextExtracted, again.str("text_status"))
	require.EqualValues(t, 4, again.body["unpacked_files"])
	require.Contains(t, again.str("text_error"), "unpacked: its 4 files are documents of their own; 3 left out:")
	require.Equal(t, []string{"Batch 1/memo.pdf", "Batch 1/roster.txt", "Informe año.txt", "nested.zip"}, keysOf(b.unpackedFiles(id, archive)),
		"each file once, the removed one still removed")
	stored, err := b.st.UnpackedPaths(b.fx.Ctx, archive)
	require.NoError(t, err)
	require.Len(t, stored, 5, "removed ones included: nothing stored twice")

	// Removing the archive removes what was unpacked from it, at any depth.
	require.Equal(t, http.StatusNoContent, b.call("DELETE", "/api/v1/documents/"+archive, b.token, nil).status())
	require.Empty(t, b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil).items())
	require.Empty(t, b.call("GET", "/api/v1/search?q=platypus", b.token, nil).items())
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/documents/"+nested, b.token, nil).status())
	events := b.call("GET", "/api/v1/requests/"+id+"/events?limit=200", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, string(sunshine.EventDocumentDeleted), last["kind"])
	require.EqualValues(t, 5, last["data"].(map[string]any)["unpacked_removed"], "4 files and the nested archive's 1")
}

// The bounds on unpacking: a file larger than a document may be is left
// out; an archive unpacks to no more than a hundred times its size (a
// "zip bomb"), counting archives inside it; archives go three deep.
func TestDocuments_ZipArchiveBounds(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 64<<10)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")

	t.Run("TooLarge", func(t *testing.T) {
		big := bytes.Repeat([]byte("overtime ledger line\n"), 4000) // 84 KB: more than the 64 KiB limit
		up := b.upload(id, "", "ledger.zip", "application/zip", zipOf(t,
			zipEntry{name: "ledger.txt", content: big}, zipEntry{name: "note.txt", content: []byte("a small note")}))
		require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
		require.Equal(t, "unpacked: its file is a document of its own; 1 left out: "+
			"ledger.txt (larger than the 64 KiB a document may be)", up.str("text_error"))
	})
	t.Run("Bomb", func(t *testing.T) {
		// 60 KB of zeros in each of five files packs to well under 1 KB.
		var entries []zipEntry
		for _, n := range []string{"a", "b", "c", "d", "e"} {
			entries = append(entries, zipEntry{name: n + ".txt", content: make([]byte, 60<<10)})
		}
		bomb := zipOf(t, entries...)
		require.Less(t, len(bomb), 2<<10)
		up := b.upload(id, "", "bomb.zip", "application/zip", bomb)
		require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
		files := b.unpackedFiles(id, up.str("id"))
		var total float64
		for _, f := range files {
			total += f["size"].(float64)
		}
		require.LessOrEqual(t, total, float64(100*len(bomb)), "no more than a hundred times the archive")
		require.Less(t, len(files), 5)
		require.Contains(t, up.str("text_error"), "past what one archive may unpack to")
	})
	t.Run("ManyEmptyFiles", func(t *testing.T) {
		// Empty files take no bytes, but each takes 4 KiB of the room: here
		// the ten upload limits, 640 KiB, hold 160 of them.
		var entries []zipEntry
		for i := range 400 {
			entries = append(entries, zipEntry{name: fmt.Sprintf("empty-%03d.txt", i)})
		}
		up := b.upload(id, "", "empty.zip", "application/zip", zipOf(t, entries...))
		require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
		require.EqualValues(t, 160, up.body["unpacked_files"])
		require.Contains(t, up.str("text_error"), "unpacked: its 160 files are documents of their own; 240 left out: empty-160.txt (past what one archive may unpack to: 640 KiB)")
	})
	t.Run("Deep", func(t *testing.T) {
		level := zipOf(t, zipEntry{name: "deepest.txt", content: []byte("bottom of the well")})
		for i := 0; i < 3; i++ {
			level = zipOf(t, zipEntry{name: "level.zip", content: level})
		}
		up := b.upload(id, "", "well.zip", "application/zip", level)
		require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
		doc := up.str("id")
		for depth := 1; depth <= 3; depth++ {
			files := b.unpackedFiles(id, doc)
			require.Equal(t, []string{"level.zip"}, keysOf(files), "depth %d", depth)
			doc = files["level.zip"]["id"].(string)
		}
		last := b.call("GET", "/api/v1/documents/"+doc, b.token, nil)
		require.Equal(t, sunshine.TextUnsupported, last.str("text_status"))
		require.Equal(t, "an archive inside 3 others: Sunshine unpacks no deeper (download it to open it)", last.str("text_error"))
		require.Empty(t, b.call("GET", "/api/v1/search?q=bottom", b.token, nil).items())
	})
}

// Unpacked in the background, as a server does: an archive of many
// archives, and a backlog of archives for the sweep (migration 0060's),
// are read in full, each tree by one reader, without filling the
// organization's queue of extractions (16 waiting) and leaving files
// unread.
func TestDocuments_ZipArchivesInTheBackground(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	st := store.New(storetest.DB(t), clk)
	fx := storetest.Org(t, st, "ndlon")
	srv := api.New(st, api.Config{Logger: slog.New(slog.DiscardHandler)})
	b := &testBundle{t: t, srv: srv, st: st, fx: fx, token: fx.Token, logs: &bytes.Buffer{}, clk: clk}
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	inner := func(i int) []byte {
		return zipOf(t, zipEntry{name: fmt.Sprintf("a-%d.txt", i), content: []byte("alpha")},
			zipEntry{name: fmt.Sprintf("b-%d.txt", i), content: []byte("beta")}, zipEntry{name: fmt.Sprintf("c-%d.txt", i), content: []byte("gamma")})
	}
	var outer []zipEntry
	for i := range 24 {
		outer = append(outer, zipEntry{name: fmt.Sprintf("box-%02d.zip", i), content: inner(i)})
	}
	allRead := func(want int) {
		t.Helper()
		docs := b.call("GET", "/api/v1/requests/"+id+"/documents?limit=200", b.token, nil).items()
		require.Equal(t, want, len(docs), "every file stored")
		for _, d := range docs {
			require.Equal(t, sunshine.TextExtracted, d["text_status"], "%s: %s", d["filename"], d["text_error"])
		}
	}
	up := b.upload(id, "", "boxes.zip", "application/zip", zipOf(t, outer...))
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	srv.Wait()
	allRead(1 + 24 + 24*3)

	for i := range 20 {
		_, err := st.CreateDocument(fx.Ctx, store.NewDocument{RequestID: id, Filename: fmt.Sprintf("backlog-%02d.zip", i),
			ContentType: "application/zip", Content: bytes.NewReader(inner(100 + i))})
		require.NoError(t, err)
	}
	require.NoError(t, srv.ExtractPending(context.Background(), now.Add(time.Second)))
	srv.Wait()
	allRead(1 + 24 + 24*3 + 20 + 20*3)
	require.Len(t, b.call("GET", "/api/v1/search?q=gamma&limit=100", b.token, nil).items(), 44)
}
