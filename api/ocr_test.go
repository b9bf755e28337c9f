package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

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
		[]string{"Cover letter from the records unit"},
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
}
