package sunshine

import (
	"regexp"
	"strings"

	"github.com/sunshine-records/sunshine/deadline"
)

// Staff type the exemptions an agency cited as the letter wrote them, so
// one provision arrives in many spellings: "Gov. Code 7923.600",
// "Gov. Code § 7923.600" and "7923.600"; "(b)(5)", "b5", "Exemption 5" and
// "5 U.S.C. 552(b)(5)". An agency's record counts an exemption by its key
// (ExemptionKey), so each spelling of one provision counts as one.
//
// The rule errs on the side of counting two spellings apart: a ranking
// that splits one provision in two lines is visibly imperfect, one that
// merges two provisions is silently wrong. So a text is read as a
// citation only when all of it is one citation, in a form listed below;
// anything else ("(b)(3), 26 U.S.C. 6103", "(b)(6) personal privacy",
// "Evidence Code 1040", "Sections 7923.600 and 7923.610") keys on its
// words alone.

// ExemptionKey is the key an exemption citation is counted by, under the
// request's law (a jurisdiction code). Keys are for comparing, never
// shown:
//
//   - Federal FOIA (us-federal): exemption N, with its subpart where one
//     is given, whichever of the usual spellings: "(b)(7)(C)", "b7C",
//     "b(7)(c)", "Exemption 7(C)", "FOIA exemption (b)(7)(C)",
//     "5 U.S.C. § 552(b)(7)(C)" are one; "(b)(7)" and "(b)(7)(E)" are two
//     others. Only the exemptions FOIA has are read: 1 to 9, subparts
//     (A)-(F) of 7 and (A)-(B) of 3.
//   - A state law: the section number as typed, without the name of the
//     law or of the code it lives in ("Gov. Code", "Government Code",
//     "RCW", "CPRA"; stateCodeNames), "§", "section" or "sec.", spaces,
//     case and a trailing period. A name other than the law's own
//     ("Evidence Code 1040", "Penal Code 832.7") is not dropped: the same
//     number is another provision in another code. A bare number is read
//     as a section of the law's own code.
//   - Subdivisions stay part of the key as given, however spaced or
//     written ("7923.600(a)", "7923.600 (A)", "7923.600, subdivision (a)"
//     and Minnesota's "13.43 subd. 2"), so 7923.600(a) and 7923.600(b)
//     are two. A bare section is not folded into a subdivision of it:
//     "7923.600" may mean any of its subdivisions, and under some laws
//     every exemption is a subdivision of one section (New York's are
//     87(2)(a) to (q)), so "7923.600" and "7923.600(a)" count apart.
//   - Anything else keys on its text, trimmed, case-folded and with its
//     spaces collapsed: "Privacy" and "privacy " are one, whatever the law.
//
// A citation's key carries its law, and a tab no text key can hold: one
// section number is a different provision under another law.
func ExemptionKey(law, citation string) string {
	s := citationText(citation)
	if law == "us-federal" {
		if k, ok := foiaExemption(s); ok {
			return law + "\t" + k
		}
	} else if j, err := deadline.Lookup(law); err == nil {
		if k, ok := stateSection(j, s); ok {
			return law + "\t" + k
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(citation), " "))
}

// citationText is s lower-cased, spaced and punctuated the one way the
// patterns below read: "§" a word of its own, dashes as hyphens, spaces
// collapsed, no trailing period or comma.
func citationText(s string) string {
	s = strings.NewReplacer("§", " § ", "–", "-", "—", "-", "’", "'").Replace(strings.ToLower(s))
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), " .,;:")
}

// foiaCitation is a FOIA exemption: an optional "FOIA", "exemption" (or
// "ex."), title 5 and section 552, then the exemption's number with or
// without "(b)", then its subpart.
var foiaCitation = regexp.MustCompile(`^(?:foia |freedom of information act )?` +
	`(?:(exemption|exempt\.?|ex\.?) ?)?` +
	`(?:(?:5 ?u\.? ?s\.? ?c\.? ?)?(?:§ ?|section |sec\.? ?)?(552) ?)?` +
	`(\(b\)|b)? ?-? ?` +
	`(?:\(([1-9])\)|([1-9]))` +
	`(?: ?(?:\(([a-f])\)|([a-f])))?$`)

// foiaSubparts are FOIA's exemptions that have subparts (5 U.S.C.
// 552(b)(3)(A)-(B) and (b)(7)(A)-(F)), and the letters they go to.
var foiaSubparts = map[string]string{"3": "ab", "7": "abcdef"}

// foiaExemption reads s (citationText) as a FOIA exemption, keyed
// "(b)(7)(C)". A number alone ("5", "7(c)") is not one: without "(b)" or
// the word exemption it may be anything.
func foiaExemption(s string) (string, bool) {
	m := foiaCitation.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	word, title, b := m[1] != "", m[2] != "", m[3] != ""
	n, sub := m[4]+m[5], m[6]+m[7]
	switch {
	case !b && (!word || title): // "5", or "552(5)"
		return "", false
	case sub != "" && !strings.Contains(foiaSubparts[n], sub): // no such subpart: "(b)(5)(a)"
		return "", false
	}
	key := "(b)(" + n + ")"
	if sub != "" {
		key += "(" + strings.ToUpper(sub) + ")"
	}
	return key, true
}

// stateCitation is a section citation: whatever comes before the number
// (a code's name, "§", checked by stateSection), the section number
// ("7923.600", "2.2-3706", "47:1A-5", "140/7"), then its subdivisions.
var stateCitation = regexp.MustCompile(`^(.*?) ?(\d+[a-z]*(?:[.:/-]\d+[a-z]*)*)` +
	`((?: ?,? ?(?:subdivision|subd\.?|subsection|subsec\.?) ?(?:\([0-9a-z]+\)|[0-9a-z]+))?(?: ?\([0-9a-z]+\))*)$`)

var (
	subdivisionWord = regexp.MustCompile(`subdivision|subd\.?|subsection|subsec\.?`)
	subdivisionPart = regexp.MustCompile(`[0-9a-z]+`)
)

// stateSection reads s (citationText) as a section of the code of j's
// law, keyed "7923.600(a)(1)".
func stateSection(j *deadline.Jurisdiction, s string) (string, bool) {
	m := stateCitation.FindStringSubmatch(s)
	if m == nil || !lawsOwnName(j, m[1]) {
		return "", false
	}
	key := m[2]
	// Subdivision letters are folded: the level a designator sits at, not
	// its case, says what it is, so a typed "(A)" at the first level is (a).
	for _, part := range subdivisionPart.FindAllString(subdivisionWord.ReplaceAllString(m[3], " "), -1) {
		key += "(" + part + ")"
	}
	return key, true
}

// lawsOwnName reports whether name, the text before a section number, is
// nothing but the name of j's code or of its law (or nothing), with "§",
// "section" or "sec." around it.
func lawsOwnName(j *deadline.Jurisdiction, name string) bool {
	var words []string
	for _, w := range strings.Fields(strings.NewReplacer(".", "", "'", "", ",", " ").Replace(name)) {
		if w != "§" && w != "section" && w != "sec" {
			words = append(words, w)
		}
	}
	name = strings.Join(words, " ")
	if name == "" {
		return true
	}
	own := func(s string) string { return citationText(strings.ReplaceAll(s, ".", "")) }
	if name == own(j.ShortName) || name == own(j.Law) {
		return true
	}
	for _, n := range stateCodeNames[j.Code] {
		if name == n {
			return true
		}
	}
	return false
}

// stateCodeNames are the usual names of the code each state's law lives
// in, written as lawsOwnName compares them: lower case, without periods or
// apostrophes ("Gov't Code" is "govt code", "O.C.G.A." is "ocga"). The
// law's own names (deadline.Jurisdiction.ShortName and Law: "CPRA",
// "California Public Records Act") are read too. Massachusetts cites
// clauses of G.L. c. 4 s. 7(26), which no section number alone names, so
// its citations key on their text.
var stateCodeNames = map[string][]string{
	"us-ca": {"gov code", "govt code", "government code", "cal gov code", "cal govt code", "cal government code",
		"california government code", "gc"},
	"us-tx": {"gov code", "govt code", "government code", "tex gov code", "tex govt code", "tex government code",
		"texas gov code", "texas govt code", "texas government code"},
	"us-ny": {"public officers law", "pub off law", "ny pub off law", "ny public officers law", "pol"},
	"us-il": {"5 ilcs"},
	"us-wa": {"rcw"},
	"us-pa": {"65 ps"},
	"us-nj": {"njsa", "njs"},
	"us-va": {"va code", "va code ann", "code of virginia", "code of va"},
	"us-co": {"crs", "colo rev stat"},
	"us-mi": {"mcl", "mich comp laws"},
	"us-ga": {"ocga", "ga code", "ga code ann"},
	"us-fl": {"fla stat", "fs", "florida statutes"},
	"us-oh": {"rc", "orc", "ohio rev code", "ohio revised code", "revised code"},
	"us-az": {"ars"},
	"us-or": {"ors"},
	"us-mn": {"minn stat", "mn stat", "minnesota statutes"},
	"us-nc": {"gs", "ncgs", "nc gen stat"},
}
