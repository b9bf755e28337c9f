package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// An imported request can be filed at the status it has reached, in one
// step: its timeline says when, no reminder is planned for it as merely
// submitted, and a status or date the lifecycle refuses files nothing,
// naming the create's fields.
func TestStore_CreateRequestAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		received string
		to       sunshine.Status
		on       string
		fields   []string // refused: the fields named
		reminded bool     // planning on 5 Apr 2017 owes a reminder
	}{
		{name: "denied", received: "2017-01-09", to: sunshine.StatusDenied, on: "2017-02-01"},
		{name: "acknowledged, overdue", received: "2017-03-01", to: sunshine.StatusAcknowledged, on: "2017-03-03", reminded: true},
		{name: "awaiting us", received: "2017-01-09", to: sunshine.StatusAwaitingRequester, on: "2017-01-12", reminded: true},
		{name: "not a step from submitted", received: "2017-01-09", to: sunshine.StatusDraft, on: "2017-01-12", fields: []string{"status"}},
		{name: "no date", received: "2017-01-09", to: sunshine.StatusFulfilled, fields: []string{"status_on"}},
		{name: "no receipt date", to: sunshine.StatusFulfilled, on: "2017-01-12", fields: []string{"received_on"}},
		{name: "before receipt", received: "2017-01-09", to: sunshine.StatusFulfilled, on: "2017-01-02", fields: []string{"status_on"}},
		{name: "in the future", received: "2017-01-09", to: sunshine.StatusFulfilled, on: "2017-05-02", fields: []string{"status_on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a := b.agency(t, "Sheriff", "us-ca")
			r := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail}
			if tc.received != "" {
				r.ReceivedOn = d(tc.received)
			}
			to := sunshine.TransitionInput{To: tc.to, Note: "imported"}
			if tc.on != "" {
				to.EffectiveOn = d(tc.on)
			}
			err := b.s.CreateRequestAt(b.ctx, r, to)
			list, _, lerr := b.s.FindRequests(b.ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses()})
			require.NoError(t, lerr)
			if tc.fields != nil {
				require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err), "%v", err)
				var e *sunshine.Error
				require.ErrorAs(t, err, &e)
				var names []string
				for _, f := range e.Fields {
					names = append(names, f.Field)
				}
				require.Equal(t, tc.fields, names)
				require.Empty(t, list, "nothing filed")
				return
			}
			require.NoError(t, err)
			require.Len(t, list, 1)
			got := list[0]
			require.Equal(t, tc.to, got.Status)
			if !tc.to.Open() {
				require.Equal(t, tc.on, got.ClosedOn.String())
			}
			require.Equal(t, tc.to == sunshine.StatusAwaitingRequester, got.Paused())
			events, _, err := b.s.FindEvents(b.ctx, got.ID, store.All, "")
			require.NoError(t, err)
			var moved []*sunshine.Event
			for _, e := range events {
				if e.Kind == sunshine.EventStatusChanged {
					moved = append(moved, e)
				}
			}
			require.Len(t, moved, 1)
			require.Equal(t, tc.on, moved[0].EffectiveOn.String())
			require.Equal(t, "imported", moved[0].Note)

			_, err = b.s.PlanReminders(b.ctx, now)
			require.NoError(t, err)
			pending, _, err := b.s.FindReminders(b.ctx, []string{"pending"}, 0, "")
			require.NoError(t, err)
			require.Equal(t, tc.reminded, len(pending) > 0, "%v", pending)
		})
	}
}
