//go:build faults

package faults_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// t0 is the morning the Sacramento requests (received Mon 27 Mar 2017 under
// the CPRA) are due: `remind --once --now t0` owes one due_today reminder
// per request to the organization's admin.
var t0 = time.Date(2017, 4, 6, 8, 0, 0, 0, time.FixedZone("PDT", -7*3600))

// mailRig is a fresh database with one organization, its agency and n
// requests due on t0, an API server (jobs off) to look through, and a
// Mailpit with chaos triggers.
type mailRig struct {
	dbURL string
	db    *sqlx.DB
	tn    tenant
	srv   *server
	mp    *mailtest.Server
	reqs  []string
}

func newMailRig(t *testing.T, n int) *mailRig {
	t.Helper()
	r := &mailRig{}
	r.dbURL, r.db = freshDB(t)
	r.tn = createOrg(t, r.dbURL, "mail")
	r.srv = startServe(t, "serve", map[string]string{"SUNSHINE_DATABASE_URL": r.dbURL})
	noDigests(t, r.srv.base, r.tn.Token)
	agency := createAgency(t, r.srv.base, r.tn.Token)
	r.reqs = createRequests(t, r.srv.base, r.tn.Token, agency, n, "2017-03-27")
	r.mp = mailtest.Start(t)
	return r
}

// remindResult is what one `sunshine remind --once` printed.
type remindResult struct {
	Planned, Digests, Sent, Retrying, Failed, Cancelled int
	out, stderr                                         string
}

func parseRemind(out string) (remindResult, bool) {
	var r remindResult
	i := strings.Index(out, "planned ")
	if i < 0 {
		return r, false
	}
	_, err := fmt.Sscanf(out[i:], "planned %d reminders and %d digests; sent %d, retrying %d, failed %d, cancelled %d",
		&r.Planned, &r.Digests, &r.Sent, &r.Retrying, &r.Failed, &r.Cancelled)
	return r, err == nil
}

// remind runs `sunshine remind --once --now at` against smtpURL.
func remind(t *testing.T, dbURL, smtpURL string, at time.Time) remindResult {
	t.Helper()
	out, errOut, err := runCLI(t, map[string]string{"SUNSHINE_DATABASE_URL": dbURL, "SUNSHINE_SMTP_URL": smtpURL,
		"SUNSHINE_MAIL_FROM": "Sunshine <reminders@sunshine.example>", "SUNSHINE_LOG_FORMAT": "json"},
		"remind", "--once", "--send", "--now", at.Format(time.RFC3339))
	if err != nil {
		t.Fatalf("remind --once --now %s: %v\n%s\n%s", at.Format(time.RFC3339), err, out, tail(errOut, 20))
	}
	r, ok := parseRemind(out)
	if !ok {
		t.Fatalf("remind printed %q", out)
	}
	r.out, r.stderr = out, errOut
	t.Logf("remind --now %s: %s", at.Format(time.RFC3339), strings.TrimSpace(out))
	return r
}

// checkOnce asserts that every reminder row is sent and that Mailpit holds
// exactly one message per reminder, by Message-ID; it records the figures.
// A digest with nothing left to say (each of its requests had its own
// email that day, sent first) is rightly cancelled, and not counted.
func checkOnce(t *testing.T, db *sqlx.DB, mp *mailtest.Server) mailTally {
	t.Helper()
	sc := statusCounts(t, db)
	emptyDigests := count(t, db, `SELECT count(*) FROM reminders WHERE kind = 'digest' AND status = 'cancelled' AND last_error = 'nothing to report any more'`)
	record(t, "empty_digests_cancelled", emptyDigests)
	sc["cancelled"] -= emptyDigests
	sent := reminderIDs(t, db, `status = 'sent'`)
	tl := tally(mp.Messages(t), sent)
	record(t, "reminders_planned", sc["pending"]+sc["sent"]+sc["failed"]+sc["cancelled"])
	record(t, "reminders_sent", sc["sent"])
	record(t, "reminders_pending", sc["pending"])
	record(t, "reminders_failed", sc["failed"])
	record(t, "mailpit_messages", tl.Messages)
	record(t, "unique_message_ids", tl.UniqueIDs)
	record(t, "duplicates", tl.Duplicates)
	record(t, "lost", len(tl.Missing))
	if sc["pending"] != 0 || sc["failed"] != 0 || sc["cancelled"] != 0 {
		t.Errorf("reminders not all sent: %v", sc)
	}
	if len(tl.Missing) > 0 {
		t.Errorf("%d sent reminders have no message in Mailpit: %v", len(tl.Missing), tl.Missing[:min(5, len(tl.Missing))])
	}
	if len(tl.Unknown) > 0 || tl.ForeignIDs > 0 {
		t.Errorf("messages that are no sent reminder: %v (and %d foreign Message-IDs)", tl.Unknown, tl.ForeignIDs)
	}
	return tl
}

// SMTP is down for a whole planning and delivery window, and for the first
// retry; then it comes back: nothing lost, nothing sent twice.
func TestMailSMTPDownForAWholeWindow(t *testing.T) {
	const n = 20
	r := newMailRig(t, n)
	r.mp.Stop()

	first := remind(t, r.dbURL, r.mp.URL(), t0)
	if first.Planned != n || first.Sent != 0 || first.Retrying != n {
		t.Fatalf("with SMTP down: %+v, want %d planned and retrying", first, n)
	}
	pending := listReminders(t, r.srv.base, r.tn.Token, "pending")
	if len(pending) != n || !strings.Contains(pending[0].LastError, "connect") {
		t.Fatalf("GET /api/v1/reminders?status=pending: %d, first %+v; want %d with a connect error", len(pending), pending[0], n)
	}
	record(t, "pending_error_example", pending[0].LastError)
	// Before the backoff: not retried. After it, still down: retried, failing.
	if res := remind(t, r.dbURL, r.mp.URL(), t0.Add(30*time.Second)); res.Sent+res.Retrying != 0 || res.Planned != 0 {
		t.Fatalf("before the backoff: %+v, want nothing", res)
	}
	if res := remind(t, r.dbURL, r.mp.URL(), t0.Add(61*time.Second)); res.Retrying != n {
		t.Fatalf("second window, still down: %+v, want %d retrying", res, n)
	}

	r.mp.Restart(t)
	if res := remind(t, r.dbURL, r.mp.URL(), t0.Add(2*time.Minute)); res.Sent != 0 {
		t.Fatalf("before the second backoff (2 min): %+v, want nothing sent", res)
	}
	back := remind(t, r.dbURL, r.mp.URL(), t0.Add(4*time.Minute))
	again := remind(t, r.dbURL, r.mp.URL(), t0.Add(10*time.Minute))
	record(t, "sent_when_back", back.Sent)
	record(t, "sent_on_a_later_run", again.Sent)
	tl := checkOnce(t, r.db, r.mp)
	if back.Sent != n || again.Sent != 0 || tl.Messages != n || tl.Duplicates != 0 {
		t.Errorf("after the outage: sent %d then %d, %d messages, %d duplicates; want %d, 0, %d, 0",
			back.Sent, again.Sent, tl.Messages, tl.Duplicates, n, n)
	}
}

// SMTP answers 451 (a temporary failure) to every recipient, then 550 (a
// permanent one) to every sender: each failure is visible through the API
// with its error text, retried with backoff, marked failed after the last
// attempt; staff retry them and each is delivered once.
func TestMailSMTPAnswers4xxThen5xx(t *testing.T) {
	const n = 10
	r := newMailRig(t, n)

	r.mp.Chaos(t, nil, &mailtest.Trigger{ErrorCode: 451, Probability: 100})
	if res := remind(t, r.dbURL, r.mp.URL(), t0); res.Planned != n || res.Retrying != n {
		t.Fatalf("with 451: %+v, want %d retrying", res, n)
	}
	pending := listReminders(t, r.srv.base, r.tn.Token, "pending")
	if len(pending) != n || !strings.Contains(pending[0].LastError, "451") {
		t.Fatalf("GET /api/v1/reminders?status=pending: %d, first %+v; want %d naming 451", len(pending), pending[0], n)
	}
	record(t, "error_4xx_example", pending[0].LastError)

	// 550 from now on; attempts 2..8 at the backoff times (1, 2, 4 … minutes).
	r.mp.Chaos(t, &mailtest.Trigger{ErrorCode: 550, Probability: 100}, nil)
	at, backoff, runs := t0, time.Minute, 1
	for runs < 8 {
		at = at.Add(backoff)
		backoff *= 2
		res := remind(t, r.dbURL, r.mp.URL(), at)
		runs++
		if res.Retrying+res.Failed != n {
			t.Fatalf("attempt %d at %s: %+v, want %d failing", runs, at, res, n)
		}
	}
	failed := listReminders(t, r.srv.base, r.tn.Token, "failed")
	if len(failed) != n || !strings.Contains(failed[0].LastError, "550") || failed[0].Attempts != 8 {
		t.Fatalf("GET /api/v1/reminders?status=failed: %d, first %+v; want %d after 8 attempts naming 550", len(failed), failed[0], n)
	}
	record(t, "error_5xx_example", failed[0].LastError)
	record(t, "attempts_before_failed", failed[0].Attempts)
	if got := r.mp.Total(); got != 0 {
		t.Fatalf("Mailpit stored %d messages while refusing them", got)
	}

	// Mail is fixed; staff retry each failed reminder through the API.
	r.mp.Chaos(t, nil, nil)
	for _, f := range failed {
		mustCall(t, 200, "POST", r.srv.base+"/api/v1/reminders/"+f.ID+"/retry", r.tn.Token, nil, nil)
	}
	// The API dates the retry by the real clock, so deliver at the real
	// time: planning then also owes this week's overdue reminders (the
	// 2017 requests are long overdue), which must go out once too.
	res := remind(t, r.dbURL, r.mp.URL(), time.Now().Add(time.Minute))
	again := remind(t, r.dbURL, r.mp.URL(), time.Now().Add(2*time.Minute))
	record(t, "retried_by_staff", len(failed))
	record(t, "overdue_planned_at_real_time", res.Planned)
	tl := checkOnce(t, r.db, r.mp)
	if res.Sent != n+res.Planned || again.Sent != 0 || tl.Duplicates != 0 {
		t.Errorf("after the fix: sent %d then %d, %d duplicates; want %d then 0, none", res.Sent, again.Sent, tl.Duplicates, n+res.Planned)
	}
}

// Every SMTP reply arrives 150 ms late (a slow server or link): delivery
// takes longer but completes, each reminder once.
func TestMailSlowSMTP(t *testing.T) {
	const n = 10
	r := newMailRig(t, n)
	slow := startSlowSMTP(t, r.mp.Addr(), 150*time.Millisecond)
	start := time.Now()
	res := remind(t, r.dbURL, slow.url(), t0)
	took := time.Since(start)
	again := remind(t, r.dbURL, slow.url(), t0.Add(time.Minute))
	record(t, "reply_delay_ms", 150)
	record(t, "delivery_seconds", took.Round(100*time.Millisecond).Seconds())
	record(t, "smtp_connections", slow.conns.Load())
	tl := checkOnce(t, r.db, r.mp)
	if res.Sent != n || again.Sent != 0 || tl.Messages != n || tl.Duplicates != 0 {
		t.Errorf("slow SMTP: sent %d then %d, %d messages, %d duplicates; want %d, 0, %d, 0", res.Sent, again.Sent, tl.Messages, tl.Duplicates, n, n)
	}
}
