package sunshine

import (
	"strings"
	"time"

	"github.com/sunshine-records/sunshine/deadline"
)

// Letter is a request letter drafted from what Sunshine knows of the
// request, its agency and its law, for staff to read, edit and send. It
// states about the law only what the deadline package says.
type Letter struct {
	// To is the recipient as the letter addresses them: the records
	// contact, the agency's name and its email, where known.
	To string `json:"to"`
	// From is the sender: the user's name and email, and the organization.
	From    string `json:"from"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// ReplyTo is the request's reply address (ReplyAddress), "" without
	// one: sent as the email's Reply-To (or copied), the agency's answer
	// is filed with the request.
	ReplyTo string `json:"reply_to"`
}

// LetterKind is what a letter is: the request itself, or a follow-up on it.
type LetterKind string

// Letter kinds; each is logged as the communication of the same kind.
const (
	LetterRequest  LetterKind = "request"
	LetterFollowUp LetterKind = "follow_up"
)

// ParseLetterKind reads a letter kind; "" is the request letter.
func ParseLetterKind(v string) (LetterKind, error) {
	switch k := LetterKind(v); k {
	case "":
		return LetterRequest, nil
	case LetterRequest, LetterFollowUp:
		return k, nil
	}
	return "", FieldInvalid("kind", "must be request or follow_up")
}

// LetterInput is what a letter is drafted from: the request, its agency,
// the organization and the person who signs it, and the kind of letter
// ("" is the request letter).
type LetterInput struct {
	Request *Request
	Agency  *Agency
	Org     *Organization
	Signer  *User
	Kind    LetterKind
	// ReplyDomain is the domain of the requests' reply addresses
	// (SUNSHINE_INBOUND_DOMAIN), "" for none.
	ReplyDomain string
	// Closing is the organization's own paragraphs that end its request
	// letters, before the signature ("" for none).
	Closing string
}

// MaxLetterClosing is how long an organization's letter closing may be, in
// characters (migration 0044).
const MaxLetterClosing = 5000

// NormalizeLetterClosing trims a letter closing as typed, its line breaks
// as a letter's, and refuses one too long.
func NormalizeLetterClosing(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if n := len([]rune(s)); n > MaxLetterClosing {
		return "", FieldInvalid("closing", "must be at most %d characters (it has %d)", MaxLetterClosing, n)
	}
	return s, nil
}

// DraftLetter writes the request letter, dated now in the agency's time
// zone. The one place a letter is written: the staff page and the API both
// answer its result.
func DraftLetter(in LetterInput, now time.Time) Letter {
	r, a := in.Request, in.Agency
	j, _ := deadline.Lookup(r.Jurisdiction) // nil for an unknown law: the letter then names none
	replyTo := ReplyAddress(in.ReplyDomain, r.ReplyToken)
	var b strings.Builder
	line := func(s ...string) {
		b.WriteString(strings.Join(s, ""))
		b.WriteByte('\n')
	}

	line(r.Today(now).Format("January 2, 2006"))
	line()
	if a.RecordsContact != "" {
		line(a.RecordsContact)
	}
	line(a.Name)
	for _, l := range strings.Split(strings.ReplaceAll(a.PostalAddress, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			line(l)
		}
	}
	if a.Email != "" {
		line(a.Email)
	}
	line()

	subject := "Public records request: " + r.Title
	if j != nil {
		subject = lawName(j) + " request: " + r.Title
	}
	if in.Kind == LetterFollowUp {
		subject = "Follow-up: " + subject
	}
	line("Re: ", subject)
	if r.TrackingNumber != "" {
		line("Reference: ", r.TrackingNumber)
	}
	line()
	if a.RecordsContact != "" {
		line("Dear ", a.RecordsContact, ":")
	} else {
		line("To whom it may concern:")
	}
	line()
	text := strings.TrimSpace(strings.ReplaceAll(r.Description, "\r\n", "\n"))
	if text == "" {
		text = r.Title
	}
	if in.Kind == LetterFollowUp {
		followUp(line, r, j, text, now)
		if replyTo != "" {
			line()
			line("Please send your response to ", replyTo, ".")
		}
	} else {
		if j != nil {
			line("I request the following records under the ", lawName(j), ".")
		} else {
			line("I request the following records.")
		}
		line()
		line(text)
		line()
		if replyTo != "" {
			line("Where possible, please provide the records in electronic form, by email to ", replyTo, ".")
		} else {
			line("Where possible, please provide the records in electronic form, by email.")
		}
		if j != nil {
			line()
			line(periodSentence(j))
		}
		if in.Closing != "" {
			line()
			line(in.Closing)
		}
	}
	line()
	line("Sincerely,")
	line()
	u := in.Signer
	if u != nil && u.Name != "" {
		line(u.Name)
	}
	if u != nil && u.Email != "" {
		line(u.Email)
	}
	if in.Org != nil && in.Org.Name != "" {
		line(in.Org.Name)
	}

	return Letter{To: letterTo(a), From: letterFrom(in), Subject: subject, Body: b.String(), ReplyTo: replyTo}
}

// lawName names the law as a letter does: a state's law with its state's
// name where the law's own name lacks it ("the New York Freedom of
// Information Law"), the federal one as it is.
func lawName(j *deadline.Jurisdiction) string {
	if j.Code != "us-federal" && j.Region != "" && !strings.Contains(j.Law, j.Region) {
		return j.Region + " " + j.Law
	}
	return j.Law
}

// periodSentence says what the law asks of the agency's response, in the
// deadline package's words only: its period and that period's citation,
// or, where it sets no number of days, that and the citation.
func periodSentence(j *deadline.Jurisdiction) string {
	if j.HasDeadline() {
		return "The " + j.ShortName + " requires a response within " + j.Days(j.Period, j.Unit) + " (" + j.Citation + ")."
	}
	// Sunshine's summary of the law's words (NoDeadline) is written for
	// staff, not for an agency: the letter cites the law alone.
	return "I ask for a prompt response, as the " + lawName(j) + " requires (" + j.Citation + ")."
}

// letterTo is the recipient on one line: "Records Unit, Sheriff's
// Department <records@sheriff.example>".
func letterTo(a *Agency) string {
	s := a.Name
	if a.RecordsContact != "" {
		s = a.RecordsContact + ", " + s
	}
	if a.Email != "" {
		s += " <" + a.Email + ">"
	}
	return s
}

// letterFrom is the sender on one line: "Ana Ruiz, NDLON <ana@ndlon.example>".
func letterFrom(in LetterInput) string {
	var parts []string
	if in.Signer != nil && in.Signer.Name != "" {
		parts = append(parts, in.Signer.Name)
	}
	if in.Org != nil && in.Org.Name != "" {
		parts = append(parts, in.Org.Name)
	}
	s := strings.Join(parts, ", ")
	if in.Signer != nil && in.Signer.Email != "" {
		if s != "" {
			s += " "
		}
		s += "<" + in.Signer.Email + ">"
	}
	return s
}

// followUp writes a follow-up letter's body: the request it follows up
// (when the agency received it, and what it asks), then where it stands as
// the request records it, and the question: when will the records come.
// The date due is the one the request follows (the date agreed with the
// agency, the agency's own estimate, or the law's with its citation); the
// letter says none came once it passed, but not of a date the agency's
// acknowledgment met. A request waiting on us answers the agency instead
// (what it asked for is for staff to write in), and one in rolling
// production asks for the rest.
func followUp(line func(...string), r *Request, j *deadline.Jurisdiction, text string, now time.Time) {
	received := ""
	if !r.ReceivedOn.IsZero() {
		received = ", received on " + r.ReceivedOn.Format("January 2, 2006") + ","
	}
	law := ""
	if j != nil {
		law = " under the " + lawName(j)
	}
	line("I write to follow up on my request", law, received, " for the following records:")
	line()
	line(text)
	line()
	switch r.Status {
	case StatusAwaitingRequester:
		line("You asked me for more before going on with it. [Write here what you send: the clarification, the narrower request or the fee.]")
		line()
		line("Please tell me when I can expect the records.")
		return
	case StatusRollingProduction:
		line("Thank you for the records released so far. Please tell me when I can expect the rest.")
		return
	}
	acknowledged := !r.AcknowledgedOn.IsZero()
	if acknowledged {
		line("You acknowledged the request on ", r.AcknowledgedOn.Format("January 2, 2006"), ".")
		line()
	}
	today := r.Today(now)
	due := r.FollowOn()
	switch on, passed := due.Format("January 2, 2006"), today.After(due); {
	case due.IsZero():
		if j != nil && !j.HasDeadline() {
			line("I ask for a prompt response, as the ", lawName(j), " requires (", j.Citation, ").")
			line()
		}
	case !r.CustomDueOn.IsZero() && passed:
		line("You agreed to respond by ", on, ". I have not received your response.")
		line()
	case !r.CustomDueOn.IsZero():
		line("You agreed to respond by ", on, ".")
		line()
	case r.FollowsEstimate() && passed:
		line("You estimated a response by ", on, ". I have not received one.")
		line()
	case r.FollowsEstimate():
		line("You estimated a response by ", on, ".")
		line()
	case j != nil && passed && !acknowledged:
		line("The ", j.ShortName, " required a response by ", on, " (", dueCitation(r, j), "). I have not received one.")
		line()
	case j != nil && passed:
		line("The ", j.ShortName, " required a response by ", on, " (", dueCitation(r, j), ").")
		line()
	case j != nil:
		line("The ", j.ShortName, " requires a response by ", on, " (", dueCitation(r, j), ").")
		line()
	}
	line("Please tell me where the request stands and when I can expect the records.")
}

// CheckLetter refuses a letter of a kind the request does not take: a
// follow-up on a draft (never sent: nothing to follow up) or on a closed
// request (answered: an appeal, not a follow-up, is what may come next).
func CheckLetter(r *Request, kind LetterKind) error {
	if kind != LetterFollowUp {
		return nil
	}
	switch {
	case r.Status == StatusDraft:
		return Errorf(EConflict, "the request is a draft, not sent yet: there is nothing to follow up; draft the request letter")
	case !r.Status.Open():
		return Errorf(EConflict, "the request is closed (%s): there is nothing to follow up", strings.ReplaceAll(string(r.Status), "_", " "))
	}
	return nil
}

// dueCitation cites the law behind a request's statutory date: its
// period's, and its extension's once invoked (the statute alone, without
// the conditions the deadline package notes after it for staff).
func dueCitation(r *Request, j *deadline.Jurisdiction) string {
	if r.Extended && j.Extension != nil {
		statute, _, _ := strings.Cut(j.Extension.Citation, ", ")
		return j.Citation + "; extended under " + statute
	}
	return j.Citation
}
