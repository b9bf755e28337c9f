package web

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// Every reminder kind has its words: in the reminder list, and (those a
// person chooses) in Settings; a kind added without them would show its
// code.
func TestReminderKindsNamed(t *testing.T) {
	for _, k := range append([]string{sunshine.ReminderDigest, "invite", sunshine.ReminderPasswordReset, sunshine.ReminderTwoStep, sunshine.ReminderTodo, sunshine.ReminderLetterFailed,
		sunshine.ReminderWebhookOff, sunshine.ReminderSearchAlert}, sunshine.ReminderKinds...) {
		require.NotEmpty(t, reminderKindNames[k], "reminder list: %s", k)
	}
	for _, k := range sunshine.ReminderKinds {
		require.NotEmpty(t, kindLabels[k], "settings: %s", k)
	}
}
