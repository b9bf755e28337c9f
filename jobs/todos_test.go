package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// A person's to-dos come in one email on their day, over real SMTP, at
// their hour: that day's, with those still open from before, who set
// each when it was someone else, and a link to each request; a day whose
// to-dos were all done first sends nothing.
func TestTodos_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	ctx := context.Background()

	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: ana.OrgID, UserID: ana.ID, Role: ana.Role})
	add := func(c context.Context, text, day string, assignee *string) *sunshine.Todo {
		t.Helper()
		b.clock.Set(b.clock.Now().Add(time.Minute)) // in the order set
		due := deadline.MustParseDate(day)
		todo, err := b.st.AddTodo(c, b.req.ID, sunshine.TodoInput{Text: &text, DueOn: &due, AssigneeID: assignee})
		require.NoError(t, err)
		return todo
	}
	add(as, "Send the fee", "2017-03-28", nil)
	add(b.fx.Ctx, "Call the records officer", "2017-03-29", &ana.ID)
	add(as, "Check the portal", "2017-03-29", nil)
	dropped := add(as, "Ask for the index", "2017-03-30", nil)
	done := true
	_, err = b.st.UpdateTodo(as, dropped.ID, sunshine.TodoInput{Done: &done})
	require.NoError(t, err)

	deliver := func(day string, sent int) {
		t.Helper()
		b.clock.Set(at(day).Add(time.Hour)) // after the to-dos were set
		res, err := r.Deliver(ctx)
		require.NoError(t, err, day)
		require.Equal(t, sent, res.Sent, day)
	}
	deliver("2017-03-27", 1) // the admin set her one: she is told today
	deliver("2017-03-28", 1)
	deliver("2017-03-29", 1)
	deliver("2017-03-30", 0) // its one to-do was done
	msgs := mp.Messages(t)
	require.Len(t, msgs, 3)
	require.Equal(t, "ana@ndlon.example", msgs[0].To[0].Address)
	var subjects []string
	var second mailtest.Summary
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
		if m.Subject == "2 to-dos for Wed 29 Mar 2017 (ndlon)" {
			second = m
		}
		if strings.HasPrefix(m.Subject, "A to-do for you") {
			told := mp.Message(t, m.ID)
			require.Contains(t, strings.ReplaceAll(told.Text, "\r\n", "\n"), "Set for you, for later:\n\n- Call the records officer (for Wed 29 Mar 2017)\n")
		}
	}
	require.ElementsMatch(t, []string{"A to-do for you, for Wed 29 Mar 2017: Call the records officer (ndlon)",
		"To do on Tue 28 Mar 2017: Send the fee (ndlon)", "2 to-dos for Wed 29 Mar 2017 (ndlon)"}, subjects)
	full := mp.Message(t, second.ID)
	full.Text = strings.ReplaceAll(full.Text, "\r\n", "\n")
	link := "https://sunshine.example/requests/" + b.req.ID + "#todos"
	require.Contains(t, full.Text, "2 to-dos for Wed 29 Mar 2017:\n\n- Call the records officer\n  All communications with ICE since 20 January 2017: "+
		link+"\n  (set by Admin of ndlon)\n\n- Check the portal\n  All communications with ICE since 20 January 2017: "+link+"\n")
	require.Contains(t, full.Text, "Still open from before:\n\n- Send the fee (was for Tue 28 Mar 2017)")
	require.NotContains(t, full.Text, "Ask for the index")
	require.Contains(t, full.HTML, `<a href="`+link+`" style="color: #0b4f9c;">All communications with ICE since 20 January 2017</a> <span style="color: #4a4a4a;">(set by Admin of ndlon)</span>`)
	require.Contains(t, full.Text, "All your to-dos: https://sunshine.example/#todos")
}

// A late to-do handed to a colleague is in the colleague's email that
// day, saying the day it was for.
func TestTodos_HandedLate(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	ctx := context.Background()
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	text, due := "Call the records officer", deadline.MustParseDate("2017-03-27")
	todo, err := b.st.AddTodo(b.fx.Ctx, b.req.ID, sunshine.TodoInput{Text: &text, DueOn: &due})
	require.NoError(t, err)
	_, err = r.Deliver(ctx)
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 1, "the admin's, that day")

	b.clock.Set(at("2017-03-29"))
	_, err = b.st.UpdateTodo(b.fx.Ctx, todo.ID, sunshine.TodoInput{AssigneeID: &ana.ID})
	require.NoError(t, err)
	res, err := r.Deliver(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	m := fake.Sent()[1]
	require.Equal(t, "ana@ndlon.example", m.To)
	require.Equal(t, "To do on Wed 29 Mar 2017: Call the records officer (ndlon)", m.Subject)
	require.Contains(t, m.Text, "- Call the records officer (was for Mon 27 Mar 2017)")
	require.Contains(t, m.Text, "(set by Admin of ndlon)")
}
