package deadline

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Properties over ten years of receipt dates for every law with a date.
func TestCompute_Properties(t *testing.T) {
	t.Parallel()
	for _, j := range Jurisdictions() {
		if !j.HasDeadline() {
			continue
		}
		t.Run(j.Code, func(t *testing.T) {
			t.Parallel()
			first, last := d("2016-01-01"), d("2025-12-31")
			if !j.EffectiveFrom.IsZero() && first.Before(j.EffectiveFrom) {
				first = j.EffectiveFrom
			}
			var prev Date
			checked := 0
			for rcv := first; !rcv.After(last); rcv = rcv.AddDays(1) {
				r, err := j.Compute(rcv, Options{})
				if errors.Is(err, ErrOutOfRange) && j.Business.firstYear != 0 {
					continue // Georgia: outside the proclaimed years
				}
				require.NoError(t, err, "received %s", rcv)
				due := r.Due
				require.True(t, due.After(rcv), "received %s: due %s is not after receipt", rcv, due)
				requireWorkingDay(t, j.Business, rcv, due)
				if !prev.IsZero() {
					require.False(t, due.Before(prev), "received %s: due %s is before the previous day's %s", rcv, due, prev)
				}
				prev = due
				if j.Extension != nil {
					ext, err := j.Compute(rcv, Options{Extended: true})
					require.NoError(t, err, "received %s, extended", rcv)
					require.True(t, ext.Due.After(due), "received %s: extension %s does not lengthen %s", rcv, ext.Due, due)
					requireWorkingDay(t, j.lastDayCalendar(), rcv, ext.Due)
				}
				checked++
			}
			require.Greater(t, checked, 300, "too few receipt dates checked")
		})
	}
}

// A pause under a tolling law never brings the date forward, and under a law
// that does not toll never moves it.
func TestCompute_PauseProperties(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"us-federal", "us-pa", "us-ca", "us-ny"} {
		j, err := Lookup(code)
		require.NoError(t, err)
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			for rcv := d("2024-01-01"); rcv.Before(d("2025-01-01")); rcv = rcv.AddDays(3) {
				base, err := j.Compute(rcv, Options{})
				require.NoError(t, err)
				for _, p := range []Pause{{From: rcv.AddDays(1), To: rcv.AddDays(5)}, {From: rcv.AddDays(3), To: rcv.AddDays(3)}} {
					r, err := j.Compute(rcv, Options{Pauses: []Pause{p}})
					require.NoError(t, err)
					if j.Tolls {
						require.False(t, r.Due.Before(base.Due), "%s %v", rcv, p)
					} else {
						require.Equal(t, base.Due, r.Due, "%s %v", rcv, p)
					}
				}
			}
		})
	}
}

// requireWorkingDay fails unless due is neither a weekend day nor a holiday of c.
func requireWorkingDay(t *testing.T, c *Calendar, rcv, due Date) {
	t.Helper()
	require.False(t, due.IsWeekend(), "received %s: due %s is a weekend day", rcv, due)
	hol, err := (&dayChecker{cal: c}).holiday(due)
	require.NoError(t, err)
	require.False(t, hol, "received %s: due %s is one of the %s", rcv, due, c.Name)
}
