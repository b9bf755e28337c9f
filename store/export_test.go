package store

// Hooks for the external tests in store_test.
var (
	RequestListQuery = requestListQuery
	EncodeCursor     = encodeCursor
)
