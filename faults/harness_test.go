//go:build faults

// Package faults_test is Sunshine's fault suite: it builds the real
// sunshine binary, runs it as separate processes against PostgreSQL and a
// real SMTP server (Mailpit), and breaks things underneath it — the
// database restarts, SMTP goes away, answers 4xx and 5xx or crawls, the
// process is killed with SIGKILL, two replicas share one database — then
// checks that nothing acknowledged was lost and nothing was sent twice.
//
// It sits behind the build tag "faults" so `make test` does not run it;
// `make test-faults` (scripts/faults.sh) does. All traffic stays on
// loopback and every load loop is bounded in count and in time. Each test
// logs its figures and TestMain writes them all to faults/results.json.
package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/sunshine-records/sunshine/store/storetest"
)

// sunshineBin is the binary under test, built once by TestMain.
var sunshineBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sunshine-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	sunshineBin = filepath.Join(dir, "sunshine")
	build := exec.Command("go", "build", "-o", sunshineBin, "github.com/sunshine-records/sunshine/cmd/sunshine")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: go build ./cmd/sunshine:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if err := writeResults("results.json"); err != nil {
		fmt.Fprintln(os.Stderr, "faults: write results.json:", err)
		if code == 0 {
			code = 1
		}
	}
	// Every database here is a fresh one its test drops (storetest.URL);
	// none uses storetest.Tx, so storetest.Main is not needed.
	os.Exit(code)
}

// ---- results ----

var (
	resultsMu sync.Mutex
	results   = map[string]map[string]any{}
)

// record stores one figure of the running test for results.json and logs it.
func record(t *testing.T, key string, value any) {
	t.Helper()
	resultsMu.Lock()
	defer resultsMu.Unlock()
	m := results[t.Name()]
	if m == nil {
		m = map[string]any{}
		results[t.Name()] = m
	}
	m[key] = value
	t.Logf("figure %s = %v", key, value)
}

func writeResults(path string) error {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(results) == 0 {
		return nil
	}
	out := map[string]any{
		"generated_at": time.Now().UTC().Format(time.RFC3339),
		"go_test":      "go test -tags faults ./faults",
		"tests":        results,
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ---- processes ----

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// childEnv is the test's environment without any SUNSHINE_ variable, plus env.
func childEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SUNSHINE_") {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// syncBuffer collects a child's output, written by os/exec's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running sunshine process.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error
}

func startProc(t testing.TB, name string, env map[string]string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(sunshineBin, args...)
	p.cmd.Env = childEnv(env)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits: the process gets no chance to clean up.
func (p *proc) kill() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks for a graceful stop (SIGTERM) and waits up to 20 s.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.kill()
	}
}

// runCLI runs a sunshine command to completion (at most 2 minutes).
func runCLI(t testing.TB, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sunshineBin, args...)
	cmd.Env = childEnv(env)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func mustCLI(t testing.TB, env map[string]string, args ...string) string {
	t.Helper()
	out, errOut, err := runCLI(t, env, args...)
	if err != nil {
		t.Fatalf("sunshine %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// server is a running `sunshine serve`.
type server struct {
	*proc
	base string
	env  map[string]string
}

// startServe runs `sunshine serve` on a free loopback port with env (the
// database URL at least) and waits for /healthz.
func startServe(t testing.TB, name string, env map[string]string) *server {
	t.Helper()
	e := map[string]string{
		"SUNSHINE_LOG_FORMAT":       "json",
		"SUNSHINE_JOBS":             "off",
		"SUNSHINE_OUTBOX_DIR":       filepath.Join(t.TempDir(), "outbox"),
		"SUNSHINE_SHUTDOWN_TIMEOUT": "5s",
	}
	for k, v := range env {
		e[k] = v
	}
	var s *server
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		e["SUNSHINE_ADDR"] = "127.0.0.1:" + strconv.Itoa(port)
		e["SUNSHINE_BASE_URL"] = "http://127.0.0.1:" + strconv.Itoa(port)
		s = &server{proc: startProc(t, name, e, "serve"), base: "http://127.0.0.1:" + strconv.Itoa(port), env: e}
		if s.waitHealthy(90 * time.Second) {
			return s
		}
		s.kill()
		if !strings.Contains(s.stderr.String(), "address already in use") {
			break
		}
	}
	t.Fatalf("%s did not become healthy:\n%s", name, tail(s.stderr.String(), 40))
	return nil
}

func (s *server) waitHealthy(d time.Duration) bool {
	deadline := time.Now().Add(d)
	c := http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if s.exited() {
			return false
		}
		resp, err := c.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// restart starts the same server again (same port and environment) after it stopped.
func (s *server) restart(t testing.TB) {
	t.Helper()
	s.proc = startProc(t, s.name, s.env, "serve")
	if !s.waitHealthy(90 * time.Second) {
		t.Fatalf("%s did not come back:\n%s", s.name, tail(s.stderr.String(), 40))
	}
}

func tail(s string, lines int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// logLines returns the JSON log lines of a process matching keep.
func logLines(out string, keep func(map[string]any) bool) []map[string]any {
	var res []map[string]any
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		if keep(m) {
			res = append(res, m)
		}
	}
	return res
}

// ---- HTTP ----

type apiResp struct {
	Status int
	Header http.Header
	Body   []byte
	Err    error
}

func (r apiResp) json(t testing.TB, into any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, into); err != nil {
		t.Fatalf("decode %d body: %v: %s", r.Status, err, r.Body)
	}
}

func (r apiResp) isProblem() bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
}

var httpClient = &http.Client{Timeout: 20 * time.Second}

func call(method, url, token string, body any, hdr map[string]string) apiResp {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return apiResp{Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return apiResp{Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return apiResp{Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return apiResp{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: err}
}

func mustCall(t testing.TB, want int, method, url, token string, body any, into any) apiResp {
	t.Helper()
	r := call(method, url, token, body, nil)
	if r.Err != nil {
		t.Fatalf("%s %s: %v", method, url, r.Err)
	}
	if r.Status != want {
		t.Fatalf("%s %s: got %d, want %d: %s", method, url, r.Status, want, r.Body)
	}
	if into != nil {
		r.json(t, into)
	}
	return r
}

// ---- Sunshine fixtures ----

// tenant is an organization made with `sunshine org create`.
type tenant struct {
	OrgID  string `json:"org_id"`
	UserID string `json:"user_id"`
	Token  string `json:"token"`
	Email  string `json:"-"`
}

func createOrg(t testing.TB, dbURL, slug string) tenant {
	t.Helper()
	email := slug + "-admin@sunshine.example"
	out := mustCLI(t, map[string]string{"SUNSHINE_DATABASE_URL": dbURL},
		"org", "create", "--name", "Faults "+slug, "--slug", slug, "--admin-email", email, "--admin-name", "Admin "+slug, "--json")
	var tn tenant
	if err := json.Unmarshal([]byte(out), &tn); err != nil {
		t.Fatalf("org create output %q: %v", out, err)
	}
	tn.Email = email
	return tn
}

func createAgency(t testing.TB, base, token string) string {
	t.Helper()
	var a struct {
		ID string `json:"id"`
	}
	mustCall(t, 201, "POST", base+"/api/v1/agencies", token, map[string]any{
		"name": "Sacramento County Sheriff's Department", "jurisdiction": "us-ca", "time_zone": "America/Los_Angeles",
	}, &a)
	return a.ID
}

func requestBody(agencyID string, i int, receivedOn string) map[string]any {
	return map[string]any{
		"agency_id":       agencyID,
		"title":           fmt.Sprintf("Communications with ICE, part %d", i),
		"description":     "Every communication with immigration authorities since January.",
		"delivery_method": "email",
		"received_on":     receivedOn,
	}
}

func createRequests(t testing.TB, base, token, agencyID string, n int, receivedOn string) []string {
	t.Helper()
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var r struct {
			ID string `json:"id"`
		}
		mustCall(t, 201, "POST", base+"/api/v1/requests", token, requestBody(agencyID, i, receivedOn), &r)
		ids = append(ids, r.ID)
	}
	return ids
}

// noDigests turns the admin's daily digest off, so the reminders owed are
// exactly the deadline ones (digests depend on the hour of the day).
func noDigests(t testing.TB, base, token string) {
	t.Helper()
	mustCall(t, 200, "PUT", base+"/api/v1/me/preferences", token, map[string]any{"digest": false}, nil)
}

type reminderJSON struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
}

// listReminders pages through GET /api/v1/reminders?status=status.
func listReminders(t testing.TB, base, token, status string) []reminderJSON {
	t.Helper()
	var all []reminderJSON
	cursor := ""
	for page := 0; page < 100; page++ {
		u := base + "/api/v1/reminders?limit=200"
		if status != "" {
			u += "&status=" + status
		}
		if cursor != "" {
			u += "&cursor=" + cursor
		}
		var p struct {
			Items      []reminderJSON `json:"items"`
			NextCursor string         `json:"next_cursor"`
		}
		mustCall(t, 200, "GET", u, token, nil, &p)
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		cursor = p.NextCursor
	}
	t.Fatal("more than 100 pages of reminders")
	return nil
}

// ---- databases ----

// freshDB is a fresh, migrated database on TEST_DATABASE_URL's server,
// dropped when the test ends (after the processes using it are killed:
// cleanups run last-in first-out).
func freshDB(t testing.TB) (string, *sqlx.DB) {
	t.Helper()
	u := storetest.URL(t)
	return u, storetest.DBFromURL(t, u)
}

func count(t testing.TB, db *sqlx.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// statusCounts returns the reminders rows by status.
func statusCounts(t testing.TB, db *sqlx.DB) map[string]int {
	t.Helper()
	rows := []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}{}
	if err := db.Select(&rows, `SELECT status, count(*) AS n FROM reminders GROUP BY status`); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{"pending": 0, "sent": 0, "failed": 0, "cancelled": 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}

func reminderIDs(t testing.TB, db *sqlx.DB, where string) []string {
	t.Helper()
	var ids []string
	if err := db.Select(&ids, `SELECT id::text FROM reminders WHERE `+where+` ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return ids
}

// waitFor polls cond every 100 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
