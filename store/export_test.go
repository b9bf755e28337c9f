package store

// Hooks for the external tests in store_test.
var (
	RequestListQuery = requestListQuery
	EncodeCursor     = encodeCursor
)

// DefaultLimit is the page size lists use by default.
const DefaultLimit = defaultLimit
