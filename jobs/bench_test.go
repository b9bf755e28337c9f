package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// benchRequests is how many open requests BenchmarkPlanReminders loads
// (SUNSHINE_BENCH_REQUESTS; default 1,000,000).
func benchRequests(b *testing.B) int {
	if v := os.Getenv("SUNSHINE_BENCH_REQUESTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err)
		return n
	}
	return 1_000_000
}

// BenchmarkPlanReminders plans over N open requests in 20 organizations,
// their due dates spread over two years. The untimed first planning catches
// up on every overdue request at once; each timed iteration plans the next
// day, reading only the requests whose next reminder day has come.
func BenchmarkPlanReminders(b *testing.B) {
	n := benchRequests(b)
	db := storetest.DB(b)
	start := time.Now()
	for _, q := range []string{
		`INSERT INTO organizations (id, name, slug, time_zone)
			SELECT ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'Org ' || i, 'org-' || i,
			       (ARRAY['America/New_York','America/Chicago','America/Denver','America/Los_Angeles'])[1 + i % 4]
			FROM generate_series(1, 20) i`,
		`INSERT INTO users (org_id, email, role)
			SELECT ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'admin@org' || i || '.example', 'admin'
			FROM generate_series(1, 20) i`,
		`INSERT INTO agencies (id, org_id, name, jurisdiction, time_zone)
			SELECT ('00000000-0000-0000-0002-' || lpad(i::text, 12, '0'))::uuid,
			       ('00000000-0000-0000-0000-' || lpad((1 + i % 20)::text, 12, '0'))::uuid,
			       'Agency ' || i, 'us-federal', 'America/New_York'
			FROM generate_series(1, 200) i`,
	} {
		_, err := db.Exec(q)
		require.NoError(b, err)
	}
	_, err := db.Exec(`
		INSERT INTO requests (id, org_id, agency_id, title, delivery_method, status, jurisdiction, received_on, due_on)
			SELECT ('10000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,
			       ('00000000-0000-0000-0000-' || lpad((1 + (1 + i % 200) % 20)::text, 12, '0'))::uuid,
			       ('00000000-0000-0000-0002-' || lpad((1 + i % 200)::text, 12, '0'))::uuid,
			       'Request ' || i, 'email', (ARRAY['submitted','acknowledged','rolling_production'])[1 + i % 3], 'us-federal',
			       DATE '2023-12-04' + (i % 730), DATE '2024-01-01' + (i % 730)
			FROM generate_series(1, $1::int) i`, n)
	require.NoError(b, err)
	_, err = db.Exec(`
		INSERT INTO reminder_schedule (request_id, org_id, soon_dates, overdue_from, next_remind_on)
			SELECT id, org_id, ARRAY[due_on - 5, due_on - 3], due_on + 1, due_on - 5 FROM requests`)
	require.NoError(b, err)
	_, err = db.Exec(`ANALYZE`)
	require.NoError(b, err)
	b.Logf("loaded %d open requests in %s", n, time.Since(start).Round(time.Millisecond))

	st := store.New(db, sunshine.SystemClock{})
	// Due dates spread over 2024-2025; on 31 December 2024 half the open
	// requests are overdue. The first planning catches up on all of them.
	now := time.Date(2024, 12, 31, 14, 0, 0, 0, time.UTC)
	first := time.Now()
	created, err := st.PlanReminders(context.Background(), now)
	require.NoError(b, err)
	b.Logf("first planning (catch-up): %d reminders in %s", created, time.Since(first).Round(time.Millisecond))
	again, err := st.PlanReminders(context.Background(), now)
	require.NoError(b, err)
	require.Zero(b, again, "planning twice creates nothing")
	// Each timed iteration is the next morning: the day's due_soon, due_today
	// and weekly overdue reminders.
	b.ResetTimer()
	var total int64
	for b.Loop() {
		now = now.Add(24 * time.Hour)
		n, err := st.PlanReminders(context.Background(), now)
		require.NoError(b, err)
		total += n
	}
	b.ReportMetric(float64(total)/float64(b.N), "reminders/day")
	b.ReportMetric(float64(n), "requests")
}

// BenchmarkDeliver sends reminders to a local Mailpit over SMTP and reports
// emails per second.
func BenchmarkDeliver(b *testing.B) {
	const count = 1000
	db := storetest.DB(b)
	// Each round's reminders fall due on the round's day: a reminder whose
	// next one of its kind has come is cancelled, not sent (after a gap).
	clock := sunshine.NewFixedClock(time.Date(2017, 4, 7, 15, 0, 0, 0, time.UTC))
	st := store.New(db, clock)
	fx := storetest.Org(b, st, "bench")
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(b, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "All communications with ICE", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")} // due 2017-04-06
	require.NoError(b, st.CreateRequest(fx.Ctx, r))
	mp := mailtest.Start(b)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(b, err)
	// count recipients of an overdue reminder each round: they watch the
	// request (a reminder goes to whoever gets the request's reminders when
	// it is sent; to anyone else it is redirected).
	_, err = db.Exec(`INSERT INTO users (org_id, email, role) SELECT $1, 'u' || i || '@bench.example', 'staff' FROM generate_series(1, $2) i`, fx.Org.ID, count)
	require.NoError(b, err)
	_, err = db.Exec(`INSERT INTO watchers (org_id, request_id, user_id) SELECT $1, $2, u.id FROM users u WHERE u.org_id = $1 AND u.role = 'staff'`, fx.Org.ID, r.ID)
	require.NoError(b, err)
	runner := jobs.NewReminders(st, mailer, clock, slog.New(slog.DiscardHandler), jobs.Config{BaseURL: "https://sunshine.example"})
	b.ResetTimer()
	var sent int
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		clock.Set(time.Date(2017, 4, 7+i, 15, 0, 0, 0, time.UTC))
		_, err := db.Exec(`INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence, next_attempt_at)
			SELECT $1, $2, u.id, 'overdue', DATE '2017-04-06', DATE '2017-04-07' + $3::int, $4 FROM users u WHERE u.org_id = $1 AND u.role = 'staff'`,
			fx.Org.ID, r.ID, i, clock.Now())
		require.NoError(b, err)
		b.StartTimer()
		start := time.Now()
		res, err := runner.Deliver(context.Background())
		elapsed += time.Since(start)
		require.NoError(b, err)
		require.Equal(b, count, res.Sent, fmt.Sprint(res))
		sent += res.Sent
	}
	b.ReportMetric(float64(sent)/elapsed.Seconds(), "emails/s")
}
