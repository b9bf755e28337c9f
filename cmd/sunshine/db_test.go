package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestOperatorCommands runs migrate, org create, token create and seed
// against a real database, in order (they share the process environment).
func TestOperatorCommands(t *testing.T) {
	url := storetest.EmptyURL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url}
	prev := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = prev })

	// Before migrating, operator commands refuse to run.
	code, _, errOut := runCLI("seed", "--demo")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "pending migrations")

	code, out, errOut := runCLI("migrate")
	require.Equal(t, 0, code, errOut)
	latest, err := migrations.Latest()
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf("database at migration %d\n", latest), out)
	code, _, errOut = runCLI("migrate") // again: nothing to do, no error
	require.Equal(t, 0, code, errOut)

	code, out, errOut = runCLI("org", "create", "--name", "National Day Laborer Organizing Network", "--slug", "ndlon", "--admin-email", "staff@ndlon.example", "--json")
	require.Equal(t, 0, code, errOut)
	var org orgJSON
	require.NoError(t, json.Unmarshal([]byte(out), &org))
	require.NotEmpty(t, org.OrgID)
	require.NotEmpty(t, org.UserID)
	require.True(t, strings.HasPrefix(org.Token, "sun_"))

	code, _, errOut = runCLI("org", "create", "--name", "Again", "--slug", "ndlon", "--admin-email", "other@ndlon.example")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "already exists")
	code, _, errOut = runCLI("org", "create", "--name", "", "--slug", "Bad Slug", "--admin-email", "nope")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "slug")
	require.Equal(t, 1, strings.Count(errOut, "\n"))

	code, out, errOut = runCLI("token", "create", "--org", "ndlon", "--email", "STAFF@ndlon.example", "--json")
	require.Equal(t, 0, code, errOut)
	var tok tokenJSON
	require.NoError(t, json.Unmarshal([]byte(out), &tok))
	require.Equal(t, org.UserID, tok.UserID)
	require.NotEqual(t, org.Token, tok.Token)
	code, _, errOut = runCLI("token", "create", "--org", "ndlon", "--email", "nobody@ndlon.example")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "not found")

	// The demo: created once; re-running changes nothing and prints the same token.
	code, out, errOut = runCLI("seed", "--demo", "--json")
	require.Equal(t, 0, code, errOut)
	var first seedJSON
	require.NoError(t, json.Unmarshal([]byte(out), &first))
	db := storetest.DBFromURL(t, url)
	counts := func() (n [3]int) {
		require.NoError(t, db.Get(&n[0], `SELECT count(*) FROM requests`))
		require.NoError(t, db.Get(&n[1], `SELECT count(*) FROM agencies`))
		require.NoError(t, db.Get(&n[2], `SELECT count(*) FROM request_events`))
		return n
	}
	before := counts()
	code, out, _ = runCLI("seed", "--demo", "--json")
	require.Equal(t, 0, code)
	var second seedJSON
	require.NoError(t, json.Unmarshal([]byte(out), &second))
	require.Equal(t, first, second)
	require.Equal(t, before, counts())

	var due string
	require.NoError(t, db.Get(&due, `SELECT r.due_on::text FROM requests r JOIN agencies a ON a.id = r.agency_id
		WHERE a.name = 'Sacramento County Sheriff''s Department' AND r.received_on = '2017-03-27'`))
	require.Equal(t, "2017-04-06", due)
}

func TestConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	cfg, err := loadConfig(get)
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.Addr)
	require.Equal(t, int64(1<<20), cfg.BodyLimit)
	require.True(t, cfg.Migrate)

	env = map[string]string{
		"SUNSHINE_DATABASE_URL": "mysql://x", "SUNSHINE_BODY_LIMIT": "ten", "SUNSHINE_LOG_FORMAT": "xml",
		"SUNSHINE_MIGRATE": "maybe", "SUNSHINE_BASE_URL": "ftp://x", "SUNSHINE_SMTP_URL": "http://mail",
	}
	_, err = loadConfig(get)
	require.Error(t, err)
	for _, name := range []string{"SUNSHINE_DATABASE_URL", "SUNSHINE_BODY_LIMIT", "SUNSHINE_LOG_FORMAT", "SUNSHINE_MIGRATE", "SUNSHINE_BASE_URL", "SUNSHINE_SMTP_URL"} {
		require.Contains(t, err.Error(), name)
	}
}
