package migrations_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
)

// 0028 gives every request a reminder schedule row. A request filed before
// 0006 without reminder dates (a draft, a submitted one whose dates were
// never written) had none, and since 0008 routes a reminder's key through
// the schedule, assigning it failed. After 0028 it can be assigned, the
// assignee's email is queued, and the migration goes down and up again.
func TestMigration28_ScheduleEveryRequest(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 5)
	org, draft := draftRequest(t, db)
	var submitted, admin, staff string
	require.NoError(t, db.Get(&submitted, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, received_on, due_on)
		SELECT org_id, agency_id, 'Detainers', 'email', 'submitted', 'us-ca', '2017-03-27', '2017-04-06' FROM requests WHERE id = $1
		RETURNING id`, draft))
	require.NoError(t, db.Get(&admin, `INSERT INTO users (org_id, email, name, role) VALUES ($1, 'admin@ndlon.example', 'Admin', 'admin') RETURNING id`, org))
	require.NoError(t, db.Get(&staff, `INSERT INTO users (org_id, email, name, role) VALUES ($1, 'ana@ndlon.example', 'Ana Reyes', 'staff') RETURNING id`, org))

	schedules := func() int {
		var n int
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM reminder_schedule
			WHERE request_id IN ($1, $2) AND next_remind_on IS NULL AND cardinality(soon_dates) = 0`, draft, submitted))
		return n
	}
	migrateTo(t, db.DB, 27)
	require.Zero(t, schedules(), "before 0028: no row, so an assignment email had nothing to refer to")

	migrateTo(t, db.DB, 28)
	require.Equal(t, 2, schedules(), "an empty row each")
	// The store needs the latest schema.
	latest, err := migrations.Latest()
	require.NoError(t, err)
	migrateTo(t, db.DB, latest)
	s := store.New(db, sunshine.NewFixedClock(time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)))
	ctx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: org, UserID: admin, Role: sunshine.RoleAdmin})
	assign := func(request string) error {
		_, err := s.UpdateRequest(ctx, request, sunshine.RequestUpdate{AssigneeID: &staff})
		return err
	}
	for _, request := range []string{submitted, draft} {
		require.NoError(t, assign(request))
		var emails int
		require.NoError(t, db.Get(&emails, `SELECT count(*) FROM reminders
			WHERE request_id = $1 AND recipient_id = $2 AND kind = 'assigned' AND status = 'pending'`, request, staff))
		require.Equal(t, 1, emails, "the assignee's email is queued")
	}

	migrateTo(t, db.DB, 27)
	require.Equal(t, 2, schedules(), "down keeps the rows the emails refer to")
	migrateTo(t, db.DB, 28)
}
