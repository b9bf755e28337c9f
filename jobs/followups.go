package jobs

import (
	"context"

	sunshine "github.com/sunshine-records/sunshine"
)

// QueueAutoFollowUps queues, for each request whose automatic follow-ups
// owe one now (store.QueueAutoFollowUp decides), the follow-up letter to
// its agency, as its signer would from the letter page: sent by
// DeliverLetters, logged as the follow-up we sent. It returns how many it
// queued. A request it cannot queue for is logged and left for the next
// run, holding back neither the others nor planning; an organization at
// its share of the hourly letters is logged once a run, and its other
// requests wait for the next.
func (j *Reminders) QueueAutoFollowUps(ctx context.Context) (int, error) {
	candidates, err := j.store.AutoFollowUpCandidates(ctx)
	if err != nil {
		return 0, err
	}
	queued, full := 0, map[string]bool{}
	for _, c := range candidates {
		if full[c.OrgID] {
			continue
		}
		as := sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID, UserID: c.SignerID, Role: sunshine.RoleStaff})
		ok, err := j.store.QueueAutoFollowUp(as, c.RequestID, j.cfg.InboundDomain)
		switch {
		case sunshine.ErrorCode(err) == sunshine.ETooMany:
			full[c.OrgID] = true
			j.log.Warn("automatic follow-ups wait: the organization's share of the hourly letters is used", "job", "plan_reminders",
				"org", c.OrgID, "err", err)
		case err != nil:
			j.log.Error("automatic follow-up not queued", "job", "plan_reminders", "request", c.RequestID, "err", err)
		case ok:
			queued++
			j.log.Info("automatic follow-up queued", "job", "plan_reminders", "request", c.RequestID)
		}
	}
	return queued, nil
}
