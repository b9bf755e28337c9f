package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/mail"
	"github.com/sunshine-records/sunshine/store"
)

// DeliverLetters sends the letters staff sent to agencies by email
// (store.QueueLetterEmail), a batch at a time, until none is due. Each is
// recorded as soon as the mail server accepts it, which logs it as the
// request's outgoing communication. A refused letter is retried with the
// reminders' backoff, then failed for staff to see on the request.
func (j *Reminders) DeliverLetters(ctx context.Context) (DeliveryResult, error) {
	var total DeliveryResult
	for ctx.Err() == nil {
		claimed, err := j.store.ClaimLetterEmails(ctx, j.clock.Now(), j.cfg.Batch, j.cfg.StaleClaim)
		if err != nil || len(claimed) == 0 {
			return total, err
		}
		for _, c := range claimed {
			var res DeliveryResult
			err := j.deliverLetter(ctx, c, &res)
			j.m.lettersDelivered(res)
			total.add(res)
			if err != nil {
				return total, err
			}
		}
	}
	return total, ctx.Err()
}

// deliverLetter sends one claimed letter, one at a time: letters are few,
// and each is recorded before the next is sent.
func (j *Reminders) deliverLetter(ctx context.Context, c store.ClaimedLetterEmail, res *DeliveryResult) error {
	msg, err := j.composeLetter(ctx, c)
	switch {
	case err != nil && sunshine.ErrorCode(err) == sunshine.ENotFound:
		res.Failed++
		return j.store.MarkLetterEmailFailed(ctx, c, sunshine.ErrorMessage(err), j.clock.Now(), true)
	case err != nil:
		final, err := j.retryLetter(ctx, c, fmt.Errorf("compose: %w", err))
		res.retried(final)
		return err
	}
	if j.cfg.DryRun {
		j.log.Info("dry run: would send letter", "to", msg.To, "subject", msg.Subject)
		return nil
	}
	msg.Copy = &bytes.Buffer{} // (kept with the request: what the agency was sent)
	if errs := j.mailer.Send(ctx, []mail.Message{msg}); errs[0] != nil {
		if errors.Is(errs[0], mail.ErrCanceled) {
			return errs[0] // shutting down: the claim goes stale and is retried
		}
		final, err := j.retryLetter(ctx, c, errs[0])
		res.retried(final)
		return err
	}
	// Accepted: record it, once more at once if that fails (a dropped
	// connection); unrecorded, it is sent again once its claim is stale,
	// with the same Message-ID.
	_, err = j.store.MarkLetterEmailSent(ctx, c, j.clock.Now(), msg.Copy.Bytes())
	if err != nil && ctx.Err() == nil {
		_, err = j.store.MarkLetterEmailSent(ctx, c, j.clock.Now(), msg.Copy.Bytes())
	}
	if err != nil {
		return fmt.Errorf("letter email %s sent but not recorded: %w", c.ID, err)
	}
	res.Sent++
	return nil
}

// composeLetter builds the email of a letter: to the agency, from the
// sender's name and organization at Sunshine's address, answered and
// bounced to the request's reply address (answered to the sender's own
// without one), with the sender's blind copy where asked.
func (j *Reminders) composeLetter(ctx context.Context, c store.ClaimedLetterEmail) (mail.Message, error) {
	ctx = sunshine.WithPrincipal(ctx, sunshine.Principal{OrgID: c.OrgID})
	org, err := j.store.FindOrgByID(ctx)
	if err != nil {
		return mail.Message{}, err
	}
	sender, err := j.store.FindUserByID(ctx, c.SenderID)
	if err != nil {
		return mail.Message{}, err
	}
	r, err := j.store.FindRequestByID(ctx, c.RequestID)
	if err != nil {
		return mail.Message{}, err
	}
	msg := mail.Message{ID: "letter-" + c.ID, To: c.To, Subject: c.Subject, Text: c.Body, Letter: true,
		FromName: sender.Name + ", " + org.Name, Cc: c.Cc, ReplyTo: sunshine.ReplyAddress(j.cfg.InboundDomain, r.ReplyToken)}
	// A bounce, from a mail server after ours accepted the letter, comes to
	// the reply address too: filed with the request, for its followers.
	msg.Bounces = msg.ReplyTo
	if msg.ReplyTo == "" {
		msg.ReplyTo = sender.Email
	}
	if c.CopySender {
		msg.Bcc = []string{sender.Email}
	}
	// In the thread of the letters sent before it (the request letter,
	// earlier follow-ups), as the agency's mailbox shows them.
	earlier, err := j.store.SentLetterIDs(ctx, r.ID)
	if err != nil {
		return mail.Message{}, err
	}
	for _, id := range earlier {
		msg.Thread = append(msg.Thread, "letter-"+id)
	}
	msg.Attachments, err = j.letterAttachments(ctx, &c.LetterEmail)
	return msg, err
}

// letterAttachments reads the documents a letter attaches: a few MiB at
// most (sunshine.MaxLetterAttachmentBytes), one letter at a time.
func (j *Reminders) letterAttachments(ctx context.Context, e *sunshine.LetterEmail) ([]mail.Attachment, error) {
	docs, err := j.store.LetterAttachments(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []mail.Attachment
	for _, d := range docs {
		content, err := io.ReadAll(j.store.Content(ctx, d))
		if err != nil {
			return nil, fmt.Errorf("read attachment %s: %w", d.ID, err)
		}
		out = append(out, mail.Attachment{Filename: d.Filename, ContentType: d.ContentType, Content: content})
	}
	return out, nil
}

// retryLetter schedules a letter's next attempt as retryOrFail does a
// reminder's, or fails it after MaxAttempts, or at once when the mail
// server refused it for good (an address with no mailbox): staff see why
// now, not hours later, and send it again once they have put it right.
func (j *Reminders) retryLetter(ctx context.Context, c store.ClaimedLetterEmail, sendErr error) (final bool, err error) {
	final = c.Attempts >= j.cfg.MaxAttempts || mail.Permanent(sendErr)
	j.log.Warn("letter not delivered", "letter_email_id", c.ID, "attempt", c.Attempts, "final", final, "err", sendErr)
	return final, j.store.MarkLetterEmailFailed(ctx, c, sendErr.Error(), j.clock.Now().Add(j.backoff(c.Attempts)), final)
}

// backoff is the wait before the attempt after attempt n: Backoff,
// doubled each attempt, at most 6 hours.
func (j *Reminders) backoff(n int) time.Duration {
	delay := time.Duration(float64(j.cfg.Backoff) * math.Pow(2, float64(n-1)))
	if delay > 6*time.Hour || delay <= 0 {
		delay = 6 * time.Hour
	}
	return delay
}

// composeLetterFailed writes the notice to a letters' sender of those the
// mail server refused for good or that bounced, read when it is sent: none left (sent
// again or cancelled meanwhile) cancels it. Its Message-ID names the
// letters it lists (listingID).
func (j *Reminders) composeLetterFailed(ctx context.Context, c store.ClaimedReminder, r *sunshine.Request, user *sunshine.User,
	msg mail.Message, d mail.LetterFailedData) (mail.Message, string, string, error) {
	if !user.Active {
		return msg, "", "the sender was deactivated", nil
	}
	letters, err := j.store.LetterEmailsOf(ctx, r)
	if err != nil {
		return msg, "", "", err
	}
	var ids []string
	for _, e := range letters {
		if e.NotSent() && e.SenderID == c.RecipientID {
			ids = append(ids, e.ID)
			item := mail.LetterFailedItem{What: e.Describe(), Error: e.LastError, Bounced: e.Status == sunshine.LetterEmailBounced}
			if item.Bounced {
				item.SentOn = e.SentAt.In(sunshine.Location(r.TimeZone)).Format("Mon 2 Jan 2006")
			}
			d.Items = append(d.Items, item)
		}
	}
	if len(ids) == 0 {
		return msg, "", "every letter was sent again or cancelled before this could be sent", nil
	}
	msg.ID = listingID(c, ids)
	msg.Subject, msg.Text, msg.HTML, err = mail.RenderLetterFailed(d)
	return msg, fmt.Sprintf("%d letter(s) not sent", len(ids)), "", err
}
