package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/sunshine-records/sunshine/deadline"
)

// Reminder kinds.
const (
	KindDueSoon              = "due_soon"
	KindDueToday             = "due_today"
	KindOverdue              = "overdue"
	KindExtensionEnding      = "extension_ending"
	KindAgencyEstimatePassed = "agency_estimate_passed"
	KindAwaitingRequester    = "awaiting_requester"
	// KindAssigned tells a person a request was assigned to them.
	KindAssigned = "assigned"
)

// Kinds lists every reminder kind RenderReminder knows.
var Kinds = []string{
	KindDueSoon, KindDueToday, KindOverdue,
	KindExtensionEnding, KindAgencyEstimatePassed, KindAwaitingRequester, KindAssigned,
}

// Why a person gets a request's reminder (ReminderData.Why).
const (
	WhyAssignee = "assignee" // assigned to the request
	WhyWatcher  = "watcher"  // watches it
	// WhyAdmin: an admin of the organization, and nobody is assigned to
	// the request or watches it. The email says how to hand it on.
	WhyAdmin = "admin"
)

// ReminderData is what a reminder email says about one request.
type ReminderData struct {
	Kind          string // one of Kinds
	RecipientName string
	OrgName       string
	RequestTitle  string
	AgencyName    string
	LawShort      string        // "CPRA", "FOIA"
	Citation      string        // "Gov. Code 7922.535(a)"
	Status        string        // "awaiting requester", as people read it
	DueOn         deadline.Date // the effective due date
	// StatutoryMet: DueOn is the statutory date, met by the agency's
	// acknowledgment under a law that accepts one (FOIL, the PRA); the
	// agency's estimate (EstimatedOn) is the date to follow. When the
	// acknowledgment came after DueOn, AcknowledgedLateOn is its day: the
	// date was missed, though the estimate is still followed.
	StatutoryMet       bool
	AcknowledgedLateOn deadline.Date
	// Custom: DueOn is a date agreed with or announced by the agency (a
	// custom due date), not the law's; CustomReason says why, if known.
	Custom       bool
	CustomReason string
	Extended     bool
	// ExtensionCitation cites the law's extension (extension_ending).
	ExtensionCitation string
	// Tolls: the law stops the clock while the agency waits on us.
	Tolls bool
	// WaitedFrom and WaitedTo: the wait on us during which DueOn passed
	// (Request.WaitedPastDue), zero when it did not: an overdue email
	// then does not say the agency alone missed its deadline.
	WaitedFrom, WaitedTo deadline.Date
	// AgencyEmail and AgencyPortal are where to follow up, when known.
	AgencyEmail, AgencyPortal string
	// Why says why the recipient gets the email: WhyAssignee, WhyWatcher
	// or WhyAdmin; "" says they follow the organization's requests.
	Why string
	// Todo says what to do about a request with no date to follow ("set a
	// custom due date"), where the email shows its dates (assigned).
	Todo string
	// AssignedBy names who assigned the request (assigned), "" when unknown.
	AssignedBy string
	// AssignmentNote is what the person who assigned the request wrote to
	// its new assignee (assigned), "" for none.
	AssignmentNote   string
	BusinessDaysLeft int // for due_soon / extension_ending
	// DaysOverdue is how many calendar days the request is past DueOn, on
	// Today: for overdue, and for assigned when the request is already
	// overdue (as Request.Overdue counts it; 0 otherwise), so the email
	// says so.
	DaysOverdue    int
	EstimatedOn    deadline.Date // agency_estimate_passed
	PausedSince    deadline.Date // awaiting_requester
	TrackingNumber string
	RequestURL     string // link to the request page
	PrefsURL       string
	// Today is the agency's date when the email is written: a subject names
	// a date's year only when it is not this one's.
	Today deadline.Date
}

// DigestItem is one request in a digest section.
type DigestItem struct {
	Title, AgencyName, Status, URL string
	// Assignee names who has the request (their name, else their email);
	// "" when nobody does: the digest says "unassigned".
	Assignee string
	// DueOn is the effective due date; beside EstimatedOn, the statutory
	// date the agency's acknowledgment met.
	DueOn       deadline.Date
	DaysOverdue int // > 0 when overdue
	// EstimatedOn is the agency's estimate, when it is the date to follow;
	// StatutoryMissed says the acknowledgment came after DueOn.
	EstimatedOn     deadline.Date
	StatutoryMissed bool
	// Todo says what gives a request with no date to follow one.
	Todo string
	// Group is the request's group (filed together with other agencies),
	// "" for none: RenderDigest lists a section's requests of one group
	// under one title, the first carrying the others in Also.
	Group string
	Also  []DigestItem
}

// collapseGroups puts the items of one group after the first of them, in
// its Also, where the first stands: the digest names the request once and
// lists its agencies under it.
func collapseGroups(items []DigestItem) []DigestItem {
	out := make([]DigestItem, 0, len(items))
	first := map[string]int{} // group → index in out
	for _, it := range items {
		if it.Group != "" {
			if i, ok := first[it.Group]; ok {
				out[i].Also = append(out[i].Also, it)
				continue
			}
			first[it.Group] = len(out)
		}
		out = append(out, it)
	}
	return out
}

// DigestData is one recipient's digest, sent on weekdays (Monday's covers
// the weekend) when a request needs attention.
type DigestData struct {
	RecipientName, OrgName               string
	Date                                 deadline.Date // the recipient's local date
	Overdue, DueToday, DueSoon, Awaiting []DigestItem
	// EstimatePassed lists acknowledged FOIL and PRA requests past the
	// agency's estimate (no statutory breach); NoDate the open requests
	// with no date to follow.
	EstimatePassed, NoDate []DigestItem
	DashboardURL, PrefsURL string
	// Cut is how many requests the digest lists when there were more (the
	// earliest due first); 0 when it lists them all.
	Cut int
	// Separately is how many requests the digest leaves out because the
	// recipient gets an email of their own about each that day.
	Separately int
	// EmailsToLog counts the agencies' emails to the reply addresses of the
	// recipient's requests that nobody has logged yet; EmailsURL lists them.
	EmailsToLog int
	EmailsURL   string
}

//go:embed templates/*.tmpl
var templateFS embed.FS

// funcs are shared by the text and HTML templates; html/template escapes
// their results.
var funcs = map[string]any{
	"day":      day,
	"bdays":    func(n int) string { return plural(n, "business day") },
	"days":     func(n int) string { return plural(n, "day") },
	"requests": func(n int) string { return plural(n, "request") },
	"agencies": func(n int) string {
		if n == 1 {
			return "1 agency"
		}
		return strconv.Itoa(n) + " agencies"
	},
	"inc": func(n int) int { return n + 1 },
	// count is how many requests a digest section lists, a group's each.
	"count": func(items []DigestItem) int {
		n := 0
		for _, it := range items {
			n += 1 + len(it.Also)
		}
		return n
	},
	"law":     lawOf,
	"summary": ReminderSummary,
}

var (
	textTmpl = texttemplate.Must(texttemplate.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.txt.tmpl"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html.tmpl"))
)

// day formats a date in full: "Thu 6 Apr 2017".
func day(d deadline.Date) string { return d.Format("Mon 2 Jan 2006") }

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// lawOf names the law a request was made under: "CPRA", or "public records"
// when unknown.
func lawOf(short string) string {
	if short == "" {
		return "public records"
	}
	return short
}

// short formats a date for a subject line: "Thu 6 Apr", with the year
// ("Thu 6 Apr 2017") when it is not today's.
func short(d, today deadline.Date) string {
	if today.IsZero() || d.Year() != today.Year() {
		return day(d)
	}
	return d.Format("Mon 2 Jan")
}

// RenderReminder renders the subject, text and HTML bodies of a reminder.
// Every field is treated as untrusted text: the HTML escapes it, and the
// subject is kept on one line. The subject says what is due and names the
// request (its title, shortened) and the agency, so two requests to one
// agency are told apart in an inbox.
func RenderReminder(d ReminderData) (subject, text, html string, err error) {
	var what string
	switch d.Kind {
	case KindDueToday:
		what = fmt.Sprintf("Due today (%s)", short(d.DueOn, d.Today))
	case KindDueSoon:
		what = fmt.Sprintf("Due %s (%s)", short(d.DueOn, d.Today), plural(d.BusinessDaysLeft, "business day"))
	case KindOverdue:
		what = fmt.Sprintf("Overdue (was due %s)", short(d.DueOn, d.Today))
		if d.Custom {
			what = fmt.Sprintf("Agreed date passed (%s)", short(d.DueOn, d.Today))
		}
	case KindExtensionEnding:
		what = fmt.Sprintf("Extended deadline %s (%s)", short(d.DueOn, d.Today), plural(d.BusinessDaysLeft, "business day"))
	case KindAgencyEstimatePassed:
		what = fmt.Sprintf("Agency's estimated date %s has passed", short(d.EstimatedOn, d.Today))
	case KindAwaitingRequester:
		what = fmt.Sprintf("The agency has been waiting on us since %s", short(d.PausedSince, d.Today))
	case KindAssigned:
		what = "Assigned to you"
		switch {
		case d.DaysOverdue > 0 && d.Custom:
			what = fmt.Sprintf("Assigned to you (agreed date %s passed)", short(d.DueOn, d.Today))
		case d.DaysOverdue > 0:
			what = fmt.Sprintf("Assigned to you (overdue: was due %s)", short(d.DueOn, d.Today))
		}
	default:
		return "", "", "", fmt.Errorf("mail: unknown reminder kind %q", d.Kind)
	}
	text, html, err = render("reminder", d)
	if err != nil {
		return "", "", "", err
	}
	return requestSubject(what, d.RequestTitle, d.AgencyName), text, html, nil
}

// subjectTitle is the most of a request's title a subject shows, in
// characters: the rest of the subject still fits a phone's inbox line or two.
const subjectTitle = 60

// shorten cuts s to at most n characters, at a word where it can, marking
// the cut with "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}

// ReminderSummary says in a phrase, in the email's words, what a reminder
// was about: "due in 3 business days (Thu 6 Apr 2017)". The request's
// timeline records it when the email is sent, so its dates always carry
// their year. An unknown kind has none ("").
func ReminderSummary(d ReminderData) string {
	switch d.Kind {
	case KindDueToday:
		return "due today (" + day(d.DueOn) + ")"
	case KindDueSoon:
		return "due in " + plural(d.BusinessDaysLeft, "business day") + " (" + day(d.DueOn) + ")"
	case KindOverdue:
		if d.Custom {
			return "the agreed date has passed (" + day(d.DueOn) + ", " + plural(d.DaysOverdue, "day") + " ago)"
		}
		return "overdue: was due " + day(d.DueOn) + ", " + plural(d.DaysOverdue, "day") + " late"
	case KindExtensionEnding:
		return "extended deadline in " + plural(d.BusinessDaysLeft, "business day") + " (" + day(d.DueOn) + ")"
	case KindAgencyEstimatePassed:
		return "the agency's estimated date has passed (" + day(d.EstimatedOn) + ")"
	case KindAwaitingRequester:
		return "the agency has been waiting on us since " + day(d.PausedSince)
	case KindAssigned:
		if d.AssignedBy != "" {
			return "the request was assigned to them by " + d.AssignedBy
		}
		return "the request was assigned to them"
	}
	return ""
}

// Reportable reports whether the digest has what sends one: requests with
// no date to follow ride along, but never send a digest on their own.
func (d DigestData) Reportable() bool {
	return len(d.Overdue)+len(d.DueToday)+len(d.DueSoon)+len(d.EstimatePassed)+len(d.Awaiting) > 0
}

// RenderDigest renders a digest. It returns ok=false, and no email should be
// sent, when every section is empty.
func RenderDigest(d DigestData) (subject, text, html string, ok bool, err error) {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{len(d.Overdue), "overdue"},
		{len(d.DueToday), "due today"},
		{len(d.DueSoon), "due within 7 days"},
		{len(d.EstimatePassed), "past the agency's estimate"},
		{len(d.Awaiting), "waiting on us"},
		{len(d.NoDate), "with no date to follow"},
	} {
		if p.n > 0 {
			parts = append(parts, strconv.Itoa(p.n)+" "+p.what)
		}
	}
	if len(parts) == 0 {
		return "", "", "", false, nil
	}
	if d.Cut > 0 {
		parts = append(parts, "more not listed")
	}
	subject = fmt.Sprintf("Sunshine digest for %s: %s", short(d.Date, d.Date), strings.Join(parts, ", "))
	for _, section := range []*[]DigestItem{&d.Overdue, &d.DueToday, &d.DueSoon, &d.EstimatePassed, &d.Awaiting, &d.NoDate} {
		*section = collapseGroups(*section)
	}
	text, html, err = render("digest", d)
	if err != nil {
		return "", "", "", false, err
	}
	return subject, text, html, true, nil
}

// render executes the text and HTML templates called name.
func render(name string, data any) (text, html string, err error) {
	var t, h bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&t, name+".txt.tmpl", data); err != nil {
		return "", "", fmt.Errorf("mail: render %s text: %w", name, err)
	}
	if err := htmlTmpl.ExecuteTemplate(&h, name+".html.tmpl", data); err != nil {
		return "", "", fmt.Errorf("mail: render %s html: %w", name, err)
	}
	return t.String(), h.String(), nil
}

// InviteData is an invitation to set a password.
type InviteData struct {
	RecipientName, OrgName, InvitedBy string
	Link                              string // the one-time link
}

// RenderInvite renders an invitation email.
func RenderInvite(d InviteData) (subject, text, html string, err error) {
	text, html, err = render("invite", d)
	if err != nil {
		return "", "", "", err
	}
	if d.InvitedBy != "" {
		return oneLine(d.InvitedBy + " invited you to " + d.OrgName + " on Sunshine"), text, html, nil
	}
	return oneLine("You are invited to " + d.OrgName + " on Sunshine"), text, html, nil
}

// ResetData is a password reset link a person asked for.
type ResetData struct {
	RecipientName, OrgName string
	Link                   string // the one-time link
}

// RenderPasswordReset renders a password reset email: its account's
// organization in the subject, as one address may have accounts in
// several, each with its own link.
func RenderPasswordReset(d ResetData) (subject, text, html string, err error) {
	text, html, err = render("reset", d)
	if err != nil {
		return "", "", "", err
	}
	return oneLine("Reset your Sunshine password for " + d.OrgName), text, html, nil
}

// TwoStepData tells a person what happened to their two-step sign-in.
type TwoStepData struct {
	RecipientName, OrgName string
	What                   string // what happened, a sentence
	SettingsURL            string // where to change the password
}

// RenderTwoStep renders the notice sent when a person's two-step sign-in
// changes or a recovery code signs them in: someone who did not do it
// learns of it, and what to do.
func RenderTwoStep(d TwoStepData) (subject, text, html string, err error) {
	text, html, err = render("two_step", d)
	if err != nil {
		return "", "", "", err
	}
	return oneLine("Two-step sign-in: a change to your Sunshine account with " + d.OrgName), text, html, nil
}

// WebhookOffData tells an admin that Sunshine turned a failing webhook
// off.
type WebhookOffData struct {
	RecipientName, OrgName string
	Host                   string // the address's host: the address itself may hold a credential
	Description            string
	Reason                 string // why, a clause: "its address answered 410 Gone: …"
	WebhookURL             string // its page, to turn it on again
}

// RenderWebhookOff renders the email to an organization's admins when
// Sunshine turns a webhook off: its address failed too long, or said it
// is gone.
func RenderWebhookOff(d WebhookOffData) (subject, text, html string, err error) {
	text, html, err = render("webhook_off", d)
	if err != nil {
		return "", "", "", err
	}
	return oneLine("A webhook of " + d.OrgName + " was turned off: events no longer go to " + d.Host), text, html, nil
}

// SearchAlertData lists what newly matches a person's search alert.
type SearchAlertData struct {
	RecipientName, OrgName string
	Q                      string // the alert's words
	Hits                   []SearchAlertHit
	More                   int    // new matches not listed
	Total                  int    // new matches in all: Hits listed, More not (some listed may have been removed since)
	SearchURL              string // the search, on the Search page
	StopURL                string // where the person stops the alert
}

// SearchAlertHit is one new match of a search alert.
type SearchAlertHit struct {
	Kind         string // a request, a communication, a document, a note
	Title        string // the communication's subject or the document's name; "" for a request or a note
	RequestTitle string
	AgencyName   string
	On           deadline.Date
	Snippet      string // plain text
	URL          string
}

// RenderSearchAlert renders the email telling a person what newly matches
// the words of their search alert.
func RenderSearchAlert(d SearchAlertData) (subject, text, html string, err error) {
	text, html, err = render("search_alert", d)
	if err != nil {
		return "", "", "", err
	}
	n := d.Total
	what := "1 new match"
	if n != 1 {
		what = fmt.Sprintf("%d new matches", n)
	}
	return oneLine(fmt.Sprintf("%s for “%s” in %s", what, d.Q, d.OrgName)), text, html, nil
}

// GroupReminderData is one email about several requests filed together
// (the same request sent to many agencies, sunshine.Request.GroupID) that
// owe the same person the same kind of reminder at once: one email listing
// them, where one per agency would bury the inbox.
type GroupReminderData struct {
	Kind          string // one of Kinds
	RecipientName string
	OrgName       string
	Why           string // as ReminderData.Why, the same for every item
	Title         string // the requests' title (the first item's)
	// Items are each request's reminder as its own email would have said
	// it, in the order the email lists them.
	Items    []ReminderData
	PrefsURL string
	Today    deadline.Date
}

// groupWhat is a group email's subject by kind: what the requests have in
// common.
var groupWhat = map[string]string{
	KindDueToday:             "Due today at %d agencies",
	KindDueSoon:              "Due soon at %d agencies",
	KindOverdue:              "Overdue at %d agencies",
	KindExtensionEnding:      "Extended deadlines ending at %d agencies",
	KindAgencyEstimatePassed: "Agencies' estimated dates passed at %d agencies",
	KindAwaitingRequester:    "%d agencies are waiting on us",
	KindAssigned:             "Assigned to you at %d agencies",
}

// RenderGroupReminder renders the one email of a group's reminders. Each
// request's line says what its own email would have (ReminderSummary), or,
// for an assignment, where the request stands, with its agency and a link.
func RenderGroupReminder(d GroupReminderData) (subject, text, html string, err error) {
	what, ok := groupWhat[d.Kind]
	if !ok {
		return "", "", "", fmt.Errorf("mail: no group email for reminder kind %q", d.Kind)
	}
	text, html, err = render("group", d)
	if err != nil {
		return "", "", "", err
	}
	what = fmt.Sprintf(what, len(d.Items))
	if overdue := d.overdue(); d.Kind == KindAssigned && overdue > 0 {
		what += fmt.Sprintf(" (%d overdue)", overdue)
	}
	return oneLine(what + ": " + shorten(d.Title, subjectTitle)), text, html, nil
}

// overdue counts the items already overdue (an assignment's).
func (d GroupReminderData) overdue() int { return overdueItems(d.Items) }

func overdueItems(items []ReminderData) int {
	n := 0
	for _, it := range items {
		if it.DaysOverdue > 0 {
			n++
		}
	}
	return n
}

// ReceivedData is the email telling a request's follower that the agency
// (or anyone) emailed the request's reply address: each email not logged
// yet, with a link that fills the log form from it.
type ReceivedData struct {
	RecipientName, OrgName string
	RequestTitle           string
	AgencyName             string
	RequestURL             string
	Why                    string // as ReminderData.Why
	Items                  []ReceivedItem
	PrefsURL               string
}

// ReceivedItem is one email received, as the notice shows it.
type ReceivedItem struct {
	From, Subject string
	Date          string // as its Date header gives it, "" when it has none
	Excerpt       string // the start of its text
	LogURL        string // the request's log form filled from it
}

// requestSubject is the subject of an email about one request: what it
// says, then the request's title (shortened) and agency.
func requestSubject(what, title, agency string) string {
	return oneLine(what + ": " + shorten(title, subjectTitle) + " (" + agency + ")")
}

// RenderReceived renders the notice of emails received.
func RenderReceived(d ReceivedData) (subject, text, html string, err error) {
	text, html, err = render("received", d)
	if err != nil {
		return "", "", "", err
	}
	what := "An email to log"
	if len(d.Items) > 1 {
		what = fmt.Sprintf("%d emails to log", len(d.Items))
	}
	return requestSubject(what, d.RequestTitle, d.AgencyName), text, html, nil
}

// LetterFailedData is the email telling a person that letters they sent
// to an agency from Sunshine did not reach it: refused by the mail server
// for good, or returned by a bounce.
type LetterFailedData struct {
	RecipientName, OrgName string
	RequestTitle           string
	AgencyName             string
	RequestURL             string
	Items                  []LetterFailedItem
}

// LetterFailedItem is one letter not delivered: what and to whom ("the
// follow-up letter to records@agency.gov"), and the mail server's words;
// Bounced for one sent (on SentOn, "Mon 7 Dec 2026") and returned by a
// bounce, not refused.
type LetterFailedItem struct {
	What, Error string
	Bounced     bool
	SentOn      string
}

// RenderLetterFailed renders the notice of letters not delivered.
func RenderLetterFailed(d LetterFailedData) (subject, text, html string, err error) {
	text, html, err = render("letter_failed", d)
	if err != nil {
		return "", "", "", err
	}
	what := "A letter not delivered"
	if len(d.Items) > 1 {
		what = fmt.Sprintf("%d letters not delivered", len(d.Items))
	}
	return requestSubject(what, d.RequestTitle, d.AgencyName), text, html, nil
}

// AssignmentsData is one email telling a person of several requests
// assigned to them together (from the request list, many at once), where
// one email each would bury the inbox.
type AssignmentsData struct {
	RecipientName, OrgName string
	AssignedBy             string // "" when unknown
	// Note is the note that came with every one of them, "" when none
	// did or they differ (each item then has its own AssignmentNote).
	Note string
	// Items are each request's assignment as its own email would have
	// said it, in the order the email lists them.
	Items    []ReminderData
	PrefsURL string
	Today    deadline.Date
}

// NewAssignmentsData gathers items (each a KindAssigned reminder's data,
// to the same person) into one email's.
func NewAssignmentsData(items []ReminderData) AssignmentsData {
	first := items[0]
	d := AssignmentsData{RecipientName: first.RecipientName, OrgName: first.OrgName, AssignedBy: first.AssignedBy,
		Note: first.AssignmentNote, Items: items, PrefsURL: first.PrefsURL, Today: first.Today}
	for _, it := range items {
		if it.AssignmentNote != d.Note {
			d.Note = ""
		}
	}
	return d
}

// RenderAssignments renders the one email of several assignments.
func RenderAssignments(d AssignmentsData) (subject, text, html string, err error) {
	text, html, err = render("assignments", d)
	if err != nil {
		return "", "", "", err
	}
	what := fmt.Sprintf("%d requests assigned to you", len(d.Items))
	if d.AssignedBy != "" {
		what = fmt.Sprintf("%s assigned you %d requests", d.AssignedBy, len(d.Items))
	}
	if overdue := overdueItems(d.Items); overdue > 0 {
		what += fmt.Sprintf(" (%d overdue)", overdue)
	}
	return oneLine(what), text, html, nil
}

// TodoData is a person's to-dos email for a day: the to-dos due that day,
// those someone else set for them for later (Coming), and those still
// open from before.
type TodoData struct {
	RecipientName, OrgName string
	Day                    deadline.Date
	Due, Coming, Earlier   []TodoItem
	TodosURL               string // the person's to-dos, on the dashboard
}

// TodoItem is one to-do as the email lists it.
type TodoItem struct {
	Text         string
	DueOn        deadline.Date
	RequestTitle string
	RequestURL   string
	SetBy        string // who set it, "" when its person did
	Late         bool   // due before the email's day
}

// RenderTodos renders a person's to-dos email for a day.
func RenderTodos(d TodoData) (subject, text, html string, err error) {
	text, html, err = render("todos", d)
	if err != nil {
		return "", "", "", err
	}
	var what string
	switch {
	case len(d.Due) == 1:
		what = "To do on " + day(d.Day) + ": " + d.Due[0].Text
	case len(d.Due) > 1:
		what = fmt.Sprintf("%d to-dos for %s", len(d.Due), day(d.Day))
	case len(d.Coming) == 1:
		what = "A to-do for you, for " + day(d.Coming[0].DueOn) + ": " + d.Coming[0].Text
	default:
		what = fmt.Sprintf("%d to-dos for you, for later", len(d.Coming))
	}
	return oneLine(what + " (" + d.OrgName + ")"), text, html, nil
}

// MentionData is the email telling a person that a note mentions them.
type MentionData struct {
	RecipientName, OrgName string
	Writer                 string // who wrote the note, "" when unknown (an API token's)
	Note                   string // as typed, whole
	// Others names the other people the note mentions ("José Ortiz and
	// Lea Kim"), "" for none.
	Others       string
	Written      string // when, in the organization's time zone: "Tue 8 Dec 2026 10:04 PST"
	RequestTitle string
	AgencyName   string
	Status       string        // the request's, in words: "acknowledged"
	DueOn        deadline.Date // the date to follow, zero for none
	DaysPast     int           // how many days DueOn has passed, 0 if it has not
	NoteURL      string        // the note in the request's timeline
	PrefsURL     string
}

// RenderMention renders the email of a note that mentions its recipient.
func RenderMention(d MentionData) (subject, text, html string, err error) {
	text, html, err = render("mention", d)
	if err != nil {
		return "", "", "", err
	}
	what := "A note mentions you"
	if d.Writer != "" {
		what = d.Writer + " mentioned you in a note"
	}
	return requestSubject(what, d.RequestTitle, d.AgencyName), text, html, nil
}
