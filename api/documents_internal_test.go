package api

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// formEnd sees the closing delimiter wherever reads split it, and only a
// closing one.
func TestFormEnd(t *testing.T) {
	t.Parallel()
	const part = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello"
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"Whole", part + "\r\n--B--\r\n", true},
		{"WholeWithoutFinalCRLF", part + "\r\n--B--", true},
		{"WholeWithEpilogue", part + "\r\n--B--\r\n" + strings.Repeat("epilogue ", 1000), true},
		{"BareLF", strings.ReplaceAll(part, "\r\n", "\n") + "\n--B--\n", true},
		{"NoParts", "--B--\r\n", true},
		{"EndsInNextHeaders", part + "\r\n--B\r\nContent-Dispo", false},
		{"EndsAtBoundary", part + "\r\n--B", false},
		{"EndsInFile", part, false},
		{"NotAtLineStart", part + "x--B--\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tc.body), iotest.OneByteReader(strings.NewReader(tc.body)),
				iotest.HalfReader(strings.NewReader(tc.body))} {
				f := newFormEnd(io.NopCloser(r), "B")
				got, err := io.ReadAll(f)
				require.NoError(t, err)
				require.Equal(t, tc.body, string(got))
				require.Equal(t, tc.want, f.seen)
			}
		})
	}
}
