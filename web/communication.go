package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
)

// commFieldLabels name the edit form's fields in its error summary as
// their labels do.
var commFieldLabels = map[string]string{
	"channel": "Channel", "occurred_on": "Date", "from": "From", "to": "To", "subject": "Subject",
	"body": "Message", "exemptions_cited": "Exemptions cited", "fee_amount": "Fee amount",
}

// commEditPageData is the page that corrects a logged communication. It is
// a page of its own, not a form under each communication of the timeline:
// the request page shows only the start of a long message, and the form
// needs all of it.
type commEditPageData struct {
	C        *sunshine.Communication // as saved now
	R        *sunshine.Request
	Form     *reqForm
	Channels []string
	// Effect says what logging the communication did to its request, which
	// an edit does not replay; "" for a kind that does nothing.
	Effect string
	// Conflict: the save was refused over someone else's change; the page
	// shows the communication as saved now beside what was typed.
	Conflict bool
}

// commPath is where a communication is on its request's page.
func commPath(cm *sunshine.Communication) string { return requestPath(cm.RequestID) + "#comm-" + cm.ID }

// commValues fills the edit form from the communication as it is now; the
// version lets the save refuse to overwrite a change made meanwhile.
func commValues(cm *sunshine.Communication) url.Values {
	return url.Values{"channel": {cm.Channel}, "occurred_on": {cm.OccurredOn.String()}, "from": {cm.From}, "to": {cm.To},
		"subject": {cm.Subject}, "body": {cm.Body}, "exemptions_cited": {strings.Join(cm.ExemptionsCited, "\n")},
		"fee_amount": {deref(cm.FeeAmount)}, "version": {strconv.Itoa(cm.Version)}}
}

func newCommForm(values url.Values) *reqForm {
	f := newReqForm("comm-edit", values)
	f.labels = commFieldLabels
	return f
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// commEffect says what logging a communication of its kind and direction
// did to its request (store.CreateCommunication), which an edit does not
// replay: a new date leaves that effect's date as it was.
func commEffect(cm *sunshine.Communication) string {
	switch {
	case cm.Kind == sunshine.KindExtensionNotice:
		return "extended the due date (or set a custom due date)"
	case cm.Kind == sunshine.KindFeeEstimate || cm.Kind == sunshine.KindClarificationRequest:
		return "set the request to awaiting requester as of its date, which pauses the clock where the law allows"
	case cm.Kind == sunshine.KindAcknowledgment || cm.Kind == sunshine.KindRecordsRelease ||
		cm.Kind == sunshine.KindDenial || cm.Kind == sunshine.KindPartialDenial:
		return "may have changed the request's status as of its date"
	case cm.Direction == sunshine.DirectionOut && (cm.Kind == sunshine.KindFollowUp || cm.Kind == sunshine.KindOther):
		return "may have ended a wait on us as of its date"
	}
	return ""
}

// editableCommunication is the communication of the path's id, for a
// person who may change it; false when the page has answered already
// (not allowed, not found).
func (s *Server) editableCommunication(c *gin.Context) (*sunshine.Communication, bool) {
	if !s.canWrite(c) {
		return nil, false
	}
	cm, err := s.store.FindCommunicationByID(ctxOf(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return cm, true
}

func (s *Server) handleCommunicationEditPage(c *gin.Context) {
	cm, ok := s.editableCommunication(c)
	if !ok {
		return
	}
	s.renderCommEdit(c, http.StatusOK, cm, newCommForm(commValues(cm)), false)
}

// renderCommEdit shows the edit page of cm with the form's state.
func (s *Server) renderCommEdit(c *gin.Context, status int, cm *sunshine.Communication, f *reqForm, conflict bool) {
	r, err := s.store.FindRequestByID(ctxOf(c), cm.RequestID)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := &commEditPageData{C: cm, R: r, Form: f, Channels: sunshine.Channels, Effect: commEffect(cm), Conflict: conflict}
	title := "Edit the " + strings.ReplaceAll(string(cm.Kind), "_", " ") + " of " + cm.OccurredOn.Format("Mon 2 Jan 2006")
	s.render(c, status, "communication", title, d)
}

// commEditFailed shows the edit page again with the form's errors, or the
// error page when the error is not about the form.
func (s *Server) commEditFailed(c *gin.Context, cm *sunshine.Communication, f *reqForm, err error) {
	status := http.StatusBadRequest
	if err != nil {
		if status = f.fail(err); status == 0 {
			s.fail(c, err)
			return
		}
	}
	s.renderCommEdit(c, status, cm, f, false)
}

// sameText compares a typed text with a stored one as a person sees them:
// a browser sends a textarea's line breaks as CRLF, and From, To and
// Subject are saved trimmed.
func sameText(typed, stored string) bool {
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return norm(typed) == norm(stored)
}

// handleCommunicationEdit saves the edit form: the channel, date, parties,
// subject, message, exemptions cited and fee. Only the fields that differ
// from the communication as saved are sent to the store, and only if
// nobody changed it since the page was loaded; otherwise the page comes
// back with what was typed, so nothing is lost, and says so.
func (s *Server) handleCommunicationEdit(c *gin.Context) {
	cm, ok := s.editableCommunication(c)
	if !ok {
		return
	}
	ctx := ctxOf(c)
	_ = c.Request.ParseForm()
	f := newCommForm(c.Request.PostForm)

	var upd sunshine.CommunicationUpdate
	want := *cm // the communication as the form would leave it, to check every field at once
	text := func(name string, stored string, dst **string, set *string) {
		typed := f.V(name)
		if name != "body" {
			typed = strings.TrimSpace(typed)
		}
		if !sameText(typed, stored) {
			*dst, *set = &typed, typed
		}
	}
	text("channel", cm.Channel, &upd.Channel, &want.Channel)
	text("from", cm.From, &upd.From, &want.From)
	text("to", cm.To, &upd.To, &want.To)
	text("subject", cm.Subject, &upd.Subject, &want.Subject)
	text("body", cm.Body, &upd.Body, &want.Body)
	if strings.TrimSpace(f.V("occurred_on")) == "" {
		f.Errors["occurred_on"] = "is required: the date of the message"
	} else if on := f.parseDateField("occurred_on"); f.E("occurred_on") == "" && on != cm.OccurredOn {
		upd.OccurredOn, want.OccurredOn = &on, on
	}
	if ex := typedLines(f.V("exemptions_cited")); !slices.Equal(ex, cm.ExemptionsCited) {
		if ex == nil {
			ex = []string{}
		}
		upd.ExemptionsCited, want.ExemptionsCited = &ex, slices.Clone(ex)
	}
	var fee *string
	if typed := typedFee(f.V("fee_amount")); typed != "" {
		fee = &typed
	}
	if deref(fee) != deref(cm.FeeAmount) {
		upd.FeeAmount, want.FeeAmount = &fee, fee
	}
	version, verr := strconv.Atoi(f.V("version"))
	if verr != nil {
		f.Errors["_"] = "The form is missing the communication's version: reload the page and try again."
	}
	if f.HasErrors() {
		if err := want.Validate(); err != nil { // the other fields' mistakes too
			f.fail(err)
		}
		s.commEditFailed(c, cm, f, nil)
		return
	}
	if upd == (sunshine.CommunicationUpdate{}) {
		s.redirectBack(c, commPath(cm), "Nothing changed.")
		return
	}
	out, err := s.store.UpdateCommunication(store.WithIfMatch(ctx, version), cm.ID, upd)
	if err != nil {
		if sunshine.ErrorCode(err) != sunshine.EPrecondition {
			s.commEditFailed(c, cm, f, err)
			return
		}
		if now, ferr := s.store.FindCommunicationByID(ctx, cm.ID); ferr == nil {
			cm = now
		}
		f.fail(sunshine.Errorf(sunshine.EPrecondition, "Someone changed this communication after you opened the page, so your changes were not saved. "+
			"They are still in the form: compare it with the communication as saved now, below the form, then save again."))
		f.Values.Set("version", strconv.Itoa(cm.Version)) // the next save applies over what is there now
		s.renderCommEdit(c, http.StatusPreconditionFailed, cm, f, true)
		return
	}
	note := "Communication updated."
	if upd.OccurredOn != nil && commEffect(out) != "" {
		note += " Its new date does not move what logging it did to the request."
		if r, err := s.store.FindRequestByID(ctx, out.RequestID); err == nil && r.MetByAcknowledgment() && r.AcknowledgedOn == out.OccurredOn {
			note = "Communication updated. The request's acknowledgment day moves with it, to " + out.OccurredOn.Format("Mon 2 Jan 2006") +
				"; its status and other dates stay."
		}
	}
	s.redirectBack(c, commPath(out), note)
}

// handleCommunicationDelete deletes a communication logged by mistake, from
// its edit page: only while nobody changed it since the page was loaded,
// and with the reason given. The request's timeline keeps it whole.
func (s *Server) handleCommunicationDelete(c *gin.Context) {
	cm, ok := s.editableCommunication(c)
	if !ok {
		return
	}
	ctx := ctxOf(c)
	_ = c.Request.ParseForm()
	f := newCommForm(commValues(cm)) // the edit form as saved, beside the refusal
	version, verr := strconv.Atoi(c.Request.PostForm.Get("version"))
	if verr != nil {
		f.Errors["_"] = "The form is missing the communication's version: reload the page and try again."
		s.renderCommEdit(c, http.StatusBadRequest, cm, f, false)
		return
	}
	if _, err := s.store.DeleteCommunication(store.WithIfMatch(ctx, version), cm.ID, c.Request.PostForm.Get("reason")); err != nil {
		if sunshine.ErrorCode(err) == sunshine.EPrecondition {
			err = sunshine.Errorf(sunshine.EPrecondition, "Someone changed this communication after you opened the page, so it was not deleted: check it below, then delete it again if it should go.")
		}
		s.commEditFailed(c, cm, f, err)
		return
	}
	note := "Deleted the " + cm.Kind.Words() + " of " + cm.OccurredOn.Format("Mon 2 Jan 2006") + "; the timeline keeps it."
	if eff := commEffect(cm); eff != "" {
		note += " Logging it " + eff + ": that stays, so change it on the request if it was wrong."
	}
	s.redirectBack(c, requestPath(cm.RequestID)+"#timeline", note)
}
