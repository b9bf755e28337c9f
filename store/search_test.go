package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Search ranks each kind's most recent matches only; filters apply before
// that choice, so narrowing the dates or the request reaches older ones.
func TestStore_Search(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency(t, "Sacramento County Sheriff's Department", "us-ca")
	fbi := b.agency(t, "FBI", "us-federal")

	old := b.request(t, sheriff, "ICE detainer requests", "2017-03-27")
	// Requests received later are filed later (receipt dates are never in
	// the future); everything else happens on the clock's day, 5 April 2017.
	b.clk.Set(time.Date(2019, 6, 1, 12, 0, 0, 0, time.UTC))
	budget := &sunshine.Request{AgencyID: fbi.ID, Title: "Budget", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2018-01-10"), Description: "Detainer budget: the detainer line items, detainer staffing."}
	require.NoError(t, b.s.CreateRequest(b.ctx, budget))
	_ = b.request(t, fbi, "Unrelated", "2019-05-01")
	b.clk.Set(now)
	draft := b.request(t, sheriff, "Detainer draft", "") // dated the day it was created (today)

	comms := map[string]string{} // occurred_on → ID
	for day := 1; day <= 5; day++ {
		on := fmt.Sprintf("2017-04-0%d", day)
		subject := "Detainer log " + on
		if day == 1 {
			subject = "Detainer log, detainer forms and detainer lists" // the most relevant, and the oldest
		}
		c, _, err := b.s.CreateCommunication(b.ctx, old.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d(on),
			Subject: subject, Body: "Another I-247A detainer."}})
		require.NoError(t, err)
		comms[on] = c.ID
	}
	doc, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: budget.ID, Filename: "release.txt",
		ContentType: "text/plain", Content: strings.NewReader("detainer budget release")})
	require.NoError(t, err)
	require.NoError(t, b.s.SetDocumentText(b.ctx, doc.ID, "extracted", "Detainer budget release.", ""))

	type hit struct{ kind, id string }
	reqHit := func(r *sunshine.Request) hit { return hit{"request", r.ID} }
	commHit := func(on string) hit { return hit{"communication", comms[on]} }
	docHit := hit{"document", doc.ID}
	for _, tc := range []struct {
		name       string
		candidates int
		filter     store.SearchFilter
		want       []hit // in any order, except where ranked says
	}{
		{"every kind", 0, store.SearchFilter{Q: "detainer"},
			[]hit{reqHit(old), reqHit(budget), reqHit(draft), commHit("2017-04-01"), commHit("2017-04-02"),
				commHit("2017-04-03"), commHit("2017-04-04"), commHit("2017-04-05"), docHit}},
		{"two newest of each kind", 2, store.SearchFilter{Q: "detainer"},
			[]hit{reqHit(draft), reqHit(budget), commHit("2017-04-05"), commHit("2017-04-04"), docHit}},
		{"dates narrowed before choosing", 2, store.SearchFilter{Q: "detainer", To: d("2017-04-03")},
			[]hit{reqHit(old), commHit("2017-04-03"), commHit("2017-04-02")}},
		{"dates from", 2, store.SearchFilter{Q: "detainer", From: d("2017-04-05"), To: d("2018-12-31")},
			[]hit{reqHit(budget), commHit("2017-04-05"), docHit}}, // uploaded on the clock's day, 5 April 2017
		{"request status before choosing", 2, store.SearchFilter{Q: "detainer", Statuses: []sunshine.Status{sunshine.StatusSubmitted}},
			[]hit{reqHit(budget), reqHit(old), commHit("2017-04-05"), commHit("2017-04-04"), docHit}},
		{"drafts only", 2, store.SearchFilter{Q: "detainer", Statuses: []sunshine.Status{sunshine.StatusDraft}},
			[]hit{reqHit(draft)}},
		{"agency", 2, store.SearchFilter{Q: "detainer", AgencyID: fbi.ID}, []hit{reqHit(budget), docHit}},
		{"no match", 0, store.SearchFilter{Q: "quokka"}, nil},
	} {
		// The window of recent rows read first changes the cost, never the
		// hits: 1 always falls back to every match, 1000 never does.
		windows := []int{1, 3, 1000}
		if tc.candidates == 0 {
			windows = []int{0} // the defaults
		}
		for _, window := range windows {
			t.Run(fmt.Sprintf("%s/window %d", tc.name, window), func(t *testing.T) {
				store.SetSearchCandidates(b.s, tc.candidates, window)
				defer store.SetSearchCandidates(b.s, 0, 0)
				hits, more, err := b.s.Search(b.ctx, tc.filter)
				require.NoError(t, err)
				require.False(t, more)
				var got []hit
				for _, h := range hits {
					id := h.RequestID
					switch h.Kind {
					case "communication":
						id = *h.CommunicationID
					case "document":
						id = *h.DocumentID
					}
					got = append(got, hit{h.Kind, id})
				}
				require.ElementsMatch(t, tc.want, got)
				for i := 1; i < len(hits); i++ {
					require.GreaterOrEqual(t, hits[i-1].Rank, hits[i].Rank, "ranked")
				}
			})
		}
	}

	t.Run("ranked by relevance among the candidates", func(t *testing.T) {
		hits, _, err := b.s.Search(b.ctx, store.SearchFilter{Q: "detainer", Limit: 1})
		require.NoError(t, err)
		require.Equal(t, "communication", hits[0].Kind)
		require.Equal(t, comms["2017-04-01"], *hits[0].CommunicationID, "the oldest, but the word is in its subject thrice")
	})
	t.Run("pages", func(t *testing.T) {
		var seen []string
		for offset := 0; ; offset += 4 {
			hits, more, err := b.s.Search(b.ctx, store.SearchFilter{Q: "detainer", Limit: 4, Offset: offset})
			require.NoError(t, err)
			for _, h := range hits {
				seen = append(seen, h.Kind+h.RequestID+deref(h.CommunicationID)+deref(h.DocumentID))
			}
			if !more {
				break
			}
		}
		require.Len(t, seen, 9)
		require.Len(t, uniq(seen), 9, "no hit twice across pages")
	})
	t.Run("another organization finds nothing", func(t *testing.T) {
		other := storetest.Org(t, b.s, "other")
		hits, _, err := b.s.Search(other.Ctx, store.SearchFilter{Q: "detainer"})
		require.NoError(t, err)
		require.Empty(t, hits)
	})
}

// Search ignores accents both ways, as clients' names are often typed
// without them ("Jose Perez" for "José Pérez"), and finds a request by its
// agency tracking number, whole or in part, as agencies' e-mails quote it.
func TestStore_SearchAccentsAndTrackingNumbers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cbp := b.agency(t, "U.S. Customs and Border Protection", "us-federal")
	accented := &sunshine.Request{AgencyID: cbp.ID, Title: "Dossier de l'élève", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2017-03-27"), TrackingNumber: "CBP-2027-004512"}
	require.NoError(t, b.s.CreateRequest(b.ctx, accented))
	plain := b.request(t, cbp, "Jose Perez booking records", "2017-03-28")
	comm, _, err := b.s.CreateCommunication(b.ctx, accented.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-03"),
		Subject: "Your request CBP-2027-004512", Body: "Records about José Pérez are attached."}})
	require.NoError(t, err)
	doc, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: accented.ID, Filename: "booking.txt",
		ContentType: "text/plain", Content: strings.NewReader("booking sheet")})
	require.NoError(t, err)
	require.NoError(t, b.s.SetDocumentText(b.ctx, doc.ID, "extracted", "Booking sheet of José Pérez, Sacramento.", ""))
	// An image: its name is all there is to find it by.
	photo, err := b.s.CreateDocument(b.ctx, store.NewDocument{RequestID: plain.ID, Filename: "Kowalczyk_intake-photo.png",
		ContentType: "image/png", Content: strings.NewReader("png")})
	require.NoError(t, err)
	require.NoError(t, b.s.SetDocumentText(b.ctx, photo.ID, "unsupported", "", "no text"))

	// A letter found by its sender.
	fromCBP, _, err := b.s.CreateCommunication(b.ctx, plain.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: d("2017-04-04"),
		From: "Pat Quinlan <pat.quinlan@cbp.dhs.gov>", Subject: "Status", Body: "Still searching."}})
	require.NoError(t, err)

	type hit struct{ kind, id string }
	search := func(t *testing.T, q string) ([]hit, []store.SearchHit) {
		t.Helper()
		hits, _, err := b.s.Search(b.ctx, store.SearchFilter{Q: q})
		require.NoError(t, err)
		var got []hit
		for _, h := range hits {
			id := h.RequestID
			switch h.Kind {
			case "communication":
				id = *h.CommunicationID
			case "document":
				id = *h.DocumentID
			}
			got = append(got, hit{h.Kind, id})
		}
		return got, hits
	}
	names := []hit{{"request", plain.ID}, {"communication", comm.ID}, {"document", doc.ID}}
	for _, tc := range []struct {
		name, q string
		want    []hit
	}{
		{"without accents finds accented words", "Jose Perez", names},
		{"with accents finds unaccented words", "José Pérez", names},
		{"accents in a title", "eleve", []hit{{"request", accented.ID}}},
		{"accents in a title, typed", "élève", []hit{{"request", accented.ID}}},
		// The communication quotes the whole number, so it matches too.
		{"tracking number", "CBP-2027-004512", []hit{{"request", accented.ID}, {"communication", comm.ID}}},
		{"tracking number, in lower case", "cbp-2027-004512", []hit{{"request", accented.ID}, {"communication", comm.ID}}},
		// Only the request's own tracking number is indexed in parts: in
		// the communication's text, "-004512" stays one signed number.
		{"tracking number's digits", "004512", []hit{{"request", accented.ID}}},
		{"tracking number's tail", "2027-004512", []hit{{"request", accented.ID}}},
		{"tracking number's parts", "CBP 004512", []hit{{"request", accented.ID}}},
		{"another tracking number", "CBP-2027-004513", nil},
		{"a word of a file name", "Kowalczyk", []hit{{"document", photo.ID}}},
		{"words of a file name", "intake photo", []hit{{"document", photo.ID}}},
		{"a whole file name", "Kowalczyk_intake-photo.png", []hit{{"document", photo.ID}}},
		{"a sender's name", "Quinlan", []hit{{"communication", fromCBP.ID}}},
		{"a sender's domain", "cbp.dhs.gov", []hit{{"communication", fromCBP.ID}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := search(t, tc.q)
			require.ElementsMatch(t, tc.want, got)
		})
	}
	t.Run("the request whose number it is ranks first", func(t *testing.T) {
		got, _ := search(t, "CBP-2027-004512")
		require.Equal(t, hit{"request", accented.ID}, got[0])
	})
	t.Run("snippet marks the accented words", func(t *testing.T) {
		got, hits := search(t, "jose perez")
		i := slices.Index(got, hit{"communication", comm.ID})
		require.GreaterOrEqual(t, i, 0)
		require.Contains(t, hits[i].SnippetHTML, "<mark>José</mark> <mark>Pérez</mark>")
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func uniq(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// Search finds a request by its internal notes, and by nothing else in its
// timeline; a note's hit names the note, and the filters apply to it as to
// every kind.
func TestStore_SearchNotes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "ICE detainers", "2017-03-27")
	called, err := b.s.AddNote(b.ctx, r.ID, "Called the records officer, Pat Quinlan: the first batch comes next week.")
	require.NoError(t, err)
	lawyer, err := b.s.AddNote(b.ctx, r.ID, "Lawyer says wait for Quinlan's batch before appealing.")
	require.NoError(t, err)
	for _, text := range []string{"Chased the fee waiver.", "Nothing new.", "Asked for an estimate."} {
		_, err := b.s.AddNote(b.ctx, r.ID, text)
		require.NoError(t, err)
	}
	// A status change's note is no internal note.
	_, err = b.s.TransitionRequest(b.ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, Note: "Quinlan acknowledged by phone"})
	require.NoError(t, err)

	notes := func(ctx context.Context, f store.SearchFilter) []string {
		t.Helper()
		hits, _, err := b.s.Search(ctx, f)
		require.NoError(t, err)
		var ids []string
		for _, h := range hits {
			require.Equal(t, "note", h.Kind)
			require.Equal(t, r.ID, h.RequestID)
			require.Equal(t, r.Title, h.Title)
			require.Nil(t, h.CommunicationID)
			require.Nil(t, h.DocumentID)
			ids = append(ids, *h.NoteID)
		}
		return ids
	}
	// Each window the candidates are chosen from finds the same notes.
	for _, window := range []int{1, 3, 1000} {
		store.SetSearchCandidates(b.s, 2, window)
		require.ElementsMatch(t, []string{called.ID, lawyer.ID}, notes(b.ctx, store.SearchFilter{Q: "quinlan"}), "window %d", window)
	}
	store.SetSearchCandidates(b.s, 0, 0)

	hits, _, err := b.s.Search(b.ctx, store.SearchFilter{Q: "records officer"})
	require.NoError(t, err)
	require.Len(t, hits, 1)
	require.Equal(t, called.ID, *hits[0].NoteID)
	require.Contains(t, hits[0].SnippetHTML, "Called the <mark>records</mark> <mark>officer</mark>, Pat Quinlan")
	require.Equal(t, deadline.Today(called.CreatedAt, time.UTC), hits[0].On, "the day it was written")

	today := deadline.Today(called.CreatedAt, time.UTC)
	require.Len(t, notes(b.ctx, store.SearchFilter{Q: "quinlan", Statuses: []sunshine.Status{sunshine.StatusAcknowledged}}), 2)
	require.Empty(t, notes(b.ctx, store.SearchFilter{Q: "quinlan", Statuses: []sunshine.Status{sunshine.StatusSubmitted}}))
	require.Len(t, notes(b.ctx, store.SearchFilter{Q: "quinlan", From: today, To: today}), 2)
	require.Empty(t, notes(b.ctx, store.SearchFilter{Q: "quinlan", From: today.AddDays(1)}))
	require.Empty(t, notes(storetest.Org(t, b.s, "other").Ctx, store.SearchFilter{Q: "quinlan"}), "another organization's")
}
