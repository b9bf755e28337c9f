// Package storetest gives tests a real PostgreSQL database, fast.
//
// The server comes from TEST_DATABASE_URL (make test finds or starts one).
// A template database is migrated once per set of migrations and cloned:
//
//   - Tx(t, clock): a store bound to a transaction that is rolled back when
//     the test ends, in a database cloned once per test binary. The default
//     for store and handler tests.
//   - DB(t): a fresh database of its own, dropped when the test ends, for
//     tests that must commit or hold several connections.
//
// Packages that use Tx call Main from TestMain so the shared clone is
// dropped when the tests finish.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"golang.org/x/crypto/bcrypt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/migrations"
	"github.com/sunshine-records/sunshine/store"
)

// EnvURL names the variable that points at the test server; any database
// on it that the user may connect to and CREATE DATABASE from will do.
const EnvURL = "TEST_DATABASE_URL"

var (
	setupOnce sync.Once
	setupErr  error
	adminURL  *url.URL
	tmplName  string

	sharedOnce sync.Once
	sharedDB   *sqlx.DB
	sharedName string
	sharedErr  error

	seq atomic.Int64
)

func setup() error {
	setupOnce.Do(func() { setupErr = doSetup() })
	return setupErr
}

func doSetup() error {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		return fmt.Errorf("%s is not set: run `make test`, which finds or starts PostgreSQL, or export %s=postgres://user@host:5432/postgres?sslmode=disable", EnvURL, EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvURL, err)
	}
	adminURL = u
	hash, err := migrationsHash()
	if err != nil {
		return err
	}
	tmplName = "sunshine_tmpl_" + hash
	return ensureTemplate()
}

// migrationsHash names the template after the migration files' content, so
// a changed migration builds a new template.
func migrationsHash() (string, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// urlFor returns the test server's URL with another database name.
func urlFor(db string) string {
	u := *adminURL
	u.Path = "/" + db
	return u.String()
}

func connect(dsn string) (*sqlx.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sqlx.ConnectContext(ctx, "postgres", store.ConnString(dsn))
	if err != nil {
		return nil, fmt.Errorf("storetest: connect to %s: %w", redact(dsn), err)
	}
	return db, nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// ensureTemplate builds the migrated template once per server, under an
// advisory lock so parallel test binaries build it once. It is built under
// a temporary name and renamed when complete, so a crash never leaves a
// half-migrated template behind.
func ensureTemplate() error {
	admin, err := connect(adminURL.String())
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx := context.Background()
	conn, err := admin.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext('sunshine.storetest.template'))`); err != nil {
		return fmt.Errorf("storetest: lock: %w", err)
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtext('sunshine.storetest.template'))`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tmplName).Scan(&exists); err != nil {
		return fmt.Errorf("storetest: look for template: %w", err)
	}
	if exists {
		return nil
	}
	building := tmplName + "_building"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(building)+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("storetest: drop stale template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(building)); err != nil {
		return fmt.Errorf("storetest: create template: %w", err)
	}
	db, err := connect(urlFor(building))
	if err != nil {
		return err
	}
	err = migrations.Up(ctx, db.DB)
	db.Close()
	if err != nil {
		return fmt.Errorf("storetest: migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(building)+` RENAME TO `+pq.QuoteIdentifier(tmplName)); err != nil {
		return fmt.Errorf("storetest: publish template: %w", err)
	}
	return nil
}

// clone creates a new database from the template.
func clone(name string) (*sqlx.DB, error) {
	admin, err := connect(adminURL.String())
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name) + ` TEMPLATE ` + pq.QuoteIdentifier(tmplName)); err != nil {
		return nil, fmt.Errorf("storetest: clone template: %w", err)
	}
	return connect(urlFor(name))
}

func drop(name string) error {
	admin, err := connect(adminURL.String())
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
	return err
}

func newName(kind string) string {
	return fmt.Sprintf("sunshine_test_%s_%d_%d", kind, os.Getpid(), seq.Add(1))
}

// DB returns a fresh, migrated database for one test, dropped when it ends.
func DB(t testing.TB) *sqlx.DB {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatal(err)
	}
	name := newName("db")
	db, err := clone(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if err := drop(name); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	return db
}

// URL returns a connection URL for a fresh, migrated database dropped when
// the test ends (for tests that start the binary).
func URL(t testing.TB) string {
	t.Helper()
	db := DB(t)
	var name string
	if err := db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return urlFor(name)
}

// EmptyURL returns the URL of an empty, unmigrated database dropped when the
// test ends (migration tests).
func EmptyURL(t testing.TB) string {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatal(err)
	}
	name := newName("empty")
	admin, err := connect(adminURL.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(name); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	return urlFor(name)
}

func shared() (*sqlx.DB, error) {
	sharedOnce.Do(func() {
		if sharedErr = setup(); sharedErr != nil {
			return
		}
		sharedName = newName("pkg")
		sharedDB, sharedErr = clone(sharedName)
		if sharedErr == nil {
			sharedDB.SetMaxOpenConns(20)
		}
	})
	return sharedDB, sharedErr
}

// Tx returns a store bound to a transaction in the package's shared clone,
// rolled back when the test ends: nothing a test writes is seen by another.
func Tx(t testing.TB, clock sunshine.Clock) *store.Store {
	t.Helper()
	db, err := shared()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	return store.NewInTx(tx, clock)
}

// Main runs a package's tests, its passwords hashed at bcrypt's lowest
// cost (the same code, minutes sooner under the race detector), and then
// drops its shared clone.
func Main(m *testing.M) {
	store.PasswordCost = bcrypt.MinCost
	code := m.Run()
	if sharedDB != nil {
		sharedDB.Close()
		if err := drop(sharedName); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: drop %s: %v\n", sharedName, err)
		}
	}
	os.Exit(code)
}

// Fixture is an organization with an admin, and a context acting as them.
type Fixture struct {
	Ctx   context.Context
	Org   *sunshine.Organization
	Admin *sunshine.User
	Token string
}

// Org creates an organization whose slug and admin email start with name.
func Org(t testing.TB, s *store.Store, name string) Fixture {
	t.Helper()
	n := seq.Add(1)
	org := &sunshine.Organization{Name: name, Slug: fmt.Sprintf("%s-%d", name, n)}
	admin := &sunshine.User{Email: fmt.Sprintf("%s-%d@example.org", name, n), Name: "Admin of " + name}
	token, err := s.CreateOrg(context.Background(), org, admin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: org.ID, UserID: admin.ID, Role: sunshine.RoleAdmin})
	return Fixture{Ctx: ctx, Org: org, Admin: admin, Token: token}
}

// DBFromURL connects to a database a test made with URL or EmptyURL.
func DBFromURL(t testing.TB, dsn string) *sqlx.DB {
	t.Helper()
	db, err := connect(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
