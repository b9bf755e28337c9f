// Command bench is Sunshine's benchmark harness (issue 7): it generates a
// large, reproducible data set, serves it with the real `sunshine serve`,
// drives each API path at the same concurrency, and measures the same
// machine's ceilings (pgbench -S and -N, a Gin handler without a database)
// in the same run. docs/performance.md explains it and records a run.
//
//	go run ./bench                 # default scale: 1,000,000 requests
//	go run ./bench -quick          # scale 0.01, 3 s per scenario
//
// It needs TEST_DATABASE_URL (a PostgreSQL server it may create databases
// on), MAILPIT_BIN and pgbench; scripts/bench-harness.sh sets the first two.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
)

type options struct {
	seed        uint64
	scale       float64
	concurrency int
	duration    time.Duration
	quick       bool
	keep        bool
	reuse       string
	out         string
	asOf        string
	emails      int
	cpuProfile  string
	profileDir  string
	only        []string
}

func main() {
	var o options
	flag.Uint64Var(&o.seed, "seed", 1, "random seed of the data generator")
	flag.Float64Var(&o.scale, "scale", 1.0, "data scale: 1.0 = 1,000,000 requests and 3,000,000 communications")
	flag.IntVar(&o.concurrency, "c", 8, "concurrent clients for every scenario and for pgbench")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "how long each scenario runs")
	flag.BoolVar(&o.quick, "quick", false, "quick mode: -scale 0.01 -duration 3s (about a minute)")
	flag.BoolVar(&o.keep, "keep", false, "keep the benchmark database (its name is printed)")
	flag.StringVar(&o.reuse, "db", "", "reuse a database kept with -keep instead of generating one")
	flag.StringVar(&o.out, "out", "bench/results.json", "where to write the JSON results")
	flag.StringVar(&o.asOf, "asof", "", "the data's today, YYYY-MM-DD (default: today, UTC)")
	flag.IntVar(&o.emails, "emails", 1000, "reminders delivered to Mailpit")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write the harness's CPU profile to this file")
	flag.StringVar(&o.profileDir, "profile", "", "write the server's CPU profile of each scenario into this directory")
	only := flag.String("only", "", "comma-separated scenarios to run (e.g. \"search,create request,planning\"); default: all")
	flag.Parse()
	if *only != "" {
		o.only = strings.Split(*only, ",")
	}
	if o.quick {
		o.scale, o.duration = 0.01, 3*time.Second
		o.emails = min(o.emails, 300)
	}
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench: ")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	adminURL := os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		return errors.New("TEST_DATABASE_URL is not set (scripts/bench-harness.sh sets it)")
	}
	asOf := deadline.Today(time.Now(), time.UTC)
	if o.asOf != "" {
		var err error
		if asOf, err = deadline.ParseDate(o.asOf); err != nil {
			return fmt.Errorf("-asof: %w", err)
		}
	}
	g := newGenConfig(o.seed, o.scale, asOf)
	res := &Results{Started: time.Now().UTC(), Quick: o.quick, Concurrency: o.concurrency, Duration: o.duration.String(), Generator: g, Only: o.only}

	tmp, err := os.MkdirTemp("", "sunshine-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	log.Printf("building ./cmd/sunshine")
	bin, err := buildSunshine(ctx, tmp)
	if err != nil {
		return err
	}
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()

	// The database: fresh (or reused), migrated by the binary, loaded.
	name := o.reuse
	if name == "" {
		name = "sunshine_bench_" + strconv.Itoa(os.Getpid())
		if err := createDatabase(ctx, admin, name); err != nil {
			return err
		}
		if o.keep {
			log.Printf("database %s will be kept (-keep)", name)
		} else {
			defer func() {
				if err := dropDatabase(admin, name); err != nil {
					log.Printf("drop %s: %v", name, err)
				}
			}()
		}
	}
	dbURL, err := withDatabase(adminURL, name)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	meta, _ := json.Marshal(g)
	if o.reuse == "" {
		log.Printf("database %s: migrating with sunshine migrate, loading %d requests", name, g.Requests)
		if err := migrate(ctx, bin, dbURL); err != nil {
			return err
		}
		start := time.Now()
		if err := loadData(ctx, db, g); err != nil {
			return err
		}
		res.LoadSeconds = time.Since(start).Seconds()
		if _, err := db.ExecContext(ctx, "COMMENT ON DATABASE "+quoteIdent(name)+" IS "+quoteLiteral(string(meta))); err != nil {
			return err
		}
	} else {
		var have string
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = current_database()`).Scan(&have); err != nil {
			return err
		}
		if have != string(meta) {
			return fmt.Errorf("-db %s was generated with %s, not %s: pass the same -seed, -scale and -asof", name, have, meta)
		}
	}
	if res.Data, err = dataSize(ctx, db); err != nil {
		return err
	}
	if res.Machine, err = machine(ctx, db); err != nil {
		return err
	}

	// Ceilings: pgbench in its own database on the same server, before the
	// HTTP scenarios and again after them.
	ceil, err := startCeilings(ctx, admin, adminURL)
	if err != nil {
		return err
	}
	defer ceil.cleanup()
	if err := ceil.run(ctx, o, &res.Ceilings.PgbenchSelect, &res.Ceilings.PgbenchWrite); err != nil {
		return err
	}

	// The product: sunshine serve, driven over HTTP.
	log.Printf("starting sunshine serve")
	srv, err := startServer(ctx, bin, dbURL, tmp, o.profileDir != "")
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := httpScenarios(ctx, srv, g, o, res); err != nil {
		return err
	}
	res.Server.PeakRSSMB = srv.PeakRSSMB()
	srv.stop()
	res.Ceilings.PgbenchSelectAfter, res.Ceilings.PgbenchWriteAfter = &pgbenchResult{}, &pgbenchResult{}
	if err := ceil.run(ctx, o, res.Ceilings.PgbenchSelectAfter, res.Ceilings.PgbenchWriteAfter); err != nil {
		return err
	}

	if res.runs(scPlanning) || res.runs(scDelivery) {
		if err := planAndDeliver(ctx, dbURL, g, o, tmp, res); err != nil {
			return err
		}
	}

	res.setRatios()
	res.Targets = res.evaluate()
	res.writeTable(os.Stdout)
	if o.out != "" {
		if err := res.writeJSON(o.out); err != nil {
			return err
		}
		log.Printf("wrote %s", o.out)
	}
	return nil
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// ceilingRunner measures the machine's PostgreSQL with pgbench (-S, -N) in
// a database of its own on the same server, kept until cleanup so that the
// ceilings are measured before the HTTP scenarios and again after them.
type ceilingRunner struct {
	url     string
	cleanup func()
}

func startCeilings(ctx context.Context, admin *sql.DB, adminURL string) (*ceilingRunner, error) {
	name := "sunshine_bench_pgbench_" + strconv.Itoa(os.Getpid())
	if err := createDatabase(ctx, admin, name); err != nil {
		return nil, err
	}
	cleanup := func() {
		if err := dropDatabase(admin, name); err != nil {
			log.Printf("drop %s: %v", name, err)
		}
	}
	u, err := withDatabase(adminURL, name)
	if err == nil {
		log.Printf("pgbench -i -s 10")
		err = pgbenchInit(ctx, u)
	}
	if err != nil {
		cleanup()
		return nil, err
	}
	return &ceilingRunner{url: u, cleanup: cleanup}, nil
}

// run measures pgbench -S then -N into sel and write.
func (c *ceilingRunner) run(ctx context.Context, o options, sel, write *pgbenchResult) error {
	for _, p := range []struct {
		mode string
		into *pgbenchResult
	}{{"-S", sel}, {"-N", write}} {
		log.Printf("pgbench %s -c %d -T %s", p.mode, o.concurrency, o.duration)
		var err error
		if *p.into, err = pgbench(ctx, c.url, p.mode, o.concurrency, o.duration); err != nil {
			return err
		}
	}
	return nil
}

// httpScenarios runs every HTTP scenario, and the Gin ceiling, at the
// same concurrency.
func httpScenarios(ctx context.Context, srv *server, g *genConfig, o options, res *Results) error {
	base := srv.Base
	client := newClient(o.concurrency)
	c := o.concurrency
	get := func(path, token string) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err == nil && token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, err
	}
	randomOrg := func(r *rand.Rand) int { return r.IntN(g.Orgs) }

	// A sample of existing requests, for "request by ID".
	sr := g.rnd(0, 0)
	type known struct {
		id  string
		org int
	}
	sample := make([]known, 5000)
	for i := range sample {
		q := g.genRequest(sr.IntN(g.Requests))
		sample[i] = known{q.ID, q.Org}
	}
	// Calendar feeds: the admins of up to 20 organizations get an address.
	var feeds []string
	for k := 0; k < min(20, g.Orgs); k++ {
		o := k * g.Orgs / min(20, g.Orgs)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/me/calendar", nil)
		req.Header.Set("Authorization", "Bearer "+g.token(o))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		var body struct{ URL string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST /api/v1/me/calendar: %s %v", resp.Status, err)
		}
		feeds = append(feeds, strings.TrimPrefix(body.URL, base))
	}

	ginBase, stopGin, err := startGin()
	if err != nil {
		return err
	}
	defer stopGin()
	csvBudget := 5
	if o.quick {
		csvBudget = 3
	}
	specs := []loadSpec{
		{Name: scGin, Kind: "ceiling", Next: func(*rand.Rand) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, ginBase+"/ping", nil)
		}},
		{Name: scDashboard, Kind: "read", Next: func(r *rand.Rand) (*http.Request, error) {
			return get("/api/v1/requests?status=submitted&status=acknowledged&limit=50", g.token(randomOrg(r)))
		}},
		{Name: scByID, Kind: "read", Next: func(r *rand.Rand) (*http.Request, error) {
			k := sample[r.IntN(len(sample))]
			return get("/api/v1/requests/"+k.id, g.token(k.org))
		}},
		{Name: scSearch, Kind: "read", Next: func(r *rand.Rand) (*http.Request, error) {
			return get("/api/v1/search?q=detainer", g.token(randomOrg(r)))
		}},
		{Name: scCalendar, Kind: "read", Next: func(r *rand.Rand) (*http.Request, error) {
			return get(feeds[r.IntN(len(feeds))], "")
		}},
		{Name: scCSV, Kind: "read", Concurrency: 1, MaxRequests: csvBudget, Next: func(*rand.Rand) (*http.Request, error) {
			return get("/api/v1/requests.csv", g.token(0))
		}},
		{Name: scCSVc, Kind: "read", MaxRequests: 2 * c, Next: func(*rand.Rand) (*http.Request, error) {
			return get("/api/v1/requests.csv", g.token(0))
		}},
		// The largest organization's agency records: every one of its
		// requests read, with its first response and answer.
		{Name: scRecords, Kind: "read", Concurrency: 1, MaxRequests: csvBudget, Next: func(*rand.Rand) (*http.Request, error) {
			return get("/api/v1/reports/agencies", g.token(1))
		}},
		// The export organization's whole archive (GET /export.zip): each of
		// its requests with its timeline, to-dos, communications and
		// documents, from one snapshot.
		{Name: scArchive, Kind: "read", Concurrency: 1, MaxRequests: 1, Next: func(*rand.Rand) (*http.Request, error) {
			return get("/api/v1/export.zip", g.token(0))
		}},
		{Name: scCreate, Kind: "write", Next: func(r *rand.Rand) (*http.Request, error) {
			org, k := randomOrg(r), r.IntN(g.agenciesPerOrg())
			for g.agencyJurisdiction(k).Code == "us-ga" {
				// Georgia's proclaimed holidays are loaded for 2024-2025 only:
				// the product refuses (422) a Georgia request received later.
				k = r.IntN(g.agenciesPerOrg())
			}
			topic := pick(r, topics)
			body, _ := json.Marshal(map[string]any{
				"agency_id": g.agencyID(org, k), "title": title(r, topic, 2020), "delivery_method": "email",
				"description": paragraph(r, 3, topic, g.agencyName(org, k), 2020),
				"sent_on":     g.AsOf.String(), "received_on": g.AsOf.String(), "tags": []string{"bench"},
			})
			req, err := http.NewRequest(http.MethodPost, base+"/api/v1/requests", strings.NewReader(string(body)))
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+g.token(org))
				req.Header.Set("Content-Type", "application/json")
			}
			return req, err
		}},
	}
	for i, spec := range specs {
		if !res.runs(spec.Name) {
			continue
		}
		if spec.Concurrency == 0 {
			spec.Concurrency = c
		}
		spec.Duration = o.duration
		if spec.MaxRequests > 0 {
			spec.Duration = max(o.duration, time.Minute)
		}
		log.Printf("scenario %q: c=%d for %s", spec.Name, spec.Concurrency, spec.Duration)
		profiled := make(chan error, 1)
		if o.profileDir != "" && spec.Kind != "ceiling" {
			go func() { profiled <- srv.profileCPU(ctx, o.profileDir, spec.Name, spec.Duration) }()
		} else {
			profiled <- nil
		}
		lr := runLoad(ctx, client, spec, o.seed+uint64(i))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := <-profiled; err != nil {
			return err
		}
		res.Scenarios = append(res.Scenarios, scenarioFrom(spec, lr))
	}
	return nil
}

// planAndDeliver times reminder planning over every open request, in
// process against the database, then delivery of o.emails reminders to
// Mailpit.
func planAndDeliver(ctx context.Context, dbURL string, g *genConfig, o options, tmp string, res *Results) error {
	// The store's own pool, opened as sunshine serve and remind open theirs;
	// the harness's own statements below use it too.
	db, err := store.Open(dbURL, store.DefaultMaxConns)
	if err != nil {
		return err
	}
	defer db.Close()
	st := store.New(db, sunshine.SystemClock{})
	now := g.AsOf.Time(time.UTC).Add(14 * time.Hour)
	const readable = `SELECT count(*) FROM reminder_schedule s JOIN requests r ON r.id = s.request_id
		WHERE s.next_remind_on IS NOT NULL AND s.next_remind_on <= $1::date + 1
		AND r.status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation', 'awaiting_requester')`
	if err := db.QueryRowContext(ctx, readable, g.AsOf.String()).Scan(&res.Planning.RequestsRead); err != nil {
		return err
	}
	log.Printf("planning reminders: %d of %d open requests have a reminder day due", res.Planning.RequestsRead, res.Data.OpenRequests)
	start := time.Now()
	n, err := st.PlanReminders(ctx, now)
	if err != nil {
		return fmt.Errorf("planning: %w", err)
	}
	res.Planning.Seconds = time.Since(start).Seconds()
	res.Planning.RemindersCreated = n

	// Delivery: only the reminders inserted here are pending. Those an
	// earlier run on a kept database (-db) inserted and sent go too, or
	// inserting them again would break their uniqueness.
	const harnessOccurrence = `$1::date + 1000`
	if _, err := db.ExecContext(ctx, `DELETE FROM reminders WHERE status = 'pending'
		OR (kind = 'overdue' AND occurrence = `+harnessOccurrence+`)`, g.AsOf.String()); err != nil {
		return fmt.Errorf("clearing reminders for delivery: %w", err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO reminders (org_id, request_id, recipient_id, kind, due_on, occurrence)
		SELECT r.org_id, r.id, u.id, 'overdue', COALESCE(r.custom_due_on, r.due_on), `+harnessOccurrence+`
		FROM requests r JOIN reminder_schedule s ON s.request_id = r.id
		-- To whom planning would send them: the (active) assignee, or the
		-- admins of a request nobody is assigned to or watches. Delivery
		-- hands one misaddressed to the right people instead of sending it.
		JOIN users u ON u.org_id = r.org_id AND u.deactivated_at IS NULL
		   AND (u.id = r.assignee_id
		        OR (u.role = 'admin' AND NOT EXISTS (SELECT 1 FROM users a WHERE a.id = r.assignee_id AND a.deactivated_at IS NULL)
		            AND NOT EXISTS (SELECT 1 FROM watchers w JOIN users wu ON wu.id = w.user_id AND wu.deactivated_at IS NULL WHERE w.request_id = r.id)))
		-- Overdue reminders that still apply (Request.DueTracked): under
		-- appeal only a custom date counts, and delivery drops the rest.
		-- An acknowledgment meets the statutory date of FOIL and PRA requests.
		WHERE (r.status = 'submitted'
		       OR (r.status IN ('acknowledged', 'rolling_production') AND (r.jurisdiction NOT IN ('us-ny', 'us-wa') OR r.custom_due_on IS NOT NULL))
		       OR (r.status IN ('appealed', 'in_litigation') AND r.custom_due_on IS NOT NULL))
		  AND COALESCE(r.custom_due_on, r.due_on) < $1::date
		ORDER BY r.id LIMIT $2`, g.AsOf.String(), o.emails)
	if err != nil {
		return fmt.Errorf("inserting reminders for delivery: %w", err)
	}
	mp, err := startMailpit(os.Getenv("MAILPIT_BIN"), tmp)
	if err != nil {
		return err
	}
	defer mp.stop()
	mailer, err := mail.NewSMTP("smtp://"+mp.SMTP, "Sunshine <reminders@sunshine.localhost>")
	if err != nil {
		return err
	}
	const connections = jobs.DefaultConnections
	runner := jobs.NewReminders(st, mailer, sunshine.SystemClock{}, slog.New(slog.DiscardHandler),
		jobs.Config{BaseURL: "http://127.0.0.1", Connections: connections})
	log.Printf("delivering %d reminders to Mailpit", o.emails)
	start = time.Now()
	dr, err := runner.Deliver(ctx)
	if err != nil {
		return err
	}
	res.Delivery = Delivery{Emails: o.emails, Sent: dr.Sent, Seconds: time.Since(start).Seconds()}
	res.Delivery.EmailsPerSec = float64(dr.Sent) / res.Delivery.Seconds

	log.Printf("sending %d rendered emails to Mailpit (the SMTP ceiling)", o.emails)
	ceiling, err := smtpCeiling(ctx, mailer, o.emails, connections)
	if err != nil {
		return err
	}
	res.Delivery.CeilingPerSec = ceiling
	res.Delivery.Ratio = res.Delivery.EmailsPerSec / ceiling
	return nil
}

// smtpCeiling is what the mail server takes with no database in the way:
// n copies of one rendered reminder sent over the same number of
// connections as delivery uses. It returns emails per second.
func smtpCeiling(ctx context.Context, mailer mail.Mailer, n, connections int) (float64, error) {
	subject, text, html, err := mail.RenderReminder(mail.ReminderData{Kind: sunshine.ReminderOverdue,
		RecipientName: "Ceiling Admin", OrgName: "Ceiling", RequestTitle: "Communications with immigration authorities",
		AgencyName: "County Sheriff", LawShort: "CPRA", Citation: "Gov. Code 7922.535(a)", Status: "acknowledged",
		DueOn: deadline.MustDate(2026, time.November, 2), DaysOverdue: 25,
		RequestURL: "http://127.0.0.1/requests/ceiling", PrefsURL: "http://127.0.0.1/settings"})
	if err != nil {
		return 0, err
	}
	msgs := make([]mail.Message, n)
	for i := range msgs {
		msgs[i] = mail.Message{ID: fmt.Sprintf("ceiling-%d", i), To: fmt.Sprintf("admin%d@ceiling.example", i%50),
			ToName: "Ceiling Admin", Subject: subject, Text: text, HTML: html}
	}
	errs := make([]error, connections)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range connections {
		share := msgs[i*n/connections : (i+1)*n/connections]
		wg.Go(func() { errs[i] = errors.Join(mailer.Send(ctx, share)...) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("smtp ceiling: %w", err)
	}
	return float64(n) / elapsed.Seconds(), nil
}

func dataSize(ctx context.Context, db *sql.DB) (DataSize, error) {
	d := DataSize{Rows: map[string]int64{}}
	for _, t := range []string{"organizations", "users", "agencies", "requests", "request_pauses", "communications", "documents", "blobs"} {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return d, err
		}
		d.Rows[t] = n
	}
	err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM requests WHERE status IN ('draft', 'submitted', 'acknowledged',
		'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation')),
		pg_database_size(current_database()), pg_size_pretty(pg_database_size(current_database()))`).
		Scan(&d.OpenRequests, &d.DatabaseBytes, &d.DatabaseSize)
	return d, err
}

func machine(ctx context.Context, db *sql.DB) (Machine, error) {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemoryMB = kb / 1024
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	err := db.QueryRowContext(ctx, "SELECT version()").Scan(&m.PostgreSQL)
	return m, err
}
