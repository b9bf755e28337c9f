package sunshine

import (
	"strings"
	"unicode/utf8"
)

// StorableText reports whether PostgreSQL can store s as text: valid UTF-8
// without NUL. It refuses anything else with an error, which input must
// meet as a 400 rather than a 500 from the store.
func StorableText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// chars counts the characters of s, as limits on names and text are
// stated (and as PostgreSQL's length() counts them), not its bytes.
func chars(s string) int { return utf8.RuneCountInString(s) }

// maxBodyBytes is the most a communication's message may hold.
const maxBodyBytes = 1_000_000
