package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/textract"
)

// pdfWith returns a real PDF whose pages say the given lines.
func pdfWith(t *testing.T, pages ...string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "Letter", "")
	p.SetFont("Helvetica", "", 12)
	for _, text := range pages {
		p.AddPage()
		p.MultiCell(0, 8, text, "", "L", false)
	}
	var buf bytes.Buffer
	require.NoError(t, p.Output(&buf))
	return buf.Bytes()
}

// upload posts one file as multipart/form-data; declaredType is what the
// client claims (never trusted).
func (b *testBundle) upload(requestID, commID, filename, declaredType string, content []byte) response {
	b.t.Helper()
	return b.uploadAs(b.token, requestID, commID, filename, declaredType, content)
}

// uploadAs is upload by the holder of token ("" for none).
func (b *testBundle) uploadAs(token, requestID, commID, filename, declaredType string, content []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if commID != "" {
		require.NoError(b.t, mw.WriteField("communication_id", commID))
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
	h.Set("Content-Type", declaredType)
	part, err := mw.CreatePart(h)
	require.NoError(b.t, err)
	_, err = part.Write(content)
	require.NoError(b.t, err)
	require.NoError(b.t, mw.Close())
	path := "/api/v1/requests/" + requestID + "/documents"
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	requireSpec(b.t, httptest.NewRequest("POST", path, nil), rec)
	return decoded(b.t, rec)
}

func decoded(t testing.TB, rec *httptest.ResponseRecorder) response {
	t.Helper()
	out := response{rec: rec}
	if strings.Contains(rec.Header().Get("Content-Type"), "json") && rec.Body.Len() > 0 {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out.body), rec.Body.String())
	}
	return out
}

// raw GETs a path with headers and returns the recorder (binary bodies).
func (b *testBundle) raw(path string, headers ...string) *httptest.ResponseRecorder {
	b.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+b.token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	requireSpec(b.t, httptest.NewRequest("GET", path, nil), rec)
	return rec
}

// setupDocs is setup with text extracted before the upload answers, since
// the store is bound to the test's transaction.
func setupDocs(t *testing.T, uploadLimit int64) *testBundle {
	b := setup(t)
	b.srv = api.New(b.st, api.Config{Logger: slog.New(slog.NewJSONHandler(b.logs, nil)), InlineExtraction: true, UploadLimit: uploadLimit})
	return b
}

// setupDocsCommitted is setupDocs over a store that commits, as servers
// sharing a database do (the extraction lease is timed by its clock).
func setupDocsCommitted(t *testing.T) *testBundle {
	b := setupCommitted(t)
	b.srv = api.New(b.st, api.Config{Logger: slog.New(slog.NewJSONHandler(b.logs, nil)), InlineExtraction: true, UploadLimit: 64 << 10})
	return b
}

func (b *testBundle) communication(requestID string, body map[string]any) response {
	b.t.Helper()
	r := b.call("POST", "/api/v1/requests/"+requestID+"/communications", b.token, body)
	require.Equal(b.t, http.StatusCreated, r.status(), r.rec.Body.String())
	return r
}

// The Sacramento example end to end: received 2017-03-27, acknowledged,
// extended to 2017-04-20, records released with a PDF; a word found only
// inside the PDF is searchable; the CSV row and the archive are right.
func TestSacramentoEndToEnd(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	sheriff := b.agency("Sacramento County Sheriff's Department", "us-ca")
	id := b.request(sheriff, "2017-03-27")

	r := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "acknowledgment",
		"occurred_on": "2017-03-29", "from": "records@sacsheriff.example", "subject": "Receipt of your CPRA request"})
	require.Equal(t, "acknowledged", r.str("request.status"))

	r = b.communication(id, map[string]any{"direction": "in", "channel": "mail", "kind": "extension_notice",
		"occurred_on": "2017-04-03", "subject": "Notice of extension under Gov. Code 7922.535(b)"})
	require.Equal(t, "2017-04-20", r.str("request.due_on"))
	require.Equal(t, true, r.body["request"].(map[string]any)["deadline"].(map[string]any)["extended"])

	b.clk.Set(time.Date(2017, 4, 18, 15, 0, 0, 0, time.UTC))
	r = b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "records_release",
		"occurred_on": "2017-04-18", "subject": "First production", "body": "Attached are responsive emails."})
	require.Equal(t, "rolling_production", r.str("request.status"))
	commID := r.str("communication.id")

	pdf := pdfWith(t, "Released under the CPRA.", "ICE detainer request I-247A for a xylophonic quokka, 287(g) referral.")
	up := b.upload(id, commID, "production-1.pdf", "application/octet-stream", pdf)
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	require.Equal(t, "application/pdf", up.str("content_type"))
	require.Equal(t, "extracted", up.str("text_status"), up.rec.Body.String())
	sum := sha256.Sum256(pdf)
	require.Equal(t, hex.EncodeToString(sum[:]), up.str("sha256"))
	require.Equal(t, float64(len(pdf)), up.body["size"])
	docID := up.str("id")

	s := b.call("GET", "/api/v1/search?q=quokka", b.token, nil)
	require.Equal(t, http.StatusOK, s.status(), s.rec.Body.String())
	require.Len(t, s.items(), 1)
	hit := s.items()[0]
	require.Equal(t, "document", hit["kind"])
	require.Equal(t, docID, hit["document_id"])
	require.Equal(t, id, hit["request_id"])
	require.Contains(t, hit["snippet"], "quokka")
	require.Contains(t, hit["snippet_html"], "<mark>quokka</mark>")
	s = b.call("GET", "/api/v1/search?q=quokka&status=denied", b.token, nil)
	require.Empty(t, s.items(), "filtered by request status")

	csvRec := b.raw("/api/v1/requests.csv")
	require.Equal(t, http.StatusOK, csvRec.Code)
	require.Equal(t, "text/csv; charset=utf-8", csvRec.Header().Get("Content-Type"))
	rows, err := csv.NewReader(csvRec.Body).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, []string{"id", "title", "agency", "jurisdiction", "status", "received_on", "due_on", "extended",
		"days_overdue", "tracking_number", "assignee", "last_communication_on", "closed_on", "agency_estimated_on", "follow_on",
		"sent_on", "delivery_method", "statutory_due_on", "tags", "description", "external_id", "status_on", "group_id"}, rows[0])
	require.Equal(t, []string{id, "All communications with ICE since 20 January 2017", "Sacramento County Sheriff's Department",
		"us-ca", "rolling_production", "2017-03-27", "2017-04-20", "true", "", "", "", "2017-04-18", "", "", "2017-04-20"}, rows[1][:15])
	require.Equal(t, "2017-04-20", rows[1][17], "the statutory date, extended")
	require.Equal(t, "2017-04-18", rows[1][21], "status_on in rolling production: the release's day, from the timeline")

	// A second file whose name differs only in case: one file apart in the
	// archive, or unpacking on Windows or macOS would keep one of them.
	again := b.upload(id, "", "Production-1.PDF", "application/octet-stream", []byte("second"))
	require.Equal(t, http.StatusCreated, again.status(), again.rec.Body.String())

	zipRec := b.raw("/api/v1/requests/" + id + "/export.zip")
	require.Equal(t, http.StatusOK, zipRec.Code)
	zr, err := zip.NewReader(bytes.NewReader(zipRec.Body.Bytes()), int64(zipRec.Body.Len()))
	require.NoError(t, err)
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
		require.GreaterOrEqual(t, f.Modified.Year(), 2017, "%s is dated (not 1980-00-00)", f.Name)
	}
	require.Contains(t, files, "request.json")
	require.Contains(t, files, "timeline.json")
	require.Contains(t, files, "todos.json")
	require.Contains(t, files, "communications/003-2017-04-18-in-records_release.txt")
	// documents.json says which file is which document (both were uploaded
	// in this test's one transaction, so which is first is the IDs' order).
	mf, err := files["documents.json"].Open()
	require.NoError(t, err)
	var manifest []map[string]any
	require.NoError(t, json.NewDecoder(mf).Decode(&manifest))
	paths := map[string]string{}
	for _, m := range manifest {
		paths[m["id"].(string)] = m["path"].(string)
	}
	require.Len(t, paths, 2)
	require.Contains(t, [][2]string{
		{"documents/production-1.pdf", "documents/Production-1 (2).PDF"},
		{"documents/production-1 (2).pdf", "documents/Production-1.PDF"},
	}, [2]string{paths[docID], paths[again.str("id")]}, "apart, whatever the case")
	f, err := files[paths[docID]].Open()
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, pdf, got, "the archive holds the PDF byte for byte")
}

func TestDocuments_ContentAndRanges(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	b.clk.Set(time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC))
	id := b.request(b.agency("FBI", "us-federal"), "2024-03-04")
	// 2.5 MiB spans three chunks.
	content := make([]byte, 5<<19)
	for i := range content {
		content[i] = byte(i * 7 % 251)
	}
	up := b.upload(id, "", "../../etc/records.bin", "image/png", content)
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	require.Equal(t, "records.bin", up.str("filename"), "the path is stripped")
	require.Equal(t, "application/octet-stream", up.str("content_type"), "sniffed, not the declared image/png")
	require.Equal(t, "unsupported", up.str("text_status"))
	docID := up.str("id")

	full := b.raw("/api/v1/documents/" + docID + "/content")
	require.Equal(t, http.StatusOK, full.Code)
	require.Equal(t, content, full.Body.Bytes())
	require.Equal(t, `attachment; filename="records.bin"; filename*=UTF-8''records.bin`, full.Header().Get("Content-Disposition"))
	require.Equal(t, "nosniff", full.Header().Get("X-Content-Type-Options"))
	require.Equal(t, `"`+up.str("sha256")+`"`, full.Header().Get("ETag"))
	require.Equal(t, "bytes", full.Header().Get("Accept-Ranges"))

	for _, rg := range [][2]int{{0, 9}, {1<<20 - 5, 1<<20 + 5}, {len(content) - 3, len(content) - 1}} {
		part := b.raw("/api/v1/documents/"+docID+"/content", "Range", fmt.Sprintf("bytes=%d-%d", rg[0], rg[1]))
		require.Equal(t, http.StatusPartialContent, part.Code)
		require.Equal(t, content[rg[0]:rg[1]+1], part.Body.Bytes())
	}
	notModified := b.raw("/api/v1/documents/"+docID+"/content", "If-None-Match", `"`+up.str("sha256")+`"`)
	require.Equal(t, http.StatusNotModified, notModified.Code)

	// The same bytes again: a second document, the same content hash.
	again := b.upload(id, "", "copy.bin", "application/octet-stream", content)
	require.Equal(t, http.StatusCreated, again.status())
	require.NotEqual(t, docID, again.str("id"))
	require.Equal(t, up.str("sha256"), again.str("sha256"))

	del := b.call("DELETE", "/api/v1/documents/"+docID, b.token, nil)
	require.Equal(t, http.StatusNoContent, del.status())
	require.Equal(t, http.StatusNotFound, b.call("GET", "/api/v1/documents/"+docID, b.token, nil).status())
	ev := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil)
	require.Equal(t, "document_deleted", ev.items()[len(ev.items())-1]["kind"])
	list := b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil)
	require.Len(t, list.items(), 1)
}

func TestDocuments_TypesAndFailures(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 64<<10)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	for _, tc := range []struct {
		name, filename, declared string
		content                  []byte
		wantType, wantStatus     string
		wantError                string
	}{
		{"PDFNamedPNG", "scan.png", "image/png", pdfWith(t, "detainer"), "application/pdf", "extracted", ""},
		{"HTMLNamedPDF", "letter.pdf", "application/pdf", []byte("<html><body><p>Denied under 7927.705</p></body></html>"), "text/html; charset=utf-8", "extracted", ""},
		{"CorruptPDF", "broken.pdf", "application/pdf", []byte("%PDF-1.4\nthis is not really a pdf\n%%EOF"), "application/pdf", "failed", "the text could not be read (not a valid PDF"},
		{"PDFWithoutText", "scan.pdf", "application/pdf", pdfWith(t, ""), "application/pdf", "extracted", "no text found"},
		{"PlainText", "notes.txt", "text/plain", []byte("Phone call with the records officer."), "text/plain; charset=utf-8", "extracted", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up := b.upload(id, "", tc.filename, tc.declared, tc.content)
			require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
			require.Equal(t, tc.wantType, up.str("content_type"))
			require.Equal(t, tc.wantStatus, up.str("text_status"), up.str("text_error"))
			require.Contains(t, up.str("text_error"), tc.wantError)
		})
	}
	// A document whose reading failed for want of time or memory is read
	// again on request; one read already is not.
	late := b.upload(id, "", "late.pdf", "application/pdf", pdfWith(t, "overtime ledger"))
	require.Equal(t, "extracted", late.str("text_status"))
	retry := b.call("POST", "/api/v1/documents/"+late.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, retry.status(), retry.rec.Body.String())
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, late.str("id"), sunshine.TextFailed, "", "the text could not be read (context deadline exceeded)"))
	require.Empty(t, b.call("GET", "/api/v1/search?q=ledger", b.token, nil).items())
	retry = b.call("POST", "/api/v1/documents/"+late.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusAccepted, retry.status(), retry.rec.Body.String())
	require.Equal(t, "extracted", retry.str("text_status"), "read inline here; pending when read in the background")
	require.Empty(t, retry.str("text_error"))
	require.Len(t, b.call("GET", "/api/v1/search?q=ledger", b.token, nil).items(), 1)
	require.Equal(t, http.StatusNotFound, b.call("POST", "/api/v1/documents/00000000-0000-0000-0000-000000000000/text", b.token, nil).status())

	big := b.upload(id, "", "big.bin", "application/octet-stream", make([]byte, 100<<10))
	require.Equal(t, http.StatusRequestEntityTooLarge, big.status(), big.rec.Body.String())
	require.Len(t, b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil).items(), 6, "the refused upload left nothing")

	// Not multipart, no file, unknown field, unknown communication.
	r := b.call("POST", "/api/v1/requests/"+id+"/documents", b.token, `{"file":"x"}`)
	require.Equal(t, http.StatusUnsupportedMediaType, r.status())
	r = b.upload(id, "00000000-0000-0000-0000-000000000000", "a.txt", "text/plain", []byte("x"))
	require.Equal(t, http.StatusBadRequest, r.status())
	require.Equal(t, []string{"communication_id"}, r.fieldErrors())
}

// officeZip returns a ZIP archive of the named parts, as Word, Excel and
// PowerPoint write their documents.
func officeZip(t *testing.T, parts ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		require.NoError(t, err)
		_, err = io.WriteString(w, p[1])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// Word and Excel files are recognised by their contents, whatever their
// name or declared type, and search finds words inside them; other files
// without text say what they are in words.
func TestDocuments_OfficeDocuments(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	types := [2]string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`}
	docx := officeZip(t, types, [2]string{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>Sheriff Thompson</w:t></w:r><w:r><w:t xml:space="preserve"> approved overtime</w:t></w:r></w:p></w:body></w:document>`})
	xlsx := officeZip(t, types, [2]string{"xl/workbook.xml", "<workbook/>"},
		[2]string{"xl/sharedStrings.xml", `<sst><si><t>Deputy Quokkason</t></si></sst>`},
		[2]string{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c t="s"><v>0</v></c><c><v>287</v></c></row></sheetData></worksheet>`})
	outlookMessage, err := os.ReadFile("../textract/testdata/agency-reply.msg")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, filename string
		content        []byte
		wantType       string
		wantStatus     string
		wantError      string
		search         string // finds the document
	}{
		{"Word", "memo.bin", docx, textract.DOCX, "extracted", "", "overtime"},
		{"Excel", "roster.xlsx", xlsx, textract.XLSX, "extracted", "", "quokkason"},
		{"PlainZip", "records.zip", officeZip(t, [2]string{"notes.txt", "hello"}), "application/zip", "extracted",
			"unpacked: its file is a document of its own", ""},
		{"ZipNamedOtherwise", "records.docx", officeZip(t, [2]string{"notes.txt", "hello"}), "application/zip", "unsupported",
			"a ZIP archive not named .zip", ""},
		{"OpenDocument", "minutes.odt", officeZip(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
			[2]string{"content.xml", "<office:document-content/>"}), "application/zip", "unsupported",
			"a ZIP archive not named .zip (an OpenDocument file", ""},
		{"OpenDocumentNamedZip", "minutes.zip", officeZip(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
			[2]string{"content.xml", "<office:document-content/>"}), "application/zip", "unsupported",
			"an OpenDocument file or an EPUB book, though named .zip", ""},
		{"OutlookMessage", "re-request.msg", outlookMessage, textract.MSG, "extracted", "", "quokka"},
		{"Image", "scan.jpg", append([]byte("\xFF\xD8\xFF\xE0"), make([]byte, 100)...), "image/jpeg", "unsupported",
			"an image: no text (OCR, which reads pictures, is off on this server)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up := b.upload(id, "", tc.filename, "application/octet-stream", tc.content)
			require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
			require.Equal(t, tc.wantType, up.str("content_type"), "sniffed from the bytes")
			require.Equal(t, tc.wantStatus, up.str("text_status"), up.str("text_error"))
			if tc.wantError == "" {
				require.Empty(t, up.str("text_error"))
			} else {
				require.Contains(t, up.str("text_error"), tc.wantError)
			}
			if tc.search != "" {
				hits := b.call("GET", "/api/v1/search?q="+tc.search, b.token, nil).items()
				require.Len(t, hits, 1)
				require.Equal(t, up.str("id"), hits[0]["document_id"])
			}
		})
	}
}

func TestCommunications_FeePausesAndReplyResumes(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("FBI", "us-federal"), "2017-03-27") // due 2017-04-24
	r := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "fee_estimate",
		"occurred_on": "2017-03-29", "fee_amount": "125.50", "subject": "Fee estimate"})
	require.Equal(t, "awaiting_requester", r.str("request.status"))
	dl := r.body["request"].(map[string]any)["deadline"].(map[string]any)
	require.Equal(t, true, dl["paused"])
	require.Equal(t, float64(19), dl["remaining_days"])
	require.Equal(t, "125.50", r.str("communication.fee_amount"))

	r = b.communication(id, map[string]any{"direction": "out", "channel": "email", "kind": "follow_up",
		"occurred_on": "2017-04-03", "subject": "We agree to pay the fee"})
	require.Equal(t, "submitted", r.str("request.status"), "back to the status before the pause")
	require.Equal(t, "2017-04-28", r.str("request.due_on"), "19 working days from 4 April")

	// A denial closes the request; the edit keeps the previous version.
	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	r = b.communication(id, map[string]any{"direction": "in", "channel": "mail", "kind": "denial",
		"occurred_on": "2017-04-20", "exemptions_cited": []string{"5 U.S.C. 552(b)(7)(E)"}, "body": "Withheld."})
	require.Equal(t, "denied", r.str("request.status"))
	commID := r.str("communication.id")
	e := b.call("PATCH", "/api/v1/communications/"+commID, b.token, map[string]any{"body": "Withheld in full."})
	require.Equal(t, http.StatusOK, e.status(), e.rec.Body.String())
	require.Equal(t, "Withheld in full.", e.str("body"))
	require.Equal(t, float64(2), e.body["version"])
	ev := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil)
	last := ev.items()[len(ev.items())-1]
	require.Equal(t, "communication_edited", last["kind"])
	require.Equal(t, "Withheld.", last["data"].(map[string]any)["previous"].(map[string]any)["body"])
	list := b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil)
	require.Len(t, list.items(), 3)

	// Texas has no fixed extension: a notice needs the date the agency set.
	b.clk.Set(time.Date(2024, 3, 11, 15, 0, 0, 0, time.UTC))
	tx := b.request(b.agency("Austin PD", "us-tx"), "2024-03-04")
	bad := b.call("POST", "/api/v1/requests/"+tx+"/communications", b.token, map[string]any{"direction": "in",
		"channel": "email", "kind": "extension_notice", "occurred_on": "2024-03-10"})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status())
	require.Equal(t, []string{"custom_due_on"}, bad.fieldErrors())
	require.Len(t, b.call("GET", "/api/v1/requests/"+tx+"/communications", b.token, nil).items(), 0, "nothing half-written")
	ok := b.communication(tx, map[string]any{"direction": "in", "channel": "email", "kind": "extension_notice",
		"occurred_on": "2024-03-10", "custom_due_on": "2024-04-15"})
	require.Equal(t, "2024-04-15", ok.str("request.custom_due_on"))
}

func TestDocumentsAndCommunications_OtherOrgIs404(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	comm := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "other", "occurred_on": "2017-03-28"})
	doc := b.upload(id, "", "a.txt", "text/plain", []byte("secret informant list"))
	other := storetest.Org(t, b.st, "other")
	for _, path := range []string{
		"/api/v1/communications/" + comm.str("communication.id"),
		"/api/v1/documents/" + doc.str("id"),
		"/api/v1/documents/" + doc.str("id") + "/content",
		"/api/v1/requests/" + id + "/documents",
		"/api/v1/requests/" + id + "/communications",
		"/api/v1/requests/" + id + "/export.zip",
	} {
		r := b.call("GET", path, other.Token, nil)
		require.Equal(t, http.StatusNotFound, r.status(), path)
	}
	s := b.call("GET", "/api/v1/search?q=informant", other.Token, nil)
	require.Equal(t, http.StatusOK, s.status())
	require.Empty(t, s.items())
	viewer := b.user("v@ndlon.example", sunshine.RoleViewer)
	r := b.call("POST", "/api/v1/requests/"+id+"/communications", viewer, map[string]any{})
	require.Equal(t, http.StatusForbidden, r.status())
}

func TestDocuments_ProblemsOnContentAndUpload(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	up := b.upload(id, "", "a.txt", "text/plain", []byte("0123456789"))
	require.Equal(t, http.StatusCreated, up.status())
	rec := b.raw("/api/v1/documents/"+up.str("id")+"/content", "Range", "bytes=50-60")
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, rec.Code)
	require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	require.Equal(t, "bytes */10", rec.Header().Get("Content-Range"))
	require.Empty(t, rec.Header().Get("Content-Disposition"))
	rec = b.raw("/api/v1/documents/"+up.str("id")+"/content", "If-Match", `"not-the-hash"`)
	require.Equal(t, http.StatusPreconditionFailed, rec.Code)
	require.Contains(t, rec.Body.String(), "precondition_failed")

	// communication_id after the file, or twice, is refused.
	comm := b.communication(id, map[string]any{"direction": "in", "channel": "email", "kind": "other", "occurred_on": "2017-03-28"})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "b.txt")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("late"))
	require.NoError(t, mw.WriteField("communication_id", comm.str("communication.id")))
	require.NoError(t, mw.Close())
	req := httptest.NewRequest("POST", "/api/v1/requests/"+id+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+b.token)
	rr := httptest.NewRecorder()
	b.srv.ServeHTTP(rr, req)
	require.Equal(t, http.StatusBadRequest, rr.Code, rr.Body.String())
	require.Contains(t, rr.Body.String(), "communication_id")

	bad := b.call("POST", "/api/v1/requests/"+id+"/communications", b.token, map[string]any{"direction": "in",
		"channel": "email", "kind": "fee_estimate", "occurred_on": "2017-03-29", "fee_amount": "25."})
	require.Equal(t, http.StatusBadRequest, bad.status())
	require.Equal(t, []string{"fee_amount"}, bad.fieldErrors())

	// A date that does not parse hides no other bad field.
	bad = b.call("POST", "/api/v1/requests/"+id+"/communications", b.token, map[string]any{"direction": "sideways",
		"channel": "pigeon", "kind": "gossip", "occurred_on": "yesterday"})
	require.Equal(t, http.StatusBadRequest, bad.status())
	require.ElementsMatch(t, []string{"direction", "channel", "kind", "occurred_on"}, bad.fieldErrors())
}

// uploadState is what an upload to one request can leave behind: the
// request's documents and events, the organization's blobs and their
// chunks, and the request's row itself.
type uploadState struct {
	Documents int    `db:"documents"`
	Events    int    `db:"events"`
	Blobs     int    `db:"blobs"`
	Chunks    int    `db:"chunks"`
	Request   string `db:"request"`
}

func readUploadState(t *testing.T, db *sqlx.DB, orgID, requestID string) uploadState {
	t.Helper()
	var s uploadState
	require.NoError(t, db.Get(&s, `SELECT
		(SELECT count(*) FROM documents WHERE request_id = $2) AS documents,
		(SELECT count(*) FROM request_events WHERE request_id = $2) AS events,
		(SELECT count(*) FROM blobs WHERE org_id = $1) AS blobs,
		(SELECT count(*) FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id WHERE b.org_id = $1) AS chunks,
		(SELECT row_to_json(r)::text FROM requests r WHERE r.id = $2) AS request`, orgID, requestID))
	return s
}

// Whatever fails after the file part of an upload (a refused part, the
// size limit, a client gone mid-body) is a 4xx that leaves nothing behind:
// no document, event, blob or change to the request, so that sending the
// upload again stores it once. The store commits for real (storetest.DB):
// nothing here relies on a test transaction being rolled back.
func TestDocuments_FailedUploadLeavesNothing(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	db := storetest.DB(t)
	st := store.New(db, clk)
	fx := storetest.Org(t, st, "ndlon")
	logs := &bytes.Buffer{}
	server := func(uploadLimit int64) *api.Server {
		srv := api.New(st, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), UploadLimit: uploadLimit})
		t.Cleanup(srv.Wait)
		return srv
	}
	b := &testBundle{t: t, srv: server(0), st: st, fx: fx, token: fx.Token, logs: logs, clk: clk}
	sheriff := b.agency("Sheriff", "us-ca")
	id, otherID := b.request(sheriff, "2017-03-27"), b.request(sheriff, "2017-03-27")
	letter := map[string]any{"direction": "in", "channel": "email", "kind": "other", "occurred_on": "2017-03-28"}
	comm := b.communication(id, letter).str("communication.id")
	otherRequestComm := b.communication(otherID, letter).str("communication.id")
	ofx := storetest.Org(t, st, "other")
	ob := &testBundle{t: t, srv: b.srv, st: st, fx: ofx, token: ofx.Token, logs: logs, clk: clk}
	otherOrgComm := ob.communication(ob.request(ob.agency("Sheriff", "us-ca"), "2017-03-27"), letter).str("communication.id")

	field := func(name, value string) func(*multipart.Writer) error {
		return func(mw *multipart.Writer) error { return mw.WriteField(name, value) }
	}
	paddedHeader := func(mw *multipart.Writer) error { // headers that take the body past the limit
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="second.txt"`)
		h.Set("X-Padding", strings.Repeat("x", 16<<10))
		_, err := mw.CreatePart(h)
		return err
	}
	tests := []struct {
		name     string
		query    string                        // communication_id in the query string
		after    func(*multipart.Writer) error // the part after the file
		cutAt    int                           // bytes into the headers of the part after the file (after "\r\n--boundary\r\n")
		limitCut bool                          // the upload limit falls at cutAt
		cutErr   error                         // the body ends at cutAt, with this error
		status   int
		fields   []string // the fields the problem names
		detail   string
	}{
		{name: "CommunicationIDAfterFile", after: field("communication_id", comm),
			status: 400, fields: []string{"communication_id"}, detail: "before the file"},
		{name: "BadCommunicationIDAfterFile", after: field("communication_id", "not-a-uuid"),
			status: 400, fields: []string{"communication_id"}},
		{name: "OtherRequestsCommunicationAfterFile", after: field("communication_id", otherRequestComm),
			status: 400, fields: []string{"communication_id"}},
		{name: "OtherOrgsCommunicationAfterFile", after: field("communication_id", otherOrgComm),
			status: 400, fields: []string{"communication_id"}},
		{name: "CommunicationIDInQueryAndAfterFile", query: comm, after: field("communication_id", comm),
			status: 400, fields: []string{"communication_id"}},
		{name: "SecondFile", after: func(mw *multipart.Writer) error {
			fw, err := mw.CreateFormFile("file", "second.txt")
			if err == nil {
				_, err = fw.Write([]byte("another file"))
			}
			return err
		}, status: 400, fields: []string{"file"}, detail: "one file"},
		{name: "UnknownFieldAfterFile", after: field("note", "released in part"),
			status: 400, fields: []string{"note"}, detail: "not a known field"},
		// A failure of the body as a whole names no field: the detail says what it was.
		{name: "TooLargeAfterFile", after: paddedHeader, cutAt: 20, limitCut: true,
			status: 413, detail: "larger than the limit"},
		{name: "ClientGoneAfterFile", after: paddedHeader, cutAt: 20, cutErr: io.ErrUnexpectedEOF,
			status: 400, detail: "could not be read"},
		// A body that ends, rather than breaks, before the form's closing
		// boundary: mime/multipart then says io.EOF, as at the boundary.
		{name: "BodyEndsInHeadersAfterFile", after: paddedHeader, cutAt: 20, cutErr: io.EOF,
			status: 400, detail: "closing boundary"},
		{name: "BodyEndsAtBoundaryAfterFile", after: paddedHeader, cutAt: -2, cutErr: io.EOF,
			status: 400, detail: "closing boundary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, err := mw.CreateFormFile("file", tc.name+".txt")
			require.NoError(t, err)
			// Over a chunk, so that a stored blob would have several.
			_, err = fw.Write([]byte(strings.Repeat(tc.name+": released records\n", store.ChunkSize/len(tc.name)+1)))
			require.NoError(t, err)
			fileEnd := body.Len()
			require.NoError(t, tc.after(mw))
			require.NoError(t, mw.Close())
			cut := fileEnd + len("\r\n--"+mw.Boundary()+"\r\n") + tc.cutAt
			var rdr io.Reader = bytes.NewReader(body.Bytes())
			if tc.cutErr != nil {
				rdr = io.MultiReader(bytes.NewReader(body.Bytes()[:cut]), iotest.ErrReader(tc.cutErr))
			}
			srv := b.srv
			if tc.limitCut {
				srv = server(int64(cut))
			}
			path := "/api/v1/requests/" + id + "/documents"
			if tc.query != "" {
				path += "?communication_id=" + tc.query
			}
			before := readUploadState(t, db, fx.Org.ID, id)
			req := httptest.NewRequest("POST", path, rdr)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+b.token)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			requireSpec(t, httptest.NewRequest("POST", path, nil), rec)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			r := decoded(t, rec)
			require.ElementsMatch(t, tc.fields, r.fieldErrors(), rec.Body.String())
			require.Contains(t, r.str("detail")+" "+rec.Body.String(), tc.detail)
			require.Equal(t, before, readUploadState(t, db, fx.Org.ID, id), "the refused upload left nothing behind")
		})
	}

	// Sent again, correctly: stored once, with its event, the request's
	// version moved on, and its text extracted at once (not left to the
	// half-hourly sweep).
	before := readUploadState(t, db, fx.Org.ID, id)
	version := b.call("GET", "/api/v1/requests/"+id, b.token, nil).body["version"].(float64)
	up := b.upload(id, comm, "release.txt", "text/plain", []byte(strings.Repeat("sanctuary policy memo\n", store.ChunkSize/22+1)))
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	want := before
	want.Documents, want.Events, want.Blobs, want.Chunks = before.Documents+1, before.Events+1, before.Blobs+1, before.Chunks+2
	got := readUploadState(t, db, fx.Org.ID, id)
	want.Request = got.Request
	require.Equal(t, want, got)
	require.Equal(t, version+1, b.call("GET", "/api/v1/requests/"+id, b.token, nil).body["version"])
	b.srv.Wait()
	doc, err := st.FindDocumentByID(fx.Ctx, up.str("id"))
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, doc.TextStatus, doc.TextError)
	require.Equal(t, comm, *doc.CommunicationID)
}

// Documents left pending (a stopped server, a failure to record the text)
// are extracted by ExtractPending when uploaded before the time it is
// given; a later upload, whose own extraction may be running, is left to it.
func TestExtractPending(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 64<<10)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: id, Filename: "memo.txt",
		ContentType: "text/plain", Content: strings.NewReader("Left pending: sanctuary memo.")})
	require.NoError(t, err)
	status := func() string {
		d, err := b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
		require.NoError(t, err)
		return d.TextStatus
	}
	require.Equal(t, sunshine.TextPending, status())

	require.NoError(t, b.srv.ExtractPending(context.Background(), now))
	require.Equal(t, sunshine.TextPending, status(), "uploaded at the cut-off: not yet")
	require.NoError(t, b.srv.ExtractPending(context.Background(), now.Add(time.Second)))
	require.Equal(t, sunshine.TextExtracted, status())
	hits := b.call("GET", "/api/v1/search?q=sanctuary", b.token, nil).items()
	require.Len(t, hits, 1)
	require.Equal(t, doc.ID, hits[0]["document_id"])
}

// A document whose extraction stopped the server twice (its attempts were
// counted and never finished) is not read a third time when the server
// starts again: it is recorded as failed, saying why, so a document that
// kills the server cannot do it at every start. One unfinished attempt (a
// server stopped for another reason) is read again.
func TestExtractPending_GivesUpAfterUnfinishedAttempts(t *testing.T) {
	t.Parallel()
	b := setupDocsCommitted(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	stopsServer, interrupted := "", ""
	for i, unfinished := range []int{2, 1} {
		doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: id, Filename: fmt.Sprintf("memo-%d.txt", i),
			ContentType: "text/plain", Content: strings.NewReader(fmt.Sprintf("Sanctuary memo number %d.", i))})
		require.NoError(t, err)
		// Attempts of servers that stopped minutes ago: their leases ran out.
		_, err = b.st.DB().Exec(`UPDATE documents SET text_attempts = $2, text_started_at = now() - interval '20 minutes' WHERE id = $1`,
			doc.ID, unfinished)
		require.NoError(t, err)
		if unfinished == 2 {
			stopsServer = doc.ID
		} else {
			interrupted = doc.ID
		}
	}

	require.NoError(t, b.srv.ExtractPending(context.Background(), now.Add(time.Second)))
	doc, err := b.st.FindDocumentByID(b.fx.Ctx, stopsServer)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextFailed, doc.TextStatus)
	require.Contains(t, doc.TextError, "the server stopped during each of the last 2 attempts to read it")
	doc, err = b.st.FindDocumentByID(b.fx.Ctx, interrupted)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, doc.TextStatus, doc.TextError)
	hits := b.call("GET", "/api/v1/search?q=sanctuary", b.token, nil).items()
	require.Len(t, hits, 1)
	require.Equal(t, interrupted, hits[0]["document_id"])
}

// Two servers: one is reading a document (an upload, or its sweep) when
// the other starts and sweeps the pending ones. The second leaves it to
// the first instead of reading it again and counting an attempt against
// it (three replicas starting together marked it failed, as if it had
// stopped the server twice).
func TestExtractPending_LeavesADocumentBeingReadElsewhere(t *testing.T) {
	t.Parallel()
	b := setupDocsCommitted(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: id, Filename: "memo.txt",
		ContentType: "text/plain", Content: strings.NewReader("Sanctuary memo.")})
	require.NoError(t, err)
	_, err = b.st.StartDocumentExtraction(b.fx.Ctx, doc.ID) // the first server, reading it
	require.NoError(t, err)

	for range 2 { // two other replicas start
		require.NoError(t, b.srv.ExtractPending(context.Background(), now.Add(time.Second)))
	}
	d, err := b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextPending, d.TextStatus, "left to the server reading it: %s", d.TextError)
	var attempts int
	require.NoError(t, b.st.DB().Get(&attempts, `SELECT text_attempts FROM documents WHERE id = $1`, doc.ID))
	require.Equal(t, 1, attempts)
	require.Contains(t, b.logs.String(), "being read elsewhere")

	// Its server stopped before recording anything: once the lease has run
	// out, the next sweep reads it.
	_, err = b.st.DB().Exec(`UPDATE documents SET text_started_at = now() - interval '20 minutes' WHERE id = $1`, doc.ID) // past store.ExtractionLease
	require.NoError(t, err)
	require.NoError(t, b.srv.ExtractPending(context.Background(), now.Add(time.Second)))
	d, err = b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, d.TextStatus, d.TextError)
}

// A communication body of 990 KB of distinct words (a pasted list of
// hashes) fits the body limit but not the search index: a 400 naming the
// body, and nothing logged.
func TestCommunications_BodyWithTooManyWords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv = api.New(b.st, api.Config{Logger: slog.New(slog.NewJSONHandler(b.logs, nil))}) // the default 1 MiB body limit
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	var dump strings.Builder
	for i := 0; dump.Len() < 990_000-33; i++ {
		fmt.Fprintf(&dump, "%x ", md5.Sum([]byte(fmt.Sprint(i))))
	}
	r := b.call("POST", "/api/v1/requests/"+id+"/communications", b.token, map[string]any{"direction": "in", "channel": "email",
		"kind": "other", "occurred_on": "2017-04-01", "subject": "Export", "body": dump.String()})
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"body"}, r.fieldErrors())
	require.Empty(t, b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil).items())
}

// Word, Excel and PowerPoint files uploaded before Sunshine looked inside
// ZIP archives were stored as application/zip with no text. Migration 0035
// queues again those with an Office name, and the sweep (ExtractPending)
// looks inside: an Office file gets its type and its text is searched; an
// ordinary archive under an Office name is unsupported again, as before;
// another archive, even an Office file under another name, is not
// touched.
func TestExtractPending_OfficeFilesStoredAsZip(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	db := storetest.DB(t)
	st := store.New(db, clk)
	fx := storetest.Org(t, st, "ndlon")
	logs := &bytes.Buffer{}
	srv := api.New(st, api.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	t.Cleanup(srv.Wait)
	b := &testBundle{t: t, srv: srv, st: st, fx: fx, token: fx.Token, logs: logs, clk: clk}
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")

	types := [2]string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`}
	docx := officeZip(t, types, [2]string{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>Sheriff Thompson approved the quokka detail</w:t></w:r></w:p></w:body></w:document>`})
	xlsx := officeZip(t, types, [2]string{"xl/workbook.xml", "<workbook/>"},
		[2]string{"xl/sharedStrings.xml", `<sst><si><t>Deputy Wombatson</t></si></sst>`},
		[2]string{"xl/worksheets/sheet1.xml", `<worksheet><sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>`})
	archive := textract.UnsupportedReason("application/zip")
	cases := []struct {
		name, filename string
		content        []byte
		wantType       string
		wantStatus     string
		search         string // finds the document by its text
	}{
		{"Word", "memo.docx", docx, textract.DOCX, sunshine.TextExtracted, "quokka"},
		{"Excel", "ROSTER.XLSX", xlsx, textract.XLSX, sunshine.TextExtracted, "wombatson"},
		{"ZIP under a Word name", "records.docx", officeZip(t, [2]string{"notes.txt", "hello"}), "application/zip", sunshine.TextUnsupported, ""},
		{"Word under a ZIP name", "memo-copy.zip", docx, "application/zip", sunshine.TextUnsupported, ""},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		doc, err := st.CreateDocument(fx.Ctx, store.NewDocument{RequestID: id, Filename: tc.filename, ContentType: "application/zip",
			Content: bytes.NewReader(tc.content)})
		require.NoError(t, err)
		ids[i] = doc.ID
		// As stored before Sunshine looked inside archives.
		_, err = db.Exec(`UPDATE documents SET content_type = 'application/zip', text_status = 'unsupported', text_error = $2 WHERE id = $1`,
			doc.ID, archive)
		require.NoError(t, err)
	}
	up, err := migrations.FS.ReadFile("0035_requeue_office_zips.up.sql")
	require.NoError(t, err)
	_, err = db.Exec(string(up))
	require.NoError(t, err)

	require.NoError(t, srv.ExtractPending(context.Background(), now.Add(time.Second)))
	for i, tc := range cases {
		doc, err := st.FindDocumentByID(fx.Ctx, ids[i])
		require.NoError(t, err)
		require.Equal(t, tc.wantType, doc.ContentType, tc.name)
		require.Equal(t, tc.wantStatus, doc.TextStatus, "%s: %s", tc.name, doc.TextError)
		switch {
		case tc.wantStatus == sunshine.TextUnsupported:
			require.Equal(t, archive, doc.TextError, tc.name)
		default:
			require.Empty(t, doc.TextError, tc.name)
		}
		got := b.call("GET", "/api/v1/documents/"+ids[i], b.token, nil)
		require.Equal(t, tc.wantType, got.str("content_type"), tc.name)
		if tc.search != "" {
			hits := b.call("GET", "/api/v1/search?q="+tc.search, b.token, nil).items()
			require.Len(t, hits, 1, tc.name)
			require.Equal(t, ids[i], hits[0]["document_id"], tc.name)
		}
	}
}

// The same file uploaded to a request again is stored again (nothing is
// lost; its bytes are kept once), and the answer's duplicate_of names the
// request's earliest document that had it already: whatever the file's
// name, and not another request's, nor a removed one. A new file's
// duplicate_of is null, and only the upload's answer has it.
func TestDocuments_UploadAgainSaysDuplicate(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	sheriff := b.agency("Sheriff", "us-ca")
	id, otherID := b.request(sheriff, "2017-03-27"), b.request(sheriff, "2017-03-27")
	letter := []byte("Records release, first batch.")
	at := now
	upload := func(requestID, filename string, content []byte) response {
		t.Helper()
		at = at.Add(time.Minute) // uploads a minute apart, in order
		b.clk.Set(at)
		up := b.upload(requestID, "", filename, "text/plain", content)
		require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
		require.Contains(t, up.body, "duplicate_of", "always in the upload's answer")
		return up
	}
	first := upload(id, "letter.txt", letter)
	require.Nil(t, first.body["duplicate_of"], "new to the request")
	again := upload(id, "letter (1).txt", letter)
	require.Equal(t, first.str("id"), again.str("duplicate_of"))
	require.NotEqual(t, first.str("id"), again.str("id"), "stored again")
	third := upload(id, "letter.txt", letter)
	require.Equal(t, first.str("id"), third.str("duplicate_of"), "the earliest")
	require.Nil(t, upload(otherID, "letter.txt", letter).body["duplicate_of"], "another request's copy does not count")
	require.Nil(t, upload(id, "other.txt", []byte("Another letter.")).body["duplicate_of"])

	docs := b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil).items()
	require.Len(t, docs, 4, "nothing lost")
	for _, d := range docs {
		require.NotContains(t, d, "duplicate_of", "only the upload's answer")
	}
	got := b.call("GET", "/api/v1/documents/"+again.str("id"), b.token, nil)
	require.NotContains(t, got.body, "duplicate_of")

	// The earliest removed: the next copy names the earliest left.
	rec := b.call("DELETE", "/api/v1/documents/"+first.str("id"), b.token, nil)
	require.Equal(t, http.StatusNoContent, rec.status())
	require.Equal(t, again.str("id"), upload(id, "letter.txt", letter).str("duplicate_of"))
}
