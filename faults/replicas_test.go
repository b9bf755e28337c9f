//go:build faults

package faults_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Two `sunshine serve` replicas on one database, both running the
// scheduler every second, while requests are created through both: each
// reminder is planned once and emailed exactly once.
func TestTwoReplicasSendEachReminderOnce(t *testing.T) {
	const n = 60 // requests, created half through each replica
	dbURL, db := freshDB(t)
	tn := createOrg(t, dbURL, "replicas")
	mp := mailtest.Start(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": dbURL, "SUNSHINE_JOBS": "on", "SUNSHINE_SMTP_URL": mp.URL(),
		"SUNSHINE_MAIL_FROM":        "Sunshine <reminders@sunshine.example>",
		"SUNSHINE_PLAN_SCHEDULE":    "@every 1s",
		"SUNSHINE_DELIVER_SCHEDULE": "@every 1s"}
	a := startServe(t, "replica-a", env)
	b := startServe(t, "replica-b", env)
	agency := createAgency(t, a.base, tn.Token)

	// Created under load from both sides while both schedulers run; the
	// requests are long overdue, so each owes an overdue reminder at once
	// (and the admin a digest once the local hour has come).
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i, s := range []*server{a, b} {
		wg.Add(1)
		go func(i int, s *server) {
			defer wg.Done()
			for j := 0; j < n/2; j++ {
				r := call("POST", s.base+"/api/v1/requests", tn.Token, requestBody(agency, i*1000+j, "2017-03-27"), nil)
				if r.Status != 201 {
					errs <- fmt.Sprintf("%s: %d %v %s", s.name, r.Status, r.Err, r.Body)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}(i, s)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("create: %s", e)
	}
	// Wait until every overdue reminder is planned and nothing is pending,
	// stable for 3 s (three more rounds on each replica).
	stableSince := time.Time{}
	ok := waitFor(90*time.Second, func() bool {
		sc := statusCounts(t, db)
		overdue := count(t, db, `SELECT count(*) FROM reminders WHERE kind = 'overdue'`)
		if overdue < n || sc["pending"] > 0 {
			stableSince = time.Time{}
			return false
		}
		if stableSince.IsZero() {
			stableSince = time.Now()
		}
		return time.Since(stableSince) > 3*time.Second
	})
	if !ok {
		t.Fatalf("reminders not all delivered in 90 s: %v", statusCounts(t, db))
	}
	for _, s := range []*server{a, b} {
		if s.exited() {
			t.Errorf("%s exited: %v\n%s", s.name, s.err, tail(s.stderr.String(), 20))
		}
	}
	a.stop()
	b.stop()
	errorLines := map[string]int{}
	for _, s := range []*server{a, b} {
		errorLines[s.name] = len(logLines(s.stderr.String(), func(m map[string]any) bool { return m["level"] == "ERROR" }))
	}
	overdue := count(t, db, `SELECT count(*) FROM reminders WHERE kind = 'overdue'`)
	digests := count(t, db, `SELECT count(*) FROM reminders WHERE kind = 'digest'`)
	record(t, "replicas", 2)
	record(t, "requests", n)
	record(t, "overdue_reminders_planned", overdue)
	record(t, "digests_planned", digests)
	record(t, "error_log_lines", errorLines)
	tl := checkOnce(t, db, mp)
	if overdue != n {
		t.Errorf("%d overdue reminders planned for %d requests", overdue, n)
	}
	// (a digest planned while the overdue reminders went may find each of
	// its requests emailed on its own already: cancelled, as it should be)
	sentDigests := count(t, db, `SELECT count(*) FROM reminders WHERE kind = 'digest' AND status = 'sent'`)
	if tl.Duplicates != 0 || tl.Messages != overdue+sentDigests {
		t.Errorf("%d messages for %d reminders, %d duplicates: %v", tl.Messages, overdue+sentDigests, tl.Duplicates, tl.DupIDs)
	}
	for name, k := range errorLines {
		if k > 0 {
			t.Errorf("%s logged %d errors", name, k)
		}
	}
}

// Two replicas start together on a fresh, empty database (three rounds):
// the migrations are applied once, both serve, neither logs an error.
func TestTwoReplicasMigrateAFreshDatabaseTogether(t *testing.T) {
	const rounds = 3
	okRounds := 0
	for round := 0; round < rounds; round++ {
		dbURL := storetest.EmptyURL(t) // unmigrated; dropped when the test ends
		env := map[string]string{"SUNSHINE_DATABASE_URL": dbURL}
		var wg sync.WaitGroup
		servers := make([]*server, 2)
		for i := range servers {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				servers[i] = startServe(t, fmt.Sprintf("replica-%d-%d", round, i), env)
			}(i)
		}
		wg.Wait()
		good := true
		for _, s := range servers {
			if s == nil {
				t.Fatalf("round %d: a replica failed to start", round)
			}
			r := call("GET", s.base+"/readyz", "", nil, nil)
			if r.Status != 200 {
				good = false
				t.Errorf("round %d: %s /readyz %d %s", round, s.name, r.Status, r.Body)
			}
			if errs := logLines(s.stderr.String(), func(m map[string]any) bool { return m["level"] == "ERROR" }); len(errs) > 0 {
				good = false
				t.Errorf("round %d: %s logged errors: %v", round, s.name, errs)
			}
		}
		db := sqlxConnect(t, dbURL)
		var version int
		var dirty bool
		if err := db.QueryRow(`SELECT version, dirty FROM schema_migrations`).Scan(&version, &dirty); err != nil {
			t.Fatal(err)
		}
		rows := count(t, db, `SELECT count(*) FROM schema_migrations`)
		if dirty || rows != 1 {
			good = false
			t.Errorf("round %d: schema_migrations has %d rows, version %d, dirty %v", round, rows, version, dirty)
		}
		// The schema is usable: an organization and a request through the second replica.
		tn := createOrg(t, dbURL, fmt.Sprintf("fresh%d", round))
		agency := createAgency(t, servers[1].base, tn.Token)
		createRequests(t, servers[0].base, tn.Token, agency, 1, "2017-03-27")
		for _, s := range servers {
			s.stop()
		}
		if good {
			okRounds++
		}
		record(t, "migration_version", version)
	}
	record(t, "rounds", rounds)
	record(t, "rounds_both_ready_without_error", okRounds)
}

// Two clients PATCH one request with the same ETag (If-Match), through
// the two replicas, 20 times: each time one gets 200, the other 412
// problem+json, and the winner's change is the one kept.
func TestConcurrentPatchWithSameETag(t *testing.T) {
	const rounds = 20
	dbURL, _ := freshDB(t)
	tn := createOrg(t, dbURL, "etag")
	a := startServe(t, "replica-a", map[string]string{"SUNSHINE_DATABASE_URL": dbURL})
	b := startServe(t, "replica-b", map[string]string{"SUNSHINE_DATABASE_URL": dbURL})
	agency := createAgency(t, a.base, tn.Token)
	id := createRequests(t, a.base, tn.Token, agency, 1, "2017-03-27")[0]

	n200, n412, other := 0, 0, 0
	for round := 0; round < rounds; round++ {
		g := mustCall(t, 200, "GET", a.base+"/api/v1/requests/"+id, tn.Token, nil, nil)
		tag := g.Header.Get("ETag")
		if tag == "" {
			t.Fatal("GET /requests/{id} sent no ETag")
		}
		var wg sync.WaitGroup
		res := make([]apiResp, 2)
		titles := []string{fmt.Sprintf("Round %d: title from client A", round), fmt.Sprintf("Round %d: title from client B", round)}
		start := make(chan struct{})
		for i, s := range []*server{a, b} {
			wg.Add(1)
			go func(i int, s *server) {
				defer wg.Done()
				<-start
				res[i] = call("PATCH", s.base+"/api/v1/requests/"+id, tn.Token, map[string]any{"title": titles[i]},
					map[string]string{"If-Match": tag})
			}(i, s)
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, r := range res {
			switch {
			case r.Status == http.StatusOK:
				n200++
				winner = i
			case r.Status == http.StatusPreconditionFailed && r.isProblem():
				n412++
			default:
				other++
				t.Errorf("round %d: client %d got %d %v %s", round, i, r.Status, r.Err, r.Body)
			}
		}
		if winner < 0 || res[0].Status == res[1].Status {
			t.Errorf("round %d: answers %d and %d, want one 200 and one 412", round, res[0].Status, res[1].Status)
			continue
		}
		var now struct {
			Title string `json:"title"`
		}
		mustCall(t, 200, "GET", b.base+"/api/v1/requests/"+id, tn.Token, nil, &now)
		if now.Title != titles[winner] {
			t.Errorf("round %d: title %q, want the winner's %q", round, now.Title, titles[winner])
		}
	}
	record(t, "rounds", rounds)
	record(t, "answered_200", n200)
	record(t, "answered_412", n412)
	record(t, "answered_other", other)
	if n200 != rounds || n412 != rounds {
		t.Errorf("%d answers 200 and %d answers 412 in %d rounds; want %d of each", n200, n412, rounds, rounds)
	}
}
