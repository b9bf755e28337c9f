package api_test

import (
	"bytes"
	"crypto/rand"
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store"
)

// A PDF stored in several chunks is parsed where it lies: the parser reads
// its cross-reference table in the last chunk and the pages it points to,
// and the text on both sides of a large scanned image is searchable.
func TestDocuments_PDFOverManyChunks(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")

	// A noise image compresses to nothing: it makes the file several chunks.
	noise := image.NewRGBA(image.Rect(0, 0, 1000, 1000))
	_, err := rand.Read(noise.Pix)
	require.NoError(t, err)
	var img bytes.Buffer
	require.NoError(t, (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&img, noise))
	doc := fpdf.New("P", "mm", "Letter", "")
	doc.SetFont("Helvetica", "", 12)
	doc.AddPage()
	doc.Cell(0, 10, "Cover letter: the scanned log follows, the xylographic summary after it.")
	doc.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &img)
	doc.AddPage()
	doc.ImageOptions("scan", 10, 10, 190, 190, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	doc.AddPage()
	doc.Cell(0, 10, "Summary: 212 detainer requests, one quinquennial review.")
	var pdf bytes.Buffer
	require.NoError(t, doc.Output(&pdf))
	require.Greater(t, pdf.Len(), 3*store.ChunkSize)

	up := b.upload(id, "", "production.pdf", "application/pdf", pdf.Bytes())
	require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
	require.Equal(t, "extracted", up.str("text_status"), up.str("text_error"))
	for _, word := range []string{"xylographic", "quinquennial"} {
		hits := b.call("GET", "/api/v1/search?q="+word, b.token, nil).items()
		require.Len(t, hits, 1, word)
	}
}
