package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
)

// A request filed with several agencies owes its follower the same
// reminders at each: they go as one email listing the agencies, each with
// its own date and link, over real SMTP and over several connections at
// once; every reminder it delivers is marked sent and in its request's
// timeline. A request of another group, or filed alone, keeps its own
// email.
func TestReminders_GroupInOneEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	agency := func(name, law string) string {
		a := &sunshine.Agency{Name: name, Jurisdiction: law}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		return a.ID
	}
	fresno, kern := agency("Fresno County Sheriff's Office", "us-ca"), agency("Kern County Sheriff's Office", "us-ca")
	erie := agency("Erie County Sheriff's Office", "us-ny")
	copies, err := b.st.FileCopies(b.fx.Ctx, b.req.ID, sunshine.CopyInput{AgencyIDs: []string{fresno, kern, erie},
		ReceivedOn: b.req.ReceivedOn, SentOn: b.req.ReceivedOn})
	require.NoError(t, err)
	for _, c := range copies[:2] {
		require.Equal(t, b.req.DueOn, c.DueOn, "the California copies are due the same day")
	}
	alone := &sunshine.Request{AgencyID: kern, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: b.req.ReceivedOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, alone))

	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	b.clock.Set(at("2017-04-03")) // 3 business days before Thu 6 Apr
	_, _, res, err := b.runner(mailer).RunOnce(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Failed)

	var got []string
	var groupID string
	for _, m := range mp.Messages(t) {
		if !isDigest(m.Subject) {
			got = append(got, m.Subject)
		}
		if strings.HasPrefix(m.Subject, "Due soon at 3 agencies") {
			groupID = m.ID
		}
	}
	require.ElementsMatch(t, []string{
		"Due soon at 3 agencies: All communications with ICE since 20 January 2017",
		"Due today (Mon 3 Apr): All communications with ICE since 20 January 2017 (Erie County Sheriff's Office)",
		"Due Thu 6 Apr (3 business days): Jail contracts (Kern County Sheriff's Office)",
	}, got, "the three California requests in one email; New York's, another kind, and the one filed alone in their own")
	full := mp.Message(t, groupID)
	require.True(t, strings.HasPrefix(strings.Trim(full.Header("Message-ID"), "<>"), "reminders-"), full.Header("Message-ID"))
	text := strings.ReplaceAll(full.Text, "\r\n", "\n")
	for _, want := range []string{
		"For 3 of them:",
		"- Fresno County Sheriff's Office: due in 3 business days (Thu 6 Apr 2017)\n  https://sunshine.example/requests/" + copies[0].ID,
		"- Kern County Sheriff's Office: due in 3 business days (Thu 6 Apr 2017)\n  https://sunshine.example/requests/" + copies[1].ID,
		"- Sacramento County Sheriff's Department: due in 3 business days (Thu 6 Apr 2017)\n  https://sunshine.example/requests/" + b.req.ID,
		"One email lists the requests filed together",
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Erie", "New York's date is another")

	// Every reminder the email delivered is sent, in its own timeline.
	for _, id := range []string{b.req.ID, copies[0].ID, copies[1].ID} {
		es, err := b.st.FindTimeline(b.fx.Ctx, id)
		require.NoError(t, err)
		var sent []string
		for _, e := range es {
			if e.Kind == sunshine.EventReminderSent {
				sent = append(sent, e.Note)
			}
		}
		require.Equal(t, []string{"Reminder sent to Admin of ndlon: due in 3 business days (Thu 6 Apr 2017)."}, sent, id)
	}
	pending, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 100, "")
	require.NoError(t, err)
	for _, r := range pending {
		require.NotEqual(t, sunshine.ReminderDueSoon, r.Kind, "none left behind")
	}
}

// Copies filed assigned to a colleague tell them in one email, which names
// who assigned them and lists each agency with where its request stands,
// the overdue first and said so, in its subject too.
func TestReminders_GroupAssignedInOneEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	file := func(name, received string) {
		a := &sunshine.Agency{Name: name, Jurisdiction: "us-ca"}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		_, err := b.st.FileCopies(b.fx.Ctx, b.req.ID, sunshine.CopyInput{AgencyIDs: []string{a.ID}, AssigneeID: &ana.ID,
			ReceivedOn: deadline.MustParseDate(received)})
		require.NoError(t, err)
	}
	file("Fresno County Sheriff's Office", "2017-03-27")
	file("Kern County Sheriff's Office", "2017-03-01") // due 13 March: overdue

	fake := &mail.Fake{}
	_, _, res, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var toAna []mail.Message
	for _, m := range fake.Sent() {
		if m.To == ana.Email {
			toAna = append(toAna, m)
		}
	}
	require.Len(t, toAna, 1, "one email for the two copies")
	m := toAna[0]
	require.Equal(t, "Assigned to you at 2 agencies (1 overdue): All communications with ICE since 20 January 2017", m.Subject)
	require.Contains(t, m.Text, `Admin of ndlon assigned you 2 requests of "All communications with ICE since 20 January 2017", filed with several agencies together:`)
	kern := strings.Index(m.Text, "- Kern County Sheriff's Office: submitted, overdue: was due Mon 13 Mar 2017, 14 days late")
	fresno := strings.Index(m.Text, "- Fresno County Sheriff's Office: submitted, due Thu 6 Apr 2017")
	require.True(t, kern >= 0 && fresno > kern, "the overdue one first:\n%s", m.Text)
	require.Contains(t, m.Text, "You now follow these requests up")
	require.GreaterOrEqual(t, res.Sent, 2, "both reminders sent")
}

// Requests assigned to a person together (the request list's bulk change)
// tell them in one email listing each request, with the note once; an
// assignment someone else made goes in its own email.
func TestReminders_AssignmentsInOneEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	bo := &sunshine.User{Email: "bo@ndlon.example", Name: "Bo Chen", Role: sunshine.RoleStaff}
	for _, u := range []*sunshine.User{ana, bo} {
		require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
	}
	file := func(agency, title, received string) *sunshine.Request {
		a := &sunshine.Agency{Name: agency, Jurisdiction: "us-ca"}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate(received)}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
		return r
	}
	jail := file("Fresno County Jail", "Jail contracts", "2017-03-27")
	kern := file("Kern County Sheriff's Office", "Detainer requests", "2017-03-01") // due 13 March: overdue
	byBo := file("Tulare County Sheriff", "Booking logs", "2017-03-27")

	_, err := b.st.ChangeRequests(b.fx.Ctx, sunshine.BulkChange{RequestIDs: []string{b.req.ID, jail.ID, kern.ID},
		AssigneeID: &ana.ID, AssignmentNote: "The jail requests: yours from today."})
	require.NoError(t, err)
	boCtx := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, UserID: bo.ID, Role: bo.Role})
	_, err = b.st.UpdateRequest(boCtx, byBo.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)

	fake := &mail.Fake{}
	_, _, res, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var toAna []mail.Message
	for _, m := range fake.Sent() {
		if m.To == ana.Email {
			toAna = append(toAna, m)
		}
	}
	require.Len(t, toAna, 2, "one email for the three assigned together, one for Bo's")
	if strings.Contains(toAna[0].Subject, "Booking logs") {
		toAna[0], toAna[1] = toAna[1], toAna[0]
	}
	m := toAna[0]
	require.Equal(t, "Admin of ndlon assigned you 3 requests (1 overdue)", m.Subject)
	require.True(t, strings.HasPrefix(m.ID, "reminders-"), m.ID)
	require.Contains(t, m.Text, "Admin of ndlon assigned you 3 requests of ndlon:\n\nAdmin of ndlon's note:\nThe jail requests: yours from today.\n")
	require.Equal(t, 1, strings.Count(m.Text, "The jail requests"), "the note once")
	overdue := strings.Index(m.Text, `- "Detainer requests", Kern County Sheriff's Office: submitted, overdue: was due Mon 13 Mar 2017, 14 days late`)
	fresno := strings.Index(m.Text, `- "Jail contracts", Fresno County Jail: submitted, due Thu 6 Apr 2017`)
	sacramento := strings.Index(m.Text, `- "All communications with ICE since 20 January 2017", Sacramento County Sheriff's Department: submitted, due Thu 6 Apr 2017`)
	require.True(t, overdue >= 0 && fresno > overdue && sacramento > overdue, "each request, the overdue one first:\n%s", m.Text)
	require.Contains(t, m.HTML, "The jail requests: yours from today.")
	require.Contains(t, m.HTML, ">Detainer requests</a>, Kern County Sheriff&#39;s Office")
	require.NotContains(t, m.Text, "Booking logs")

	require.Equal(t, "Assigned to you: Booking logs (Tulare County Sheriff)", toAna[1].Subject)
	require.Contains(t, toAna[1].Text, `Bo Chen assigned "Booking logs" to you.`)
	sent, _, err := b.st.FindReminders(b.fx.Ctx, []string{"sent"}, 100, "")
	require.NoError(t, err)
	assigned := 0
	for _, r := range sent {
		if r.Kind == sunshine.ReminderAssigned && r.RecipientID == ana.ID {
			assigned++
		}
	}
	require.Equal(t, 4, assigned, "every assignment marked sent")
	require.GreaterOrEqual(t, res.Sent, 4)
}
