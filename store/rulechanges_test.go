package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// A release that changes how a law counts recomputes, once, the due dates
// open requests under it already have: Michigan's closure days stopped
// moving dates (AG Op. 7172), so a date an older release moved past one
// comes back, with the change named in the timeline; closed requests and
// other laws keep theirs, and applying again changes nothing.
func TestStore_ApplyRuleChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2025, 3, 6, 15, 0, 0, 0, time.UTC))
	mi := b.agency(t, "Detroit Police Department", "us-mi")
	ny := b.agency(t, "New York City Police Department", "us-ny")
	open := b.request(t, mi, "Gang database", "2025-03-03")
	closed := b.request(t, mi, "Use of force", "2025-03-03")
	_, err := b.s.TransitionRequest(b.ctx, closed.ID, sunshine.TransitionInput{To: sunshine.StatusDenied})
	require.NoError(t, err)
	other := b.request(t, ny, "Stop-and-frisk data", "2025-03-03")
	require.Equal(t, "2025-03-10", open.DueOn.String())
	// As an older release left them: a day later, past a closure day.
	require.NoError(t, store.Exec(b.s, `UPDATE requests SET due_on = '2025-03-11' WHERE id IN ($1, $2, $3)`,
		open.ID, closed.ID, other.ID))

	change := store.RuleChange{Name: "test: Michigan closure days", Jurisdictions: []string{"us-mi"}, Note: "Deadline rules updated: Michigan"}
	n, err := b.s.ApplyRuleChanges(b.ctx, []store.RuleChange{change})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	due := func(r *sunshine.Request) string {
		t.Helper()
		got, err := b.s.FindRequestByID(b.ctx, r.ID)
		require.NoError(t, err)
		return got.DueOn.String()
	}
	require.Equal(t, "2025-03-10", due(open))
	require.Equal(t, "2025-03-11", due(closed), "a closed request's date is its history")
	require.Equal(t, "2025-03-11", due(other), "another law is not recomputed")
	es, _, err := b.s.FindEvents(b.ctx, open.ID, store.All, "")
	require.NoError(t, err)
	last := es[len(es)-1]
	require.Equal(t, sunshine.EventDeadlineComputed, last.Kind)
	require.Equal(t, "Deadline rules updated: Michigan", last.Note)

	// Once only.
	require.NoError(t, store.Exec(b.s, `UPDATE requests SET due_on = '2025-03-11' WHERE id = $1`, open.ID))
	n, err = b.s.ApplyRuleChanges(b.ctx, []store.RuleChange{change})
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "2025-03-11", due(open))
}
