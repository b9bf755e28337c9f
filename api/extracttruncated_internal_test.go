package api

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/textract"
)

func TestTruncatedMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		res  textract.Result
		want string
	}{
		{"PDF", textract.Result{Truncated: true, Pages: 1000, PagesRead: 580},
			"only the first 580 of 1,000 pages are searchable (the text is longer than Sunshine indexes)"},
		{"PDF of a million pages", textract.Result{Truncated: true, Pages: 1234567, PagesRead: 20000},
			"only the first 20,000 of 1,234,567 pages are searchable (the text is longer than Sunshine indexes)"},
		{"PDF whose first page is too long", textract.Result{Truncated: true, Pages: 12},
			"only the start of the first of 12 pages is searchable (the text is longer than Sunshine indexes)"},
		{"text", textract.Result{Text: string(make([]byte, 2<<20)), Truncated: true},
			"only the first 2.0 MiB of the text are searchable (the text is longer than Sunshine indexes)"},
		{"text cut at the read limit", textract.Result{Text: string(make([]byte, 300<<10)), Truncated: true},
			"only the first 300 KiB of the text are searchable (the text is longer than Sunshine indexes)"},
	} {
		require.Equal(t, tc.want, truncatedMessage(tc.res), tc.name)
	}
}
