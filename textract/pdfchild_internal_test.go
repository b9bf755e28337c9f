package textract

import "testing"

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
