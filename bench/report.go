package main

// Results: the JSON document, the targets and the table.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"
	"time"
)

// Results is everything one run measured; it is written as JSON.
type Results struct {
	Started     time.Time  `json:"started"`
	Quick       bool       `json:"quick"`
	Concurrency int        `json:"concurrency"`
	Duration    string     `json:"duration"`
	Generator   *genConfig `json:"generator"`
	Machine     Machine    `json:"machine"`
	Data        DataSize   `json:"data"`
	LoadSeconds float64    `json:"load_seconds"`   // generating and loading the data
	Only        []string   `json:"only,omitempty"` // the scenarios run (-only); empty: all

	Ceilings  Ceilings   `json:"ceilings"`
	Scenarios []Scenario `json:"scenarios"`
	Planning  Planning   `json:"planning"`
	Delivery  Delivery   `json:"delivery"`
	Server    Server     `json:"server"`
	Targets   []Target   `json:"targets"`
}

// Machine is where the run happened.
type Machine struct {
	CPUs       int    `json:"nproc"`
	CPUModel   string `json:"cpu_model"`
	MemoryMB   int    `json:"memory_mb"`
	Kernel     string `json:"kernel"`
	PostgreSQL string `json:"postgresql"`
	Go         string `json:"go"`
}

// DataSize is the loaded data.
type DataSize struct {
	Rows          map[string]int64 `json:"rows"`
	OpenRequests  int64            `json:"open_requests"`
	DatabaseBytes int64            `json:"database_bytes"`
	DatabaseSize  string           `json:"database_size"`
}

// Ceilings are the same machine's limits, measured before the HTTP
// scenarios and again after them: ratios use the mean of the two, which
// steadies them against the machine's drift (pgbench -N follows the disk's
// fsync time, which can change by half within an hour).
type Ceilings struct {
	PgbenchSelect      pgbenchResult  `json:"pgbench_select"` // -S
	PgbenchWrite       pgbenchResult  `json:"pgbench_write"`  // -N
	PgbenchSelectAfter *pgbenchResult `json:"pgbench_select_after,omitempty"`
	PgbenchWriteAfter  *pgbenchResult `json:"pgbench_write_after,omitempty"`
}

// SelectTPS is pgbench -S's throughput: the mean of before and after.
func (c Ceilings) SelectTPS() float64 { return meanTPS(c.PgbenchSelect, c.PgbenchSelectAfter) }

// WriteTPS is pgbench -N's throughput: the mean of before and after.
func (c Ceilings) WriteTPS() float64 { return meanTPS(c.PgbenchWrite, c.PgbenchWriteAfter) }

func meanTPS(before pgbenchResult, after *pgbenchResult) float64 {
	if after == nil || after.TPS <= 0 {
		return before.TPS
	}
	return (before.TPS + after.TPS) / 2
}

// Scenario is one load scenario's figures.
type Scenario struct {
	Name        string  `json:"name"`
	Kind        string  `json:"kind"` // read, write, ceiling
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	// Ratio is RPS over pgbench -S (reads) or pgbench -N (writes).
	Ratio float64 `json:"ratio_of_pgbench,omitempty"`
}

// Planning is one PlanReminders call over every open request.
type Planning struct {
	Seconds          float64 `json:"seconds"`
	RequestsRead     int64   `json:"requests_read"` // open requests whose next reminder day had come
	RemindersCreated int64   `json:"reminders_created"`
}

// Delivery is one Deliver call to Mailpit.
type Delivery struct {
	Emails       int     `json:"emails"`
	Sent         int     `json:"sent"`
	Seconds      float64 `json:"seconds"`
	EmailsPerSec float64 `json:"emails_per_second"`
	// CeilingPerSec is the same mail server taking rendered messages over
	// the same connections with no database work (smtpCeiling).
	CeilingPerSec float64 `json:"smtp_ceiling_emails_per_second"`
	Ratio         float64 `json:"ratio_of_smtp_ceiling"`
}

// Server is the sunshine serve process.
type Server struct {
	PeakRSSMB float64 `json:"peak_rss_mb"` // VmHWM at the end of the run
}

// Target is one of the targets.
type Target struct {
	Name string `json:"name"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Pass bool   `json:"pass"`
}

func scenarioFrom(spec loadSpec, res loadResult) Scenario {
	s := Scenario{Name: spec.Name, Kind: spec.Kind, Concurrency: spec.Concurrency, Requests: res.Requests,
		Errors: res.Errors, FirstError: res.FirstError, Seconds: res.Elapsed.Seconds()}
	if res.Elapsed > 0 {
		s.RPS = float64(len(res.Latencies)) / res.Elapsed.Seconds()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	s.P50ms = ms(percentile(res.Latencies, 50))
	s.P95ms = ms(percentile(res.Latencies, 95))
	s.P99ms = ms(percentile(res.Latencies, 99))
	return s
}

// setRatios sets each read's throughput as a ratio of pgbench -S and each
// write's of pgbench -N (Ceilings.SelectTPS, WriteTPS).
func (r *Results) setRatios() {
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		switch {
		case s.Kind == "read" && r.Ceilings.SelectTPS() > 0:
			s.Ratio = s.RPS / r.Ceilings.SelectTPS()
		case s.Kind == "write" && r.Ceilings.WriteTPS() > 0:
			s.Ratio = s.RPS / r.Ceilings.WriteTPS()
		}
	}
}

func (r *Results) scenario(name string) (Scenario, bool) {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// runs reports whether the run includes a scenario (-only).
func (r *Results) runs(name string) bool {
	return len(r.Only) == 0 || slices.Contains(r.Only, name)
}

// Scenario names the targets refer to.
const (
	scDashboard = "dashboard list"
	scByID      = "request by ID"
	scCreate    = "create request"
	scSearch    = "search"
	scCalendar  = "calendar feed"
	scCSV       = "CSV export (c=1)"
	scCSVc      = "CSV export"
	scRecords   = "agency records of the largest org (c=1)"
	scArchive   = "organization archive (c=1)"
	scGin       = "gin, no database"
	scPlanning  = "planning"
	scDelivery  = "delivery"
)

// evaluate checks the targets.
func (r *Results) evaluate() []Target {
	var ts []Target
	add := func(name, want, got string, pass bool) {
		ts = append(ts, Target{Name: name, Want: want, Got: got, Pass: pass})
	}
	clean := func(s Scenario) bool { return s.Errors == 0 && s.Requests > 0 }
	if s, ok := r.scenario(scDashboard); ok {
		add("dashboard p95", "< 20 ms", fmt.Sprintf("%.1f ms", s.P95ms), clean(s) && s.P95ms < 20)
		add("dashboard throughput", ">= 0.3x pgbench -S", fmt.Sprintf("%.2fx", s.Ratio), clean(s) && s.Ratio >= 0.3)
	}
	if s, ok := r.scenario(scCreate); ok {
		add("create throughput", ">= 0.3x pgbench -N", fmt.Sprintf("%.2fx", s.Ratio), clean(s) && s.Ratio >= 0.3)
	}
	if s, ok := r.scenario(scSearch); ok {
		add("search p95", "< 100 ms", fmt.Sprintf("%.1f ms", s.P95ms), clean(s) && s.P95ms < 100)
	}
	if s, ok := r.scenario(scCSV); ok {
		rows := r.Generator.ExportRows
		add(fmt.Sprintf("CSV export of %d rows (p95, alone)", rows), "< 1 s", fmt.Sprintf("%.0f ms", s.P95ms), clean(s) && s.P95ms < 1000)
	}
	if r.runs(scPlanning) || r.runs(scDelivery) {
		add("planning over every open request", "< 10 s", fmt.Sprintf("%.2f s", r.Planning.Seconds), r.Planning.Seconds > 0 && r.Planning.Seconds < 10)
		add("delivery", ">= 200 emails/s", fmt.Sprintf("%.0f emails/s", r.Delivery.EmailsPerSec),
			r.Delivery.Sent == r.Delivery.Emails && r.Delivery.EmailsPerSec >= 200)
	}
	add("server RSS under load", "< 150 MB", fmt.Sprintf("%.0f MB", r.Server.PeakRSSMB), r.Server.PeakRSSMB > 0 && r.Server.PeakRSSMB < 150)
	return ts
}

// writeTable prints the results for a person.
func (r *Results) writeTable(w io.Writer) {
	fmt.Fprintf(w, "\nSunshine benchmark: %d requests, %d communications, %d documents in %d organizations (%s); seed %d, as of %s\n",
		r.Data.Rows["requests"], r.Data.Rows["communications"], r.Data.Rows["documents"], r.Data.Rows["organizations"],
		r.Data.DatabaseSize, r.Generator.Seed, r.Generator.AsOf)
	fmt.Fprintf(w, "machine: %d CPUs (%s), %d MB; %s; %s\n\n", r.Machine.CPUs, r.Machine.CPUModel, r.Machine.MemoryMB, r.Machine.PostgreSQL, r.Machine.Go)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tc\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\tx pgbench\t")
	for _, p := range []struct {
		name          string
		before, after *pgbenchResult
	}{{"pgbench -S", &r.Ceilings.PgbenchSelect, r.Ceilings.PgbenchSelectAfter}, {"pgbench -N", &r.Ceilings.PgbenchWrite, r.Ceilings.PgbenchWriteAfter}} {
		fmt.Fprintf(tw, "%s\t%d\t\t\t%.0f\t\t\t\t\t\n", p.name+" (before)", p.before.Clients, p.before.TPS)
		if p.after != nil {
			fmt.Fprintf(tw, "%s\t%d\t\t\t%.0f\t\t\t\t\t\n", p.name+" (after)", p.after.Clients, p.after.TPS)
		}
	}
	for _, s := range r.Scenarios {
		ratio := ""
		if s.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f (%s)", s.Ratio, map[string]string{"read": "-S", "write": "-N"}[s.Kind])
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t\n", s.Name, s.Concurrency, s.Requests, s.Errors,
			s.RPS, s.P50ms, s.P95ms, s.P99ms, ratio)
	}
	tw.Flush()
	if r.runs(scPlanning) || r.runs(scDelivery) {
		fmt.Fprintf(w, "\nplanning: %d reminders from %d open requests read in %.2f s\n", r.Planning.RemindersCreated, r.Planning.RequestsRead, r.Planning.Seconds)
		fmt.Fprintf(w, "delivery: %d/%d emails in %.2f s = %.0f emails/s; the SMTP server alone took %.0f emails/s (%.2fx)\n",
			r.Delivery.Sent, r.Delivery.Emails, r.Delivery.Seconds, r.Delivery.EmailsPerSec, r.Delivery.CeilingPerSec, r.Delivery.Ratio)
	}
	fmt.Fprintf(w, "\nserver peak RSS: %.1f MB\n\ntargets:\n", r.Server.PeakRSSMB)
	for _, t := range r.Targets {
		mark := "PASS"
		if !t.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s  %-40s %-20s got %s\n", mark, t.Name, t.Want, t.Got)
	}
	for _, s := range r.Scenarios {
		if s.FirstError != "" {
			fmt.Fprintf(w, "  %s: first error: %s\n", s.Name, s.FirstError)
		}
	}
}

func (r *Results) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
