package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// agencyFixture is an agency with business-day deadlines (New York's FOIL,
// five business days) and two open requests to it, the browser signed in
// as the org's admin.
type agencyFixture struct {
	*bundle
	a *sunshine.Agency
	// early was received Mon 27 Mar 2017, due Mon 3 Apr; late was
	// received Wed 29 Mar, due Wed 5 Apr.
	early, late *sunshine.Request
}

func setupAgency(t *testing.T) *agencyFixture {
	t.Helper()
	b := setup(t)
	a := &sunshine.Agency{Name: "New York City Police Department", Jurisdiction: "us-ny", RecordsContact: "FOIL Unit",
		Email: "foil@nypd.example", PortalURL: "https://nypd.example/foil", PostalAddress: "1 Police Plaza\nNew York, NY 10038",
		Phone: "646-610-5000"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	file := func(title, received string) *sunshine.Request {
		r := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail,
			ReceivedOn: deadline.MustParseDate(received)}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
		return r
	}
	f := &agencyFixture{bundle: b, a: a, early: file("Stop-and-frisk data", "2017-03-27"), late: file("ICE detainers", "2017-03-29")}
	require.Equal(t, "2017-04-03", f.early.DueOn.String())
	require.Equal(t, "2017-04-05", f.late.DueOn.String())
	b.login(b.fx.Admin.Email)
	return f
}

// due returns a request's statutory due date as stored now.
func (f *agencyFixture) due(r *sunshine.Request) string {
	f.t.Helper()
	got, err := f.st.FindRequestByID(f.fx.Ctx, r.ID)
	require.NoError(f.t, err)
	return got.DueOn.String()
}

// closures returns the agency's closure days as "2017-03-31 snow".
func (f *agencyFixture) closures() []string {
	f.t.Helper()
	cs, err := f.st.FindClosures(f.fx.Ctx, f.a.ID)
	require.NoError(f.t, err)
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ClosedOn.String()+" "+c.Reason)
	}
	return out
}

func (f *agencyFixture) path() string { return "/agencies/" + f.a.ID }

func TestAgencyPage(t *testing.T) {
	t.Parallel()
	f := setupAgency(t)
	_, err := f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate("2017-03-31"), Reason: "snow"})
	require.NoError(t, err)
	_, err = f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate("2017-01-09"), Reason: "Executive order 2017-1"})
	require.NoError(t, err)

	// The directory links each name to its page.
	require.Contains(t, body(f.get("/agencies")), `<a href="/agencies/`+f.a.ID+`">New York City Police Department</a>`)

	rec := f.get(f.path())
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	for _, want := range []string{
		"<h1>New York City Police Department</h1>",
		`<a href="https://www.nysenate.gov/legislation/laws/PBO/89" rel="noopener noreferrer">Freedom of Information Law</a> (FOIL, New York;`,
		"<dd>FOIL Unit</dd>",
		`<a href="mailto:foil@nypd.example">foil@nypd.example</a>`,
		`<a href="https://nypd.example/foil" rel="noopener noreferrer">`,
		"1 Police Plaza\nNew York, NY 10038",
		"646-610-5000",
		"America/New_York",
		"local date: Wed 5 Apr 2017",
		`<a href="/requests?agency_id=` + f.a.ID + `">Requests to this agency</a>`,
		"no deadline falls on one",
		"recomputes its requests' due dates and reminders",
		`<time datetime="2017-03-31">Fri 31 Mar 2017</time>`,
		"<td data-label=\"Reason\">snow</td>",
		`action="/agencies/` + f.a.ID + `/closures/2017-03-31/delete"`,
		`aria-label="Remove the closure day Mon 9 Jan 2017">Remove</button>`,
		`<form method="post" action="/agencies/` + f.a.ID + `/closures#closures"`,
		`<input type="date" id="closure-closed-on" name="closed_on"`,
		`<input id="closure-reason" name="reason"`,
		`<form method="post" action="/agencies/` + f.a.ID + `#edit"`,
		`<option value="us-ny" selected>`,
		// A textarea, which keeps the address's lines when the form is sent.
		"<textarea id=\"agency-postal_address\" name=\"postal_address\" rows=\"3\">1 Police Plaza\nNew York, NY 10038</textarea>",
		`value="New York City Police Department"`,
		"each existing request keeps the law it was filed under",
	} {
		require.Contains(t, page, want)
	}
	require.Less(t, strings.Index(page, "Fri 31 Mar 2017"), strings.Index(page, "Mon 9 Jan 2017"), "the latest first")

	// The link lists the agency's requests.
	list := body(f.get("/requests?agency_id=" + f.a.ID))
	require.Contains(t, list, f.early.ID)
	require.Contains(t, list, f.late.ID)

	for _, path := range []string{"/agencies/not-a-uuid", "/agencies/00000000-0000-0000-0000-000000000000"} {
		rec := f.get(path)
		require.Equal(t, http.StatusNotFound, rec.Code, path)
		require.Contains(t, body(rec), "There is nothing here", path)
	}

	// A viewer reads the page but gets no forms.
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Name: "Viewer", Role: sunshine.RoleViewer}
	require.NoError(t, f.st.CreateUser(f.fx.Ctx, viewer))
	require.NoError(t, f.st.SetPassword(context.Background(), viewer.ID, password))
	f.login(viewer.Email)
	page = body(f.get(f.path()))
	require.Contains(t, page, "Fri 31 Mar 2017")
	require.NotContains(t, page, "Remove</button>")
	require.NotContains(t, page, "Add a closure day")
	require.NotContains(t, page, "Edit agency")
}

// Adding a closure day moves the due dates of the requests it falls
// in, says how many moved, and removing it moves them back.
func TestAgencyPage_AddAndRemoveClosure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, on, day       string
		wantEarly, wantLate string // due dates with the closure day
		moved               string // the note's words
	}{
		{"both requests move", "2017-03-31", "Fri 31 Mar 2017", "2017-04-04", "2017-04-06", "the due dates of 2 requests moved: &#34;Stop-and-frisk data&#34; from Mon 3 Apr to Tue 4 Apr 2017, &#34;ICE detainers&#34; from Wed 5 Apr to Thu 6 Apr 2017."},
		{"before the later request was received", "2017-03-28", "Tue 28 Mar 2017", "2017-04-04", "2017-04-05", "the due date of 1 request moved: &#34;Stop-and-frisk data&#34; from Mon 3 Apr to Tue 4 Apr 2017."},
		{"a Saturday", "2017-04-01", "Sat 1 Apr 2017", "2017-04-03", "2017-04-05", "no request&#39;s due date moved."},
		{"after both due dates", "2017-04-10", "Mon 10 Apr 2017", "2017-04-03", "2017-04-05", "no request&#39;s due date moved."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setupAgency(t)
			rec := f.post(f.path()+"/closures", url.Values{"closed_on": {tc.on}, "reason": {" snow "}})
			loc := requireRedirect(t, rec, f.path())
			require.Equal(t, f.path(), loc, "to the top, where the note is")
			require.Equal(t, tc.wantEarly, f.due(f.early))
			require.Equal(t, tc.wantLate, f.due(f.late))
			require.Equal(t, []string{tc.on + " snow"}, f.closures())
			page := body(f.get(f.path())) // a browser keeps the #closures to itself
			require.Contains(t, page, `<p class="note" role="status">Closure day `+tc.day+` (snow) added; `+tc.moved+`</p>`)
			require.Contains(t, page, `<time datetime="`+tc.on+`">`+tc.day+`</time>`)
			if tc.wantEarly != "2017-04-03" {
				require.Contains(t, body(f.get("/requests/"+f.early.ID)), "Agency closure day added: "+tc.day+" (snow)")
			}

			rec = f.post(f.path()+"/closures/"+tc.on+"/delete", nil)
			require.Equal(t, f.path(), requireRedirect(t, rec, f.path()))
			require.Equal(t, "2017-04-03", f.due(f.early))
			require.Equal(t, "2017-04-05", f.due(f.late))
			require.Empty(t, f.closures())
			page = body(f.get(f.path()))
			require.Contains(t, page, "Closure day "+tc.day+" (snow) removed; "+strings.SplitN(tc.moved, ":", 2)[0])
			require.Contains(t, page, "No closure days recorded.")
			if tc.wantEarly != "2017-04-03" {
				require.Contains(t, body(f.get("/requests/"+f.early.ID)), "Agency closure day removed: "+tc.day+" (snow)")
			}
		})
	}
}

// A Michigan agency's closure days are business days (AG Op. 7172): the
// page says so, and recording one moves no due date.
func TestAgencyPage_MichiganClosureDaysCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "Detroit Police Department", Jurisdiction: "us-mi"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Gang database", DeliveryMethod: sunshine.DeliveryMail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	require.Equal(t, "2017-04-03", r.DueOn.String())
	b.login(b.fx.Admin.Email)
	path := "/agencies/" + a.ID
	require.Contains(t, body(b.get(path)), "Under Michigan's Freedom of Information Act, the office's closure days are business days (AG Op. 7172")
	requireRedirect(t, b.post(path+"/closures", url.Values{"closed_on": {"2017-03-29"}, "reason": {"flood"}}), path)
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-03", got.DueOn.String(), "the closure day is counted")
	require.Contains(t, body(b.get("/requests/"+r.ID)), "Wed 29 Mar 2017: office closed (flood), counted (AG Op. 7172")
}

// Bad input shows the page again with the error beside its field, keeps
// what was typed and saves nothing. The cases share one agency: none may
// change it.
func TestAgencyPage_ClosureErrors(t *testing.T) {
	t.Parallel()
	f := setupAgency(t)
	_, err := f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate("2017-03-31"), Reason: "snow"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name         string
		form         url.Values
		status       int
		field, error string
	}{
		{"a day already closed", url.Values{"closed_on": {"2017-03-31"}, "reason": {"storm"}}, http.StatusConflict,
			"closed-on", "is already a closure day of this agency"},
		{"no reason", url.Values{"closed_on": {"2017-03-30"}, "reason": {"  "}}, http.StatusBadRequest,
			"reason", "is required: why the office was closed"},
		{"a reason of two lines", url.Values{"closed_on": {"2017-03-30"}, "reason": {"snow\nand ice"}}, http.StatusBadRequest,
			"reason", "must be one line"},
		{"no date", url.Values{"closed_on": {""}, "reason": {"storm"}}, http.StatusBadRequest,
			"closed-on", "is required"},
		{"not a date", url.Values{"closed_on": {"next tuesday"}, "reason": {"storm"}}, http.StatusBadRequest,
			"closed-on", "must be a date such as 2017-03-27"},
		{"no such day", url.Values{"closed_on": {"2017-02-30"}, "reason": {"storm"}}, http.StatusBadRequest,
			"closed-on", "must be a date such as 2017-03-27"},
		{"more than a year ahead", url.Values{"closed_on": {"2018-04-10"}, "reason": {"storm"}}, http.StatusBadRequest,
			"closed-on", "must be within a year from today (2017-04-05 where the agency is)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.post(f.path()+"/closures", tc.form)
			require.Equal(t, tc.status, rec.Code)
			page := body(rec)
			require.Contains(t, page, `<p class="field-error" id="closure-`+tc.field+`-error">`+tc.error+`</p>`)
			require.Regexp(t, `id="closure-`+tc.field+`"[^>]*aria-invalid="true" aria-describedby="closure-`+tc.field+`-error"`, page)
			require.Contains(t, page, `id="closure-reason" name="reason" value="`+tc.form.Get("reason")+`"`, "what was typed is kept")
			require.Contains(t, page, `<div class="error" role="alert" tabindex="-1" data-error-summary>
    <p>The closure day was not added`, "a summary that takes the focus")
			require.Contains(t, page, `<a href="#closure-`+tc.field+`">`, "linked to the field")
			require.Equal(t, []string{"2017-03-31 snow"}, f.closures(), "nothing saved")
			require.Equal(t, "2017-04-04", f.due(f.early))
		})
	}

	// Removing a day that is not (or no longer) a closure day says so.
	rec := f.post(f.path()+"/closures/2017-03-30/delete", nil)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, body(rec), "Thu 30 Mar 2017 is not a closure day of this agency, so nothing was removed.")
	require.Equal(t, http.StatusNotFound, f.post(f.path()+"/closures/2017-13-01/delete", nil).Code)
	require.Equal(t, []string{"2017-03-31 snow"}, f.closures())
}

// Viewers cannot change an agency; another organization's agency is a 404
// for its page and every form, as is a malformed ID. Each visitor's cases
// run in turn on one agency of its own.
func TestAgencyPage_Access(t *testing.T) {
	t.Parallel()
	edit := url.Values{"name": {"NYPD"}, "was_name": {"New York City Police Department"}}
	add := url.Values{"closed_on": {"2017-03-30"}, "reason": {"storm"}}
	cases := []struct {
		name   string
		who    string // "viewer", "staff" or "peer" (another org's admin)
		method string
		path   string // after /agencies/{id}
		form   url.Values
		want   int
	}{
		{"viewer reads", "viewer", "GET", "", nil, http.StatusOK},
		{"viewer cannot edit", "viewer", "POST", "", edit, http.StatusForbidden},
		{"viewer cannot add a closure day", "viewer", "POST", "/closures", add, http.StatusForbidden},
		{"viewer cannot remove a closure day", "viewer", "POST", "/closures/2017-03-31/delete", nil, http.StatusForbidden},
		{"staff edits", "staff", "POST", "", edit, http.StatusSeeOther},
		{"staff adds a closure day", "staff", "POST", "/closures", add, http.StatusSeeOther},
		{"staff removes a closure day", "staff", "POST", "/closures/2017-03-31/delete", nil, http.StatusSeeOther},
		{"another org's page", "peer", "GET", "", nil, http.StatusNotFound},
		{"another org's edit", "peer", "POST", "", edit, http.StatusNotFound},
		{"another org's edit with errors", "peer", "POST", "", url.Values{"name": {""}}, http.StatusNotFound},
		{"another org's closure day added", "peer", "POST", "/closures", add, http.StatusNotFound},
		{"another org's closure day added with errors", "peer", "POST", "/closures", url.Values{"closed_on": {"nope"}}, http.StatusNotFound},
		{"another org's closure day removed", "peer", "POST", "/closures/2017-03-31/delete", nil, http.StatusNotFound},
	}
	for _, who := range []string{"viewer", "staff", "peer"} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			f := setupAgency(t)
			_, err := f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate("2017-03-31"), Reason: "snow"})
			require.NoError(t, err)
			switch who {
			case "viewer":
				u := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
				require.NoError(t, f.st.CreateUser(f.fx.Ctx, u))
				require.NoError(t, f.st.SetPassword(context.Background(), u.ID, password))
				f.login(u.Email)
			case "staff":
				f.login(f.staff("staff@ndlon.example").Email)
			case "peer":
				other := storetest.Org(t, f.st, "other")
				require.NoError(t, f.st.SetPassword(context.Background(), other.Admin.ID, password))
				f.login(other.Admin.Email)
			}
			for _, tc := range cases {
				if tc.who != who {
					continue
				}
				t.Run(tc.name, func(t *testing.T) {
					rec := f.get(f.path() + tc.path)
					if tc.method == "POST" {
						rec = f.post(f.path()+tc.path, tc.form)
					}
					require.Equal(t, tc.want, rec.Code, body(rec))
					switch tc.want {
					case http.StatusForbidden:
						require.Contains(t, body(rec), "Your role (viewer) can read requests and agencies but not change")
					case http.StatusNotFound:
						require.Contains(t, body(rec), "There is nothing here, or it belongs to another organization.")
						require.NotContains(t, body(rec), "New York City Police Department")
					}
					if who != "staff" {
						require.Equal(t, []string{"2017-03-31 snow"}, f.closures(), "nothing changed")
						got, err := f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
						require.NoError(t, err)
						require.Equal(t, "New York City Police Department", got.Name)
					}
				})
			}
			if who == "staff" {
				require.Equal(t, []string{"2017-03-30 storm"}, f.closures())
			}
		})
	}
}

// agencyFormOf is the edit form as the page fills it for a: each field,
// and what it said when opened.
func agencyFormOf(a *sunshine.Agency) url.Values {
	v := url.Values{}
	for name, value := range map[string]string{"name": a.Name, "jurisdiction": a.Jurisdiction, "records_contact": a.RecordsContact,
		"email": a.Email, "portal_url": a.PortalURL, "postal_address": a.PostalAddress, "phone": a.Phone, "time_zone": a.TimeZone} {
		v.Set(name, value)
		v.Set("was_"+name, value)
	}
	return v
}

// with returns a copy of v with the fields fields set.
func with(v url.Values, fields ...string) url.Values {
	out := copyValues(v)
	for i := 0; i+1 < len(fields); i += 2 {
		out.Set(fields[i], fields[i+1])
	}
	return out
}

func TestAgencyPage_Edit(t *testing.T) {
	t.Parallel()
	f := setupAgency(t)
	other := &sunshine.Agency{Name: "Port Authority Police", Jurisdiction: "us-ny"}
	require.NoError(t, f.st.CreateAgency(f.fx.Ctx, other))
	opened := agencyFormOf(f.a)
	page := body(f.get(f.path()))
	require.Contains(t, page, `<input type="hidden" name="was_name" value="New York City Police Department">`)
	require.Contains(t, page, `<input type="hidden" name="was_phone" value="646-610-5000">`)

	for _, tc := range []struct {
		name   string
		form   url.Values
		errors map[string]string // field: message, as shown
	}{
		{"empty name and a bad email", with(opened, "name", " ", "email", "not-an-email"),
			map[string]string{"name": "Name is required", "email": "Email must be an email address"}},
		{"another agency's name", with(opened, "name", "Port Authority Police"),
			map[string]string{"name": "Name is already in the directory"}},
		{"an unknown law", with(opened, "name", "NYPD", "jurisdiction", "xx"),
			map[string]string{"jurisdiction": "Law must be chosen from the list"}},
		{"an unknown time zone", with(opened, "name", "NYPD", "time_zone", "Mars/Olympus"),
			map[string]string{"time_zone": "Time zone must be an IANA time zone such as America/Los_Angeles"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.post(f.path(), tc.form)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			page := body(rec)
			require.Contains(t, page, "The changes were not saved. Check the fields marked below.")
			for field, msg := range tc.errors {
				require.Contains(t, page, `<p class="field-error" id="`+field+`-error">`+msg+`</p>`)
			}
			require.Contains(t, page, `value="`+tc.form.Get("email")+`"`, "what was typed is kept")
			require.Contains(t, page, "each existing request keeps the law it was filed under")
			got, err := f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
			require.NoError(t, err)
			require.Equal(t, "New York City Police Department", got.Name, "nothing saved")
		})
	}
	// A form without what the agency said when opened: reload.
	rec := f.post(f.path(), url.Values{"name": {"Renamed"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "reload the page and try again")

	// Saving what is there changes nothing and says so.
	loc := requireRedirect(t, f.post(f.path(), opened), f.path())
	require.Contains(t, body(f.get(loc)), "Nothing changed.")

	// Saved: a new name and law; the requests keep theirs.
	rec = f.post(f.path(), with(opened, "name", "NYPD", "jurisdiction", "us-federal", "records_contact", " Legal Bureau ",
		"email", "legal@nypd.example", "portal_url", "", "time_zone", ""))
	require.Equal(t, f.path(), requireRedirect(t, rec, f.path()))
	got, err := f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
	require.NoError(t, err)
	require.Equal(t, "NYPD", got.Name)
	require.Equal(t, "us-federal", got.Jurisdiction)
	require.Equal(t, "Legal Bureau", got.RecordsContact)
	require.Equal(t, "legal@nypd.example", got.Email)
	require.Empty(t, got.PortalURL, "an emptied field is emptied")
	require.Equal(t, "America/New_York", got.TimeZone, "the law's usual zone")
	page = body(f.get(f.path()))
	require.Contains(t, page, "Saved the changes to NYPD.")
	require.Contains(t, page, "<h1>NYPD</h1>")
	r, err := f.st.FindRequestByID(f.fx.Ctx, f.early.ID)
	require.NoError(t, err)
	require.Equal(t, "us-ny", r.Jurisdiction)
	require.Equal(t, "2017-04-03", r.DueOn.String())
}

// Two people edit an agency from forms opened at the same time. Only the
// fields each changed are saved, so the second save keeps the first one's
// change to another field; a change to the same field is refused, named
// with its new value, and saved only once the person has seen it.
func TestAgencyPage_EditMeanwhile(t *testing.T) {
	t.Parallel()
	f := setupAgency(t)
	opened := agencyFormOf(f.a) // both people's forms, as opened
	// The browser sends the textarea's lines with CRLF.
	opened.Set("postal_address", strings.ReplaceAll(f.a.PostalAddress, "\n", "\r\n"))
	opened.Set("was_postal_address", strings.ReplaceAll(f.a.PostalAddress, "\n", "\r\n"))

	requireRedirect(t, f.post(f.path(), with(opened, "phone", "646-610-0000")), f.path())
	requireRedirect(t, f.post(f.path(), with(opened, "email", "records@nypd.example")), f.path())
	got, err := f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
	require.NoError(t, err)
	require.Equal(t, "records@nypd.example", got.Email)
	require.Equal(t, "646-610-0000", got.Phone, "the first person's phone stays")
	require.Equal(t, f.a.PostalAddress, got.PostalAddress)

	// The same field changed by both: nothing saved, the field named with
	// its new value, what was typed kept, the other fields as they are now.
	third := with(opened, "phone", "212-555-0100", "records_contact", "Legal Bureau")
	rec := f.post(f.path(), third)
	require.Equal(t, http.StatusConflict, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Someone else changed this agency while you were editing it, so nothing was saved.")
	require.Contains(t, page, `<p class="field-error" id="phone-error">Phone was changed by someone else meanwhile, to &#34;646-610-0000&#34;: check it, then save again</p>`)
	require.Equal(t, "212-555-0100", inputValue(t, page, "agency-phone"))
	require.Equal(t, "records@nypd.example", inputValue(t, page, "agency-email"), "the colleague's email shown")
	require.Contains(t, page, `<input type="hidden" name="was_phone" value="646-610-0000">`)
	got, err = f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
	require.NoError(t, err)
	require.Equal(t, "646-610-0000", got.Phone, "nothing saved")
	require.Equal(t, "FOIL Unit", got.RecordsContact, "nothing saved")

	// Saving the form as shown again applies it.
	third.Set("was_phone", "646-610-0000")
	requireRedirect(t, f.post(f.path(), third), f.path())
	got, err = f.st.FindAgencyByID(f.fx.Ctx, f.a.ID)
	require.NoError(t, err)
	require.Equal(t, "212-555-0100", got.Phone)
	require.Equal(t, "Legal Bureau", got.RecordsContact)
	require.Equal(t, "records@nypd.example", got.Email)
}

// The new-request page's preview counts the agency's closure days, as
// filing does.
func TestNewRequest_PreviewCountsClosures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		closures map[string]string // day: reason
		due      string
		step     string // a step of the explanation, if any
	}{
		{"no closure days", nil, "Mon 3 Apr 2017", ""},
		{"a closure day in the period", map[string]string{"2017-03-31": "snow"}, "Tue 4 Apr 2017",
			"Fri 31 Mar 2017: office closed (snow), not counted."},
		{"two closure days, one the day of receipt", map[string]string{"2017-03-27": "power outage", "2017-03-30": "snow"}, "Tue 4 Apr 2017",
			"Thu 30 Mar 2017: office closed (snow), not counted."},
		{"a closure day before receipt", map[string]string{"2017-03-24": "snow"}, "Mon 3 Apr 2017", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setupAgency(t)
			for on, reason := range tc.closures {
				_, err := f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate(on), Reason: reason})
				require.NoError(t, err)
			}
			form := url.Values{"agency_id": {f.a.ID}, "title": {"Body camera policy"}, "delivery_method": {"email"},
				"sent_on": {"2017-03-27"}, "received_on": {"2017-03-27"}}
			preview := url.Values{"preview": {"1"}}
			for k, v := range form {
				preview[k] = v
			}
			rec := f.post("/requests", preview)
			require.Equal(t, http.StatusOK, rec.Code)
			page := body(rec)
			require.Contains(t, page, "Due <strong>"+tc.due+"</strong> under the Freedom of Information Law")
			if tc.step != "" {
				require.Contains(t, page, "<li>"+tc.step+"</li>")
			}
			require.NotContains(t, page, "2017-03-24", "a day before receipt is not a step")

			// Filing computes the same date.
			loc := requireRedirect(t, f.post("/requests", form), "/requests/")
			require.Contains(t, body(f.get(loc)), "Request saved: due "+tc.due+".")
		})
	}
}

// A due date moved by a closure change sits in the request's timeline on
// the day the change was made, not under the request's previous entry
// (its receipt, years back).
func TestAgencyPage_ClosureMoveDatedWhenMade(t *testing.T) {
	t.Parallel()
	f := setupAgency(t)
	_, err := f.st.AddClosure(f.fx.Ctx, &sunshine.Closure{AgencyID: f.a.ID, ClosedOn: deadline.MustParseDate("2017-03-31"), Reason: "snow"})
	require.NoError(t, err)
	es, _, err := f.st.FindEvents(f.fx.Ctx, f.early.ID, store.All, "")
	require.NoError(t, err)
	made := es[len(es)-1]
	require.Equal(t, "Agency closure day added: Fri 31 Mar 2017 (snow)", made.Note)
	on := deadline.Today(made.CreatedAt, f.a.Location())
	require.Contains(t, body(f.get("/requests/"+f.early.ID)),
		`<time datetime="`+on.String()+`">`+on.Format("Mon 2 Jan 2006")+`</time> Due date computed: Tue 4 Apr 2017 (was Mon 3 Apr 2017). Agency closure day added`)
}

// Michigan counts an e-mailed, faxed or portal request as received 1
// business day after it was sent (MCL 15.235(1), decision A9): the form
// says so next to the preview unless the received date is that day.
func TestNewRequest_ElectronicReceiptNote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mi := &sunshine.Agency{Name: "Detroit Police Department", Jurisdiction: "us-mi"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, mi))
	ca := &sunshine.Agency{Name: "Sacramento County Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, ca))
	b.clk.Set(time.Date(2024, 10, 11, 15, 0, 0, 0, time.UTC)) // the session lasts through the cases' days
	b.login(b.fx.Admin.Email)
	const note = "Under MCL 15.235(1) a request sent by e-mail on Fri 11 Oct 2024 counts as received 1 business day later, on Tue 15 Oct 2024, unless it reached the agency later."
	const later = "2024-10-20" // the form is filled in after the legal receipt date
	for _, tc := range []struct {
		name, today, agency, method, received string
		want                                  string // "" for no note
		button                                bool   // "Use Tue 15 Oct 2024 as the received date"
	}{
		{"e-mailed, no received date yet", later, mi.ID, "email", "", note, true},
		{"e-mailed, received the day sent", later, mi.ID, "email", "2024-10-11",
			note + " The received date entered, Fri 11 Oct 2024, is earlier: the due date below counts from it.", true},
		{"e-mailed, received later", later, mi.ID, "email", "2024-10-16", note + " The received date entered is Wed 16 Oct 2024.", true},
		{"e-mailed, received date as the law counts it", later, mi.ID, "email", "2024-10-15", "", false},
		// Filed the day it was e-mailed: Tue 15 Oct is more than a day
		// ahead, a received date the form would refuse.
		{"e-mailed today", "2024-10-11", mi.ID, "email", "",
			note + " That day has not come: save the request without a received date (a draft) and enter it then.", false},
		{"faxed", later, mi.ID, "fax", "", strings.Replace(note, "by e-mail", "by fax", 1), true},
		{"mailed", later, mi.ID, "mail", "2024-10-11", "", false},
		{"another law", later, ca.ID, "email", "2024-10-11", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.clk.Set(deadline.MustParseDate(tc.today).Time(time.UTC).Add(15 * time.Hour))
			rec := b.post("/requests", url.Values{"preview": {"1"}, "agency_id": {tc.agency}, "title": {"Gang database"},
				"delivery_method": {tc.method}, "sent_on": {"2024-10-11"}, "received_on": {tc.received}})
			require.Equal(t, http.StatusOK, rec.Code)
			page := body(rec)
			if tc.want == "" {
				require.NotContains(t, page, "data-receipt")
			} else {
				require.Contains(t, page, `<p class="caution" data-receipt>`+tc.want+`</p>`)
			}
			button := `data-use-received="2024-10-15" hidden>Use Tue 15 Oct 2024 as the received date</button>`
			if tc.button {
				require.Contains(t, page, button, "a button the script reveals")
			} else {
				require.NotContains(t, page, "data-use-received")
			}
		})
	}
}
