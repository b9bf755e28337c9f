package migrations_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// 0041 makes external IDs unique whatever their letter case. Requests that
// already share an ID apart from its case lose nothing: the first filed
// keeps it, each later one gets it with " (2)", " (3)", … (past any such
// ID taken already, and cut to 200 characters), a new version and an
// event saying what it was and which request has it. Another
// organization's IDs are its own; the migration goes down and up again.
func TestMigration41_ExternalIDAnyCase(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 40)
	ndlon, _ := draftRequest(t, db)
	var other string
	require.NoError(t, db.Get(&other, `INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id`))
	db.MustExec(`INSERT INTO agencies (org_id, name, jurisdiction, time_zone) VALUES ($1, 'Police', 'us-ca', 'America/Los_Angeles')`, other)
	filed := time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC)
	add := func(org, title, ext string) (id string, err error) {
		filed = filed.Add(time.Hour) // filed in the order added
		err = db.Get(&id, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, external_id, created_at)
			SELECT $1, a.id, $2, 'email', 'draft', 'us-ca', $3, $4 FROM agencies a WHERE a.org_id = $1 LIMIT 1 RETURNING id`, org, title, ext, filed)
		return id, err
	}
	mustAdd := func(org, title, ext string) string {
		id, err := add(org, title, ext)
		require.NoError(t, err)
		return id
	}
	long := strings.Repeat("x", 200)
	first := mustAdd(ndlon, "Jail contracts", "ABC-12")
	twin := mustAdd(ndlon, "Jail contracts, again", "abc-12")
	mustAdd(ndlon, "Taken already", "abc-12 (2)")
	third := mustAdd(ndlon, "Jail contracts, a third time", "Abc-12")
	mustAdd(ndlon, "Long", long)
	longTwin := mustAdd(ndlon, "Long, again", strings.ToUpper(long))
	theirs := mustAdd(other, "Theirs", "abc-12")

	migrateTo(t, db.DB, 41)
	for id, want := range map[string]string{first: "ABC-12", twin: "abc-12 (3)", third: "Abc-12 (4)",
		longTwin: strings.Repeat("X", 196) + " (2)", theirs: "abc-12"} {
		var got string
		require.NoError(t, db.Get(&got, `SELECT external_id FROM requests WHERE id = $1`, id))
		require.Equal(t, want, got)
	}
	var ev struct {
		Note    string `db:"note"`
		Data    string `db:"data"`
		Version int    `db:"version"`
	}
	require.NoError(t, db.Get(&ev, `SELECT e.note, e.data::text, r.version FROM request_events e JOIN requests r ON r.id = e.request_id
		WHERE e.request_id = $1 AND e.kind = 'updated'`, twin))
	require.JSONEq(t, `{"external_id": "abc-12 (3)", "previous_external_id": "abc-12"}`, ev.Data)
	require.Equal(t, "External IDs now ignore letter case, and the request “Jail contracts” has this one's ID as ABC-12: "+
		"if they are the same request, filed twice, withdraw one; if not, give this one the ID it should have.", ev.Note)
	require.Equal(t, 2, ev.Version, "a new version")
	var events int
	require.NoError(t, db.Get(&events, `SELECT count(*) FROM request_events WHERE request_id IN ($1, $2) AND kind = 'updated'`, first, theirs))
	require.Zero(t, events, "the first and another organization's are as they were")

	unique := func(t *testing.T, err error) {
		t.Helper()
		var pqErr *pq.Error
		require.ErrorAs(t, err, &pqErr)
		require.EqualValues(t, "23505", pqErr.Code)
		require.Equal(t, "requests_org_external_id_key", pqErr.Constraint)
	}
	_, err := add(ndlon, "Once more", "aBc-12")
	unique(t, err)
	mustAdd(other, "Theirs, another", "ABC-12 (3)") // ours, in another organization

	migrateTo(t, db.DB, 40)
	mustAdd(ndlon, "Compared exactly again", "aBc-12")
	_, err = add(ndlon, "The same exactly", "aBc-12")
	unique(t, err)
	migrateTo(t, db.DB, 41)
	var renamed string
	require.NoError(t, db.Get(&renamed, `SELECT external_id FROM requests WHERE title = 'Compared exactly again'`))
	require.Equal(t, "aBc-12 (5)", renamed, "up again")
}
