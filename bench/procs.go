package main

// The processes the harness runs: the database, the real sunshine binary
// (build, migrate, serve), its memory, and Mailpit.

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// withDatabase returns the server URL u naming database name instead.
func withDatabase(u, name string) (string, error) {
	p, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	p.Path = "/" + name
	return p.String(), nil
}

func createDatabase(ctx context.Context, admin *sql.DB, name string) error {
	_, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	return err
}

func dropDatabase(admin *sql.DB, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// buildSunshine builds ./cmd/sunshine into dir.
func buildSunshine(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "sunshine")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/sunshine")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/sunshine: %w", err)
	}
	return bin, nil
}

func migrate(ctx context.Context, bin, dbURL string) error {
	cmd := exec.CommandContext(ctx, bin, "migrate")
	cmd.Env = append(os.Environ(), "SUNSHINE_DATABASE_URL="+dbURL, "SUNSHINE_LOG_LEVEL=warn")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("sunshine migrate: %w: %s", err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// server is a running `sunshine serve`.
type server struct {
	Base  string
	debug string // the pprof address (SUNSHINE_DEBUG_ADDR), with -profile
	cmd   *exec.Cmd
	done  chan struct{}

	mu      sync.Mutex
	peakKB  int64
	stopRSS chan struct{}
}

// startServer runs `sunshine serve` on a free loopback port, scheduler
// off, and waits until /readyz answers 200.
func startServer(ctx context.Context, bin, dbURL, dir string, profiles bool) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "SUNSHINE_DATABASE_URL="+dbURL, "SUNSHINE_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"SUNSHINE_BASE_URL="+base, "SUNSHINE_JOBS=off", "SUNSHINE_LOG_LEVEL=warn", "SUNSHINE_MIGRATE=false",
		"SUNSHINE_OUTBOX_DIR="+filepath.Join(dir, "outbox"))
	debug := ""
	if profiles {
		dport, err := freePort()
		if err != nil {
			return nil, err
		}
		debug = "http://127.0.0.1:" + strconv.Itoa(dport)
		cmd.Env = append(cmd.Env, "SUNSHINE_DEBUG_ADDR=127.0.0.1:"+strconv.Itoa(dport))
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{Base: base, debug: debug, cmd: cmd, done: make(chan struct{}), stopRSS: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("sunshine serve exited at start")
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("sunshine serve not ready within 60s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	go s.sampleRSS()
	return s, nil
}

// profileCPU records the server's CPU profile for d (a scenario's run)
// into dir/<scenario>.pprof, for `go tool pprof`.
func (s *server) profileCPU(ctx context.Context, dir, scenario string, d time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	secs := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.debug+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("CPU profile of %q: %w", scenario, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CPU profile of %q: %s", scenario, resp.Status)
	}
	name := strings.NewReplacer(" ", "-", "(", "", ")", "", "=", "").Replace(scenario)
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sampleRSS records the largest VmHWM (peak resident set) every 100 ms.
func (s *server) sampleRSS() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		s.sampleOnce()
		select {
		case <-s.stopRSS:
			return
		case <-s.done:
			return
		case <-t.C:
		}
	}
}

func (s *server) sampleOnce() {
	hwm, rss := procStatusKB(s.cmd.Process.Pid)
	s.mu.Lock()
	s.peakKB = max(s.peakKB, hwm, rss)
	s.mu.Unlock()
}

// PeakRSSMB is the server's peak resident set so far, in MB.
func (s *server) PeakRSSMB() float64 {
	s.sampleOnce()
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(s.peakKB) / 1024
}

// procStatusKB reads VmHWM and VmRSS of pid, in kB.
func procStatusKB(pid int) (hwm, rss int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmHWM" && k != "VmRSS") {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if k == "VmHWM" {
			hwm = n
		} else {
			rss = n
		}
	}
	return hwm, rss
}

func (s *server) stop() {
	select {
	case <-s.stopRSS:
	default:
		close(s.stopRSS)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// mailpit is a running Mailpit, started as mail/mailtest does.
type mailpit struct {
	SMTP string
	cmd  *exec.Cmd
	done chan struct{}
}

func startMailpit(bin, dir string) (*mailpit, error) {
	if bin == "" {
		return nil, fmt.Errorf("MAILPIT_BIN is not set (scripts/bench-harness.sh sets it)")
	}
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	smtp := "127.0.0.1:" + strconv.Itoa(smtpPort)
	cmd := exec.Command(bin, "--smtp", smtp, "--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--database", filepath.Join(dir, "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--disable-version-check", "--quiet")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &mailpit{SMTP: smtp, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", smtp, time.Second); err == nil {
			c.Close()
			return m, nil
		}
		select {
		case <-m.done:
			return nil, fmt.Errorf("mailpit exited at start")
		default:
		}
		if time.Now().After(deadline) {
			m.stop()
			return nil, fmt.Errorf("mailpit did not answer within 15s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *mailpit) stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}
