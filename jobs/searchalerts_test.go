package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/jobs"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/mail/mailtest"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// settled waits until every transaction that writes on the test server,
// other tests' too, and was running when it was called has ended: an
// alert made then starts after what was written before (one made while
// another test's transaction is open starts at that transaction, and
// takes in what was written since, as its docs say).
func settled(t *testing.T, st *store.Store) {
	t.Helper()
	var xmax string
	require.NoError(t, st.DB().Get(&xmax, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text`))
	require.Eventually(t, func() bool {
		var ok bool
		require.NoError(t, st.DB().Get(&ok, `SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8`, xmax))
		return ok
	}, 30*time.Second, 10*time.Millisecond)
}

// A search alert emails its person, over real SMTP, what newly matches its
// words in their organization, each match once: not what matched when it
// was made, not another organization's, nothing when nothing is new, and
// nothing more once it is stopped.
func TestSearchAlerts_OverSMTP(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	mp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(mp.URL(), "Sunshine <reminders@sunshine.example>")
	require.NoError(t, err)
	r := b.runner(mailer)
	ctx := context.Background()
	start := b.clock.Now()

	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: ana.OrgID, UserID: ana.ID, Role: ana.Role})
	note := func(text string) *sunshine.Event {
		t.Helper()
		e, err := b.st.AddNote(b.fx.Ctx, b.req.ID, text)
		require.NoError(t, err)
		return e
	}
	// alertEmails are those sent so far (digests and reminders aside).
	alertEmails := func() (out []mailtest.Summary) {
		for _, m := range mp.Messages(t) {
			if strings.Contains(m.Subject, " new match") {
				out = append(out, m)
			}
		}
		return out
	}
	// plan checks the alerts at start+minutes and delivers what they owe.
	plan := func(minutes int) (sent []mailtest.Summary) {
		t.Helper()
		before := map[string]bool{}
		for _, m := range alertEmails() {
			before[m.ID] = true
		}
		b.clock.Set(start.Add(time.Duration(minutes) * time.Minute))
		_, _, err := r.Plan(ctx)
		require.NoError(t, err)
		_, err = r.Deliver(ctx)
		require.NoError(t, err)
		for _, m := range alertEmails() {
			if !before[m.ID] {
				sent = append(sent, m)
			}
		}
		return sent
	}

	note("The sheriff's office says it keeps no detainer log.")
	settled(t, b.st)
	alert, err := b.st.CreateSearchAlert(as, "  Detainers  ")
	require.NoError(t, err)
	require.Equal(t, "Detainers", alert.Q, "the words tidied")

	// Another organization's detainers are not hers.
	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: "King County Sheriff", Jurisdiction: "us-wa"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	require.NoError(t, b.st.CreateRequest(other.Ctx, &sunshine.Request{AgencyID: oa.ID, Title: "Detainer requests from ICE",
		DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}))

	b.clock.Set(start.Add(10 * time.Minute))
	fresh := note("Their counsel will send the detainer forms by Friday.")
	filed := &sunshine.Request{AgencyID: b.req.AgencyID, Title: "Detainer forms, 2016", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, filed))

	require.Empty(t, plan(30), "checked once an hour")
	got := plan(61)
	require.Len(t, got, 1)
	require.Equal(t, "ana@ndlon.example", got[0].To[0].Address)
	require.Equal(t, "2 new matches for “Detainers” in ndlon", got[0].Subject)
	full := mp.Message(t, got[0].ID)
	text := strings.ReplaceAll(full.Text, "\r\n", "\n")
	require.Contains(t, text, "https://sunshine.example/requests/"+b.req.ID+"#event-"+fresh.ID, "the note, at its place")
	require.Contains(t, text, "https://sunshine.example/requests/"+filed.ID+"\n", "the new request")
	require.Contains(t, text, "“Their counsel will send the detainer forms by Friday”", "its snippet")
	require.NotContains(t, text, "keeps no detainer log", "it matched before the alert was made")
	require.NotContains(t, text, "King County", "another organization's")
	require.Contains(t, text, "Stop this alert: https://sunshine.example/settings#search-alerts")
	require.Contains(t, text, "https://sunshine.example/search?q=Detainers")
	require.Contains(t, full.HTML, `href="https://sunshine.example/requests/`+filed.ID+`"`)
	saved, err := b.st.SearchAlert(as, alert.ID)
	require.NoError(t, err)
	require.NotNil(t, saved.LastSentAt)

	// The outbox shows others that it went, not her words.
	for _, who := range []struct {
		p    sunshine.Principal
		want string
	}{
		{sunshine.Principal{OrgID: ana.OrgID, UserID: ana.ID, Role: ana.Role}, "2 new matches for “Detainers” in ndlon"},
		{sunshine.Principal{OrgID: b.fx.Org.ID, UserID: b.fx.Admin.ID, Role: sunshine.RoleAdmin}, "New matches for a search alert"},
	} {
		rs, _, err := b.st.FindReminders(sunshine.WithPrincipal(ctx, who.p), nil, 200, "")
		require.NoError(t, err)
		var subjects []string
		for _, rm := range rs {
			if rm.Kind == sunshine.ReminderSearchAlert {
				subjects = append(subjects, rm.Subject)
			}
		}
		require.Equal(t, []string{who.want}, subjects)
	}

	require.Empty(t, plan(125), "nothing new: no email")

	b.clock.Set(start.Add(130 * time.Minute))
	note("Detainer log found after all.")
	got = plan(190)
	require.Len(t, got, 1)
	require.Equal(t, "1 new match for “Detainers” in ndlon", got[0].Subject, "each match once")

	// Stopped with an email on its way: it goes no more.
	b.clock.Set(start.Add(200 * time.Minute))
	note("A detainer, again.")
	b.clock.Set(start.Add(251 * time.Minute))
	_, _, err = r.Plan(ctx)
	require.NoError(t, err)
	outbox := func() (status, why string) {
		t.Helper()
		require.NoError(t, b.st.DB().QueryRowContext(ctx, `SELECT status, last_error FROM reminders
			WHERE recipient_id = $1 AND kind = 'search_alert' ORDER BY created_at DESC LIMIT 1`, ana.ID).Scan(&status, &why))
		return status, why
	}
	status, _ := outbox()
	require.Equal(t, "pending", status, "an email on its way")
	require.NoError(t, b.st.DeleteSearchAlert(as, alert.ID))
	status, why := outbox()
	require.Equal(t, []string{"cancelled", "the search alert was stopped"}, []string{status, why})
	_, err = r.Deliver(ctx)
	require.NoError(t, err)
	require.Len(t, alertEmails(), 2)
	_, err = b.st.SearchAlert(as, alert.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}

// alertRun runs the reminder jobs with a fake mailer, for the search
// alerts' emails.
type alertRun struct {
	t    *testing.T
	b    bundle
	r    *jobs.Reminders
	fake *mail.Fake
}

func newAlertRun(t *testing.T, b bundle) *alertRun {
	fake := &mail.Fake{}
	return &alertRun{t: t, b: b, r: b.runner(fake), fake: fake}
}

// plan checks the alerts after the clock moved on by after.
func (a *alertRun) plan(after time.Duration) {
	a.t.Helper()
	a.b.clock.Set(a.b.clock.Now().Add(after))
	_, _, err := a.r.Plan(context.Background())
	require.NoError(a.t, err)
}

// deliver sends what is owed.
func (a *alertRun) deliver() {
	a.t.Helper()
	_, err := a.r.Deliver(context.Background())
	require.NoError(a.t, err)
}

// check plans after the clock moved on by after, and delivers.
func (a *alertRun) check(after time.Duration) {
	a.t.Helper()
	a.plan(after)
	a.deliver()
}

// emails are the search alerts' emails sent so far (reminders and
// digests aside), oldest first.
func (a *alertRun) emails() (out []mail.Message) {
	for _, m := range a.fake.Sent() {
		if strings.Contains(m.Subject, " new match") {
			out = append(out, m)
		}
	}
	return out
}

// More new matches than an email lists are counted, however common the
// word.
func TestSearchAlerts_ManyMatches(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	_, err := b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)
	for i := range 230 {
		_, err := b.st.AddNote(b.fx.Ctx, b.req.ID, "A quokka sighting, number "+strings.Repeat("I", i%7+1))
		require.NoError(t, err)
	}
	run.check(61 * time.Minute)
	sent := run.emails()
	require.Len(t, sent, 1)
	// Every one is counted, however common the word; 20 are listed.
	require.Equal(t, "230 new matches for “quokka” in ndlon", sent[0].Subject)
	require.Contains(t, sent[0].Text, "And 210 more.\n\nEvery match, on the Search page: https://sunshine.example/search?q=quokka")
	require.Equal(t, 20, strings.Count(sent[0].Text, "- note: "))
}

// An alert whose check fails (here, words a search refuses, written
// before the words were checked) holds back neither the other alerts nor
// the planning: it waits for its next turn.
func TestSearchAlerts_OneFailingCheckHoldsNoneBack(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	ctx := context.Background()
	_, err := b.st.DB().ExecContext(ctx, `INSERT INTO search_alerts (org_id, user_id, q, checked_at, after_xid)
		VALUES ($1, $2, ' ', $3, pg_current_xact_id())`,
		b.fx.Org.ID, b.fx.Admin.ID, b.clock.Now().Add(-2*time.Hour))
	require.NoError(t, err)
	_, err = b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)
	_, err = b.st.AddNote(b.fx.Ctx, b.req.ID, "A quokka at the records office.")
	require.NoError(t, err)

	b.clock.Set(b.clock.Now().Add(61 * time.Minute))
	_, err = b.st.CheckSearchAlerts(ctx)
	require.ErrorContains(t, err, "is required", "the failing check is reported")
	_, err = b.st.DB().ExecContext(ctx, `UPDATE search_alerts SET checked_at = $1`, b.clock.Now().Add(-2*time.Hour))
	require.NoError(t, err)
	run.check(0) // again through the planning: logged, not the planning's failure
	sent := run.emails()
	require.Len(t, sent, 1, "the other alert was checked")
	require.Equal(t, "1 new match for “quokka” in ndlon", sent[0].Subject)

	var checked time.Time
	require.NoError(t, b.st.DB().GetContext(ctx, &checked, `SELECT checked_at FROM search_alerts WHERE q = ' '`))
	require.WithinDuration(t, b.clock.Now(), checked, time.Second, "its turn is taken: it waits for the next")
}

// What happens after an alert is made is compared with its words, however
// it is dated: a letter logged today with last year's date, a request
// entered long after it was filed. A document is compared once its text
// is read.
func TestSearchAlerts_BackdatedAndReadLater(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	b.clock.Set(at("2017-05-01"))
	// Many newer matches, from before the alert: the old-dated new ones
	// are not behind them.
	for i := range 120 {
		_, _, err := b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: "in", Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-04-20"),
			Subject: "Detainer " + strings.Repeat("x", i%5)}})
		require.NoError(t, err)
	}
	settled(t, b.st)
	_, err := b.st.CreateSearchAlert(b.fx.Ctx, "detainer")
	require.NoError(t, err)
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, b.req.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: "in", Channel: "mail", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-28"),
		Subject: "The March detainer letter, found"}})
	require.NoError(t, err)
	old := &sunshine.Request{AgencyID: b.req.AgencyID, Title: "Detainer policy (filed on paper in 2015)",
		DeliveryMethod: sunshine.DeliveryMail, ReceivedOn: deadline.MustParseDate("2015-06-01")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, old))
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "release-1.pdf",
		ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4 not read yet")})
	require.NoError(t, err)
	require.Equal(t, "pending", doc.TextStatus)

	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 1)
	require.Equal(t, "2 new matches for “detainer” in ndlon", run.emails()[0].Subject)
	require.Contains(t, run.emails()[0].Text, "The March detainer letter, found")
	require.Contains(t, run.emails()[0].Text, "Detainer policy (filed on paper in 2015)")

	// Its text read: the document is compared, once.
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, doc.ID, "extracted", "Page 3: the detainer request of 4 May.", ""))
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 2)
	require.Equal(t, "1 new match for “detainer” in ndlon", run.emails()[1].Subject)
	require.Contains(t, run.emails()[1].Text, "release-1.pdf")
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 2, "nothing new")
}

// An edit is compared when it changes the text: new tags on a request that
// matched before the alert send nothing; a new title that matches does. A
// document still being read holds back nothing after it: it is compared
// once read. An email whose listed matches were removed before it went
// still tells of the others.
func TestSearchAlerts_EditsWaitingDocumentsAndRemovals(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	before := &sunshine.Request{AgencyID: b.req.AgencyID, Title: "Quokka sightings", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, before))
	settled(t, b.st)
	_, err := b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)

	tags := []string{"wildlife"}
	_, err = b.st.UpdateRequest(b.fx.Ctx, before.ID, sunshine.RequestUpdate{Tags: &tags})
	require.NoError(t, err)
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "scan-7.pdf",
		ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4 not read yet")})
	require.NoError(t, err)
	_, err = b.st.AddNote(b.fx.Ctx, b.req.ID, "A quokka in the lobby, again.")
	require.NoError(t, err)
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 1, "the note, not held back by the document being read")
	require.Equal(t, "1 new match for “quokka” in ndlon", run.emails()[0].Subject)
	require.Contains(t, run.emails()[0].Text, "quokka in the lobby, again")
	require.NotContains(t, run.emails()[0].Text, "Quokka sightings", "new tags are no new text")

	title := "Quokka sightings, 2016 and 2017"
	_, err = b.st.UpdateRequest(b.fx.Ctx, before.ID, sunshine.RequestUpdate{Title: &title})
	require.NoError(t, err)
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, doc.ID, "extracted", "Page 1: quokka census.", ""))
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 2)
	require.Equal(t, "2 new matches for “quokka” in ndlon", run.emails()[1].Subject)
	require.Contains(t, run.emails()[1].Text, "Quokka sightings, 2016 and 2017", "its new title")
	require.Contains(t, run.emails()[1].Text, "scan-7.pdf", "read now")

	// 22 new communications; the 20 listed are removed before the email
	// goes: the other 2 are still told of.
	other := &sunshine.Request{AgencyID: b.req.AgencyID, Title: "Zoo permits", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	var comms []string
	for i := range 22 {
		c, _, err := b.st.CreateCommunication(b.fx.Ctx, other.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: "in", Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-27"),
			Subject: "Quokka permit " + strings.Repeat("i", i+1)}})
		require.NoError(t, err)
		comms = append(comms, c.ID)
	}
	run.plan(61 * time.Minute)
	for _, id := range comms[:20] {
		_, err := b.st.DeleteCommunication(b.fx.Ctx, id, "logged twice")
		require.NoError(t, err)
	}
	run.deliver()
	require.Len(t, run.emails(), 3)
	require.Equal(t, "2 new matches for “quokka” in ndlon", run.emails()[2].Subject)
	require.Contains(t, run.emails()[2].Text, "2 new things match your search alert “quokka” in ndlon's requests. They are on the Search page.")
}

// Restored into another server, an alert goes on from its next check:
// what the dump held is not compared again, what happens after is.
func TestSearchAlerts_AfterARestore(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	ctx := context.Background()
	alert, err := b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)
	dumped, err := b.st.AddNote(b.fx.Ctx, b.req.ID, "A quokka, in the dump.")
	require.NoError(t, err)
	// The old server was further on: the alert's place, and the dump's
	// note, are past this one's transactions (the note a little).
	_, err = b.st.DB().ExecContext(ctx, `UPDATE search_alerts
		SET after_xid = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8 WHERE id = $1`, alert.ID)
	require.NoError(t, err)
	// (The timeline is append-only: the test's own database lifts that
	// for this one change.)
	tx, err := b.st.DB().BeginTxx(ctx, nil)
	require.NoError(t, err)
	for _, q := range []string{`ALTER TABLE request_events DISABLE TRIGGER request_events_no_update`,
		`UPDATE request_events SET xid = (pg_current_xact_id()::text::bigint + 40)::text::xid8 WHERE id = '` + dumped.ID + `'`,
		`ALTER TABLE request_events ENABLE TRIGGER request_events_no_update`} {
		_, err = tx.ExecContext(ctx, q)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
	run.check(61 * time.Minute)
	require.Empty(t, run.emails(), "the dump's note is not new")
	// This server's transactions pass the dump's note.
	for range 50 {
		_, err := b.st.DB().ExecContext(ctx, `SELECT pg_current_xact_id()`)
		require.NoError(t, err)
	}
	_, err = b.st.AddNote(b.fx.Ctx, b.req.ID, "A quokka, after the restore.")
	require.NoError(t, err)
	run.check(61 * time.Minute)
	got := run.emails()
	require.Len(t, got, 1)
	require.Contains(t, got[0].Text, "quokka, after the restore")
	require.NotContains(t, got[0].Text, "in the dump")
}

// A document read again (its text could not be read at first) is compared
// again once its text is read.
func TestSearchAlerts_DocumentReadAgain(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	_, err := b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)
	doc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "scan-9.pdf",
		ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4 not read yet")})
	require.NoError(t, err)
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, doc.ID, "failed", "", "a damaged file"))
	run.check(61 * time.Minute)
	require.Empty(t, run.emails(), "its name does not match")

	_, err = b.st.RetryDocumentText(b.fx.Ctx, doc.ID)
	require.NoError(t, err)
	run.check(61 * time.Minute)
	require.Empty(t, run.emails(), "still being read")
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, doc.ID, "extracted", "Quokka census, page 2.", ""))
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 1)
	require.Contains(t, run.emails()[0].Text, "scan-9.pdf")
}

// The files unpacked from an archive are compared with an alert's words,
// each once its text is read; the archive, which has none, is not.
func TestSearchAlerts_UnpackedArchive(t *testing.T) {
	t.Parallel()
	b := sacramento(t)
	run := newAlertRun(t, b)
	_, err := b.st.CreateSearchAlert(b.fx.Ctx, "quokka")
	require.NoError(t, err)
	archive, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: "release.zip",
		ContentType: "application/zip", Content: strings.NewReader("PK\x05\x06 the archive's bytes")})
	require.NoError(t, err)
	unpack := func(path, text string) *sunshine.Document {
		t.Helper()
		sd, err := b.st.SpoolDocument(b.fx.Ctx, store.NewDocument{RequestID: b.req.ID, Filename: path[strings.LastIndex(path, "/")+1:],
			ContentType: "text/plain; charset=utf-8", Content: strings.NewReader(text)})
		require.NoError(t, err)
		defer sd.Remove()
		doc, err := sd.CreateUnpacked(b.fx.Ctx, archive, path)
		require.NoError(t, err)
		return doc
	}
	read := unpack("Batch 1/census.txt", "Quokka census")
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, read.ID, sunshine.TextExtracted, "Quokka census", ""))
	later := unpack("Batch 1/ledger.txt", "Quokka feed ledger")
	unpack("Batch 1/other.txt", "Nothing to see")
	run.check(61 * time.Minute)
	require.Empty(t, run.emails(), "not unpacked yet: no event tells of the files")

	pending, err := b.st.FinishUnpacking(b.fx.Ctx, archive.ID, store.Unpacked{Message: "unpacked"})
	require.NoError(t, err)
	require.Len(t, pending, 2, "the files whose text is still to read")
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 1)
	require.Contains(t, run.emails()[0].Text, "census.txt")
	require.NotContains(t, run.emails()[0].Text, "ledger.txt", "still being read")

	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, later.ID, sunshine.TextExtracted, "Quokka feed ledger", ""))
	run.check(61 * time.Minute)
	require.Len(t, run.emails(), 2)
	require.Contains(t, run.emails()[1].Text, "ledger.txt")
	require.NotContains(t, run.emails()[1].Text, "census.txt", "each match once")
}
