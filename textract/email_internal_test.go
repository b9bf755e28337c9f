package textract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jhillyerd/enmime"
	"github.com/stretchr/testify/require"
)

// nestedEmail returns a message whose multipart parts nest depth deep,
// with a text part innermost.
func nestedEmail(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: clerk@example.gov\r\nSubject: records\r\n")
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nSheriff Thompson\r\n")
	return []byte(b.String())
}

// extractEmailWithin is extractEmail, failing the test if it takes longer
// than a few seconds (the parser cannot be stopped: a message it would
// read for hours is left running).
func extractEmailWithin(t *testing.T, data []byte) (string, error) {
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		res, err := ExtractResult(context.Background(), "message/rfc822", bytes.NewReader(data), int64(len(data)), 0)
		done <- result{res.Text, err}
	}()
	select {
	case r := <-done:
		return r.text, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("reading a %d-byte message took more than 10 s", len(data))
		return "", nil
	}
}

// Messages of a few KB that the MIME parser would read for hours are
// refused: its time doubles with each level of nesting (a 2 KB message
// 37 deep did not finish in hours) and grows with the square of a level's
// parts (140,000 empty parts in 1 MB took more than 100 s).
func TestExtractEmailHostileMIME(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	many.WriteString("From: clerk@example.gov\r\nSubject: records\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for range 60000 {
		many.WriteString("--b\r\n\r\n")
	}
	many.WriteString("--b--\r\n")

	_, err := extractEmailWithin(t, nestedEmail(40))
	require.EqualError(t, err, "not a valid email message: its parts nest more than 12 deep")
	_, err = extractEmailWithin(t, []byte(many.String()))
	require.EqualError(t, err, "not a valid email message: it has more than 1000 parts")

	// Up to the bounds, a message is read.
	text, err := extractEmailWithin(t, nestedEmail(maxMIMEDepth))
	require.NoError(t, err)
	require.Contains(t, text, "Sheriff Thompson")
}

func TestMIMEShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		msg          string
		depth, parts int
	}{
		{"not multipart", "Subject: x\n\nbody\n--b\n", 0, 0},
		{"nested, closed, then a sibling", "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative;\n boundary=\"b b\"\n\n--b b\n\nx\n--b b--\n--a\n\ny\n--a--\n", 2, 3},
		{"a delimiter of the outer level ends an inner one", "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=b\n\n--a\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n", 2, 3},
		{"a delimiter in a header starts the next part", "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/plain\n--a\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\nx\n", 2, 3},
		{"--a1 is not a delimiter of a", "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=b\n\n--a1\n--b\nContent-Type: multipart/mixed; boundary=c\n\n", 3, 2},
	}
	for _, tc := range tests {
		depth, parts := mimeShape([]byte(tc.msg))
		require.Equal(t, tc.depth, depth, tc.name)
		require.Equal(t, tc.parts, parts, tc.name)
	}
}

// mimeShape never says less than the parser reads: a message it passes
// nests in the parser's tree no deeper than it said.
func FuzzMIMEShape(f *testing.F) {
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--\r\n"))
	f.Add(nestedEmail(3))
	f.Add([]byte(emlAlternativeInternal))
	f.Fuzz(func(t *testing.T, data []byte) {
		depth, parts := mimeShape(data)
		if depth > 6 || parts > 50 {
			return // refused, or more than the parser reads quickly here
		}
		done := make(chan *enmime.Part, 1)
		go func() {
			root, err := enmime.NewParser(enmime.DisableTextConversion(true), enmime.SkipMalformedParts(true)).ReadParts(bytes.NewReader(data))
			if err != nil {
				root = nil
			}
			done <- root
		}()
		var root *enmime.Part
		select {
		case root = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("the parser took more than 5 s on %q (depth %d, %d parts)", data, depth, parts)
		}
		if root == nil {
			return
		}
		var deepest func(p *enmime.Part, d int) int
		deepest = func(p *enmime.Part, d int) int {
			m := d
			for c := p.FirstChild; c != nil; c = c.NextSibling {
				m = max(m, deepest(c, d+1))
			}
			return m
		}
		// The root, a multipart, holds its parts one level down.
		require.LessOrEqual(t, deepest(root, 0), depth, "parts nest deeper than mimeShape says")
	})
}

const emlAlternativeInternal = "From: a@example.gov\r\nContent-Type: multipart/alternative; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nplain\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--x--\r\n"
