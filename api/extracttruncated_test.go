package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A text longer than Sunshine indexes is extracted in part, and the
// document says so instead of passing for searchable.
func TestDocuments_LongTextSaysItIsCut(t *testing.T) {
	t.Parallel()
	b := setupDocs(t, 0)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	long := strings.Repeat("The sheriff approved the overtime. ", 100_000) + "zymurgical" // 3.5 MB
	for _, tc := range []struct {
		name, text, wantError string
	}{
		{"long", long, "only the first 2.0 MiB of the text are searchable (the text is longer than Sunshine indexes)"},
		{"short", long[:100_000], ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up := b.upload(id, "", tc.name+".txt", "text/plain", []byte(tc.text))
			require.Equal(t, http.StatusCreated, up.status(), up.rec.Body.String())
			require.Equal(t, "extracted", up.str("text_status"))
			require.Equal(t, tc.wantError, up.str("text_error"))
		})
	}
}
