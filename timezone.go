package sunshine

import (
	"sync"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zoneinfo file on every call, and planning or a CSV export needs one per
// request.
var zones sync.Map // name → *time.Location

// Location returns the named IANA time zone, or UTC when the name is unknown
// (unknown names are not cached, so bad input cannot grow the cache).
func Location(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// Today is the request's "today": now's date in its agency's time zone.
func (r *Request) Today(now time.Time) deadline.Date {
	return deadline.Today(now, Location(r.TimeZone))
}
