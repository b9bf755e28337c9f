package sunshine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

func TestReplyAddress(t *testing.T) {
	require.Equal(t, "request-abc123@replies.example.org", sunshine.ReplyAddress("replies.example.org", "abc123"))
	require.Empty(t, sunshine.ReplyAddress("", "abc123"), "no inbound domain: no address")
}

func TestReplyTokens(t *testing.T) {
	const domain = "replies.example.org"
	for _, tc := range []struct {
		name      string
		addresses []string
		want      []string
	}{
		{"bare", []string{"request-abc123@replies.example.org"}, []string{"abc123"}},
		{"named, in a list, with others", []string{`"Records" <records@sheriff.example>, Reply <request-abc123@replies.example.org>`}, []string{"abc123"}},
		{"case as mail servers change it", []string{"REQUEST-ABC123@Replies.Example.Org"}, []string{"abc123"}},
		{"a +tag ignored", []string{"request-abc123+re@replies.example.org"}, []string{"abc123"}},
		{"each once, in order", []string{"request-b2@replies.example.org", "request-a1@replies.example.org, request-b2@replies.example.org"}, []string{"b2", "a1"}},
		{"in angle brackets alone (an envelope)", []string{"<request-abc123@replies.example.org>"}, []string{"abc123"}},
		{"another domain", []string{"request-abc123@example.org", "request-abc123@replies.example.org.evil.example"}, nil},
		{"not a reply address", []string{"records@replies.example.org", "request-@replies.example.org"}, nil},
		{"not a token", []string{`"request-a@b"@replies.example.org`, `"request-a b"@replies.example.org`}, nil},
		{"not an address", []string{"", "undisclosed-recipients:;"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, sunshine.ReplyTokens(domain, tc.addresses...))
		})
	}
}

// Whatever an email's headers hold, the tokens found are plain: no empty
// one, no address characters, lower case, each once.
func FuzzReplyTokens(f *testing.F) {
	for _, s := range []string{"request-abc@replies.example.org", `"R" <REQUEST-Ab+x@Replies.Example.Org>, b@c`, "request-@replies.example.org", "<>", "=?utf-8?q?x?= <request-a@replies.example.org>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, field string) {
		seen := map[string]bool{}
		for _, tok := range sunshine.ReplyTokens("replies.example.org", field) {
			require.NotEmpty(t, tok)
			require.Regexp(t, `^[0-9a-z]{1,64}$`, tok)
			require.Equal(t, strings.ToLower(tok), tok)
			require.False(t, seen[tok], "each once")
			seen[tok] = true
		}
	})
}
