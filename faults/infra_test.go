//go:build faults

package faults_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// ---- Mailpit, with its chaos triggers ----

// mailpit is a Mailpit started with --enable-chaos, so a test can make its
// SMTP server answer 4xx and 5xx (PUT /api/v1/chaos). mail/mailtest starts
// Mailpit without chaos, hence this small launcher.
type mailpit struct {
	bin, db            string
	smtpPort, httpPort int
	mu                 sync.Mutex
	cmd                *exec.Cmd
	out                *syncBuffer
	bye                chan struct{}
}

func startMailpit(t testing.TB) *mailpit {
	t.Helper()
	bin := os.Getenv("MAILPIT_BIN")
	if bin == "" {
		t.Fatal("MAILPIT_BIN is not set: run ./scripts/faults.sh (make test-faults), which builds Mailpit")
	}
	dir := t.TempDir()
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		m := &mailpit{bin: bin, db: filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", attempt)),
			smtpPort: freePort(t), httpPort: freePort(t)}
		if last = m.start(); last == nil {
			t.Cleanup(m.stop)
			return m
		}
	}
	t.Fatalf("start Mailpit: %v", last)
	return nil
}

func (m *mailpit) start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		return nil
	}
	out := &syncBuffer{}
	cmd := exec.Command(m.bin, "--smtp", m.smtpAddr(), "--listen", m.httpAddr(), "--database", m.db,
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--disable-version-check", "--quiet",
		"--enable-chaos", "--max", "0")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	bye := make(chan struct{})
	go func() { _ = cmd.Wait(); close(bye) }()
	deadline := time.Now().Add(15 * time.Second)
	c := http.Client{Timeout: time.Second}
	for {
		select {
		case <-bye:
			return fmt.Errorf("mailpit exited: %s", out.String())
		default:
		}
		if resp, err := c.Get(m.web() + "/api/v1/info"); err == nil {
			resp.Body.Close()
			if conn, err := net.DialTimeout("tcp", m.smtpAddr(), time.Second); err == nil && resp.StatusCode == 200 {
				conn.Close()
				m.cmd, m.out, m.bye = cmd, out, bye
				return nil
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-bye
			return fmt.Errorf("mailpit did not answer in 15 s: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop takes the SMTP server away (an outage); restart brings it back on
// the same ports and database.
func (m *mailpit) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.bye:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.bye
	}
	m.cmd = nil
}

func (m *mailpit) restart(t testing.TB) {
	t.Helper()
	if err := m.start(); err != nil {
		t.Fatalf("restart Mailpit: %v", err)
	}
}

func (m *mailpit) smtpAddr() string { return "127.0.0.1:" + strconv.Itoa(m.smtpPort) }
func (m *mailpit) httpAddr() string { return "127.0.0.1:" + strconv.Itoa(m.httpPort) }
func (m *mailpit) web() string      { return "http://" + m.httpAddr() }
func (m *mailpit) smtpURL() string  { return "smtp://" + m.smtpAddr() }

// trigger is one chaos trigger: an SMTP error code and a probability in percent.
type trigger struct {
	ErrorCode   int `json:"ErrorCode"`
	Probability int `json:"Probability"`
}

// chaos sets Mailpit's triggers; omitted ones are turned off.
func (m *mailpit) chaos(t testing.TB, sender, recipient *trigger) {
	t.Helper()
	body := map[string]any{}
	if sender != nil {
		body["Sender"] = sender
	}
	if recipient != nil {
		body["Recipient"] = recipient
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPut, m.web()+"/api/v1/chaos", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT /api/v1/chaos: %v", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT /api/v1/chaos: %s: %s", resp.Status, rb)
	}
}

// mailSummary is one stored message.
type mailSummary struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

// messages returns every stored message.
func (m *mailpit) messages(t testing.TB) []mailSummary {
	t.Helper()
	var all []mailSummary
	for start := 0; start < 100000; start += 1000 {
		var page struct {
			Total    int           `json:"total"`
			Messages []mailSummary `json:"messages"`
		}
		resp, err := http.Get(fmt.Sprintf("%s/api/v1/messages?limit=1000&start=%d", m.web(), start))
		if err != nil {
			t.Fatalf("Mailpit messages: %v", err)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("Mailpit messages: %v", err)
		}
		all = append(all, page.Messages...)
		if len(page.Messages) < 1000 {
			break
		}
	}
	return all
}

// total is how many messages Mailpit holds (cheap: one row).
func (m *mailpit) total() int {
	var page struct {
		Total int `json:"total"`
	}
	resp, err := http.Get(m.web() + "/api/v1/messages?limit=1")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	if json.NewDecoder(resp.Body).Decode(&page) != nil {
		return -1
	}
	return page.Total
}

// mailTally compares Mailpit's messages with the reminders sent: each sent
// reminder's Message-ID is reminder-<id>@<host>.
type mailTally struct {
	Messages       int            // stored in Mailpit
	UniqueIDs      int            // distinct Message-IDs
	Duplicates     int            // messages beyond the first per Message-ID
	DupIDs         map[string]int // Message-ID -> copies, for those sent more than once
	Missing        []string       // sent reminders with no message
	Unknown        []string       // messages that are no sent reminder
	ForeignIDs     int            // Message-IDs not of the reminder-<id>@ form
	reminderCopies map[string]int
}

func tally(msgs []mailSummary, sentIDs []string) mailTally {
	tl := mailTally{Messages: len(msgs), DupIDs: map[string]int{}, reminderCopies: map[string]int{}}
	byID := map[string]int{}
	for _, m := range msgs {
		byID[m.MessageID]++
		rid, _, ok := strings.Cut(strings.TrimPrefix(m.MessageID, "reminder-"), "@")
		if !strings.HasPrefix(m.MessageID, "reminder-") || !ok {
			tl.ForeignIDs++
			continue
		}
		tl.reminderCopies[rid]++
	}
	tl.UniqueIDs = len(byID)
	for id, n := range byID {
		if n > 1 {
			tl.DupIDs[id] = n
			tl.Duplicates += n - 1
		}
	}
	sent := map[string]bool{}
	for _, id := range sentIDs {
		sent[id] = true
		if tl.reminderCopies[id] == 0 {
			tl.Missing = append(tl.Missing, id)
		}
	}
	for id := range tl.reminderCopies {
		if !sent[id] {
			tl.Unknown = append(tl.Unknown, id)
		}
	}
	sort.Strings(tl.Unknown)
	return tl
}

// ---- a slow SMTP server ----

// slowSMTP is a TCP proxy in front of a real SMTP server that holds every
// line the server sends for delay: each SMTP reply arrives late.
type slowSMTP struct {
	ln       net.Listener
	upstream string
	delay    atomic.Int64 // nanoseconds
	conns    atomic.Int64
	wg       sync.WaitGroup
}

func startSlowSMTP(t testing.TB, upstream string, delay time.Duration) *slowSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &slowSMTP{ln: ln, upstream: upstream}
	p.delay.Store(int64(delay))
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *slowSMTP) url() string { return "smtp://" + p.ln.Addr().String() }

func (p *slowSMTP) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

func (p *slowSMTP) handle(client net.Conn) {
	defer client.Close()
	up, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(up, client); up.Close() }() // client to server: as is
	r := bufio.NewReader(up)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			time.Sleep(time.Duration(p.delay.Load()))
			if _, werr := client.Write([]byte(line)); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// ---- a private PostgreSQL cluster ----

// pgCluster is a PostgreSQL of the test's own, so the test can stop and
// restart it. As root, PostgreSQL runs as the postgres user through
// runuser (as scripts/db.sh does), with its data under /var/tmp so that
// user can reach it.
type pgCluster struct {
	bindir, root, data string
	port               int
	runAs              string
}

func pgBindir(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			d := filepath.Dir(real)
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	t.Fatal("no PostgreSQL binaries (initdb, pg_ctl) found; install postgresql (Debian: apt-get install postgresql)")
	return ""
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

var clusterSeq atomic.Int64

func startCluster(t testing.TB) *pgCluster {
	t.Helper()
	c := &pgCluster{bindir: pgBindir(t)}
	c.root = fmt.Sprintf("/var/tmp/sunshine-faults-%d-%d", os.Getpid(), clusterSeq.Add(1))
	if os.Geteuid() != 0 {
		c.root = filepath.Join(t.TempDir(), "pg")
	} else {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Fatal("running as root needs a postgres user to run PostgreSQL as (scripts/db.sh creates sunshine-pg; install postgresql)")
		}
		c.runAs = "postgres"
	}
	c.data = filepath.Join(c.root, "data")
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.pgctl("stop", "-m", "immediate", "-w") //nolint:errcheck
		os.RemoveAll(c.root)
	})
	if c.runAs != "" {
		if out, err := exec.Command("chown", "-R", c.runAs+":", c.root).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v: %s", c.root, err, out)
		}
	}
	if out, err := c.as(filepath.Join(c.bindir, "initdb"), "-D", c.data, "-U", "postgres", "--auth=trust", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v: %s", err, out)
	}
	c.port = freePort(t)
	if out, err := c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.root, "server.log"),
		"-o", fmt.Sprintf("-p %d -k '' -c listen_addresses=127.0.0.1 -c max_connections=100", c.port)); err != nil {
		t.Fatalf("pg_ctl start: %v: %s\n%s", err, out, c.log())
	}
	return c
}

func (c *pgCluster) as(name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = "/"
	return cmd
}

func (c *pgCluster) pgctl(args ...string) (string, error) {
	out, err := c.as(filepath.Join(c.bindir, "pg_ctl"), append([]string{"-D", c.data}, args...)...).CombinedOutput()
	return string(out), err
}

// stop shuts PostgreSQL down with pg_ctl's mode: fast or immediate (a crash).
func (c *pgCluster) stop(t testing.TB, mode string) {
	t.Helper()
	if out, err := c.pgctl("stop", "-m", mode, "-w", "-t", "60"); err != nil {
		t.Fatalf("pg_ctl stop: %v: %s", err, out)
	}
}

func (c *pgCluster) start(t testing.TB) {
	t.Helper()
	if out, err := c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.root, "server.log"),
		"-o", fmt.Sprintf("-p %d -k '' -c listen_addresses=127.0.0.1 -c max_connections=100", c.port)); err != nil {
		t.Fatalf("pg_ctl start: %v: %s\n%s", err, out, c.log())
	}
}

func (c *pgCluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.root, "server.log"))
	return tail(string(b), 20)
}

func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}
