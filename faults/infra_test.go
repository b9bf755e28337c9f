//go:build faults

package faults_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// ---- Mailpit (mail/mailtest, with its chaos triggers) ----

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

func tally(msgs []mailtest.Summary, sentIDs []string) mailTally {
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
