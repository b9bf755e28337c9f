package sunshine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		from, to Status
		wantErr  Code
	}{
		{"DraftToSubmitted", StatusDraft, StatusSubmitted, ""},
		{"SubmittedToAcknowledged", StatusSubmitted, StatusAcknowledged, ""},
		{"AcknowledgedToAwaiting", StatusAcknowledged, StatusAwaitingRequester, ""},
		{"AwaitingBackToAcknowledged", StatusAwaitingRequester, StatusAcknowledged, ""},
		{"RollingToFulfilled", StatusRollingProduction, StatusFulfilled, ""},
		{"DeniedToAppealed", StatusDenied, StatusAppealed, ""},
		{"AppealedToLitigation", StatusAppealed, StatusInLitigation, ""},
		{"SilenceAppealed", StatusAcknowledged, StatusAppealed, ""},
		{"SilenceTakenToCourt", StatusSubmitted, StatusInLitigation, ""},
		{"FeeAppealed", StatusAwaitingRequester, StatusAppealed, ""},
		{"ErrDraftToAppealed", StatusDraft, StatusAppealed, EConflict},
		{"ErrDraftToFulfilled", StatusDraft, StatusFulfilled, EConflict},
		{"ErrDraftToAcknowledged", StatusDraft, StatusAcknowledged, EConflict},
		{"ErrWithdrawnIsFinal", StatusWithdrawn, StatusSubmitted, EConflict},
		{"ErrSame", StatusSubmitted, StatusSubmitted, EConflict},
		{"ErrUnknownTarget", StatusSubmitted, "lost", EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckTransition(tc.from, tc.to)
			require.Equal(t, tc.wantErr, ErrorCode(err))
		})
	}
	err := CheckTransition(StatusDraft, StatusFulfilled)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, []Status{StatusSubmitted, StatusWithdrawn, StatusAbandoned}, e.Allowed)
	require.Contains(t, e.Message, "allowed: submitted, withdrawn, abandoned")
	require.Contains(t, CheckTransition(StatusWithdrawn, StatusSubmitted).Error(), "withdrawn is final")
}

func TestStatus_EveryStatusHasTransitions(t *testing.T) {
	t.Parallel()
	for _, s := range AllStatuses() {
		require.True(t, s.Valid(), s)
		for _, to := range s.Allowed() {
			require.True(t, to.Valid(), "%s -> %s", s, to)
			require.NotEqual(t, s, to)
		}
	}
	require.False(t, StatusAwaitingRequester.ClockRuns(), "never overdue while waiting on the requester")
	require.False(t, StatusDraft.ClockRuns())
	require.True(t, StatusAppealed.ClockRuns())
	require.False(t, StatusDenied.ClockRuns())
}
