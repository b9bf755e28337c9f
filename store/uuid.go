package store

import "github.com/google/uuid"

// validUUID reports whether s is a UUID in its canonical text form. IDs from
// URLs are checked before they reach SQL, so a malformed one is a plain 404
// rather than a Postgres type error.
func validUUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }
