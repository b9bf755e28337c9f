// Package jobs runs Sunshine's background work on a robfig/cron schedule:
// planning deadline reminders and digests, and delivering the outbox over
// the mailer. Any number of replicas may run it: planning is idempotent
// (unique reminder rows), single-run jobs take an advisory lock, and
// delivery claims rows with FOR UPDATE SKIP LOCKED.
package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
)

// Config tunes delivery.
type Config struct {
	BaseURL string // links in emails: BaseURL/requests/{id}
	// InboundDomain is the domain of requests' reply addresses
	// (SUNSHINE_INBOUND_DOMAIN): a letter emailed to an agency is
	// answered there. "" for none: answered to its sender.
	InboundDomain string
	Batch         int           // reminders claimed per round (default 100)
	MaxAttempts   int           // then failed (default 8)
	Backoff       time.Duration // first retry delay, doubled each attempt (default 1m, at most 6h)
	StaleClaim    time.Duration // a claim older than this is retried (default 10m)
	DryRun        bool          // plan, render and log, but send nothing
	// NoAutoFollowUps: planning queues no automatic follow-up (a run at a
	// pretended time, which must not email agencies letters dated then).
	NoAutoFollowUps bool
	// Connections is how many SMTP connections deliver at once (default 4),
	// each a share of the batch. One message in flight per connection is
	// what a process killed mid-batch may send twice.
	Connections int
}

// DefaultConnections is Config.Connections when unset.
const DefaultConnections = 4

// Reminders plans and delivers reminder emails.
type Reminders struct {
	store  *store.Store
	mailer mail.Mailer
	clock  sunshine.Clock
	log    *slog.Logger
	cfg    Config
	m      *metrics
}

// NewReminders returns the reminder jobs.
func NewReminders(st *store.Store, m mail.Mailer, clock sunshine.Clock, log *slog.Logger, cfg Config) *Reminders {
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Minute
	}
	if cfg.StaleClaim <= 0 {
		cfg.StaleClaim = 10 * time.Minute
	}
	if cfg.Connections <= 0 {
		cfg.Connections = DefaultConnections
	}
	return &Reminders{store: st, mailer: m, clock: clock, log: log, cfg: cfg, m: newMetrics()}
}

// Plan inserts the reminders and digests owed now.
func (j *Reminders) Plan(ctx context.Context) (reminders, digests int64, err error) {
	now := j.clock.Now()
	if reminders, err = j.store.PlanReminders(ctx, now); err != nil {
		return 0, 0, err
	}
	j.m.planned.Add(float64(reminders))
	if digests, err = j.store.PlanDigests(ctx, now); err != nil {
		return reminders, 0, err
	}
	j.m.digests.Add(float64(digests))
	// An alert whose check failed waits for its next turn: logged, it
	// holds back neither the others nor the delivery after planning.
	alerts, err := j.store.CheckSearchAlerts(ctx)
	if err != nil {
		j.log.Error("search alerts not checked", "job", "plan_reminders", "err", err)
	}
	if alerts > 0 {
		j.log.Info("search alerts with new matches", "job", "plan_reminders", "emails", alerts)
	}
	// Likewise the automatic follow-ups (each request's own failure is
	// logged by QueueAutoFollowUps).
	if !j.cfg.NoAutoFollowUps {
		if _, err := j.QueueAutoFollowUps(ctx); err != nil {
			j.log.Error("automatic follow-ups not queued", "job", "plan_reminders", "err", err)
		}
	}
	return reminders, digests, nil
}

// DeliveryResult counts one delivery run.
type DeliveryResult struct {
	Sent, Retrying, Failed, Cancelled int
}

func (r *DeliveryResult) add(o DeliveryResult) {
	r.Sent += o.Sent
	r.Retrying += o.Retrying
	r.Failed += o.Failed
	r.Cancelled += o.Cancelled
}

// retried counts a failed attempt: retrying, or failed for good.
func (r *DeliveryResult) retried(final bool) {
	if final {
		r.Failed++
	} else {
		r.Retrying++
	}
}

// Deliver sends every letter to an agency (DeliverLetters) and every
// reminder due now, a batch at a time, until none is left.
// A failure of one does not hold back the other.
func (j *Reminders) Deliver(ctx context.Context) (DeliveryResult, error) {
	total, lettersErr := j.DeliverLetters(ctx)
	res, err := j.deliverReminders(ctx)
	total.add(res)
	return total, errors.Join(lettersErr, err)
}

func (j *Reminders) deliverReminders(ctx context.Context) (DeliveryResult, error) {
	var total DeliveryResult
	for ctx.Err() == nil {
		claimed, err := j.store.ClaimReminders(ctx, j.clock.Now(), j.cfg.Batch, j.cfg.StaleClaim)
		if err != nil {
			return total, err
		}
		if len(claimed) == 0 {
			return total, nil
		}
		res, err := j.deliverShares(ctx, claimed)
		j.m.delivered(res)
		total.add(res)
		if err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}

// deliverShares splits a claimed batch into up to Config.Connections
// shares delivered at once, each over its own connection: a mail server's
// round trips and each delivery's commit then overlap instead of adding up.
func (j *Reminders) deliverShares(ctx context.Context, claimed []store.ClaimedReminder) (DeliveryResult, error) {
	n := min(j.cfg.Connections, len(claimed))
	if n <= 1 || !j.store.Concurrent() { // a dry run's transaction runs one statement at a time
		return j.deliverBatch(ctx, claimed)
	}
	results := make([]DeliveryResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, share := range shares(claimed, n) {
		wg.Go(func() { results[i], errs[i] = j.deliverBatch(ctx, share) })
	}
	wg.Wait()
	var total DeliveryResult
	for _, r := range results {
		total.add(r)
	}
	return total, errors.Join(errs...)
}

func (j *Reminders) deliverBatch(ctx context.Context, claimed []store.ClaimedReminder) (DeliveryResult, error) {
	lookups := newBatchLookups()
	var res DeliveryResult
	msgs := make([]mail.Message, 0, len(claimed))
	sending := make([]store.ClaimedReminder, 0, len(claimed))
	summaries := make([]string, 0, len(claimed))
	for _, c := range claimed {
		msg, summary, skip, err := j.compose(ctx, c, lookups)
		var wrong misaddressed
		switch {
		case errors.As(err, &wrong):
			// Its recipient no longer gets the request's reminders: those
			// who do now get it instead (due now, the same Deliver run
			// claims it next).
			if _, err := j.store.RedirectReminder(ctx, c, wrong.why, j.clock.Now()); err != nil {
				return res, err
			}
			res.Cancelled++
		case err != nil && sunshine.ErrorCode(err) == sunshine.ENotFound:
			// Its recipient, organization or request is gone: no attempt
			// can succeed.
			if ferr := j.fail(ctx, c, err); ferr != nil {
				return res, ferr
			}
			res.Failed++
		case err != nil:
			// A database error: later attempts may succeed.
			final, rerr := j.retryOrFail(ctx, c, fmt.Errorf("compose: %w", err))
			if rerr != nil {
				return res, rerr
			}
			res.retried(final)
		case skip != "":
			if err := j.store.CancelReminder(ctx, c, skip); err != nil {
				return res, err
			}
			res.Cancelled++
		default:
			msgs = append(msgs, msg)
			sending = append(sending, c)
			summaries = append(summaries, summary)
		}
	}
	if len(msgs) == 0 {
		return res, nil
	}
	out, err := bundle(msgs, sending, lookups)
	if err != nil {
		return res, err
	}
	if j.cfg.DryRun {
		for _, o := range out {
			j.log.Info("dry run: would send", "to", o.msg.To, "subject", o.msg.Subject, "reminders", len(o.members))
		}
		return res, nil
	}
	// Each delivery is recorded as soon as the server accepts it, so a
	// process killed mid-batch resends at most the message in flight on
	// each connection. A delivery that cannot be recorded (tried once more
	// at once: a dropped connection, a deadlock) stops the mailer before
	// its next message: the message just accepted stays claimed (or the
	// part of a group's not recorded yet) and is sent again once the claim
	// is stale, but the rest of the share, not sent yet, is not sent
	// unrecorded only to be sent again with it.
	marked := make([]bool, len(out))
	var markErr error
	sendCtx, stop := context.WithCancel(ctx)
	defer stop()
	// record marks every reminder an accepted email delivered.
	record := func(o outgoing) error {
		for _, i := range o.members {
			d := store.Delivery{Subject: o.msg.Subject, Summary: summaries[i]}
			err := j.store.MarkReminderSent(ctx, sending[i], d, j.clock.Now())
			if err != nil && ctx.Err() == nil {
				err = j.store.MarkReminderSent(ctx, sending[i], d, j.clock.Now())
			}
			if err != nil {
				return fmt.Errorf("reminder %s sent but not recorded: %w", sending[i].ID, err)
			}
			res.Sent++
		}
		return nil
	}
	progress := func(k int) {
		if markErr != nil {
			return
		}
		if err := record(out[k]); err != nil {
			markErr = err
			stop()
			return
		}
		marked[k] = true
	}
	batch := make([]mail.Message, len(out))
	for k, o := range out {
		batch[k] = o.msg
	}
	errs := j.mailer.Send(mail.WithProgress(sendCtx, progress), batch)
	if markErr != nil {
		// The rest keep their claim, retried once it is stale.
		return res, markErr
	}
	for k, o := range out {
		if marked[k] {
			continue
		}
		if errs[k] == nil { // a mailer that does not report progress
			if err := record(o); err != nil {
				return res, err
			}
			continue
		}
		for _, i := range o.members {
			final, err := j.retryOrFail(ctx, sending[i], errs[k])
			if err != nil {
				return res, err
			}
			res.retried(final)
		}
	}
	return res, nil
}

// retryOrFail schedules the next attempt with exponential backoff, or gives
// up after MaxAttempts.
func (j *Reminders) retryOrFail(ctx context.Context, c store.ClaimedReminder, sendErr error) (final bool, err error) {
	final = c.Attempts >= j.cfg.MaxAttempts
	j.log.Warn("reminder not delivered", "reminder_id", c.ID, "attempt", c.Attempts, "final", final, "err", sendErr)
	return final, j.store.MarkReminderFailed(ctx, c, sendErr.Error(), j.clock.Now().Add(j.backoff(c.Attempts)), final)
}

// fail records a reminder that cannot be composed (missing data) as failed.
func (j *Reminders) fail(ctx context.Context, c store.ClaimedReminder, err error) error {
	j.log.Error("reminder cannot be composed", "reminder_id", c.ID, "err", err)
	return j.store.MarkReminderFailed(ctx, c, err.Error(), j.clock.Now(), true)
}

// compose builds the email for a claimed reminder, and for a request's
// reminder the summary its timeline records once it is sent; skip names
// why a reminder no longer applies (the request moved on since it was
// planned). A request's reminder whose recipient no longer gets the
// request's reminders is a misaddressed error: delivery redirects it.
func (j *Reminders) compose(ctx context.Context, c store.ClaimedReminder, lk *batchLookups) (msg mail.Message, summary, skip string, err error) {
	ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID})
	org, err := cached(lk.orgs, c.OrgID, func() (*sunshine.Organization, error) { return j.store.FindOrgByID(ctx) })
	if err != nil {
		return msg, "", "", err
	}
	user, err := j.store.FindUserByID(ctx, c.RecipientID)
	if err != nil {
		return msg, "", "", err
	}
	if !user.Active && c.RequestID == nil {
		// Deactivated after this was planned (deactivating cancels what is
		// pending, but not a claim already in flight). A request's
		// reminder is redirected below.
		return msg, "", "the recipient was deactivated", nil
	}
	msg = mail.Message{ID: "reminder-" + c.ID, To: user.Email, ToName: user.Name}
	prefs := j.prefsURL()
	if c.Kind == "invite" {
		link, err := j.store.InvitePayload(ctx, c.ID)
		if err != nil {
			return msg, "", "", err
		}
		sender, err := j.store.ReminderSender(ctx, c.ID)
		if err != nil {
			return msg, "", "", err
		}
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderInvite(mail.InviteData{RecipientName: user.Name, OrgName: org.Name, InvitedBy: sender, Link: link})
		return msg, "", "", err
	}
	if c.Kind == sunshine.ReminderPasswordReset {
		link, works, err := j.store.ResetPayload(ctx, c.ID)
		if err != nil {
			return msg, "", "", err
		}
		if !works {
			return msg, "", "its link expired or was used before it could be sent", nil
		}
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderPasswordReset(mail.ResetData{RecipientName: user.Name, OrgName: org.Name, Link: link})
		return msg, "", "", err
	}
	if c.Kind == sunshine.ReminderTwoStep {
		what, err := j.store.TwoStepNotice(ctx, c.ID)
		if err != nil {
			return msg, "", "", err
		}
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderTwoStep(mail.TwoStepData{RecipientName: user.Name, OrgName: org.Name,
			What: what, SettingsURL: j.cfg.BaseURL + "/settings"})
		return msg, "", "", err
	}
	if c.Kind == sunshine.ReminderWebhookOff {
		n, err := j.store.WebhookOff(ctx, c.ID)
		if err != nil {
			return msg, "", "", err
		}
		host := sunshine.WebhookHost(n.URL)
		msg.Subject, msg.Text, msg.HTML, err = mail.RenderWebhookOff(mail.WebhookOffData{RecipientName: user.Name, OrgName: org.Name,
			Host: host, Description: n.Description, Reason: n.Reason, WebhookURL: j.cfg.BaseURL + "/settings/webhooks/" + n.WebhookID})
		return msg, "", "", err
	}
	if c.Kind == sunshine.ReminderTodo {
		return j.composeTodos(ctx, c, org, user, msg)
	}
	if c.Kind == sunshine.ReminderSearchAlert {
		return j.composeSearchAlert(ctx, c, org, user, msg)
	}
	if c.Kind == sunshine.ReminderMentioned {
		policy, err := cached(lk.policies, c.OrgID, func() (*orgPolicy, error) { return j.policy(ctx) })
		if err != nil {
			return msg, "", "", err
		}
		return j.composeMention(ctx, c, org, user, policy.loc, msg)
	}
	if c.Kind == sunshine.ReminderDigest {
		policy, err := cached(lk.policies, c.OrgID, func() (*orgPolicy, error) { return j.policy(ctx) })
		if err != nil {
			return msg, "", "", err
		}
		if c.Occurrence.Before(deadline.DateOf(j.clock.Now().In(policy.loc))) {
			// Its day passed before it could be sent (the server or the
			// mail server down, a failed one sent again): that day's
			// digest, or Monday's, says what stands now.
			return msg, "", "a later day's digest replaces it", nil
		}
		ok := false
		d, err := j.digestData(ctx, org, user, c)
		if err != nil {
			return msg, "", "", err
		}
		if !d.Reportable() { // (store.PlanDigests plans by the same rule)
			return msg, "", "nothing to report any more", nil
		}
		msg.Subject, msg.Text, msg.HTML, ok, err = mail.RenderDigest(d)
		if err == nil && !ok {
			return msg, "", "nothing to report any more", nil
		}
		return msg, "", "", err
	}
	r, err := cached(lk.requests, *c.RequestID, func() (*sunshine.Request, error) { return j.store.FindRequestByID(ctx, *c.RequestID) })
	if err != nil {
		return msg, "", "", err
	}
	if reason := stillApplies(c, r); reason != "" {
		return msg, "", reason, nil
	}
	if c.Kind == sunshine.ReminderLetterFailed {
		// To the letters' sender, whoever follows the request.
		return j.composeLetterFailed(ctx, c, r, user, msg, mail.LetterFailedData{RecipientName: user.Name, OrgName: org.Name,
			RequestTitle: r.Title, AgencyName: r.AgencyName, RequestURL: j.cfg.BaseURL + "/requests/" + r.ID})
	}
	policy, err := cached(lk.policies, c.OrgID, func() (*orgPolicy, error) { return j.policy(ctx) })
	if err != nil {
		return msg, "", "", err
	}
	if superseded(c, r, policy, r.Today(j.clock.Now())) {
		return msg, "", "a later reminder of the same kind replaces it", nil
	}
	// Recipients are chosen when a reminder is planned, hours or days
	// before it is sent; whoever gets the request's reminders now gets it.
	recipients, err := cached(lk.recipients, r.ID, func() ([]store.Recipient, error) { return j.store.ReminderRecipients(ctx, r.ID) })
	if err != nil {
		return msg, "", "", fmt.Errorf("recipients: %w", err)
	}
	why := whyRecipient(recipients, user.ID)
	switch {
	case why == "" && c.Kind == sunshine.ReminderAssigned: // (stillApplies sees to an active user's)
		return msg, "", "the recipient was deactivated", nil
	case why == "":
		return msg, "", "", misaddressed{"its recipient no longer gets the request's reminders (reassigned, no longer watching, " +
			"deactivated or no longer an admin since it was planned): sent to those who do"}
	}
	if c.Kind == sunshine.ReminderEmailReceived {
		return j.composeReceived(ctx, c, r, msg, mail.ReceivedData{RecipientName: user.Name, OrgName: org.Name,
			RequestTitle: r.Title, AgencyName: r.AgencyName, RequestURL: j.cfg.BaseURL + "/requests/" + r.ID, Why: why, PrefsURL: prefs})
	}
	told, err := j.toldByAssignment(ctx, c, r, policy)
	if err != nil {
		return msg, "", "", err
	}
	if told {
		return msg, "", "the assignment email of the same day says it", nil
	}
	law, _ := deadline.Lookup(r.Jurisdiction)
	d := mail.ReminderData{Kind: c.Kind, RecipientName: user.Name, OrgName: org.Name, RequestTitle: r.Title,
		AgencyName: r.AgencyName, Status: strings.ReplaceAll(string(r.Status), "_", " "), DueOn: r.EffectiveDueOn(),
		Custom: !r.CustomDueOn.IsZero(), CustomReason: r.CustomDueReason, Extended: r.Extended,
		EstimatedOn: r.AgencyEstimatedOn, StatutoryMet: r.FollowsEstimate(), TrackingNumber: r.TrackingNumber,
		RequestURL: j.cfg.BaseURL + "/requests/" + r.ID, PrefsURL: prefs,
		Today: r.Today(j.clock.Now()), Why: why}
	if r.AcknowledgedLate() {
		d.AcknowledgedLateOn = r.AcknowledgedOn
	}
	if w, ok := r.WaitedPastDue(); ok {
		d.WaitedFrom, d.WaitedTo = w.From, w.To
	}
	if law != nil {
		d.LawShort, d.Citation, d.Tolls = law.ShortName, law.Citation, law.Tolls
		if law.Extension != nil {
			d.ExtensionCitation = law.Extension.Citation
		}
	}
	if r.Paused() {
		d.PausedSince = r.Pauses[len(r.Pauses)-1].From
	}
	switch c.Kind {
	case sunshine.ReminderAssigned:
		if d.AssignedBy, d.AssignmentNote, err = j.store.Assignment(ctx, c.ID); err != nil {
			return msg, "", "", err
		}
		// The date to follow, as the pages show it: none under appeal
		// without a decision date, or for a closed request (the estimate,
		// when the request follows it, has its own line).
		if !r.FollowsEstimate() {
			d.DueOn, d.Todo = r.FollowOn(), r.DateTodo()
		}
		if r.Overdue(d.Today) {
			d.DaysOverdue = r.EffectiveDueOn().DaysUntil(d.Today)
		}
	case sunshine.ReminderDueSoon, sunshine.ReminderExtensionEnding:
		// Counted from the day it is written: delivery may be late (a
		// request entered late, retries after a mail outage).
		if !d.Today.Before(c.DueOn) {
			return msg, "", "the due date came before it could be sent", nil
		}
		d.BusinessDaysLeft = businessDaysBetween(law, d.Today, c.DueOn, r.Closures)
	case sunshine.ReminderOverdue:
		// As of the day it is written, as the pages count it (a weekly
		// reminder is planned for its occurrence, and may go out later).
		d.DaysOverdue = c.DueOn.DaysUntil(d.Today)
	}
	switch c.Kind {
	case sunshine.ReminderOverdue, sunshine.ReminderEstimatePassed, sunshine.ReminderAwaiting:
		// Emails that ask for a follow-up say where to send it.
		a, err := cached(lk.agencies, r.AgencyID, func() (*sunshine.Agency, error) { return j.store.FindAgencyByID(ctx, r.AgencyID) })
		if err != nil {
			return msg, "", "", err
		}
		d.AgencyEmail, d.AgencyPortal = a.Email, a.PortalURL
	}
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderReminder(d)
	if err == nil && bundled(c) {
		// Kept for bundle: the group's other reminders to the same person
		// may go with this one, as one email.
		lk.grouped[c.ID] = groupedReminder{title: r.Title, data: d}
	}
	return msg, mail.ReminderSummary(d), "", err
}

// composeTodos writes a person's to-dos email for a day, read when it is
// sent: the open to-dos due that day (or handed to them that day, late),
// those someone else set for them for later that day, and those still
// open from before. None left due that day or set for later (done, moved
// or removed meanwhile) cancels it: the earlier ones had their own day's
// email. Its Message-ID names the
// to-dos it lists: one sent again for a to-do set later that day is a new
// message.
func (j *Reminders) composeTodos(ctx context.Context, c store.ClaimedReminder, org *sunshine.Organization, user *sunshine.User, msg mail.Message) (mail.Message, string, string, error) {
	e, err := j.store.TodosEmailed(ctx, c.ID, user.ID, c.Occurrence)
	if err != nil {
		return msg, "", "", err
	}
	if len(e.Due) == 0 && len(e.Coming) == 0 {
		return msg, "", "every to-do of its day was done, moved or removed before it could be sent", nil
	}
	var ids []string
	items := func(ts []*sunshine.Todo) []mail.TodoItem {
		out := make([]mail.TodoItem, len(ts))
		for i, t := range ts {
			ids = append(ids, t.ID)
			out[i] = mail.TodoItem{Text: t.Text, DueOn: t.DueOn, RequestTitle: t.RequestTitle,
				RequestURL: j.cfg.BaseURL + "/requests/" + t.RequestID + "#todos", SetBy: e.SetBy[t.ID]}
			if t.DueOn.Before(c.Occurrence) {
				out[i].Late = true // handed to them late, or still open from before
			}
		}
		return out
	}
	d := mail.TodoData{RecipientName: user.Name, OrgName: org.Name, Day: c.Occurrence,
		Due: items(e.Due), Coming: items(e.Coming), Earlier: items(e.Earlier), TodosURL: j.cfg.BaseURL + "/#todos"}
	msg.ID = listingID(c, ids)
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderTodos(d)
	return msg, "", "", err
}

// composeSearchAlert writes the email listing what newly matched a
// person's search alert, as found when it was checked.
func (j *Reminders) composeSearchAlert(ctx context.Context, c store.ClaimedReminder, org *sunshine.Organization, user *sunshine.User, msg mail.Message) (mail.Message, string, string, error) {
	n, err := j.store.SearchAlertEmail(ctx, c.ID)
	if err != nil {
		return msg, "", "", err
	}
	if len(n.Hits) == 0 && n.Total == len(n.Keys) {
		return msg, "", "what it found was removed, or no longer matches, before it could be sent", nil
	}
	more := n.Total - len(n.Keys) // found, not listed
	d := mail.SearchAlertData{RecipientName: user.Name, OrgName: org.Name, Q: n.Q, More: more, Total: len(n.Hits) + more,
		SearchURL: j.cfg.BaseURL + "/search?" + url.Values{"q": {n.Q}}.Encode(), StopURL: j.cfg.BaseURL + "/settings#search-alerts"}
	for _, h := range n.Hits {
		d.Hits = append(d.Hits, mail.SearchAlertHit{Kind: h.Kind, Title: h.OwnTitle(), RequestTitle: h.RequestTitle,
			AgencyName: h.AgencyName, On: h.On, URL: j.cfg.BaseURL + h.Path(),
			Snippet: strings.Join(strings.Fields(h.Snippet), " ")}) // one line in the list
	}
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderSearchAlert(d)
	return msg, "", "", err
}

// composeMention writes the email of a note that mentions its recipient:
// the note whole, who wrote it and who else it mentions, and where the
// request stands. A reply goes to the note's writer.
func (j *Reminders) composeMention(ctx context.Context, c store.ClaimedReminder, org *sunshine.Organization, user *sunshine.User,
	loc *time.Location, msg mail.Message) (mail.Message, string, string, error) {
	m, err := j.store.MentionEmail(ctx, c.ID)
	if err != nil {
		return msg, "", "", err
	}
	r, err := j.store.FindRequestByID(ctx, m.Event.RequestID)
	if err != nil {
		return msg, "", "", err
	}
	d := mail.MentionData{RecipientName: user.Name, OrgName: org.Name, Writer: m.Writer, Note: m.Event.Note,
		Others: sunshine.AndList(m.Others), Written: m.Event.CreatedAt.In(loc).Format("Mon 2 Jan 2006 15:04 MST"),
		RequestTitle: r.Title, AgencyName: r.AgencyName, Status: strings.ReplaceAll(string(r.Status), "_", " "),
		NoteURL: j.cfg.BaseURL + "/requests/" + r.ID + "#event-" + m.Event.ID, PrefsURL: j.prefsURL()}
	if r.Status.Open() {
		d.DueOn = r.FollowOn()
		if today := r.Today(j.clock.Now()); !d.DueOn.IsZero() && d.DueOn.Before(today) {
			d.DaysPast = d.DueOn.DaysUntil(today)
		}
	}
	if m.WriterEmail != "" && !strings.EqualFold(m.WriterEmail, user.Email) {
		msg.ReplyTo = m.WriterEmail
	}
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderMention(d)
	return msg, "", "", err
}

// maxReceivedItems is the most emails one notice lists; the request's page
// has them all.
const maxReceivedItems = 10

// composeReceived writes the notice of the emails to a request's reply
// address that are not logged yet, read when it is sent; none left (a
// colleague logged them first) cancels it. Its Message-ID names the
// emails it lists too: a notice owed again the same day, for a later
// email, is a new message, and a retry of the same one the same message.
func (j *Reminders) composeReceived(ctx context.Context, c store.ClaimedReminder, r *sunshine.Request, msg mail.Message, d mail.ReceivedData) (mail.Message, string, string, error) {
	docs, err := j.store.UnloggedEmails(ctx, r.ID)
	if err != nil {
		return msg, "", "", err
	}
	if len(docs) == 0 {
		return msg, "", "every email was logged before it could be sent", nil
	}
	ids := make([]string, len(docs))
	for i, doc := range docs {
		ids[i] = doc.ID
	}
	msg.ID = listingID(c, ids)
	for _, doc := range docs[:min(len(docs), maxReceivedItems)] {
		it := mail.ReceivedItem{From: *doc.ReceivedFrom, Subject: strings.TrimSuffix(doc.Filename, ".eml"),
			LogURL: d.RequestURL + "?email=" + doc.ID + "#log"}
		if ed, err := j.store.ReadEmailDocument(ctx, r.ID, doc.ID); err == nil {
			it.From, it.Subject, it.Excerpt = ed.Email.From, ed.Email.Subject, excerpt(ed.Email.Text, 600)
			if !ed.Email.Date.IsZero() {
				it.Date = ed.Email.Date.Format("Mon 2 Jan 2006 15:04 MST")
			}
		} else if sunshine.ErrorCode(err) != sunshine.EInvalid {
			return msg, "", "", err // (an email that cannot be read is listed by its name)
		}
		d.Items = append(d.Items, it)
	}
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderReceived(d)
	return msg, fmt.Sprintf("%d email(s) to log", len(docs)), "", err
}

// listingID is the Message-ID of a notice that lists items (emails to
// log, letters not sent): its reminder's, with a hash of the items' IDs, so
// a notice owed again for other items is a new message and a retry of the
// same one the same message.
func listingID(c store.ClaimedReminder, ids []string) string {
	ids = slices.Sorted(slices.Values(ids))
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "reminder-" + c.ID + "-" + hex.EncodeToString(sum[:6])
}

// excerpt is the start of text, at most n characters, cut at a word.
func excerpt(text string, n int) string {
	text = strings.TrimSpace(text)
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n"); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + " …"
}

// whyRecipient says why a user gets a request's reminders, from the
// request's recipients now (store.ReminderRecipients), in the email's
// terms (mail.ReminderData.Why); "" when they do not get them.
func whyRecipient(recipients []store.Recipient, userID string) string {
	for _, rc := range recipients {
		if rc.UserID != userID {
			continue
		}
		switch rc.Why {
		case store.RecipientAssignee:
			return mail.WhyAssignee
		case store.RecipientWatcher:
			return mail.WhyWatcher
		case store.RecipientAdmin:
			return mail.WhyAdmin
		}
	}
	return ""
}

// toldByAssignment reports whether a reminder about a request's date goes
// to its assignee, who was assigned it today by someone else: the
// assignment email (sent, or about to be) says where the date stands, and
// nobody wants it twice the same morning.
func (j *Reminders) toldByAssignment(ctx context.Context, c store.ClaimedReminder, r *sunshine.Request, policy *orgPolicy) (bool, error) {
	switch c.Kind {
	case sunshine.ReminderDueSoon, sunshine.ReminderDueToday, sunshine.ReminderOverdue, sunshine.ReminderExtensionEnding:
	default:
		return false, nil
	}
	if r.AssigneeID == nil || *r.AssigneeID != c.RecipientID {
		return false, nil
	}
	today := deadline.DateOf(j.clock.Now().In(policy.loc))
	told, err := j.store.EmailedOwnOn(ctx, c.RecipientID, []string{r.ID}, today, sunshine.ReminderAssigned)
	return told[r.ID], err
}

// misaddressed is compose's answer for a request's reminder whose
// recipient no longer gets the request's reminders: delivery redirects it.
type misaddressed struct{ why string }

func (m misaddressed) Error() string { return m.why }

// prefsURL is the settings page's section where people choose their emails.
func (j *Reminders) prefsURL() string { return j.cfg.BaseURL + "/settings#preferences" }

// batchLookups keeps what the emails of one delivery batch share: a batch
// is mostly one kind of reminder about a few requests to many people, so
// each organization, request, agency and recipient list is read once.
type batchLookups struct {
	// grouped are the batch's reminders about requests filed together, by
	// reminder ID, as compose wrote them (bundle).
	grouped    map[string]groupedReminder
	orgs       map[string]*sunshine.Organization
	policies   map[string]*orgPolicy
	requests   map[string]*sunshine.Request
	agencies   map[string]*sunshine.Agency
	recipients map[string][]store.Recipient
}

func newBatchLookups() *batchLookups {
	return &batchLookups{grouped: map[string]groupedReminder{}, orgs: map[string]*sunshine.Organization{}, policies: map[string]*orgPolicy{},
		requests: map[string]*sunshine.Request{}, agencies: map[string]*sunshine.Agency{}, recipients: map[string][]store.Recipient{}}
}

// orgPolicy is an organization's reminder policy, as delivery needs it.
type orgPolicy struct {
	soonDays      []int64
	overdueRepeat int
	awaitingAfter int
	loc           *time.Location // the organization's time zone: its digests' dates
}

// policy reads the reminder policy of ctx's organization.
func (j *Reminders) policy(ctx context.Context) (*orgPolicy, error) {
	p, err := j.store.ReminderPolicy(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("organization time zone: %w", err)
	}
	out := &orgPolicy{overdueRepeat: p.OverdueRepeatDays, awaitingAfter: p.AwaitingAfterDays, loc: loc}
	for _, d := range p.SoonDays {
		out.soonDays = append(out.soonDays, int64(d))
	}
	return out, nil
}

// superseded says a request's reminder of a kind that repeats (due soon,
// the extension ending, overdue) is out of date on today, the agency's
// date: the day of the next one of its kind has come, so planning owes, or
// has sent, that one, which says the same thing as of today. Such a
// reminder is one that could not go out on its day (the server or the
// mail server down, delivery stopped, a failed one sent again); sending it
// too would send the same email twice on the same morning.
func superseded(c store.ClaimedReminder, r *sunshine.Request, p *orgPolicy, today deadline.Date) bool {
	switch c.Kind {
	case sunshine.ReminderDueSoon, sunshine.ReminderExtensionEnding:
		sch, err := store.ScheduleFor(r, p.soonDays, p.awaitingAfter)
		if err != nil {
			return false
		}
		for _, d := range sch.SoonDates {
			if c.Occurrence.Before(d) && !today.Before(d) {
				return true
			}
		}
	case sunshine.ReminderOverdue:
		return p.overdueRepeat > 0 && !today.Before(c.Occurrence.AddDays(p.overdueRepeat))
	}
	return false
}

// cached returns m[key], loading and keeping it the first time; errors are
// not kept.
func cached[V any](m map[string]V, key string, load func() (V, error)) (V, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	v, err := load()
	if err == nil {
		m[key] = v
	}
	return v, err
}

// stillApplies double-checks a planned reminder against the request now;
// reschedule cancels most stale ones in the same transaction as the change.
func stillApplies(c store.ClaimedReminder, r *sunshine.Request) string {
	switch c.Kind {
	case sunshine.ReminderAwaiting:
		if r.Status != sunshine.StatusAwaitingRequester {
			return "the request no longer waits on us"
		}
	case sunshine.ReminderEstimatePassed:
		if !r.Status.ClockRuns() || r.AgencyEstimatedOn != c.DueOn {
			return "the agency's estimate changed or the request closed"
		}
	case sunshine.ReminderEmailReceived, sunshine.ReminderLetterFailed:
		// Told while any email is not logged (composeReceived), or any
		// letter not sent (composeLetterFailed), closed request or not: a
		// late answer still needs logging.
	case sunshine.ReminderAssigned:
		switch {
		case !r.Status.Open():
			// "Its reminders come to you" would be untrue: a closed request
			// has none (an import of old requests, filed and closed at once,
			// emailed its assignee about each).
			return "the request is closed"
		case r.AssigneeID == nil:
			return "the request was unassigned since"
		case *r.AssigneeID != c.RecipientID:
			return "the request was assigned to someone else since"
		}
	default:
		if !r.DueTracked() || r.EffectiveDueOn() != c.DueOn {
			return "the request's due date or status changed"
		}
	}
	return ""
}

// businessDaysBetween counts business days after from up to and including
// to, not counting the agency's closure days.
func businessDaysBetween(law *deadline.Jurisdiction, from, to deadline.Date, closures []deadline.Holiday) int {
	if law == nil || !law.HasDeadline() {
		return from.DaysUntil(to)
	}
	for n := 1; n <= 60; n++ {
		d, err := law.AddBusinessDays(from, n, closures...)
		if err != nil || !d.Before(to) {
			return n
		}
	}
	return 60
}

func (j *Reminders) digestData(ctx context.Context, org *sunshine.Organization, user *sunshine.User, c store.ClaimedReminder) (mail.DigestData, error) {
	d := mail.DigestData{RecipientName: user.Name, OrgName: org.Name, Date: c.Occurrence,
		DashboardURL: j.cfg.BaseURL + "/requests", PrefsURL: j.prefsURL()}
	rs, err := j.store.DigestRequests(ctx, user.ID)
	if err != nil {
		return d, fmt.Errorf("digest requests: %w", err)
	}
	if d.EmailsToLog, err = j.store.CountUnloggedEmailsFor(ctx, user.ID); err != nil {
		return d, fmt.Errorf("digest emails to log: %w", err)
	}
	d.EmailsURL = j.cfg.BaseURL + "/#emails"
	if len(rs) > store.DigestLimit {
		rs, d.Cut = rs[:store.DigestLimit], store.DigestLimit
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	// A request with an email of its own to this person today (its
	// overdue, due-soon, due-today... reminder, the person's choice of
	// kinds) is in that email: the digest does not say it again.
	own, err := j.store.EmailedOwnOn(ctx, user.ID, ids, c.Occurrence)
	if err != nil {
		return d, fmt.Errorf("digest requests: %w", err)
	}
	for _, r := range rs {
		if own[r.ID] {
			d.Separately++
			continue
		}
		today := r.Today(j.clock.Now())
		item := mail.DigestItem{Title: r.Title, AgencyName: r.AgencyName, Status: strings.ReplaceAll(string(r.Status), "_", " "),
			URL: j.cfg.BaseURL + "/requests/" + r.ID, DueOn: r.EffectiveDueOn(), Assignee: r.AssigneeShown()}
		if r.GroupID != nil {
			item.Group = *r.GroupID
		}
		switch due := r.EffectiveDueOn(); {
		case r.Status == sunshine.StatusAwaitingRequester:
			d.Awaiting = append(d.Awaiting, item)
		case r.EstimatePassed(today):
			// DueOn stays: the statutory date, named as met (or missed).
			item.EstimatedOn, item.StatutoryMissed = r.AgencyEstimatedOn, r.AcknowledgedLate()
			d.EstimatePassed = append(d.EstimatePassed, item)
		case r.NoDateToFollow():
			// None, met, or superseded by an appeal: no date to show as due.
			item.DueOn, item.Todo = deadline.Date{}, r.DateTodo()
			d.NoDate = append(d.NoDate, item)
		case !r.DueTracked():
		case r.Overdue(today):
			item.DaysOverdue = due.DaysUntil(today)
			d.Overdue = append(d.Overdue, item)
		case due == today:
			d.DueToday = append(d.DueToday, item)
		case !due.IsZero() && due.After(today) && today.DaysUntil(due) <= 7:
			d.DueSoon = append(d.DueSoon, item)
		}
	}
	return d, nil
}

// RunOnce plans and delivers once: `sunshine remind --once`, and tests.
func (j *Reminders) RunOnce(ctx context.Context) (planned, digests int64, res DeliveryResult, err error) {
	if planned, digests, err = j.Plan(ctx); err != nil {
		return planned, digests, res, fmt.Errorf("plan: %w", err)
	}
	res, err = j.Deliver(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		return planned, digests, res, fmt.Errorf("deliver: %w", err)
	}
	return planned, digests, res, nil
}
