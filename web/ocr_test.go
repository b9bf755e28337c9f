package web_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract/textracttest"
)

// A scan uploaded while OCR was off offers, once OCR is on, to read its
// text by OCR; read, it is searchable and says it was read by OCR. Not
// parallel: OCR is the process's setting, and other tests expect it off.
func TestDocumentReadByOCR(t *testing.T) {
	b, _, r := sacramento(t)
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{
		"fax.png":  textracttest.ScanPNG(t, "Booking log of the pangolin unit"),
		"scan.pdf": textracttest.ScanPDF(t, []string{"scan:", "Memorandum on the axolotl program"}),
	}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 2)
	button := func(i int) string {
		return `<form method="post" action="/documents/` + docs[i].ID + `/text" class="inline"><button type="submit" class="secondary">Read its text by OCR<span class="visually-hidden"> (` + docs[i].Filename + `)</span></button></form>`
	}
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "not searchable: an image: no text (OCR, which reads pictures, is off on this server)")
	require.Contains(t, page, "no text found: a scanned page is a picture of text, and OCR, which reads pictures, is off on this server")
	require.NotContains(t, page, "Read its text by OCR", "OCR is off")

	textracttest.UseOCR(t)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, button(0))
	require.Contains(t, page, button(1))
	for _, d := range docs {
		loc := requireRedirect(t, b.post("/documents/"+d.ID+"/text", nil), "/requests/"+r.ID)
		require.Contains(t, body(b.get(strings.Split(loc, "#")[0])), "Read the text of "+d.Filename+" again: searchable: ")
	}
	page = body(b.get("/requests/" + r.ID))
	require.NotContains(t, page, "Read its text by OCR", "read now")
	require.Contains(t, page, "searchable: read by OCR, which misreads some words")
	require.Contains(t, page, "searchable: 1 scanned page read by OCR, which misreads some words")
	require.Contains(t, body(b.get("/search?q=pangolin")), "fax.png")
	require.Contains(t, body(b.get("/search?q=axolotl")), "scan.pdf")
}
