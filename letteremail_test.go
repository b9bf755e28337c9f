package sunshine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// A letter email as a form gives it is trimmed, its copies split however
// typed, and its kind the request letter when none is given.
func TestLetterEmailInput_Normalize(t *testing.T) {
	t.Parallel()
	in := sunshine.LetterEmailInput{To: " records@agency.gov ", Cc: []string{"a@x.org, b@y.org;c@z.org\n d@w.org", ""},
		Subject: "  Request  ", Body: "Dear officer,\r\nPlease.\r\n"}
	in.Normalize()
	require.Equal(t, sunshine.LetterRequest, in.Kind)
	require.Equal(t, "records@agency.gov", in.To)
	require.Equal(t, []string{"a@x.org", "b@y.org", "c@z.org", "d@w.org"}, in.Cc)
	require.Equal(t, "Request", in.Subject)
	require.Equal(t, "Dear officer,\nPlease.\n", in.Body)
	require.NoError(t, in.Validate())

	none := sunshine.LetterEmailInput{}
	none.Normalize()
	require.NotNil(t, none.Cc, "an empty list, never nil")
}

// Every field that is wrong is named at once.
func TestLetterEmailInput_Validate(t *testing.T) {
	t.Parallel()
	ok := sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: "records@agency.gov", Subject: "Follow-up", Body: "Where?"}
	tests := []struct {
		name   string
		change func(in *sunshine.LetterEmailInput)
		fields []string
	}{
		{"Valid", func(*sunshine.LetterEmailInput) {}, nil},
		{"NoKind", func(in *sunshine.LetterEmailInput) { in.Kind = "" }, []string{"kind"}},
		{"NoAddress", func(in *sunshine.LetterEmailInput) { in.To = "" }, []string{"to"}},
		{"TwoAddresses", func(in *sunshine.LetterEmailInput) { in.To = "a@x.org, b@y.org" }, []string{"to"}},
		{"CopyNotAddress", func(in *sunshine.LetterEmailInput) { in.Cc = []string{"legal@"} }, []string{"cc"}},
		{"CopyTwice", func(in *sunshine.LetterEmailInput) { in.Cc = []string{"Records@Agency.gov"} }, []string{"cc"}},
		{"TooManyCopies", func(in *sunshine.LetterEmailInput) { in.Cc = strings.Fields(strings.Repeat("a@x.org ", 11)) }, []string{"cc"}},
		{"SubjectLines", func(in *sunshine.LetterEmailInput) { in.Subject = "One\nTwo" }, []string{"subject"}},
		{"Attachments", func(in *sunshine.LetterEmailInput) {
			in.AttachmentIDs = []string{"5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b"}
		}, nil},
		{"AttachmentTwice", func(in *sunshine.LetterEmailInput) {
			in.AttachmentIDs = []string{"5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8D"}
		}, []string{"attachment_ids"}},
		{"TooManyAttachments", func(in *sunshine.LetterEmailInput) {
			for i := range 11 {
				in.AttachmentIDs = append(in.AttachmentIDs, fmt.Sprintf("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c%02d", i))
			}
		}, []string{"attachment_ids"}},
		{"Everything", func(in *sunshine.LetterEmailInput) {
			*in = sunshine.LetterEmailInput{Kind: "appeal", ToParty: strings.Repeat("x", 501), FromParty: strings.Repeat("y", 501)}
		}, []string{"kind", "to", "subject", "body", "to_party", "from_party"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := ok
			tt.change(&in)
			err := in.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var e *sunshine.Error
			require.ErrorAs(t, err, &e)
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			require.Equal(t, tt.fields, got)
		})
	}
}
