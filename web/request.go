package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// reqForm is one form's state for a template: what the user typed and the
// errors to show next to each field. ID prefixes the field IDs, so several
// forms on one page do not clash.
type reqForm struct {
	ID     string
	Values url.Values
	Errors map[string]string
	err    error             // the store's refusal, if any
	labels map[string]string // the summary's names of fields, where not fieldLabels'
}

func newReqForm(id string, values url.Values) *reqForm {
	if values == nil {
		values = url.Values{}
	}
	return &reqForm{ID: id, Values: values, Errors: map[string]string{}, labels: formLabels[id]}
}

// formLabels name the fields of the request page's action forms, by form,
// in their error summaries as their labels do (fieldLabels name the rest).
var formLabels = map[string]map[string]string{
	"comm": {"direction": "Direction", "kind": "Kind", "channel": "Channel", "occurred_on": "Date", "from": "From", "to": "To",
		"subject": "Subject", "body": "Message", "exemptions_cited": "Exemptions cited", "fee_amount": "Fee amount",
		"resulting_status": "Status after a records release", "custom_due_on": "New due date announced",
		"email_document_id": "Email file"},
	"upload":   {"file": "Files", "communication_id": "Attach to a communication"},
	"email":    {"file": "Email file (.eml)"},
	"status":   {"to": "New status", "effective_on": "Effective date", "received_on": "Date the agency received it", "note": "Note"},
	"extend":   {"invoked_on": "Date of the agency's notice", "reason": "Reason given"},
	"unextend": {"reason": "Why it is undone"},
	"custom":   {"date": "Date", "reason": "Reason"},
	"assign":   {"assignee_id": "Assignee"},
	"bulk": {"request_ids": "Requests", "action": "Change", "assignee_id": "Assign them to", "tag": "Tag",
		"close": "Close them as", "close_note": "Why", "every_days": "Every"},
	"note":         {"text": "Note", "mention_ids": "Email it to"},
	"autofollowup": {"every_days": "Every"},
	"todo":         {"text": "To do", "due_on": "By", "assignee_id": "For"},
	"share-expiry": {"expires_on": "The link works until"},
	"board-expiry": {"expires_on": "The link works until"},
	"closure":      {"closed_on": "Date", "reason": "Reason"}, // the agency page's
	"copies":       {"received_on": "Received by the agencies on"},
}

// V is the value typed into a field.
func (f *reqForm) V(name string) string { return f.Values.Get(name) }

// E is a field's error, "" when it has none; E "_" is the form's own error.
func (f *reqForm) E(name string) string { return f.Errors[name] }

// FieldID is the element ID of a field.
func (f *reqForm) FieldID(name string) string { return f.ID + "-" + strings.ReplaceAll(name, "_", "-") }

// Invalid marks a field that has an error and points it at the message.
func (f *reqForm) Invalid(name string) template.HTMLAttr {
	if f.Errors[name] == "" {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + html.EscapeString(f.FieldID(name)) + `-error"`)
}

// Err writes a field's error message, the element Invalid points at.
func (f *reqForm) Err(name string) template.HTML {
	msg := f.Errors[name]
	if msg == "" {
		return ""
	}
	return template.HTML(`<p class="field-error" id="` + html.EscapeString(f.FieldID(name)) + `-error">` + html.EscapeString(msg) + `</p>`)
}

// Sel marks the option whose value the field holds.
func (f *reqForm) Sel(name, value string) template.HTMLAttr {
	if f.V(name) == value {
		return "selected"
	}
	return ""
}

// Checked marks the radio button whose value the field holds.
func (f *reqForm) Checked(name, value string) template.HTMLAttr {
	if f.V(name) == value {
		return "checked"
	}
	return ""
}

// Has marks the checkbox whose value is among the field's values.
func (f *reqForm) Has(name, value string) template.HTMLAttr {
	if slices.Contains(f.Values[name], value) {
		return "checked"
	}
	return ""
}

// formProblem is a field's error as a summary at the top of a form lists it.
type formProblem struct{ ID, Label, Message string }

// Text is the problem as one sentence: "Title is required: …" where the
// message goes on from the label, "Tags: each tag must be …" where it
// stands alone.
func (p formProblem) Text() string {
	for _, verb := range []string{"is ", "must ", "cannot ", "was ", "has "} {
		if strings.HasPrefix(p.Message, verb) {
			return p.Label + " " + p.Message
		}
	}
	return p.Label + ": " + p.Message
}

// fieldLabels name fields in a form's error summary as their labels do.
var fieldLabels = map[string]string{
	"agency_id": "Agency", "title": "Title", "description": "Request text", "delivery_method": "Delivery method",
	"tracking_number": "Agency tracking number", "tags": "Tags", "sent_on": "Sent on", "received_on": "Received by the agency on",
	"agency_estimated_on": "Agency's estimated date", "assignee_id": "Assignee", "assignment_note": "Note for them",
	"status": "Status it has reached", "status_on": "Since", "external_id": "External ID", "agency_ids": "Agencies",
}

// Problems lists the errors of the given fields, in that order, for the
// summary a long form opens with when it comes back refused: each links to
// its field, so a person who cannot see the whole form finds them.
func (f *reqForm) Problems(fields ...string) []formProblem {
	var out []formProblem
	for _, name := range fields {
		if msg := f.Errors[name]; msg != "" {
			label, ok := f.labels[name]
			if !ok {
				label = fieldLabels[name]
			}
			out = append(out, formProblem{ID: f.FieldID(name), Label: label, Message: msg})
		}
	}
	return out
}

// HasErrors reports whether the form has any error.
func (f *reqForm) HasErrors() bool { return len(f.Errors) > 0 }

// formSummary is what a refused form opens with (the "errsummary"
// template of request.html): the form's own error, then each field's,
// linked to its field. The page's script moves the focus to it, so a
// screen reader reads why the form came back before anything else.
type formSummary struct {
	Message  string // the form's own error, as a sentence after Intro
	Intro    string // "The status was not changed."
	Problems []formProblem
}

// Lead is the summary's first sentence: the intro, with the form's own
// error after it ("The extension was not recorded: the extension was
// already invoked on 2017-04-03.").
func (s *formSummary) Lead() string {
	if s.Message == "" {
		return s.Intro
	}
	msg := strings.TrimSuffix(s.Message, ".")
	// "The form is missing …" goes on after the colon in lower case;
	// "FOIA …" and the like stay as they are.
	if first, size := utf8.DecodeRuneInString(msg); unicode.IsUpper(first) {
		if next, _ := utf8.DecodeRuneInString(msg[size:]); unicode.IsLower(next) {
			msg = string(unicode.ToLower(first)) + msg[size:]
		}
	}
	return strings.TrimSuffix(s.Intro, ".") + ": " + msg + "."
}

// Summary is the form's error summary, nil when it has no error. fields
// are the form's fields in their order on the page; an error about any
// other field is listed after them, unlinked, so that no error goes
// unseen. A form error that repeats a field's is said once, at the field.
func (f *reqForm) Summary(intro string, fields ...string) *formSummary {
	if !f.HasErrors() {
		return nil
	}
	s := &formSummary{Intro: intro, Problems: f.Problems(fields...)}
	var others []string
	for name := range f.Errors {
		if name != "_" && !slices.Contains(fields, name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, name := range others {
		label := f.labels[name]
		if label == "" {
			label = fieldLabels[name]
		}
		if label == "" {
			label = choiceWords(name)
		}
		s.Problems = append(s.Problems, formProblem{Label: label, Message: f.Errors[name]})
	}
	if msg := f.Errors["_"]; msg != "" {
		s.Message = msg
		for name, m := range f.Errors {
			if name != "_" && m == msg {
				s.Message = ""
			}
		}
	}
	return s
}

// choiceWords is a field's name as words: "occurred_on" → "Occurred on".
func choiceWords(name string) string {
	w := strings.ReplaceAll(name, "_", " ")
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:]
}

// fail records err on the form: field errors beside their fields, any other
// message as the form's own. It returns the HTTP status to answer with, or
// 0 when err is not the user's to fix.
func (f *reqForm) fail(err error) int {
	f.err = err
	code := sunshine.ErrorCode(err)
	status := 0
	switch code {
	case sunshine.EInvalid:
		status = http.StatusBadRequest
	case sunshine.EConflict:
		status = http.StatusConflict
	case sunshine.EUnprocessable:
		status = http.StatusUnprocessableEntity
	case sunshine.ETooLarge:
		status = http.StatusRequestEntityTooLarge
	case sunshine.EPrecondition:
		status = http.StatusPreconditionFailed
	case sunshine.ETooMany:
		status = http.StatusTooManyRequests
	default:
		return 0
	}
	for k, v := range fieldErrors(err) {
		if _, ok := f.Errors[k]; !ok {
			f.Errors[k] = v
		}
	}
	// A conflict or refusal also says why in full at the top of the form.
	if msg := sunshine.ErrorMessage(err); code != sunshine.EInvalid && f.Errors["_"] == "" {
		f.Errors["_"] = msg
	}
	return status
}

// parseDateField reads an optional date field, noting a malformed one.
func (f *reqForm) parseDateField(name string) deadline.Date {
	raw := strings.TrimSpace(f.V(name))
	if raw == "" {
		return deadline.Date{}
	}
	d, err := deadline.ParseDate(raw)
	if err != nil {
		f.Errors[name] = "must be a date such as 2017-03-27"
	}
	return d
}

// timelineItem is one entry of a request's timeline: an event, a
// communication (with its documents) or a document on its own.
type timelineItem struct {
	On    deadline.Date
	At    time.Time
	Event *sunshine.Event
	Text  string // the event in words
	Comm  *sunshine.Communication
	Docs  []*sunshine.Document // attached to Comm
	Doc   *sunshine.Document
	// Note is an internal note's text, shown as it was typed, and Written
	// the time of day it was (the agency's clock, as the day).
	Note, Written string
}

// pageDocument is one line of the request page's list of documents: the
// document, the day it came and with what, and the place in the timeline
// that tells of it.
type pageDocument struct {
	Doc    *sunshine.Document
	On     deadline.Date
	What   string // "records released, from the agency"; "uploaded"
	Anchor string // the timeline entry's id
	// Loggable: an e-mail message attached to no communication, which
	// the log form can be filled from.
	Loggable bool
}

// documentsOf lists the documents of a request's timeline in its order:
// the released records in one place, each linked to its communication.
func documentsOf(items []timelineItem) []pageDocument {
	var out []pageDocument
	for _, it := range items {
		switch {
		case it.Comm != nil:
			from := "from us"
			if it.Comm.Direction == sunshine.DirectionIn {
				from = "from the agency"
			}
			what := strings.ReplaceAll(string(it.Comm.Kind), "_", " ") + ", " + from
			for _, doc := range it.Docs {
				out = append(out, pageDocument{Doc: doc, On: it.On, What: what, Anchor: "comm-" + it.Comm.ID})
			}
		case it.Doc != nil:
			what := "uploaded"
			if from := it.Doc.ReceivedFrom; from != nil {
				what = "emailed to the reply address by " + *from
			}
			out = append(out, pageDocument{Doc: it.Doc, On: it.On, What: what, Anchor: "doc-" + it.Doc.ID,
				Loggable: it.Doc.EmailFile() && it.Doc.CommunicationID == nil})
		}
	}
	return out
}

// splitUnpacked separates the files unpacked from an archive of docs,
// by archive and in order of their place in it, from the documents the
// page lists each on its own.
func splitUnpacked(docs []*sunshine.Document) (top []*sunshine.Document, unpacked map[string][]*sunshine.Document) {
	ids := make(map[string]bool, len(docs))
	for _, d := range docs {
		ids[d.ID] = true
	}
	unpacked = map[string][]*sunshine.Document{}
	for _, d := range docs {
		if d.UnpackedFrom != nil && ids[*d.UnpackedFrom] {
			unpacked[*d.UnpackedFrom] = append(unpacked[*d.UnpackedFrom], d)
		} else {
			top = append(top, d)
		}
	}
	// By their place in the archive, each folder's files together.
	for _, files := range unpacked {
		slices.SortStableFunc(files, func(a, b *sunshine.Document) int { return strings.Compare(*a.ArchivePath, *b.ArchivePath) })
	}
	return top, unpacked
}

// docLine is a document on the request page with what the page shows
// under it: the files unpacked from it, when it is an archive. Share
// offers to show each on the shared page.
type docLine struct {
	Doc   *sunshine.Document
	Files []*sunshine.Document
	Page  *requestPageData
	Share bool
}

// UnpackedOf is document doc's line.
func (d *requestPageData) UnpackedOf(doc *sunshine.Document, share bool) *docLine {
	return &docLine{Doc: doc, Files: d.Unpacked[doc.ID], Page: d, Share: share}
}

// requestPageData is the request page.
type requestPageData struct {
	R *sunshine.Request
	// ReplyTo is the request's reply address, "" without one.
	ReplyTo string
	Agency  *sunshine.Agency
	// Group is the requests filed together with R, R included.
	Group       *groupPanel
	Law         *deadline.Jurisdiction
	Today       deadline.Date // the agency's
	Steps       []string
	EngineError string
	HasClock    bool
	ClockPaused bool   // the engine stopped the clock (the law tolls)
	Remaining   string // days left while paused
	PausedSince deadline.Date
	Pauses      []deadline.Pause
	Assignee    string
	Users       []*sunshine.User // everyone, for the names in the history
	Assignable  []*sunshine.User // the assignee choices: active users and the current assignee
	Mentionable []*sunshine.User // whom a note can be emailed to: active users but the signed-in one
	Allowed     []sunshine.Status
	// FinalWords names the allowed statuses no other can follow
	// ("withdrawn and abandoned are final"), for a warning before one is
	// chosen.
	FinalWords string
	Comms      []*sunshine.Communication
	Timeline   []timelineItem
	Documents  []pageDocument // every document, in timeline order
	// ToLog are the emails to the reply address not logged yet, which the
	// page names at its top.
	ToLog []*sunshine.Document
	// Letters are the letters sent by email from Sunshine not sent yet:
	// on their way, or refused.
	Letters  []letterNotice
	CanWrite bool
	Archive  bool // the request's ZIP can be downloaded (Config.RequestZip)
	// Share is the request's shared page, nil for none; ShareLink its
	// address, for those who may share it (CanWrite).
	Share     *store.Share
	ShareLink string
	ShareMade string // when it was made, in the organization's time zone
	// ShareExpiryForm sets the link's last day, for those who may share.
	ShareExpiryForm *reqForm
	// Board is the status board of the request's group, nil for none;
	// BoardLink its address, for those who may share it.
	Board           *store.Share
	BoardLink       string
	BoardExpiryForm *reqForm
	// SharedDocs counts the documents marked to show on the shared page.
	SharedDocs int
	// Unpacked are the files unpacked from each archive (by its ID), which
	// the page lists under it rather than each on its own; DocCount
	// counts every document, those files included.
	Unpacked map[string][]*sunshine.Document
	DocCount int
	Note     string
	NoteLink *noteLink // a link after the note, to a place on the page

	Channels       []string
	Kinds          []sunshine.CommKind
	ClosedStatuses []sunshine.Status
	CommForm       *reqForm
	// EmailForm reads an e-mail message (.eml) to fill CommForm from;
	// Email says what CommForm was filled from, EmailProblem why it could
	// not be. LogOpen opens the log panel.
	EmailForm      *reqForm
	Email          *emailNote
	EmailProblem   string
	LogOpen        bool
	UploadForm     *reqForm
	UploadLimit    string // the largest file, in words ("100 MiB")
	ExtendForm     *reqForm
	UndoExtendForm *reqForm // an extension recorded by mistake, taken back
	StatusForm     *reqForm
	AssignForm     *reqForm
	EditForm       *reqForm
	DetailFields   []string // the details form's fields, each with its value when opened
	CustomForm     *reqForm
	NoteForm       *reqForm // an internal note, never sent to the agency
	// AutoFollowUp is the request's automatic follow-ups, nil when off;
	// AutoFollowUpSigner names who signs them. AutoFollowUpForm turns
	// them on or changes them, nil where none can go (a draft, a closed
	// request); AutoFollowUpWhyNot says why none would go now (its agency
	// has no email address).
	AutoFollowUp       *sunshine.AutoFollowUp
	AutoFollowUpSigner string
	AutoFollowUpForm   *reqForm
	AutoFollowUpWhyNot string
	AutoFollowUpEvery  []string // the periods offered, in days
	Todos              todoPanel
	WatchForm          *reqForm
	Watchers           []*sunshine.User
	Watching           bool // the signed-in user watches the request
	// RemindersTo says who the request's reminders are emailed to, as the
	// planner chooses them (store.PlanReminders): the assignee and the
	// watchers, or the organization's admins when there are neither.
	RemindersTo     string
	Me              string // the signed-in user's ID, for Assign to me
	AssignedMe      bool   // the signed-in user is the assignee
	SuggestCustom   bool   // the extension was refused: point at the custom date form
	ExtensionStated string
}

func (s *Server) handleRequestPage(c *gin.Context) {
	s.renderRequest(c, c.Param("id"), http.StatusOK, nil)
}

// renderRequest loads and shows the page of request id; edit may replace a
// form's state (an action's errors and typed values).
func (s *Server) renderRequest(c *gin.Context, id string, status int, edit func(d *requestPageData)) {
	ctx := ctxOf(c)
	r, err := s.store.FindRequestByID(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := &requestPageData{R: r, ReplyTo: sunshine.ReplyAddress(s.cfg.InboundDomain, r.ReplyToken), Channels: sunshine.Channels, Kinds: sunshine.CommKinds,
		ClosedStatuses: sunshine.ClosedStatuses, Allowed: r.Status.Allowed()}
	d.Note, d.NoteLink = s.takeNoteLink(c)
	// The uploader's script returns here with a count, the one note a URL
	// may carry: a link can say no more than "Uploaded 3 documents."
	if n, err := strconv.Atoi(c.Query("uploaded")); err == nil && n > 0 && n <= 100 && d.Note == "" {
		d.Note = "Uploaded " + strconv.Itoa(n) + " documents."
		if n == 1 {
			d.Note = "Uploaded 1 document."
		}
	}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		d.CanWrite = p.Role.CanWrite()
	}
	if d.Agency, err = s.store.FindAgencyByID(ctx, r.AgencyID); err != nil {
		s.fail(c, err)
		return
	}
	d.Archive = s.cfg.RequestZip != nil
	if d.Share, d.Board, err = s.store.LinksOf(ctx, r); err != nil {
		s.fail(c, err)
		return
	}
	if d.Share != nil {
		d.ShareMade = stamp(d.Share.CreatedAt, s.orgLocation(c))
		if d.CanWrite {
			d.ShareLink = s.shareLink(c, d.Share.Token)
			d.ShareExpiryForm = newReqForm("share-expiry", url.Values{"expires_on": {dateValue(d.Share.ExpiresOn)}})
		}
		d.Share.Token = "" // the link is for those who may share it
	}
	if d.Board != nil {
		if d.CanWrite {
			d.BoardLink = s.shareLink(c, "board/"+d.Board.Token)
			d.BoardExpiryForm = newReqForm("board-expiry", url.Values{"expires_on": {dateValue(d.Board.ExpiresOn)}})
		}
		d.Board.Token = ""
	}
	if r.GroupID != nil {
		group, err := s.groupOf(c, r)
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Group = newGroupPanel(group, s.store.Clock().Now())
	}
	var final []string
	for _, st := range d.Allowed {
		if len(st.Allowed()) == 0 {
			final = append(final, strings.ReplaceAll(string(st), "_", " "))
		}
	}
	if n := len(final); n > 1 {
		d.FinalWords = strings.Join(final[:n-1], ", ") + " and " + final[n-1] + " are final"
	} else if n == 1 {
		d.FinalWords = final[0] + " is final"
	}
	d.Today = deadline.Today(s.store.Clock().Now(), d.Agency.Location())
	d.Law, _ = deadline.Lookup(r.Jurisdiction)
	d.Pauses = r.Pauses
	if r.Paused() {
		d.PausedSince = r.Pauses[len(r.Pauses)-1].From
	}
	res, ok, err := r.Deadline()
	switch {
	case err != nil:
		d.EngineError = err.Error()
	case ok:
		d.HasClock = true
		d.Steps = explainSteps(res)
		d.ClockPaused = res.Paused
		if res.Paused && res.Remaining > 0 && d.Law != nil { // none left: the period ran before the pause
			d.Remaining = d.Law.Days(res.Remaining, d.Law.Unit)
		}
	}
	if d.Law != nil {
		switch {
		case !r.Status.Open() && !r.Extended:
			// A closed request can no longer be extended.
			d.ExtensionStated = "Not extended."
		case r.Extended:
			d.ExtensionStated = "Extended on " + r.ExtensionInvokedOn.Format("Mon 2 Jan 2006")
			if d.Law.Extension != nil {
				d.ExtensionStated += ": " + d.Law.Days(d.Law.Extension.Days, d.Law.Extension.Unit) + " more (" + d.Law.Extension.Citation + ")."
			}
		case d.Law.Extension != nil:
			d.ExtensionStated = "Not extended. The agency may extend once by " +
				d.Law.Days(d.Law.Extension.Days, d.Law.Extension.Unit) + " (" + d.Law.Extension.Citation + ")."
		case !d.Law.HasDeadline():
			d.ExtensionStated = "No fixed extension: the law sets no statutory date. Record a date agreed with the agency as a custom due date."
		case d.Law.MetByAcknowledgment:
			d.ExtensionStated = "No fixed extension: " + d.Law.NoExtension + ". Record the date the agency gives as its estimate, under Edit details."
		default:
			d.ExtensionStated = "No fixed extension: " + d.Law.NoExtension + ". Record a date the agency announces as a custom due date."
		}
		d.ExtensionStated = withoutDecisions(d.ExtensionStated)
	}
	if d.Users, err = s.store.FindUsers(ctx); err != nil {
		s.fail(c, err)
		return
	}
	me := ""
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		me = p.UserID
	}
	for _, u := range d.Users {
		current := r.AssigneeID != nil && u.ID == *r.AssigneeID
		if current {
			d.Assignee = choiceLabel(u)
		}
		if u.Active || current {
			d.Assignable = append(d.Assignable, u)
		}
		if u.Active && u.ID != me {
			d.Mentionable = append(d.Mentionable, u)
		}
	}
	events, err := s.store.FindTimeline(ctx, r.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The page shows at most messageExcerpt bytes of a body; reading one
	// character more than that many lets excerpt see, and mark, the cut.
	if d.Comms, err = s.store.FindCommunicationsBrief(ctx, r.ID, messageExcerpt+1); err != nil {
		s.fail(c, err)
		return
	}
	docs, _, err := s.store.FindDocuments(ctx, r.ID, store.All, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	var top []*sunshine.Document
	top, d.Unpacked = splitUnpacked(docs)
	d.Timeline = buildTimeline(events, d.Comms, top, d.Users, d.Agency.Location(), tolls(d.R.Jurisdiction))
	d.Documents = documentsOf(d.Timeline)
	d.DocCount = len(docs)
	for _, doc := range docs {
		if doc.Shared {
			d.SharedDocs++
		}
	}
	for _, pd := range d.Documents {
		if pd.Doc.ReceivedFrom != nil && pd.Doc.CommunicationID == nil && !pd.Doc.Bounce {
			d.ToLog = append(d.ToLog, pd.Doc)
		}
	}
	letters, err := s.store.LetterEmailsOf(ctx, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, e := range letters {
		d.Letters = append(d.Letters, newLetterNotice(r, d.Agency, e))
	}

	today := d.Today.String()
	// No direction or kind is chosen for the person: logging a kind can
	// change the status (an acknowledgment, a release, a denial), so it
	// must be chosen, never submitted by default.
	d.CommForm = newReqForm("comm", url.Values{"channel": {"email"}, "occurred_on": {today}})
	d.EmailForm = newReqForm("email", nil)
	if id := c.Query("email"); id != "" && c.Request.Method == http.MethodGet && d.CanWrite {
		if err := s.fillFromEmail(ctx, d, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	d.UploadForm = newReqForm("upload", nil)
	d.UploadLimit = sunshine.FileSize(s.cfg.UploadLimit)
	if s.cfg.UploadLimit%(1<<20) == 0 {
		d.UploadLimit = strconv.FormatInt(s.cfg.UploadLimit>>20, 10) + " MiB" // as the refusal says it
	}
	// Offered only where there is an extension to invoke; the facts above
	// say why not (no fixed extension: a custom due date instead).
	if d.Law != nil && d.Law.Extension != nil && !r.Extended && r.Status.Open() && !r.ReceivedOn.IsZero() {
		d.ExtendForm = newReqForm("extend", url.Values{"invoked_on": {today}})
	}
	if r.Extended && r.Status.Open() {
		d.UndoExtendForm = newReqForm("unextend", nil)
	}
	change := url.Values{"effective_on": {today}}
	if r.Status == sunshine.StatusDraft {
		// What a draft waits for: its received date, to be submitted.
		change.Set("to", string(sunshine.StatusSubmitted))
	}
	d.StatusForm = newReqForm("status", change)
	assignee := ""
	if r.AssigneeID != nil {
		assignee = *r.AssigneeID
	}
	d.AssignForm = newReqForm("assign", url.Values{"assignee_id": {assignee}})
	d.EditForm, d.DetailFields = newReqForm("edit", detailValues(r)), detailFields
	custom := ""
	if !r.CustomDueOn.IsZero() {
		custom = r.CustomDueOn.String()
	}
	if r.Status.Open() || !r.CustomDueOn.IsZero() { // a closed request takes no new date; one set can be cleared
		d.CustomForm = newReqForm("custom", url.Values{"date": {custom}, "reason": {r.CustomDueReason}})
	}
	d.NoteForm = newReqForm("note", nil) // open or closed: a note after closing is normal
	if err := s.loadAutoFollowUp(c, d); err != nil {
		s.fail(c, err)
		return
	}
	d.WatchForm = newReqForm("watch", nil)
	if d.Watchers, err = s.store.Watchers(ctx, r.ID); err != nil {
		s.fail(c, err)
		return
	}
	if p, ok := sunshine.PrincipalFrom(ctx); ok {
		for _, w := range d.Watchers {
			d.Watching = d.Watching || w.ID == p.UserID
		}
		d.Me, d.AssignedMe = p.UserID, r.AssigneeID != nil && *r.AssigneeID == p.UserID
	}
	if err := s.loadTodos(c, d); err != nil {
		s.fail(c, err)
		return
	}
	recipients, err := s.store.ReminderRecipients(ctx, r.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	d.RemindersTo = remindersTo(r, d.Users, d.Watchers, recipients)
	if edit != nil {
		edit(d)
	}
	// A refused log of an email's communication: what it was read from,
	// again.
	if id := d.CommForm.V("email_document_id"); d.Email == nil && id != "" && d.CanWrite {
		d.LogOpen = true
		if ed, err := s.store.ReadEmailDocument(ctx, r.ID, id); err == nil {
			d.Email = newEmailNote(ed)
		}
	}
	s.render(c, status, "request", r.Title, d)
}

// remindersTo says who gets r's reminders, as the planner chooses them
// (store.ReminderRecipients, to): the assignee and the watchers, or, when
// there is neither, every active admin of the organization. users are the
// organization's people (for names, and a deactivated assignee),
// watchers r's active watchers.
func remindersTo(r *sunshine.Request, users, watchers []*sunshine.User, recipients []store.Recipient) string {
	name := func(u *sunshine.User) string {
		if u.Name != "" {
			return u.Name
		}
		return u.Email
	}
	why, kinds := map[string]string{}, map[string]string{}
	for _, rc := range recipients {
		why[rc.UserID], kinds[rc.UserID] = rc.Why, kindsChosen(rc.Kinds)
	}
	// with names a recipient with their part, and the kinds they chose
	// when they did not choose them all.
	with := func(u *sunshine.User, part string) string {
		switch {
		case part == "":
			part = kinds[u.ID]
		case kinds[u.ID] != "":
			part += "; " + kinds[u.ID]
		}
		if part == "" {
			return name(u)
		}
		return name(u) + " (" + part + ")"
	}
	var to, admins []string
	var gone string           // a deactivated assignee, who gets nothing
	for _, u := range users { // in the users' order: the assignee first
		switch {
		case r.AssigneeID != nil && u.ID == *r.AssigneeID && !u.Active:
			gone = name(u)
		case why[u.ID] == store.RecipientAssignee:
			role := "assigned"
			if slices.ContainsFunc(watchers, func(w *sunshine.User) bool { return w.ID == u.ID }) {
				role = "assigned, watching"
			}
			to = append([]string{with(u, role)}, to...)
		case why[u.ID] == store.RecipientAdmin:
			admins = append(admins, with(u, ""))
		}
	}
	for _, w := range watchers { // in the order they started watching
		if why[w.ID] == store.RecipientWatcher {
			to = append(to, with(w, "watching"))
		}
	}
	var s string
	if len(to) > 0 {
		s = "Reminders go to " + sunshine.AndList(to) + "."
	} else {
		switch len(admins) {
		case 0:
			s = "Nobody is assigned or watching, and the organization has no active admin: nobody gets the reminders."
		case 1:
			s = "Nobody is assigned or watching: reminders go to the admin, " + admins[0] + "."
		default:
			s = "Nobody is assigned or watching: reminders go to the admins, " + sunshine.AndList(admins) + "."
		}
		if gone != "" {
			s = "The assignee, " + gone + ", is deactivated and gets none. " + s
		}
	}
	switch {
	case !r.Status.Open():
		return "The request is closed: no more reminders."
	case r.Status == sunshine.StatusDraft:
		return "A draft gets no reminders. Once it is submitted: " + s
	}
	return s
}

// kindShort names each per-request reminder kind in a few words.
var kindShort = map[string]string{
	sunshine.ReminderDueSoon: "due soon", sunshine.ReminderDueToday: "due today", sunshine.ReminderOverdue: "overdue",
	sunshine.ReminderExtensionEnding: "extension ending", sunshine.ReminderEstimatePassed: "estimate passed",
	sunshine.ReminderAwaiting: "waiting on us",
}

// kindsChosen says which of a request's reminders a person gets when they
// chose only some kinds in their preferences ("only overdue and due
// today"), or none; "" when they get them all (chosen is nil when they
// never chose).
func kindsChosen(chosen []string) string {
	if chosen == nil {
		return ""
	}
	var gets []string
	for _, k := range sunshine.ReminderKinds {
		if short, ok := kindShort[k]; ok && slices.Contains(chosen, k) {
			gets = append(gets, short)
		}
	}
	switch len(gets) {
	case 0:
		return "has turned these reminders off"
	case len(kindShort):
		return ""
	}
	return "only " + sunshine.AndList(gets)
}

func userLabel(u *sunshine.User) string {
	if u.Name != "" {
		return u.Name + " (" + u.Email + ")"
	}
	return u.Email
}

// choiceLabel names a user among current choices (assignee, filters),
// where someone who left is marked; the history names them plainly.
func choiceLabel(u *sunshine.User) string {
	if !u.Active {
		return userLabel(u) + ", deactivated"
	}
	return userLabel(u)
}

// buildTimeline merges events, communications and documents in date order.
// Events that only say a communication or document was added are left out:
// the communication or document itself is shown. clockStops: waiting on
// the requester stops this law's clock.
func buildTimeline(events []*sunshine.Event, comms []*sunshine.Communication, docs []*sunshine.Document,
	users []*sunshine.User, loc *time.Location, clockStops bool) []timelineItem {
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = userLabel(u)
	}
	var out []timelineItem
	byComm := map[string]*timelineItem{}
	commItems := make([]timelineItem, len(comms))
	for i, cm := range comms {
		commItems[i] = timelineItem{On: cm.OccurredOn, At: cm.CreatedAt, Comm: cm}
	}
	for i := range commItems {
		byComm[commItems[i].Comm.ID] = &commItems[i]
	}
	var loose []timelineItem
	for _, doc := range docs {
		if doc.CommunicationID != nil {
			if it, ok := byComm[*doc.CommunicationID]; ok {
				it.Docs = append(it.Docs, doc)
				continue
			}
		}
		loose = append(loose, timelineItem{On: deadline.Today(doc.CreatedAt, loc), At: doc.CreatedAt, Doc: doc})
	}
	out = append(out, commItems...)
	out = append(out, loose...)
	var lastOn, lastComputedOn deadline.Date
	for _, e := range events {
		on := e.EffectiveOn
		if on.IsZero() {
			on = deadline.Today(e.CreatedAt, loc)
		}
		// A computed due date belongs with the change that caused it,
		// not on the (future) day it names: the event before it, or a
		// change to the agency's closure days, made the day it was recorded.
		if e.Kind == sunshine.EventDeadlineComputed {
			switch {
			case closureCaused(e):
				on = deadline.Today(e.CreatedAt, loc)
			case !lastOn.IsZero():
				on = lastOn
			}
			// Never before a due date computed earlier: a back-dated cause
			// (an extension notice logged days later) would otherwise put
			// its new date above an older one, and the timeline would end
			// on a date that is no longer the due date.
			if on.Before(lastComputedOn) {
				on = lastComputedOn
			}
			lastComputedOn = on
		}
		// An agreed date recorded before 2026-11-28 took effect on the date
		// it names; it belongs on the day it was set.
		if set := deadline.Today(e.CreatedAt, loc); e.Kind == sunshine.EventCustomDueSet && on.After(set) {
			on = set
		}
		lastOn = on
		if (e.Kind == sunshine.EventCommunication && !e.EmailedLetter()) || e.Kind == sunshine.EventDocumentAdded ||
			e.Kind == sunshine.EventArchiveUnpacked {
			continue // the communication or document itself is the entry (an archive lists its files)
		}
		text := e.Text(clockStops, names)
		if e.ActorID != nil && names[*e.ActorID] != "" {
			text += " — " + names[*e.ActorID]
		}
		it := timelineItem{On: on, At: e.CreatedAt, Event: e, Text: text}
		if e.Kind == sunshine.EventNoteAdded {
			it.Note, it.Written = e.Note, e.CreatedAt.In(loc).Format("15:04 MST")
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].On.Compare(out[j].On); c != 0 {
			return c < 0
		}
		return out[i].At.Before(out[j].At)
	})
	return out
}

// thousands matches a comma between digit groups in an amount: 1,250.00.
var thousands = regexp.MustCompile(`(\d),(\d{3})\b`)

// typedFee is a fee amount as a person writes it ("$1,250.00"), without
// the symbol and the thousands commas; "" when none was typed.
func typedFee(raw string) string {
	return thousands.ReplaceAllString(strings.TrimPrefix(strings.TrimSpace(raw), "$"), "${1}${2}")
}

// typedLines is a textarea of one item per line (exemptions cited),
// without blank lines and surrounding spaces; nil when it has none.
func typedLines(raw string) []string {
	var out []string
	for _, line := range strings.Split(raw, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// closureCaused reports a due date moved by a change to the agency's
// closure days (its data names the closure).
func closureCaused(e *sunshine.Event) bool {
	var data struct {
		Closure *struct{} `json:"closure"`
	}
	return json.Unmarshal(e.Data, &data) == nil && data.Closure != nil
}

func requestPath(id string) string { return "/requests/" + url.PathEscape(id) }

// actionFailed shows the request page again with a form's errors, or the
// error page when the error is not about the form.
func (s *Server) actionFailed(c *gin.Context, f *reqForm, err error, set func(d *requestPageData, f *reqForm)) {
	s.actionFailedOn(c, c.Param("id"), f, err, set)
}

// actionFailedOn is actionFailed for a form of a thing on request id's page
// whose address names the thing (a to-do), not the request.
func (s *Server) actionFailedOn(c *gin.Context, id string, f *reqForm, err error, set func(d *requestPageData, f *reqForm)) {
	status := http.StatusBadRequest
	if err != nil {
		if status = f.fail(err); status == 0 {
			s.fail(c, err)
			return
		}
	}
	s.renderRequest(c, id, status, func(d *requestPageData) { set(d, f) })
}

func (s *Server) handleCommunicationCreate(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("comm", c.Request.PostForm)
	in := sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.Direction(f.V("direction")),
		Channel:   f.V("channel"),
		Kind:      sunshine.CommKind(f.V("kind")),
		From:      strings.TrimSpace(f.V("from")),
		To:        strings.TrimSpace(f.V("to")),
		Subject:   strings.TrimSpace(f.V("subject")),
		Body:      f.V("body"),
	}}
	if in.Direction == "" {
		f.Errors["direction"] = "is required: choose From the agency or From us"
	}
	if in.Kind == "" {
		f.Errors["kind"] = "is required: choose what the message is, such as an acknowledgment or a records release"
	}
	in.OccurredOn = f.parseDateField("occurred_on")
	in.CustomDueOn = f.parseDateField("custom_due_on")
	in.TrackingNumber = strings.TrimSpace(f.V("tracking_number"))
	in.AgencyEstimatedOn = f.parseDateField("agency_estimated_on")
	if in.Direction == sunshine.DirectionOut {
		for _, name := range []string{"tracking_number", "agency_estimated_on"} {
			if f.V(name) != "" {
				f.Errors[name] = "applies only to a message from the agency"
			}
		}
	}
	in.ExemptionsCited = typedLines(f.V("exemptions_cited"))
	if fee := typedFee(f.V("fee_amount")); fee != "" {
		in.FeeAmount = &fee
	}
	if rs := f.V("resulting_status"); rs != "" {
		in.ResultingStatus = sunshine.Status(rs)
		if !slices.Contains(sunshine.ClosedStatuses, in.ResultingStatus) {
			f.Errors["resulting_status"] = "must be a closed status"
		}
	}
	if in.Kind != sunshine.KindRecordsRelease && in.ResultingStatus != "" {
		f.Errors["resulting_status"] = "applies only to a records release"
	}
	if in.Kind != sunshine.KindExtensionNotice && !in.CustomDueOn.IsZero() {
		f.Errors["custom_due_on"] = "applies only to an extension notice"
	}
	in.EmailDocumentID = strings.TrimSpace(f.V("email_document_id"))
	set := func(d *requestPageData, f *reqForm) { d.CommForm = f }
	if f.HasErrors() {
		// Check the rest too, so every mistake shows at once.
		if err := in.Communication.Validate(); err != nil {
			f.fail(err)
		}
		s.actionFailed(c, f, nil, set)
		return
	}
	ctx := ctxOf(c)
	// Read from an email: it is attached to the communication, and its
	// attachments stored with it, in the communication's transaction.
	var attach []*store.SpooledDocument
	defer func() {
		for _, a := range attach {
			a.Remove()
		}
	}()
	var email *store.EmailDocument
	if in.EmailDocumentID != "" {
		var err error
		if email, err = s.store.ReadEmailDocument(ctx, c.Param("id"), in.EmailDocumentID); err == nil {
			attach, err = email.SpoolAttachments(ctx)
		}
		if err != nil {
			s.actionFailed(c, f, err, set)
			return
		}
		// A refusal shows the email's note from what was read here, not
		// read again (renderRequest reads it only when nothing did).
		set = func(d *requestPageData, f *reqForm) { d.CommForm, d.Email = f, newEmailNote(email) }
	}
	cm, r, err := s.store.CreateCommunication(ctx, c.Param("id"), in, attach...)
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	note := "Logged the " + cm.Kind.Words() + " of " + cm.OccurredOn.Format("Mon 2 Jan 2006") + "."
	if email != nil {
		note += " Attached the email, " + email.Document.Filename
		if names := email.AttachmentNames(); len(names) > 0 {
			note += ", and its attachments: " + strings.Join(names, ", ")
		}
		note += "."
		wait, cancel := s.textWaiting(ctx)
		defer cancel()
		for _, a := range attach {
			if doc := a.Document(); doc != nil {
				s.extractDocumentText(wait, doc)
			}
		}
	}
	if in.TrackingNumber != "" {
		note += " Tracking number: " + r.TrackingNumber + "."
	}
	if !in.AgencyEstimatedOn.IsZero() {
		note += " Agency's estimate: " + r.AgencyEstimatedOn.Format("Mon 2 Jan 2006") + "."
	}
	if cm.Kind == sunshine.KindExtensionNotice && r.ExtensionNoticeLate(cm.OccurredOn) {
		note += " It came after the original due date, " + r.DueOn.Format("Mon 2 Jan 2006") + ", too late to extend it, so the request stays due then."
		if !in.CustomDueOn.IsZero() {
			note += " The date it announced, " + in.CustomDueOn.Format("Mon 2 Jan 2006") + ", is kept in the timeline; if you accept it, set it as the custom due date."
		}
	}
	s.redirectBack(c, requestPath(c.Param("id")), note)
}

func (s *Server) handleExtension(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("extend", c.Request.PostForm)
	on := f.parseDateField("invoked_on")
	set := func(d *requestPageData, f *reqForm) {
		d.ExtendForm = f
		d.SuggestCustom = sunshine.ErrorCode(f.err) == sunshine.EUnprocessable
	}
	if f.HasErrors() {
		s.actionFailed(c, f, nil, set)
		return
	}
	r, err := s.store.ExtendRequest(ctxOf(c), c.Param("id"), on, strings.TrimSpace(f.V("reason")))
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	s.redirectBack(c, requestPath(r.ID), "Extension recorded: "+nowDue(r)+".")
}

// nowDue says what a change left as the due date, for the note after it.
func nowDue(r *sunshine.Request) string {
	switch due := r.EffectiveDueOn(); {
	case !due.IsZero():
		return "now due " + due.Format("Mon 2 Jan 2006")
	case r.Paused():
		return "the due date is set when the clock resumes"
	}
	return "no due date"
}

// handleUndoExtension takes back an extension recorded by mistake.
func (s *Server) handleUndoExtension(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("unextend", c.Request.PostForm)
	set := func(d *requestPageData, f *reqForm) { d.UndoExtendForm = f }
	r, err := s.store.UndoExtension(ctxOf(c), c.Param("id"), strings.TrimSpace(f.V("reason")))
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	s.redirectBack(c, requestPath(r.ID), "Extension undone: "+nowDue(r)+".")
}

// handleNote adds an internal note to the request's timeline, and shows
// the page again at the note.
func (s *Server) handleNote(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("note", c.Request.PostForm)
	e, err := s.store.AddNote(ctxOf(c), c.Param("id"), f.V("text"), f.Values["mention_ids"]...)
	if err != nil {
		s.actionFailed(c, f, err, func(d *requestPageData, f *reqForm) { d.NoteForm = f })
		return
	}
	note := "Note added to the timeline."
	// (the note is saved: a failure to name them must not invite adding
	// it again)
	if told, err := s.mentionedNames(c, e); err == nil && told != "" {
		note = "Note added to the timeline, for " + told + "."
	}
	s.redirectBackLink(c, requestPath(e.RequestID), note, &noteLink{"#event-" + e.ID, "See it"})
}

// mentionedNames names the people a note mentions, as its timeline line
// does ("Maria López and José Ortiz"); "" for none.
func (s *Server) mentionedNames(c *gin.Context, e *sunshine.Event) (string, error) {
	var data struct {
		MentionIDs []string `json:"mention_ids"`
	}
	if err := json.Unmarshal(e.Data, &data); err != nil || len(data.MentionIDs) == 0 {
		return "", nil
	}
	users, err := s.store.FindUsers(ctxOf(c))
	if err != nil {
		return "", err
	}
	var names []string
	for _, id := range data.MentionIDs {
		if i := slices.IndexFunc(users, func(u *sunshine.User) bool { return u.ID == id }); i >= 0 {
			names = append(names, cmp.Or(users[i].Name, users[i].Email))
		}
	}
	return sunshine.AndList(names), nil
}

func (s *Server) handleStatus(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("status", c.Request.PostForm)
	in := sunshine.TransitionInput{To: sunshine.Status(f.V("to")), Note: strings.TrimSpace(f.V("note"))}
	in.EffectiveOn = f.parseDateField("effective_on")
	in.ReceivedOn = f.parseDateField("received_on")
	if in.To == "" {
		f.Errors["to"] = "choose the new status"
	}
	set := func(d *requestPageData, f *reqForm) { d.StatusForm = f }
	if f.HasErrors() {
		s.actionFailed(c, f, nil, set)
		return
	}
	r, err := s.store.TransitionRequest(ctxOf(c), c.Param("id"), in)
	if err != nil {
		if sunshine.ErrorCode(err) == sunshine.EConflict {
			f.Errors["to"] = sunshine.ErrorMessage(err)
		}
		s.actionFailed(c, f, err, set)
		return
	}
	s.redirectBack(c, requestPath(r.ID), "Status changed to "+strings.ReplaceAll(string(r.Status), "_", " ")+".")
}

func (s *Server) handleAssign(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("assign", c.Request.PostForm)
	id := strings.TrimSpace(f.V("assignee_id"))
	set := func(d *requestPageData, f *reqForm) { d.AssignForm = f }
	upd := sunshine.RequestUpdate{AssigneeID: &id, AssignmentNote: strings.TrimSpace(f.V("assignment_note"))}
	// A page opened before a colleague took the request does not take it
	// back from them unseen: the form says whom it found assigned, and the
	// store changes the request only if it still is (checked under the
	// request's lock, so two people taking it at once cannot both pass).
	if was, ok := c.Request.PostForm["was_assignee_id"]; ok {
		w := strings.TrimSpace(was[0])
		upd.WasAssigneeID = &w
	}
	r, err := s.store.UpdateRequest(ctxOf(c), c.Param("id"), upd)
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	note := "The request is unassigned now."
	if who := r.AssigneeShown(); who != "" {
		note = "Assigned to " + who + "."
	}
	s.redirectBack(c, requestPath(r.ID), note)
}

// loadAutoFollowUp fills the page's automatic follow-ups panel.
func (s *Server) loadAutoFollowUp(c *gin.Context, d *requestPageData) error {
	a, err := s.store.FindAutoFollowUp(ctxOf(c), d.R.ID)
	if err != nil {
		return err
	}
	d.AutoFollowUp, d.AutoFollowUpEvery = a, autoFollowUpDays
	every := "14"
	switch {
	case a != nil:
		every = strconv.Itoa(a.EveryDays)
		for _, u := range d.Users {
			if u.ID == a.SignerID {
				d.AutoFollowUpSigner = cmp.Or(u.Name, u.Email)
			}
		}
		if a.Held != "" {
			d.AutoFollowUpWhyNot = "None goes now: " + a.Held.Words() + "."
		}
	case d.Agency.Email == "":
		d.AutoFollowUpWhyNot = d.Agency.Name + " has no email address: add one on its page for follow-ups to go."
	}
	if sunshine.CheckLetter(d.R, sunshine.LetterFollowUp) == nil {
		d.AutoFollowUpForm = newReqForm("autofollowup", url.Values{"every_days": {every}})
	}
	return nil
}

// autoFollowUpDays are the periods the page offers, in days.
var autoFollowUpDays = []string{"7", "14", "21", "30", "45", "60", "90"}

// everyDays is the period of automatic follow-ups a form chose
// (every_days); false, with the field's error, for none.
func everyDays(f *reqForm) (int, bool) {
	days, err := strconv.Atoi(f.V("every_days"))
	if err != nil || days == 0 {
		f.Errors["every_days"] = "choose how many days without news between follow-ups"
		return 0, false
	}
	return days, true
}

// handleAutoFollowUp turns a request's automatic follow-ups on, changes
// how often they go, or (stop) turns them off.
func (s *Server) handleAutoFollowUp(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("autofollowup", c.Request.PostForm)
	set := func(d *requestPageData, f *reqForm) { d.AutoFollowUpForm = f }
	if c.PostForm("stop") != "" {
		if err := s.store.StopAutoFollowUp(ctxOf(c), c.Param("id")); err != nil {
			s.actionFailed(c, f, err, set)
			return
		}
		s.redirectBackLink(c, requestPath(c.Param("id")), "Automatic follow-ups stopped.", &noteLink{"#auto-follow-up", "See"})
		return
	}
	every, ok := everyDays(f)
	if !ok {
		s.actionFailed(c, f, nil, set)
		return
	}
	a, err := s.store.SetAutoFollowUp(ctxOf(c), c.Param("id"), every)
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	note := fmt.Sprintf("Automatic follow-ups on: every %d days without news once the request's date has passed.", a.EveryDays)
	if a.NextOn != nil {
		note += " The next goes on " + a.NextOn.Format("Mon 2 Jan 2006") + " if nothing comes before."
	}
	s.redirectBackLink(c, requestPath(c.Param("id")), note, &noteLink{"#auto-follow-up", "See"})
}

func (s *Server) handleWatch(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	watch := c.PostForm("watch") != "0"
	if err := s.store.Watch(ctxOf(c), c.Param("id"), watch); err != nil {
		s.actionFailed(c, newReqForm("watch", nil), err, func(d *requestPageData, f *reqForm) { d.WatchForm = f })
		return
	}
	note := "You watch this request: its reminders come to you (and no longer to the admins, if they were getting them for want of anyone)."
	if !watch {
		note = "You no longer watch this request."
	}
	s.redirectBack(c, requestPath(c.Param("id")), note)
}

func (s *Server) handleCustomDue(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("custom", c.Request.PostForm)
	on := f.parseDateField("date")
	if c.PostForm("clear") != "" {
		on = deadline.Date{}
		delete(f.Errors, "date")
	}
	set := func(d *requestPageData, f *reqForm) { d.CustomForm = f }
	if f.HasErrors() {
		s.actionFailed(c, f, nil, set)
		return
	}
	r, err := s.store.SetCustomDueOn(ctxOf(c), c.Param("id"), on, strings.TrimSpace(f.V("reason")))
	if err != nil {
		s.actionFailed(c, f, err, set)
		return
	}
	note := "Custom due date cleared: the statutory date applies."
	if !r.CustomDueOn.IsZero() {
		note = fmt.Sprintf("Custom due date set: %s.", r.CustomDueOn.Format("Mon 2 Jan 2006"))
	}
	s.redirectBack(c, requestPath(r.ID), note)
}

// detailFields are the details form's fields, in its order.
var detailFields = []string{"title", "description", "tracking_number", "external_id", "tags", "agency_estimated_on", "sent_on", "received_on"}

// detailValue is a details field of r as the form shows it.
func detailValue(r *sunshine.Request, name string) string {
	date := func(d deadline.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	switch name {
	case "title":
		return r.Title
	case "description":
		return r.Description
	case "tracking_number":
		return r.TrackingNumber
	case "external_id":
		if r.ExternalID != nil {
			return *r.ExternalID
		}
	case "tags":
		return strings.Join(r.Tags, ", ")
	case "agency_estimated_on":
		return date(r.AgencyEstimatedOn)
	case "sent_on":
		return date(r.SentOn)
	case "received_on":
		return date(r.ReceivedOn)
	}
	return ""
}

// sameDetail compares two values of a details field as a person reads
// them (sameText), tags in any spacing.
func sameDetail(name, a, b string) bool {
	if name == "tags" {
		a, b = strings.Join(splitTags(a), ", "), strings.Join(splitTags(b), ", ")
	}
	return sameText(a, b)
}

// setDetail puts a changed details field, as typed, into upd.
func setDetail(upd *sunshine.RequestUpdate, f *reqForm, name, typed string) {
	text := func(dst **string) {
		v := typed
		if name != "description" {
			v = strings.TrimSpace(v)
		}
		*dst = &v
	}
	date := func(dst **deadline.Date) {
		d := f.parseDateField(name)
		*dst = &d
	}
	switch name {
	case "title":
		text(&upd.Title)
	case "description":
		text(&upd.Description)
	case "tracking_number":
		text(&upd.TrackingNumber)
	case "external_id":
		text(&upd.ExternalID) // "" clears it
	case "tags":
		tags := splitTags(typed)
		upd.Tags = &tags
	case "agency_estimated_on":
		date(&upd.AgencyEstimatedOn)
	case "sent_on":
		date(&upd.SentOn)
	case "received_on":
		date(&upd.ReceivedOn)
	}
}

// detailValues fills the details form from the request as it is now. Each
// field also carries, hidden, the value it had when the form was filled
// ("was_title"): a save changes only what the person changed, so a
// colleague's change to another field meanwhile is kept, not overwritten.
func detailValues(r *sunshine.Request) url.Values {
	v := url.Values{}
	for _, name := range detailFields {
		if name == "received_on" && r.ReceivedOn.IsZero() {
			continue // a draft's form has none: submitting sets it
		}
		if name == "agency_estimated_on" && r.Status == sunshine.StatusDraft && r.AgencyEstimatedOn.IsZero() {
			continue // an agency estimates only what it has received
		}
		v.Set(name, detailValue(r, name))
		v.Set("was_"+name, detailValue(r, name))
	}
	return v
}

// handleRequestEdit saves the details form: the words, the agency's
// tracking number and estimate, tags, and corrected dates (a new receipt
// date recomputes the due date). Only the fields the person changed are
// saved. One that someone else also changed since the form was filled,
// to something else, is not: the page comes back with what was typed,
// names the field and shows its new value, so nothing is lost either way.
func (s *Server) handleRequestEdit(c *gin.Context) {
	if !s.canWrite(c) {
		return
	}
	_ = c.Request.ParseForm()
	f := newReqForm("edit", c.Request.PostForm)
	set := func(d *requestPageData, f *reqForm) { d.EditForm = f }
	ctx := ctxOf(c)
	for attempt := 0; ; attempt++ {
		r, err := s.store.FindRequestByID(ctx, c.Param("id"))
		if err != nil {
			s.fail(c, err)
			return
		}
		var upd sunshine.RequestUpdate
		changed := false
		for _, name := range detailFields {
			if !f.Values.Has(name) {
				continue
			}
			if !f.Values.Has("was_" + name) {
				f.Errors["_"] = "The form is missing what the request said when you opened it: reload the page and try again."
				continue
			}
			typed, was, now := f.V(name), f.V("was_"+name), detailValue(r, name)
			if sameDetail(name, typed, was) || sameDetail(name, typed, now) {
				continue // not changed here, or already so
			}
			if !sameDetail(name, was, now) {
				shown := now
				if shown == "" {
					shown = "nothing"
				}
				f.Errors[name] = "was changed by someone else meanwhile, to " + strconv.Quote(shown) + ": check it, then save again"
				f.Values.Set("was_"+name, now) // the next save replaces what is there now
				continue
			}
			changed = true
			setDetail(&upd, f, name, typed)
		}
		// Every mistake at once: the request's own rules over the
		// typed values, beside the malformed dates and conflicts above.
		if upd.Title != nil || upd.Description != nil || upd.TrackingNumber != nil || upd.ExternalID != nil || upd.Tags != nil {
			probe := *r
			if upd.Title != nil {
				probe.Title = *upd.Title
			}
			if upd.Description != nil {
				probe.Description = *upd.Description
			}
			if upd.TrackingNumber != nil {
				probe.TrackingNumber = *upd.TrackingNumber
			}
			if upd.ExternalID != nil {
				probe.ExternalID = upd.ExternalID
			}
			if upd.Tags != nil {
				probe.Tags = *upd.Tags
			}
			probe.SentOn, probe.ReceivedOn = deadline.Date{}, deadline.Date{} // the dates are the store's to check
			if err := probe.Validate(); err != nil {
				f.fail(err)
			}
		}
		if f.HasErrors() {
			status := http.StatusBadRequest
			for _, name := range detailFields {
				if strings.HasPrefix(f.Errors[name], "was changed by someone else") {
					status = http.StatusConflict
				}
			}
			s.renderRequest(c, c.Param("id"), status, func(d *requestPageData) { d.EditForm = f })
			return
		}
		if !changed {
			s.redirectBack(c, requestPath(r.ID), "Nothing changed.")
			return
		}
		// Conditional on the request as just read: a change landing in
		// between is merged by reading it again.
		out, err := s.store.UpdateRequest(store.WithIfMatch(ctx, r.Version), r.ID, upd)
		if sunshine.ErrorCode(err) == sunshine.EPrecondition && attempt < 3 {
			continue
		}
		if err != nil {
			s.actionFailed(c, f, err, set)
			return
		}
		note := "Details saved."
		if upd.ReceivedOn != nil && !out.DueOn.IsZero() { // a corrected receipt date moves it: say where it is
			note += " Statutory due date: " + out.DueOn.Format("Mon 2 Jan 2006") + "."
		}
		s.redirectBack(c, requestPath(out.ID), note)
		return
	}
}

// decisionRef matches the engine's references to its design decisions
// ("(decision A8)", "decision A1: ", "; decision A1" at the end of a
// citation), which docs/deadlines.md explains but mean nothing on a page.
var decisionRef = regexp.MustCompile(` ?\(decision A[0-9]+\)|decision A[0-9]+: |; decision A[0-9]+`)

func withoutDecisions(s string) string { return decisionRef.ReplaceAllString(s, "") }

// explainSteps is a computed due date's explanation as the pages show it
// (the request page and the new-request preview): the engine's steps,
// without its references to design decisions.
func explainSteps(res deadline.Result) []string {
	steps := res.Explain()
	for i := range steps {
		steps[i] = withoutDecisions(steps[i])
	}
	return steps
}

// dateValue is an optional date as a date input's value.
func dateValue(d *deadline.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
