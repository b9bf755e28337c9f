package textract

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// limitMemory sets a hard limit on this process: its address space may
// grow by at most n bytes past its size now. Past it, Go's runtime cannot
// map more memory and stops the process with "fatal error: out of memory".
//
// Why RLIMIT_AS counted from the current size (Linux 6.18, Go 1.26):
//   - RLIMIT_DATA, the limit meant for a heap, is not applied to Go's: Go
//     reserves address space at start and maps its heap over those
//     reservations, which Linux does not count as growth. A process with
//     RLIMIT_DATA at 256 MiB allocated 500 MiB (VmData 554 MB) unhindered.
//   - A fixed RLIMIT_AS such as 1 GiB is less than the address space Go
//     has reserved before main runs (VmSize 1.2 GB on amd64, far more
//     under the race detector): the first new thread or goroutine stack
//     fails.
//   - Counted from the current size, the limit is what the process may
//     still map, which is mostly heap (Go reserves heap address space in
//     64 MiB arenas as it grows, so the bound is within that of n). With
//     n = 512 MiB, 450 MiB of live heap worked and 480 MiB failed.
func limitMemory(n int64) error {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return err
	}
	var pages int64
	if _, err := fmt.Sscan(string(statm), &pages); err != nil {
		return fmt.Errorf("/proc/self/statm: %w", err)
	}
	lim := uint64(pages*int64(os.Getpagesize()) + n)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &old); err != nil {
		return err
	}
	lim = min(lim, old.Max) // an operator's lower limit stands
	return syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: lim, Max: lim})
}

// limitProcess sets a hard limit of n bytes on the address space of the
// process pid (a program OCR runs, just started): a picture or a PDF that
// needs more makes that program fail, not the server. Set right after the
// program starts, the limit applies before it has read its input.
func limitProcess(pid int, n int64) error {
	var own unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &own); err != nil {
		return err
	}
	lim := min(uint64(n), own.Max) // an operator's lower limit stands
	return unix.Prlimit(pid, unix.RLIMIT_AS, &unix.Rlimit{Cur: lim, Max: lim}, nil)
}
