package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the reminder counters and outbox gauges on /metrics.
type metrics struct {
	planned, digests, sent, retries, failed, cancelled prometheus.Counter
	// Letters sent to agencies by email (DeliverLetters).
	lettersSent, lettersRetries, lettersFailed prometheus.Counter
}

func newMetrics() *metrics {
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "sunshine_reminders_" + name + "_total", Help: help})
	}
	l := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "sunshine_letters_" + name + "_total", Help: help})
	}
	return &metrics{
		planned:   c("planned", "Reminders planned."),
		digests:   c("digests_planned", "Weekday digests planned."),
		sent:      c("sent", "Reminder emails accepted by the mail server."),
		retries:   c("retries", "Delivery attempts that failed and will be retried."),
		failed:    c("failed", "Reminders given up on after the last attempt (see GET /api/v1/reminders?status=failed)."),
		cancelled: c("cancelled", "Planned reminders dropped at delivery because the request changed."),

		lettersSent:    l("sent", "Letters to agencies accepted by the mail server."),
		lettersRetries: l("retries", "Letter delivery attempts that failed and will be retried."),
		lettersFailed:  l("failed", "Letters to agencies given up on: refused for good, or after the last attempt."),
	}
}

// Register adds the reminder metrics, and gauges of the outbox read at each
// scrape, to reg (the server's /metrics registry).
func (j *Reminders) Register(reg prometheus.Registerer) error {
	gauge := func(name, help string, value func(pending int64, oldest time.Duration) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			pending, oldest, err := j.store.OutboxStats(ctx, j.clock.Now())
			if err != nil {
				return -1
			}
			return value(pending, oldest)
		})
	}
	for _, col := range []prometheus.Collector{j.m.planned, j.m.digests, j.m.sent, j.m.retries, j.m.failed, j.m.cancelled,
		j.m.lettersSent, j.m.lettersRetries, j.m.lettersFailed,
		gauge("sunshine_reminders_pending", "Reminders due and not yet sent.",
			func(p int64, _ time.Duration) float64 { return float64(p) }),
		gauge("sunshine_reminders_oldest_pending_seconds", "How long the oldest due reminder has waited.",
			func(_ int64, o time.Duration) float64 { return o.Seconds() }),
	} {
		if err := reg.Register(col); err != nil {
			return err
		}
	}
	return nil
}

func (m *metrics) delivered(r DeliveryResult) {
	m.sent.Add(float64(r.Sent))
	m.retries.Add(float64(r.Retrying))
	m.failed.Add(float64(r.Failed))
	m.cancelled.Add(float64(r.Cancelled))
}

func (m *metrics) lettersDelivered(r DeliveryResult) {
	m.lettersSent.Add(float64(r.Sent))
	m.lettersRetries.Add(float64(r.Retrying))
	m.lettersFailed.Add(float64(r.Failed))
}
