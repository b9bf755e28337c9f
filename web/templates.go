package web

import (
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

// funcs are the helpers every page template may use.
var funcs = template.FuncMap{
	"asset": assetURL,
	// day writes a date the way people read it: "Thu 6 Apr 2017".
	"day": func(d deadline.Date) string {
		if d.IsZero() {
			return "—"
		}
		return d.Format("Mon 2 Jan 2006")
	},
	// size writes a file's size as people read it: "812 bytes", "4.3 MiB".
	"size": sunshine.FileSize,
	// kind names a document's kind of file: "Word document", "PDF".
	"kind": fileKind,
	// filesListed is how many files unpacked from an archive the request
	// page lists under it.
	"filesListed": func() int { return filesListed },
	// readAgain names the button that reads a document's text again, or
	// is "" when there is nothing to read again (store.CanReadAgain).
	"readAgain": func(d *sunshine.Document) string {
		switch {
		case !store.CanReadAgain(d):
			return ""
		case d.TextStatus == sunshine.TextFailed && d.Archive():
			return "Unpack it again"
		case d.TextStatus == sunshine.TextFailed:
			return "Read its text again"
		}
		return "Read its text by OCR"
	},
	// iso writes a date for machines and forms: "2017-04-06".
	"iso": func(d deadline.Date) string { return d.String() },
	// dueWords says in words how a due date stands against today:
	// "due today", "due in 3 days", "2 days late", or "".
	"dueWords": dueWords,
	// answered says when a closed request's agency answered against its
	// due date: "answered by the due date", "answered 3 days after the due
	// date", or "".
	"answered": answeredWords,
	// assignee names who a request is assigned to, as a person reads it.
	"assignee": func(r *sunshine.Request) string {
		return cmp.Or(r.AssigneeShown(), "Unassigned") // as the filters and emails call it
	},
	// tolls: waiting on the requester stops this law's clock.
	"tolls": tolls,
	// dueOf pairs a request with today for the "due" template (layout.html).
	"dueOf":    func(r *sunshine.Request, now time.Time) dueCell { return dueCell{R: r, Today: r.Today(now)} },
	"lawLabel": lawLabel,
	// linkExpiry is the data of the linkexpiry template: a shared link's
	// last-day form, where it posts, and the organization's today.
	"linkExpiry": func(f *reqForm, action, which string, today deadline.Date) linkExpiryForm {
		return linkExpiryForm{f, action, which, today}
	},
	// publicDue is the data of the publicdue template.
	"publicDue": func(r *sunshine.Request, orgName string, now time.Time) publicDue { return publicDue{r, orgName, now} },
	// dueClass names the colour class that goes with dueWords.
	"dueClass": func(r *sunshine.Request, today deadline.Date) string {
		due := r.EffectiveDueOn()
		if r.FollowsEstimate() {
			due = r.AgencyEstimatedOn
		}
		switch {
		case due.IsZero() || !r.Status.Open() || (r.DueSuperseded() && !r.FollowsEstimate()):
			return "due-none"
		case r.EstimatePassed(today):
			return "due-passed" // not red: no statutory date was missed
		case r.Overdue(today):
			return "due-late"
		case due == today:
			return "due-today"
		case today.DaysUntil(due) <= 3:
			return "due-soon"
		}
		return "due-later"
	},
	// status writes a status for people: "awaiting requester".
	"status": func(s sunshine.Status) string { return strings.ReplaceAll(string(s), "_", " ") },
	"label":  func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	// choice is a value as a select's option reads: "In person".
	"choice": func(s string) string {
		s = strings.ReplaceAll(s, "_", " ")
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"deref": deref,
	"join":  strings.Join,
	// excerpt and cut show a long message's start on the request page; the
	// whole message is a link away.
	"excerpt": excerpt,
	"cut":     func(bodyBytes int) bool { return bodyBytes > messageExcerpt },
	"kb":      func(bytes int) int { return (bytes + 999) / 1000 },
	"add":     func(a, b int) int { return a + b },
}

// dueCell is what the "due" template shows: a request's due date against today.
type dueCell struct {
	R     *sunshine.Request
	Today deadline.Date
}

func dueWords(r *sunshine.Request, today deadline.Date) string {
	if r.FollowsEstimate() {
		// Acknowledged where that is the response the law asks for: the
		// agency's estimate is the date to follow.
		if r.AgencyEstimatedOn.IsZero() && r.AcknowledgedLate() {
			return "missed: acknowledged only on " + r.AcknowledgedOn.Format("Mon 2 Jan 2006") + "; no estimate recorded"
		}
		return estimateWords(r.AgencyEstimatedOn, today)
	}
	due := r.EffectiveDueOn()
	if due.IsZero() || !r.Status.Open() {
		return ""
	}
	switch {
	case r.Status == sunshine.StatusAppealed && r.DueSuperseded():
		return "under appeal"
	case r.Status == sunshine.StatusInLitigation && r.DueSuperseded():
		return "in litigation"
	}
	n := today.DaysUntil(due)
	if r.Status == sunshine.StatusAwaitingRequester {
		if tolls(r.Jurisdiction) {
			return "clock paused: waiting on us"
		}
		// The clock runs under this law, but a request waiting on us is
		// never shown late.
		if n < 0 {
			return "waiting on us"
		}
		return "waiting on us; " + dueIn(n)
	}
	if n >= 0 {
		return dueIn(n)
	}
	if n == -1 {
		return "1 day late"
	}
	return fmt.Sprintf("%d days late", -n)
}

// answeredWords says, for a request the agency's answer closed (records,
// a denial, none found), when that answer came against the date it was
// due: what a newsroom counts of an agency. "" for a request still open,
// one we closed (withdrawn, abandoned), one without a date to compare (no
// statutory date, or one an acknowledgment answered: FOIL, the PRA), and
// one whose date passed while it waited on us, where lateness is not the
// agency's alone.
func answeredWords(r *sunshine.Request) string {
	due := r.EffectiveDueOn()
	switch r.Status {
	case sunshine.StatusFulfilled, sunshine.StatusPartiallyGranted, sunshine.StatusDenied, sunshine.StatusNoRecords:
	default:
		return ""
	}
	if due.IsZero() || r.ClosedOn.IsZero() || (r.MetByAcknowledgment() && !r.AcknowledgedOn.IsZero()) {
		return ""
	}
	if _, waited := r.WaitedPastDue(); waited {
		return ""
	}
	which := "the due date"
	if !r.CustomDueOn.IsZero() {
		which = "the agreed date"
	}
	n := due.DaysUntil(r.ClosedOn)
	switch {
	case n <= 0:
		return "answered by " + which
	case n == 1:
		return "answered 1 day after " + which
	}
	return fmt.Sprintf("answered %d days after %s", n, which)
}

// estimateWords says how the agency's estimate stands against today, for a
// request whose statutory date an acknowledgment met: "agency's estimate,
// in 3 days", "agency's estimate passed". Never "late": the law's date was
// met.
func estimateWords(on, today deadline.Date) string {
	if on.IsZero() {
		return "met: acknowledged; no estimate recorded"
	}
	switch n := today.DaysUntil(on); {
	case n < 0:
		return "agency's estimate passed"
	case n == 0:
		return "agency's estimate, today"
	case n == 1:
		return "agency's estimate, tomorrow"
	default:
		return fmt.Sprintf("agency's estimate, in %d days", n)
	}
}

// tolls reports whether waiting on the requester stops the law's clock.
func tolls(code string) bool {
	j, err := deadline.Lookup(code)
	return err == nil && j.Tolls
}

// dueIn says how far ahead a due date n days away is.
func dueIn(n int) string {
	switch {
	case n == 0:
		return "due today"
	case n == 1:
		return "due tomorrow"
	}
	return fmt.Sprintf("due in %d days", n)
}

// parsePages parses each page with the layout.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") { // parts of pages
			continue
		}
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n))
	}
	return pages
}

// messageExcerpt is how much of a communication's body the request page
// shows: a body may be 1 MB, and a long history would make a page of
// hundreds of megabytes.
const messageExcerpt = 20_000

// excerpt returns the first messageExcerpt bytes of s, cut after a word.
func excerpt(s string) string {
	if len(s) <= messageExcerpt {
		return s
	}
	cut := messageExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexAny(s[:cut], " \n"); sp > messageExcerpt/2 {
		cut = sp
	}
	return s[:cut] + " …"
}

// publicDue is an open request's date for outsiders: publicdue's data.
type publicDue struct {
	R       *sunshine.Request
	OrgName string
	Now     time.Time
}

// linkExpiryForm is the data of the linkexpiry template.
type linkExpiryForm struct {
	Form   *reqForm
	Action string
	Which  string // whose link, for screen readers: "the shared page's"
	Today  deadline.Date
}
