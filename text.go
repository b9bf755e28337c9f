package sunshine

import (
	"strings"
	"unicode/utf8"
)

// StorableText reports whether PostgreSQL can store s as text: valid UTF-8
// without NUL. It refuses anything else with an error, which input must
// meet as a 400 rather than a 500 from the store.
func StorableText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
