package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sunshine-records/sunshine/store"
)

func TestConnString(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"url gets both settings", "postgres://u@db:5432/sunshine?sslmode=disable",
			"postgres://u@db:5432/sunshine?binary_parameters=yes&sslmode=disable&timezone=UTC"},
		{"url keeps its own choices", "postgresql://db/s?timezone=Europe%2FParis&binary_parameters=no",
			"postgresql://db/s?binary_parameters=no&timezone=Europe%2FParis"},
		{"key=value gets both settings", "host=db dbname=sunshine", "host=db dbname=sunshine timezone=UTC binary_parameters=yes"},
		{"key=value keeps its own choices", "host=db timezone=UTC binary_parameters=no", "host=db timezone=UTC binary_parameters=no"},
		{"unparseable url left to lib/pq", "postgres://%zz", "postgres://%zz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, store.ConnString(tc.in))
		})
	}
}
