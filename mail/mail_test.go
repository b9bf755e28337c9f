package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/mail"
)

const sacramento = "Sacramento County Sheriff's Department"

// sacramentoReminder is a CPRA request due Thu 6 Apr 2017.
func sacramentoReminder(kind string) mail.ReminderData {
	return mail.ReminderData{
		Kind:           kind,
		RecipientName:  "Ana Reporter",
		OrgName:        "Sacramento Bee",
		RequestTitle:   "Use-of-force reports, 2016",
		AgencyName:     sacramento,
		LawShort:       "CPRA",
		Citation:       "Gov. Code 7922.535(a)",
		Status:         "acknowledged",
		DueOn:          deadline.MustDate(2017, 4, 6),
		TrackingNumber: "R-2017-0042",
		RequestURL:     "https://sunshine.example/requests/42",
		PrefsURL:       "https://sunshine.example/settings/notifications",
		Today:          deadline.MustDate(2017, 4, 5),
	}
}

func TestRenderReminder_Subjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*mail.ReminderData)
		want string
	}{
		{"DueToday", func(d *mail.ReminderData) { d.Kind = mail.KindDueToday },
			"Due today (Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"DueSoon", func(d *mail.ReminderData) { d.Kind = mail.KindDueSoon; d.BusinessDaysLeft = 3 },
			"Due Thu 6 Apr (3 business days): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"DueSoonOneDay", func(d *mail.ReminderData) { d.Kind = mail.KindDueSoon; d.BusinessDaysLeft = 1 },
			"Due Thu 6 Apr (1 business day): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"Overdue", func(d *mail.ReminderData) { d.Kind = mail.KindOverdue; d.DaysOverdue = 2 },
			"Overdue (was due Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"ExtensionEnding", func(d *mail.ReminderData) {
			d.Kind = mail.KindExtensionEnding
			d.DueOn = deadline.MustDate(2017, 4, 20)
			d.Extended = true
			d.BusinessDaysLeft = 3
		}, "Extended deadline Thu 20 Apr (3 business days): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"AgencyEstimatePassed", func(d *mail.ReminderData) {
			d.Kind = mail.KindAgencyEstimatePassed
			d.EstimatedOn = deadline.MustDate(2017, 5, 1)
		}, "Agency's estimated date Mon 1 May has passed: Use-of-force reports, 2016 (" + sacramento + ")"},
		{"AgencyEstimatePassedFOIA", func(d *mail.ReminderData) {
			d.Kind = mail.KindAgencyEstimatePassed
			d.LawShort = "FOIA"
			d.AgencyName = "FBI"
			d.EstimatedOn = deadline.MustDate(2017, 5, 1)
		}, "Agency's estimated date Mon 1 May has passed: Use-of-force reports, 2016 (FBI)"},
		{"OverdueFromAnotherYear", func(d *mail.ReminderData) {
			d.Kind = mail.KindOverdue
			d.Today = deadline.MustDate(2026, 11, 28)
			d.DaysOverdue = 3523
		}, "Overdue (was due Thu 6 Apr 2017): Use-of-force reports, 2016 (" + sacramento + ")"},
		{"AwaitingRequester", func(d *mail.ReminderData) {
			d.Kind = mail.KindAwaitingRequester
			d.PausedSince = deadline.MustDate(2017, 3, 29)
		}, "The agency has been waiting on us since Wed 29 Mar: Use-of-force reports, 2016 (" + sacramento + ")"},
		{"Assigned", func(d *mail.ReminderData) { d.Kind = mail.KindAssigned; d.AssignedBy = "Ana Ruiz" },
			"Assigned to you: Use-of-force reports, 2016 (" + sacramento + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sacramentoReminder("")
			tt.edit(&d)
			subject, text, html, err := mail.RenderReminder(d)
			require.NoError(t, err)
			require.Equal(t, tt.want, subject)
			for _, body := range []string{text, html} {
				require.Contains(t, body, d.RequestTitle)
				require.Contains(t, body, d.RequestURL)
				require.Contains(t, body, d.PrefsURL)
				require.Contains(t, body, d.LawShort)
				require.Contains(t, body, "Gov. Code 7922.535(a)")
				require.Contains(t, body, "acknowledged")
				require.Contains(t, body, "What to do next")
			}
		})
	}
}

func TestRenderReminder_EveryKind(t *testing.T) {
	t.Parallel()
	for _, kind := range mail.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			subject, text, html, err := mail.RenderReminder(sacramentoReminder(kind))
			require.NoError(t, err)
			require.True(t, strings.HasSuffix(subject, ": Use-of-force reports, 2016 ("+sacramento+")"), subject)
			require.NotEmpty(t, text)
			require.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"))
		})
	}
}

// The timeline's phrase for each kind says what the email says, with the
// year on every date (the timeline is read years later).
func TestReminderSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*mail.ReminderData)
		want string
	}{
		{"DueToday", func(d *mail.ReminderData) { d.Kind = mail.KindDueToday }, "due today (Thu 6 Apr 2017)"},
		{"DueSoon", func(d *mail.ReminderData) { d.Kind = mail.KindDueSoon; d.BusinessDaysLeft = 3 },
			"due in 3 business days (Thu 6 Apr 2017)"},
		{"DueSoonOneDay", func(d *mail.ReminderData) { d.Kind = mail.KindDueSoon; d.BusinessDaysLeft = 1 },
			"due in 1 business day (Thu 6 Apr 2017)"},
		{"Overdue", func(d *mail.ReminderData) { d.Kind = mail.KindOverdue; d.DaysOverdue = 8 },
			"overdue: was due Thu 6 Apr 2017, 8 days late"},
		{"OverdueAgreedDate", func(d *mail.ReminderData) { d.Kind = mail.KindOverdue; d.DaysOverdue = 8; d.Custom = true },
			"the agreed date has passed (Thu 6 Apr 2017, 8 days ago)"},
		{"ExtensionEnding", func(d *mail.ReminderData) {
			d.Kind = mail.KindExtensionEnding
			d.DueOn = deadline.MustDate(2017, 4, 20)
			d.BusinessDaysLeft = 3
		}, "extended deadline in 3 business days (Thu 20 Apr 2017)"},
		{"AgencyEstimatePassed", func(d *mail.ReminderData) {
			d.Kind = mail.KindAgencyEstimatePassed
			d.EstimatedOn = deadline.MustDate(2017, 5, 1)
		}, "the agency's estimated date has passed (Mon 1 May 2017)"},
		{"AwaitingRequester", func(d *mail.ReminderData) {
			d.Kind = mail.KindAwaitingRequester
			d.PausedSince = deadline.MustDate(2017, 3, 29)
		}, "the agency has been waiting on us since Wed 29 Mar 2017"},
		{"Assigned", func(d *mail.ReminderData) { d.Kind = mail.KindAssigned; d.AssignedBy = "Ana Ruiz" },
			"the request was assigned to them by Ana Ruiz"},
		{"UnknownKind", func(d *mail.ReminderData) { d.Kind = "bogus" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sacramentoReminder("")
			tt.edit(&d)
			require.Equal(t, tt.want, mail.ReminderSummary(d))
		})
	}
}

// What an email claims depends on whose date it is and on the law: an
// agreed date that passed is no breach of the statute; a law that does not
// stop the clock while the agency waits on us says so; a long title is
// shortened in the subject only; the footer says why this person gets it.
func TestRenderReminder_Claims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*mail.ReminderData)
		subject     string
		want, never []string // in both bodies
	}{
		{"statutory date missed", func(d *mail.ReminderData) { d.Kind = mail.KindOverdue; d.DaysOverdue = 2 },
			"Overdue (was due Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"The agency has missed its deadline under the CPRA (Gov. Code 7922.535(a))", "is 2 days late"},
			[]string{"agreed"}},
		// The date passed while the agency waited on us (a fee letter before
		// it, our payment after it): late, but not the agency's breach alone.
		{"statutory date passed while it waited on us", func(d *mail.ReminderData) {
			d.Kind, d.DaysOverdue = mail.KindOverdue, 6
			d.WaitedFrom, d.WaitedTo = deadline.MustDate(2017, 4, 3), deadline.MustDate(2017, 4, 12)
		}, "Overdue (was due Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"The due date passed while the request waited on us: the agency asked us for something on Mon 3 Apr 2017 and we answered on Wed 12 Apr 2017, " +
				"and the CPRA does not stop its clock for that. Ask the agency when to expect its response"},
			[]string{"missed its deadline", "cite the deadline"}},
		{"assigned after the date passed while it waited on us", func(d *mail.ReminderData) {
			d.Kind, d.DaysOverdue = mail.KindAssigned, 6
			d.WaitedFrom, d.WaitedTo = deadline.MustDate(2017, 4, 3), deadline.MustDate(2017, 4, 12)
		}, "",
			[]string{"The due date passed while the request waited on us (the agency asked us for something on Mon 3 Apr 2017; we answered on Wed 12 Apr 2017): ask the agency when to expect its response."},
			[]string{"missed its deadline"}},
		{"agreed date passed", func(d *mail.ReminderData) {
			d.Kind, d.DaysOverdue, d.Custom, d.CustomReason = mail.KindOverdue, 2, true, "agreed by phone"
			d.LawShort, d.Citation = "Chapter 119", "Fla. Stat. 119.07(1)"
		}, "Agreed date passed (Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"passed 2 days ago", "citing the date it agreed to", "(agreed with the agency: agreed by phone)"},
			[]string{"missed its deadline", "late"}},
		{"due soon on an agreed date", func(d *mail.ReminderData) { d.Kind, d.BusinessDaysLeft, d.Custom = mail.KindDueSoon, 2, true },
			"Due Thu 6 Apr (2 business days): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"the date agreed with the agency, in 2 business days"}, nil},
		{"statutory extension", func(d *mail.ReminderData) {
			d.Kind, d.BusinessDaysLeft, d.Extended = mail.KindExtensionEnding, 3, true
			d.LawShort, d.ExtensionCitation = "FOIA", "5 U.S.C. 552(a)(6)(B)(i)"
		}, "Extended deadline Thu 6 Apr (3 business days): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"The law allows this one extension (5 U.S.C. 552(a)(6)(B)(i)): it is the last day the agency has."},
			[]string{"set for itself"}},
		{"waiting on us, the clock runs", func(d *mail.ReminderData) {
			d.Kind, d.PausedSince, d.Status = mail.KindAwaitingRequester, deadline.MustDate(2017, 3, 29), "awaiting requester"
			d.AgencyEmail, d.AgencyPortal = "records@sheriff.example", "https://sheriff.example/records"
		}, "The agency has been waiting on us since Wed 29 Mar: Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"Under this law the clock keeps running while the agency waits, so answer soon.", "awaiting requester",
				"records@sheriff.example", "https://sheriff.example/records"},
			[]string{"paused", "awaiting_requester"}},
		{"waiting on us, the clock stops", func(d *mail.ReminderData) {
			d.Kind, d.PausedSince, d.Tolls = mail.KindAwaitingRequester, deadline.MustDate(2017, 3, 29), true
		}, "The agency has been waiting on us since Wed 29 Mar: Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"The clock is paused until we answer."}, []string{"keeps running"}},
		{"agency's estimate passed, the statutory date met", func(d *mail.ReminderData) {
			d.Kind, d.EstimatedOn, d.DueOn, d.StatutoryMet = mail.KindAgencyEstimatePassed, deadline.MustDate(2026, 12, 4), deadline.MustDate(2026, 11, 30), true
			d.LawShort, d.Citation, d.Today = "FOIL", "Public Officers Law 89(3)(a)", deadline.MustDate(2026, 12, 5)
		}, "Agency's estimated date Fri 4 Dec has passed: Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"Fri 4 Dec 2026", "That date has passed.",
				"The statutory date, Mon 30 Nov 2026, was met when the agency acknowledged the request: this is not a missed statutory deadline.",
				"Fri 4 Dec 2026 (", "Mon 30 Nov 2026 (met: the agency acknowledged the request)"},
			[]string{"Due", "missed its deadline", "late"}},
		{"agency's estimate passed, the statutory date missed by a late acknowledgment", func(d *mail.ReminderData) {
			d.Kind, d.EstimatedOn, d.DueOn, d.StatutoryMet = mail.KindAgencyEstimatePassed, deadline.MustDate(2026, 12, 4), deadline.MustDate(2026, 11, 30), true
			d.AcknowledgedLateOn = deadline.MustDate(2026, 12, 2)
			d.LawShort, d.Citation, d.Today = "FOIL", "Public Officers Law 89(3)(a)", deadline.MustDate(2026, 12, 5)
		}, "Agency's estimated date Fri 4 Dec has passed: Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"The statutory date, Mon 30 Nov 2026, was missed: the agency acknowledged the request only on Wed 2 Dec 2026.",
				"Mon 30 Nov 2026 (missed: the agency acknowledged the request only on Wed 2 Dec 2026)"},
			[]string{"was met", "(met:"}},
		{"agency's estimate passed, the statutory date still counts", func(d *mail.ReminderData) {
			d.Kind, d.EstimatedOn = mail.KindAgencyEstimatePassed, deadline.MustDate(2017, 4, 4)
		}, "Agency's estimated date Tue 4 Apr has passed: Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"Tue 4 Apr 2017 (", "Due", "Thu 6 Apr 2017"}, []string{"Statutory", "(met:"}},
		{"a long title is shortened in the subject", func(d *mail.ReminderData) {
			d.Kind = mail.KindDueToday
			d.RequestTitle = "All communications between the Sheriff's Department and Immigration and Customs Enforcement since 20 January 2017"
			d.Why = mail.WhyWatcher
		}, "Due today (Thu 6 Apr): All communications between the Sheriff's Department and… (" + sacramento + ")",
			[]string{"Immigration and Customs Enforcement since 20 January 2017", "You get this email because you watch this request in Sunshine."}, nil},
		{"to the assignee", func(d *mail.ReminderData) {
			d.Kind, d.Why = mail.KindDueToday, mail.WhyAssignee
		}, "Due today (Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"You get this email because you are assigned to this request in Sunshine."},
			[]string{"admin"}},
		// Said plainly, with how to hand the request on (reviewers read
		// "…go to the admins of Sacramento Bee in Sunshine." as garbled).
		{"to an admin, nobody assigned or watching", func(d *mail.ReminderData) {
			d.Kind, d.Why = mail.KindDueToday, mail.WhyAdmin
		}, "Due today (Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"You get this email because you are an admin of Sacramento Bee in Sunshine and nobody is assigned to this request or watches it. " +
				"To hand it on, assign someone to it or watch it on"},
			[]string{"admins of", "reminders go to"}},
		{"no reason known", func(d *mail.ReminderData) { d.Kind = mail.KindDueToday },
			"Due today (Thu 6 Apr): Use-of-force reports, 2016 (" + sacramento + ")",
			[]string{"You get this email because you follow Sacramento Bee's records requests in Sunshine."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sacramentoReminder("")
			tt.edit(&d)
			subject, text, html, err := mail.RenderReminder(d)
			require.NoError(t, err)
			if tt.subject != "" {
				require.Equal(t, tt.subject, subject)
			}
			for _, body := range []string{text, html} {
				body = strings.ReplaceAll(strings.ReplaceAll(body, "&#39;", "'"), "\n", " ")
				body = strings.Join(strings.Fields(body), " ")
				for _, w := range tt.want {
					require.Contains(t, body, w)
				}
				for _, w := range tt.never {
					require.NotContains(t, body, w)
				}
			}
		})
	}
}

func TestRenderReminder_ErrUnknownKind(t *testing.T) {
	t.Parallel()
	_, _, _, err := mail.RenderReminder(sacramentoReminder("bogus"))
	require.ErrorContains(t, err, "unknown reminder kind")
}

func TestRenderReminder_EscapesHTML(t *testing.T) {
	t.Parallel()
	d := sacramentoReminder(mail.KindOverdue)
	d.RequestTitle = `Emails <script>alert("x")</script> & memos`
	d.AgencyName = `<b>Agency</b>`
	d.RequestURL = `javascript:alert(1)`
	subject, text, html, err := mail.RenderReminder(d)
	require.NoError(t, err)
	require.NotContains(t, html, "<script>")
	require.NotContains(t, html, "<b>Agency</b>")
	require.NotContains(t, html, "javascript:")
	require.Contains(t, html, "Emails &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; memos")
	require.Contains(t, text, d.RequestTitle, "the text body is not HTML and keeps the title as typed")
	require.Equal(t, `Overdue (was due Thu 6 Apr): Emails <script>alert("x")</script> & memos (<b>Agency</b>)`, subject)
}

func TestRenderReminder_SubjectOneLine(t *testing.T) {
	t.Parallel()
	d := sacramentoReminder(mail.KindDueToday)
	d.AgencyName = "Evil\r\nBcc: victim@example.com"
	subject, _, _, err := mail.RenderReminder(d)
	require.NoError(t, err)
	require.NotContains(t, subject, "\n")
	require.NotContains(t, subject, "\r")
}

func digestItem(title string, overdue int) mail.DigestItem {
	return mail.DigestItem{
		Title: title, AgencyName: sacramento, Status: "acknowledged",
		URL: "https://sunshine.example/requests/1", DueOn: deadline.MustDate(2017, 4, 3), DaysOverdue: overdue,
	}
}

// A digest names who has each request, lists the acknowledged requests
// past the agency's estimate with their statutory date named as met, and
// the requests with no date to follow with what to do.
func TestRenderDigest_AssigneesEstimatesAndNoDate(t *testing.T) {
	t.Parallel()
	late := digestItem("Jail access logs", 5)
	late.Assignee = "Ana Reporter"
	passed := mail.DigestItem{Title: "Stop-and-frisk data", AgencyName: "New York City Police Department", Status: "acknowledged",
		URL: "https://sunshine.example/requests/2", DueOn: deadline.MustDate(2026, 11, 30), EstimatedOn: deadline.MustDate(2026, 12, 4)}
	florida := mail.DigestItem{Title: "Jail contracts", AgencyName: "Miami-Dade Police Department", Status: "submitted",
		URL: "https://sunshine.example/requests/3", Assignee: "ben@clinic.example",
		Todo: "No statutory date: set a custom due date, one agreed with the agency or your own follow-up date."}
	d := mail.DigestData{RecipientName: "Ana Reporter", OrgName: "Legal Clinic", Date: deadline.MustDate(2026, 12, 5),
		Overdue: []mail.DigestItem{late}, EstimatePassed: []mail.DigestItem{passed}, NoDate: []mail.DigestItem{florida},
		DashboardURL: "https://sunshine.example/requests", PrefsURL: "https://sunshine.example/settings"}
	subject, text, html, ok, err := mail.RenderDigest(d)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "Sunshine digest for Sat 5 Dec: 1 overdue, 1 past the agency's estimate, 1 with no date to follow", subject)
	require.Contains(t, text, "  "+sacramento+" · acknowledged · assigned to Ana Reporter · due Mon 3 Apr 2017 (5 days late)\n")
	require.Contains(t, text, "Agency's estimate passed (1): the acknowledgment met the statutory date")
	require.Contains(t, text, "  New York City Police Department · acknowledged · unassigned · agency's estimate Fri 4 Dec 2026 (statutory date Mon 30 Nov 2026 met)\n")
	require.Contains(t, text, "No date to follow (1)")
	require.Contains(t, text, "  Miami-Dade Police Department · submitted · assigned to ben@clinic.example\n  No statutory date: set a custom due date")
	require.Less(t, strings.Index(text, "Overdue (1)"), strings.Index(text, "Agency's estimate passed (1)"))
	require.Less(t, strings.Index(text, "Agency's estimate passed (1)"), strings.Index(text, "No date to follow (1)"))
	html = strings.ReplaceAll(html, "&#39;", "'")
	for _, w := range []string{"assigned to Ana Reporter", "unassigned · agency's estimate Fri 4 Dec 2026 (statutory date Mon 30 Nov 2026 met)",
		"Agency's estimate passed (1)</h2>", "No date to follow (1)</h2>", "<br>No statutory date: set a custom due date"} {
		require.Contains(t, html, w)
	}
	for _, body := range []string{text, html} {
		require.NotContains(t, strings.Split(body, "Agency's estimate passed (1)")[1], "late", "a passed estimate is not late")
	}

	// Acknowledged after the statutory date: missed, not met.
	passed.StatutoryMissed = true
	d.EstimatePassed = []mail.DigestItem{passed}
	_, text, html, _, err = mail.RenderDigest(d)
	require.NoError(t, err)
	require.Contains(t, text, "agency's estimate Fri 4 Dec 2026 (statutory date Mon 30 Nov 2026 missed)\n")
	require.Contains(t, html, "(statutory date Mon 30 Nov 2026 missed)")
}

func TestRenderDigest(t *testing.T) {
	t.Parallel()
	item := digestItem("Jail booking logs", 0)
	late := digestItem("Use-of-force <reports>", 2)
	tests := []struct {
		name    string
		edit    func(*mail.DigestData)
		wantOK  bool
		subject string
	}{
		{"Empty", func(*mail.DigestData) {}, false, ""},
		{"AllSections", func(d *mail.DigestData) {
			d.Overdue = []mail.DigestItem{late}
			d.DueToday = []mail.DigestItem{item}
			d.DueSoon = []mail.DigestItem{item, item}
			d.Awaiting = []mail.DigestItem{item}
		}, true, "Sunshine digest for Wed 5 Apr: 1 overdue, 1 due today, 2 due within 7 days, 1 waiting on us"},
		{"OmitsZeroParts", func(d *mail.DigestData) {
			d.Overdue = []mail.DigestItem{late}
			d.DueToday = []mail.DigestItem{item}
			d.DueSoon = []mail.DigestItem{item, item}
		}, true, "Sunshine digest for Wed 5 Apr: 1 overdue, 1 due today, 2 due within 7 days"},
		{"OnlyAwaiting", func(d *mail.DigestData) {
			d.Awaiting = []mail.DigestItem{item, item, item}
		}, true, "Sunshine digest for Wed 5 Apr: 3 waiting on us"},
		{"Cut", func(d *mail.DigestData) {
			d.Overdue = []mail.DigestItem{late, late}
			d.Cut = 2
		}, true, "Sunshine digest for Wed 5 Apr: 2 overdue, more not listed"},
		{"Separately", func(d *mail.DigestData) {
			d.DueSoon = []mail.DigestItem{item}
			d.Separately = 2
		}, true, "Sunshine digest for Wed 5 Apr: 1 due within 7 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := mail.DigestData{
				RecipientName: "Ana Reporter", OrgName: "Sacramento Bee",
				Date:         deadline.MustDate(2017, 4, 5),
				DashboardURL: "https://sunshine.example/requests",
				PrefsURL:     "https://sunshine.example/settings/notifications",
			}
			tt.edit(&d)
			subject, text, html, ok, err := mail.RenderDigest(d)
			require.NoError(t, err)
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.subject, subject)
			if !ok {
				require.Empty(t, text)
				require.Empty(t, html)
				return
			}
			for _, body := range []string{text, html} {
				require.Contains(t, body, d.PrefsURL)
				require.Contains(t, body, d.DashboardURL)
			}
			for _, body := range []string{text, html} {
				if d.Separately > 0 {
					require.Contains(t, body, "Not repeated here: 2 requests you are emailed about separately today.")
				} else {
					require.NotContains(t, body, "Not repeated")
				}
				if d.Cut > 0 {
					require.Contains(t, body, "This digest lists only the first 2 requests")
				} else {
					require.NotContains(t, body, "lists only")
				}
			}
			if len(d.Overdue) > 0 {
				require.Contains(t, text, "Use-of-force <reports>")
				require.Contains(t, text, "2 days late")
				require.Contains(t, html, "Use-of-force &lt;reports&gt;")
				require.NotContains(t, html, "<reports>")
			}
		})
	}
}

const from = "Sunshine <reminders@sunshine.example>"

func testMessages(n int) []mail.Message {
	msgs := make([]mail.Message, n)
	for i := range msgs {
		d := sacramentoReminder(mail.Kinds[i%len(mail.Kinds)])
		subject, text, html, err := mail.RenderReminder(d)
		if err != nil {
			panic(err)
		}
		msgs[i] = mail.Message{
			ID:      "reminder-0000000" + string(rune('a'+i)) + "-5d2b-4c1e-9f3a-3b1f2c6d7e8f",
			To:      "ana" + string(rune('a'+i)) + "@news.example",
			ToName:  "Ana Reporter",
			Subject: subject,
			Text:    text,
			HTML:    html,
		}
	}
	return msgs
}

func TestDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	m, err := mail.NewDir(dir, from)
	require.NoError(t, err)
	require.Equal(t, "files in "+dir, m.Describe())

	msgs := testMessages(2)
	errs := m.Send(context.Background(), msgs)
	require.Equal(t, []error{nil, nil}, errs)
	// At-least-once: a resend overwrites rather than adding a file, and
	// a copy asked for is the file.
	msgs[0].Copy = &bytes.Buffer{}
	require.Equal(t, []error{nil}, m.Send(context.Background(), msgs[:1]))
	file, err := os.ReadFile(filepath.Join(dir, msgs[0].ID+".eml"))
	require.NoError(t, err)
	require.Equal(t, string(file), msgs[0].Copy.String())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2)

	for _, want := range msgs {
		f, err := os.Open(filepath.Join(dir, want.ID+".eml"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = f.Close() })
		got, err := netmail.ReadMessage(f)
		require.NoError(t, err)

		require.Equal(t, "<"+want.ID+"@sunshine.example>", got.Header.Get("Message-ID"))
		subject, err := new(mime.WordDecoder).DecodeHeader(got.Header.Get("Subject"))
		require.NoError(t, err)
		require.Equal(t, want.Subject, subject)
		require.Equal(t, "auto-generated", got.Header.Get("Auto-Submitted"))
		require.Equal(t, want.ID, got.Header.Get("X-Sunshine-Message"))
		to, err := got.Header.AddressList("To")
		require.NoError(t, err)
		require.Equal(t, []*netmail.Address{{Name: "Ana Reporter", Address: want.To}}, to)
		fromAddr, err := got.Header.AddressList("From")
		require.NoError(t, err)
		require.Equal(t, "reminders@sunshine.example", fromAddr[0].Address)
		_, err = got.Header.Date()
		require.NoError(t, err)

		mediaType, params, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
		require.NoError(t, err)
		require.Equal(t, "multipart/alternative", mediaType)
		parts := map[string]string{}
		mr := multipart.NewReader(got.Body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable
			if err != nil {
				break
			}
			ct, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
			require.NoError(t, err)
			b, err := io.ReadAll(p)
			require.NoError(t, err)
			parts[ct] = string(b)
		}
		require.Equal(t, want.Text, normalize(parts["text/plain"]))
		require.Equal(t, want.HTML, normalize(parts["text/html"]))
	}
}

func normalize(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func TestDir_ErrInvalidMessage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := mail.NewDir(dir, from)
	require.NoError(t, err)
	good := testMessages(1)[0]
	badID, badTo := good, good
	badID.ID = "../escape"
	badTo.To = "not an address"
	errs := m.Send(context.Background(), []mail.Message{badID, good, badTo})
	require.Len(t, errs, 3)
	require.ErrorContains(t, errs[0], "invalid message ID")
	require.NoError(t, errs[1])
	require.ErrorContains(t, errs[2], "invalid recipient")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

func TestNewDir_ErrInvalidFrom(t *testing.T) {
	t.Parallel()
	_, err := mail.NewDir(t.TempDir(), "nobody")
	require.Error(t, err)
}

func TestFake(t *testing.T) {
	t.Parallel()
	var f mail.Fake
	var _ mail.Mailer = &f
	msgs := testMessages(3)

	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Go(func() {
			require.Equal(t, []error{nil}, f.Send(context.Background(), []mail.Message{m}))
		})
	}
	wg.Wait()
	require.ElementsMatch(t, msgs, f.Sent())

	boom := errors.New("smtp down")
	f.FailWith(boom)
	errs := f.Send(context.Background(), msgs[:2])
	require.Len(t, errs, 2)
	for _, err := range errs {
		require.ErrorIs(t, err, boom)
	}
	require.Len(t, f.Sent(), 3, "failed messages are not recorded")

	f.FailWith(nil)
	require.Equal(t, []error{nil}, f.Send(context.Background(), msgs[:1]))
	require.Len(t, f.Sent(), 4)
	require.NotEmpty(t, f.Describe())
}

// An assignment email says who assigned what, and what it means for the
// person: the request's reminders come to them now.
func TestRenderReminder_Assigned(t *testing.T) {
	t.Parallel()
	d := sacramentoReminder(mail.KindAssigned)
	d.AssignedBy = "Ana Ruiz"
	_, text, html, err := mail.RenderReminder(d)
	require.NoError(t, err)
	require.Contains(t, text, `Ana Ruiz assigned "Use-of-force reports, 2016" to you.`)
	require.Contains(t, html, `Ana Ruiz assigned Use-of-force reports, 2016 to you.`)
	for _, body := range []string{text, html} {
		require.Contains(t, body, "its reminders come to you")
		require.NotContains(t, body, "late")
	}

	// A FOIL request that follows the agency's estimate shows it beside
	// the met statutory date; one with no date to follow says what to do.
	foil := d
	foil.StatutoryMet, foil.EstimatedOn = true, deadline.MustDate(2017, 5, 1)
	_, text, html, err = mail.RenderReminder(foil)
	require.NoError(t, err)
	require.Contains(t, text, "Estimate:  Mon 1 May 2017 (the agency's: the date to follow)")
	require.Contains(t, text, "Statutory: Thu 6 Apr 2017 (met")
	require.Contains(t, html, "Mon 1 May 2017 (the date to follow)")
	appealed := d
	appealed.DueOn, appealed.Todo = deadline.Date{}, "under appeal: set the decision's due date as a custom date"
	_, text, html, err = mail.RenderReminder(appealed)
	require.NoError(t, err)
	require.Contains(t, text, "Due:       no date to follow: under appeal: set the decision's due date as a custom date")
	require.NotContains(t, text, "Thu 6 Apr 2017")
	require.Contains(t, html, "no date to follow: under appeal")
}

// A note written with the assignment is quoted under who wrote it, its
// lines kept, and escaped in the HTML.
func TestRenderReminder_AssignedWithNote(t *testing.T) {
	t.Parallel()
	d := sacramentoReminder(mail.KindAssigned)
	d.AssignedBy = "Ana Ruiz"
	d.AssignmentNote = "The clerk promised a call back Monday.\nAsk for <the> index first."
	_, text, html, err := mail.RenderReminder(d)
	require.NoError(t, err)
	require.Contains(t, text, "to you.\n\nAna Ruiz's note:\nThe clerk promised a call back Monday.\nAsk for <the> index first.\n\n  Request:")
	html = strings.ReplaceAll(html, "&#39;", "'")
	require.Contains(t, html, ">Ana Ruiz's note:</p>")
	require.Contains(t, html, "white-space: pre-wrap;\">The clerk promised a call back Monday.\nAsk for &lt;the&gt; index first.</blockquote>")

	d.AssignmentNote = ""
	_, text, html, err = mail.RenderReminder(d)
	require.NoError(t, err)
	require.NotContains(t, text, "note")
	require.NotContains(t, html, "blockquote")
}

// An assignment email for a request already past its due date says so:
// in the subject, beside the date and in what to do next (the caller sets
// DaysOverdue only when the request is overdue: never while it waits on
// us, or when the agency's acknowledgment met the date).
func TestRenderReminder_AssignedLate(t *testing.T) {
	t.Parallel()
	d := sacramentoReminder(mail.KindAssigned)
	d.AssignedBy = "Ana Ruiz"
	d.Today, d.DaysOverdue = deadline.MustDate(2017, 4, 9), 3
	subject, text, html, err := mail.RenderReminder(d)
	require.NoError(t, err)
	require.Equal(t, "Assigned to you (overdue: was due Thu 6 Apr): Use-of-force reports, 2016 ("+sacramento+")", subject)
	require.Contains(t, text, `Ana Ruiz assigned "Use-of-force reports, 2016" to you. The agency's response was due on Thu 6 Apr 2017 and is already 3 days late.`)
	require.Contains(t, text, "  Due:       Thu 6 Apr 2017 (3 days late)\n")
	require.Contains(t, text, "The agency has missed its deadline under the CPRA (Gov. Code 7922.535(a)): follow up in writing")
	html = strings.ReplaceAll(html, "&#39;", "'")
	require.Contains(t, html, "The agency's response was due on <strong>Thu 6 Apr 2017</strong> and is already 3 days late.")
	require.Contains(t, html, "<td>Thu 6 Apr 2017 <strong>(3 days late)</strong></td>")
	require.Contains(t, html, "The agency has missed its deadline under the CPRA")

	// A date agreed with the agency has passed; it is not the law's.
	agreed := d
	agreed.Custom, agreed.CustomReason, agreed.DaysOverdue = true, "agreed by phone", 1
	subject, text, html, err = mail.RenderReminder(agreed)
	require.NoError(t, err)
	require.Equal(t, "Assigned to you (agreed date Thu 6 Apr passed): Use-of-force reports, 2016 ("+sacramento+")", subject)
	require.Contains(t, text, "The date agreed with the agency, Thu 6 Apr 2017, passed 1 day ago.")
	require.Contains(t, text, "  Due:       Thu 6 Apr 2017 (agreed with the agency: agreed by phone; passed 1 day ago)\n")
	require.Contains(t, text, "citing the date it agreed to")
	require.Contains(t, html, "passed 1 day ago")
	for _, body := range []string{text, html} {
		require.NotContains(t, body, "missed its deadline")
		require.NotContains(t, body, "late")
	}
}

// The digest goes out on weekdays, not every day, and spells
// "organization" as the rest of Sunshine does.
func TestRenderDigest_Wording(t *testing.T) {
	t.Parallel()
	for _, org := range []string{"", "Sacramento Bee"} {
		d := mail.DigestData{RecipientName: "Ana Reporter", OrgName: org, Date: deadline.MustDate(2017, 4, 5),
			Overdue: []mail.DigestItem{digestItem("Jail access logs", 2)}, DashboardURL: "https://sunshine.example/", PrefsURL: "https://sunshine.example/settings"}
		_, text, html, ok, err := mail.RenderDigest(d)
		require.NoError(t, err)
		require.True(t, ok)
		for _, body := range []string{text, html} {
			require.NotContains(t, body, "daily")
			require.NotContains(t, body, "organisation")
			require.Contains(t, body, "You get this digest on weekdays, when a request needs attention, because you follow")
			if org == "" {
				require.Contains(t, body, "your organization")
			}
		}
	}
}

// A group's email names how many agencies and the request in its subject,
// and lists each agency's line as its own email would say it, for every
// kind that has one; the assignment email has none. Titles and names are
// escaped in HTML, and the subject stays one line.
func TestRenderGroupReminder(t *testing.T) {
	t.Parallel()
	group := func(kind string) mail.GroupReminderData {
		a, b := sacramentoReminder(kind), sacramentoReminder(kind)
		b.AgencyName, b.RequestURL = "Fresno County Sheriff's Office", "https://sunshine.example/requests/2"
		return mail.GroupReminderData{Kind: kind, RecipientName: "Ana", OrgName: "NDLON", Why: mail.WhyAssignee,
			Title: a.RequestTitle, Items: []mail.ReminderData{a, b}, PrefsURL: "https://sunshine.example/settings", Today: a.Today}
	}
	for _, tc := range []struct{ kind, subject string }{
		{mail.KindDueToday, "Due today at 2 agencies: "},
		{mail.KindDueSoon, "Due soon at 2 agencies: "},
		{mail.KindOverdue, "Overdue at 2 agencies: "},
		{mail.KindExtensionEnding, "Extended deadlines ending at 2 agencies: "},
		{mail.KindAgencyEstimatePassed, "Agencies' estimated dates passed at 2 agencies: "},
		{mail.KindAwaitingRequester, "2 agencies are waiting on us: "},
		{mail.KindAssigned, "Assigned to you at 2 agencies: "},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			d := group(tc.kind)
			subject, text, html, err := mail.RenderGroupReminder(d)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(subject, tc.subject), subject)
			for _, it := range d.Items {
				line := "- " + it.AgencyName + ": " + mail.ReminderSummary(it)
				if tc.kind == mail.KindAssigned { // where each stands, not "assigned to them" twice
					line = "- " + it.AgencyName + ": " + it.Status + ", due " + it.DueOn.Format("Mon 2 Jan 2006")
				}
				require.Contains(t, text, line)
				require.Contains(t, text, it.RequestURL)
				require.Contains(t, html, `<a href="`+it.RequestURL+`"`)
			}
			require.Contains(t, text, "You get this email because you are assigned to these requests")
			followUp := tc.kind == mail.KindOverdue || tc.kind == mail.KindAgencyEstimatePassed
			for _, it := range d.Items {
				link := it.RequestURL + "/letter?kind=follow_up"
				require.Equal(t, followUp, strings.Contains(text, "Draft a follow-up letter: "+link), "%s: each agency's follow-up", tc.kind)
				require.Equal(t, followUp, strings.Contains(html, `<a href="`+link+`"`), tc.kind)
			}
		})
	}
	// A request renamed since it was filed says so on its line.
	renamed := group(mail.KindDueSoon)
	renamed.Items[1].RequestTitle = "ICE communications, 2017 only"
	_, text, _, err := mail.RenderGroupReminder(renamed)
	require.NoError(t, err)
	require.Contains(t, text, `- Fresno County Sheriff's Office ("ICE communications, 2017 only"): due in`)
	require.NotContains(t, text, "- "+renamed.Items[0].AgencyName+" (", "the others keep the group's title")

	_, _, _, err = mail.RenderGroupReminder(group("digest"))
	require.ErrorContains(t, err, "no group email")

	d := group(mail.KindOverdue)
	d.Title = "Emails <script>x</script>\r\nBcc: victim@example.com"
	d.Items[1].AgencyName = "<b>Fresno</b>"
	subject, _, html, err := mail.RenderGroupReminder(d)
	require.NoError(t, err)
	require.NotContains(t, html, "<script>")
	require.NotContains(t, html, "<b>Fresno</b>")
	require.NotContains(t, subject, "\n")
	require.NotContains(t, subject, "\r")
}

// The emails that ask for a follow-up (overdue, the agency's estimate
// passed) link to its draft; the others do not.
func TestRenderReminder_FollowUpLink(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]bool{mail.KindOverdue: true, mail.KindAgencyEstimatePassed: true,
		mail.KindDueSoon: false, mail.KindDueToday: false, mail.KindAwaitingRequester: false} {
		d := sacramentoReminder(kind)
		_, text, html, err := mail.RenderReminder(d)
		require.NoError(t, err)
		link := d.RequestURL + "/letter?kind=follow_up"
		require.Equal(t, want, strings.Contains(text, "Draft a follow-up letter: "+link), kind)
		require.Equal(t, want, strings.Contains(html, `<a href="`+link+`"`), kind)
	}
}

// A digest names a group's request once, its agencies under it, where the
// first of them stands; sections and the subject still count requests.
func TestRenderDigest_GroupsUnderOneTitle(t *testing.T) {
	t.Parallel()
	item := func(agency, group, url string) mail.DigestItem {
		it := digestItem("ICE communications", 0)
		it.AgencyName, it.Group, it.URL = agency, group, url
		return it
	}
	d := mail.DigestData{RecipientName: "Ana", OrgName: "NDLON", Date: deadline.MustDate(2017, 4, 3),
		DashboardURL: "https://sunshine.example/requests", PrefsURL: "https://sunshine.example/settings",
		DueSoon: []mail.DigestItem{
			item("Alameda County Sheriff", "g1", "https://sunshine.example/requests/a"),
			digestItem("Jail contracts", 0),
			item("Fresno County Sheriff", "g1", "https://sunshine.example/requests/f"),
			item("Kern County Sheriff", "g1", "https://sunshine.example/requests/k"),
		}}
	subject, text, html, ok, err := mail.RenderDigest(d)
	require.NoError(t, err)
	require.True(t, ok)
	require.Contains(t, subject, "4 due within 7 days")
	require.Contains(t, text, "Due in the next 7 days (4)")
	require.Equal(t, 1, strings.Count(text, "- ICE communications"), "the title once")
	require.Contains(t, text, "- ICE communications (filed together: 3 agencies)\n  Alameda County Sheriff · acknowledged")
	at := func(s string) int { return strings.Index(text, s) }
	require.True(t, at("Alameda County Sheriff") < at("Fresno County Sheriff") && at("Fresno County Sheriff") < at("Kern County Sheriff"))
	require.True(t, at("Kern County Sheriff") < at("- Jail contracts"), "the group where its first request stands")
	require.Contains(t, html, `<a href="https://sunshine.example/requests/k" style="color: #0b4f9c;">Kern County Sheriff</a>: `)
}

// The notice of letters not delivered names each and the mail server's
// words, escaped in HTML, in one line of subject counting them; one
// refused is not logged as sent, one bounced went and is.
func TestRenderLetterFailed(t *testing.T) {
	t.Parallel()
	d := mail.LetterFailedData{RecipientName: "Ana", OrgName: "NDLON", RequestTitle: "ICE <contracts>", AgencyName: "Sheriff",
		RequestURL: "https://sunshine.example/requests/1",
		Items:      []mail.LetterFailedItem{{What: "the request letter to records@sheriff.example", Error: "550 <records@sheriff.example>: no such user"}}}
	subject, text, html, err := mail.RenderLetterFailed(d)
	require.NoError(t, err)
	require.Equal(t, "A letter not delivered: ICE <contracts> (Sheriff)", subject)
	require.Contains(t, text, "A letter you sent from Sunshine for \"ICE <contracts>\" (Sheriff) did not reach the agency.")
	require.Contains(t, text, "- the request letter to records@sheriff.example\n  The mail server refused it, so it is not logged as sent: 550 <records@sheriff.example>: no such user\n")
	require.Contains(t, html, "550 &lt;records@sheriff.example&gt;: no such user")
	require.NotContains(t, html, "<contracts>")

	d.Items = append(d.Items, mail.LetterFailedItem{What: "the follow-up letter to records@sheriff.example", Error: "550 5.1.1 User unknown",
		Bounced: true, SentOn: "Mon 7 Dec 2026"})
	subject, text, html, err = mail.RenderLetterFailed(d)
	require.NoError(t, err)
	require.Equal(t, "2 letters not delivered: ICE <contracts> (Sheriff)", subject)
	require.Contains(t, text, "2 letters you sent from Sunshine for \"ICE <contracts>\" (Sheriff) did not reach the agency.")
	require.Contains(t, text, "- the follow-up letter to records@sheriff.example\n  It went on Mon 7 Dec 2026 and is logged as sent, but a mail server returned it undelivered: 550 5.1.1 User unknown\n")
	require.Contains(t, html, "It went on Mon 7 Dec 2026 and is logged as sent, but a mail server returned it undelivered: 550 5.1.1 User unknown")
}

// A message in a thread answers the last message named and refers to all,
// by the Message-IDs Sunshine gave them; a malformed one is refused.
func TestDir_Thread(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := mail.NewDir(dir, from)
	require.NoError(t, err)
	msg := mail.Message{ID: "letter-3", To: "records@sheriff.example", Subject: "Follow-up", Text: "Where?", Letter: true,
		Thread: []string{"letter-1", "letter-2"}}
	require.Equal(t, []error{nil}, m.Send(context.Background(), []mail.Message{msg}))
	f, err := os.Open(filepath.Join(dir, "letter-3.eml"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	got, err := netmail.ReadMessage(f)
	require.NoError(t, err)
	require.Equal(t, "<letter-2@sunshine.example>", got.Header.Get("In-Reply-To"))
	require.Equal(t, "<letter-1@sunshine.example> <letter-2@sunshine.example>", strings.Join(strings.Fields(got.Header.Get("References")), " "))
	require.Empty(t, got.Header.Get("Auto-Submitted"), "a person's letter")

	msg.Thread = []string{"letter-1>\r\nBcc: x@evil.example"}
	errs := m.Send(context.Background(), []mail.Message{msg})
	require.ErrorContains(t, errs[0], "invalid message ID")
}

// A note's email says when the request's date passed, and without a
// writer (a token's note) it names none and invites no reply.
func TestRenderMention(t *testing.T) {
	t.Parallel()
	base := mail.MentionData{RecipientName: "Maria", OrgName: "NDLON", Writer: "Ana Ruiz", Note: "Can you call <them>?",
		RequestTitle: "ICE communications", AgencyName: "Sheriff", Status: "submitted", DueOn: deadline.MustParseDate("2017-04-06"),
		NoteURL: "https://sunshine.example/requests/r1#event-e1", PrefsURL: "https://sunshine.example/settings#preferences"}
	for _, tc := range []struct {
		name          string
		mod           func(d *mail.MentionData)
		subject, text string
		not           string
	}{
		{"due later", func(d *mail.MentionData) {}, "Ana Ruiz mentioned you in a note: ICE communications (Sheriff)",
			"The request is submitted, due Thu 6 Apr 2017.\n", ", ago"},
		{"its date passed", func(d *mail.MentionData) { d.DaysPast = 3 }, "Ana Ruiz mentioned you in a note: ICE communications (Sheriff)",
			"The request is submitted, due Thu 6 Apr 2017, 3 days ago.\n", ""},
		{"no writer", func(d *mail.MentionData) { d.Writer = "" }, "A note mentions you: ICE communications (Sheriff)",
			"You are mentioned in a note on \"ICE communications\" (Sheriff)", "Reply to this email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			tc.mod(&d)
			subject, text, html, err := mail.RenderMention(d)
			require.NoError(t, err)
			require.Equal(t, tc.subject, subject)
			require.Contains(t, text, tc.text)
			require.Contains(t, html, "Can you call &lt;them&gt;?", "escaped")
			if tc.not != "" {
				require.NotContains(t, text, tc.not)
			}
		})
	}
}
