package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// The pool keeps every connection it opened for the next statements
// instead of closing all but two (database/sql's default), and opens no
// more than asked.
func TestOpen_KeepsConnections(t *testing.T) {
	t.Parallel()
	db, err := store.Open(storetest.URL(t), 6)
	require.NoError(t, err)
	defer db.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := db.ExecContext(context.Background(), "SELECT pg_sleep(0.1)")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	st := db.Stats()
	require.Equal(t, 6, st.MaxOpenConnections)
	require.Equal(t, 6, st.OpenConnections, "all kept")
	require.Equal(t, 6, st.Idle)
	var tz, jit string
	require.NoError(t, db.Get(&tz, "SHOW timezone"))
	require.Equal(t, "UTC", tz, "through ConnString")
	require.NoError(t, db.Get(&jit, "SHOW jit"))
	require.Equal(t, "off", jit, "through ConnString")
}

func TestConnString(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"url gets the settings", "postgres://u@db:5432/sunshine?sslmode=disable",
			"postgres://u@db:5432/sunshine?binary_parameters=yes&jit=off&sslmode=disable&timezone=UTC"},
		{"url keeps its own choices", "postgresql://db/s?timezone=Europe%2FParis&binary_parameters=no&jit=on",
			"postgresql://db/s?binary_parameters=no&jit=on&timezone=Europe%2FParis"},
		{"key=value gets the settings", "host=db dbname=sunshine", "host=db dbname=sunshine timezone=UTC binary_parameters=yes jit=off"},
		{"key=value keeps its own choices", "host=db timezone=UTC binary_parameters=no jit=on", "host=db timezone=UTC binary_parameters=no jit=on"},
		{"unparseable url left to lib/pq", "postgres://%zz", "postgres://%zz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, store.ConnString(tc.in))
		})
	}
}
