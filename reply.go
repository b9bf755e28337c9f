package sunshine

import (
	"net/mail"
	"slices"
	"strings"
)

// replyPrefix starts the local part of every reply address.
const replyPrefix = "request-"

// ReplyAddress is the address an agency's email reaches a request at,
// request-<token>@domain; "" when no inbound domain is configured.
func ReplyAddress(domain, token string) string {
	if domain == "" || token == "" {
		return ""
	}
	return replyPrefix + token + "@" + domain
}

// ReplyTokens finds, among the addresses given (an envelope recipient,
// To, Cc, Delivered-To: each an address or a list of them, with names or
// without), the tokens of reply addresses at domain, each once, in order.
// The domain and the prefix are compared without case (mail servers
// lower-case them), and a "+tag" after the token is ignored.
func ReplyTokens(domain string, addresses ...string) []string {
	var out []string
	for _, field := range addresses {
		list, err := mail.ParseAddressList(field)
		if err != nil {
			list = []*mail.Address{{Address: strings.Trim(strings.TrimSpace(field), "<>")}}
		}
		for _, a := range list {
			at := strings.LastIndexByte(a.Address, '@')
			if at < 0 || !strings.EqualFold(a.Address[at+1:], domain) {
				continue
			}
			local := strings.ToLower(a.Address[:at])
			token, ok := strings.CutPrefix(local, replyPrefix)
			if !ok {
				continue
			}
			token, _, _ = strings.Cut(token, "+")
			if tokenChars(token) && !slices.Contains(out, token) {
				out = append(out, token)
			}
		}
	}
	return out
}

// tokenChars reports whether s can be a reply token: letters and digits
// only (tokens are hex), so nothing odd in an address reaches a look-up.
func tokenChars(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
