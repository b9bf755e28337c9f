package jobs

import (
	"cmp"
	"slices"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
)

// groupKinds are the reminders that go as one email for requests filed
// together (sunshine.Request.GroupID): every kind about a request, the
// assignment of copies filed at once included.
var groupKinds = map[string]bool{
	sunshine.ReminderDueSoon: true, sunshine.ReminderDueToday: true, sunshine.ReminderOverdue: true,
	sunshine.ReminderExtensionEnding: true, sunshine.ReminderEstimatePassed: true, sunshine.ReminderAwaiting: true,
	sunshine.ReminderAssigned: true,
}

// bundled reports whether a reminder may share an email with others: one
// of groupKinds about a request of a group, or an assignment (one
// person's assignments to another, made together, go as one email).
func bundled(c store.ClaimedReminder) bool {
	return (c.GroupID != nil && groupKinds[c.Kind]) || c.Kind == sunshine.ReminderAssigned
}

// bundleKey is what the reminders one email may deliver share: the
// person, the kind and the group, or for assignments the person who made
// them; a reminder that cannot share an email has a key of its own.
func bundleKey(c store.ClaimedReminder) string {
	switch {
	case !bundled(c):
		return c.ID
	case c.Kind == sunshine.ReminderAssigned:
		sender := ""
		if c.SenderID != nil {
			sender = *c.SenderID
		}
		return c.OrgID + "|" + c.RecipientID + "|" + c.Kind + "|" + sender
	}
	return c.OrgID + "|" + c.RecipientID + "|" + c.Kind + "|" + *c.GroupID
}

// shares splits a claimed batch into at most n shares of about the same
// size, delivered at once, keeping the reminders one email may deliver
// (bundleKey) in one share.
func shares(claimed []store.ClaimedReminder, n int) [][]store.ClaimedReminder {
	slices.SortStableFunc(claimed, func(a, b store.ClaimedReminder) int { return cmp.Compare(bundleKey(a), bundleKey(b)) })
	size := (len(claimed) + n - 1) / n
	var out [][]store.ClaimedReminder
	for start := 0; start < len(claimed); {
		end := min(start+size, len(claimed))
		for end < len(claimed) && bundleKey(claimed[end]) == bundleKey(claimed[end-1]) {
			end++
		}
		out = append(out, claimed[start:end])
		start = end
	}
	return out
}

// groupedReminder is a reminder about a request of a group, as compose
// wrote it.
type groupedReminder struct {
	title string
	data  mail.ReminderData
}

// outgoing is one email and the reminders it delivers (indexes into the
// batch's): one, or several of a group's.
type outgoing struct {
	msg     mail.Message
	members []int
}

// bundle turns a batch's emails into those to send: the reminders of one
// kind to one person about requests filed together become one email
// listing them (a request sent to 58 sheriffs is due at 58 agencies the
// same week), as do one person's assignments to another (a coordinator
// handing over a dozen requests at once); every other email goes as it
// is. A bundle's Message-ID is its first reminder's, "reminders-" rather
// than "reminder-": a retry of the same reminders is the same message.
func bundle(msgs []mail.Message, sending []store.ClaimedReminder, lk *batchLookups) ([]outgoing, error) {
	var out []outgoing
	byKey := map[string]int{} // index into out
	for i, c := range sending {
		_, ok := lk.grouped[c.ID]
		if !ok {
			out = append(out, outgoing{msg: msgs[i], members: []int{i}})
			continue
		}
		key := bundleKey(c)
		if at, ok := byKey[key]; ok {
			out[at].members = append(out[at].members, i)
			continue
		}
		byKey[key] = len(out)
		out = append(out, outgoing{msg: msgs[i], members: []int{i}})
	}
	for k, o := range out {
		if len(o.members) < 2 {
			continue
		}
		items := make([]mail.ReminderData, len(o.members))
		for n, i := range o.members {
			items[n] = lk.grouped[sending[i].ID].data
		}
		// The most pressing first: the earliest date, those without one
		// last; by agency within a day.
		slices.SortStableFunc(items, func(a, b mail.ReminderData) int {
			return cmp.Or(cmp.Compare(btoi(a.DueOn.IsZero()), btoi(b.DueOn.IsZero())), a.DueOn.Compare(b.DueOn),
				cmp.Compare(a.AgencyName, b.AgencyName))
		})
		ids := make([]string, len(o.members))
		for n, i := range o.members {
			ids[n] = sending[i].ID
		}
		msg := o.msg
		msg.ID = "reminders-" + slices.Min(ids)
		var err error
		if msg.Subject, msg.Text, msg.HTML, err = renderBundle(sending, o.members, items, lk); err != nil {
			return nil, err
		}
		out[k].msg = msg
	}
	return out, nil
}

// renderBundle writes the one email of a bundle's items: a group's, or a
// list of assignments when they are not all of one group.
func renderBundle(sending []store.ClaimedReminder, members []int, items []mail.ReminderData, lk *batchLookups) (subject, text, html string, err error) {
	first := sending[members[0]]
	oneGroup := first.GroupID != nil
	for _, i := range members {
		oneGroup = oneGroup && sending[i].GroupID != nil && *sending[i].GroupID == *first.GroupID
	}
	if !oneGroup {
		return mail.RenderAssignments(mail.NewAssignmentsData(items))
	}
	g := lk.grouped[first.ID]
	return mail.RenderGroupReminder(mail.GroupReminderData{Kind: first.Kind, RecipientName: g.data.RecipientName,
		OrgName: g.data.OrgName, Why: g.data.Why, Title: g.title, Items: items,
		PrefsURL: g.data.PrefsURL, Today: g.data.Today})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
