package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A note is one event in the request's timeline, by the caller, trimmed,
// with an empty object as its data; it leaves the request as it was (its
// version, its dates), on an open request as on a closed one.
func TestStore_AddNote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	open := b.request(t, a, "ICE", "2017-03-27")
	closed := b.request(t, a, "Jail contracts", "2017-03-27")
	closed, err := b.s.TransitionRequest(b.ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	for _, r := range []*sunshine.Request{open, closed} {
		t.Run(string(r.Status), func(t *testing.T) {
			before, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			e, err := b.s.AddNote(b.ctx, r.ID, "  Called the records officer.\nFirst batch next week.\n")
			require.NoError(t, err)
			require.Equal(t, sunshine.EventNoteAdded, e.Kind)
			require.Equal(t, "Called the records officer.\nFirst batch next week.", e.Note)
			require.Equal(t, r.ID, e.RequestID)
			require.Equal(t, &b.fx.Admin.ID, e.ActorID)
			require.True(t, e.EffectiveOn.IsZero())
			require.JSONEq(t, `{}`, string(e.Data))

			es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
			require.NoError(t, err)
			last := es[len(es)-1]
			require.Equal(t, e.ID, last.ID)
			require.Equal(t, e.Note, last.Note)
			got, err := b.s.FindRequestByID(b.ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, before.Version, got.Version, "a note is no change to the request")
			require.Equal(t, before.UpdatedAt, got.UpdatedAt)
			require.Equal(t, before.EffectiveDueOn(), got.EffectiveDueOn())
			require.Equal(t, before.Status, got.Status)
		})
	}
}

// Bad text names the field text and writes nothing; another organization's
// request, or no request, is not found.
func TestStore_AddNoteRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	other := storetest.Org(t, b.s, "other")
	for _, tc := range []struct {
		name          string
		ctx           context.Context
		request, text string
		code          sunshine.Code
		field         string
	}{
		{"ErrTextRequired", b.ctx, r.ID, " \n ", sunshine.EInvalid, "text"},
		{"ErrTextTooLong", b.ctx, r.ID, strings.Repeat("a", 10001), sunshine.EInvalid, "text"},
		{"ErrOtherOrg", other.Ctx, r.ID, "mine", sunshine.ENotFound, ""},
		{"ErrNoRequest", b.ctx, "7a0c3b51-3c1e-4bbf-9a55-1f7b5a0c2d11", "nowhere", sunshine.ENotFound, ""},
		{"ErrNotAnID", b.ctx, "not-a-uuid", "nowhere", sunshine.ENotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.AddNote(tc.ctx, tc.request, tc.text)
			if tc.field != "" {
				requireField(t, err, tc.code, tc.field)
			} else {
				require.Equal(t, tc.code, sunshine.ErrorCode(err), err)
			}
		})
	}
	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	for _, e := range es {
		require.NotEqual(t, sunshine.EventNoteAdded, e.Kind, "nothing written")
	}
	// The longest note is stored whole (the schema allows it: 0037).
	long := strings.Repeat("é", 10000)
	e, err := b.s.AddNote(b.ctx, r.ID, long)
	require.NoError(t, err)
	require.Equal(t, long, e.Note)
}

// mentionEmails lists the 'mentioned' reminders owed for the note event
// eventID, by recipient, with who caused them.
func mentionEmails(t *testing.T, b testBundle, eventID string) map[string]string {
	t.Helper()
	var rows []struct {
		Recipient string  `db:"recipient_id"`
		Sender    *string `db:"sender_id"`
		Status    string  `db:"status"`
		Request   *string `db:"request_id"`
	}
	require.NoError(t, sqlx.SelectContext(b.ctx, b.s.Handle(), &rows, `SELECT recipient_id, sender_id, status, request_id FROM reminders
		WHERE kind = 'mentioned' AND payload = $1`, eventID))
	out := map[string]string{}
	for _, r := range rows {
		require.Equal(t, "pending", r.Status)
		require.Nil(t, r.Request, "a mention's email has no request: each note gets its own")
		out[r.Recipient] = *r.Sender
	}
	return out
}

// A note that mentions people lists them in its data, in the order given
// and once each, and owes each an email of it: not its writer, and not
// someone who chose not to get such emails. Each note is its own email,
// however many a day; MentionEmail reads it back with who wrote it and
// the others it mentions.
func TestStore_AddNoteMentions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	maria, _ := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	jose, joseCtx := staffOf(t, b.s, b.fx, "jose@ndlon.example")
	lea, leaCtx := staffOf(t, b.s, b.fx, "lea@ndlon.example")
	require.NoError(t, b.s.SetPreferences(leaCtx, sunshine.Preferences{Digest: true, DigestHour: 7,
		Kinds: []string{sunshine.ReminderOverdue}}))
	admin := b.fx.Admin.ID

	e, err := b.s.AddNote(b.ctx, r.ID, "Maria, José: can one of you call them?", jose.ID, strings.ToUpper(maria.ID), jose.ID, admin, lea.ID)
	require.NoError(t, err)
	var data struct {
		MentionIDs []string `json:"mention_ids"`
	}
	require.NoError(t, json.Unmarshal(e.Data, &data))
	require.Equal(t, []string{jose.ID, maria.ID, admin, lea.ID}, data.MentionIDs, "in order, once each, as the database writes IDs")
	require.Equal(t, map[string]string{jose.ID: admin, maria.ID: admin}, mentionEmails(t, b, e.ID),
		"the writer is not emailed, nor Lea, who chose other emails")

	m, err := b.s.MentionEmail(b.ctx, reminderOf(t, b, e.ID, maria.ID))
	require.NoError(t, err)
	require.Equal(t, e.ID, m.Event.ID)
	require.Equal(t, e.Note, m.Event.Note)
	require.Equal(t, r.ID, m.Event.RequestID)
	require.Equal(t, b.fx.Admin.Name, m.Writer)
	require.Equal(t, b.fx.Admin.Email, m.WriterEmail)
	require.Equal(t, []string{jose.Name, b.fx.Admin.Name, lea.Name}, m.Others, "the others, in order, not the recipient")

	// A second note the same day is a second email; José mentioning
	// himself is not emailed.
	e2, err := b.s.AddNote(joseCtx, r.ID, "Called. Maria, they want the date range.", maria.ID, jose.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]string{maria.ID: jose.ID}, mentionEmails(t, b, e2.ID))
	require.Len(t, mentionEmails(t, b, e.ID), 2, "the first note's emails are still owed")

	// A note without mentions has {} as its data and owes nobody.
	e3, err := b.s.AddNote(b.ctx, r.ID, "No one told.")
	require.NoError(t, err)
	require.JSONEq(t, `{}`, string(e3.Data))
	require.Empty(t, mentionEmails(t, b, e3.ID))
}

// reminderOf is the ID of the 'mentioned' reminder of note eventID to userID.
func reminderOf(t *testing.T, b testBundle, eventID, userID string) string {
	t.Helper()
	var id string
	require.NoError(t, sqlx.GetContext(b.ctx, b.s.Handle(), &id, `SELECT id FROM reminders WHERE kind = 'mentioned' AND payload = $1 AND recipient_id = $2`,
		eventID, userID))
	return id
}

// A mention of someone who is not an active person of the organization
// (deactivated, another organization's, not an ID), or of too many, names
// the field mention_ids and writes nothing: no note, no email.
func TestStore_AddNoteMentionsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sheriff", "us-ca"), "ICE", "2017-03-27")
	gone, _ := staffOf(t, b.s, b.fx, "gone@ndlon.example")
	_, err := b.s.SetUserActive(b.ctx, gone.ID, false)
	require.NoError(t, err)
	maria, _ := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	other := storetest.Org(t, b.s, "other")
	many := make([]string, sunshine.MaxMentions+1)
	for i := range many {
		many[i] = fmt.Sprintf("7a0c3b51-3c1e-4bbf-9a55-%012d", i)
	}
	for _, tc := range []struct {
		name     string
		mentions []string
	}{
		{"ErrDeactivated", []string{maria.ID, gone.ID}},
		{"ErrOtherOrganization", []string{other.Admin.ID}},
		{"ErrNobody", []string{"7a0c3b51-3c1e-4bbf-9a55-1f7b5a0c2d11"}},
		{"ErrNotAnID", []string{"maria"}},
		{"ErrTooMany", many},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.AddNote(b.ctx, r.ID, "Can you call them?", tc.mentions...)
			requireField(t, err, sunshine.EInvalid, "mention_ids")
		})
	}
	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	for _, e := range es {
		require.NotEqual(t, sunshine.EventNoteAdded, e.Kind, "nothing written")
	}
	var n int
	require.NoError(t, sqlx.GetContext(b.ctx, b.s.Handle(), &n, `SELECT count(*) FROM reminders WHERE kind = 'mentioned'`))
	require.Zero(t, n)
}
