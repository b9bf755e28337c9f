package textract

import (
	"slices"
	"testing"
)

// Each way Go's runtime stops a process for want of memory under the
// child's address-space limit is read as that, and nothing else is.
func TestOutOfMemory(t *testing.T) {
	for _, tc := range []struct {
		stderr string
		want   bool
	}{
		{"fatal error: out of memory\n\ngoroutine 1 [running]:", true},
		{"fatal error: runtime: cannot allocate memory\n\ngoroutine 5 [running]:", true},
		{"runtime: failed to create new OS thread (have 9 already; errno=12)", true},
		{"==1234==ERROR: ThreadSanitizer failed to allocate: too many address space collisions", true},
		{"panic: runtime error: index out of range [3] with length 2", false},
		{"not a valid PDF: malformed xref table", false},
	} {
		if got := outOfMemory([]byte(tc.stderr)); got != tc.want {
			t.Errorf("outOfMemory(%q) = %v, want %v", tc.stderr, got, tc.want)
		}
	}
}

// The child's list of blank pages reads back as written, and a list cut
// short or out of order reads as none.
func TestBlankPagesList(t *testing.T) {
	for _, pages := range [][]int{{1}, {1, 2, 3}, {2, 4, 5, 6, 9}, {7, 8, 10, 11}} {
		s := formatPages(pages)
		if got := parsePages(s, 20); !slices.Equal(got, pages) {
			t.Errorf("parsePages(%q) = %v, want %v", s, got, pages)
		}
	}
	if s := formatPages([]int{1, 2, 3, 5, 7, 8}); s != "1-3,5,7-8" {
		t.Errorf("formatPages = %q", s)
	}
	for _, bad := range []string{"", "3,2", "2-1", "0", "1-", "1,,2", "x", "1-30"} {
		if got := parsePages(bad, 20); got != nil {
			t.Errorf("parsePages(%q) = %v, want nil", bad, got)
		}
	}
}
