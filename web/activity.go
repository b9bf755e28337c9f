package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// The Activity page: what happened across the organization's requests,
// newest first (their timelines' events), for a coordinator catching up:
// by person, by kind, a page at a time.

// activityGroup is a choice of the page's "What" filter: event kinds.
type activityGroup struct {
	Value, Label string
	Kinds        []sunshine.EventKind
}

// activityGroups are the page's kinds of activity. The first, the
// default, is people's work: every kind but the reminders sent.
var activityGroups = []activityGroup{
	{"", "Everything but reminders sent", nil},
	{"correspondence", "Correspondence", []sunshine.EventKind{sunshine.EventCommunication, sunshine.EventCommEdited, sunshine.EventCommDeleted,
		sunshine.EventLetterEmailFailed, sunshine.EventLetterEmailUnlogged, sunshine.EventLetterEmailBounced, sunshine.EventAutoFollowUpChanged}},
	{"documents", "Documents", []sunshine.EventKind{sunshine.EventDocumentAdded, sunshine.EventDocumentDeleted, sunshine.EventArchiveUnpacked, sunshine.EventDocumentShareChanged}},
	{"status", "Status and dates", []sunshine.EventKind{sunshine.EventCreated, sunshine.EventUpdated, sunshine.EventStatusChanged,
		sunshine.EventDeadlineComputed, sunshine.EventExtended, sunshine.EventExtensionUndone, sunshine.EventExtensionLate,
		sunshine.EventPaused, sunshine.EventResumed, sunshine.EventCustomDueSet, sunshine.EventCopiesFiled}},
	{"notes", "Notes and to-dos", []sunshine.EventKind{sunshine.EventNoteAdded, sunshine.EventTodoAdded, sunshine.EventTodoChanged,
		sunshine.EventTodoDone, sunshine.EventTodoReopened, sunshine.EventTodoRemoved}},
	{"sharing", "Shared pages", []sunshine.EventKind{sunshine.EventShareChanged, sunshine.EventDocumentShareChanged}},
	{"reminders", "Reminders sent", []sunshine.EventKind{sunshine.EventReminderSent}},
}

// forMe is the "What" choice, after the kinds (and not one a webhook
// offers), of the notes that mention the signed-in person (emailed to
// them).
var forMe = activityGroup{"for_me", "Notes that mention me", []sunshine.EventKind{sunshine.EventNoteAdded}}

// peoplesWork is the default group's kinds: every kind but the reminders
// sent.
var peoplesWork = func() []sunshine.EventKind {
	var out []sunshine.EventKind
	for _, g := range activityGroups[1:] {
		for _, k := range g.Kinds {
			if k != sunshine.EventReminderSent && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}()

type activityData struct {
	Days   []activityDay
	People []dashOption
	Groups []dashOption
	// Next is the next page's address, "" on the last.
	Next     string
	Filtered bool
}

// activityDay is a day's events, newest first.
type activityDay struct {
	Day  deadline.Date // in the organization's time zone
	Rows []activityRow
}

// activityRow is an event as the page lists it.
type activityRow struct {
	Time         string // when it was recorded: "14:05 EST"
	Text, Who    string
	RequestTitle string
	AgencyName   string
	Link         string // the event on its request's page
	Note         string // a note's text, whole
}

func (s *Server) handleActivity(c *gin.Context) {
	ctx := ctxOf(c)
	f := store.ActivityFilter{ActorID: c.Query("person"), After: c.Query("cursor"), Limit: 50}
	group := c.Query("what")
	f.Kinds = peoplesWork
	known := false
	for _, g := range slices.Concat(activityGroups[1:], []activityGroup{forMe}) {
		if g.Value == group {
			f.Kinds, known = g.Kinds, true
		}
	}
	if !known {
		group = "" // an unknown choice: everything, as with none
	}
	if group == forMe.Value {
		p, _ := sunshine.PrincipalFrom(ctx)
		f.MentionID = p.UserID
	}
	items, next, err := s.store.Activity(ctx, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	users, err := s.store.FindUsers(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := map[string]string{}
	d := &activityData{Filtered: f.ActorID != "" || group != ""}
	for _, u := range users {
		names[u.ID] = userLabel(u)
		d.People = append(d.People, dashOption{Value: u.ID, Label: choiceLabel(u), Selected: u.ID == f.ActorID})
	}
	for _, g := range slices.Concat(activityGroups, []activityGroup{forMe}) {
		d.Groups = append(d.Groups, dashOption{Value: g.Value, Label: g.Label, Selected: g.Value == group})
	}
	loc := s.orgLocation(c)
	for _, it := range items {
		at := it.CreatedAt.In(loc)
		row := activityRow{Time: at.Format("15:04 MST"), Text: it.Event.Line(tolls(it.Jurisdiction), names),
			RequestTitle: it.RequestTitle, AgencyName: it.AgencyName, Link: requestPath(it.RequestID) + activityAnchor(&it.Event)}
		if it.ActorID != nil {
			row.Who = names[*it.ActorID]
		}
		if it.Kind == sunshine.EventNoteAdded {
			row.Note = it.Note
		}
		if day := deadline.DateOf(at); len(d.Days) == 0 || d.Days[len(d.Days)-1].Day != day {
			d.Days = append(d.Days, activityDay{Day: day})
		}
		last := &d.Days[len(d.Days)-1]
		last.Rows = append(last.Rows, row)
	}
	if next != "" {
		q := url.Values{"cursor": {next}}
		if f.ActorID != "" {
			q.Set("person", f.ActorID)
		}
		if group != "" {
			q.Set("what", group)
		}
		d.Next = "/activity?" + q.Encode()
	}
	s.render(c, http.StatusOK, "activity", "Activity", d)
}

// activityAnchor is where an event is on its request's page.
func activityAnchor(e *sunshine.Event) string {
	var data struct {
		CommunicationID string `json:"communication_id"`
		DocumentID      string `json:"document_id"`
		TodoID          string `json:"todo_id"`
	}
	_ = json.Unmarshal(e.Data, &data)
	switch e.Kind {
	case sunshine.EventCommunication, sunshine.EventCommEdited:
		if data.CommunicationID != "" {
			return "#comm-" + data.CommunicationID
		}
	case sunshine.EventArchiveUnpacked:
		// Its files are listed under it (an archive in an archive has no
		// timeline entry of its own).
		return "#documents"
	case sunshine.EventDocumentAdded:
		// A communication's attachment is shown under it.
		if data.CommunicationID != "" {
			return "#comm-" + data.CommunicationID
		}
		if data.DocumentID != "" {
			return "#doc-" + data.DocumentID
		}
	}
	return "#event-" + e.ID
}
