package sunshine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// MaxBulkRequests is how many requests one bulk change may name: two of
// the request list's pages, and few enough to lock in one transaction.
const MaxBulkRequests = 100

// BulkChange is one change made to many requests at once (the request
// list's "Change the selected requests"): assign them, add or remove a
// tag, watch them, close them, or turn their automatic follow-ups on or
// off. Each request changed gets the timeline
// entry a change of that request alone would get; all change, or none.
type BulkChange struct {
	RequestIDs []string
	// AssigneeID assigns the requests ("" unassigns them).
	AssigneeID *string
	// AssignmentNote goes with the assignment to those it assigns anew
	// (RequestUpdate.AssignmentNote), in their one email.
	AssignmentNote string
	// AddTags and RemoveTags are compared without case, as tags are.
	AddTags    []string
	RemoveTags []string
	// Watch makes the caller a watcher of the requests (false: no longer).
	Watch *bool
	// Close moves the open requests to this closed status (withdrawn,
	// abandoned, …) as of today in each agency's time zone, with
	// CloseNote in each timeline; those in it already are left as they
	// are.
	Close     *Status
	CloseNote string
	// AutoFollowUpDays turns the requests' automatic follow-ups on, every
	// so many days, signed by the caller (AutoFollowUp), or with 0 off.
	AutoFollowUpDays *int
}

// MaxCloseNote is how long a bulk change's closing note may be.
const MaxCloseNote = 5000

// Validate checks the change on its own and normalizes its tags and IDs
// (a request named twice is changed once).
func (b *BulkChange) Validate() error {
	var errs []FieldError
	switch {
	case len(b.RequestIDs) == 0:
		errs = append(errs, FieldError{"request_ids", "choose at least one request"})
	case len(b.RequestIDs) > MaxBulkRequests:
		errs = append(errs, FieldError{"request_ids", fmt.Sprintf("at most %d requests at once", MaxBulkRequests)})
	default:
		ids := make([]string, 0, len(b.RequestIDs))
		for _, id := range b.RequestIDs {
			if uuid.Validate(id) != nil || len(id) != 36 {
				errs = append(errs, FieldError{"request_ids", fmt.Sprintf("%q is not a request ID", id)})
				break
			}
			if id = strings.ToLower(id); !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		b.RequestIDs = ids
	}
	switch {
	case b.AssignmentNote == "":
	case b.AssigneeID == nil || *b.AssigneeID == "":
		errs = append(errs, FieldError{"assignment_note", "goes with an assignee: choose who the requests go to"})
	case chars(b.AssignmentNote) > MaxAssignmentNote:
		errs = append(errs, FieldError{"assignment_note", fmt.Sprintf("must be at most %d characters", MaxAssignmentNote)})
	}
	switch {
	case b.Close != nil && !slices.Contains(ClosedStatuses, *b.Close):
		errs = append(errs, FieldError{"close", fmt.Sprintf("%q is not a closed status: many requests at once can only be closed (%s)", *b.Close, JoinStatuses(ClosedStatuses))})
	case b.Close == nil && b.CloseNote != "":
		errs = append(errs, FieldError{"close_note", "goes with a closed status: choose how the requests end"})
	case chars(b.CloseNote) > MaxCloseNote:
		errs = append(errs, FieldError{"close_note", fmt.Sprintf("must be at most %d characters", MaxCloseNote)})
	}
	if d := b.AutoFollowUpDays; d != nil && *d != 0 {
		switch {
		case CheckAutoFollowUpDays(*d) != nil:
			errs = append(errs, FieldError{"auto_follow_up_days", fmt.Sprintf("must be %d to %d days, or 0 to stop them", MinAutoFollowUpDays, MaxAutoFollowUpDays)})
		case b.Close != nil:
			errs = append(errs, FieldError{"auto_follow_up_days", "a closed request takes no follow-up: close them, or follow them up"})
		}
	}
	badTags := false
	for _, t := range []struct {
		field string
		tags  *[]string
	}{{"add_tags", &b.AddTags}, {"remove_tags", &b.RemoveTags}} {
		if *t.tags == nil {
			continue
		}
		tags, f := NormalizeTags(*t.tags)
		if f != nil {
			errs = append(errs, FieldError{t.field, f.Message})
			badTags = true
			continue
		}
		*t.tags = tags
	}
	for _, t := range b.AddTags {
		if badTags {
			break
		}
		if slices.ContainsFunc(b.RemoveTags, func(r string) bool { return strings.EqualFold(r, t) }) {
			errs = append(errs, FieldError{"remove_tags", fmt.Sprintf("%q is also added: add it or remove it", t)})
			break
		}
	}
	if b.AssigneeID == nil && len(b.AddTags) == 0 && len(b.RemoveTags) == 0 && b.Watch == nil && b.Close == nil && b.AutoFollowUpDays == nil && len(errs) == 0 {
		errs = append(errs, FieldError{"_", "say what to change: an assignee, a tag to add or remove, watching, a closed status, or automatic follow-ups"})
	}
	if len(errs) > 0 {
		return Invalid(errs...)
	}
	return nil
}

// Retag is tags with add added and remove removed, without case; nil when
// that changes nothing.
func Retag(tags, add, remove []string) []string {
	out := slices.DeleteFunc(slices.Clone(tags), func(t string) bool {
		return slices.ContainsFunc(remove, func(r string) bool { return strings.EqualFold(r, t) })
	})
	for _, a := range add {
		if !slices.ContainsFunc(out, func(t string) bool { return strings.EqualFold(t, a) }) {
			out = append(out, a)
		}
	}
	if slices.Equal(out, tags) {
		return nil
	}
	return out
}
