package api_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/textract"
	"github.com/sunshine-records/sunshine/textract/textracttest"
)

// With OCR on, scans are searchable, and their documents say the text was
// read by OCR; an image uploaded while OCR was off is read by OCR when
// asked once it is on (before, asking is a 409). Not parallel: OCR is the
// process's setting, and other tests expect it off.
func TestDocuments_OCR(t *testing.T) {
	b := setupDocs(t, 1<<20)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")

	fax := b.upload(id, "", "fax.png", "image/png", textracttest.ScanPNG(t, "Detainer requests of the platypus program"))
	require.Equal(t, http.StatusCreated, fax.status(), fax.rec.Body.String())
	require.Equal(t, "unsupported", fax.str("text_status"))
	require.Equal(t, "an image: no text (OCR, which reads pictures, is off on this server)", fax.str("text_error"))
	retry := b.call("POST", "/api/v1/documents/"+fax.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, retry.status(), retry.rec.Body.String())
	require.Empty(t, b.call("GET", "/api/v1/search?q=platypus", b.token, nil).items())

	textracttest.UseOCR(t)
	memo := b.upload(id, "", "memo.png", "image/png", textracttest.ScanPNG(t, "Memorandum on the quokka agreement"))
	require.Equal(t, "extracted", memo.str("text_status"))
	require.Equal(t, "searchable: read by OCR, which misreads some words", memo.str("text_error"))
	require.Len(t, b.call("GET", "/api/v1/search?q=quokka", b.token, nil).items(), 1)

	pdf := b.upload(id, "", "release.pdf", "application/pdf", textracttest.ScanPDF(t,
		[]string{"Cover letter from the records unit of the", "Sheriff, on your request of March"},
		[]string{"scan:", "Booking log of the wombat unit"},
		[]string{"scan:", "Index of withheld numbat records"}))
	require.Equal(t, "extracted", pdf.str("text_status"))
	require.Equal(t, "searchable: 2 scanned pages read by OCR, which misreads some words", pdf.str("text_error"))
	for _, word := range []string{"cover", "wombat", "numbat"} {
		require.Len(t, b.call("GET", "/api/v1/search?q="+word, b.token, nil).items(), 1, word)
	}

	retry = b.call("POST", "/api/v1/documents/"+fax.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusAccepted, retry.status(), retry.rec.Body.String())
	require.Equal(t, "extracted", retry.str("text_status"), "read inline here")
	require.Equal(t, "searchable: read by OCR, which misreads some words", retry.str("text_error"))
	require.Len(t, b.call("GET", "/api/v1/search?q=platypus", b.token, nil).items(), 1)
	again := b.call("POST", "/api/v1/documents/"+fax.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, again.status(), "read already")

	blank := b.upload(id, "", "blank.pdf", "application/pdf", textracttest.ScanPDF(t, []string{"scan:"}))
	require.Equal(t, "extracted", blank.str("text_status"))
	require.Equal(t, "no text found, even by OCR: the pages may be blank, handwritten or too faint to read", blank.str("text_error"))
	again = b.call("POST", "/api/v1/documents/"+blank.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, again.status(), "OCR read it: reading it again would find nothing again")
}

// A PDF with typed pages and scanned ones, read while OCR was off, says
// so, and is read again by OCR once it is on; then no more.
func TestDocuments_ScansReadLater(t *testing.T) {
	b := setupDocs(t, 1<<20)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	mixed := b.upload(id, "", "release.pdf", "application/pdf", textracttest.ScanPDF(t,
		[]string{"Cover letter from the records unit of the", "Sheriff, on your request of March"},
		[]string{"scan:", "Booking log of the okapi unit", "stamp:SHERIFF-000002"}))
	require.Equal(t, "extracted", mixed.str("text_status"))
	require.Equal(t, "searchable but for 1 scanned page: OCR, which reads pictures, is off on this server", mixed.str("text_error"))
	require.Empty(t, b.call("GET", "/api/v1/search?q=okapi", b.token, nil).items())
	again := b.call("POST", "/api/v1/documents/"+mixed.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, again.status(), "OCR is off")

	textracttest.UseOCR(t)
	again = b.call("POST", "/api/v1/documents/"+mixed.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusAccepted, again.status(), again.rec.Body.String())
	require.Equal(t, "searchable: 1 scanned page read by OCR, which misreads some words", again.str("text_error"))
	require.Len(t, b.call("GET", "/api/v1/search?q=okapi", b.token, nil).items(), 1)
	again = b.call("POST", "/api/v1/documents/"+mixed.str("id")+"/text", b.token, nil)
	require.Equal(t, http.StatusConflict, again.status(), "read by OCR already")
}

// faxForOCR uploads, on a server that reads in the background as serve's
// does, a fax while OCR is off, then turns OCR on with tesseract standing
// in for Tesseract (a shell script's body) and asks for the fax to be read
// again: it returns the server and the fax, pending.
func faxForOCR(t *testing.T, tesseract string) (*testBundle, *sunshine.Document) {
	t.Helper()
	b := setupCommitted(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	fax := b.upload(id, "", "fax.png", "image/png", textracttest.ScanPNG(t, "Booking log"))
	require.Equal(t, http.StatusCreated, fax.status(), fax.rec.Body.String())
	b.srv.Wait()

	o := textracttest.UseOCR(t)
	o.Tesseract = filepath.Join(t.TempDir(), "tesseract")
	require.NoError(t, os.WriteFile(o.Tesseract, []byte("#!/bin/sh\n"+tesseract+"\n"), 0o755))
	textract.UseOCR(o)
	doc, err := b.st.RetryDocumentText(b.fx.Ctx, fax.str("id"))
	require.NoError(t, err)
	return b, doc
}

// A page waits for a document's text only so long: a longer read (here a
// slow OCR) goes on in the background and is recorded, and Wait waits for
// it.
func TestExtractTextWithin_GoesOnInTheBackground(t *testing.T) {
	b, doc := faxForOCR(t, "cat >/dev/null\nsleep 2\necho 'Booking log of the tapir unit'")

	start := time.Now()
	wait, cancel := context.WithTimeout(b.fx.Ctx, 100*time.Millisecond)
	defer cancel()
	b.srv.ExtractTextWithin(wait, doc.OrgID, doc.ID)
	require.Less(t, time.Since(start), 1500*time.Millisecond, "waited only so long")
	_, err := b.st.RetryDocumentText(b.fx.Ctx, doc.ID)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), "being read: not read again meanwhile")
	now, err := b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextPending, now.TextStatus)

	b.srv.Wait()
	now, err = b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, now.TextStatus)
	require.Len(t, b.call("GET", "/api/v1/search?q=tapir", b.token, nil).items(), 1)
}

// A server stopping waits for its text extractions only so long: a long
// OCR still going is stopped, and its document stays pending, the attempt
// not counted, for the next start's sweep.
func TestStopExtractions_LeavesALongReadPending(t *testing.T) {
	b, doc := faxForOCR(t, "exec sleep 60")
	wait, cancel := context.WithTimeout(b.fx.Ctx, 100*time.Millisecond)
	defer cancel()
	b.srv.ExtractTextWithin(wait, doc.OrgID, doc.ID)

	start := time.Now()
	b.srv.StopExtractions(300 * time.Millisecond)
	require.Less(t, time.Since(start), 5*time.Second)
	var left struct {
		Status   string `db:"text_status"`
		Attempts int    `db:"text_attempts"`
	}
	require.NoError(t, b.st.DB().Get(&left, `SELECT text_status, text_attempts FROM documents WHERE id = $1`, doc.ID))
	require.Equal(t, sunshine.TextPending, left.Status)
	require.Zero(t, left.Attempts, "stopped on purpose: not counted against it")
}

// The outcome of a long read is recorded: each write has its own time,
// not what is left of the read's.
func TestExtractText_RecordsAfterALongRead(t *testing.T) {
	prev := *api.RecordTimeout
	*api.RecordTimeout = 200 * time.Millisecond
	t.Cleanup(func() { *api.RecordTimeout = prev })
	b, doc := faxForOCR(t, "cat >/dev/null\nsleep 1\necho 'Booking log of the bongo unit'")
	b.srv.ExtractText(b.fx.Ctx, doc.OrgID, doc.ID)
	now, err := b.st.FindDocumentByID(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.TextExtracted, now.TextStatus, now.TextError)
	require.Len(t, b.call("GET", "/api/v1/search?q=bongo", b.token, nil).items(), 1)
}
