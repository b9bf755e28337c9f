package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// textareaValue is the text of the textarea with the given ID, as a
// browser reads it (the newline just after the tag is not part of it).
func textareaValue(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	require.NotNil(t, m, "no textarea #%s", id)
	return html.UnescapeString(strings.TrimPrefix(m[1], "\n"))
}

// noFragment is a redirect's address as the browser asks for it.
func noFragment(loc string) string { path, _, _ := strings.Cut(loc, "#"); return path }

// commForm is the edit form as its page fills it for cm.
func commForm(cm *sunshine.Communication) url.Values {
	fee := ""
	if cm.FeeAmount != nil {
		fee = *cm.FeeAmount
	}
	return url.Values{"version": {strconv.Itoa(cm.Version)}, "channel": {cm.Channel}, "occurred_on": {cm.OccurredOn.String()},
		"from": {cm.From}, "to": {cm.To}, "subject": {cm.Subject}, "body": {cm.Body},
		"exemptions_cited": {strings.Join(cm.ExemptionsCited, "\n")}, "fee_amount": {fee}}
}

// Staff correct a logged communication on a page of its own, reached from
// its Edit in the timeline: every editable field comes pre-filled, a save
// says so on the request page at the communication, and a save that
// changes nothing says that instead.
func TestCommunicationEdit(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: deadline.MustParseDate("2017-03-29"),
		From: "records@sheriff.example", To: "staff@ndlon.example", Subject: "Received", Body: "\nWe received your request.\nRecords Unit"}})
	require.NoError(t, err)

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<a href="/communications/`+cm.ID+`/edit">Edit<span class="visually-hidden"> the acknowledgment of Wed 29 Mar 2017</span></a>`)

	rec := b.get("/communications/" + cm.ID + "/edit")
	require.Equal(t, http.StatusOK, rec.Code)
	page = body(rec)
	require.Contains(t, page, "<title>Edit the acknowledgment of Wed 29 Mar 2017 · Sunshine</title>")
	require.Contains(t, page, "<h1>Edit the acknowledgment of Wed 29 Mar 2017</h1>")
	require.Contains(t, page, `<a href="/requests/`+r.ID+`#comm-`+cm.ID+`">Communications with immigration authorities</a>`, "back to the request, at the communication")
	require.Contains(t, page, "From the agency. Correct what it says here.")
	require.Contains(t, page, "When it was logged it may have changed the request&#39;s status as of its date; changing its date here does not move that.")
	require.Contains(t, page, "Logged as the wrong kind or direction? Log it again as it should be")
	for id, label := range map[string]string{"channel": "Channel", "occurred-on": "Date", "from": "From", "to": "To", "subject": "Subject", "body": "Message"} {
		require.Contains(t, page, `<label for="comm-edit-`+id+`">`+label+`</label>`, id)
	}
	require.Contains(t, page, `aria-describedby="comm-edit-occurred-on-hint"`, "the date says a new one does not move the effect")
	require.Contains(t, page, `<option value="email" selected>Email</option>`)
	for id, want := range map[string]string{"comm-edit-occurred-on": "2017-03-29", "comm-edit-from": "records@sheriff.example",
		"comm-edit-to": "staff@ndlon.example", "comm-edit-subject": "Received", "comm-edit-fee-amount": ""} {
		require.Equal(t, want, inputValue(t, page, id), id)
	}
	require.Equal(t, cm.Body, textareaValue(t, page, "comm-edit-body"), "the whole body, its leading blank line too")
	require.Contains(t, page, `<input type="hidden" name="version" value="`+strconv.Itoa(cm.Version)+`">`)

	// Saving what is there changes nothing and says so, though a browser
	// sends the message's line breaks as CRLF.
	same := commForm(cm)
	same.Set("body", strings.ReplaceAll(cm.Body, "\n", "\r\n"))
	loc := requireRedirect(t, b.post("/communications/"+cm.ID+"/edit", same), "/requests/"+r.ID+"#comm-"+cm.ID)
	require.Contains(t, body(b.get(noFragment(loc))), "Nothing changed.")
	got, err := b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.NoError(t, err)
	require.Equal(t, cm.Version, got.Version)

	form := commForm(cm)
	form.Set("channel", "portal")
	form.Set("occurred_on", "2017-03-30")
	form.Set("subject", "  Acknowledgment of CPRA request ")
	form.Set("body", "We received your request on 28 March.\r\nRecords Unit")
	form.Set("exemptions_cited", "Gov. Code 7922.000\r\n\r\n Gov. Code 7927.705 \r\n")
	form.Set("fee_amount", "$1,250.50")
	loc = requireRedirect(t, b.post("/communications/"+cm.ID+"/edit", form), "/requests/"+r.ID+"#comm-"+cm.ID)
	page = body(b.get(noFragment(loc)))
	require.Contains(t, page, "Communication updated. Its new date does not move what logging it did to the request")
	require.Contains(t, page, "Communication edited")
	require.Contains(t, page, "Acknowledgment of CPRA request")
	got, err = b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.NoError(t, err)
	require.Equal(t, "portal", got.Channel)
	require.Equal(t, "2017-03-30", got.OccurredOn.String())
	require.Equal(t, "Acknowledgment of CPRA request", got.Subject)
	require.Equal(t, "We received your request on 28 March.\r\nRecords Unit", got.Body)
	require.Equal(t, []string{"Gov. Code 7922.000", "Gov. Code 7927.705"}, got.ExemptionsCited)
	require.Equal(t, "1250.50", *got.FeeAmount)
	require.Equal(t, "records@sheriff.example", got.From, "untouched")
	require.Equal(t, cm.Version+1, got.Version)

	// Clearing the fee and the exemptions clears them.
	form = commForm(got)
	form.Set("fee_amount", "")
	form.Set("exemptions_cited", "")
	loc = requireRedirect(t, b.post("/communications/"+cm.ID+"/edit", form), "/requests/"+r.ID+"#comm-"+cm.ID)
	require.Contains(t, body(b.get(noFragment(loc))), "Communication updated.")
	require.NotContains(t, body(b.get(noFragment(loc))), "does not move", "the date did not change")
	got, err = b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.NoError(t, err)
	require.Nil(t, got.FeeAmount)
	require.Empty(t, got.ExemptionsCited)
}

// A save with bad input, or over someone else's change, changes nothing,
// keeps what was typed and says what to correct, beside the field and in a
// summary at the top of the form.
func TestCommunicationEdit_Refused(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-29"),
		Subject: "Received", Body: "We received your request."}})
	require.NoError(t, err)
	// A colleague's edit since: a form read before it holds the old version.
	stale := commForm(cm)
	colleague := "Received (corrected by a colleague)"
	cm, err = b.st.UpdateCommunication(b.fx.Ctx, cm.ID, sunshine.CommunicationUpdate{Subject: &colleague})
	require.NoError(t, err)

	for _, tc := range []struct {
		name        string
		field       string // the field set to value; "" for none
		value       string
		form        url.Values // instead of the current form, when set
		status      int
		want        string // on the page
		typed       string // the field's element ID and ...
		typedValue  string // ... the value it keeps
		summaryLink string // the error summary's link, "" when there is none
	}{
		{name: "malformed date", field: "occurred_on", value: "30/03/2017", status: 400,
			want:  `<p class="field-error" id="comm-edit-occurred-on-error">must be a date such as 2017-03-27</p>`,
			typed: "comm-edit-occurred-on", typedValue: "30/03/2017", summaryLink: `<a href="#comm-edit-occurred-on">Date must be a date such as 2017-03-27</a>`},
		{name: "no date", field: "occurred_on", value: " ", status: 400,
			want: `id="comm-edit-occurred-on-error">is required: the date of the message</p>`, summaryLink: `<a href="#comm-edit-occurred-on">Date is required`},
		{name: "date in the future", field: "occurred_on", value: "2030-01-01", status: 400,
			want:  `id="comm-edit-occurred-on-error">must not be in the future (today is 2017-04-05 where the agency is)</p>`,
			typed: "comm-edit-occurred-on", typedValue: "2030-01-01", summaryLink: `<a href="#comm-edit-occurred-on">Date must not be in the future`},
		{name: "agency reply before receipt", field: "occurred_on", value: "2017-03-01", status: 400,
			want:  `id="comm-edit-occurred-on-error">an agency&#39;s reply cannot come before the request was received (2017-03-27)</p>`,
			typed: "comm-edit-occurred-on", typedValue: "2017-03-01"},
		{name: "message too long", field: "body", value: strings.Repeat("a", 1_000_001), status: 400,
			want: `id="comm-edit-body-error">must be at most 1000000 bytes</p>`, summaryLink: `<a href="#comm-edit-body">Message must be at most 1000000 bytes</a>`},
		{name: "subject too long", field: "subject", value: strings.Repeat("s", 1001), status: 400,
			want: `id="comm-edit-subject-error">must be at most 1000 characters</p>`, typed: "comm-edit-subject", typedValue: strings.Repeat("s", 1001)},
		{name: "fee not an amount", field: "fee_amount", value: "lots", status: 400,
			want: `id="comm-edit-fee-amount-error">must be an amount such as 25 or 25.50</p>`, typed: "comm-edit-fee-amount", typedValue: "lots",
			summaryLink: `<a href="#comm-edit-fee-amount">Fee amount must be an amount such as 25 or 25.50</a>`},
		{name: "citation too long", field: "exemptions_cited", value: strings.Repeat("c", 201), status: 400,
			want: `id="comm-edit-exemptions-cited-error">each citation must be 1 to 200 characters</p>`},
		{name: "unknown channel", field: "channel", value: "pigeon", status: 400,
			want: `id="comm-edit-channel-error">must be one of email, portal, mail, fax, phone, in_person</p>`},
		{name: "no version", field: "version", value: "", status: 400,
			want: "The form is missing the communication&#39;s version: reload the page and try again."},
		{name: "someone else's change", form: stale, status: http.StatusPreconditionFailed,
			want: "Someone changed this communication after you opened the page, so your changes were not saved."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := tc.form
			if form == nil {
				form = commForm(cm)
			}
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("subject", "A typed subject")
			if tc.field != "" {
				f.Set(tc.field, tc.value)
			}
			rec := b.post("/communications/"+cm.ID+"/edit", f)
			require.Equal(t, tc.status, rec.Code)
			page := body(rec)
			require.Contains(t, page, tc.want)
			if tc.typed != "" {
				require.Equal(t, tc.typedValue, inputValue(t, page, tc.typed), "what was typed is kept")
			}
			if tc.field != "subject" {
				require.Equal(t, "A typed subject", inputValue(t, page, "comm-edit-subject"), "what was typed is kept")
			}
			if tc.summaryLink != "" {
				require.Contains(t, page, "The communication was not saved. Please correct:")
				require.Contains(t, page, tc.summaryLink)
			}
			if tc.field != "" && tc.field != "version" {
				require.Contains(t, page, `aria-invalid="true"`)
			}
			got, err := b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
			require.NoError(t, err)
			require.Equal(t, cm, got, "nothing changed")
		})
	}

	// After the refusal over the colleague's change, the page shows the
	// communication as saved now, and the form carries its version: the
	// next save applies over it.
	f := url.Values{}
	for k, v := range stale {
		f[k] = v
	}
	f.Set("subject", "Mine")
	page := body(b.post("/communications/"+cm.ID+"/edit", f))
	require.Contains(t, page, `<h2 id="now-h">The communication as saved now</h2>`)
	require.Contains(t, page, "<dt>Subject</dt><dd>Received (corrected by a colleague)</dd>")
	require.Contains(t, page, `<input type="hidden" name="version" value="`+strconv.Itoa(cm.Version)+`">`)
	f.Set("version", strconv.Itoa(cm.Version))
	requireRedirect(t, b.post("/communications/"+cm.ID+"/edit", f), "/requests/"+r.ID+"#comm-"+cm.ID)
	got, err := b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.NoError(t, err)
	require.Equal(t, "Mine", got.Subject)
}

// Viewers see no Edit and may not edit; another organization's
// communication, or one that does not exist, is not found. Nothing changes.
func TestCommunicationEdit_NotAllowed(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-29"), Subject: "Received"}})
	require.NoError(t, err)
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	vb := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	vb.login(viewer.Email)
	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	ob := &bundle{t: t, st: b.st, fx: other, engine: b.engine}
	ob.login(other.Admin.Email)

	require.NotContains(t, body(vb.get("/requests/"+r.ID)), "/communications/"+cm.ID+"/edit", "a viewer sees no Edit")
	form := commForm(cm)
	form.Set("subject", "Changed")
	for _, tc := range []struct {
		name   string
		who    *bundle
		id     string
		status int
	}{
		{"viewer", vb, cm.ID, http.StatusForbidden},
		{"another organization", ob, cm.ID, http.StatusNotFound},
		{"no such communication", b, "00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		{"not an ID", b, "not-an-id", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.status, tc.who.get("/communications/"+tc.id+"/edit").Code)
			require.Equal(t, tc.status, tc.who.post("/communications/"+tc.id+"/edit", form).Code)
			require.Equal(t, tc.status, tc.who.post("/communications/"+tc.id+"/delete", url.Values{"version": {strconv.Itoa(cm.Version)}}).Code)
			got, err := b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
			require.NoError(t, err)
			require.Equal(t, cm, got, "nothing changed")
		})
	}
	es, _, err := b.st.FindEvents(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	for _, e := range es {
		require.NotEqual(t, sunshine.EventCommEdited, e.Kind)
	}
}

// Logged on the wrong request: deleted from its edit page, with a reason.
// The request page says what stays, the timeline keeps a line for it, and
// a page opened before someone corrected it deletes nothing.
func TestCommunicationDelete(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: deadline.MustParseDate("2017-03-29"),
		Subject: "Your request R-17-0042", Body: "We received your request."}})
	require.NoError(t, err)
	page := body(b.get("/communications/" + cm.ID + "/edit"))
	require.Contains(t, page, `<form method="post" action="/communications/`+cm.ID+`/delete"`)
	require.Contains(t, page, "What logging it did stays (it may have changed the request&#39;s status as of its date)")

	stale := url.Values{"version": {strconv.Itoa(cm.Version)}, "reason": {"wrong request"}}
	subject := "Your request R-17-0042 (corrected)"
	_, err = b.st.UpdateCommunication(b.fx.Ctx, cm.ID, sunshine.CommunicationUpdate{Subject: &subject})
	require.NoError(t, err)
	rec := b.post("/communications/"+cm.ID+"/delete", stale)
	require.Equal(t, http.StatusPreconditionFailed, rec.Code)
	require.Contains(t, body(rec), "Someone changed this communication after you opened the page, so it was not deleted")
	_, err = b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.NoError(t, err, "still there")

	loc := requireRedirect(t, b.post("/communications/"+cm.ID+"/delete", url.Values{"version": {strconv.Itoa(cm.Version + 1)}, "reason": {"logged on the wrong request"}}), "/requests/"+r.ID)
	page = body(b.get(noFragment(loc)))
	require.Contains(t, page, "Deleted the acknowledgment of Wed 29 Mar 2017; the timeline keeps it. Logging it may have changed the request&#39;s status as of its date: that stays, so change it on the request if it was wrong.")
	require.Contains(t, page, "Communication deleted: the acknowledgment of Wed 29 Mar 2017 (Your request R-17-0042 (corrected)). Logged on the wrong request")
	require.NotContains(t, page, `id="comm-`+cm.ID+`"`)
	_, err = b.st.FindCommunicationByID(b.fx.Ctx, cm.ID)
	require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
}

// The delete form's address opened as a page (a refused delete's page
// reloaded or bookmarked) goes to the communication's edit page, where the
// form is; one deleted since, or another organization's, is not found
// there.
func TestCommunicationDelete_OpenedAsPage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	log := func(subject string) *sunshine.Communication {
		t.Helper()
		cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-29"), Subject: subject}})
		require.NoError(t, err)
		return cm
	}
	kept, gone := log("Kept"), log("Gone")
	_, err := b.st.DeleteCommunication(b.fx.Ctx, gone.ID, "logged on the wrong request")
	require.NoError(t, err)
	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	or := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(other.Ctx, or))
	theirs, _, err := b.st.CreateCommunication(other.Ctx, or.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-29"), Subject: "Theirs"}})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		id     string
		status int // of the edit page it goes to
	}{
		{"ours", kept.ID, http.StatusOK},
		{"deleted since", gone.ID, http.StatusNotFound},
		{"another organization's", theirs.ID, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edit := "/communications/" + tc.id + "/edit"
			rec := b.get("/communications/" + tc.id + "/delete")
			require.Equal(t, edit, requireRedirect(t, rec, edit))
			page := b.get(edit)
			require.Equal(t, tc.status, page.Code)
			require.Equal(t, "text/html; charset=utf-8", page.Header().Get("Content-Type"))
			if tc.status == http.StatusOK {
				require.Contains(t, body(page), `<form method="post" action="/communications/`+tc.id+`/delete"`)
			} else {
				require.Contains(t, body(page), "<title>Error: Not found · Sunshine</title>")
			}
		})
	}
	_, err = b.st.FindCommunicationByID(b.fx.Ctx, kept.ID)
	require.NoError(t, err, "a GET deletes nothing")
}

// A FOIL acknowledgment logged with the wrong date, corrected: the request
// reads met again, and the note says the acknowledgment day moved.
func TestCommunicationEdit_AcknowledgmentDate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	r := foilRequest(t, b)
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindAcknowledgment, OccurredOn: deadline.MustParseDate("2017-04-20")}})
	require.NoError(t, err)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "Statutory date missed")

	form := commForm(cm)
	form.Set("occurred_on", "2017-03-29")
	loc := requireRedirect(t, b.post("/communications/"+cm.ID+"/edit", form), "/requests/"+r.ID)
	page := body(b.get(noFragment(loc)))
	require.Contains(t, page, "Communication updated. The request&#39;s acknowledgment day moves with it, to Wed 29 Mar 2017; its status and other dates stay.")
	require.Contains(t, page, "Statutory date met")
	require.NotContains(t, page, "Statutory date missed")
}

// An acknowledgment usually gives the agency's tracking number and, under
// FOIL, the date it expects to answer: logged with it, both are saved on
// the request at once. A message from us cannot set them, and nothing is
// logged then.
func TestLogCommunication_TrackingNumberAndEstimate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2017, 3, 31, 15, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	r := foilRequest(t, b)

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"from us", url.Values{"direction": {"out"}, "kind": {"follow_up"}, "tracking_number": {"2017-PL-1234"}},
			"tracking_number", "applies only to a message from the agency"},
		{"estimate before receipt", url.Values{"direction": {"in"}, "kind": {"acknowledgment"}, "agency_estimated_on": {"2017-03-01"}},
			"agency_estimated_on", "must not be before the receipt date"},
		{"tracking number too long", url.Values{"direction": {"in"}, "kind": {"acknowledgment"}, "tracking_number": {strings.Repeat("7", 201)}},
			"tracking_number", "200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("channel", "email")
			tc.form.Set("occurred_on", "2017-03-29")
			rec := b.post("/requests/"+r.ID+"/communications", tc.form)
			require.Contains(t, []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, rec.Code)
			page := body(rec)
			require.Contains(t, page, tc.want)
			require.Contains(t, page, `id="comm-`+strings.ReplaceAll(tc.field, "_", "-")+`" name="`+tc.field+`"`)
			require.Regexp(t, `name="`+tc.field+`" value="[^"]+" aria-invalid="true"`, page, "what was typed is kept, marked")
			after, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, sunshine.StatusSubmitted, after.Status, "nothing logged")
			require.Empty(t, after.TrackingNumber)
			require.True(t, after.AgencyEstimatedOn.IsZero())
		})
	}

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"acknowledgment"}, "occurred_on": {"2017-03-29"},
		"tracking_number": {" 2017-PL-1234 "}, "agency_estimated_on": {"2017-05-15"}}), "/requests/"+r.ID)
	page := body(b.get(loc))
	require.Contains(t, page, "Logged the acknowledgment of Wed 29 Mar 2017. Tracking number: 2017-PL-1234. Agency&#39;s estimate: Mon 15 May 2017.")
	require.Contains(t, page, "<dt>Tracking number</dt><dd>2017-PL-1234</dd>")
	require.Contains(t, page, "<dt>Agency's estimate</dt><dd>Mon 15 May 2017</dd>")
	require.Contains(t, page, "(met: an acknowledgment is a response this law accepts by then")
	require.Contains(t, page, "Details changed: agency&#39;s estimate Mon 15 May 2017, tracking number 2017-PL-1234")
	after, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusAcknowledged, after.Status)
	require.Equal(t, "2017-PL-1234", after.TrackingNumber)
	require.Equal(t, "2017-05-15", after.AgencyEstimatedOn.String())

	// A later message with others: the timeline says what they replaced.
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"other"}, "occurred_on": {"2017-03-31"},
		"tracking_number": {"2017-PL-9999"}, "agency_estimated_on": {"2017-06-01"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get(loc)), "Details changed: agency&#39;s estimate Thu 1 Jun 2017 (was Mon 15 May 2017), tracking number 2017-PL-9999 (was 2017-PL-1234)")
}
