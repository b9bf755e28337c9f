package api

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{`{"title":"a","title":"b"}`, "title"},
		{`{"title":"a","tags":["x","y"],"description":"d"}`, ""},
		{`{"a":{"b":1,"b":2}}`, "a.b"},
		{`{"a":[{"b":1},{"b":1,"c":2,"c":3}]}`, "a[1].c"},
		{`{"a":{"b":1},"c":{"b":1}}`, ""},
		{`{"a":1,"b":{"x":[1,{"y":1}]},"a":2}`, "a"},
		{`{"title":`, ""}, // malformed: the decoder says so
		{`[1,1]`, ""},
	} {
		require.Equal(t, tc.want, duplicateKey([]byte(tc.body)), tc.body)
	}
}

func TestJSONPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, field, want string }{
		{"", "tags.1", "tags[1]"},
		{"tags", "1", "tags[1]"},
		{"", "sub.x", "sub.x"},
		{"tags", "", "tags"},
		{"a", "2.b", "a[2].b"},
	} {
		require.Equal(t, tc.want, jsonPath(tc.name, tc.field), "%q %q", tc.name, tc.field)
	}
}

func TestLoneSurrogate(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"title":"\ud800abc"}`:     true,
		`{"title":"abc\udc00"}`:     true,
		`{"title":"\ud83d\ude00"}`:  false, // a pair: 😀
		`{"title":"\\ud800"}`:       false, // a backslash, then text
		`{"title":"\u00e9\n\"x\""}`: false,
		`{"title":"\ud83d\u0041"}`:  true,
	} {
		require.Equal(t, want, loneSurrogate([]byte(body)), body)
	}
}
