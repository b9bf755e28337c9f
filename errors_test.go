package sunshine

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJoinInvalid(t *testing.T) {
	t.Parallel()
	internal := errors.New("connection refused")
	for _, tc := range []struct {
		name   string
		errs   []error
		want   []FieldError // nil: want is the error itself, or nil
		passed error
	}{
		{"AllNil", []error{nil, nil}, nil, nil},
		{"EveryField", []error{FieldInvalid("sent_on", "must not be in the future"), nil,
			Invalid(FieldError{"received_on", "must not be in the future"}, FieldError{"agency_ids", "choose at least one agency"})},
			[]FieldError{{"sent_on", "must not be in the future"}, {"received_on", "must not be in the future"}, {"agency_ids", "choose at least one agency"}}, nil},
		{"FirstMessageOfAField", []error{FieldInvalid("agency_ids", "lists an agency twice"), FieldInvalid("agency_ids", "filed already")},
			[]FieldError{{"agency_ids", "lists an agency twice"}}, nil},
		{"OtherCodeAsItIs", []error{FieldInvalid("sent_on", "must not be in the future"), internal}, nil, internal},
		{"ConflictAsItIs", []error{Errorf(EConflict, "the request is closed"), FieldInvalid("body", "is required")}, nil, Errorf(EConflict, "the request is closed")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := JoinInvalid(tc.errs...)
			if tc.want == nil {
				require.Equal(t, tc.passed, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, EInvalid, e.Code)
			require.Equal(t, tc.want, e.Fields)
		})
	}
}
