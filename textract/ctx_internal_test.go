package textract

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// cancelAfter reads r, cancelling a context once n bytes were read, and
// counts the bytes read after that (reading goes on: only the parser's
// own looks at the context stop it).
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
	read   int // in all
	after  int // after the cancel
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	cancelled := c.read >= c.n
	k, err := c.r.Read(p)
	c.read += k
	if cancelled {
		c.after += k
	} else if c.read >= c.n {
		c.cancel()
	}
	return k, err
}

// cancelAfterAt is cancelAfter for a document read with ReadAt.
type cancelAfterAt struct {
	r io.ReaderAt
	c *cancelAfter
}

func (c cancelAfterAt) ReadAt(p []byte, off int64) (int, error) {
	c.c.r = io.NewSectionReader(c.r, off, int64(len(p)))
	return io.ReadFull(c.c, p)
}

// Parsers look at their context as they go, not only between steps: a
// context cancelled once the first 256 KiB were read stops each within
// the next 64 KiB (without these looks the e-mail, plain text and HTML
// parsers read on to the end, or to 2 MiB of text, tens of MiB).
func TestParsersStopWhenCancelled(t *testing.T) {
	t.Parallel()
	const (
		first = 256 << 10
		after = 64 << 10
	)
	latin1 := bytes.Repeat([]byte("Se\xf1or Mu\xf1oz, caf\xe9 receipts\n"), (16<<20)/29)
	var paras strings.Builder
	for i := 0; paras.Len() < 8<<20; i++ {
		fmt.Fprintf(&paras, "<w:p><w:r><w:t>Paragraph %d of the use of force policy.</w:t></w:r></w:p>", i)
	}
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for _, p := range [][2]string{{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document><w:body>" + paras.String() + "</w:body></w:document>"}} {
		// Stored, not deflated: the bytes read are the XML's.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Store})
		require.NoError(t, err)
		_, err = io.WriteString(w, p[1])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	html := bigHTML("table", 16<<20)

	tests := []struct {
		name string
		run  func(ctx context.Context, c *cancelAfter) error
	}{
		{"HTML from memory (an e-mail's HTML body)", func(ctx context.Context, c *cancelAfter) error {
			c.r = bytes.NewReader(html)
			_, _, err := htmlToText(ctx, c, maxText)
			return err
		}},
		{"plain text in Latin-1", func(ctx context.Context, c *cancelAfter) error {
			c.r = bytes.NewReader(latin1)
			_, err := decode(ctx, c, len(latin1), windows1252)
			return err
		}},
		{"HTML document", func(ctx context.Context, c *cancelAfter) error {
			_, err := ExtractResult(ctx, "text/html", cancelAfterAt{bytes.NewReader(html), c}, int64(len(html)), 0)
			return err
		}},
		{"Word document", func(ctx context.Context, c *cancelAfter) error {
			_, err := ExtractResult(ctx, DOCX, cancelAfterAt{bytes.NewReader(docx.Bytes()), c}, int64(docx.Len()), 0)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := &cancelAfter{n: first, cancel: cancel}
			err := tc.run(ctx, c)
			require.ErrorIs(t, err, context.Canceled)
			require.GreaterOrEqual(t, c.read, first)
			require.LessOrEqual(t, c.after, after, "bytes read after the cancel")
		})
	}
}

// An e-mail message is read through its context: one whose deadline has
// passed is not parsed (its parser read it whole whatever the context).
func TestExtractEmailDeadline(t *testing.T) {
	t.Parallel()
	msg := "From: clerk@example.gov\r\nSubject: records\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat("Sheriff Thompson's log.\r\n", (8<<20)/25)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, _, err := extractEmail(ctx, []byte(msg))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	text, _, err := extractEmail(context.Background(), []byte(msg))
	require.NoError(t, err)
	require.Contains(t, text, "Sheriff Thompson's log.")
}
