package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Word lists for realistic request titles and correspondence. Some topics
// mention the terms people search for ("detainer", "287(g)", "ICE"), in
// about the proportion an immigrant-rights coalition's requests would.

var topics = []string{
	"ICE detainer requests", "the 287(g) agreement", "immigration detainers and holds",
	"communications with ICE", "notifications of release to ICE", "Secure Communities data",
	"transfers of inmates to ICE custody", "ICE courthouse arrests", "use-of-force reports",
	"body-worn camera footage", "jail booking records", "license plate reader data",
	"facial recognition software", "contracts with private detention companies", "police overtime spending",
	"deaths in custody", "gang database criteria", "cell-site simulator use", "officer disciplinary records",
	"911 call logs", "school resource officer agreements", "jail medical care contracts",
	"traffic stop data", "drone surveillance flights", "federal grant applications",
}

var titleForms = []string{
	"All records of %s, %d to %d",
	"Emails concerning %s (%d-%d)",
	"Policies and training materials on %s since %d, through %d",
	"Memoranda and correspondence about %s, %d-%d",
	"Data and spreadsheets on %s for %d through %d",
}

var agencyKinds = []string{
	"Sheriff's Office", "Police Department", "Department of Corrections", "Department of Justice",
	"Attorney General", "Department of Public Safety", "County Jail", "Highway Patrol",
	"Board of Supervisors", "Department of Transportation", "Public Schools", "Department of Health",
}

var orgKinds = []string{
	"Immigrant Rights Coalition", "Civil Liberties Union", "Public Defender Project", "News Collective",
	"Justice Center", "Transparency Project", "Law School Clinic", "Community Alliance",
}

var places = []string{
	"Sacramento", "Fresno", "Harris County", "Cook County", "Maricopa", "Suffolk", "Fulton", "King County",
	"Hennepin", "Multnomah", "Travis", "Wayne County", "Essex", "Bergen", "Denver", "Franklin",
}

var firstNames = []string{"Ana", "Ben", "Carmen", "Dev", "Elena", "Farid", "Grace", "Hugo", "Imani", "Jorge", "Kim", "Luis", "Maya", "Nora", "Omar", "Priya"}
var lastNames = []string{"Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Flores", "Garcia", "Hughes", "Ibrahim", "Jones", "Khan", "Lopez", "Morales", "Nguyen", "Ortiz", "Patel"}

var tagWords = []string{"ice", "immigration", "police", "jail", "surveillance", "budget", "priority", "litigation"}

var exemptions = []string{"7923.600", "7927.705", "b(5)", "b(6)", "b(7)(C)", "b(7)(E)", "552.108", "552.101", "87(2)(e)", "law enforcement"}

// sentence fragments: %[1]s topic, %[2]s agency, %[3]d a year.
var sentences = []string{
	"Please provide all records of %[1]s held by the %[2]s since January %[3]d.",
	"This includes emails, memoranda, spreadsheets, text messages and calendar entries.",
	"We ask that you include any detainer forms (I-247A), requests for notification and related correspondence with ICE.",
	"Records concerning the 287(g) program, its steering committee and its annual reports are within the scope of this request.",
	"The %[2]s acknowledges receipt of your request regarding %[1]s.",
	"We have located responsive records and are reviewing them for exempt material.",
	"Portions have been redacted to protect personal privacy and ongoing investigations.",
	"The estimated cost of duplication is set out below; please confirm you wish to proceed.",
	"Additional time is needed to search for and collect the requested records from field offices.",
	"Could you clarify the date range and the custodians whose email should be searched?",
	"Attached is the first installment of records, covering %[3]d.",
	"We have not received a response within the statutory period and ask for an update.",
	"The %[2]s has no records responsive to part 3 of the request.",
	"Records reflecting the number of ICE detainers honored, declined or lodged each month are requested.",
	"Please include any agreements, memoranda of understanding or invoices exchanged with Immigration and Customs Enforcement.",
	"We appeal the denial of our request for %[1]s and ask for a review by the head of the agency.",
	"Inmate release notifications sent to ICE through the jail management system are public records.",
	"The records will be released on a rolling basis as the review proceeds.",
	"Body camera footage is withheld under the investigative records exemption.",
	"Thank you for your patience while we process your request.",
}

// title returns a request title.
func title(r *rand.Rand, topic string, year int) string {
	return fmt.Sprintf(titleForms[r.IntN(len(titleForms))], topic, year, year+1+r.IntN(4))
}

// immigrationTopics are the first topics: only their correspondence uses
// the immigration-specific sentences (detainers, 287(g), ICE).
const immigrationTopics = 8

var immigrationSentence = func() map[int]bool {
	m := map[int]bool{}
	for i, s := range sentences {
		if strings.Contains(s, "ICE") || strings.Contains(s, "detainer") || strings.Contains(s, "287(g)") {
			m[i] = true
		}
	}
	return m
}()

// paragraph returns n sentences about topic and agency.
func paragraph(r *rand.Rand, n int, topic, agency string, year int) string {
	immigration := false
	for _, t := range topics[:immigrationTopics] {
		immigration = immigration || t == topic
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		k := r.IntN(len(sentences))
		for !immigration && immigrationSentence[k] {
			k = r.IntN(len(sentences))
		}
		s := sentences[k]
		if strings.Contains(s, "%[") {
			s = fmt.Sprintf(s, topic, agency, year)
		}
		b.WriteString(s)
	}
	return b.String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted picks an index with the given integer weights.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}
