package main

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	require.Zero(t, percentile(nil, 50))
	require.Equal(t, 7*time.Millisecond, percentile(ms(7), 99))
	// Nearest rank over 1..100 ms, given out of order.
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	require.Equal(t, 50*time.Millisecond, percentile(ds, 50))
	require.Equal(t, 95*time.Millisecond, percentile(ds, 95))
	require.Equal(t, 99*time.Millisecond, percentile(ds, 99))
	require.Equal(t, 100*time.Millisecond, percentile(ds, 100))
	require.Equal(t, 3*time.Millisecond, percentile(ms(1, 2, 3, 4), 75))
}

// Ratios use the mean of the ceilings measured before and after the
// scenarios, or the one measurement when there is no after.
func TestRatiosUseMeanOfCeilings(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ceilings    Ceilings
		read, write float64
		sel, wr     float64
	}{
		{"before only", Ceilings{PgbenchSelect: pgbenchResult{TPS: 10_000}, PgbenchWrite: pgbenchResult{TPS: 1000}}, 0.1, 0.5, 10_000, 1000},
		{"before and after", Ceilings{
			PgbenchSelect: pgbenchResult{TPS: 10_000}, PgbenchSelectAfter: &pgbenchResult{TPS: 30_000},
			PgbenchWrite: pgbenchResult{TPS: 1000}, PgbenchWriteAfter: &pgbenchResult{TPS: 3000},
		}, 0.05, 0.25, 20_000, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Results{Ceilings: tc.ceilings, Scenarios: []Scenario{
				{Name: scDashboard, Kind: "read", RPS: 1000}, {Name: scCreate, Kind: "write", RPS: 500}, {Name: scGin, Kind: "ceiling", RPS: 9000},
			}}
			r.setRatios()
			require.InDelta(t, tc.sel, r.Ceilings.SelectTPS(), 1e-9)
			require.InDelta(t, tc.wr, r.Ceilings.WriteTPS(), 1e-9)
			require.InDelta(t, tc.read, r.Scenarios[0].Ratio, 1e-9)
			require.InDelta(t, tc.write, r.Scenarios[1].Ratio, 1e-9)
			require.Zero(t, r.Scenarios[2].Ratio, "a ceiling has no ratio")
		})
	}
}

func TestEvaluateTargets(t *testing.T) {
	r := &Results{
		Generator: &genConfig{ExportRows: 10_000},
		Ceilings:  Ceilings{PgbenchSelect: pgbenchResult{TPS: 10_000}, PgbenchWrite: pgbenchResult{TPS: 1000}},
		Scenarios: []Scenario{
			{Name: scDashboard, Kind: "read", Requests: 100, RPS: 3500, P95ms: 12},
			{Name: scCreate, Kind: "write", Requests: 100, RPS: 250},
			{Name: scSearch, Kind: "read", Requests: 100, RPS: 50, P95ms: 150},
			{Name: scCSV, Kind: "read", Requests: 5, P95ms: 800, Errors: 1},
		},
		Planning: Planning{Seconds: 4},
		Delivery: Delivery{Emails: 1000, Sent: 1000, EmailsPerSec: 350},
		Server:   Server{PeakRSSMB: 60},
	}
	r.setRatios()
	require.InDelta(t, 0.35, r.Scenarios[0].Ratio, 1e-9)
	require.InDelta(t, 0.25, r.Scenarios[1].Ratio, 1e-9)
	got := map[string]bool{}
	for _, tg := range r.evaluate() {
		got[tg.Name] = tg.Pass
	}
	require.Equal(t, map[string]bool{
		"dashboard p95":                         true,
		"dashboard throughput":                  true,
		"create throughput":                     false, // 0.25x
		"search p95":                            false, // 150 ms
		"CSV export of 10000 rows (p95, alone)": false, // an error fails it
		"planning over every open request":      true,
		"delivery":                              true,
		"server RSS under load":                 true,
	}, got)
}

func TestGenerator_DeterministicAndConsistent(t *testing.T) {
	asOf := deadline.MustParseDate("2026-11-27")
	a, b := newGenConfig(42, 0.01, asOf), newGenConfig(42, 0.01, asOf)
	require.Equal(t, 10_000, a.Requests)
	require.Equal(t, 2000, a.ExportRows)
	oa, ua, ta, aa := a.orgRows()
	ob, ub, tb, ab := b.orgRows()
	require.True(t, reflect.DeepEqual([][]row{oa, ua, ta, aa}, [][]row{ob, ub, tb, ab}))
	other := newGenConfig(43, 0.01, asOf)
	require.NotEqual(t, a.genRequest(500).Row, other.genRequest(500).Row, "another seed, other data")

	jurisdictions := map[string]bool{}
	statuses := map[sunshine.Status]int{}
	for i := 0; i < a.Requests; i += 7 {
		qa, qb := a.genRequest(i), b.genRequest(i)
		require.Equal(t, qa.Row, qb.Row)
		require.Equal(t, a.commRows(qa), b.commRows(qb))
		require.Len(t, qa.Row, len(requestCols))
		jurisdictions[qa.Jurisdiction.Code] = true
		statuses[qa.Status]++
		if i < a.ExportRows {
			require.Zero(t, qa.Org, "the export organization's requests come first")
		} else {
			require.NotZero(t, qa.Org)
		}
		// A sent request has its receipt date, and its statutory due date
		// is what the deadline engine computes.
		if qa.Status != sunshine.StatusDraft {
			require.False(t, qa.Received.IsZero())
			if res, err := deadline.Compute(qa.Jurisdiction.Code, qa.Received, deadline.Options{Extended: qa.Extended,
				Pauses: pauses(qa)}); err == nil {
				require.Equal(t, res.Due, qa.Due)
			}
		}
		for _, c := range a.commRows(qa) {
			require.Len(t, c, len(commCols))
			on := deadline.MustParseDate(c[6].(string))
			require.False(t, on.After(asOf), "no correspondence after today")
		}
	}
	require.Len(t, jurisdictions, len(deadline.Jurisdictions()), "agencies under every law")
	require.Greater(t, statuses[sunshine.StatusSubmitted], 0)
	require.Greater(t, statuses[sunshine.StatusFulfilled], statuses[sunshine.StatusSubmitted], "most requests are closed")

	// The search terms occur in the generated text.
	var text strings.Builder
	for i := 0; i < 200; i++ {
		for _, c := range a.commRows(a.genRequest(i)) {
			text.WriteString(c[10].(string))
		}
	}
	for _, w := range []string{"detainer", "287(g)", "ICE"} {
		require.Contains(t, text.String(), w)
	}
	require.Equal(t, a.id(tRequest, 3), b.id(tRequest, 3))
	require.NotEqual(t, a.id(tRequest, 3), a.id(tComm, 3))
}

func pauses(q *request) []deadline.Pause {
	if q.PauseFrom.IsZero() {
		return nil
	}
	return []deadline.Pause{{From: q.PauseFrom}}
}

func TestSchedule(t *testing.T) {
	g := newGenConfig(1, 0.01, deadline.MustParseDate("2026-11-27"))
	ca, err := deadline.Lookup("us-ca")
	require.NoError(t, err)
	// Due Thursday 2026-12-10: due_soon 3 and 1 business days before,
	// overdue from the next business day, and the earliest is next.
	q := &request{Status: sunshine.StatusSubmitted, Jurisdiction: ca, Due: deadline.MustParseDate("2026-12-10")}
	s := g.schedule(q)
	require.Equal(t, []deadline.Date{deadline.MustParseDate("2026-12-07"), deadline.MustParseDate("2026-12-09")}, s.SoonDates)
	require.Equal(t, deadline.MustParseDate("2026-12-11"), s.OverdueFrom)
	require.Equal(t, deadline.MustParseDate("2026-12-07"), s.Next)
	// A closed request has no reminders.
	q.Status = sunshine.StatusFulfilled
	require.True(t, g.schedule(q).Next.IsZero())
}

func TestParsePgbench(t *testing.T) {
	out := "latency average = 0.493 ms\ninitial connection time = 12.3 ms\ntps = 16231.123456 (without initial connection time)\n"
	res := pgbenchResult{Mode: "-S"}
	require.NoError(t, parsePgbench(out, &res))
	require.InDelta(t, 16231.123456, res.TPS, 1e-6)
	require.InDelta(t, 0.493, res.LatencyMs, 1e-9)
	require.Error(t, parsePgbench("nothing", &res))
}

// The SMTP ceiling sends every message once, over uneven shares, to a real
// Mailpit.
func TestSMTPCeiling(t *testing.T) {
	srv := mailtest.Start(t)
	mailer, err := mail.NewSMTP(srv.URL(), "Sunshine <reminders@sunshine.localhost>")
	require.NoError(t, err)
	perSec, err := smtpCeiling(context.Background(), mailer, 21, 4)
	require.NoError(t, err)
	require.Positive(t, perSec)
	require.Eventually(t, func() bool { return srv.Total() == 21 }, 5*time.Second, 20*time.Millisecond)
	ids := map[string]bool{}
	for _, m := range srv.Messages(t) {
		ids[m.MessageID] = true
	}
	require.Len(t, ids, 21, "each message once")
}
