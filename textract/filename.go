package textract

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds SanitizeFilename's result.
const maxNameBytes = 200

// maxExtBytes: a longer "extension" is treated as part of the name.
const maxExtBytes = 16

// SanitizeFilename returns a safe display and download name for an uploaded
// file: the base name only (any directory part, with / or \ separators, and
// a drive letter are stripped), valid UTF-8 (invalid bytes become _), no
// control or invisible formatting characters (they are dropped), no leading
// dots or spaces, quotes and characters unsafe in a Content-Disposition
// header or on common file systems (" ' ` \ / : * ? < > | ;) replaced by _,
// at most 200 bytes keeping the extension. An empty or all-stripped name
// becomes "document".
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		name = name[2:] // "C:report.pdf"
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			// Control characters, and invisible format characters such as
			// the bidi overrides used to disguise "exe.pdf" names.
			if r == utf8.RuneError {
				b.WriteByte('_')
			}
			continue
		case strings.ContainsRune("\"'`\\/:*?<>|;", r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case !unicode.IsPrint(r) && !unicode.IsGraphic(r):
			continue
		default:
			b.WriteRune(r)
		}
	}
	name = collapseSpaces(b.String())
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ") // Windows drops these anyway

	ext := path.Ext(name)
	if ext == name || len(ext) > maxExtBytes || strings.Contains(ext, " ") {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	if len(stem)+len(ext) > maxNameBytes {
		stem = truncateUTF8(stem, maxNameBytes-len(ext))
		stem = strings.TrimRight(stem, ". ")
	}
	if stem == "" {
		if ext == "" {
			return "document"
		}
		return "document" + ext
	}
	return stem + ext
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
