package sunshine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// The letter names the law and its period only as the deadline package
// gives them, carries the request text verbatim, addresses the agency with
// what its directory entry knows, and is dated in the agency's time zone.
func TestDraftLetter(t *testing.T) {
	t.Parallel()
	// 02:30 UTC on Thursday 6 April 2017: still Wednesday 5 April in
	// Sacramento, Chicago and New York.
	now := time.Date(2017, 4, 6, 2, 30, 0, 0, time.UTC)
	org := &sunshine.Organization{Name: "NDLON"}
	signer := &sunshine.User{Name: "Ana Ruiz", Email: "ana@ndlon.example"}
	full := func(law, tz string) *sunshine.Agency {
		return &sunshine.Agency{Name: "Sheriff's Department", Jurisdiction: law, TimeZone: tz, RecordsContact: "Records Unit",
			Email: "records@sheriff.example", PostalAddress: "711 G Street\r\nSacramento, CA 95814\n"}
	}
	for _, tc := range []struct {
		name    string
		law     string
		agency  *sunshine.Agency
		req     sunshine.Request
		signer  *sunshine.User
		date    string
		to      string
		subject string
		has     []string // lines or sentences the body must hold
		hasNot  []string
	}{
		{
			name: "CaliforniaWithTrackingNumber", law: "us-ca", agency: full("us-ca", "America/Los_Angeles"),
			req:  sunshine.Request{Title: "ICE communications", Description: "All communications with ICE\nsince 1 January 2017.", TrackingNumber: "R-42"},
			date: "April 5, 2017", to: "Records Unit, Sheriff's Department <records@sheriff.example>",
			subject: "California Public Records Act request: ICE communications",
			has: []string{"\nRecords Unit\nSheriff's Department\n711 G Street\nSacramento, CA 95814\nrecords@sheriff.example\n",
				"\nRe: California Public Records Act request: ICE communications\nReference: R-42\n",
				"\nDear Records Unit:\n",
				"\nI request the following records under the California Public Records Act.\n",
				"\nAll communications with ICE\nsince 1 January 2017.\n",
				"\nThe CPRA requires a response within 10 calendar days (Gov. Code 7922.535(a)).\n"},
		},
		{
			name: "FederalWorkingDays", law: "us-federal", agency: full("us-federal", "America/New_York"),
			req:     sunshine.Request{Title: "Detainers", Description: "Detainer requests sent to the county jail."},
			date:    "April 5, 2017",
			subject: "Freedom of Information Act request: Detainers",
			has: []string{"\nI request the following records under the Freedom of Information Act.\n",
				"\nThe FOIA requires a response within 20 working days (5 U.S.C. 552(a)(6)(A)(i)).\n"},
			hasNot: []string{"Reference:"},
		},
		{
			name: "NewYorkNamedWithItsState", law: "us-ny", agency: full("us-ny", "America/New_York"),
			req:     sunshine.Request{Title: "Stops", Description: "Stop reports for 2016."},
			date:    "April 5, 2017",
			subject: "New York Freedom of Information Law request: Stops",
			has: []string{"under the New York Freedom of Information Law.\n",
				"\nThe FOIL requires a response within 5 business days (Public Officers Law 89(3)(a)).\n"},
		},
		{
			name: "FloridaNoFixedPeriod", law: "us-fl", agency: full("us-fl", "America/New_York"),
			req:  sunshine.Request{Title: "Jail contracts", Description: "The jail's contracts with ICE."},
			date: "April 5, 2017",
			has: []string{"under the Florida Public Records Act.\n",
				"\nI ask for a prompt response, as the Florida Public Records Act requires (Fla. Stat. 119.07(1)).\n"},
			hasNot: []string{"requires a response within", "Track this request", "the law sets no number of days"},
		},
		{
			name: "AgencyWithoutContactOrAddress", law: "us-tx",
			agency:  &sunshine.Agency{Name: "Harris County", Jurisdiction: "us-tx", TimeZone: "America/Chicago"},
			req:     sunshine.Request{Title: "Use-of-force reports"},
			signer:  &sunshine.User{Email: "staff@ndlon.example"},
			date:    "April 5, 2017",
			to:      "Harris County",
			subject: "Texas Public Information Act request: Use-of-force reports",
			has: []string{"April 5, 2017\n\nHarris County\n\nRe: ",
				"\nTo whom it may concern:\n",
				"\nUse-of-force reports\n", // the title stands for a missing description
				"\nThe TPIA requires a response within 10 business days (Gov't Code 552.221(d), 552.301(b)).\n",
				"\nSincerely,\n\nstaff@ndlon.example\nNDLON\n"},
			hasNot: []string{"Dear", "Records Unit"},
		},
		{
			name: "DatedInTheAgencysZone", law: "us-ca", agency: full("us-ca", "Europe/Berlin"),
			req:  sunshine.Request{Title: "T", Description: "D"},
			date: "April 6, 2017",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.req
			r.Jurisdiction, r.TimeZone = tc.law, tc.agency.TimeZone
			u := signer
			if tc.signer != nil {
				u = tc.signer
			}
			l := sunshine.DraftLetter(sunshine.LetterInput{Request: &r, Agency: tc.agency, Org: org, Signer: u}, now)
			require.True(t, strings.HasPrefix(l.Body, tc.date+"\n\n"), l.Body)
			if tc.to != "" {
				require.Equal(t, tc.to, l.To)
			}
			if tc.subject != "" {
				require.Equal(t, tc.subject, l.Subject)
			}
			for _, s := range tc.has {
				require.Contains(t, l.Body, s)
			}
			for _, s := range tc.hasNot {
				require.NotContains(t, l.Body, s)
			}
			require.Contains(t, l.Body, "\nWhere possible, please provide the records in electronic form, by email.\n")
			if tc.signer == nil {
				require.True(t, strings.HasSuffix(l.Body, "\nSincerely,\n\nAna Ruiz\nana@ndlon.example\nNDLON\n"), l.Body)
				require.Equal(t, "Ana Ruiz, NDLON <ana@ndlon.example>", l.From)
			}
		})
	}
}

// Every law's letter states its period, or its lack of one, only in the
// deadline package's words: a fixed period as Days gives it with its
// citation; no fixed period with its citation alone: Sunshine's summary
// of the law (NoDeadline) is written for staff, not for an agency.
func TestDraftLetter_EveryLaw(t *testing.T) {
	t.Parallel()
	now := time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)
	for _, j := range deadline.Jurisdictions() {
		t.Run(j.Code, func(t *testing.T) {
			r := &sunshine.Request{Title: "T", Description: "D", Jurisdiction: j.Code, TimeZone: j.TimeZone}
			l := sunshine.DraftLetter(sunshine.LetterInput{Request: r, Agency: &sunshine.Agency{Name: "A"}}, now)
			if j.HasDeadline() {
				require.Contains(t, l.Body, "\nThe "+j.ShortName+" requires a response within "+j.Days(j.Period, j.Unit)+" ("+j.Citation+").\n")
				return
			}
			require.Contains(t, l.Body, "\nI ask for a prompt response, as the "+j.Law+" requires ("+j.Citation+").\n")
			require.NotContains(t, l.Body, "Track this request")
			require.NotContains(t, l.Body, "not modelled", "Sunshine's notes stay out of letters")
		})
	}
}

// A follow-up letter names the request it follows up (when the agency
// received it, and what it asks) and the date the response is due as the
// request follows it: the law's, with its citation (the extension's too,
// once invoked), the date agreed with the agency, or the agency's
// estimate; past, it says none came. A closed request, or one with no date
// to follow, asks where it stands without a date.
func TestDraftLetter_FollowUp(t *testing.T) {
	t.Parallel()
	now := time.Date(2017, 4, 12, 17, 0, 0, 0, time.UTC) // Wednesday 12 April in Sacramento
	d := deadline.MustParseDate
	agency := &sunshine.Agency{Name: "Sheriff's Department", Jurisdiction: "us-ca", RecordsContact: "Records Unit"}
	base := sunshine.Request{Title: "ICE communications", Description: "Every email with ICE.", Jurisdiction: "us-ca",
		TimeZone: "America/Los_Angeles", Status: sunshine.StatusSubmitted, ReceivedOn: d("2017-03-27"), DueOn: d("2017-04-06"),
		TrackingNumber: "R-17"}
	for _, tc := range []struct {
		name   string
		edit   func(r *sunshine.Request)
		has    []string
		hasNot []string
	}{
		{"past the law's date", nil, []string{
			"I write to follow up on my request under the California Public Records Act, received on March 27, 2017, for the following records:\n\nEvery email with ICE.\n",
			"\nThe CPRA required a response by April 6, 2017 (Gov. Code 7922.535(a)). I have not received one.\n",
			"\nPlease tell me where the request stands and when I can expect the records.\n",
		}, []string{"Where possible"}},
		{"extended, still to come", func(r *sunshine.Request) {
			r.Extended, r.DueOn = true, d("2017-04-20")
		}, []string{"\nThe CPRA requires a response by April 20, 2017 (Gov. Code 7922.535(a); extended under Gov. Code 7922.535(b)).\n"},
			[]string{"I have not received one", "unusual circumstances"}},
		{"a date agreed, passed", func(r *sunshine.Request) {
			r.CustomDueOn = d("2017-04-10")
		}, []string{"\nYou agreed to respond by April 10, 2017. I have not received your response.\n"}, []string{"The CPRA required"}},
		{"acknowledged, the law's date passed", func(r *sunshine.Request) {
			r.Status, r.AcknowledgedOn = sunshine.StatusAcknowledged, d("2017-03-29")
		}, []string{"\nYou acknowledged the request on March 29, 2017.\n", "\nThe CPRA required a response by April 6, 2017 (Gov. Code 7922.535(a)).\n"},
			[]string{"I have not received"}},
		{"records coming in parts", func(r *sunshine.Request) {
			r.Status, r.AcknowledgedOn = sunshine.StatusRollingProduction, d("2017-04-03")
		}, []string{"\nThank you for the records released so far. Please tell me when I can expect the rest.\n"},
			[]string{"I have not received", "required a response"}},
		{"waiting on us", func(r *sunshine.Request) {
			r.Status = sunshine.StatusAwaitingRequester
			r.Pauses = []deadline.Pause{{From: d("2017-03-30")}}
		}, []string{"\nYou asked me for more before going on with it. [Write here what you send:"},
			[]string{"I have not received", "required a response"}},
		{"the agency's estimate", func(r *sunshine.Request) {
			r.Jurisdiction, r.TimeZone, r.DueOn = "us-ny", "America/New_York", d("2017-04-03")
			r.Status, r.AcknowledgedOn, r.AgencyEstimatedOn = sunshine.StatusAcknowledged, d("2017-03-30"), d("2017-05-01")
		}, []string{"\nYou estimated a response by May 1, 2017.\n"}, []string{"FOIL required", "I have not received one"}},
		{"a law with no fixed period", func(r *sunshine.Request) {
			r.Jurisdiction, r.DueOn = "us-fl", deadline.Date{}
		}, []string{"under the Florida Public Records Act, received on March 27, 2017,",
			"\nI ask for a prompt response, as the Florida Public Records Act requires (Fla. Stat. 119.07(1)).\n", "\nPlease tell me where"},
			[]string{"required a response", "requires a response"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			if tc.edit != nil {
				tc.edit(&r)
			}
			l := sunshine.DraftLetter(sunshine.LetterInput{Request: &r, Agency: agency, Kind: sunshine.LetterFollowUp}, now)
			require.True(t, strings.HasPrefix(l.Subject, "Follow-up: "), l.Subject)
			require.Contains(t, l.Body, "\nReference: R-17\n")
			for _, s := range tc.has {
				require.Contains(t, l.Body, s)
			}
			for _, s := range tc.hasNot {
				require.NotContains(t, l.Body, s)
			}
		})
	}
}

func TestParseLetterKind(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]sunshine.LetterKind{"": sunshine.LetterRequest, "request": sunshine.LetterRequest, "follow_up": sunshine.LetterFollowUp} {
		got, err := sunshine.ParseLetterKind(in)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err := sunshine.ParseLetterKind("appeal")
	require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(err))
}

// A follow-up is for a request sent and still open: a draft and a closed
// request take none (a conflict); the request letter any.
func TestCheckLetter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status sunshine.Status
		ok     bool
	}{
		{sunshine.StatusDraft, false}, {sunshine.StatusSubmitted, true}, {sunshine.StatusAwaitingRequester, true},
		{sunshine.StatusAppealed, true}, {sunshine.StatusFulfilled, false}, {sunshine.StatusDenied, false},
	} {
		r := &sunshine.Request{Status: tc.status}
		require.NoError(t, sunshine.CheckLetter(r, sunshine.LetterRequest), tc.status)
		err := sunshine.CheckLetter(r, sunshine.LetterFollowUp)
		if tc.ok {
			require.NoError(t, err, tc.status)
		} else {
			require.Equal(t, sunshine.EConflict, sunshine.ErrorCode(err), tc.status)
		}
	}
}

// The organization's own closing ends the request letter, before the
// signature, as typed (trimmed); a follow-up does not repeat it; one too
// long is refused naming the field.
func TestDraftLetter_Closing(t *testing.T) {
	t.Parallel()
	now := time.Date(2017, 4, 5, 15, 0, 0, 0, time.UTC)
	closing, err := sunshine.NormalizeLetterClosing("  We ask that fees be waived: NDLON is a nonprofit.\r\n\r\nPlease cite the exemption for anything withheld.\r\n")
	require.NoError(t, err)
	require.Equal(t, "We ask that fees be waived: NDLON is a nonprofit.\n\nPlease cite the exemption for anything withheld.", closing)
	in := sunshine.LetterInput{
		Request: &sunshine.Request{Title: "ICE communications", Jurisdiction: "us-ca", TimeZone: "America/Los_Angeles", Status: sunshine.StatusSubmitted,
			ReceivedOn: deadline.MustParseDate("2017-03-27")},
		Agency:  &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"},
		Org:     &sunshine.Organization{Name: "NDLON"},
		Signer:  &sunshine.User{Name: "Ana Ruiz"},
		Closing: closing,
	}
	body := sunshine.DraftLetter(in, now).Body
	require.Contains(t, body, "(Gov. Code 7922.535(a)).\n\nWe ask that fees be waived: NDLON is a nonprofit.\n\nPlease cite the exemption for anything withheld.\n\nSincerely,\n")
	in.Kind = sunshine.LetterFollowUp
	require.NotContains(t, sunshine.DraftLetter(in, now).Body, "fees be waived")

	_, err = sunshine.NormalizeLetterClosing(strings.Repeat("x", sunshine.MaxLetterClosing+1))
	var e *sunshine.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "closing", e.Fields[0].Field)
}
