package store_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// hashes returns about n bytes of distinct words, each a hex MD5: a data
// dump or a log, whose distinct words outgrow PostgreSQL's 1 MiB tsvector.
func hashes(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		sum := md5.Sum([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
		b.WriteString(hex.EncodeToString(sum[:]))
		b.WriteByte(' ')
	}
	return b.String()
}

func TestStore_TextWithTooManyWords(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	dump := hashes(2 << 20)
	first, last := dump[:32], strings.Fields(dump[len(dump)-40:])[0]

	t.Run("a document keeps the leading part that fits", func(t *testing.T) {
		doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "dump.txt",
			ContentType: "text/plain", Content: strings.NewReader("bytes kept as uploaded")})
		require.NoError(t, err)
		require.NoError(t, s.SetDocumentText(fx.Ctx, doc.ID, sunshine.TextExtracted, dump, ""))

		got, err := s.FindDocumentByID(fx.Ctx, doc.ID)
		require.NoError(t, err)
		require.Equal(t, sunshine.TextExtracted, got.TextStatus)
		var stored string
		require.NoError(t, s.DB().Get(&stored, `SELECT text FROM documents WHERE id = $1`, doc.ID))
		require.Equal(t, fmt.Sprintf("only the first %d KiB of the text are searchable: it has too many different words to index in full",
			len(stored)>>10), got.TextError)
		require.Greater(t, len(stored), 256<<10, "halved until it fits, no further")
		require.True(t, strings.HasPrefix(dump, stored), "a prefix of the text is kept")
		words := strings.Fields(stored)
		require.Len(t, words[len(words)-1], 32, "cut between words, none in half")

		for q, want := range map[string]int{first: 1, last: 0} {
			hits, _, err := s.Search(fx.Ctx, store.SearchFilter{Q: q})
			require.NoError(t, err)
			require.Len(t, hits, want, q)
		}
	})

	t.Run("a communication's body is refused, naming the body", func(t *testing.T) {
		in := sunshine.CommunicationInput{Communication: sunshine.Communication{Direction: sunshine.DirectionIn,
			Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-01"), Subject: "Export", Body: dump[:990_000]}}
		_, _, err := s.CreateCommunication(fx.Ctx, r.ID, in)
		var e *sunshine.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, sunshine.EInvalid, e.Code)
		require.Equal(t, "body", e.Fields[0].Field)
		comms, _, err := s.FindCommunications(fx.Ctx, r.ID, store.All, "")
		require.NoError(t, err)
		require.Empty(t, comms, "nothing written")

		in.Body = "A short cover note."
		c, _, err := s.CreateCommunication(fx.Ctx, r.ID, in)
		require.NoError(t, err)
		body := dump[:990_000]
		_, err = s.UpdateCommunication(fx.Ctx, c.ID, sunshine.CommunicationUpdate{Body: &body})
		require.ErrorAs(t, err, &e)
		require.Equal(t, "body", e.Fields[0].Field)
		c, err = s.FindCommunicationByID(fx.Ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, "A short cover note.", c.Body, "the edit changed nothing")
	})
}

func TestStore_FindPendingDocumentsPages(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	var ids []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: name,
			ContentType: "text/plain", Content: strings.NewReader(name)})
		require.NoError(t, err)
		ids = append(ids, doc.ID)
	}
	// The documents were created in one instant (a fixed clock): the ID
	// orders them.
	none, err := s.FindPendingDocuments(fx.Ctx, now, nil, 10)
	require.NoError(t, err)
	require.Empty(t, none, "none uploaded before now")
	var seen []string
	var after *store.PendingDocument
	for page := 0; page < 5; page++ {
		docs, err := s.FindPendingDocuments(fx.Ctx, now.Add(time.Second), after, 2)
		require.NoError(t, err)
		if len(docs) == 0 {
			break
		}
		for _, p := range docs {
			seen = append(seen, p.ID)
		}
		after = &docs[len(docs)-1]
	}
	require.ElementsMatch(t, ids, seen, "each pending document once, though all stay pending")
}

// prose returns at least n bytes of sentences, each numbered, none of them
// containing the words the long-document tests look for.
func prose(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Entry %d: the records office logged a routine transfer of custody. ", i)
	}
	return b.String()
}

// A long document's snippet comes from the chunk of its text that matches:
// the words are marked wherever they are, also across a chunk's edge, and
// a match on the file name alone shows the text's start. A communication's
// long body likewise.
func TestStore_LongDocumentSnippets(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	doc, err := s.CreateDocument(fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "Quarterly figures.txt",
		ContentType: "text/plain", Content: strings.NewReader("bytes")})
	require.NoError(t, err)
	head := prose(15_990)[:15_989] + " " // ASCII: bytes are characters
	text := head + "sanctuary " + prose(180_000) + "Deportation figures follow. " + prose(2_000)
	require.NoError(t, s.SetDocumentText(fx.Ctx, doc.ID, sunshine.TextExtracted, text, ""))
	chunks := func() (n int) {
		require.NoError(t, s.DB().Get(&n, `SELECT count(*) FROM document_text_chunks WHERE document_id = $1`, doc.ID))
		return n
	}
	require.Equal(t, (len(text)+15_999)/16_000, chunks())
	other := storetest.Org(t, s, "other")
	err = s.SetDocumentText(other.Ctx, doc.ID, sunshine.TextExtracted, "Another organization's text.", "")
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's document")
	require.Equal(t, (len(text)+15_999)/16_000, chunks(), "its chunks untouched")

	for _, tc := range []struct{ name, q, want string }{
		{"a word near the end", "deportations", "<mark>Deportation</mark> figures follow"},
		{"a word across a chunk's edge", "sanctuary", "<mark>sanctuary</mark> Entry 0:"},
		{"the file name only", "quarterly", "Entry 0: the records office"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, _, err := s.Search(fx.Ctx, store.SearchFilter{Q: tc.q})
			require.NoError(t, err)
			require.Len(t, hits, 1)
			require.Contains(t, hits[0].SnippetHTML, tc.want)
		})
	}

	require.NoError(t, s.SetDocumentText(fx.Ctx, doc.ID, sunshine.TextExtracted, "A short sanctuary memo.", ""))
	require.Zero(t, chunks(), "a short text needs no chunks; the old ones are gone")
	hits, _, err := s.Search(fx.Ctx, store.SearchFilter{Q: "sanctuary"})
	require.NoError(t, err)
	require.Len(t, hits, 1)
	require.Contains(t, hits[0].SnippetHTML, "short <mark>sanctuary</mark> memo")
}

func TestStore_LongCommunicationSnippets(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	body := prose(100_000) + "Deportation figures follow. " + prose(1_000)
	c, _, err := s.CreateCommunication(fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-01"),
		Subject: "Quarterly figures", Body: body}})
	require.NoError(t, err)
	chunks := func() (n int) {
		require.NoError(t, s.DB().Get(&n, `SELECT count(*) FROM communication_text_chunks WHERE communication_id = $1`, c.ID))
		return n
	}
	require.Equal(t, (len(body)+15_999)/16_000, chunks())
	snippet := func(q string) string {
		hits, _, err := s.Search(fx.Ctx, store.SearchFilter{Q: q})
		require.NoError(t, err)
		require.Len(t, hits, 1)
		return hits[0].SnippetHTML
	}
	require.Contains(t, snippet("deportations"), "<mark>Deportation</mark> figures follow")
	require.Contains(t, snippet("quarterly"), "<mark>Quarterly</mark> figures\nEntry 0: the records office")

	short := "A short deportation memo."
	_, err = s.UpdateCommunication(fx.Ctx, c.ID, sunshine.CommunicationUpdate{Body: &short})
	require.NoError(t, err)
	require.Zero(t, chunks(), "the edit dropped the old body's chunks")
	require.Contains(t, snippet("deportations"), "short <mark>deportation</mark> memo")
}

// pageIDs follows a list from its first page to its last: every item's ID
// in order, and each page's size.
func pageIDs[T any](t *testing.T, page func(after string) ([]T, string, error), id func(T) string) (ids []string, sizes []int) {
	t.Helper()
	for after := ""; ; {
		items, next, err := page(after)
		require.NoError(t, err)
		sizes = append(sizes, len(items))
		for _, it := range items {
			ids = append(ids, id(it))
		}
		if next == "" {
			return ids, sizes
		}
		after = next
	}
}

// A page of a request's communications or events ends early once its
// long texts pass store.PageBudget, and the pages still join up to the
// whole history.
func TestStore_HistoryPagesBoundedBySize(t *testing.T) {
	t.Parallel()
	s, fx, r := committedRequest(t)
	body := prose(900_000)
	perPage := store.PageBudget/len(body) + 1 // the last one begins under the budget
	var ids []string
	for i := range perPage + 2 {
		c, _, err := s.CreateCommunication(fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-01"),
			Subject: fmt.Sprint("Production part ", i+1), Body: body}})
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	// Each edit keeps the previous body in its event.
	for i := range perPage + 1 {
		edited := fmt.Sprint("Corrected ", i+1, ". ", body)
		_, err := s.UpdateCommunication(fx.Ctx, ids[0], sunshine.CommunicationUpdate{Body: &edited})
		require.NoError(t, err)
	}

	got, sizes := pageIDs(t, func(after string) ([]*sunshine.Communication, string, error) {
		return s.FindCommunications(fx.Ctx, r.ID, 200, after)
	}, func(c *sunshine.Communication) string { return c.ID })
	require.Equal(t, []int{perPage, 2}, sizes)
	require.ElementsMatch(t, ids, got)

	all, _, err := s.FindEvents(fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	events, sizes := pageIDs(t, func(after string) ([]*sunshine.Event, string, error) {
		return s.FindEvents(fx.Ctx, r.ID, 200, after)
	}, func(e *sunshine.Event) string { return e.ID })
	require.Len(t, sizes, 2, "the edits' previous bodies fill more than one page: %v", sizes)
	require.Len(t, events, len(all))
	for i := range all {
		require.Equal(t, all[i].ID, events[i])
	}

	// The timeline as a page shows it leaves the edits' previous bodies unread.
	timeline, err := s.FindTimeline(fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, timeline, len(all))
	edits := 0
	for i, e := range timeline {
		require.Equal(t, all[i].ID, e.ID)
		if e.Kind == sunshine.EventCommEdited {
			edits++
			require.JSONEq(t, `{}`, string(e.Data))
		} else {
			require.JSONEq(t, string(all[i].Data), string(e.Data))
		}
	}
	require.Equal(t, perPage+1, edits)

	// A brief listing reads each body's start and its size.
	brief, err := s.FindCommunicationsBrief(fx.Ctx, r.ID, 100)
	require.NoError(t, err)
	require.Len(t, brief, len(ids))
	for _, c := range brief[1:] {
		require.Equal(t, body[:100], c.Body)
		require.Equal(t, len(body), c.BodyBytes)
	}
	_, err = s.FindCommunicationsBrief(storetest.Org(t, s, "other").Ctx, r.ID, 100)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}
