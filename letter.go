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
}

// LetterInput is what a letter is drafted from: the request, its agency,
// the organization and the person who signs it.
type LetterInput struct {
	Request *Request
	Agency  *Agency
	Org     *Organization
	Signer  *User
}

// DraftLetter writes the request letter, dated now in the agency's time
// zone. The one place a letter is written: the staff page and the API both
// answer its result.
func DraftLetter(in LetterInput, now time.Time) Letter {
	r, a := in.Request, in.Agency
	j, _ := deadline.Lookup(r.Jurisdiction) // nil for an unknown law: the letter then names none
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
	if j != nil {
		line("I request the following records under the ", lawName(j), ".")
	} else {
		line("I request the following records.")
	}
	line()
	text := strings.TrimSpace(strings.ReplaceAll(r.Description, "\r\n", "\n"))
	if text == "" {
		text = r.Title
	}
	line(text)
	line()
	line("Where possible, please provide the records in electronic form, by email.")
	if j != nil {
		line()
		line(periodSentence(j))
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

	return Letter{To: letterTo(a), From: letterFrom(in), Subject: subject, Body: b.String()}
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
