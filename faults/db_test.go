//go:build faults

package faults_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// PostgreSQL restarts (pg_ctl stop, 3 s down, start) in the middle of a
// write load against a running `sunshine serve`, once with a fast shutdown
// (sessions terminated by the server) and once with an immediate one (a
// crash: connections cut, recovery from the WAL on start):
//   - every request the API acknowledged with 201 exists afterwards;
//   - calls during the outage get 503 problem+json, never 500;
//   - /readyz answers 503 during the outage and 200 after;
//   - the same server process recovers, without a restart.
func TestDatabaseRestartUnderWriteLoad(t *testing.T) {
	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) { dbRestartUnderLoad(t, mode) })
	}
}

func dbRestartUnderLoad(t *testing.T, mode string) {
	pg := startCluster(t)
	dbURL := pg.url("sunshine_faults")
	env := map[string]string{"SUNSHINE_DATABASE_URL": dbURL}
	mustCLI(t, env, "migrate", "--create-db")
	tn := createOrg(t, dbURL, "dbfaults")
	srv := startServe(t, "serve", env)
	agency := createAgency(t, srv.base, tn.Token)

	// The load is paced, so that it still runs when the outage begins
	// (3 s in) and after it ends, whatever the machine's speed: unpaced, a
	// fast machine created its first 4,000 requests in under 3 s, and the
	// outage then met no load at all.
	const (
		workers     = 8
		pace        = 10 * time.Millisecond // per worker between calls: at most 800 calls/s
		maxRequests = 20000                 // bound on the load, whatever happens
		maxDuration = 60 * time.Second      // bound on the load, whatever happens
	)
	type outcome struct {
		at     time.Time
		status int
		body   string
		reqID  string
		err    string
	}
	var (
		mu       sync.Mutex
		acked    []string // IDs answered 201
		others   []outcome
		n201     atomic.Int64
		n503     atomic.Int64
		n503bad  atomic.Int64 // 503 without problem+json
		nOther   atomic.Int64
		nNetErr  atomic.Int64
		sent     atomic.Int64
		stopLoad = make(chan struct{})
		loadDone sync.WaitGroup
	)
	loadStart := time.Now()
	for w := 0; w < workers; w++ {
		loadDone.Add(1)
		go func(w int) {
			defer loadDone.Done()
			for i := 0; ; i++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				if sent.Add(1) > maxRequests || time.Since(loadStart) > maxDuration {
					return
				}
				r := call("POST", srv.base+"/api/v1/requests", tn.Token, requestBody(agency, w*100000+i, "2017-03-27"), nil)
				switch {
				case r.Err != nil:
					nNetErr.Add(1)
					mu.Lock()
					others = append(others, outcome{at: time.Now(), err: r.Err.Error()})
					mu.Unlock()
					time.Sleep(50 * time.Millisecond)
				case r.Status == http.StatusCreated:
					var body struct {
						ID string `json:"id"`
					}
					r.json(t, &body)
					n201.Add(1)
					mu.Lock()
					acked = append(acked, body.ID)
					mu.Unlock()
					time.Sleep(pace)
				case r.Status == http.StatusServiceUnavailable:
					n503.Add(1)
					if !r.isProblem() || !strings.Contains(string(r.Body), `"status":503`) {
						n503bad.Add(1)
					}
					time.Sleep(20 * time.Millisecond) // Retry-After, compressed
				default:
					nOther.Add(1)
					mu.Lock()
					others = append(others, outcome{at: time.Now(), status: r.Status, body: string(r.Body), reqID: r.Header.Get("X-Request-ID")})
					mu.Unlock()
				}
			}
		}(w)
	}

	// /readyz, polled throughout.
	type probe struct {
		at     time.Time
		status int
	}
	var (
		probes    []probe
		probeStop = make(chan struct{})
		probeDone = make(chan struct{})
	)
	go func() {
		defer close(probeDone)
		for {
			select {
			case <-probeStop:
				return
			default:
			}
			r := call("GET", srv.base+"/readyz", "", nil, nil)
			mu.Lock()
			probes = append(probes, probe{time.Now(), r.Status})
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()

	time.Sleep(3 * time.Second)
	ackedBefore := n201.Load()
	if sent.Load() > maxRequests {
		t.Errorf("the load's %d requests were all sent before the outage began: pace it slower", maxRequests)
	}
	outageStart := time.Now()
	pg.stop(t, mode)
	stopped := time.Now()
	time.Sleep(3 * time.Second)
	readyDuring := call("GET", srv.base+"/readyz", "", nil, nil)
	pg.start(t)
	outageEnd := time.Now()

	// Recovery: the same process answers 201 again, and /readyz 200.
	var recoveredAfter time.Duration
	recovered := waitFor(30*time.Second, func() bool {
		r := call("POST", srv.base+"/api/v1/requests", tn.Token, requestBody(agency, 999999, "2017-03-27"), nil)
		if r.Status == http.StatusCreated {
			var body struct {
				ID string `json:"id"`
			}
			r.json(t, &body)
			mu.Lock()
			acked = append(acked, body.ID)
			mu.Unlock()
			n201.Add(1)
			recoveredAfter = time.Since(outageEnd)
			return true
		}
		return false
	})
	readyAfter := waitFor(30*time.Second, func() bool { return call("GET", srv.base+"/readyz", "", nil, nil).Status == 200 })
	time.Sleep(3 * time.Second) // load after recovery
	close(stopLoad)
	loadDone.Wait()
	close(probeStop)
	<-probeDone

	if srv.exited() {
		t.Fatalf("the server exited during the outage: %v\n%s", srv.err, tail(srv.stderr.String(), 30))
	}

	// Every acknowledged request exists, checked through the API.
	found, missing := 0, []string{}
	for _, id := range acked {
		r := call("GET", srv.base+"/api/v1/requests/"+id, tn.Token, nil, nil)
		if r.Status == 200 {
			found++
		} else {
			missing = append(missing, fmt.Sprintf("%s: %d %s", id, r.Status, r.Body))
		}
	}
	db := sqlxConnect(t, dbURL)
	rows := count(t, db, `SELECT count(*) FROM requests`)
	// Rows committed whose POST was not answered 201 (a 503 after the
	// commit): a client that retries them creates a duplicate.
	var unacked []struct {
		ID        string    `db:"id"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := db.Select(&unacked, `SELECT id::text, created_at FROM requests WHERE NOT (id::text = ANY($1)) ORDER BY created_at`, pq.Array(acked)); err != nil {
		t.Fatal(err)
	}
	for _, u := range unacked {
		t.Logf("committed but not acknowledged: %s created %s after the outage began", u.ID, u.CreatedAt.Sub(outageStart).Round(time.Millisecond))
	}

	// /readyz during and after the outage.
	ready503During, ready200After := 0, 0
	for _, p := range probes {
		if p.at.After(stopped) && p.at.Before(outageEnd) && p.status == 503 {
			ready503During++
		}
		if p.at.After(outageEnd) && p.status == 200 {
			ready200After++
		}
	}

	// 500s: the server's log names the store path of each.
	var errLines []string
	for _, l := range logLines(srv.stderr.String(), func(m map[string]any) bool {
		st, _ := m["status"].(float64)
		return st >= 500 && st != 503
	}) {
		errLines = append(errLines, fmt.Sprintf("%v %v -> %v: %v", l["method"], l["route"], l["status"], l["err"]))
	}
	sort.Strings(errLines)

	record(t, "shutdown_mode", mode)
	record(t, "workers", workers)
	record(t, "calls", n201.Load()+n503.Load()+nOther.Load()+nNetErr.Load())
	record(t, "acknowledged_201", n201.Load())
	record(t, "acknowledged_before_outage", ackedBefore)
	record(t, "found_after_recovery", found)
	record(t, "rows_in_requests", rows)
	record(t, "committed_but_not_acknowledged", rows-found)
	record(t, "answered_503", n503.Load())
	record(t, "answered_503_not_problem_json", n503bad.Load())
	record(t, "answered_other", nOther.Load())
	record(t, "client_errors", nNetErr.Load())
	record(t, "outage_seconds", outageEnd.Sub(outageStart).Round(100*time.Millisecond).Seconds())
	record(t, "readyz_during_outage", readyDuring.Status)
	record(t, "readyz_503_probes_during_outage", ready503During)
	record(t, "readyz_200_after", readyAfter)
	record(t, "recovered_without_restart", recovered)
	record(t, "recovered_after_seconds", recoveredAfter.Round(100*time.Millisecond).Seconds())
	record(t, "server_5xx_log_lines", len(errLines))

	for i, o := range others {
		if i >= 10 {
			t.Logf("... and %d more", len(others)-10)
			break
		}
		t.Logf("unexpected answer at +%s: status %d request_id %s err %q body %s",
			o.at.Sub(outageStart).Round(time.Millisecond), o.status, o.reqID, o.err, o.body)
	}
	for i, l := range errLines {
		if i >= 10 {
			break
		}
		t.Logf("server log: %s", l)
	}

	if len(missing) > 0 {
		t.Errorf("%d acknowledged requests are missing: %v", len(missing), missing[:min(5, len(missing))])
	}
	if rows < found {
		t.Errorf("%d rows in requests but %d acknowledged requests found", rows, found)
	}
	if readyDuring.Status != 503 || !readyDuring.isProblem() {
		t.Errorf("/readyz during the outage: %d %s, want 503 problem+json", readyDuring.Status, readyDuring.Body)
	}
	if !recovered || !readyAfter {
		t.Errorf("the server did not recover without a restart: POST 201 %v, /readyz 200 %v", recovered, readyAfter)
	}
	if n503.Load() == 0 {
		t.Errorf("no call was answered 503 during a %s outage", outageEnd.Sub(outageStart))
	}
	if n503bad.Load() > 0 {
		t.Errorf("%d answers 503 were not problem+json", n503bad.Load())
	}
	if nOther.Load() > 0 || nNetErr.Load() > 0 {
		// PRODUCT BUG when this fails: a database outage must be a 503
		// problem+json; see the logged answers and server log lines above.
		t.Errorf("%d calls during the outage got neither 201 nor 503 (and %d client errors); see the log above",
			nOther.Load(), nNetErr.Load())
	}
}

func sqlxConnect(t testing.TB, dsn string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Connect("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
