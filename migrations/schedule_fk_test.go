package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func migrateTo(t *testing.T, db *sql.DB, v uint) {
	t.Helper()
	require.NoError(t, migrations.MigrateTo(context.Background(), db, v))
}

// databaseAt opens a new, empty database migrated to version v.
func databaseAt(t *testing.T, v uint) *sqlx.DB {
	t.Helper()
	db := sqlx.MustOpen("postgres", storetest.EmptyURL(t))
	t.Cleanup(func() { db.Close() })
	migrateTo(t, db.DB, v)
	return db
}

// draftRequest inserts an organization with an agency and a draft request.
func draftRequest(t *testing.T, db *sqlx.DB) (org, request string) {
	t.Helper()
	var agency string
	require.NoError(t, db.Get(&org, `INSERT INTO organizations (name, slug) VALUES ('ndlon', 'ndlon') RETURNING id`))
	require.NoError(t, db.Get(&agency, `INSERT INTO agencies (org_id, name, jurisdiction, time_zone)
		VALUES ($1, 'Sheriff', 'us-ca', 'America/Los_Angeles') RETURNING id`, org))
	require.NoError(t, db.Get(&request, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction)
		VALUES ($1, $2, 'ICE', 'email', 'draft', 'us-ca') RETURNING id`, org, agency))
	return org, request
}

// 0008 points a reminder's foreign key at its request's reminder schedule.
// A reminder planned before its request had a schedule row keeps its
// request (the migration gives the request an empty row), the key still
// refuses another organization's request, and the migration goes down and
// up again.
func TestMigration8_RemindersReferenceTheSchedule(t *testing.T) {
	t.Parallel()
	url := storetest.EmptyURL(t)
	setup := sqlx.MustOpen("postgres", url)
	defer setup.Close()
	migrateTo(t, setup.DB, 7)

	db := sqlx.MustOpen("postgres", url)
	defer db.Close()
	var orgs, users, requests [2]string
	for i, slug := range []string{"ndlon", "other"} {
		require.NoError(t, db.Get(&orgs[i], `INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id`, slug))
		require.NoError(t, db.Get(&users[i], `INSERT INTO users (org_id, email, name, role) VALUES ($1, $2, 'Admin', 'admin') RETURNING id`,
			orgs[i], "admin@"+slug+".example"))
		var agency string
		require.NoError(t, db.Get(&agency, `INSERT INTO agencies (org_id, name, jurisdiction, time_zone)
			VALUES ($1, 'Sheriff', 'us-ca', 'America/Los_Angeles') RETURNING id`, orgs[i]))
		require.NoError(t, db.Get(&requests[i], `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, received_on, due_on)
			VALUES ($1, $2, 'ICE', 'email', 'submitted', 'us-ca', '2017-03-27', '2017-04-06') RETURNING id`, orgs[i], agency))
	}
	// A reminder whose request has no schedule row, as before 0006's rows.
	remind := `INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence) VALUES ($1, $2, $3, 'overdue', '2017-04-06', '2017-04-07')`
	_, err := db.Exec(remind, orgs[0], requests[0], users[0])
	require.NoError(t, err)

	migrateTo(t, setup.DB, 8)
	var scheduled bool
	require.NoError(t, db.Get(&scheduled, `SELECT EXISTS (SELECT 1 FROM reminder_schedule WHERE org_id = $1 AND request_id = $2 AND next_remind_on IS NULL)`,
		orgs[0], requests[0]))
	require.True(t, scheduled, "the reminder's request got an empty schedule row")
	var target string
	require.NoError(t, db.Get(&target, `SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = 'reminders_org_id_request_id_fkey'`))
	require.Equal(t, "reminder_schedule", target)

	for name, args := range map[string][]any{
		"another organization's request": {orgs[1], requests[0], users[1]},
		"a request without a schedule":   {orgs[1], requests[1], users[1]},
	} {
		_, err := db.Exec(remind, args...)
		var pqErr *pq.Error
		require.ErrorAs(t, err, &pqErr, name)
		require.EqualValues(t, "23503", pqErr.Code, name)
	}

	migrateTo(t, setup.DB, 7)
	require.NoError(t, db.Get(&target, `SELECT confrelid::regclass::text FROM pg_constraint WHERE conname = 'reminders_org_id_request_id_fkey'`))
	require.Equal(t, "requests", target, "down")
	migrateTo(t, setup.DB, 8)
}
