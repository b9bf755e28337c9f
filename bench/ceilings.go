package main

// Ceilings measured in the same run: what the machine's PostgreSQL does at
// all (pgbench -S: a primary-key SELECT; pgbench -N: a small write
// transaction), and a Gin handler that touches no database.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	Mode      string  `json:"mode"` // -S or -N
	Clients   int     `json:"clients"`
	Seconds   int     `json:"seconds"`
	TPS       float64 `json:"tps"`
	LatencyMs float64 `json:"latency_avg_ms"`
}

var (
	tpsRe     = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	latencyRe = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// pgbenchInit creates the pgbench tables (scale 10) in the database at url.
func pgbenchInit(ctx context.Context, url string) error {
	out, err := exec.CommandContext(ctx, "pgbench", "-i", "-q", "-s", "10", url).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgbench -i: %w: %s", err, out)
	}
	return nil
}

// pgbench runs `pgbench mode -c clients -T seconds` against url.
func pgbench(ctx context.Context, url, mode string, clients int, d time.Duration) (pgbenchResult, error) {
	secs := max(1, int(d.Seconds()))
	res := pgbenchResult{Mode: mode, Clients: clients, Seconds: secs}
	threads := min(clients, runtime.NumCPU())
	out, err := exec.CommandContext(ctx, "pgbench", mode, "-n", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(secs), url).CombinedOutput()
	if err != nil {
		return res, fmt.Errorf("pgbench %s: %w: %s", mode, err, out)
	}
	return res, parsePgbench(string(out), &res)
}

func parsePgbench(out string, res *pgbenchResult) error {
	m := tpsRe.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("pgbench %s: no tps in output: %s", res.Mode, out)
	}
	res.TPS, _ = strconv.ParseFloat(m[1], 64)
	if m := latencyRe.FindStringSubmatch(out); m != nil {
		res.LatencyMs, _ = strconv.ParseFloat(m[1], 64)
	}
	return nil
}

// startGin serves a Gin engine with one route returning a small JSON
// document on a loopback port, in this process; stop shuts it down.
func startGin() (base string, stop func(), err error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/ping", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}
