package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// Settings › Webhooks (admins): the organization's events sent as they
// happen to a chat channel or an automation tool (sunshine.Webhook).

const webhooksPath = "/settings/webhooks"

func webhookPath(id string) string { return webhooksPath + "/" + url.PathEscape(id) }

// webhookForm is the form that makes or changes a webhook, as typed.
type webhookForm struct {
	URL, Description string
	Format           sunshine.WebhookFormat
	// Chosen are the boxes ticked under "What to send": "all", kinds of
	// activity (activityGroups' values) and single kinds ("kind:note_added",
	// for a webhook whose kinds are not whole kinds of activity).
	Chosen  []string
	Errors  map[string]string
	Options []hookKind // the boxes, besides "all"
}

// hookKind is a box under "What to send".
type hookKind struct{ Value, Label string }

// Chose reports whether the form ticked a box.
func (f webhookForm) Chose(value string) bool { return slices.Contains(f.Chosen, value) }

// allKinds is the box that sends everything.
const allKinds = "all"

// kindOptions are the boxes of the form: the kinds of activity, then the
// single kinds chosen that no whole kind of activity covers (set through
// the API), so that saving the form keeps them.
func kindOptions(chosen []string) []hookKind {
	var out []hookKind
	for _, g := range activityGroups[1:] {
		out = append(out, hookKind{g.Value, g.Label})
	}
	for _, v := range chosen {
		if k, ok := strings.CutPrefix(v, "kind:"); ok && slices.Contains(sunshine.EventKinds, sunshine.EventKind(k)) {
			out = append(out, hookKind{v, strings.ReplaceAll(k, "_", " ")})
		}
	}
	return out
}

type webhookRow struct {
	*sunshine.Webhook
	Address string // where it sends (sunshine.WebhookHost): its full address may be a credential
	Kinds   string // what it sends, in words
	State   string // working, failing or off, in words
	Problem bool
}

type webhooksData struct {
	Rows    []webhookRow
	Form    webhookForm
	Note    string
	Max     int
	CanMake bool
}

type webhookData struct {
	webhookRow
	Form       webhookForm
	Note       string
	Deliveries []deliveryRow
	Kept       int // days the deliveries are kept
}

type deliveryRow struct {
	*sunshine.WebhookDelivery
	When, What, Answer string
	OK                 bool
	Link               string // the event on its request's page
}

func (s *Server) handleWebhooks(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f := webhookForm{Format: sunshine.WebhookSlack, Chosen: []string{"correspondence", "documents", "status"}}
	s.showWebhooks(c, http.StatusOK, &webhooksData{Form: f, Note: s.takeNote(c)})
}

func (s *Server) showWebhooks(c *gin.Context, status int, d *webhooksData) {
	hooks, err := s.store.Webhooks(ctxOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := s.orgLocation(c)
	for _, w := range hooks {
		d.Rows = append(d.Rows, webhookRowOf(w, loc))
	}
	d.Form.Options, d.Max = kindOptions(d.Form.Chosen), sunshine.MaxWebhooks
	d.CanMake = len(hooks) < sunshine.MaxWebhooks || len(d.Form.Errors) > 0 // a refused form is shown
	s.render(c, status, "webhooks", "Webhooks", d)
}

func webhookRowOf(w *sunshine.Webhook, loc *time.Location) webhookRow {
	row := webhookRow{Webhook: w, Address: sunshine.WebhookHost(w.URL), Kinds: kindWords(w.Kinds)}
	switch {
	case !w.Active && w.OffReason != "":
		row.State, row.Problem = "Turned off by Sunshine: "+w.OffReason+".", true
	case !w.Active:
		row.State = "Off."
	case w.Failing():
		row.State, row.Problem = "Failing since "+stamp(*w.FailingSince, loc)+" ("+w.LastError+"); tried again at "+
			stamp(w.NextAttempt, loc)+", the events waiting.", true
	case w.LastSent != nil:
		row.State = "Working: last sent " + stamp(*w.LastSent, loc) + "."
	default:
		row.State = "Nothing sent yet."
	}
	return row
}

// kindWords says which events a webhook sends: the Activity page's kinds
// whose events it all sends, and any other kinds by name.
func kindWords(kinds []sunshine.EventKind) string {
	if len(kinds) == 0 {
		return "Everything"
	}
	// kindOptions lists the groups first, then the chosen single kinds.
	chosen := chosenOf(kinds)
	var words []string
	for _, o := range kindOptions(chosen) {
		if slices.Contains(chosen, o.Value) {
			words = append(words, o.Label)
		}
	}
	return sunshine.AndList(words)
}

// webhookFormOf reads the form and the input it makes; a choice of what
// to send that is missing or unknown is the form's error.
func webhookFormOf(c *gin.Context) (webhookForm, sunshine.WebhookInput, error) {
	f := webhookForm{URL: c.PostForm("url"), Description: c.PostForm("description"),
		Format: sunshine.WebhookFormat(c.PostForm("format")), Chosen: c.PostFormArray("kinds")}
	f.Options = kindOptions(f.Chosen)
	kinds := []sunshine.EventKind{}
	add := func(ks ...sunshine.EventKind) {
		for _, k := range ks {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	for _, v := range f.Chosen {
		g := slices.IndexFunc(activityGroups[1:], func(g activityGroup) bool { return g.Value == v })
		k, single := strings.CutPrefix(v, "kind:")
		switch {
		case v == allKinds:
		case g >= 0:
			add(activityGroups[1+g].Kinds...)
		case single && slices.Contains(sunshine.EventKinds, sunshine.EventKind(k)):
			add(sunshine.EventKind(k))
		default:
			return f, sunshine.WebhookInput{}, sunshine.FieldInvalid("kinds", "has a choice this form does not offer")
		}
	}
	switch {
	case f.Chose(allKinds):
		kinds = []sunshine.EventKind{} // every kind, those to come included
	case len(kinds) == 0:
		return f, sunshine.WebhookInput{}, sunshine.FieldInvalid("kinds", "is required: tick what to send, or Everything")
	}
	return f, sunshine.WebhookInput{URL: &f.URL, Description: &f.Description, Format: &f.Format, Kinds: &kinds}, nil
}

// chosenOf are the boxes ticked for a webhook's kinds: whole kinds of
// activity, and single kinds for the rest.
func chosenOf(kinds []sunshine.EventKind) []string {
	if len(kinds) == 0 {
		return []string{allKinds}
	}
	var out []string
	left := slices.Clone(kinds)
	for _, g := range activityGroups[1:] {
		if !slices.ContainsFunc(g.Kinds, func(k sunshine.EventKind) bool { return !slices.Contains(kinds, k) }) {
			out = append(out, g.Value)
			left = slices.DeleteFunc(left, func(k sunshine.EventKind) bool { return slices.Contains(g.Kinds, k) })
		}
	}
	for _, k := range left {
		out = append(out, "kind:"+string(k))
	}
	return out
}

// refused shows a refused form's errors on its page, or the error page
// when the error is not about the form.
func (s *Server) refused(c *gin.Context, f *webhookForm, err error, show func()) {
	if !formError(err) {
		s.fail(c, err)
		return
	}
	f.Errors = sentences(fieldErrors(err))
	show()
}

func (s *Server) handleWebhookCreate(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f, in, err := webhookFormOf(c)
	var w *sunshine.Webhook
	if err == nil {
		w, err = s.store.CreateWebhook(ctxOf(c), in)
	}
	if err != nil {
		s.refused(c, &f, err, func() { s.showWebhooks(c, http.StatusBadRequest, &webhooksData{Form: f}) })
		return
	}
	s.redirectBack(c, webhookPath(w.ID), "Webhook made: it sends what happens from now on. Send a test message to check its address.")
}

func (s *Server) handleWebhook(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	s.showWebhook(c, http.StatusOK, nil, s.takeNote(c))
}

// showWebhook renders a webhook's page, with the form as typed when it
// was refused (nil: as the webhook is).
func (s *Server) showWebhook(c *gin.Context, status int, form *webhookForm, note string) {
	ctx := ctxOf(c)
	w, err := s.store.Webhook(ctx, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	deliveries, err := s.store.WebhookDeliveries(ctx, w.ID, 50)
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := s.orgLocation(c)
	d := &webhookData{webhookRow: webhookRowOf(w, loc), Note: note, Kept: 30}
	if form != nil {
		d.Form = *form
	} else {
		d.Form = webhookForm{URL: w.URL, Description: w.Description, Format: w.Format, Chosen: chosenOf(w.Kinds)}
	}
	d.Form.Options = kindOptions(d.Form.Chosen)
	for _, dl := range deliveries {
		row := deliveryRow{WebhookDelivery: dl, When: stamp(dl.AttemptedAt, loc), OK: dl.Error == "",
			What: strings.ReplaceAll(dl.Kind, "_", " ")}
		if dl.Kind == sunshine.WebhookPing {
			row.What = "test message"
		}
		if dl.RequestID != nil {
			row.Link = requestPath(*dl.RequestID) + "#event-" + dl.MessageID
		}
		row.Answer = "no answer"
		if dl.StatusCode != nil {
			row.Answer = strings.TrimSpace(strconv.Itoa(*dl.StatusCode) + " " + http.StatusText(*dl.StatusCode))
		}
		d.Deliveries = append(d.Deliveries, row)
	}
	s.render(c, status, "webhook", "Webhook", d)
}

func (s *Server) handleWebhookUpdate(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f, in, err := webhookFormOf(c)
	if err == nil {
		_, err = s.store.UpdateWebhook(ctxOf(c), c.Param("id"), in)
	}
	if err != nil {
		s.refused(c, &f, err, func() { s.showWebhook(c, http.StatusBadRequest, &f, "") })
		return
	}
	s.redirectBack(c, webhookPath(c.Param("id")), "Webhook saved.")
}

// handleWebhookActive turns a webhook on (on=1) or off.
func (s *Server) handleWebhookActive(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	on := c.PostForm("on") == "1"
	if _, err := s.store.UpdateWebhook(ctxOf(c), c.Param("id"), sunshine.WebhookInput{Active: &on}); err != nil {
		s.fail(c, err)
		return
	}
	note := "Webhook off: nothing is sent until it is turned on again."
	if on {
		note = "Webhook on: it sends what happens from now on."
	}
	s.redirectBack(c, webhookPath(c.Param("id")), note)
}

func (s *Server) handleWebhookPing(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	note := "Test message on its way: reload this page in a few seconds to see the answer below."
	if _, err := s.store.PingWebhook(ctxOf(c), c.Param("id")); err != nil {
		if sunshine.ErrorCode(err) != sunshine.EConflict {
			s.fail(c, err)
			return
		}
		note = "Turn the webhook on to send a test message."
	}
	s.redirectBack(c, webhookPath(c.Param("id")), note)
}

func (s *Server) handleWebhookSecret(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	if _, err := s.store.NewWebhookSecret(ctxOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, webhookPath(c.Param("id"))+"#secret", "New signing secret: messages are signed with it from now on. Give it to the program that checks them.")
}

func (s *Server) handleWebhookDelete(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	if err := s.store.DeleteWebhook(ctxOf(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectBack(c, webhooksPath, "Webhook removed: nothing more is sent to its address.")
}
