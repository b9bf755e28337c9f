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
	Groups           []string // the kinds of activity chosen (activityGroups' values); none is everything
	Errors           map[string]string
	Choices          []activityGroup // the kinds of activity to choose from
}

// Chose reports whether the form chose a kind of activity.
func (f webhookForm) Chose(group string) bool { return slices.Contains(f.Groups, group) }

type webhookRow struct {
	*sunshine.Webhook
	Address string // where it sends, shortened: its full address may be a credential
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
	s.showWebhooks(c, http.StatusOK, &webhooksData{Form: webhookForm{Format: sunshine.WebhookSlack}, Note: s.takeNote(c)})
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
	d.Form.Choices, d.Max, d.CanMake = activityGroups[1:], sunshine.MaxWebhooks, len(hooks) < sunshine.MaxWebhooks
	s.render(c, status, "webhooks", "Webhooks", d)
}

func webhookRowOf(w *sunshine.Webhook, loc *time.Location) webhookRow {
	row := webhookRow{Webhook: w, Address: shortAddress(w.URL), Kinds: kindWords(w.Kinds)}
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

// shortAddress is a webhook's address as lists show it: its host and the
// start of its path. A chat service's address is its credential.
func shortAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an address"
	}
	p := u.EscapedPath()
	if len(p) > 12 {
		p = p[:12] + "…"
	}
	return u.Host + p
}

// kindWords says which events a webhook sends: the Activity page's kinds
// whose events it all sends, and any other kinds by name.
func kindWords(kinds []sunshine.EventKind) string {
	if len(kinds) == 0 {
		return "Everything"
	}
	var words []string
	left := slices.Clone(kinds)
	for _, g := range activityGroups[1:] {
		if !slices.ContainsFunc(g.Kinds, func(k sunshine.EventKind) bool { return !slices.Contains(kinds, k) }) {
			words = append(words, g.Label)
			left = slices.DeleteFunc(left, func(k sunshine.EventKind) bool { return slices.Contains(g.Kinds, k) })
		}
	}
	for _, k := range left {
		words = append(words, strings.ReplaceAll(string(k), "_", " "))
	}
	return sunshine.AndList(words)
}

// webhookFormOf reads the form and the input it makes.
func webhookFormOf(c *gin.Context) (webhookForm, sunshine.WebhookInput) {
	f := webhookForm{URL: c.PostForm("url"), Description: c.PostForm("description"),
		Format: sunshine.WebhookFormat(c.PostForm("format")), Groups: c.PostFormArray("kinds")}
	kinds := []sunshine.EventKind{}
	for _, g := range activityGroups[1:] {
		if f.Chose(g.Value) {
			for _, k := range g.Kinds {
				if !slices.Contains(kinds, k) {
					kinds = append(kinds, k)
				}
			}
		}
	}
	return f, sunshine.WebhookInput{URL: &f.URL, Description: &f.Description, Format: &f.Format, Kinds: &kinds}
}

// groupsOf are the kinds of activity a webhook's kinds make up.
func groupsOf(kinds []sunshine.EventKind) []string {
	var out []string
	for _, g := range activityGroups[1:] {
		if len(kinds) > 0 && !slices.ContainsFunc(g.Kinds, func(k sunshine.EventKind) bool { return !slices.Contains(kinds, k) }) {
			out = append(out, g.Value)
		}
	}
	return out
}

func (s *Server) handleWebhookCreate(c *gin.Context) {
	if !s.requireAdmin(c) {
		return
	}
	f, in := webhookFormOf(c)
	w, err := s.store.CreateWebhook(ctxOf(c), in)
	if err != nil {
		if !formError(err) {
			s.fail(c, err)
			return
		}
		f.Errors = sentences(fieldErrors(err))
		s.showWebhooks(c, http.StatusBadRequest, &webhooksData{Form: f})
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
		d.Form = webhookForm{URL: w.URL, Description: w.Description, Format: w.Format, Groups: groupsOf(w.Kinds)}
	}
	d.Form.Choices = activityGroups[1:]
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
	f, in := webhookFormOf(c)
	if _, err := s.store.UpdateWebhook(ctxOf(c), c.Param("id"), in); err != nil {
		if !formError(err) {
			s.fail(c, err)
			return
		}
		f.Errors = sentences(fieldErrors(err))
		s.showWebhook(c, http.StatusBadRequest, &f, "")
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
