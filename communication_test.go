package sunshine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// A kind that only the agency sends cannot be logged as ours, and ours
// cannot be logged as the agency's: each drives the request differently.
func TestCommunication_KindMatchesDirection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir  sunshine.Direction
		kind sunshine.CommKind
		ok   bool
	}{
		{sunshine.DirectionIn, sunshine.KindDenial, true},
		{sunshine.DirectionOut, sunshine.KindDenial, false},
		{sunshine.DirectionOut, sunshine.KindRecordsRelease, false},
		{sunshine.DirectionOut, sunshine.KindFeeEstimate, false},
		{sunshine.DirectionOut, sunshine.KindAppeal, true},
		{sunshine.DirectionIn, sunshine.KindAppeal, false},
		{sunshine.DirectionIn, sunshine.KindFollowUp, false},
		{sunshine.DirectionIn, sunshine.KindOther, true},
		{sunshine.DirectionOut, sunshine.KindOther, true},
	} {
		c := sunshine.Communication{Direction: tc.dir, Kind: tc.kind, Channel: "email", OccurredOn: deadline.MustParseDate("2017-03-28")}
		err := c.Validate()
		if tc.ok {
			require.NoError(t, err, "%s %s", tc.dir, tc.kind)
			continue
		}
		var e *sunshine.Error
		require.ErrorAs(t, err, &e, "%s %s", tc.dir, tc.kind)
		require.Equal(t, "kind", e.Fields[0].Field)
	}
}
