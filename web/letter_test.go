package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// The request page links to its letter; the letter page shows the draft in
// a labelled textarea, with the recipient, subject, a copy button, a
// download of the same text and the form that logs it, filled with today
// and the request's delivery method. Another organization's request is 404.
func TestLetterPage(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	require.Contains(t, body(b.get("/requests/"+r.ID)), `<a href="/requests/`+r.ID+`/letter">Draft the letter</a>`)

	rec := b.get("/requests/" + r.ID + "/letter")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "<h1>Draft the letter</h1>")
	require.Contains(t, page, `<label for="letter-body">Letter</label>`)
	letter := textareaValue(t, page, "letter-body")
	require.True(t, strings.HasPrefix(letter, "April 5, 2017\n\nRecords Unit\nSacramento County Sheriff's Department\nrecords@sheriff.example\n"), letter)
	for _, s := range []string{
		"\nReference: R-2017-0042\n",
		"\nI request the following records under the California Public Records Act.\n",
		"\n" + r.Description + "\n",
		"\nThe CPRA requires a response within 10 calendar days (Gov. Code 7922.535(a)).\n",
		"\nSincerely,\n\n" + b.fx.Admin.Name + "\n" + b.fx.Admin.Email + "\n" + b.fx.Org.Name + "\n",
	} {
		require.Contains(t, letter, s)
	}
	require.Equal(t, "Records Unit, "+a.Name+" <records@sheriff.example>", inputValue(t, page, "letter-to"))
	require.Equal(t, "California Public Records Act request: "+r.Title, inputValue(t, page, "letter-subject"))
	require.Equal(t, "2017-03-27", inputValue(t, page, "letter-occurred-on"), "the day the request was sent")
	require.Contains(t, page, `<option value="email" selected>Email</option>`)
	require.Contains(t, page, `data-copy="#letter-body">Copy the letter</button>`)
	require.Contains(t, page, `<a class="button secondary" href="/requests/`+r.ID+`/letter.txt" download="letter - `+html.EscapeString(a.Name)+`.txt" data-download="#letter-body">Download .txt</a>`)
	require.Contains(t, page, `<button type="submit">Log this letter as sent</button>`)
	require.Contains(t, page, "The request's status and dates stay as they are.")

	draft := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryMail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, draft))
	dp := body(b.get("/requests/" + draft.ID + "/letter"))
	require.Contains(t, dp, "stay as they are: to start the clock, submit the request on its page", "logging does not submit a draft")
	require.Equal(t, "2017-04-05", inputValue(t, dp, "letter-occurred-on"), "not sent yet: today in Sacramento")
	require.Contains(t, textareaValue(t, dp, "letter-body"), "\nJail contracts\n", "the title where there is no text")
	require.Contains(t, dp, `<option value="mail" selected>Mail</option>`)

	txt := b.get("/requests/" + r.ID + "/letter.txt")
	require.Equal(t, http.StatusOK, txt.Code)
	require.Equal(t, "text/plain; charset=utf-8", txt.Header().Get("Content-Type"))
	require.Equal(t, `attachment; filename="letter - Sacramento County Sheriff's Department.txt"`, txt.Header().Get("Content-Disposition"))
	require.Equal(t, letter, body(txt), "the download is the draft the page shows")

	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: "Other Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	or := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(other.Ctx, or))
	for _, path := range []string{"/requests/" + or.ID + "/letter", "/requests/" + or.ID + "/letter.txt"} {
		rec := b.get(path)
		require.Equal(t, http.StatusNotFound, rec.Code, path)
		require.NotContains(t, body(rec), "Theirs")
	}
	rec = b.post("/requests/"+or.ID+"/letter", url.Values{"body": {"Mine now"}, "occurred_on": {"2017-04-05"}, "channel": {"email"}})
	require.Equal(t, http.StatusNotFound, rec.Code)
	cms, _, err := b.st.FindCommunications(other.Ctx, or.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, cms, "nothing logged on their request")
}

// Logging the letter records it as the request we sent, with the text as
// edited on the page, in the timeline; the request's status and dates stay.
func TestLetterLog(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID + "/letter"))
	edited := strings.Replace(textareaValue(t, page, "letter-body"), "Where possible", "Please waive any fees. Where possible", 1)
	form := url.Values{"to": {inputValue(t, page, "letter-to")}, "from": {inputValue(t, page, "letter-from")},
		"subject": {"CPRA request: ICE"}, "body": {strings.ReplaceAll(edited, "\n", "\r\n")}, // as a browser sends it
		"occurred_on": {"2017-03-27"}, "channel": {"portal"}}
	rec := b.post("/requests/"+r.ID+"/letter", form)
	require.Equal(t, http.StatusSeeOther, rec.Code, body(rec))

	cms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, cms, 1)
	cm := cms[0]
	require.Equal(t, "/requests/"+r.ID+"#comm-"+cm.ID, rec.Header().Get("Location"))
	require.Equal(t, sunshine.DirectionOut, cm.Direction)
	require.Equal(t, sunshine.KindRequest, cm.Kind)
	require.Equal(t, "portal", cm.Channel)
	require.Equal(t, "2017-03-27", cm.OccurredOn.String())
	require.Equal(t, edited, cm.Body, "the edited text, with its line breaks as typed")
	require.Equal(t, "CPRA request: ICE", cm.Subject)
	require.Equal(t, "Records Unit, Sacramento County Sheriff's Department <records@sheriff.example>", cm.To)
	require.Equal(t, b.fx.Admin.Name+", "+b.fx.Org.Name+" <"+b.fx.Admin.Email+">", cm.From)

	events, _, err := b.st.FindEvents(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, sunshine.EventCommunication, last.Kind)
	require.Contains(t, string(last.Data), cm.ID)

	after, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, r.Status, after.Status)
	for name, d := range map[string][2]deadline.Date{"sent_on": {r.SentOn, after.SentOn}, "received_on": {r.ReceivedOn, after.ReceivedOn},
		"due_on": {r.DueOn, after.DueOn}, "custom_due_on": {r.CustomDueOn, after.CustomDueOn}} {
		require.Equal(t, d[0], d[1], name)
	}

	rp := body(b.get(noFragment(rec.Header().Get("Location"))))
	require.Contains(t, rp, "Logged the request letter of Mon 27 Mar 2017.")
	require.Contains(t, rp, `id="comm-`+cm.ID+`"`)
	require.Contains(t, rp, "Please waive any fees.", "in the timeline")
}

// A letter without its text or with a bad date is refused on its page,
// with what was typed kept and each mistake named; nothing is logged. A
// viewer may read the draft but not log it.
func TestLetterLog_Refused(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	for _, tc := range []struct {
		name   string
		form   url.Values
		fields []string
	}{
		{"ErrBodyBlank", url.Values{"body": {" \r\n "}, "occurred_on": {"2017-04-05"}, "channel": {"email"}, "subject": {"Kept"}}, []string{"letter-body"}},
		{"ErrDateMissing", url.Values{"body": {"Dear Records Unit"}, "channel": {"email"}, "subject": {"Kept"}}, []string{"letter-occurred-on"}},
		{"ErrDateFuture", url.Values{"body": {"Dear Records Unit"}, "occurred_on": {"2017-04-07"}, "channel": {"email"}, "subject": {"Kept"}}, []string{"letter-occurred-on"}},
		{"ErrChannel", url.Values{"body": {"Dear Records Unit"}, "occurred_on": {"2017-04-05"}, "channel": {"pigeon"}, "subject": {"Kept"}}, []string{"letter-channel"}},
		// Every mistake at once, the date's against the request with the
		// fields' own, rather than one per try.
		{"ErrBodyBlankAndDateFuture", url.Values{"body": {" "}, "occurred_on": {"2017-04-07"}, "channel": {"email"}, "subject": {"Kept"}},
			[]string{"letter-body", "letter-occurred-on"}},
		{"ErrToTooLongAndDateFuture", url.Values{"to": {strings.Repeat("x", sunshine.MaxPartyChars+1)}, "body": {"Dear Records Unit"},
			"occurred_on": {"2017-04-07"}, "channel": {"pigeon"}, "subject": {"Kept"}}, []string{"letter-to", "letter-occurred-on", "letter-channel"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post("/requests/"+r.ID+"/letter", tc.form)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			page := body(rec)
			require.Contains(t, page, "The letter was not logged.")
			for _, id := range tc.fields {
				require.Contains(t, page, `<a href="#`+id+`">`)
			}
			require.Equal(t, "Kept", inputValue(t, page, "letter-subject"), "what was typed is kept")
		})
	}
	cms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, cms)

	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(b.fx.Ctx, viewer.ID, password))
	b.login(viewer.Email)
	page := body(b.get("/requests/" + r.ID + "/letter"))
	require.Contains(t, textareaValue(t, page, "letter-body"), "\nviewer@ndlon.example\n", "signed by who reads it")
	require.NotContains(t, page, "Log this letter as sent")
	rec := b.post("/requests/"+r.ID+"/letter", url.Values{"body": {"x"}, "occurred_on": {"2017-04-05"}, "channel": {"email"}})
	require.Equal(t, http.StatusForbidden, rec.Code)
}

// The letter page drafts a follow-up too (?kind=follow_up): dated and
// logged today, asking where the request stands with its due date, and
// logged as a follow-up; the request page links to it once the request
// was received; another kind is refused.
func TestLetterPage_FollowUp(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	require.Contains(t, body(b.get("/requests/"+r.ID)), `or <a href="/requests/`+r.ID+`/letter?kind=follow_up">a follow-up</a>`)
	page := body(b.get("/requests/" + r.ID + "/letter?kind=follow_up"))
	require.Contains(t, page, "<h1>Draft a follow-up letter</h1>")
	require.Contains(t, page, `<input type="hidden" name="kind" value="follow_up">`)
	require.Equal(t, "Follow-up: California Public Records Act request: "+r.Title, inputValue(t, page, "letter-subject"))
	require.Equal(t, "2017-04-05", inputValue(t, page, "letter-occurred-on"), "a follow-up goes today")
	require.Contains(t, page, "The CPRA requires a response by April 6, 2017 (Gov. Code 7922.535(a)).")
	require.Contains(t, page, `href="/requests/`+r.ID+`/letter.txt?kind=follow_up"`)

	txt := b.get("/requests/" + r.ID + "/letter.txt?kind=follow_up")
	require.Equal(t, http.StatusOK, txt.Code)
	require.Contains(t, txt.Body.String(), "I write to follow up on my request")
	require.Contains(t, txt.Header().Get("Content-Disposition"), "follow-up - ")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/letter", url.Values{"kind": {"follow_up"}, "body": {"Where is it?"},
		"occurred_on": {"2017-04-05"}, "channel": {"email"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get(strings.Split(loc, "#")[0])), "Logged the follow-up letter of Wed 5 Apr 2017.")
	cms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, cms, 1)
	require.Equal(t, sunshine.KindFollowUp, cms[0].Kind)
	require.Equal(t, "Where is it?", cms[0].Body)

	// A draft, never sent, and a closed request take no follow-up.
	draft := &sunshine.Request{AgencyID: r.AgencyID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, draft))
	require.NotContains(t, body(b.get("/requests/"+draft.ID)), "kind=follow_up")
	rec := b.get("/requests/" + draft.ID + "/letter?kind=follow_up")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "the request is a draft, not sent yet: there is nothing to follow up")
	// Logged anyway (the page was open before the request changed), the
	// letter comes back as edited, with why above it and any mistake of
	// its own beside its field.
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		fields []string
	}{
		{"Conflict", url.Values{"body": {"Where is it?"}, "occurred_on": {"2017-04-05"}}, http.StatusConflict, nil},
		{"ConflictAndErrDateFuture", url.Values{"body": {"Where is it?"}, "occurred_on": {"2017-04-07"}}, http.StatusBadRequest, []string{"letter-occurred-on"}},
		{"ConflictAndErrBodyBlank", url.Values{"body": {""}, "occurred_on": {"2017-04-05"}}, http.StatusBadRequest, []string{"letter-body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("kind", "follow_up")
			tc.form.Set("channel", "email")
			tc.form.Set("subject", "Kept")
			rec := b.post("/requests/"+draft.ID+"/letter", tc.form)
			require.Equal(t, tc.status, rec.Code)
			page := body(rec)
			require.Contains(t, page, "The letter was not logged: the request is a draft, not sent yet: there is nothing to follow up")
			for _, id := range tc.fields {
				require.Contains(t, page, `<a href="#`+id+`">`)
			}
			require.Equal(t, "Kept", inputValue(t, page, "letter-subject"), "what was typed is kept")
			require.Contains(t, page, `<input type="hidden" name="kind" value="follow_up">`)
		})
	}
	cms, _, err = b.st.FindCommunications(b.fx.Ctx, draft.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, cms, "nothing logged")

	require.Equal(t, http.StatusBadRequest, b.get("/requests/"+r.ID+"/letter?kind=appeal").Code)
	require.Equal(t, http.StatusBadRequest, b.post("/requests/"+r.ID+"/letter", url.Values{"kind": {"appeal"}, "body": {"x"},
		"occurred_on": {"2017-04-05"}, "channel": {"email"}}).Code)
}
