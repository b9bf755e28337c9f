package sunshine

import (
	"slices"

	"github.com/sunshine-records/sunshine/deadline"
)

// MaxCopies is how many agencies one request may be filed with at once:
// every county of the largest state, with room to spare.
const MaxCopies = 300

// CopyInput files an existing request with more agencies: a request each,
// with the original's title, text, tags and delivery method.
type CopyInput struct {
	AgencyIDs []string
	// AssigneeID follows the copies up; nil leaves them unassigned.
	// SameAssignee gives them the original's assignee instead.
	AssigneeID   *string
	SameAssignee bool
	// SentOn and ReceivedOn are the copies' dates; without ReceivedOn they
	// are drafts, with no clock until each is submitted.
	SentOn, ReceivedOn deadline.Date
}

// Validate checks what needs no database: at least one agency, none twice,
// and the dates in order.
func (in *CopyInput) Validate() error {
	var fs []FieldError
	switch {
	case len(in.AgencyIDs) == 0:
		fs = append(fs, FieldError{"agency_ids", "choose at least one agency"})
	case len(in.AgencyIDs) > MaxCopies:
		fs = append(fs, FieldError{"agency_ids", "at most 300 agencies at once"})
	default:
		seen := make(map[string]bool, len(in.AgencyIDs))
		for _, id := range in.AgencyIDs {
			if seen[id] {
				fs = append(fs, FieldError{"agency_ids", "lists an agency twice: " + id})
				break
			}
			seen[id] = true
		}
	}
	if !in.SentOn.IsZero() && !in.ReceivedOn.IsZero() && in.ReceivedOn.Before(in.SentOn) {
		fs = append(fs, FieldError{"received_on", "must not be before the day it was sent"})
	}
	if len(fs) > 0 {
		return Invalid(fs...)
	}
	return nil
}

// Copy is the request r filed with agency: what is asked, not what
// happened to it (status, dates, tracking number, external ID stay
// behind).
func (in *CopyInput) Copy(r *Request, agencyID string) *Request {
	return &Request{
		AgencyID: agencyID, Title: r.Title, Description: r.Description,
		DeliveryMethod: r.DeliveryMethod, Tags: slices.Clone(r.Tags),
		AssigneeID: in.AssigneeID, SentOn: in.SentOn, ReceivedOn: in.ReceivedOn,
	}
}
