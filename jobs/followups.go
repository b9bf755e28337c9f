package jobs

import (
	"context"

	sunshine "github.com/sunshine-records/sunshine"
)

// QueueAutoFollowUps queues, for each request whose automatic follow-ups
// owe one now (sunshine.FollowUpDue, within sunshine.FollowUpHours), the
// follow-up letter to its agency, as its signer would from the letter
// page: drafted as DraftLetter writes it, sent by DeliverLetters, logged as
// the follow-up we sent. It returns how many it queued. A request it
// cannot queue for (changed meanwhile, a letter on its way) is logged and
// left for the next run: it holds back neither the others nor planning.
func (j *Reminders) QueueAutoFollowUps(ctx context.Context) (int, error) {
	candidates, err := j.store.AutoFollowUpCandidates(ctx)
	if err != nil {
		return 0, err
	}
	now, queued := j.clock.Now(), 0
	for _, c := range candidates {
		as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID, UserID: c.SignerID, Role: sunshine.RoleStaff})
		ok, err := j.queueAutoFollowUp(as, c.RequestID, c.EveryDays)
		if err != nil {
			j.log.Error("automatic follow-up not queued", "job", "plan_reminders", "request", c.RequestID, "err", err)
			continue
		}
		if ok {
			queued++
			j.log.Info("automatic follow-up queued", "job", "plan_reminders", "request", c.RequestID, "at", now)
		}
	}
	return queued, nil
}

// queueAutoFollowUp queues a request's follow-up if one is due now; ctx
// is its signer's.
func (j *Reminders) queueAutoFollowUp(ctx context.Context, requestID string, every int) (bool, error) {
	in, err := j.store.FindLetterInput(ctx, requestID)
	if err != nil {
		return false, err
	}
	r, now := in.Request, j.clock.Now()
	if !sunshine.FollowUpHours(now, r.TimeZone) {
		return false, nil
	}
	last, err := j.store.LastExchange(ctx, r)
	if err != nil {
		return false, err
	}
	if due := sunshine.FollowUpDue(r, every, last); due.IsZero() || r.Today(now).Before(due) {
		return false, nil
	}
	in.Kind, in.ReplyDomain = sunshine.LetterFollowUp, j.cfg.InboundDomain
	l := sunshine.DraftLetter(in, now)
	_, err = j.store.QueueLetterEmail(ctx, r.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: in.Agency.Email,
		ToParty: l.To, FromParty: l.From, Subject: l.Subject, Body: l.Body, Automatic: true})
	return err == nil, err
}
