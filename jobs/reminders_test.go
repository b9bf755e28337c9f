package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var la, _ = time.LoadLocation("America/Los_Angeles")

// at is 08:00 in Sacramento on the given date.
func at(date string) time.Time {
	d := deadline.MustParseDate(date)
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 8, 0, 0, 0, la)
}

type bundle struct {
	st    *store.Store
	clock *sunshine.FixedClock
	fx    storetest.Fixture
	req   *sunshine.Request
}

// sacramento commits an organization (Pacific time) with the CPRA request
// received 2017-03-27 (due Thu 6 Apr), in a database of the test's own.
func sacramento(t *testing.T) bundle {
	t.Helper()
	clock := sunshine.NewFixedClock(at("2017-03-27"))
	st := store.New(storetest.DB(t), clock)
	fx := storetest.Org(t, st, "ndlon")
	require.NoError(t, st.SetReminderPolicy(fx.Ctx, sunshine.ReminderPolicy{TimeZone: "America/Los_Angeles",
		SoonDays: []int{3, 1}, OverdueRepeatDays: 7, AwaitingAfterDays: 3}))
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "All communications with ICE since 20 January 2017",
		DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	return bundle{st: st, clock: clock, fx: fx, req: r}
}

func (b bundle) runner(m mail.Mailer) *jobs.Reminders {
	return jobs.NewReminders(b.st, m, b.clock, slog.New(slog.DiscardHandler),
		jobs.Config{BaseURL: "https://sunshine.example", Backoff: time.Minute, MaxAttempts: 3, StaleClaim: 10 * time.Minute})
}

func isDigest(subject string) bool { return strings.HasPrefix(subject, "Sunshine digest ") }

func subjects(msgs []mail.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Subject
	}
	sort.Strings(out)
	return out
}

// The Sacramento request's emails on each morning, to the org's admin (no
// assignee or watchers), with the digest; delivered over real SMTP.
func TestReminders_SacramentoOverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	const cpra = "All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"
	for _, day := range []struct {
		date string
		want []string
	}{
		{"2017-03-31", nil}, // nothing owed yet (and the digest has nothing due within 7 days? it does: due 6 Apr)
		{"2017-04-03", []string{"Due Thu 6 Apr (3 business days): " + cpra}},
		{"2017-04-05", []string{"Due Thu 6 Apr (1 business day): " + cpra}},
		{"2017-04-06", []string{"Due today (Thu 6 Apr): " + cpra}},
		{"2017-04-07", []string{"Overdue (was due Thu 6 Apr): " + cpra}},
		{"2017-04-10", nil},
		{"2017-04-14", []string{"Overdue (was due Thu 6 Apr): " + cpra}}, // weekly
	} {
		mp.DeleteAll(t)
		b.clock.Set(at(day.date))
		_, _, res, err := r.RunOnce(context.Background())
		require.NoError(t, err, day.date)
		var got []string
		for _, m := range mp.Messages(t) {
			require.Equal(t, b.fx.Admin.Email, m.To[0].Address)
			if isDigest(m.Subject) {
				continue // digests are checked below
			}
			got = append(got, m.Subject)
		}
		require.Equal(t, day.want, got, day.date)
		require.Zero(t, res.Failed, day.date)
	}

	// No digest on Saturday 8 April (none was planned then above); a
	// weekday's (Tuesday 11 April, also skipped above): one overdue.
	mp.DeleteAll(t)
	b.clock.Set(at("2017-04-08"))
	_, _, _, err = r.RunOnce(context.Background())
	require.NoError(t, err)
	require.Empty(t, mp.Messages(t), "digests are for weekdays")
	b.clock.Set(at("2017-04-11"))
	_, _, _, err = r.RunOnce(context.Background())
	require.NoError(t, err)
	msgs := mp.Messages(t)
	require.Len(t, msgs, 1)
	require.Equal(t, "Sunshine digest for Tue 11 Apr: 1 overdue", msgs[0].Subject)
	full := mp.Message(t, msgs[0].ID)
	require.Contains(t, full.Text, "All communications with ICE since 20 January 2017")
	require.Contains(t, full.Header("Message-ID"), "reminder-")

	// Planning again creates nothing.
	n, d, err := r.Plan(context.Background())
	require.NoError(t, err)
	require.Zero(t, n)
	require.Zero(t, d)
}

func TestReminders_ExtensionCancelsAndReplans(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	const cpra = "All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"

	b.clock.Set(at("2017-04-03"))
	// Planned but not yet sent when the extension notice arrives.
	n, _, err := r.Plan(context.Background())
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "mail", Kind: sunshine.KindExtensionNotice, OccurredOn: deadline.MustParseDate("2017-04-03")}})
	require.NoError(t, err)
	_, err = r.Deliver(context.Background())
	require.NoError(t, err)
	for _, m := range fake.Sent() {
		require.NotContains(t, m.Subject, "Thu 6 Apr", "a reminder for the old date was sent")
	}
	cancelled, _, err := b.st.FindReminders(b.fx.Ctx, []string{"cancelled"}, 0, "")
	require.NoError(t, err)
	kinds := map[string]string{}
	for _, c := range cancelled {
		kinds[c.Kind] = c.DueOn.String()
	}
	// The 3-day reminder for 6 April, and the digest, which had nothing left
	// due within the week once the date moved to 20 April.
	require.Equal(t, map[string]string{"due_soon": "2017-04-06", "digest": "2017-04-03"}, kinds)

	for _, day := range []struct {
		date string
		want []string
	}{
		{"2017-04-06", nil}, // the old due date: nothing
		{"2017-04-07", nil},
		{"2017-04-17", []string{"Extended deadline Thu 20 Apr (3 business days): " + cpra}},
		{"2017-04-19", []string{"Extended deadline Thu 20 Apr (1 business day): " + cpra}},
		{"2017-04-20", []string{"Due today (Thu 20 Apr): " + cpra}},
		{"2017-04-21", []string{"Overdue (was due Thu 20 Apr): " + cpra}},
	} {
		before := len(fake.Sent())
		b.clock.Set(at(day.date))
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err)
		var got []string
		for _, s := range subjects(fake.Sent()[before:]) {
			if !isDigest(s) {
				got = append(got, s)
			}
		}
		require.Equal(t, day.want, got, day.date)
	}
}

func TestReminders_PausedRequestIsNeverOverdue(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	// A fee estimate on 4 April: the request waits on us.
	b.clock.Set(at("2017-04-04"))
	_, _, err := b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindFeeEstimate, OccurredOn: deadline.MustParseDate("2017-04-04")}})
	require.NoError(t, err)
	for _, day := range []string{"2017-04-06", "2017-04-07", "2017-04-14"} {
		b.clock.Set(at(day))
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err)
	}
	var got []string
	for _, s := range subjects(fake.Sent()) {
		if !isDigest(s) {
			got = append(got, s)
		}
	}
	// Only "we owe an answer", 3 business days after 4 April (Fri 7 Apr).
	require.Equal(t, []string{"The agency has been waiting on us since Tue 4 Apr: All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"}, got)
}

// The Sacramento request waits on us from the agency's fee estimate (Tue
// 4 Apr) until we pay (Wed 12 Apr): the CPRA's clock ran on, so the
// request is overdue when the agency has it back, and its email says the
// date passed while it waited on us, not that the agency missed it.
func TestReminders_OverdueAfterWaitingOnUs(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	b.clock.Set(at("2017-04-04"))
	_, _, err := b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindFeeEstimate, OccurredOn: deadline.MustParseDate("2017-04-04")}})
	require.NoError(t, err)
	b.clock.Set(at("2017-04-12"))
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindFollowUp, OccurredOn: deadline.MustParseDate("2017-04-12"),
		Subject: "Paid"}})
	require.NoError(t, err)
	_, _, _, err = r.RunOnce(context.Background())
	require.NoError(t, err)
	var overdue []mail.Message
	for _, m := range fake.Sent() {
		if strings.HasPrefix(m.Subject, "Overdue") {
			overdue = append(overdue, m)
		}
	}
	require.Len(t, overdue, 1, "%v", subjects(fake.Sent()))
	body := strings.Join(strings.Fields(overdue[0].Text), " ")
	require.Contains(t, body, "The due date passed while the request waited on us: the agency asked us for something on Tue 4 Apr 2017 "+
		"and we answered on Wed 12 Apr 2017, and the CPRA does not stop its clock for that.")
	require.NotContains(t, body, "missed its deadline")
}

// dueToday files ten more requests like the bundle's and sets the clock to
// their due date: eleven due-today reminders and a digest to send.
func (b bundle) dueToday(t *testing.T) {
	t.Helper()
	for range 10 {
		r := &sunshine.Request{AgencyID: b.req.AgencyID, Title: "Another", DeliveryMethod: sunshine.DeliveryEmail,
			ReceivedOn: deadline.MustParseDate("2017-03-27")}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	}
	b.clock.Set(at("2017-04-06"))
}

// splitReaders has the organization's emails read by two admins: the
// fixture's admin gets the request's own emails and no digest, a second
// admin only the digest. A person's digest leaves out the requests they
// get an email of its own about that day; split, each digest still lists
// the requests those emails are about, for tests of delivery itself. It
// returns the digest's reader.
func (b bundle) splitReaders(t *testing.T) *sunshine.User {
	t.Helper()
	require.NoError(t, b.st.SetPreferences(b.fx.Ctx, sunshine.Preferences{Digest: false, DigestHour: 7, Kinds: sunshine.ReminderKinds}))
	reader := &sunshine.User{Email: "digest@" + b.fx.Org.Slug + ".example", Name: "Dana Digest", Role: sunshine.RoleAdmin}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, reader))
	ctx := sunshine.WithPrincipal(b.fx.Ctx, sunshine.Principal{OrgID: b.fx.Org.ID, UserID: reader.ID, Role: sunshine.RoleAdmin})
	require.NoError(t, b.st.SetPreferences(ctx, sunshine.Preferences{Digest: true, DigestHour: 7, Kinds: []string{}}))
	return reader
}

// requireEachOnce checks that n distinct messages were sent, each once.
func requireEachOnce(t *testing.T, sent []mail.Message, n int) {
	t.Helper()
	ids := map[string]int{}
	for _, m := range sent {
		ids[m.ID]++
	}
	require.Len(t, ids, n)
	for id, k := range ids {
		require.Equal(t, 1, k, "%s sent %d times", id, k)
	}
}

func TestReminders_TwoSchedulersSendOnce(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.dueToday(t)
	b.splitReaders(t)
	f1, f2 := &mail.Fake{}, &mail.Fake{}
	var wg sync.WaitGroup
	for _, f := range []*mail.Fake{f1, f2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				_, _, _, err := b.runner(f).RunOnce(context.Background())
				require.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	requireEachOnce(t, append(f1.Sent(), f2.Sent()...), 12) // 11 due-today reminders and one digest
}

// overlapMailer counts the Send calls in flight at once. Each waits (up to
// a few seconds) until want calls are in flight, as a distant mail
// server's round trips would keep them open, so a slow machine cannot make
// concurrent shares look sequential.
type overlapMailer struct {
	mail.Fake
	want           int
	mu             sync.Mutex
	inFlight, most int
}

func (m *overlapMailer) Send(ctx context.Context, msgs []mail.Message) []error {
	m.mu.Lock()
	m.inFlight++
	m.most = max(m.most, m.inFlight)
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		m.mu.Lock()
		all := m.most >= m.want
		m.mu.Unlock()
		if all {
			break
		}
	}
	return m.Fake.Send(ctx, msgs)
}

// A batch is delivered over several connections at once, each message once;
// Config.Connections bounds them.
func TestReminders_ConnectionsDeliverAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		connections int
		most        int
	}{
		{"default", 0, 4},
		{"one", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := sacramento(t)
			b.dueToday(t)
			b.splitReaders(t)
			m := &overlapMailer{want: tc.most}
			j := jobs.NewReminders(b.st, m, b.clock, slog.New(slog.DiscardHandler),
				jobs.Config{BaseURL: "https://sunshine.example", Connections: tc.connections})
			_, _, res, err := j.RunOnce(context.Background())
			require.NoError(t, err)
			require.Equal(t, 12, res.Sent, "11 due-today reminders and one digest")
			require.Equal(t, tc.most, m.most, "connections in use at once")
			requireEachOnce(t, m.Sent(), 12)
		})
	}
}

func TestReminders_RetriesThenFailsThenRetryByStaff(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	fake := &mail.Fake{}
	fake.FailWith(errors.New("dial tcp 127.0.0.1:25: connection refused"))
	r := b.runner(fake)
	b.clock.Set(at("2017-04-06"))
	_, _, res, err := r.RunOnce(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Retrying) // due today + digest
	// Not retried before the backoff.
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Retrying)
	// Two more failures (1 min, then 2 min later): failed, visible through the API's store call.
	b.clock.Set(b.clock.Now().Add(time.Minute))
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Retrying)
	b.clock.Set(b.clock.Now().Add(2 * time.Minute))
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Failed)
	failed, _, err := b.st.FindReminders(b.fx.Ctx, []string{"failed"}, 0, "")
	require.NoError(t, err)
	require.Len(t, failed, 2)
	require.Contains(t, failed[0].LastError, "connection refused")
	require.Empty(t, fake.Sent())

	// SMTP back; staff retry: each delivered once.
	fake.FailWith(nil)
	for _, f := range failed {
		_, err := b.st.RetryReminder(b.fx.Ctx, f.ID)
		require.NoError(t, err)
	}
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	require.Len(t, fake.Sent(), 2)
}

func TestReminders_KilledAfterClaimIsRedelivered(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	b.clock.Set(at("2017-04-06"))
	fake := &mail.Fake{}
	r := b.runner(fake)
	_, _, err := r.Plan(context.Background())
	require.NoError(t, err)
	// A process claims the rows and dies before sending.
	claimed, err := b.st.ClaimReminders(context.Background(), b.clock.Now(), 100, 10*time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Sent, "a fresh claim is not stolen")
	b.clock.Set(b.clock.Now().Add(11 * time.Minute))
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	// The dead process's late mark cannot resurrect anything.
	require.NoError(t, b.st.MarkReminderFailed(context.Background(), claimed[0], "late", b.clock.Now(), true))
	sent, _, err := b.st.FindReminders(b.fx.Ctx, []string{"sent"}, 0, "")
	require.NoError(t, err)
	require.Len(t, sent, 2)
}

// Each reminder the mail server accepts is one line of the request's
// timeline, in the email's words, naming whom it went to; a failed attempt
// writes none, and neither does a digest.
func TestReminders_TimelineRecordsEachSent(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ana := &sunshine.User{Email: "ana@" + b.fx.Org.Slug + ".example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	fake := &mail.Fake{}
	r := b.runner(fake)
	seen := 0
	for _, day := range []struct {
		at   time.Time
		down bool   // the mail server refuses everything
		want string // the new event's note; "" for none
	}{
		// Assigned by the admin: told so at once.
		{at("2017-03-31"), false, "Reminder sent to Ana Ruiz: the request was assigned to them by " + b.fx.Admin.Name + "."},
		{at("2017-04-03"), false, "Reminder sent to Ana Ruiz: due in 3 business days (Thu 6 Apr 2017)."},
		{at("2017-04-05"), true, ""},
		{at("2017-04-05").Add(time.Minute), false, "Reminder sent to Ana Ruiz: due in 1 business day (Thu 6 Apr 2017)."},
		{at("2017-04-06"), false, "Reminder sent to Ana Ruiz: due today (Thu 6 Apr 2017)."},
		{at("2017-04-07"), false, "Reminder sent to Ana Ruiz: overdue: was due Thu 6 Apr 2017, 1 day late."},
		{at("2017-04-10"), false, ""},
		{at("2017-04-14"), false, "Reminder sent to Ana Ruiz: overdue: was due Thu 6 Apr 2017, 8 days late."},
	} {
		name := day.at.Format(time.DateTime)
		fake.FailWith(nil)
		if day.down {
			fake.FailWith(errors.New("421 service not available"))
		}
		b.clock.Set(day.at)
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err, name)

		es, _, err := b.st.FindEvents(b.fx.Ctx, b.req.ID, store.All, "")
		require.NoError(t, err)
		var sent []*sunshine.Event
		for _, e := range es {
			if e.Kind == sunshine.EventReminderSent {
				sent = append(sent, e)
			}
		}
		if day.want == "" {
			require.Len(t, sent, seen, name)
			continue
		}
		require.Len(t, sent, seen+1, name)
		e := sent[seen]
		seen++
		require.Equal(t, day.want, e.Note, name)
		require.Nil(t, e.ActorID, name)
		require.True(t, day.at.Equal(e.CreatedAt), name)
		var data map[string]any
		require.NoError(t, json.Unmarshal(e.Data, &data))
		require.Equal(t, ana.ID, data["recipient_id"], name)
		require.Equal(t, "Ana Ruiz", data["recipient_name"], name)
		require.Equal(t, ana.Email, data["recipient_email"], name)
		if data["reminder_kind"] == sunshine.ReminderAssigned {
			require.Equal(t, "2017-03-27", data["due_on"], "the day it was assigned")
			continue
		}
		require.Equal(t, "2017-04-06", data["due_on"], name)
		require.Contains(t, []any{"due_soon", "due_today", "overdue"}, data["reminder_kind"], name)
	}
	// Every email but the digests has its line.
	emails := 0
	for _, m := range fake.Sent() {
		if !isDigest(m.Subject) {
			emails++
		}
	}
	require.Equal(t, seen, emails)
}

// SMTP down for a whole run, then back: nothing lost, everything once.
func TestReminders_SMTPOutageThenRecovery(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	b.clock.Set(at("2017-04-06"))
	mp.Stop()
	_, _, res, err := r.RunOnce(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Retrying)
	pending, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	require.Contains(t, pending[0].LastError, "connect")

	mp.Restart(t)
	b.clock.Set(b.clock.Now().Add(time.Minute))
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, res.Sent)
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Sent)
	msgs := mp.Messages(t)
	require.Len(t, msgs, 2)
	require.NotEqual(t, msgs[0].MessageID, msgs[1].MessageID)
}

// Digests go out at the recipient's hour in their organization's time zone,
// once a day, and only with something to report.
func TestDigests_LocalHours(t *testing.T) {
	t.Parallel()
	clock := sunshine.NewFixedClock(time.Date(2017, 4, 5, 10, 30, 0, 0, time.UTC))
	st := store.New(storetest.DB(t), clock)
	newOrg := func(name, tz string) storetest.Fixture {
		fx := storetest.Org(t, st, name)
		require.NoError(t, st.SetReminderPolicy(fx.Ctx, sunshine.ReminderPolicy{TimeZone: tz, SoonDays: []int{3, 1}, OverdueRepeatDays: 7, AwaitingAfterDays: 3}))
		a := &sunshine.Agency{Name: "Agency", Jurisdiction: "us-federal"}
		require.NoError(t, st.CreateAgency(fx.Ctx, a))
		require.NoError(t, st.CreateRequest(fx.Ctx, &sunshine.Request{AgencyID: a.ID, Title: "Due soon",
			DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-10")})) // due 2017-04-07
		return fx
	}
	east, west := newOrg("east", "America/New_York"), newOrg("west", "America/Los_Angeles")
	// A staff member in the east who wants the digest at 9. Everyone here
	// reads only the digest: one who also got the request's own due-soon
	// email would find nothing else in it, and get none.
	late := &sunshine.User{Email: "late@east.example", Role: sunshine.RoleAdmin}
	require.NoError(t, st.CreateUser(east.Ctx, late))
	lateCtx := sunshine.WithPrincipal(east.Ctx, sunshine.Principal{OrgID: east.Org.ID, UserID: late.ID, Role: sunshine.RoleAdmin})
	require.NoError(t, st.SetPreferences(lateCtx, sunshine.Preferences{Digest: true, DigestHour: 9, Kinds: []string{}}))
	for _, fx := range []storetest.Fixture{east, west} {
		require.NoError(t, st.SetPreferences(fx.Ctx, sunshine.Preferences{Digest: true, DigestHour: 7, Kinds: []string{}}))
	}

	fake := &mail.Fake{}
	r := jobs.NewReminders(st, fake, clock, slog.New(slog.DiscardHandler), jobs.Config{BaseURL: "https://sunshine.example"})
	run := func(utc string) []string {
		clock.Set(time.Date(2017, 4, 5, 0, 0, 0, 0, time.UTC).Add(mustDuration(t, utc)))
		before := len(fake.Sent())
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err)
		var to []string
		for _, m := range fake.Sent()[before:] {
			if isDigest(m.Subject) {
				to = append(to, m.To)
			}
		}
		sort.Strings(to)
		return to
	}
	require.Empty(t, run("10h30m"), "06:30 in New York, 03:30 in Los Angeles")
	require.Equal(t, []string{east.Admin.Email}, run("11h00m"), "07:00 in New York")
	require.Empty(t, run("12h00m"), "once a day")
	require.Equal(t, []string{"late@east.example"}, run("13h05m"), "09:05 in New York")
	require.Equal(t, []string{west.Admin.Email}, run("14h00m"), "07:00 in Los Angeles")
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	require.NoError(t, err)
	return d
}

func TestReminders_Metrics(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	reg := prometheus.NewRegistry()
	require.NoError(t, r.Register(reg))
	b.clock.Set(at("2017-04-06"))
	_, _, err := r.Plan(context.Background())
	require.NoError(t, err)
	b.clock.Set(b.clock.Now().Add(90 * time.Second))
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP sunshine_reminders_oldest_pending_seconds How long the oldest due reminder has waited.
# TYPE sunshine_reminders_oldest_pending_seconds gauge
sunshine_reminders_oldest_pending_seconds 90
# HELP sunshine_reminders_pending Reminders due and not yet sent.
# TYPE sunshine_reminders_pending gauge
sunshine_reminders_pending 2
`), "sunshine_reminders_pending", "sunshine_reminders_oldest_pending_seconds"))
	_, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2.0, counterValue(t, reg, "sunshine_reminders_sent_total"))
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP sunshine_reminders_pending Reminders due and not yet sent.
# TYPE sunshine_reminders_pending gauge
sunshine_reminders_pending 0
`), "sunshine_reminders_pending"))
}

// counterValue reads a counter from the registry by name.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// An invitation goes through the outbox like a reminder; its one-time link
// is kept only until the email is sent.
func TestInvitationEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	u := &sunshine.User{Email: "new@ndlon.example", Name: "Ana", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.InviteUser(b.fx.Ctx, u, "https://sunshine.example"))
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, res.Sent)
	msg := fake.Sent()[0]
	require.Equal(t, "new@ndlon.example", msg.To)
	// It names who sent it: an unexpected password link from nobody in
	// particular looks like phishing.
	require.Equal(t, "Admin of ndlon invited you to ndlon on Sunshine", msg.Subject)
	require.Contains(t, msg.Text, "Admin of ndlon invited you to Sunshine, where ndlon tracks")
	require.Contains(t, msg.HTML, "<title>Your invitation to ndlon on Sunshine</title>")
	require.Contains(t, msg.Text, "https://sunshine.example/invite/")
	var payload string
	require.NoError(t, b.st.DB().Get(&payload, `SELECT payload FROM reminders WHERE kind = 'invite'`))
	require.Empty(t, payload, "the link is not kept after sending")

	// Sent by no user (an operator's command): no name to give.
	system := sunshine.WithPrincipal(context.Background(), sunshine.Principal{OrgID: b.fx.Org.ID, Role: sunshine.RoleAdmin})
	require.NoError(t, b.st.InviteUser(system, &sunshine.User{Email: "other@ndlon.example", Role: sunshine.RoleStaff}, "https://sunshine.example"))
	_, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 2)
	require.Equal(t, "You are invited to ndlon on Sunshine", fake.Sent()[1].Subject)
}

// A database error while composing (here the watchers' table, briefly
// gone, which the digest's query and a request's recipients read) is
// retried after the backoff, not taken for "nothing to report" or "nobody
// to send it to": both emails arrive once the database answers again.
func TestReminders_DatabaseErrorWhileComposingIsRetried(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	fake := &mail.Fake{}
	r := b.runner(fake)
	b.clock.Set(at("2017-04-06"))
	_, _, err := r.Plan(context.Background())
	require.NoError(t, err)
	_, err = b.st.DB().Exec(`ALTER TABLE watchers RENAME TO watchers_moved`)
	require.NoError(t, err)
	res, err := r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Retrying: 2}, res, "the due-today reminder and the digest wait")
	pending, _, err := b.st.FindReminders(b.fx.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	require.Len(t, pending, 2)
	for _, p := range pending {
		require.Contains(t, p.LastError, "watchers")
	}

	_, err = b.st.DB().Exec(`ALTER TABLE watchers_moved RENAME TO watchers`)
	require.NoError(t, err)
	b.clock.Set(b.clock.Now().Add(time.Minute))
	res, err = r.Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Sent: 2}, res)
	sent := subjects(fake.Sent())
	require.Len(t, sent, 2)
	require.True(t, isDigest(sent[0]) || isDigest(sent[1]), "%v", sent)
}

// An overdue email counts the days late on the day it is written, as the
// pages do: planned on 7 April (its occurrence) but delivered on 10 April,
// after the mail server was down, it says 4 days, not 1.
func TestReminders_OverdueCountsToTheDayItIsWritten(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	_, err := b.st.PlanReminders(context.Background(), at("2017-04-07"))
	require.NoError(t, err)
	fake := &mail.Fake{}
	b.clock.Set(at("2017-04-10"))
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var overdue []mail.Message
	for _, m := range fake.Sent() {
		if strings.HasPrefix(m.Subject, "Overdue (") {
			overdue = append(overdue, m)
		}
	}
	require.Len(t, overdue, 1)
	require.Contains(t, overdue[0].Text, "was due on Thu 6 Apr 2017 and is 4 days late.")
}

// An agency closure day is not a business day for reminders either: the
// "3 business days" email comes a business day earlier and counts right.
func TestReminders_CountClosureDays(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	_, err := b.st.AddClosure(b.fx.Ctx, &sunshine.Closure{AgencyID: b.req.AgencyID, ClosedOn: deadline.MustParseDate("2017-04-04"), Reason: "fire"})
	require.NoError(t, err)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	const cpra = "All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"
	// Due Thu 6 Apr still (a calendar-day law); Fri 31 Mar is Cesar Chavez
	// Day and Tue 4 Apr the closure: 3 business days before is Thu 30 Mar.
	for _, day := range []struct {
		date string
		want []string
	}{
		{"2017-03-30", []string{"Due Thu 6 Apr (3 business days): " + cpra}},
		{"2017-04-03", nil},
		{"2017-04-05", []string{"Due Thu 6 Apr (1 business day): " + cpra}},
	} {
		mp.DeleteAll(t)
		b.clock.Set(at(day.date))
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err, day.date)
		var got []string
		for _, m := range mp.Messages(t) {
			if !isDigest(m.Subject) {
				got = append(got, m.Subject)
			}
		}
		require.Equal(t, day.want, got, day.date)
	}
}

// A due-soon email counts the business days left from the day it is sent,
// not the day it was planned: late (a mail outage, a request entered late)
// it says 2 where 3 were left when planned; on the due date itself it is
// not sent at all (the due-today email says it). Overdue emails say where
// to follow up, and every email why its recipient gets it.
func TestReminders_CountFromTheDaySentAndSayWhy(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	_, err := b.st.PlanReminders(context.Background(), at("2017-04-03")) // 3 business days before Thu 6 Apr
	require.NoError(t, err)
	fake := &mail.Fake{}
	b.clock.Set(at("2017-04-04"))
	_, err = b.runner(fake).Deliver(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 1)
	msg := fake.Sent()[0]
	require.Equal(t, "Due Thu 6 Apr (2 business days): All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", msg.Subject)
	require.Contains(t, msg.Text, "is due on Thu 6 Apr 2017, in 2 business days.")
	require.Contains(t, msg.Text, "You get this email because you are an admin of ndlon in Sunshine and nobody is assigned to this request or watches it. "+
		"To hand it on, assign someone to it or watch it on the request page.")
	es, _, err := b.st.FindEvents(b.fx.Ctx, b.req.ID, store.All, "")
	require.NoError(t, err)
	require.Equal(t, "Reminder sent to "+b.fx.Admin.Name+": due in 2 business days (Thu 6 Apr 2017).", es[len(es)-1].Note)

	// Planned for Wed 5 Apr, delivered on the due date: dropped, not sent.
	_, err = b.st.PlanReminders(context.Background(), at("2017-04-05"))
	require.NoError(t, err)
	b.clock.Set(at("2017-04-06"))
	res, err := b.runner(fake).Deliver(context.Background())
	require.NoError(t, err)
	require.Equal(t, jobs.DeliveryResult{Cancelled: 1}, res)
	cancelled, _, err := b.st.FindReminders(b.fx.Ctx, []string{"cancelled"}, 10, "")
	require.NoError(t, err)
	require.Len(t, cancelled, 1)
	require.Equal(t, "the due date came before it could be sent", cancelled[0].LastError)

	// Overdue, to the assignee: the agency's email and portal to follow up.
	email, portal := "records@sheriff.example", "https://sheriff.example/records"
	_, err = b.st.UpdateAgency(b.fx.Ctx, b.req.AgencyID, sunshine.AgencyUpdate{Email: &email, PortalURL: &portal})
	require.NoError(t, err)
	_, err = b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &b.fx.Admin.ID})
	require.NoError(t, err)
	_, err = b.st.PlanReminders(context.Background(), at("2017-04-07"))
	require.NoError(t, err)
	b.clock.Set(at("2017-04-07"))
	before := len(fake.Sent())
	_, err = b.runner(fake).Deliver(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), before+1)
	msg = fake.Sent()[before]
	require.Contains(t, msg.Text, "  Email:     records@sheriff.example\n  Portal:    https://sheriff.example/records\n")
	require.Contains(t, msg.Text, "You get this email because you are assigned to this request in Sunshine.")
}

// A request's reminder goes out at its recipient's hour (their digest
// hour, 7:00 by default, in the organization's time zone) on the day it
// falls due, not when planning first runs after midnight; planned after
// that hour, it goes at once.
func TestReminders_SentAtTheRecipientsHour(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	require.NoError(t, b.st.SetPreferences(b.fx.Ctx, sunshine.Preferences{Digest: false, DigestHour: 9, Kinds: sunshine.ReminderKinds}))
	fake := &mail.Fake{}
	r := b.runner(fake)
	local := func(hhmm string) time.Time {
		t.Helper()
		tm, err := time.ParseInLocation("2006-01-02 15:04", "2017-04-06 "+hhmm, la)
		require.NoError(t, err)
		return tm
	}
	for _, step := range []struct {
		at   string
		sent int
	}{
		{"00:05", 0}, // planned (due today), not sent at midnight
		{"07:00", 0}, // the default hour, but this person chose 9:00
		{"09:00", 1},
	} {
		b.clock.Set(local(step.at))
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err, step.at)
		require.Len(t, fake.Sent(), step.sent, step.at)
	}
	require.Equal(t, "Due today (Thu 6 Apr): All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)", fake.Sent()[0].Subject)

	// Planned at 10:00, after the hour: at once.
	b.clock.Set(local("10:00").AddDate(0, 0, 1)) // Fri 7 Apr: overdue
	_, _, _, err := r.RunOnce(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 2)
	require.True(t, strings.HasPrefix(fake.Sent()[1].Subject, "Overdue (was due Thu 6 Apr)"), fake.Sent()[1].Subject)
}

// A digest lists at most store.DigestLimit requests, the earliest due
// first, and says when there were more.
func TestDigests_SayWhenCut(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	// 500 more overdue requests like the first (due Thu 6 Apr).
	b.st.DB().MustExec(`INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, received_on, due_on)
		SELECT org_id, agency_id, title || ' ' || i, delivery_method, status, jurisdiction, received_on, due_on
		FROM requests, generate_series(1, $1::int) i WHERE id = $2`, store.DigestLimit, b.req.ID)
	fake := &mail.Fake{}
	b.clock.Set(at("2017-04-10"))
	_, _, _, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var digest *mail.Message
	for _, m := range fake.Sent() {
		if isDigest(m.Subject) {
			digest = &m
		}
	}
	require.NotNil(t, digest)
	require.Equal(t, "Sunshine digest for Mon 10 Apr: 500 overdue, more not listed", digest.Subject)
	require.Contains(t, digest.Text, "This digest lists only the first 500 requests, the earliest due first; there are more.")
}

// The admin's digest names who has each request (or says it is
// unassigned), lists the acknowledged FOIL request past the agency's
// estimate, with its statutory date named as met, and the Florida request
// with no date to follow, with what to do; the estimate's own email is
// about the estimate and names the statutory date as met.
func TestDigests_EstimatePassedNoDateAndAssignees(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	b.splitReaders(t)
	ctx := b.fx.Ctx
	admin := b.fx.Admin.ID
	_, err := b.st.UpdateRequest(ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &admin})
	require.NoError(t, err)
	newRequest := func(law, title string) *sunshine.Request {
		a := &sunshine.Agency{Name: law + " agency", Jurisdiction: law}
		require.NoError(t, b.st.CreateAgency(ctx, a))
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
		require.NoError(t, b.st.CreateRequest(ctx, r))
		return r
	}
	foil := newRequest("us-ny", "Stop-and-frisk data")
	require.Equal(t, "2017-04-03", foil.DueOn.String())
	b.clock.Set(at("2017-03-29"))
	_, err = b.st.TransitionRequest(ctx, foil.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: deadline.MustParseDate("2017-03-29")})
	require.NoError(t, err)
	estimate := deadline.MustParseDate("2017-04-05")
	_, err = b.st.UpdateRequest(ctx, foil.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &estimate})
	require.NoError(t, err)
	newRequest("us-fl", "Jail contracts")

	fake := &mail.Fake{}
	b.clock.Set(at("2017-04-06"))
	_, _, res, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Failed)
	var digest, passed *mail.Message
	for _, m := range fake.Sent() {
		switch {
		case isDigest(m.Subject):
			digest = &m
		case strings.HasPrefix(m.Subject, "Agency's estimated date"):
			passed = &m
		}
	}
	require.NotNil(t, digest, "%v", subjects(fake.Sent()))
	require.Equal(t, "Sunshine digest for Thu 6 Apr: 1 due today, 1 past the agency's estimate, 1 with no date to follow", digest.Subject)
	require.Contains(t, digest.Text, "Sacramento County Sheriff's Department · submitted · assigned to Admin of ndlon · due Thu 6 Apr 2017")
	require.Contains(t, digest.Text, "us-ny agency · acknowledged · unassigned · agency's estimate Wed 5 Apr 2017 (statutory date Mon 3 Apr 2017 met)")
	require.Contains(t, digest.Text, "us-fl agency · submitted · unassigned\n  No statutory date: set a custom due date")
	require.NotContains(t, digest.Text, "late")

	require.NotNil(t, passed, "%v", subjects(fake.Sent()))
	require.Equal(t, "Agency's estimated date Wed 5 Apr has passed: Stop-and-frisk data (us-ny agency)", passed.Subject)
	require.Contains(t, passed.Text, "Estimate:  Wed 5 Apr 2017 (the agency's; passed)")
	require.Contains(t, passed.Text, "Statutory: Mon 3 Apr 2017 (met: the agency acknowledged the request)")
	require.Contains(t, passed.Text, "this is not a missed statutory deadline")
	require.NotContains(t, passed.Text, "Due:")
}

// Assigned by someone else, a person gets an email at the next delivery
// saying who assigned what; one reassigned away before it went out gets
// none.
func TestReminders_AssignedEmail(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	person := func(name string) *sunshine.User {
		u := &sunshine.User{Email: strings.ToLower(strings.Fields(name)[0]) + "@" + b.fx.Org.Slug + ".example", Name: name, Role: sunshine.RoleStaff}
		require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
		return u
	}
	ana, ben := person("Ana Ruiz"), person("Ben Okafor")
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	_, err = b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)

	fake := &mail.Fake{}
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	var toBen []mail.Message
	for _, m := range fake.Sent() {
		require.NotEqual(t, ana.Email, m.To, "reassigned before it went out: %s", m.Subject)
		if m.To == ben.Email && strings.HasPrefix(m.Subject, "Assigned to you") {
			toBen = append(toBen, m)
		}
	}
	require.Len(t, toBen, 1, "%v", subjects(fake.Sent()))
	require.Equal(t, "Assigned to you: "+b.req.Title+" ("+b.req.AgencyName+")", toBen[0].Subject)
	require.Contains(t, toBen[0].Text, b.fx.Admin.Name+` assigned "`+b.req.Title+`" to you.`)
	require.Contains(t, toBen[0].Text, "You get this email because you are assigned to this request")

	// Given back to Ana the same day, after hers was dropped: she is told.
	_, err = b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	fake = &mail.Fake{}
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.Contains(t, subjects(fake.Sent()), "Assigned to you: "+b.req.Title+" ("+b.req.AgencyName+")")
	require.Equal(t, ana.Email, fake.Sent()[slices.IndexFunc(fake.Sent(), func(m mail.Message) bool { return strings.HasPrefix(m.Subject, "Assigned") })].To)
}

// The assignment email shows the date to follow as the pages do: none for
// a request under appeal without a decision date, with what to do.
func TestReminders_AssignedEmailUnderAppeal(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ben := &sunshine.User{Email: "ben@" + b.fx.Org.Slug + ".example", Name: "Ben Okafor", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ben))
	for _, to := range []sunshine.Status{sunshine.StatusDenied, sunshine.StatusAppealed} {
		_, err := b.st.TransitionRequest(b.fx.Ctx, b.req.ID, sunshine.TransitionInput{To: to})
		require.NoError(t, err)
	}
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	fake := &mail.Fake{}
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	i := slices.IndexFunc(fake.Sent(), func(m mail.Message) bool { return m.To == ben.Email })
	require.NotEqual(t, -1, i, "%v", subjects(fake.Sent()))
	text := fake.Sent()[i].Text
	require.Contains(t, text, "Due:       no date to follow: ")
	require.NotContains(t, text, "Thu 6 Apr 2017", "the superseded statutory date is not shown as due")
}

// A request filed with an assignee and closed before the email goes out
// (an import of last year's requests) sends no "assigned" email: a closed
// request has no reminders to follow up. (Open again under appeal, it
// does: TestReminders_AssignedEmailUnderAppeal.)
func TestReminders_AssignedEmailNotForAClosedRequest(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ben := &sunshine.User{Email: "ben@" + b.fx.Org.Slug + ".example", Name: "Ben Okafor", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ben))
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	_, err = b.st.TransitionRequest(b.fx.Ctx, b.req.ID, sunshine.TransitionInput{To: sunshine.StatusFulfilled})
	require.NoError(t, err)
	fake := &mail.Fake{}
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.False(t, slices.ContainsFunc(fake.Sent(), func(m mail.Message) bool { return m.To == ben.Email }), "%v", subjects(fake.Sent()))
	var reason string
	require.NoError(t, b.st.DB().Get(&reason, `SELECT last_error FROM reminders WHERE kind = 'assigned' AND status = 'cancelled'`))
	require.Equal(t, "the request is closed", reason)
}

// Assigned an overdue request, a person gets the assignment email, which
// says how late it is, and not the day's overdue email besides; the weekly
// one after it comes.
func TestReminders_AssignedOverdueOnce(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ben := &sunshine.User{Email: "ben@" + b.fx.Org.Slug + ".example", Name: "Ben Okafor", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ben))
	b.clock.Set(at("2017-04-07").Add(2 * time.Hour)) // 10:00, the day after the due date
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	toBen := func(fake *mail.Fake) (out []string) {
		for _, m := range fake.Sent() {
			if m.To == ben.Email && !isDigest(m.Subject) {
				out = append(out, m.Subject)
			}
		}
		return out
	}
	const title = "All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"
	fake := &mail.Fake{}
	r := b.runner(fake)
	for _, minutes := range []time.Duration{0, 15, 30} { // deliveries, and planning, through the morning
		b.clock.Set(at("2017-04-07").Add(2*time.Hour + minutes*time.Minute))
		_, _, _, err := r.RunOnce(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, []string{"Assigned to you (overdue: was due Thu 6 Apr): " + title}, toBen(fake))
	var reason string
	require.NoError(t, b.st.DB().Get(&reason, `SELECT last_error FROM reminders WHERE kind = 'overdue' AND recipient_id = $1`, ben.ID))
	require.Equal(t, "the assignment email of the same day says it", reason)

	fake = &mail.Fake{}
	r = b.runner(fake)
	b.clock.Set(at("2017-04-14"))
	_, _, _, err = r.RunOnce(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"Overdue (was due Thu 6 Apr): " + title}, toBen(fake), "the weekly one")
}

// failMarks makes the database refuse to mark a reminder sent, n times
// (-1: until the returned function is called): a connection lost, a
// deadlock, the database down between sending and recording.
func failMarks(t *testing.T, b bundle, n int) (fixed func()) {
	t.Helper()
	db := b.st.DB()
	db.MustExec(`CREATE SEQUENCE mark_failures`)
	db.MustExec(`CREATE FUNCTION fail_mark() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.status = 'sent' THEN
				IF ` + strconv.Itoa(n) + ` < 0 OR nextval('mark_failures') <= ` + strconv.Itoa(n) + ` THEN
					RAISE EXCEPTION 'injected: cannot mark sent';
				END IF;
			END IF;
			RETURN NEW;
		END $$`)
	db.MustExec(`CREATE TRIGGER fail_mark BEFORE UPDATE ON reminders FOR EACH ROW EXECUTE FUNCTION fail_mark()`)
	return func() { db.MustExec(`DROP TRIGGER fail_mark ON reminders`) }
}

// A delivery the database fails to record once is recorded on a second
// try, and the batch goes on; one it cannot record at all stops the
// mailer before its next message. Only the message whose delivery was not
// recorded is sent again (after its claim goes stale), never the rest of
// the batch: they used to be sent unrecorded, and then all again.
func TestReminders_MarkSentFails(t *testing.T) {
	t.Parallel()
	t.Run("once: recorded on a second try", func(t *testing.T) {
		t.Parallel()
		b := sacramento(t)
		b.dueToday(t)
		b.splitReaders(t)
		failMarks(t, b, 1)
		fake := &mail.Fake{}
		_, _, res, err := b.runner(fake).RunOnce(context.Background())
		require.NoError(t, err)
		require.Equal(t, 12, res.Sent, "11 due-today reminders and one digest")
		requireEachOnce(t, fake.Sent(), 12)
	})
	t.Run("until fixed: the mailer stops", func(t *testing.T) {
		t.Parallel()
		b := sacramento(t)
		b.dueToday(t)
		b.splitReaders(t)
		fixed := failMarks(t, b, -1)
		fake := &mail.Fake{}
		r := jobs.NewReminders(b.st, fake, b.clock, slog.New(slog.DiscardHandler),
			jobs.Config{BaseURL: "https://sunshine.example", Connections: 1})
		_, _, res, err := r.RunOnce(context.Background())
		require.ErrorContains(t, err, "injected: cannot mark sent")
		require.Zero(t, res.Sent)
		require.Equal(t, 1, len(fake.Sent()), "nothing sent after the delivery that could not be recorded")
		first := fake.Sent()[0].ID

		fixed()
		res, err = r.Deliver(context.Background())
		require.NoError(t, err)
		require.Zero(t, res.Sent, "the claims are fresh: not taken again yet")
		b.clock.Set(b.clock.Now().Add(11 * time.Minute))
		res, err = r.Deliver(context.Background())
		require.NoError(t, err)
		require.Equal(t, 12, res.Sent)
		sent := fake.Sent()
		require.Len(t, sent, 13)
		require.Equal(t, first, sent[1].ID, "the unrecorded one again, with its Message-ID")
		requireEachOnce(t, sent[1:], 12)
	})
}

// A reminder goes to whoever gets the request's reminders when it is
// sent, not when it was planned: planned at 05:00 for 07:00, then the
// request is reassigned, its assignee deactivated, or someone starts
// watching it (the admins got it as nobody did) at 06:00. The planned
// recipient gets nothing at 07:00 and the right one gets it then, the
// footer saying truly why.
func TestReminders_GoToTheRecipientsWhenSent(t *testing.T) {
	t.Parallel()
	const dueSoon = "Due Thu 6 Apr (3 business days): All communications with ICE since 20 January 2017 (Sacramento County Sheriff's Department)"
	local := func(hhmm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", "2017-04-03 "+hhmm, la)
		require.NoError(t, err)
		return tm
	}
	type people struct{ admin, alice, bob *sunshine.User }
	cases := []struct {
		name     string
		assignee func(p people) *sunshine.User // when planned; nil: nobody
		change   func(t *testing.T, b bundle, p people)
		to       func(p people) *sunshine.User // who gets it at 07:00
		footer   string
	}{
		// Bob takes it himself: assigned by someone else, the assignment
		// email would say the date instead (TestReminders_AssignedOverdueOnce).
		{"reassigned", func(p people) *sunshine.User { return p.alice },
			func(t *testing.T, b bundle, p people) {
				bob := sunshine.WithPrincipal(b.fx.Ctx, sunshine.Principal{OrgID: b.fx.Org.ID, UserID: p.bob.ID, Role: p.bob.Role})
				_, err := b.st.UpdateRequest(bob, b.req.ID, sunshine.RequestUpdate{AssigneeID: &p.bob.ID})
				require.NoError(t, err)
			},
			func(p people) *sunshine.User { return p.bob },
			"You get this email because you are assigned to this request in Sunshine."},
		{"assignee deactivated", func(p people) *sunshine.User { return p.alice },
			func(t *testing.T, b bundle, p people) {
				_, err := b.st.SetUserActive(b.fx.Ctx, p.alice.ID, false)
				require.NoError(t, err)
			},
			func(p people) *sunshine.User { return p.admin },
			"You get this email because you are an admin of ndlon in Sunshine and nobody is assigned to this request or watches it. " +
				"To hand it on, assign someone to it or watch it on the request page."},
		{"watched", func(people) *sunshine.User { return nil },
			func(t *testing.T, b bundle, p people) {
				bob := sunshine.WithPrincipal(b.fx.Ctx, sunshine.Principal{OrgID: b.fx.Org.ID, UserID: p.bob.ID, Role: p.bob.Role})
				require.NoError(t, b.st.Watch(bob, b.req.ID, true))
			},
			func(p people) *sunshine.User { return p.bob },
			"You get this email because you watch this request in Sunshine."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := sacramento(t)
			person := func(name string) *sunshine.User {
				u := &sunshine.User{Email: strings.ToLower(strings.Fields(name)[0]) + "@" + b.fx.Org.Slug + ".example", Name: name, Role: sunshine.RoleStaff}
				require.NoError(t, b.st.CreateUser(b.fx.Ctx, u))
				return u
			}
			p := people{admin: b.fx.Admin, alice: person("Alice Ruiz"), bob: person("Bob Okafor")}
			b.clock.Set(local("04:00"))
			if a := tc.assignee(p); a != nil {
				_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &a.ID})
				require.NoError(t, err)
			}
			fake := &mail.Fake{}
			r := b.runner(fake)
			b.clock.Set(local("05:00"))
			n, _, err := r.Plan(context.Background())
			require.NoError(t, err)
			require.Equal(t, int64(1), n, "the 3-business-day reminder, for 07:00")

			b.clock.Set(local("06:00"))
			tc.change(t, b, p)
			b.clock.Set(local("07:00"))
			_, err = r.Deliver(context.Background())
			require.NoError(t, err)

			want := tc.to(p)
			var got []mail.Message
			for _, m := range fake.Sent() {
				if m.Subject == dueSoon {
					got = append(got, m)
				}
			}
			require.Len(t, got, 1, "%v", subjects(fake.Sent()))
			require.Equal(t, want.Email, got[0].To)
			require.Contains(t, got[0].Text, tc.footer)
			require.Contains(t, got[0].Text, "Change your notification settings: https://sunshine.example/settings#preferences")
			require.Contains(t, got[0].HTML, `href="https://sunshine.example/settings#preferences"`)

			// The first stays in the outbox, cancelled, saying why.
			all, _, err := b.st.FindReminders(b.fx.Ctx, nil, 100, "")
			require.NoError(t, err)
			var redirected int
			for _, rem := range all {
				if rem.Kind == sunshine.ReminderDueSoon && rem.RecipientID != want.ID {
					redirected++
					require.Equal(t, "cancelled", rem.Status)
					require.Contains(t, rem.LastError, "its recipient no longer gets the request's reminders")
				}
			}
			require.Equal(t, 1, redirected)
		})
	}
}

// The emails say what the pages say: an assignment to a request already
// overdue says how late it is, and a FOIL request acknowledged after its
// statutory date reads as missed, not met, in its estimate email and in
// the digest.
func TestReminders_LateAssignmentAndLateAcknowledgment(t *testing.T) {
	t.Parallel()
	b := sacramento(t) // due Thu 6 Apr 2017
	reader := b.splitReaders(t)
	ctx := b.fx.Ctx
	ben := &sunshine.User{Email: "ben@" + b.fx.Org.Slug + ".example", Name: "Ben Okafor", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(ctx, ben))
	ny := &sunshine.Agency{Name: "New York City Police Department", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(ctx, ny))
	foil := &sunshine.Request{AgencyID: ny.ID, Title: "Stop-and-frisk data", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(ctx, foil))
	require.Equal(t, "2017-04-03", foil.DueOn.String())

	b.clock.Set(at("2017-04-05"))
	_, err := b.st.TransitionRequest(ctx, foil.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: deadline.MustParseDate("2017-04-05")})
	require.NoError(t, err)
	estimate := deadline.MustParseDate("2017-04-07")
	_, err = b.st.UpdateRequest(ctx, foil.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &estimate})
	require.NoError(t, err)

	b.clock.Set(at("2017-04-10"))
	_, err = b.st.UpdateRequest(ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ben.ID})
	require.NoError(t, err)
	fake := &mail.Fake{}
	_, _, res, err := b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.Failed)
	var assigned, passed, digest *mail.Message
	for _, m := range fake.Sent() {
		switch {
		case strings.HasPrefix(m.Subject, "Assigned to you"):
			assigned = &m
		case strings.HasPrefix(m.Subject, "Agency's estimated date"):
			passed = &m
		case isDigest(m.Subject) && m.To == reader.Email: // an admin's covers the FOIL request
			digest = &m
		}
	}
	require.NotNil(t, assigned, "%v", subjects(fake.Sent()))
	require.Contains(t, assigned.Subject, "(overdue: was due Thu 6 Apr)")
	require.Contains(t, assigned.Text, "(4 days late)")
	require.NotNil(t, passed, "%v", subjects(fake.Sent()))
	require.Contains(t, passed.Text, "The statutory date, Mon 3 Apr 2017, was missed: the agency acknowledged the request only on Wed 5 Apr 2017.")
	require.NotContains(t, passed.Text, "not a missed statutory deadline")
	require.NotNil(t, digest, "%v", subjects(fake.Sent()))
	require.Contains(t, digest.Text, "agency's estimate Fri 7 Apr 2017 (statutory date Mon 3 Apr 2017 missed)")
}

// The note written with an assignment reaches the new assignee in the
// assignment email, as written; reassigned later without one, the next
// email carries none.
func TestReminders_AssignmentNote(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	ana := &sunshine.User{Email: "ana@" + b.fx.Org.Slug + ".example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	const note = "The clerk promised a call back Monday.\nAsk for the index first."
	_, err := b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID, AssignmentNote: note})
	require.NoError(t, err)
	fake := &mail.Fake{}
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 1)
	require.Contains(t, fake.Sent()[0].Text, b.fx.Admin.Name+"'s note:\n"+note+"\n")

	// Away and back, on another day, with no note: none in that email.
	b.clock.Set(at("2017-03-29"))
	admin := b.fx.Admin.ID
	_, err = b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &admin})
	require.NoError(t, err)
	_, err = b.st.UpdateRequest(b.fx.Ctx, b.req.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	_, _, _, err = b.runner(fake).RunOnce(context.Background())
	require.NoError(t, err)
	require.Len(t, fake.Sent(), 2, "%v", subjects(fake.Sent()))
	require.NotContains(t, fake.Sent()[1].Text, "note")
}
