package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// BenchmarkSearch_LongDocuments searches for a word found only at the end
// of ten documents of 2 MiB of text each (the extraction cap): one page of
// ten hits, each with its snippet.
func BenchmarkSearch_LongDocuments(b *testing.B) {
	s, fx, r := committedRequest(b)
	text := prose(2<<20-100) + "Deportation figures follow."
	for i := range 10 {
		doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: fmt.Sprintf("release-%d.txt", i),
			ContentType: "text/plain", Content: strings.NewReader(fmt.Sprint(i))})
		require.NoError(b, err)
		require.NoError(b, s.SetDocumentText(fx.Ctx, doc.ID, sunshine.TextExtracted, text, ""))
	}
	for b.Loop() {
		hits, _, err := s.Search(fx.Ctx, store.SearchFilter{Q: "deportation"})
		if err != nil || len(hits) != 10 || !strings.Contains(hits[0].SnippetHTML, "<mark>") {
			b.Fatalf("search: %d hits, %v", len(hits), err)
		}
	}
}
