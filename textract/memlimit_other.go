//go:build !linux

package textract

// limitMemory sets no hard limit outside Linux, where Sunshine is deployed
// (its container image is Linux): the child then has only Go's soft limit,
// and a PDF that needs too much memory still stops the child, not the
// server, if the system's out-of-memory handling picks the largest process.
func limitMemory(int64) error { return nil }

// limitProcess sets no limit outside Linux (see limitMemory).
func limitProcess(int, int64) error { return nil }
