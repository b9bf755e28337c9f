package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// Webhooks sends organizations' events to their webhooks
// (sunshine.Webhook): each event once its transaction is final, in
// order, signed as Standard Webhooks says (https://www.standardwebhooks.com),
// and again after a failure until the address takes it.
type Webhooks struct {
	store  *store.Store
	client *http.Client
	cfg    WebhookConfig
	log    *slog.Logger
	// Counters on /metrics.
	sent, failed, turnedOff prometheus.Counter
}

// WebhookConfig sets how webhooks are sent.
type WebhookConfig struct {
	BaseURL string // links to requests: BaseURL/requests/{id}
	// AllowPrivate lets webhooks reach this machine and private networks
	// (SUNSHINE_WEBHOOKS_ALLOW_PRIVATE): an automation server on the
	// office's network. Off, only public addresses are reached, so an
	// admin's address cannot probe the server's own network.
	AllowPrivate bool
	// Client sends the messages; nil is WebhookClient(AllowPrivate).
	Client *http.Client
	// Workers is how many webhooks are sent to at once (default 4).
	Workers int
	// Lease is how long a worker holds a webhook (default 2 minutes); it
	// stops taking its next events after half of it.
	Lease time.Duration
}

// NewWebhooks returns the webhook sender.
func NewWebhooks(st *store.Store, log *slog.Logger, cfg WebhookConfig) *Webhooks {
	if cfg.Client == nil {
		cfg.Client = WebhookClient(cfg.AllowPrivate)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "sunshine_webhook_" + name + "_total", Help: help})
	}
	return &Webhooks{store: st, client: cfg.Client, cfg: cfg, log: log,
		sent:      c("messages_sent", "Webhook messages an address took (test messages included)."),
		failed:    c("messages_failed", "Webhook messages an address did not take (tried again later, but for test messages)."),
		turnedOff: c("turned_off", "Webhooks turned off after failing too long or answering 410 Gone."),
	}
}

// Register adds the webhook counters to reg (the server's /metrics
// registry).
func (w *Webhooks) Register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{w.sent, w.failed, w.turnedOff} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// WebhookResult counts what a run sent.
type WebhookResult struct {
	Sent, Failed, TurnedOff int
}

// webhookBatch is how many events a worker reads at a time.
const webhookBatch = 50

// Run sends what is due: workers claim webhooks until none is due.
func (w *Webhooks) Run(ctx context.Context) (WebhookResult, error) {
	var (
		mu    sync.Mutex
		done  []string // claimed in this run: each is sent to once a run
		total WebhookResult
		errs  []error
		wg    sync.WaitGroup
	)
	workers := w.cfg.Workers
	if !w.store.Concurrent() {
		workers = 1
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				skip := slices.Clone(done)
				mu.Unlock()
				c, err := w.store.ClaimWebhook(ctx, w.cfg.Lease, skip)
				if err == nil && c == nil {
					return
				}
				var res WebhookResult
				if err == nil {
					mu.Lock()
					done = append(done, c.ID)
					mu.Unlock()
					res, err = w.deliver(ctx, c)
				}
				mu.Lock()
				total.Sent += res.Sent
				total.Failed += res.Failed
				total.TurnedOff += res.TurnedOff
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return total, errors.Join(errs...)
}

// deliver sends a claimed webhook its test message, if one was asked
// for, then its events in order, until one fails, none is left or half
// its lease has passed.
func (w *Webhooks) deliver(ctx context.Context, c *store.WebhookClaim) (WebhookResult, error) {
	var res WebhookResult
	stop := time.Now().Add(w.cfg.Lease / 2)
	ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID})
	if c.Ping {
		msgID := "msg_ping_" + uuid.NewString()
		body, err := w.pingBody(c)
		if err != nil {
			return res, err
		}
		a := w.send(ctx, c, msgID, body)
		a.MessageID, a.Kind = msgID, sunshine.WebhookPing
		if a.Error == "" {
			w.sent.Inc()
		} else {
			w.failed.Inc()
		}
		if held, err := w.store.WebhookTested(ctx, c, a); err != nil || !held {
			return res, err // the lease ended, or the webhook was turned off
		}
	}
	var names map[string]string
	for time.Now().Before(stop) {
		events, err := w.store.WebhookEvents(ctx, c, webhookBatch)
		if err != nil || len(events) == 0 {
			if err == nil {
				err = w.store.ReleaseWebhook(ctx, c)
			}
			return res, err
		}
		if names == nil {
			if names, err = w.names(ctx); err != nil {
				return res, err
			}
		}
		for i := range events {
			if !time.Now().Before(stop) {
				break // the rest in the next run, well within the lease
			}
			ev := &events[i]
			body, err := w.eventBody(c, ev, names)
			if err != nil {
				return res, err
			}
			a := w.send(ctx, c, ev.ID, body)
			a.MessageID, a.Kind, a.RequestID, a.After = ev.ID, string(ev.Kind), &ev.RequestID, ev
			if a.Error != "" {
				res.Failed++
				w.failed.Inc()
				off, err := w.store.WebhookFailed(ctx, c, a)
				if off {
					res.TurnedOff++
					w.turnedOff.Inc()
					w.log.Warn("webhook turned off", "job", "send_webhooks", "webhook_id", c.ID, "org_id", c.OrgID, "err", a.Error)
				}
				return res, err
			}
			w.sent.Inc() // taken, whatever happens to the record of it
			held, err := w.store.WebhookSent(ctx, c, a)
			if err != nil || !held {
				return res, err // the lease ended: another worker has it
			}
			res.Sent++
		}
	}
	return res, w.store.ReleaseWebhook(ctx, c)
}

// names are the organization's people by ID, for the events' lines.
func (w *Webhooks) names(ctx context.Context) (map[string]string, error) {
	users, err := w.store.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
		if u.Name == "" {
			names[u.ID] = u.Email
		}
	}
	return names, nil
}

// send POSTs a message to the webhook's address and says how it went:
// taken (a 2xx answer), or why not.
func (w *Webhooks) send(ctx context.Context, c *store.WebhookClaim, msgID string, body []byte) store.Attempt {
	start := time.Now()
	a := store.Attempt{}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = "the address cannot be used: " + err.Error()
		return a
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Sunshine-Webhooks/1 (+"+w.cfg.BaseURL+")")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", Sign(c.Secret, msgID, ts, body))
	resp, err := w.client.Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		a.Error = "no answer: " + connError(err)
		return a
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	a.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return a
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		a.Error = "answered " + resp.Status + ", to " + resp.Header.Get("Location") + ": use that address instead"
	default:
		a.Error = "answered " + resp.Status
		if s := strings.Join(strings.Fields(string(snippet)), " "); s != "" {
			a.Error += ": " + s
		}
	}
	return a
}

// connError says why no answer came, without Go's "Post \"https://…\":"
// prefix, which repeats the address (and any credential in it).
func connError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		return "it did not answer in time"
	}
	if errors.Is(err, errNotPublic) {
		return errNotPublic.Error() // without the address it resolved to
	}
	return err.Error()
}

// Sign is a Standard Webhooks signature: "v1," and the base64 HMAC-SHA256,
// with the secret's bytes (after "whsec_"), of "{msgID}.{timestamp}.{body}".
func Sign(secret, msgID, timestamp string, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		key = []byte(secret)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// WebhookMessage is a JSON webhook's message (Standard Webhooks' form):
// the event's kind as its type, when it happened, and what it says.
type WebhookMessage struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// WebhookEventData is an event message's data.
type WebhookEventData struct {
	Organization WebhookRef     `json:"organization"`
	Event        sunshine.Event `json:"event"`
	// Line is what happened in words, as the Activity page says it.
	Line    string             `json:"line"`
	Actor   *WebhookRef        `json:"actor"`
	Request WebhookRequestData `json:"request"`
}

// WebhookRef names a thing: an organization, a person.
type WebhookRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// WebhookRequestData is the event's request as it stands when it is sent.
type WebhookRequestData struct {
	ID           string         `json:"id"`
	Title        string         `json:"title"`
	AgencyName   string         `json:"agency_name"`
	Jurisdiction string         `json:"jurisdiction"`
	Status       string         `json:"status"`
	DueOn        *deadline.Date `json:"due_on"`
	URL          string         `json:"url"` // the event on the request's page
}

func (w *Webhooks) eventBody(c *store.WebhookClaim, ev *store.WebhookEvent, names map[string]string) ([]byte, error) {
	j, err := deadline.Lookup(ev.Jurisdiction)
	line := ev.Line(err == nil && j.Tolls, names)
	link := w.cfg.BaseURL + "/requests/" + ev.RequestID + "#event-" + ev.ID
	if c.Format == sunshine.WebhookSlack {
		if ev.Kind == sunshine.EventNoteAdded {
			// The note is the news (the pages show it under its line).
			line += ": " + cutLine(ev.Note, slackNote)
		}
		text := "<" + link + "|" + slackEscape(ev.RequestTitle) + "> (" + slackEscape(ev.AgencyName) + "): " + slackEscape(line)
		if ev.ActorName != "" {
			text += " — " + slackEscape(ev.ActorName)
		}
		return json.Marshal(map[string]string{"text": text})
	}
	d := WebhookEventData{
		Organization: WebhookRef{ID: c.OrgID, Name: c.OrgName},
		Event:        ev.Event,
		Line:         line,
		Request: WebhookRequestData{ID: ev.RequestID, Title: ev.RequestTitle, AgencyName: ev.AgencyName,
			Jurisdiction: ev.Jurisdiction, Status: ev.Status, DueOn: ev.DueOn, URL: link},
	}
	if ev.ActorID != nil {
		d.Actor = &WebhookRef{ID: *ev.ActorID, Name: ev.ActorName}
	}
	return json.Marshal(WebhookMessage{Type: string(ev.Kind), Timestamp: ev.CreatedAt.UTC(), Data: d})
}

// slackNote is how much of a note a chat message shows, in characters:
// the link leads to the rest.
const slackNote = 500

// cutLine returns s with its line breaks as spaces, cut to n characters
// with "…".
func cutLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// WebhookPingData is a test message's data.
type WebhookPingData struct {
	Organization WebhookRef `json:"organization"`
	WebhookID    string     `json:"webhook_id"`
	Message      string     `json:"message"`
}

func (w *Webhooks) pingBody(c *store.WebhookClaim) ([]byte, error) {
	msg := "A test message from Sunshine for " + c.OrgName + ": this webhook works."
	if c.Format == sunshine.WebhookSlack {
		return json.Marshal(map[string]string{"text": slackEscape(msg)})
	}
	return json.Marshal(WebhookMessage{Type: sunshine.WebhookPing, Timestamp: time.Now().UTC(),
		Data: WebhookPingData{Organization: WebhookRef{ID: c.OrgID, Name: c.OrgName}, WebhookID: c.ID, Message: msg}})
}

// slackEscape escapes the three characters Slack's message text reads as
// markup (https://api.slack.com/reference/surfaces/formatting#escaping).
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// WebhookClient is the HTTP client webhooks are sent with: a short
// timeout, no redirects followed, no proxy, and, unless allowPrivate,
// connections only to public addresses. The address is checked once
// resolved, on every connection, so a name that resolves to the server's
// own network (or is changed to after it was checked) is refused.
func WebhookClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip, err := netip.ParseAddr(host); err != nil || !PublicAddr(ip) {
			return errNotPublic
		}
		return nil
	}}
	return &http.Client{
		Timeout: 15 * time.Second,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       time.Minute,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// errNotPublic refuses a connection to an address that is not public. It
// does not name the address: an admin's webhook must not map the server's
// network.
var errNotPublic = errors.New("its address is not a public one (an operator may allow private networks: SUNSHINE_WEBHOOKS_ALLOW_PRIVATE)")

// nonPublic are address ranges IsPrivate and its kin leave out: shared
// address space (carrier NAT), "this network", benchmarking, reserved,
// documentation, and IPv6 ranges that carry an IPv4 address.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"), // reserved, and the broadcast address
	netip.MustParsePrefix("::/96"),       // IPv4-compatible, deprecated
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated
	netip.MustParsePrefix("2001::/32"),       // Teredo: an IPv4 address inside
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), // 6to4: an IPv4 address inside
	netip.MustParsePrefix("fec0::/10"), // site-local, deprecated
}

// PublicAddr reports whether ip is an address on the public internet:
// not this machine, a private or link-local network (cloud metadata
// services live there), multicast or a reserved range.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
