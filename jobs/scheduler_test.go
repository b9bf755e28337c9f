package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// The scheduler prunes expired sessions on its schedule, and a bad
// schedule is refused with the job's name.
func TestScheduler_PrunesExpiredSessions(t *testing.T) {
	t.Parallel()
	db := storetest.DB(t)
	st := store.New(db, sunshine.SystemClock{})
	fx := storetest.Org(t, st, "ndlon")
	insert := func(expires time.Time) {
		t.Helper()
		db.MustExec(`INSERT INTO sessions (id_sha256, org_id, user_id, expires_at) VALUES (sha256(random()::text::bytea), $1, $2, $3)`,
			fx.Org.ID, fx.Admin.ID, expires)
	}
	insert(time.Now().Add(-time.Minute))
	insert(time.Now().Add(time.Hour))
	r := jobs.NewReminders(st, nil, sunshine.SystemClock{}, slog.New(slog.DiscardHandler), jobs.Config{})
	never := "0 0 1 1 *" // planning and delivery: not in this test
	_, err := jobs.NewScheduler(r, nil, st, db, jobs.Schedule{Plan: never, Deliver: never, Prune: "every hour"}, slog.New(slog.DiscardHandler))
	require.ErrorContains(t, err, `jobs: prune schedule "every hour"`)

	s, err := jobs.NewScheduler(r, nil, st, db, jobs.Schedule{Plan: never, Deliver: never, Prune: "@every 1s"}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	s.Start()
	t.Cleanup(func() { s.Stop(context.Background()) })
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, db.Get(&n, `SELECT count(*) FROM sessions WHERE expires_at <= now()`))
		return n == 0
	}, 10*time.Second, 100*time.Millisecond, "the expired session is pruned")
	var live int
	require.NoError(t, db.Get(&live, `SELECT count(*) FROM sessions`))
	require.Equal(t, 1, live, "the live one stays")
}
