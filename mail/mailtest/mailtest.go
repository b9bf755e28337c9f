// Package mailtest runs a real SMTP server, Mailpit, for tests of the mail
// package and of code that sends mail.
//
// The Mailpit binary is found through the MAILPIT_BIN environment variable,
// which `make test` sets after building Mailpit. A test that needs it and
// finds no binary fails rather than skips: a skipped SMTP suite would let a
// broken set-up pass.
package mailtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvBin names the environment variable holding the Mailpit binary's path.
const EnvBin = "MAILPIT_BIN"

// Server is a running Mailpit. Its methods are safe for concurrent use.
type Server struct {
	bin      string
	db       string
	smtpPort int
	httpPort int

	mu  sync.Mutex
	cmd *exec.Cmd
	out *lockedBuffer // Mailpit's output, shown when it fails to start
	bye chan struct{} // closed when cmd exits
}

// Address is a mailbox in Mailpit's API.
type Address struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Summary is one message in Mailpit's message list.
type Summary struct {
	ID        string    `json:"ID"`        // Mailpit's own ID, for Message
	MessageID string    `json:"MessageID"` // the Message-ID header, without angle brackets
	From      Address   `json:"From"`
	To        []Address `json:"To"`
	Subject   string    `json:"Subject"`
	Created   time.Time `json:"Created"`
	Tags      []string  `json:"Tags"` // includes the SMTP username when the client authenticated
}

// Full is one message with its bodies and headers.
type Full struct {
	ID        string    `json:"ID"`
	MessageID string    `json:"MessageID"`
	From      Address   `json:"From"`
	To        []Address `json:"To"`
	Cc        []Address `json:"Cc"`
	Bcc       []Address `json:"Bcc"` // envelope recipients the headers do not name
	ReplyTo   []Address `json:"ReplyTo"`
	Subject   string    `json:"Subject"`
	Date      time.Time `json:"Date"`
	Text      string    `json:"Text"`
	HTML      string    `json:"HTML"`
	// Attachments are the files it carries, in order; Part reads one.
	Attachments []Attachment `json:"Attachments"`
	// Headers maps each header name, as Mailpit reports it, to its values;
	// use Header to look one up case-insensitively.
	Headers map[string][]string `json:"-"`
}

// Attachment is a file a message carries, as Mailpit lists it.
type Attachment struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
	Size        int    `json:"Size"`
}

// Header returns the first value of the header name, matched case-insensitively.
func (f Full) Header(name string) string {
	for k, v := range f.Headers {
		if len(v) > 0 && equalFold(k, name) {
			return v[0]
		}
	}
	return ""
}

func equalFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

// Start starts Mailpit on free loopback ports with a database in a temporary
// directory, waits until its API answers, and stops it when the test ends.
// SMTP accepts any username and password, over plain text too, so that
// authentication can be tested; chaos triggers are enabled (off until
// Chaos sets them) and no message is pruned. Start fails the test if MAILPIT_BIN is unset.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := os.Getenv(EnvBin)
	if bin == "" {
		t.Fatalf("mailtest: %s is not set; run `make test`, which builds Mailpit and sets it "+
			"(or: GOBIN=/tmp/mpbin go install github.com/axllent/mailpit@v1.33.1 && export %s=/tmp/mpbin/mailpit)", EnvBin, EnvBin)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("mailtest: %s=%q: %v", EnvBin, bin, err)
	}
	dir := t.TempDir()
	var lastErr error
	// Free ports are found by listening and closing, so another process may
	// take one before Mailpit does; retry with new ports.
	for attempt := 0; attempt < 5; attempt++ {
		s := &Server{bin: bin, db: filepath.Join(dir, "mailpit-"+strconv.Itoa(attempt)+".db")}
		var err error
		if s.smtpPort, err = freePort(); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		if s.httpPort, err = freePort(); err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("mailtest: start Mailpit: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs Mailpit and waits up to 15 s for its API.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	out := &lockedBuffer{}
	cmd := exec.Command(s.bin,
		"--smtp", s.smtpAddr(),
		"--listen", s.httpAddr(),
		"--database", s.db,
		"--smtp-auth-accept-any",
		"--smtp-auth-allow-insecure",
		"--tags-username", // tags each message with the SMTP user, so tests can see auth happened
		"--disable-version-check",
		"--quiet",
		"--enable-chaos", // lets Chaos make SMTP answer 4xx/5xx
		"--max", "0",     // keep every message: tests count them all
	)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	bye := make(chan struct{})
	go func() { _ = cmd.Wait(); close(bye) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-bye:
			return fmt.Errorf("mailpit exited: %s", out.String())
		default:
		}
		if s.ready() {
			s.cmd, s.out, s.bye = cmd, out, bye
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-bye
			return fmt.Errorf("mailpit did not answer within 15s: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ready reports whether both the API and the SMTP port answer.
func (s *Server) ready() bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(s.apiURL("/api/v1/info"))
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	conn, err := net.DialTimeout("tcp", s.smtpAddr(), time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// Stop stops Mailpit (an outage); the ports stay reserved for Restart. It
// is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.bye:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.bye
	}
	s.cmd = nil
}

// Restart starts Mailpit again on the same ports and database after Stop.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.start(); err != nil {
		t.Fatalf("mailtest: restart Mailpit: %v", err)
	}
}

// URL returns the SMTP URL to give mail.NewSMTP: smtp://127.0.0.1:PORT.
func (s *Server) URL() string { return "smtp://" + s.smtpAddr() }

// Addr returns the SMTP host:port.
func (s *Server) Addr() string { return s.smtpAddr() }

// WebURL returns the base URL of Mailpit's web UI and API.
func (s *Server) WebURL() string { return "http://" + s.httpAddr() }

func (s *Server) smtpAddr() string          { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.smtpPort)) }
func (s *Server) httpAddr() string          { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.httpPort)) }
func (s *Server) apiURL(path string) string { return "http://" + s.httpAddr() + path }

// Messages returns every stored message, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	const pageSize = 1000
	var all []Summary
	for start := 0; ; start += pageSize {
		var page struct {
			Messages []Summary `json:"messages"`
		}
		s.do(t, http.MethodGet, fmt.Sprintf("/api/v1/messages?limit=%d&start=%d", pageSize, start), nil, &page)
		all = append(all, page.Messages...)
		if len(page.Messages) < pageSize {
			return all
		}
	}
}

// Total is how many messages Mailpit holds, or -1 when it does not answer
// (it may be stopped); cheap enough to poll.
func (s *Server) Total() int {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(s.apiURL("/api/v1/messages?limit=1"))
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var page struct {
		Total int `json:"total"`
	}
	if json.NewDecoder(resp.Body).Decode(&page) != nil {
		return -1
	}
	return page.Total
}

// Trigger is a chaos trigger: SMTP answers ErrorCode with a probability in
// percent.
type Trigger struct {
	ErrorCode   int `json:"ErrorCode"`
	Probability int `json:"Probability"`
}

// Chaos sets Mailpit's SMTP failure triggers, at MAIL FROM (sender) and
// RCPT TO (recipient); a nil trigger is turned off.
func (s *Server) Chaos(t testing.TB, sender, recipient *Trigger) {
	t.Helper()
	body := map[string]any{}
	if sender != nil {
		body["Sender"] = sender
	}
	if recipient != nil {
		body["Recipient"] = recipient
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s.do(t, http.MethodPut, "/api/v1/chaos", b, nil)
}

// Message returns the message with Mailpit's ID id (Summary.ID), with its
// text and HTML bodies and headers.
func (s *Server) Message(t testing.TB, id string) Full {
	t.Helper()
	var f Full
	s.do(t, http.MethodGet, "/api/v1/message/"+url.PathEscape(id), nil, &f)
	s.do(t, http.MethodGet, "/api/v1/message/"+url.PathEscape(id)+"/headers", nil, &f.Headers)
	return f
}

// Raw returns the message with Mailpit's ID id as received.
func (s *Server) Raw(t testing.TB, id string) []byte {
	t.Helper()
	var b []byte
	s.do(t, http.MethodGet, "/api/v1/message/"+url.PathEscape(id)+"/raw", nil, &b)
	return b
}

// Part returns the decoded bytes of part partID (Attachment.PartID) of
// the message with Mailpit's ID id.
func (s *Server) Part(t testing.TB, id, partID string) []byte {
	t.Helper()
	var b []byte
	s.do(t, http.MethodGet, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID), nil, &b)
	return b
}

// DeleteAll deletes every stored message.
func (s *Server) DeleteAll(t testing.TB) {
	t.Helper()
	s.do(t, http.MethodDelete, "/api/v1/messages", []byte(`{}`), nil)
}

// do calls the API; into may be nil, a *[]byte for the raw body, or a value
// to decode JSON into.
func (s *Server) do(t testing.TB, method, path string, body []byte, into any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.apiURL(path), rd)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("mailtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mailtest: %s %s: %v", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailtest: %s %s: %s: %s", method, path, resp.Status, b)
	}
	switch v := into.(type) {
	case nil:
	case *[]byte:
		*v = b
	default:
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("mailtest: %s %s: decode: %v: %s", method, path, err, b)
		}
	}
}

// lockedBuffer collects Mailpit's stdout and stderr, written from
// os/exec's copying goroutines and read by start.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
