package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0033 finds a communication by who sent it and to whom, for the
// communications already there, ranks a match in the subject or body above
// one in the parties, and goes down and up again.
func TestMigration33_CommunicationPartyWords(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 32)
	org, request := draftRequest(t, db)
	comm := func(from, to, subject, body string) string {
		t.Helper()
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO communications (org_id, request_id, direction, channel, kind, occurred_on, from_party, to_party, subject, body)
			VALUES ($1, $2, 'in', 'email', 'other', '2017-04-01', $3, $4, $5, $6) RETURNING id`, org, request, from, to, subject, body))
		return id
	}
	fromCBP := comm("Pat Quinlan <pat.quinlan@cbp.dhs.gov>", "records@ndlon.example", "Your request", "Records attached.")
	aboutQuinlan := comm("records@sheriff.example", "", "Quinlan memo", "The memo is attached.")
	found := func(q string) []string {
		t.Helper()
		var ids []string
		require.NoError(t, db.Select(&ids, `SELECT id FROM communications WHERE search @@ websearch_to_tsquery('english_unaccent', $1)
			ORDER BY ts_rank(search, websearch_to_tsquery('english_unaccent', $1)) DESC, subject`, q))
		return ids
	}
	require.Equal(t, []string{aboutQuinlan}, found("Quinlan"), "before: the parties are not searched")

	migrateTo(t, db.DB, 33)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"Quinlan", []string{aboutQuinlan, fromCBP}}, // the subject's first
		{"pat.quinlan@cbp.dhs.gov", []string{fromCBP}},
		{"cbp.dhs.gov", []string{fromCBP}},
		{"sheriff", []string{aboutQuinlan}},
		{"ndlon", []string{fromCBP}},
	} {
		require.Equal(t, tc.want, found(tc.q), tc.q)
	}
	migrateTo(t, db.DB, 32)
	require.Empty(t, found("cbp.dhs.gov"))
	migrateTo(t, db.DB, 33)
	require.Equal(t, []string{fromCBP}, found("cbp.dhs.gov"))
}
