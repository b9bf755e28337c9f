package sunshine

import (
	"cmp"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sunshine-records/sunshine/deadline"
)

// changedField says which detail an edit changed and, for a short one, to
// what: "tracking number R-1", "agency's estimate cleared".
func changedField(key string, v any) string {
	name, value, short := detailWords(key, v)
	switch {
	case !short:
		return name
	case value == "":
		return name + " cleared"
	}
	return name + " " + value
}

// detailWords names a request's detail as people do, and its value (as
// JSON decodes it) in words when it is short enough to show in a line.
func detailWords(key string, v any) (name, value string, short bool) {
	name, short = strings.ReplaceAll(key, "_", " "), true
	switch key {
	case "title":
		// In quotes, as it is words; a long one (up to 300 characters) cut.
		if t, ok := v.(string); ok && t != "" {
			value = "“" + cutWords(t, titleWords) + "”"
		}
		return name, value, true
	case "description":
		name, short = "request text", false
	case "agency_estimated_on":
		name = "agency's estimate"
	case "sent_on":
		name = "sent date"
	case "external_id":
		name = "external ID"
	}
	if !short {
		return name, "", false
	}
	switch v := v.(type) {
	case string:
		value = v
		if d, err := deadline.ParseDate(v); err == nil {
			value = d.Format("Mon 2 Jan 2006")
		}
	case []any:
		words := make([]string, 0, len(v))
		for _, w := range v {
			if w, ok := w.(string); ok {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			value = "(" + strings.Join(words, ", ") + ")"
		}
	}
	return name, value, true
}

// titleWords is how much of a changed title the timeline shows, in
// characters: a line's worth.
const titleWords = 80

// cutWords returns s if it has at most n characters, else its first n cut
// after a word (or within one, when the first word alone is longer than
// half of n), with "…".
func cutWords(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if sp := strings.LastIndexAny(cut, " \n"); sp >= 0 && utf8.RuneCountInString(cut[:sp]) > n/2 {
		cut = cut[:sp]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}

// Text says what the event recorded, as a request's timeline shows it:
// clockStops says waiting on the requester stops its law's clock, names
// are people's names by user ID.
func (e *Event) Text(clockStops bool, names map[string]string) string {
	var data map[string]any
	_ = json.Unmarshal(e.Data, &data)
	str := func(k string) string {
		v, _ := data[k].(string)
		return v
	}
	strs := func(k string) []string {
		list, _ := data[k].([]any)
		var out []string
		for _, v := range list {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	date := func(k string) string {
		d, err := deadline.ParseDate(str(k))
		if err != nil {
			return "no date"
		}
		return d.Format("Mon 2 Jan 2006")
	}
	var t string
	switch e.Kind {
	case EventCreated:
		t = "Request created as " + strings.ReplaceAll(str("status"), "_", " ")
		if str("group_id") != "" {
			t += ", filed together with other agencies (see Filed together)"
		}
	case EventCopiesFiled:
		t = "Filed the same request with " + AndList(strs("agencies"))
	case EventUpdated:
		if str("received_on") != "" {
			t = "Receipt date corrected: " + date("received_on") + " (was " + date("previous_received_on") + ")"
			break
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			if !strings.HasPrefix(k, "previous_") && k != "assignee_id" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = changedField(k, data[k])
			if _, was, _ := detailWords(k, data["previous_"+k]); was != "" {
				keys[i] += " (was " + was + ")"
			}
		}
		var parts []string
		if v, ok := data["assignee_id"]; ok {
			// Who, by name: the assignment is what people look for.
			who, _ := v.(string)
			switch {
			case who == "":
				parts = append(parts, "No longer assigned to anyone")
			case names[who] != "":
				parts = append(parts, "Assigned to "+names[who])
			default:
				parts = append(parts, "Assigned to someone else")
			}
		}
		if len(keys) > 0 {
			parts = append(parts, "Details changed: "+strings.Join(keys, ", "))
		}
		if _, assigned := data["assignee_id"]; assigned && e.Note != "" {
			// The assignment's note, to the assignee: quoted as theirs.
			return strings.Join(parts, "; ") + ", with a note: “" + e.Note + "”"
		}
		t = strings.Join(parts, "; ")
	case EventStatusChanged:
		t = "Status changed from " + strings.ReplaceAll(str("from"), "_", " ") + " to " + strings.ReplaceAll(str("to"), "_", " ")
	case EventDeadlineComputed:
		if paused, _ := data["paused"].(bool); paused {
			t = "Clock paused: the due date is set again when it resumes"
		} else {
			t = "Due date computed: " + date("due_on")
			if str("previous_due_on") != "" {
				t += " (was " + date("previous_due_on") + ")"
			}
		}
	case EventExtended:
		t = "Extension invoked: " + str("extension") + " more"
		if c := str("citation"); c != "" {
			t += " (" + c + ")"
		}
	case EventExtensionLate:
		t = "Extension notice too late: it came after the original due date, " + date("due_on") + ", which stays"
		if str("announced_on") != "" {
			t += "; the agency announced " + date("announced_on")
		}
		if c := str("citation"); c != "" {
			t += " (" + c + ")"
		}
	case EventExtensionUndone:
		t = "Extension undone (it was recorded as invoked on " + date("invoked_on") + ")"
	case EventPaused:
		t = "Clock paused: waiting on us"
		if !clockStops {
			t = "Waiting on us (this law's clock keeps running)"
		}
	case EventResumed:
		t = "Clock resumed (paused " + date("paused_from") + " to " + date("paused_to") + ")"
		if !clockStops {
			t = "No longer waiting on us (waited " + date("paused_from") + " to " + date("paused_to") + ")"
		}
	case EventCustomDueSet:
		if str("custom_due_on") == "" {
			t = "Custom due date cleared"
		} else {
			t = "Custom due date set: " + date("custom_due_on")
		}
	case EventCommEdited:
		t = "Communication edited"
	case EventCommDeleted:
		var deleted struct{ Communication Communication }
		_ = json.Unmarshal(e.Data, &deleted)
		cm := deleted.Communication
		t = "Communication deleted: the " + cm.Kind.Words() + " of " + cm.OccurredOn.Format("Mon 2 Jan 2006")
		if cm.Subject != "" {
			t += " (" + cm.Subject + ")"
		}
	case EventDocumentDeleted:
		t = "Document removed: " + str("filename")
		if n, _ := data["unpacked_removed"].(float64); n > 0 {
			t += ", with the " + files(int(n)) + " unpacked from it"
		}
	case EventArchiveUnpacked:
		n, _ := data["files"].(float64)
		t = "Unpacked " + str("filename") + ": " + files(int(n))
		if left, _ := data["left_out"].(float64); left > 0 {
			t += ", " + strconv.Itoa(int(left)) + " left out"
		}
		if stopped, _ := data["stopped"].(bool); stopped {
			t += " so far (it stopped before the end: unpack it again for the rest)"
		}
	case EventCommunication: // a letter emailed from Sunshine (EmailedLetter)
		t = "Sent by email from Sunshine to " + str("emailed_to")
		if automatic, _ := data["automatic"].(bool); automatic {
			t = "Sent automatically by email from Sunshine to " + str("emailed_to") + " (automatic follow-ups)"
		}
	case EventLetterEmailUnlogged:
		t = "Sent by email from Sunshine: " + LetterKind(str("kind")).Words() + " to " + str("to") +
			", but not logged (" + str("error") + "); log it from its letter page"
	case EventLetterEmailFailed:
		t = "Not sent: " + LetterKind(str("kind")).Words() + " to " + str("to") +
			"; the mail server refused it (" + str("error") + ")"
	case EventLetterEmailBounced:
		// The agency's address, or only a copy (or an address the agency
		// forwards to).
		t = "Bounced: " + LetterKind(str("kind")).Words() + " to " + str("to") + " was returned undelivered"
		if failed := strs("failed"); !slices.ContainsFunc(failed, func(a string) bool { return strings.EqualFold(a, str("to")) }) {
			t += " to " + AndList(failed)
		}
		t += " (" + str("error") + ")"
	case EventReminderSent:
		// The note, which the store always writes, is the line, in the
		// email's words: "Reminder sent to Ana Ruiz: due in 3 business
		// days (Thu 6 Apr 2017)."
		return strings.TrimSuffix(e.Note, ".")
	case EventNoteAdded:
		// The note is shown below, whole and as typed: it may run to
		// many lines. Those it mentions were emailed it, unless they
		// turned such emails off.
		var to []string
		for _, id := range strs("mention_ids") {
			to = append(to, cmp.Or(names[id], "someone"))
		}
		if len(to) > 0 {
			return "Internal note for " + AndList(to)
		}
		return "Internal note"
	case EventTodoAdded, EventTodoChanged, EventTodoDone, EventTodoReopened, EventTodoRemoved:
		return todoEventText(e.Kind, e.Note, str, date, func(k string) string { return cmp.Or(names[str(k)], "someone") })
	case EventAutoFollowUpChanged:
		if stopped, _ := data["stopped"].(bool); stopped {
			t = "Automatic follow-ups stopped"
			break
		}
		every, _ := data["every_days"].(float64)
		t = "Automatic follow-ups: every " + strconv.Itoa(int(every)) + " days without news once its date has passed, signed by " +
			cmp.Or(names[str("signer_id")], "someone")
	case EventShareChanged:
		t = cmp.Or(map[string]string{
			"made":                 "Shared page made: anyone with its link can read the request's status and dates and the documents marked shared",
			"new_link":             "New link for the shared page: the old one opens nothing",
			"expiry_set":           "The shared page's link works until " + date("expires_on") + ", then opens nothing",
			"expiry_cleared":       "The shared page's link works until sharing stops",
			"stopped":              "Sharing stopped: the shared page's link opens nothing",
			"board_made":           "Status board of the group made: anyone with its link can read each agency's status and dates and the documents marked shared",
			"board_new_link":       "New link for the group's status board: the old one opens nothing",
			"board_stopped":        "Status board of the group no longer shared: its link opens nothing",
			"board_expiry_set":     "The status board's link works until " + date("expires_on") + ", then opens nothing",
			"board_expiry_cleared": "The status board's link works until sharing stops",
		}[str("action")], "Shared page changed")
	case EventDocumentShareChanged:
		var shared struct {
			Shared bool `json:"shared"`
		}
		_ = json.Unmarshal(e.Data, &shared)
		t = str("filename") + " no longer shown on the shared page"
		if shared.Shared {
			t = str("filename") + " shown on the shared page"
		}
	default:
		t = strings.ReplaceAll(string(e.Kind), "_", " ")
	}
	if e.Note != "" {
		// A sentence of its own (older automatic notes, and people's, may
		// start in lower case: "from the acknowledgment of ...").
		r, size := utf8.DecodeRuneInString(e.Note)
		t += ". " + string(unicode.ToUpper(r)) + e.Note[size:]
	}
	return t
}

// AndList joins words as a sentence lists them: "A", "A and B", "A, B and C".
func AndList(words []string) string {
	if n := len(words); n > 1 {
		return strings.Join(words[:n-1], ", ") + " and " + words[n-1]
	}
	return strings.Join(words, "")
}

// Words names a kind of communication in a sentence: "the follow up
// of …", "the communication of …" for other.
func (k CommKind) Words() string {
	if k == KindOther {
		return "communication"
	}
	return strings.ReplaceAll(string(k), "_", " ")
}

// todoEventText is a to-do event's line in the timeline: what the to-do
// is (the event's note), and what changed; str reads the event's data, day
// a date of it and who a person of it.
func todoEventText(kind EventKind, text string, str, day, who func(string) string) string {
	quoted := "“" + text + "”"
	switch kind {
	case EventTodoAdded:
		return "To-do for " + who("assignee_id") + " by " + day("due_on") + ": " + quoted
	case EventTodoRemoved:
		return "To-do removed: " + quoted + " (for " + who("assignee_id") + " by " + day("due_on") + ")"
	}
	t := map[EventKind]string{EventTodoDone: "To-do done: ", EventTodoReopened: "To-do open again: "}[kind]
	if t == "" {
		t = "To-do changed: "
	}
	t += quoted
	// What else the change changed (a to-do opened again may be moved in
	// the same change).
	var changes []string
	if str("was_text") != "" {
		changes = append(changes, "was “"+str("was_text")+"”")
	}
	if str("was_due_on") != "" {
		changes = append(changes, "now by "+day("due_on")+", was "+day("was_due_on"))
	}
	if str("was_assignee_id") != "" {
		changes = append(changes, "now for "+who("assignee_id")+", was "+who("was_assignee_id"))
	}
	if len(changes) > 0 {
		t += " (" + strings.Join(changes, "; ") + ")"
	}
	return t
}

// EmailedLetter reports a communication logged because the mail server
// accepted it from Sunshine: the timeline says so, beside the letter.
func (e *Event) EmailedLetter() bool {
	var data struct {
		EmailedTo string `json:"emailed_to"`
	}
	return json.Unmarshal(e.Data, &data) == nil && data.EmailedTo != ""
}

// files counts files in words: "1 file", "412 files".
func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return strconv.Itoa(n) + " files"
}

// Line is the event's line where events of many requests are listed
// (Activity, webhooks): as its request's timeline says it (Text), and for
// what the timeline shows as itself (a communication, a document), what
// was added.
func (e *Event) Line(clockStops bool, names map[string]string) string {
	var data struct {
		Kind      CommKind  `json:"kind"`
		Direction Direction `json:"direction"`
		Subject   string    `json:"subject"`
		Filename  string    `json:"filename"`
	}
	_ = json.Unmarshal(e.Data, &data)
	switch {
	case e.Kind == EventCommunication && !e.EmailedLetter():
		t := "Logged the " + data.Kind.Words()
		if data.Direction == DirectionIn {
			t += " from the agency"
		} else {
			t += " we sent"
		}
		if data.Subject != "" {
			t += " (" + data.Subject + ")"
		}
		return t
	case e.Kind == EventDocumentAdded:
		return "Document added: " + data.Filename
	}
	return e.Text(clockStops, names)
}
