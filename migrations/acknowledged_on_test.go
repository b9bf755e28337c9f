package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0029 gives a request already acknowledged the day of its first
// acknowledgment, from its timeline, and goes down and up again.
func TestMigration29_AcknowledgedOn(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 28)
	org, request := draftRequest(t, db)
	db.MustExec(`UPDATE requests SET status = 'rolling_production', jurisdiction = 'us-ny', received_on = '2025-03-03', due_on = '2025-03-10' WHERE id = $1`, request)
	for _, e := range []struct{ to, on string }{{"submitted", "2025-03-03"}, {"acknowledged", "2025-03-12"}, {"rolling_production", "2025-03-20"}} {
		db.MustExec(`INSERT INTO request_events (org_id, request_id, kind, effective_on, data)
			VALUES ($1, $2, 'status_changed', $3, jsonb_build_object('to', $4::text))`, org, request, e.on, e.to)
	}
	var draft string
	require.NoError(t, db.Get(&draft, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction)
		SELECT org_id, agency_id, 'Draft', 'email', 'draft', 'us-ny' FROM requests WHERE id = $1 RETURNING id`, request))

	migrateTo(t, db.DB, 29)
	var on, none *string
	require.NoError(t, db.Get(&on, `SELECT acknowledged_on::text FROM requests WHERE id = $1`, request))
	require.NotNil(t, on)
	require.Equal(t, "2025-03-12", *on, "the first acknowledgment")
	require.NoError(t, db.Get(&none, `SELECT acknowledged_on::text FROM requests WHERE id = $1`, draft))
	require.Nil(t, none)
	migrateTo(t, db.DB, 28)
	migrateTo(t, db.DB, 29)
}
