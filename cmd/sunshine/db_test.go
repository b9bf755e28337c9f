package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
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
	// A deactivated user's token would never work: refused.
	users := storetest.DBFromURL(t, url)
	users.MustExec(`UPDATE users SET deactivated_at = now() WHERE id = $1`, org.UserID)
	code, out, errOut = runCLI("token", "create", "--org", "ndlon", "--email", "staff@ndlon.example")
	require.NotEqual(t, 0, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "staff@ndlon.example is deactivated: reactivate them first")
	users.MustExec(`UPDATE users SET deactivated_at = NULL WHERE id = $1`, org.UserID)

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
	require.Equal(t, 4, cfg.SMTPConnections)
	require.Equal(t, store.DefaultLettersPerHour, cfg.LettersPerHour)
	require.Equal(t, int64(512<<20), cfg.ExtractMemory)
	require.Equal(t, "auto", cfg.OCR)
	require.Equal(t, "eng", cfg.OCRLanguages)

	env = map[string]string{
		"SUNSHINE_DATABASE_URL": "mysql://x", "SUNSHINE_BODY_LIMIT": "ten", "SUNSHINE_LOG_FORMAT": "xml",
		"SUNSHINE_MIGRATE": "maybe", "SUNSHINE_BASE_URL": "ftp://x", "SUNSHINE_SMTP_URL": "http://mail",
		"SUNSHINE_DEBUG_ADDR": "0.0.0.0:6060", "SUNSHINE_SMTP_CONNECTIONS": "0", "SUNSHINE_TRUSTED_PROXIES": "10.0.0.1, proxy.internal",
		"SUNSHINE_EXTRACT_MEMORY": "1000000", "SUNSHINE_MAIL_FROM": "reminders", "SUNSHINE_PLAN_SCHEDULE": "every 15 minutes",
		"SUNSHINE_DELIVER_SCHEDULE": "* * * * * * *", "SUNSHINE_LETTERS_PER_HOUR": "0",
	}
	_, err = loadConfig(get)
	require.Error(t, err)
	for _, name := range []string{"SUNSHINE_DATABASE_URL", "SUNSHINE_BODY_LIMIT", "SUNSHINE_LOG_FORMAT", "SUNSHINE_MIGRATE", "SUNSHINE_BASE_URL", "SUNSHINE_SMTP_URL", "SUNSHINE_DEBUG_ADDR", "SUNSHINE_SMTP_CONNECTIONS", "SUNSHINE_TRUSTED_PROXIES", "SUNSHINE_EXTRACT_MEMORY",
		"SUNSHINE_MAIL_FROM", "SUNSHINE_PLAN_SCHEDULE", "SUNSHINE_DELIVER_SCHEDULE", "SUNSHINE_LETTERS_PER_HOUR"} {
		require.Contains(t, err.Error(), name)
	}
	require.Contains(t, err.Error(), `"proxy.internal" is not an IP address or CIDR range`)

	// Mistakes serve used to find only after migrating and seeding are
	// found with the rest, each naming its variable.
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" = accepted
	}{
		{"SMTP tls parameter", map[string]string{"SUNSHINE_SMTP_URL": "smtp://mail.example:587?tls=always"}, `SUNSHINE_SMTP_URL: tls="always", want required, opportunistic or none`},
		{"inbound domain", map[string]string{"SUNSHINE_INBOUND_DOMAIN": "Replies.NDLON.example"}, ""},
		{"inbound domain as an address", map[string]string{"SUNSHINE_INBOUND_DOMAIN": "request@replies.example"}, `SUNSHINE_INBOUND_DOMAIN: "request@replies.example" must be a mail domain`},
		{"inbound domain without a dot", map[string]string{"SUNSHINE_INBOUND_DOMAIN": "localhost"}, `SUNSHINE_INBOUND_DOMAIN: "localhost" must be a mail domain`},
		{"inbound secret", map[string]string{"SUNSHINE_INBOUND_DOMAIN": "replies.example.org", "SUNSHINE_INBOUND_SECRET": "0123456789abcdef0123"}, ""},
		{"short inbound secret", map[string]string{"SUNSHINE_INBOUND_DOMAIN": "replies.example.org", "SUNSHINE_INBOUND_SECRET": "hunter2"}, "SUNSHINE_INBOUND_SECRET: must be at least 20 characters"},
		{"inbound secret without a domain", map[string]string{"SUNSHINE_INBOUND_SECRET": "0123456789abcdef0123"}, "SUNSHINE_INBOUND_DOMAIN must be set too"},
		{"SMTP unknown parameter", map[string]string{"SUNSHINE_SMTP_URL": "smtp://mail.example?starttls=1"}, `SUNSHINE_SMTP_URL: unknown parameter "starttls"`},
		{"SMTP good", map[string]string{"SUNSHINE_SMTP_URL": "smtp://u:p@mail.example:587?tls=required"}, ""},
		{"OCR required", map[string]string{"SUNSHINE_OCR": "on", "SUNSHINE_OCR_LANGUAGES": "eng+spa+script/Latin"}, ""},
		{"OCR yes", map[string]string{"SUNSHINE_OCR": "yes"}, `SUNSHINE_OCR: "yes" must be auto, on or off`},
		{"OCR languages by comma", map[string]string{"SUNSHINE_OCR_LANGUAGES": "eng,spa"}, `SUNSHINE_OCR_LANGUAGES: "eng,spa" must be Tesseract language names joined by +`},
		{"sender without domain", map[string]string{"SUNSHINE_MAIL_FROM": "Sunshine <reminders@>"}, "SUNSHINE_MAIL_FROM: "},
		{"sender good", map[string]string{"SUNSHINE_MAIL_FROM": "Records desk <records@ndlon.example>"}, ""},
		{"cron with seconds", map[string]string{"SUNSHINE_PLAN_SCHEDULE": "0 */15 * * * *"}, "SUNSHINE_PLAN_SCHEDULE: "},
		{"cron five fields", map[string]string{"SUNSHINE_PLAN_SCHEDULE": "*/10 * * * *", "SUNSHINE_DELIVER_SCHEDULE": "@every 30s"}, ""},
		// The demo's password and token are public.
		{"demo on a public address", map[string]string{"SUNSHINE_SEED_DEMO": "true", "SUNSHINE_BASE_URL": "https://records.ndlon.example"}, "SUNSHINE_SEED_DEMO: the demo organization's password and token are public"},
		{"demo on localhost", map[string]string{"SUNSHINE_SEED_DEMO": "true", "SUNSHINE_BASE_URL": "http://localhost:8080"}, ""},
		{"demo by default address", map[string]string{"SUNSHINE_SEED_DEMO": "true"}, ""},
	} {
		env = tc.env
		_, err := loadConfig(get)
		if tc.want == "" {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorContains(t, err, tc.want, tc.name)
		}
	}

	// Links default to the port served on.
	for addr, want := range map[string]string{"": "http://localhost:8080", ":18480": "http://localhost:18480", "127.0.0.1:9000": "http://localhost:9000"} {
		env = map[string]string{"SUNSHINE_ADDR": addr}
		cfg, err := loadConfig(get)
		require.NoError(t, err)
		require.Equal(t, want, cfg.BaseURL, addr)
	}
	// Cookies are Secure when users open the server over HTTPS; a public
	// http:// address is most likely a forgotten setting behind a proxy.
	for _, tc := range []struct {
		baseURL string
		secure  bool
		warned  bool
	}{
		{"", false, true}, // links point to localhost, and SUNSHINE_ADDR listens on every interface
		{"http://127.0.0.1:8080", false, false},
		{"https://records.ndlon.example", true, false},
		{"http://records.ndlon.example", false, true},
	} {
		env = map[string]string{"SUNSHINE_BASE_URL": tc.baseURL}
		cfg, err := loadConfig(get)
		require.NoError(t, err)
		require.Equal(t, tc.secure, cfg.SecureCookies(), tc.baseURL)
		require.Equal(t, tc.warned, len(cfg.Warnings()) > 0, tc.baseURL)
	}
	env = map[string]string{"SUNSHINE_ADDR": "127.0.0.1:8080"}
	cfg, err = loadConfig(get)
	require.NoError(t, err)
	require.Empty(t, cfg.Warnings(), "localhost links are right for a server only this machine reaches")
	env = map[string]string{}
	cfg, err = loadConfig(get)
	require.NoError(t, err)
	require.Equal(t, []string{"SUNSHINE_BASE_URL is not set: links in emails and calendar feeds point to http://localhost:8080, " +
		"which works only on this machine; set it to the address users open"}, cfg.Warnings())
	env = map[string]string{"SUNSHINE_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7"}
	cfg, err = loadConfig(get)
	require.NoError(t, err)
	require.Equal(t, []string{"10.0.0.0/8", "192.0.2.7"}, cfg.TrustedProxies)

	// serve tunes the garbage collector unless the operator set GOGC or GOMEMLIMIT.
	for _, tc := range []struct {
		env  map[string]string
		tune bool
	}{{map[string]string{}, true}, {map[string]string{"GOGC": "100"}, false}, {map[string]string{"GOMEMLIMIT": "1GiB"}, false}} {
		env = tc.env
		cfg, err := loadConfig(get)
		require.NoError(t, err)
		require.Equal(t, tc.tune, cfg.TuneGC, "%v", tc.env)
	}

	// Profiles are served on loopback only.
	for addr, ok := range map[string]bool{"127.0.0.1:6060": true, "[::1]:6060": true, "localhost:6060": true,
		":6060": false, "0.0.0.0:6060": false, "192.168.1.5:6060": false, "example.org:6060": false, "6060": false} {
		env = map[string]string{"SUNSHINE_DEBUG_ADDR": addr}
		_, err = loadConfig(get)
		require.Equal(t, ok, err == nil, "%s: %v", addr, err)
	}
}

// TestRemindOnce plans and delivers the demo's reminders once, at a given
// time, into an outbox folder of .eml files (no mail server needed).
func TestRemindOnce(t *testing.T) {
	url := storetest.URL(t)
	outbox := t.TempDir()
	env := map[string]string{"SUNSHINE_DATABASE_URL": url, "SUNSHINE_OUTBOX_DIR": outbox}
	prev := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = prev })

	code, _, errOut := runCLI("seed", "--demo")
	require.Equal(t, 0, code, errOut)
	// 08:00 in Sacramento on 7 April 2017: the demo CPRA request (due 6 April) is overdue.
	code, out, errOut := runCLI("remind", "--once", "--now", "2017-04-07T08:00:00-07:00", "--dry-run")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "sent 0")
	entries, err := os.ReadDir(outbox)
	require.NoError(t, err)
	require.Empty(t, entries, "a dry run sends nothing")

	// A pretended time sends real mail with its dates, and records it as
	// sent: only when asked.
	code, _, errOut = runCLI("remind", "--once", "--now", "2017-04-07T08:00:00-07:00")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "add --dry-run to see what would go out, or --send to send them anyway")
	entries, err = os.ReadDir(outbox)
	require.NoError(t, err)
	require.Empty(t, entries, "refused: nothing sent")
	code, _, errOut = runCLI("remind", "--once", "--send", "--dry-run")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "contradict")

	code, out, errOut = runCLI("remind", "--once", "--send", "--now", "2017-04-07T08:00:00-07:00")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "files in "+outbox)
	entries, err = os.ReadDir(outbox)
	require.NoError(t, err)
	var subjects []string
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(outbox, e.Name()))
		require.NoError(t, err)
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		require.NoError(t, err)
		subjects = append(subjects, msg.Header.Get("Subject"))
	}
	require.Contains(t, subjects, "Overdue (was due Thu 6 Apr): All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)")

	code, out, _ = runCLI("remind", "--once", "--send", "--now", "2017-04-07T08:05:00-07:00")
	require.Equal(t, 0, code)
	require.Contains(t, out, "planned 0 reminders and 0 digests; sent 0", "nothing twice")

	code, _, errOut = runCLI("remind", "--once", "--now", "yesterday")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "RFC 3339")
}

func TestUserSetPassword(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url}
	prev, prevIn := getenv, stdin
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv, stdin = prev, prevIn })

	code, _, errOut := runCLI("org", "create", "--name", "NDLON", "--slug", "ndlon", "--admin-email", "staff@ndlon.example")
	require.Equal(t, 0, code, errOut)
	stdin = strings.NewReader("short\n")
	code, _, errOut = runCLI("user", "set-password", "--org", "ndlon", "--email", "staff@ndlon.example")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "password: must be 10 to 72 characters")
	stdin = strings.NewReader("a good long password\n")
	code, out, errOut := runCLI("user", "set-password", "--org", "ndlon", "--email", "staff@ndlon.example")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Password set for staff@ndlon.example.")

	db := storetest.DBFromURL(t, url)
	st := store.New(db, sunshine.SystemClock{})
	_, p, _, err := st.Login(context.Background(), "staff@ndlon.example", "a good long password")
	require.NoError(t, err)
	require.Equal(t, sunshine.RoleAdmin, p.Role)
}

// One email with accounts in two organizations: the user commands need
// --org and never pick an account by the email alone, and seeding the demo
// again sets the public password of the demo organization's account only.
func TestUserCommands_EmailInSeveralOrgs(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url}
	prev, prevIn := getenv, stdin
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv, stdin = prev, prevIn })
	const email = "reporter@example.org"
	orgs := map[string]orgJSON{}
	for _, slug := range []string{"ndlon", "other"} {
		code, out, errOut := runCLI("org", "create", "--name", slug, "--slug", slug, "--admin-email", email, "--json")
		require.Equal(t, 0, code, errOut)
		var org orgJSON
		require.NoError(t, json.Unmarshal([]byte(out), &org))
		orgs[slug] = org
	}

	for _, args := range [][]string{{"user", "set-password", "--email", email}, {"token", "create", "--email", email}} {
		stdin = strings.NewReader("a good long password\n")
		code, out, errOut := runCLI(args...)
		require.Equal(t, exitUsage, code, args)
		require.Equal(t, "sunshine "+args[0]+": --org SLUG is required: an email may belong to users of several organizations, so say which one\n", errOut)
		require.Empty(t, out)
	}

	stdin = strings.NewReader("a good long password\n")
	code, _, errOut := runCLI("user", "set-password", "--org", "other", "--email", email)
	require.Equal(t, 0, code, errOut)
	st := store.New(storetest.DBFromURL(t, url), sunshine.SystemClock{})
	_, p, choice, err := st.Login(context.Background(), email, "a good long password")
	require.NoError(t, err)
	require.Nil(t, choice, "the other organization's account has no password yet")
	require.Equal(t, orgs["other"].UserID, p.UserID)

	code, out, errOut := runCLI("token", "create", "--org", "ndlon", "--email", email, "--json")
	require.Equal(t, 0, code, errOut)
	var tok tokenJSON
	require.NoError(t, json.Unmarshal([]byte(out), &tok))
	require.Equal(t, orgs["ndlon"].UserID, tok.UserID)

	// Another organization's user with the demo's address keeps its own
	// (unset) password when the demo is seeded again.
	code, _, errOut = runCLI("org", "create", "--name", "Elsewhere", "--slug", "elsewhere", "--admin-email", demoEmail)
	require.Equal(t, 0, code, errOut)
	for range 2 {
		code, _, errOut = runCLI("seed", "--demo")
		require.Equal(t, 0, code, errOut)
	}
	demo, err := st.FindOrgBySlug(context.Background(), demoSlug)
	require.NoError(t, err)
	_, p, choice, err = st.Login(context.Background(), demoEmail, demoPassword)
	require.NoError(t, err)
	require.Nil(t, choice, "the demo password does not open the other organization's account")
	require.Equal(t, demo.ID, p.OrgID)
}

// TestTuneGC is not parallel: the collector's settings are the process's.
func TestTuneGC(t *testing.T) {
	prevPercent, prevLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(prevPercent); debug.SetMemoryLimit(prevLimit) })
	tuneGC()
	require.Equal(t, 400, debug.SetGCPercent(100))
	require.Equal(t, int64(100<<20), debug.SetMemoryLimit(-1), "-1 reads the limit")
}

// The only admin lost their phone and recovery codes: the operator turns
// their two-step sign-in off, and the password alone signs in again.
func TestUserResetTwoStep(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url}
	prev := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = prev })

	code, _, errOut := runCLI("org", "create", "--name", "NDLON", "--slug", "ndlon", "--admin-email", "staff@ndlon.example")
	require.Equal(t, 0, code, errOut)
	st := store.New(storetest.DBFromURL(t, url), sunshine.SystemClock{})
	ctx := context.Background()
	u, err := st.FindUserByEmail(ctx, "ndlon", "staff@ndlon.example")
	require.NoError(t, err)
	require.NoError(t, st.SetPassword(ctx, u.ID, "a good long password"))
	as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: u.OrgID, UserID: u.ID, Role: u.Role})
	setup, err := st.BeginTwoStep(as)
	require.NoError(t, err)
	appCode, err := totp.GenerateCode(setup.Secret, time.Now())
	require.NoError(t, err)
	_, err = st.EnableTwoStep(as, "a good long password", appCode, "")
	require.NoError(t, err)
	tok, _, _, err := st.Login(ctx, "staff@ndlon.example", "a good long password")
	require.NoError(t, err)
	_, err = st.Session(ctx, tok)
	require.ErrorIs(t, err, store.ErrAwaitingCode)

	code, _, errOut = runCLI("user", "reset-two-step", "--org", "ndlon", "--email", "nobody@ndlon.example")
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "not found")
	code, out, errOut := runCLI("user", "reset-two-step", "--org", "ndlon", "--email", "staff@ndlon.example")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, "Two-step sign-in is off for staff@ndlon.example: they sign in with their password, then set it up again.\n", out)
	tok, _, _, err = st.Login(ctx, "staff@ndlon.example", "a good long password")
	require.NoError(t, err)
	_, err = st.Session(ctx, tok)
	require.NoError(t, err)
}
