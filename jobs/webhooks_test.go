package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// hookServer is a webhook's address over TLS: it keeps what it is sent
// and answers with the status set (200 unless told).
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	status int
}

type received struct {
	Header http.Header
	Body   []byte
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{status: http.StatusOK}
	h.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.got = append(h.got, received{Header: r.Header.Clone(), Body: body})
		w.WriteHeader(h.status)
		if h.status >= 400 {
			_, _ = w.Write([]byte("no_service\n"))
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) answer(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = status
}

// take returns what was sent since the last take.
func (h *hookServer) take() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.got
	h.got = nil
	return out
}

func (b bundle) hooks(h *hookServer) *jobs.Webhooks {
	return jobs.NewWebhooks(b.st, slog.New(slog.DiscardHandler), jobs.WebhookConfig{BaseURL: "https://sunshine.example",
		Client: h.Client()})
}

func (b bundle) addWebhook(t *testing.T, h *hookServer, format sunshine.WebhookFormat, kinds ...sunshine.EventKind) *sunshine.Webhook {
	t.Helper()
	u, desc := h.URL+"/hook", "#foia channel"
	w, err := b.st.CreateWebhook(b.fx.Ctx, sunshine.WebhookInput{URL: &u, Description: &desc, Format: &format, Kinds: &kinds})
	require.NoError(t, err)
	return w
}

func (b bundle) note(t *testing.T, text string) *sunshine.Event {
	t.Helper()
	e, err := b.st.AddNote(b.fx.Ctx, b.req.ID, text)
	require.NoError(t, err)
	return e
}

func decode(t *testing.T, body []byte) (m jobs.WebhookMessage, d map[string]any) {
	t.Helper()
	m.Data = &d
	require.NoError(t, json.Unmarshal(body, &m))
	return m, d
}

// A JSON webhook gets the events that happen after it is made, once each,
// in order, signed with its secret as Standard Webhooks says, with what
// happened in words, who did it, and the request as it stands.
func TestWebhooks_SendsEventsInOrderSigned(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	b.note(t, "Before the webhook: never sent")
	hook := b.addWebhook(t, h, sunshine.WebhookJSON)
	note := b.note(t, "Called the records officer: <they> will answer & send Friday")
	_, err := b.st.TransitionRequest(b.fx.Ctx, b.req.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged})
	require.NoError(t, err)

	res, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	got := h.take()
	require.Equal(t, len(got), res.Sent)
	require.GreaterOrEqual(t, len(got), 2)
	var types []string
	for _, g := range got {
		m, _ := decode(t, g.Body)
		types = append(types, m.Type)
		// The signature verifies with the webhook's secret, over the
		// message's ID, its timestamp and its body as sent.
		id, ts := g.Header.Get("webhook-id"), g.Header.Get("webhook-timestamp")
		require.NotEmpty(t, id)
		require.Equal(t, jobs.Sign(hook.Secret, id, ts, g.Body), g.Header.Get("webhook-signature"))
		require.NotEqual(t, jobs.Sign("whsec_"+strings.Repeat("A", 32), id, ts, g.Body), g.Header.Get("webhook-signature"))
		require.Equal(t, "application/json", g.Header.Get("Content-Type"))
	}
	require.Equal(t, "note_added", types[0])
	require.Contains(t, types, "status_changed")

	m, d := decode(t, got[0].Body)
	require.Equal(t, note.ID, got[0].Header.Get("webhook-id"), "the event's ID: the receiver's key to drop a repeat")
	require.Equal(t, note.CreatedAt.UTC().Truncate(time.Second), m.Timestamp.Truncate(time.Second))
	require.Equal(t, "Internal note", d["line"])
	event := d["event"].(map[string]any)
	require.Equal(t, "Called the records officer: <they> will answer & send Friday", event["note"])
	require.Equal(t, map[string]any{"id": b.fx.Admin.ID, "name": "Admin of ndlon"}, d["actor"])
	require.Equal(t, map[string]any{"id": b.fx.Org.ID, "name": "ndlon"}, d["organization"])
	request := d["request"].(map[string]any)
	require.Equal(t, b.req.Title, request["title"])
	require.Equal(t, "Sacramento County Sheriff's Department", request["agency_name"])
	require.Equal(t, "acknowledged", request["status"], "the request as it stands when sent")
	require.Equal(t, "2017-04-06", request["due_on"])
	require.Equal(t, "https://sunshine.example/requests/"+b.req.ID+"#event-"+note.ID, request["url"])
	for _, g := range got {
		if m, d := decode(t, g.Body); m.Type == "status_changed" {
			require.Equal(t, "Status changed from submitted to acknowledged", d["line"])
		}
	}

	// Sent once: a second run finds nothing new.
	res, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Sent)
	require.Empty(t, h.take())
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.NotNil(t, hook.LastSent)
	require.False(t, hook.Failing())
	deliveries, err := b.st.WebhookDeliveries(b.fx.Ctx, hook.ID, 50)
	require.NoError(t, err)
	require.Equal(t, len(got), len(deliveries))
	require.Equal(t, 200, *deliveries[0].StatusCode)
}

// An event of a transaction that commits after a later one's is sent
// first, once it commits: a webhook waits for it rather than skip it.
func TestWebhooks_WaitsForAnEarlierTransaction(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	b.addWebhook(t, h, sunshine.WebhookJSON, sunshine.EventNoteAdded)

	tx, err := b.st.DB().BeginTxx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	early, err := store.NewInTx(tx, b.clock).AddNote(b.fx.Ctx, b.req.ID, "Written first, committed last")
	require.NoError(t, err)
	late := b.note(t, "Written second, committed first")

	res, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Sent, "the later note waits for the transaction before it")
	require.NoError(t, tx.Commit())

	_, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	got := h.take()
	require.Equal(t, 2, len(got))
	require.Equal(t, early.ID, got[0].Header.Get("webhook-id"))
	require.Equal(t, late.ID, got[1].Header.Get("webhook-id"))
}

// A database restored from a dump into another server keeps its events'
// and webhooks' transaction IDs from the old server, past the new one's:
// the webhook goes on with the events that happen on the new server, and
// sends none of those it holds again.
func TestWebhooks_AfterARestore(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	hook := b.addWebhook(t, h, sunshine.WebhookJSON, sunshine.EventNoteAdded)
	b.note(t, "Sent before the move")
	_, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, len(h.take()))
	b.note(t, "Not sent before the move, and old after it")

	// The old server's IDs ran far ahead of the new one's.
	_, err = b.st.DB().ExecContext(ctx, `UPDATE webhooks SET after_xid = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8
		WHERE id = $1`, hook.ID)
	require.NoError(t, err)
	res, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Zero(t, res.Sent, "what the database held is not sent as new")
	after := b.note(t, "Written on the new server")
	res, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	require.Equal(t, after.ID, h.take()[0].Header.Get("webhook-id"))
}

// A Slack webhook gets one line of text per event of its kinds, with a
// link to the event and Slack's markup characters escaped; another
// organization's events never reach it.
func TestWebhooks_SlackKindsAndOrganizations(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	b.addWebhook(t, h, sunshine.WebhookSlack, sunshine.EventNoteAdded)
	other := storeOrgWithRequest(t, b)
	_, err := b.st.AddNote(other.ctx, other.requestID, "Another organization's note")
	require.NoError(t, err)
	_, err = b.st.TransitionRequest(b.fx.Ctx, b.req.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged})
	require.NoError(t, err)
	note := b.note(t, "Fees <$20>\n& a call")

	res, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	got := h.take()
	require.Equal(t, 1, len(got))
	var slack map[string]string
	require.NoError(t, json.Unmarshal(got[0].Body, &slack))
	require.Equal(t, "<https://sunshine.example/requests/"+b.req.ID+"#event-"+note.ID+"|All communications with ICE since 20 January 2017>"+
		" (Sacramento County Sheriff's Department): Internal note: Fees &lt;$20&gt; &amp; a call — Admin of ndlon", slack["text"])
}

type otherOrg struct {
	ctx       context.Context
	requestID string
}

func storeOrgWithRequest(t *testing.T, b bundle) otherOrg {
	t.Helper()
	o := storetest.Org(t, b.st, "other").Ctx
	a := &sunshine.Agency{Name: "Fresno County Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(o, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: b.req.ReceivedOn}
	require.NoError(t, b.st.CreateRequest(o, r))
	return otherOrg{ctx: o, requestID: r.ID}
}

// An address that fails is tried again later (30 seconds, then longer),
// the event waiting with those after it; once it answers, they go in
// order and the failure is forgotten. Failing for three days turns the
// webhook off, and its admins are emailed why.
func TestWebhooks_RetriesThenTurnsOff(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	hook := b.addWebhook(t, h, sunshine.WebhookJSON, sunshine.EventNoteAdded)
	first := b.note(t, "First")
	h.answer(http.StatusServiceUnavailable)

	hooks := b.hooks(h)
	reg := prometheus.NewRegistry()
	require.NoError(t, hooks.Register(reg))
	res, err := hooks.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, jobs.WebhookResult{Failed: 1}, res)
	require.Equal(t, 1, len(h.take()))
	require.Equal(t, 1.0, counterValue(t, reg, "sunshine_webhook_messages_failed_total"))
	require.Equal(t, 0.0, counterValue(t, reg, "sunshine_webhook_messages_sent_total"))
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, hook.Failing())
	require.Equal(t, "answered 503 Service Unavailable: no_service", hook.LastError)
	require.Equal(t, b.clock.Now().Add(30*time.Second), hook.NextAttempt.In(b.clock.Now().Location()))

	second := b.note(t, "Second")
	res, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Zero(t, res, "not tried again before its time")

	h.answer(http.StatusNoContent)
	b.clock.Set(b.clock.Now().Add(31 * time.Second))
	res, err = hooks.Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	require.Equal(t, 2.0, counterValue(t, reg, "sunshine_webhook_messages_sent_total"))
	got := h.take()
	require.Equal(t, first.ID, got[0].Header.Get("webhook-id"), "the failed event again, then the next")
	require.Equal(t, second.ID, got[1].Header.Get("webhook-id"))
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.False(t, hook.Failing())
	require.Empty(t, hook.LastError)

	// Down for good: tried with growing waits, then turned off.
	b.note(t, "Third")
	h.answer(http.StatusInternalServerError)
	start := b.clock.Now()
	tries := 0
	for b.clock.Now().Sub(start) < 80*time.Hour {
		res, err = b.hooks(h).Run(ctx)
		require.NoError(t, err)
		tries += res.Failed
		if res.TurnedOff == 1 {
			break
		}
		b.clock.Set(b.clock.Now().Add(10 * time.Minute))
	}
	require.Equal(t, len(h.take()), tries)
	require.Less(t, tries, 30, "waits grow: not every ten minutes for three days")
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.False(t, hook.Active)
	require.Contains(t, hook.OffReason, "failed every try for 72 hours")
	require.GreaterOrEqual(t, b.clock.Now().Sub(start), sunshine.WebhookGiveUp)

	res, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Zero(t, res, "off: nothing is tried")

	// The admin's email says which webhook, why, and where to turn it on.
	fake := &mail.Fake{}
	_, err = b.runner(fake).Deliver(ctx)
	require.NoError(t, err)
	var notice *mail.Message
	for _, m := range fake.Sent() {
		if strings.HasPrefix(m.Subject, "A webhook of") {
			notice = &m
		}
	}
	require.NotNil(t, notice)
	require.Equal(t, b.fx.Admin.Email, notice.To)
	require.Equal(t, "A webhook of ndlon was turned off: events no longer go to 127.0.0.1", notice.Subject)
	require.Contains(t, notice.Text, "its address failed every try for 72 hours (last answered 500 Internal Server Error).")
	require.NotContains(t, notice.Text, "no_service", "none of the address's own words")
	require.Contains(t, notice.Text, "(#foia channel)")
	require.Contains(t, notice.Text, "https://sunshine.example/settings/webhooks/"+hook.ID)

	// Turned on again, it sends what happens from then on.
	on := true
	h.answer(http.StatusOK)
	_, err = b.st.UpdateWebhook(b.fx.Ctx, hook.ID, sunshine.WebhookInput{Active: &on})
	require.NoError(t, err)
	after := b.note(t, "After it was turned on")
	res, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	require.Equal(t, after.ID, h.take()[0].Header.Get("webhook-id"))
}

// An address that answers 410 Gone (a chat channel's webhook deleted) is
// turned off at once.
func TestWebhooks_GoneTurnsOffAtOnce(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	hook := b.addWebhook(t, h, sunshine.WebhookSlack)
	b.note(t, "Anyone there?")
	h.answer(http.StatusGone)
	res, err := b.hooks(h).Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.WebhookResult{Failed: 1, TurnedOff: 1}, res)
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.False(t, hook.Active)
	require.Contains(t, hook.OffReason, "410 Gone")
}

// A test message asked for is sent at the next run, signed, with the
// kind ping, and its answer kept with the deliveries; it is not tried
// again when it fails, and its failure is not the webhook's.
func TestWebhooks_Ping(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	ctx := context.Background()
	hook := b.addWebhook(t, h, sunshine.WebhookJSON)
	hook, err := b.st.PingWebhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, hook.PingAsked)

	_, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	got := h.take()
	require.Equal(t, 1, len(got))
	m, d := decode(t, got[0].Body)
	require.Equal(t, "ping", m.Type)
	require.Equal(t, hook.ID, d["webhook_id"])
	require.Equal(t, jobs.Sign(hook.Secret, got[0].Header.Get("webhook-id"), got[0].Header.Get("webhook-timestamp"), got[0].Body),
		got[0].Header.Get("webhook-signature"))

	h.answer(http.StatusNotFound)
	_, err = b.st.PingWebhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	_, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, len(h.take()))
	_, err = b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Empty(t, h.take(), "a failed test message is not sent again")
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.False(t, hook.PingAsked)
	require.False(t, hook.Failing(), "a test message's failure is not the webhook's")
	deliveries, err := b.st.WebhookDeliveries(b.fx.Ctx, hook.ID, 50)
	require.NoError(t, err)
	require.Len(t, deliveries, 2)
	require.Equal(t, "ping", deliveries[0].Kind)
	require.Equal(t, 404, *deliveries[0].StatusCode)
	require.Equal(t, "answered 404 Not Found: no_service", deliveries[0].Error)

	off := false
	_, err = b.st.UpdateWebhook(b.fx.Ctx, hook.ID, sunshine.WebhookInput{Active: &off})
	require.NoError(t, err)
	_, err = b.st.PingWebhook(b.fx.Ctx, hook.ID)
	require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err))
}

// Without SUNSHINE_WEBHOOKS_ALLOW_PRIVATE, webhooks reach public
// addresses only: not this machine, a private network or a cloud
// metadata service, whatever name the address gives.
func TestWebhookClient_PublicAddressesOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"93.184.215.14", true},
		{"2606:4700::6810:84e5", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.10", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // carrier NAT
		{"0.0.0.0", false},
		{"::ffff:127.0.0.1", false},
		{"fd00::1", false},
		{"fe80::1", false},
		{"224.0.0.1", false},
		{"203.0.113.7", false},     // documentation
		{"255.255.255.255", false}, // broadcast
		{"2002:7f00:1::1", false},  // 6to4 around 127.0.0.1
		{"2001:0:4136:e378::1", false},
	} {
		require.Equal(t, tc.public, jobs.PublicAddr(netip.MustParseAddr(tc.ip)), tc.ip)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := jobs.WebhookClient(false).Get(strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
	require.ErrorContains(t, err, "its address is not a public one")
	resp, err := jobs.WebhookClient(true).Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()

	// A webhook to this machine fails, saying why without the address
	// its name resolved to.
	b := sacramento(t)
	h := newHookServer(t)
	hook := b.addWebhook(t, h, sunshine.WebhookJSON)
	b.note(t, "Anyone there?")
	res, err := jobs.NewWebhooks(b.st, slog.New(slog.DiscardHandler), jobs.WebhookConfig{}).Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, res.Failed)
	require.Empty(t, h.take())
	hook, err = b.st.Webhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	require.Equal(t, "no answer: its address is not a public one (an operator may allow private networks: SUNSHINE_WEBHOOKS_ALLOW_PRIVATE)",
		hook.LastError)
}

// A webhook an admin turns off while its events are being sent stops
// after the one on its way.
func TestWebhooks_TurnedOffWhileSending(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	var hook *sunshine.Webhook
	sent := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent++
		if sent == 1 {
			off := false
			_, err := b.st.UpdateWebhook(b.fx.Ctx, hook.ID, sunshine.WebhookInput{Active: &off})
			require.NoError(t, err)
		}
	}))
	defer srv.Close()
	u := srv.URL + "/hook"
	hook, err := b.st.CreateWebhook(b.fx.Ctx, sunshine.WebhookInput{URL: &u})
	require.NoError(t, err)
	for range 5 {
		b.note(t, "One of five")
	}
	res, err := jobs.NewWebhooks(b.st, slog.New(slog.DiscardHandler), jobs.WebhookConfig{Client: srv.Client()}).Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, sent, "the one on its way, and no more")
	require.Zero(t, res.Sent, "its place is not moved by a worker that no longer holds it")
}

// A test message the address refuses does not hold up the events after
// it: they go in the same run.
func TestWebhooks_FailedPingThenEvents(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, string(body))
		if strings.Contains(string(body), `"type":"ping"`) {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	u := srv.URL + "/hook"
	hook, err := b.st.CreateWebhook(b.fx.Ctx, sunshine.WebhookInput{URL: &u})
	require.NoError(t, err)
	b.note(t, "Waiting behind the test")
	_, err = b.st.PingWebhook(b.fx.Ctx, hook.ID)
	require.NoError(t, err)
	res, err := jobs.NewWebhooks(b.st, slog.New(slog.DiscardHandler), jobs.WebhookConfig{Client: srv.Client()}).Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, len(got))
	require.Equal(t, 1, res.Sent, "the note, after the refused test")
}

// A new address ends the claim of the worker sending to the old one: it
// records nothing more, and the next run sends to the new address.
func TestWebhooks_NewAddressEndsTheClaim(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	h := newHookServer(t)
	hook := b.addWebhook(t, h, sunshine.WebhookJSON)
	ctx := context.Background()
	b.note(t, "Sent to the new address")
	c, err := b.st.ClaimWebhook(ctx, time.Minute, nil)
	require.NoError(t, err)
	events, err := b.st.WebhookEvents(ctx, c, 10)
	require.NoError(t, err)
	require.Len(t, events, 1)
	moved := h.URL + "/moved"
	_, err = b.st.UpdateWebhook(b.fx.Ctx, hook.ID, sunshine.WebhookInput{URL: &moved})
	require.NoError(t, err)
	held, err := b.st.WebhookSent(ctx, c, store.Attempt{MessageID: events[0].ID, Kind: "note_added", After: &events[0]})
	require.NoError(t, err)
	require.False(t, held, "the old address's worker no longer holds it")
	res, err := b.hooks(h).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent, "the event goes to the new address")
}
