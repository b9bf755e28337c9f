package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// todoEmails returns the pending to-do emails, by recipient and day.
func (b testBundle) todoEmails(t *testing.T) map[string]*sunshine.Reminder {
	t.Helper()
	all, _, err := b.s.FindReminders(b.ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	got := map[string]*sunshine.Reminder{}
	for _, m := range all {
		if m.Kind == sunshine.ReminderTodo {
			require.Nil(t, m.RequestID, "one email a person a day, about every request")
			got[m.RecipientID+" "+m.DueOn.String()] = m
		}
	}
	return got
}

// A to-do is checked (its text, a day from today on in the organization's
// time zone, an active person), refuses another organization's request,
// and is its setter's when no one is named.
func TestStore_TodoInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	gone, _ := staffOf(t, b.s, b.fx, "gone@ndlon.example")
	_, err := b.s.SetUserActive(b.ctx, gone.ID, false)
	require.NoError(t, err)
	other := storetest.Org(t, b.s, "elsewhere")
	theirs, _ := staffOf(t, b.s, other, "theirs@elsewhere.example")

	// now is Wed 5 Apr 2017 11:00 in New York, the organization's zone.
	for _, tc := range []struct {
		name  string
		in    sunshine.TodoInput
		field string
	}{
		{"no text", sunshine.TodoInput{DueOn: ptr(d("2017-04-07"))}, "text"},
		{"blank text", sunshine.TodoInput{Text: ptr(" \n "), DueOn: ptr(d("2017-04-07"))}, "text"},
		{"text too long", sunshine.TodoInput{Text: ptr(string(make([]rune, 501))), DueOn: ptr(d("2017-04-07"))}, "text"},
		{"no day", sunshine.TodoInput{Text: ptr("Call the records officer")}, "due_on"},
		{"a day past", sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2017-04-04"))}, "due_on"},
		{"beyond five years", sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2022-04-15"))}, "due_on"},
		{"done already", sunshine.TodoInput{Text: ptr("Call"), DueOn: ptr(d("2017-04-07")), Done: ptr(true)}, "done"},
		{"a deactivated person", sunshine.TodoInput{Text: ptr("Call"), DueOn: ptr(d("2017-04-07")), AssigneeID: &gone.ID}, "assignee_id"},
		{"another organization's person", sunshine.TodoInput{Text: ptr("Call"), DueOn: ptr(d("2017-04-07")), AssigneeID: &theirs.ID}, "assignee_id"},
		{"no such person", sunshine.TodoInput{Text: ptr("Call"), DueOn: ptr(d("2017-04-07")), AssigneeID: ptr("nobody")}, "assignee_id"},
	} {
		_, err := b.s.AddTodo(b.ctx, r.ID, tc.in)
		requireField(t, err, sunshine.EInvalid, tc.field)
	}
	ts, err := b.s.RequestTodos(b.ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, ts, "nothing refused was kept")
	require.Empty(t, b.todoEmails(t))

	_, err = b.s.AddTodo(other.Ctx, r.ID, sunshine.TodoInput{Text: ptr("Call"), DueOn: ptr(d("2017-04-07"))})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err), "another organization's request")

	todo, err := b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("  Call the records officer \n"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err, "today is a day it may be due")
	require.Equal(t, "Call the records officer", todo.Text)
	require.Equal(t, b.fx.Admin.ID, todo.AssigneeID, "the setter's own when no one is named")
	require.Equal(t, b.fx.Admin.Name, todo.AssigneeName)
	require.Equal(t, "Communications with ICE", todo.RequestTitle)
	require.False(t, todo.Done)

	// Late on the organization's day: 23:30 in New York is 03:30 UTC the
	// next day, and that day is still "today" there.
	b.clk.Set(time.Date(2017, 4, 6, 3, 30, 0, 0, time.UTC))
	_, err = b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Check the portal"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err, "the organization's date, not UTC's")
	today, err := b.s.OrgToday(b.ctx)
	require.NoError(t, err)
	require.Equal(t, "2017-04-05", today.String())
}

// Each to-do is emailed to its person on its day at their hour, in one
// email a day; marking it done, moving it or giving it to someone else
// changes what is owed and is recorded in the request's timeline; another
// organization sees none of it.
func TestStore_Todos(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	r2 := b.request(t, b.agency(t, "Los Angeles County Sheriff", "us-ca"), "Jail contracts", "2017-03-27")
	maria, mariaCtx := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	require.NoError(t, b.s.SetPreferences(mariaCtx, sunshine.Preferences{Digest: true, DigestHour: 9, Kinds: sunshine.ReminderKinds}))
	admin := b.fx.Admin

	call, err := b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2017-04-07")), AssigneeID: &maria.ID})
	require.NoError(t, err)
	_, err = b.s.AddTodo(b.ctx, r2.ID, sunshine.TodoInput{Text: ptr("Ask for the index"), DueOn: ptr(d("2017-04-07")), AssigneeID: &maria.ID})
	require.NoError(t, err)
	mine, err := b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Draft the appeal"), DueOn: ptr(d("2017-04-10"))})
	require.NoError(t, err)

	emails := b.todoEmails(t)
	require.Len(t, emails, 3, "one a person a day, however many to-dos")
	told := emails[maria.ID+" 2017-04-05"]
	require.NotNil(t, told, "set for her by someone else: she is told today")
	e, err := b.s.TodosEmailed(mariaCtx, told.ID, maria.ID, d("2017-04-05"))
	require.NoError(t, err)
	require.Empty(t, e.Due)
	require.Len(t, e.Coming, 2, "as coming up")
	m := emails[maria.ID+" 2017-04-07"]
	require.NotNil(t, m)
	require.Equal(t, time.Date(2017, 4, 7, 13, 0, 0, 0, time.UTC), m.NextAttempt.UTC(), "at her hour, 9:00 in New York")
	require.Equal(t, time.Date(2017, 4, 10, 11, 0, 0, 0, time.UTC), emails[admin.ID+" 2017-04-10"].NextAttempt.UTC(), "7:00 by default")

	e, err = b.s.TodosEmailed(mariaCtx, m.ID, maria.ID, d("2017-04-07"))
	require.NoError(t, err)
	require.Len(t, e.Due, 2)
	require.Empty(t, e.Earlier)
	require.Equal(t, admin.Name, e.SetBy[call.ID], "set by someone else: the email says who")

	// Done, then not done after all, then moved and given to the admin.
	done, err := b.s.UpdateTodo(mariaCtx, call.ID, sunshine.TodoInput{Done: ptr(true)})
	require.NoError(t, err)
	require.True(t, done.Done)
	require.Equal(t, maria.Name, done.DoneByName)
	e, err = b.s.TodosEmailed(mariaCtx, m.ID, maria.ID, d("2017-04-07"))
	require.NoError(t, err)
	require.Len(t, e.Due, 1, "a done to-do is not emailed")
	again, err := b.s.UpdateTodo(mariaCtx, call.ID, sunshine.TodoInput{Done: ptr(true)})
	require.NoError(t, err)
	require.Equal(t, done.DoneAt, again.DoneAt, "done twice is done once")
	_, err = b.s.UpdateTodo(mariaCtx, call.ID, sunshine.TodoInput{Done: ptr(false)})
	require.NoError(t, err)
	moved, err := b.s.UpdateTodo(mariaCtx, call.ID, sunshine.TodoInput{DueOn: ptr(d("2017-04-12")), AssigneeID: &admin.ID,
		Text: ptr("Call the records officer again")})
	require.NoError(t, err)
	require.Equal(t, "2017-04-12", moved.DueOn.String())
	require.Equal(t, admin.ID, moved.AssigneeID)
	require.Nil(t, moved.DoneAt)
	require.Contains(t, b.todoEmails(t), admin.ID+" 2017-04-12", "the email follows the day and the person")
	_, err = b.s.UpdateTodo(b.ctx, call.ID, sunshine.TodoInput{DueOn: ptr(d("2017-04-01"))})
	requireField(t, err, sunshine.EInvalid, "due_on")

	ts, err := b.s.RequestTodos(b.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, []string{mine.ID, call.ID}, todoIDs(ts), "open ones by day")
	open, err := b.s.OpenTodos(b.ctx, admin.ID, d("2017-04-11"))
	require.NoError(t, err)
	require.Equal(t, []string{mine.ID}, todoIDs(open), "due by the day asked")

	require.NoError(t, b.s.DeleteTodo(b.ctx, mine.ID))
	_, err = b.s.FindTodo(b.ctx, mine.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))

	es, _, err := b.s.FindEvents(b.ctx, r.ID, store.All, "")
	require.NoError(t, err)
	var trail []string
	for _, ev := range es {
		switch ev.Kind {
		case sunshine.EventTodoAdded, sunshine.EventTodoChanged, sunshine.EventTodoDone, sunshine.EventTodoReopened, sunshine.EventTodoRemoved:
			trail = append(trail, string(ev.Kind)+": "+ev.Note)
		}
	}
	require.Equal(t, []string{
		"todo_added: Call the records officer",
		"todo_added: Draft the appeal",
		"todo_done: Call the records officer",
		"todo_reopened: Call the records officer",
		"todo_changed: Call the records officer again",
		"todo_removed: Draft the appeal",
	}, trail, "each change once, in the timeline")
	require.JSONEq(t, `{"todo_id":"`+call.ID+`","due_on":"2017-04-12","assignee_id":"`+admin.ID+`",
		"was_text":"Call the records officer","was_due_on":"2017-04-07","was_assignee_id":"`+maria.ID+`"}`, string(es[len(es)-2].Data))

	other := storetest.Org(t, b.s, "elsewhere")
	_, err = b.s.FindTodo(other.Ctx, call.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	_, err = b.s.UpdateTodo(other.Ctx, call.ID, sunshine.TodoInput{Done: ptr(true)})
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.DeleteTodo(other.Ctx, call.ID)))
	_, err = b.s.RequestTodos(other.Ctx, r.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	theirs, err := b.s.OpenTodos(other.Ctx, admin.ID, deadline.Date{})
	require.NoError(t, err)
	require.Empty(t, theirs)
}

// A to-do someone else sets for today, after that day's email went, sends
// it again (its person would not know otherwise); one a person sets
// themselves does not.
func TestStore_TodoForTodayAfterTheEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	maria, mariaCtx := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	_, err := b.s.AddTodo(mariaCtx, r.ID, sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err)
	sendAll := func() {
		t.Helper()
		claimed, err := b.s.ClaimReminders(b.ctx, now, 100, time.Minute)
		require.NoError(t, err)
		for _, c := range claimed {
			require.NoError(t, b.s.MarkReminderSent(b.ctx, c, store.Delivery{Subject: "To do"}, now))
		}
	}
	require.Len(t, b.todoEmails(t), 1, "today's, at once: her hour has passed")
	sendAll()
	require.Empty(t, b.todoEmails(t))

	_, err = b.s.AddTodo(mariaCtx, r.ID, sunshine.TodoInput{Text: ptr("Check the portal"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err)
	require.Empty(t, b.todoEmails(t), "her own: she knows")

	_, err = b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Send the fee"), DueOn: ptr(d("2017-04-05")), AssigneeID: &maria.ID})
	require.NoError(t, err)
	require.Contains(t, b.todoEmails(t), maria.ID+" 2017-04-05", "set by the admin: the day's email goes again")
}

func todoIDs(ts []*sunshine.Todo) []string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

// A late to-do opened again owes no email for its past day; one moved to
// a day to come does.
func TestStore_TodoLateReopened(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	todo, err := b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err)
	_, err = b.s.UpdateTodo(b.ctx, todo.ID, sunshine.TodoInput{Done: ptr(true)})
	require.NoError(t, err)
	claimed, err := b.s.ClaimReminders(b.ctx, now, 100, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, b.s.CancelReminder(b.ctx, claimed[0], "every to-do of its day was done"))

	b.clk.Set(now.AddDate(0, 0, 2)) // Fri 7 Apr
	_, err = b.s.UpdateTodo(b.ctx, todo.ID, sunshine.TodoInput{Done: ptr(false)})
	require.NoError(t, err)
	require.Empty(t, b.todoEmails(t), "its day is past: no email for it")
	_, err = b.s.UpdateTodo(b.ctx, todo.ID, sunshine.TodoInput{DueOn: ptr(d("2017-04-10"))})
	require.NoError(t, err)
	require.Contains(t, b.todoEmails(t), b.fx.Admin.ID+" 2017-04-10")
}

// A late to-do someone hands to a colleague (or opens again for them) is
// in the colleague's email today, with that day's; a person back from
// deactivation gets their to-dos' emails to come; an email being sent
// when a to-do is added is read again, so it leaves none out.
func TestStore_TodoEmailsOwedAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.request(t, b.agency(t, "Sacramento County Sheriff's Department", "us-ca"), "Communications with ICE", "2017-03-27")
	maria, mariaCtx := staffOf(t, b.s, b.fx, "maria@ndlon.example")
	late, err := b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Call the records officer"), DueOn: ptr(d("2017-04-05"))})
	require.NoError(t, err)
	claimed, err := b.s.ClaimReminders(b.ctx, now, 100, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, b.s.MarkReminderSent(b.ctx, claimed[0], store.Delivery{Subject: "To do"}, now))

	b.clk.Set(now.AddDate(0, 0, 2)) // Fri 7 Apr: the to-do is late
	_, err = b.s.UpdateTodo(b.ctx, late.ID, sunshine.TodoInput{AssigneeID: &maria.ID})
	require.NoError(t, err)
	m := b.todoEmails(t)[maria.ID+" 2017-04-07"]
	require.NotNil(t, m, "handed to her late: today's email")
	e, err := b.s.TodosEmailed(mariaCtx, m.ID, maria.ID, d("2017-04-07"))
	require.NoError(t, err)
	require.Equal(t, []string{late.ID}, todoIDs(e.Due), "listed as hers today, not as still open from before")
	require.Empty(t, e.Earlier)

	// Claimed for sending when another to-do comes: read again.
	claimed, err = b.s.ClaimReminders(b.ctx, b.clk.Now(), 100, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	_, err = b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Check the portal"), DueOn: ptr(d("2017-04-07")), AssigneeID: &maria.ID})
	require.NoError(t, err)
	require.NoError(t, b.s.MarkReminderSent(b.ctx, claimed[0], store.Delivery{Subject: "To do"}, b.clk.Now()))
	require.Contains(t, b.todoEmails(t), maria.ID+" 2017-04-07", "the claim in flight no longer holds: it is sent again, with both")
	e, err = b.s.TodosEmailed(mariaCtx, m.ID, maria.ID, d("2017-04-07"))
	require.NoError(t, err)
	require.Len(t, e.Due, 2)

	// Away and back: the email of a day to come is owed again.
	_, err = b.s.AddTodo(b.ctx, r.ID, sunshine.TodoInput{Text: ptr("Draft the appeal"), DueOn: ptr(d("2017-04-12")), AssigneeID: &maria.ID})
	require.NoError(t, err)
	_, err = b.s.SetUserActive(b.ctx, maria.ID, false)
	require.NoError(t, err)
	require.NotContains(t, b.todoEmails(t), maria.ID+" 2017-04-12")
	_, err = b.s.SetUserActive(b.ctx, maria.ID, true)
	require.NoError(t, err)
	require.Contains(t, b.todoEmails(t), maria.ID+" 2017-04-12")
}
