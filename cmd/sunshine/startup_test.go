package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// TestServe_BadSettingsStopBeforeTheDatabase: an outbox folder serve cannot
// create, or an address already taken, stops serve before it migrates (or
// seeds) anything, naming the variable to fix.
func TestServe_BadSettingsStopBeforeTheDatabase(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	notADir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notADir, []byte("x"), 0o600))

	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"outbox cannot be created", map[string]string{"SUNSHINE_OUTBOX_DIR": filepath.Join(notADir, "outbox"), "SUNSHINE_ADDR": "127.0.0.1:0"},
			"SUNSHINE_OUTBOX_DIR: mail: create outbox: "},
		{"address taken", map[string]string{"SUNSHINE_OUTBOX_DIR": t.TempDir(), "SUNSHINE_ADDR": taken.Addr().String()},
			"SUNSHINE_ADDR: listen tcp " + taken.Addr().String() + ": bind: address already in use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := storetest.EmptyURL(t)
			env := map[string]string{"SUNSHINE_DATABASE_URL": url, "SUNSHINE_SEED_DEMO": "true", "GOGC": "100"}
			for k, v := range tc.env {
				env[k] = v
			}
			prev := getenv
			getenv = func(k string) string { return env[k] }
			t.Cleanup(func() { getenv = prev })

			code, _, errOut := runCLI("serve")
			require.Equal(t, 1, code, errOut)
			require.Contains(t, errOut, tc.want)
			db := storetest.DBFromURL(t, url)
			var tables int
			require.NoError(t, db.Get(&tables, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`))
			require.Zero(t, tables, "nothing migrated")
		})
	}
}

func TestHealthURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/healthz",
		":9090":          "http://127.0.0.1:9090/healthz",
		"0.0.0.0:9090":   "http://127.0.0.1:9090/healthz",
		"[::]:9090":      "http://127.0.0.1:9090/healthz",
		"127.0.0.1:7000": "http://127.0.0.1:7000/healthz",
		"[::1]:7000":     "http://[::1]:7000/healthz",
		"10.0.0.5:7000":  "http://10.0.0.5:7000/healthz",
	} {
		require.Equal(t, want, healthURL(addr), addr)
	}
}

// TestClosePublicDemo: on a server users reach at a public address, the
// demo's public token and password stop working, its sessions end, and its
// data stays; a password the operator changed is kept.
func TestClosePublicDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(t *testing.T) *store.Store {
		s := store.New(storetest.DB(t), sunshine.SystemClock{})
		_, created, err := seedDemo(ctx, s)
		require.NoError(t, err)
		require.True(t, created)
		return s
	}
	requests := func(t *testing.T, s *store.Store) int {
		var n int
		require.NoError(t, s.DB().Get(&n, `SELECT count(*) FROM requests r JOIN organizations o ON o.id = r.org_id WHERE o.slug = $1`, demoSlug))
		return n
	}

	t.Run("public password", func(t *testing.T) {
		s := open(t)
		before := requests(t, s)
		_, _, _, err := s.Login(ctx, demoEmail, demoPassword)
		require.NoError(t, err)
		session, _, _, err := s.Login(ctx, demoEmail, demoPassword)
		require.NoError(t, err)
		_, err = s.Authenticate(ctx, demoToken)
		require.NoError(t, err)

		closed, err := closePublicDemo(ctx, s)
		require.NoError(t, err)
		require.True(t, closed)
		_, err = s.Authenticate(ctx, demoToken)
		require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the public token: %v", err)
		_, _, _, err = s.Login(ctx, demoEmail, demoPassword)
		require.Error(t, err, "the public password")
		_, err = s.Session(ctx, session)
		require.Error(t, err, "a session signed in with it")
		require.Equal(t, before, requests(t, s), "the demo's data stays")
		require.NotZero(t, before)

		closed, err = closePublicDemo(ctx, s)
		require.NoError(t, err)
		require.False(t, closed, "nothing left to turn off")
	})
	t.Run("password changed by the operator", func(t *testing.T) {
		s := open(t)
		var userID string
		require.NoError(t, s.DB().Get(&userID, `SELECT u.id FROM users u JOIN organizations o ON o.id = u.org_id WHERE o.slug = $1 AND u.email = $2`, demoSlug, demoEmail))
		require.NoError(t, s.SetPassword(ctx, userID, "correct horse battery staple"))
		closed, err := closePublicDemo(ctx, s)
		require.NoError(t, err)
		require.True(t, closed, "the token")
		_, _, _, err = s.Login(ctx, demoEmail, "correct horse battery staple")
		require.NoError(t, err, "the operator's password stays")
	})
	t.Run("no demo", func(t *testing.T) {
		closed, err := closePublicDemo(ctx, store.New(storetest.DB(t), sunshine.SystemClock{}))
		require.NoError(t, err)
		require.False(t, closed)
	})
}

// TestSeedDemo_RefusedOnAPublicAddress: `seed --demo` (which `make run`
// runs) refuses where SUNSHINE_BASE_URL is a public address.
func TestSeedDemo_RefusedOnAPublicAddress(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url, "SUNSHINE_BASE_URL": "https://records.ndlon.example"}
	prev := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = prev })

	code, _, errOut := runCLI("seed", "--demo")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "seed the demo only on a localhost SUNSHINE_BASE_URL")
	var orgs int
	require.NoError(t, storetest.DBFromURL(t, url).Get(&orgs, `SELECT count(*) FROM organizations`))
	require.Zero(t, orgs)
}

// TestReadiness_LogsWhy: /readyz answers what is wrong; the log says why,
// once while it lasts, and when it is over.
func TestReadiness_LogsWhy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.DBFromURL(t, storetest.EmptyURL(t))
	var logs bytes.Buffer
	ready := readiness(db, slog.New(slog.NewTextHandler(&logs, nil)))

	for range 3 {
		require.EqualError(t, ready(ctx), "database migrations are pending")
	}
	require.Equal(t, 1, strings.Count(logs.String(), "not ready: database migrations are pending"), logs.String())
	require.Contains(t, logs.String(), "run `sunshine migrate`")

	require.NoError(t, migrations.Up(ctx, db.DB))
	require.NoError(t, ready(ctx))
	require.NoError(t, ready(ctx))
	require.Equal(t, 1, strings.Count(logs.String(), "ready again"), logs.String())
}

// TestMigrate_ToAndAhead: `migrate --to` goes back a migration; a database
// a newer release migrated is named as such by migrate, the operator
// commands, serve and /readyz, instead of "pending" or golang-migrate's
// missing file.
func TestMigrate_ToAndAhead(t *testing.T) {
	url := storetest.EmptyURL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url, "SUNSHINE_ADDR": "127.0.0.1:0", "SUNSHINE_OUTBOX_DIR": t.TempDir(), "GOGC": "100"}
	prev := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = prev })
	latest, err := migrations.Latest()
	require.NoError(t, err)
	db := storetest.DBFromURL(t, url)
	version := func() uint {
		var v uint
		require.NoError(t, db.Get(&v, `SELECT version FROM schema_migrations`))
		return v
	}

	code, _, errOut := runCLI("migrate")
	require.Equal(t, 0, code, errOut)
	// The migration before the latest: numbers may skip one reserved for a
	// change not merged yet.
	var before uint
	files, err := fs.Glob(migrations.FS, "*.up.sql")
	require.NoError(t, err)
	for _, f := range files {
		var v uint
		_, err := fmt.Sscanf(f, "%d_", &v)
		require.NoError(t, err, f)
		if v < latest {
			before = max(before, v)
		}
	}
	code, out, errOut := runCLI("migrate", "--to", fmt.Sprint(before))
	require.Equal(t, 0, code, errOut)
	require.Equal(t, fmt.Sprintf("database at migration %d (this release's latest is %d)\n", before, latest), out)
	require.Equal(t, before, version())
	for _, bad := range []string{"0", fmt.Sprint(latest + 1)} {
		code, _, errOut = runCLI("migrate", "--to", bad)
		require.Equal(t, exitUsage, code, bad)
		require.Contains(t, errOut, "is not a migration of this release", bad)
	}
	code, _, errOut = runCLI("migrate")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, latest, version())

	// As if a newer release had migrated it.
	_, err = db.Exec(`UPDATE schema_migrations SET version = $1`, latest+1)
	require.NoError(t, err)
	want := fmt.Sprintf("the database is at migration %d, newer than this release's %d: a newer Sunshine migrated it", latest+1, latest)
	for _, args := range [][]string{{"migrate"}, {"seed", "--demo"}, {"serve"}} {
		code, _, errOut = runCLI(args...)
		require.Equal(t, 1, code, "%v: %s", args, errOut)
		require.Contains(t, errOut, want, args)
	}
	require.Equal(t, latest+1, version(), "nothing changed")
	var logs bytes.Buffer
	err = readiness(db, slog.New(slog.NewTextHandler(&logs, nil)))(context.Background())
	require.EqualError(t, err, "the database was migrated by a newer release: restart this server with it")
	require.Contains(t, logs.String(), want)
}

// The demo shows what a team's requests look like in use: one waiting on
// us carries an internal note about the call behind it.
func TestSeedDemo_InternalNote(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.SystemClock{})
	_, created, err := seedDemo(context.Background(), s)
	require.NoError(t, err)
	require.True(t, created)
	var notes []struct {
		Title  string `db:"title"`
		Status string `db:"status"`
		Note   string `db:"note"`
	}
	require.NoError(t, s.DB().Select(&notes, `SELECT r.title, r.status, e.note FROM request_events e JOIN requests r ON r.id = e.request_id
		WHERE e.kind = 'note_added'`))
	require.Len(t, notes, 1)
	require.Equal(t, "Gang database entries shared with ICE", notes[0].Title)
	require.Equal(t, "awaiting_requester", notes[0].Status)
	require.Contains(t, notes[0].Note, "Called the FOIA officer")
}

// The demo's request waiting on us has the to-do the call left: the
// coordinator's (the demo sign-in's), for tomorrow, on their dashboard and
// in their email.
func TestSeedDemo_Todo(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.SystemClock{})
	_, created, err := seedDemo(context.Background(), s)
	require.NoError(t, err)
	require.True(t, created)
	var todos []struct {
		Title, Text, Email string
		Tomorrow           bool
	}
	require.NoError(t, s.DB().Select(&todos, `SELECT r.title, t.text, u.email,
			t.due_on BETWEEN (now() AT TIME ZONE 'UTC')::date AND (now() AT TIME ZONE 'UTC')::date + 2 AS tomorrow
		FROM todos t JOIN requests r ON r.id = t.request_id JOIN users u ON u.id = t.assignee_id`))
	require.Len(t, todos, 1)
	require.Equal(t, "Gang database entries shared with ICE", todos[0].Title)
	require.Contains(t, todos[0].Text, "Reply to the FOIA officer")
	require.Equal(t, "demo@sunshine.example", todos[0].Email)
	require.True(t, todos[0].Tomorrow)
}

// The demo's first request went to three sheriffs: a group, each with its
// own request and due date.
func TestSeedDemo_FiledTogether(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.SystemClock{})
	_, created, err := seedDemo(context.Background(), s)
	require.NoError(t, err)
	require.True(t, created)
	var group []struct {
		Agency string  `db:"name"`
		Due    *string `db:"due_on"`
	}
	require.NoError(t, s.DB().Select(&group, `SELECT a.name, r.due_on::text FROM requests r JOIN agencies a ON a.id = r.agency_id
		WHERE r.group_id IS NOT NULL AND r.title = 'All communications with ICE since 20 January 2017' ORDER BY a.name`))
	require.Len(t, group, 3)
	require.Equal(t, "Fresno County Sheriff's Office", group[0].Agency)
	require.Equal(t, "Los Angeles County Sheriff's Department", group[1].Agency)
	require.Equal(t, "Sacramento County Sheriff's Department", group[2].Agency)
	for _, g := range group {
		require.NotNil(t, g.Due, g.Agency)
	}
}

// The demo organization has a letter closing, so its letters show one.
func TestSeedDemo_LetterClosing(t *testing.T) {
	t.Parallel()
	s := store.New(storetest.DB(t), sunshine.SystemClock{})
	orgID, created, err := seedDemo(context.Background(), s)
	require.NoError(t, err)
	require.True(t, created)
	var closing string
	require.NoError(t, s.DB().Get(&closing, `SELECT letter_closing FROM organizations WHERE id = $1`, orgID))
	require.Contains(t, closing, "We ask that any fees be waived")
}
