package sunshine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

func TestBulkChange_Validate(t *testing.T) {
	const id1, id2 = "5f0c7a8e-2b1d-4c3e-9f4a-1b2c3d4e5f60", "6f0c7a8e-2b1d-4c3e-9f4a-1b2c3d4e5f61"
	yes, nobody := true, ""
	withdrawn, acknowledged := sunshine.StatusWithdrawn, sunshine.StatusAcknowledged
	many := make([]string, sunshine.MaxBulkRequests+1)
	for i := range many {
		many[i] = id1
	}
	for _, tc := range []struct {
		name   string
		in     sunshine.BulkChange
		fields map[string]string // field → part of its message; nil: valid
		ids    []string
		add    []string
	}{
		{name: "assign", in: sunshine.BulkChange{RequestIDs: []string{id1, id2}, AssigneeID: &nobody}, ids: []string{id1, id2}},
		{name: "a request named twice, in capitals", in: sunshine.BulkChange{RequestIDs: []string{id1, strings.ToUpper(id1)}, Watch: &yes}, ids: []string{id1}},
		{name: "tags trimmed and one of each", in: sunshine.BulkChange{RequestIDs: []string{id1}, AddTags: []string{" ICE ", "ice", "jail"}}, ids: []string{id1}, add: []string{"ICE", "jail"}},
		{name: "nothing chosen", in: sunshine.BulkChange{Watch: &yes}, fields: map[string]string{"request_ids": "choose at least one request"}},
		{name: "too many", in: sunshine.BulkChange{RequestIDs: many, Watch: &yes}, fields: map[string]string{"request_ids": "at most 100 requests"}},
		{name: "not an ID", in: sunshine.BulkChange{RequestIDs: []string{id1, "42"}, Watch: &yes}, fields: map[string]string{"request_ids": `"42" is not a request ID`}},
		{name: "no change", in: sunshine.BulkChange{RequestIDs: []string{id1}}, fields: map[string]string{"_": "say what to change"}},
		{name: "an empty tag and a tag both added and removed", in: sunshine.BulkChange{RequestIDs: []string{id1}, AddTags: []string{"ICE"}, RemoveTags: []string{"ice", " "}},
			fields: map[string]string{"remove_tags": "each tag must be 1 to 50 characters"}},
		{name: "close", in: sunshine.BulkChange{RequestIDs: []string{id1}, Close: &withdrawn, CloseNote: "Campaign over."}, ids: []string{id1}},
		{name: "an open status", in: sunshine.BulkChange{RequestIDs: []string{id1}, Close: &acknowledged},
			fields: map[string]string{"close": `"acknowledged" is not a closed status`}},
		{name: "a closing note alone", in: sunshine.BulkChange{RequestIDs: []string{id1}, Watch: &yes, CloseNote: "Campaign over."},
			fields: map[string]string{"close_note": "goes with a closed status"}},
		{name: "added and removed", in: sunshine.BulkChange{RequestIDs: []string{id1}, AddTags: []string{"ICE"}, RemoveTags: []string{"ice"}},
			fields: map[string]string{"remove_tags": `"ICE" is also added`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.fields == nil {
				require.NoError(t, err)
				require.Equal(t, tc.ids, tc.in.RequestIDs)
				require.Equal(t, tc.add, tc.in.AddTags)
				return
			}
			var e *sunshine.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, sunshine.EInvalid, e.Code)
			got := map[string]string{}
			for _, f := range e.Fields {
				got[f.Field] = f.Message
			}
			require.Len(t, got, len(tc.fields), "%v", e.Fields)
			for field, want := range tc.fields {
				require.Contains(t, got[field], want, field)
			}
		})
	}
}

func TestRetag(t *testing.T) {
	for _, tc := range []struct {
		name              string
		tags, add, remove []string
		want              []string // nil: no change
	}{
		{"add", []string{"ICE"}, []string{"jail"}, nil, []string{"ICE", "jail"}},
		{"add one it has in another case", []string{"ICE"}, []string{"ice"}, nil, nil},
		{"remove without case", []string{"ICE", "jail"}, nil, []string{"ice"}, []string{"jail"}},
		{"remove one it does not have", []string{"ICE"}, nil, []string{"jail"}, nil},
		{"remove the last", []string{"ICE"}, nil, []string{"ICE"}, []string{}},
		{"from none", []string{}, []string{"ICE"}, nil, []string{"ICE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, sunshine.Retag(tc.tags, tc.add, tc.remove))
		})
	}
}
