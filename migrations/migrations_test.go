package migrations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Replicas that start at once all migrate; the advisory lock makes exactly
// one of them apply the files and the others find nothing to do.
func TestUp_ConcurrentReplicas(t *testing.T) {
	t.Parallel()
	url := storetest.EmptyURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sqlx.Open("postgres", url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = migrations.Up(ctx, db.DB)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	db := sqlx.MustOpen("postgres", url)
	defer db.Close()
	v, current, err := migrations.Status(ctx, db.DB)
	require.NoError(t, err)
	latest, err := migrations.Latest()
	require.NoError(t, err)
	require.True(t, current)
	require.Equal(t, latest, v)
	var tables int
	require.NoError(t, db.Get(&tables, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('organizations','users','api_tokens','agencies','requests','request_pauses','watchers','request_events')`))
	require.Equal(t, 8, tables)
}

func TestStatus_EmptyDatabaseIsPending(t *testing.T) {
	t.Parallel()
	db := sqlx.MustOpen("postgres", storetest.EmptyURL(t))
	defer db.Close()
	v, current, err := migrations.Status(context.Background(), db.DB)
	require.NoError(t, err)
	require.Zero(t, v)
	require.False(t, current)
}
