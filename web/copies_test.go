package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// From a request's page, staff file it with more agencies: the form offers
// every other agency of the directory by law, the copies are filed with the
// dates chosen, and each request of the group lists the others with their
// status and due date; the original's timeline names the agencies, and the
// Requests page lists the group alone.
func TestRequestPage_FileCopies(t *testing.T) {
	t.Parallel()
	b, sac, r := sacramento(t)
	agency := func(name, law string) *sunshine.Agency {
		a := &sunshine.Agency{Name: name, Jurisdiction: law}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		return a
	}
	fresno := agency("Fresno County Sheriff", "us-ca")
	cook := agency("Cook County Sheriff", "us-il")
	erie := agency("Erie County Sheriff", "us-ny")

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Filed with this agency only.")
	require.Contains(t, page, `<a href="/requests/`+r.ID+`/copies">File it with more agencies</a>`)

	form := body(b.get("/requests/" + r.ID + "/copies"))
	require.Contains(t, form, "<legend>California: CPRA</legend>")
	require.Contains(t, form, "<legend>Illinois: IL FOIA</legend>")
	for _, a := range []*sunshine.Agency{fresno, cook, erie} {
		require.Contains(t, form, `name="agency_ids" value="`+a.ID+`"`)
	}
	require.NotContains(t, form, `value="`+sac.ID+`"`, "not the agency it went to")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/copies", url.Values{"agency_ids": {cook.ID, erie.ID},
		"sent_on": {"2017-04-03"}, "received_on": {"2017-04-03"}, "assignee_id": {""}}), "/requests/"+r.ID+"#group")
	require.Equal(t, "/requests/"+r.ID+"#group", loc, "to the group's list")
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Filed with 2 more agencies: Cook County Sheriff and Erie County Sheriff.")
	require.Contains(t, page, "The same request went to 3 agencies: 3 open.")
	require.Contains(t, page, "Filed the same request with Cook County Sheriff and Erie County Sheriff")
	group, _, err := b.st.FindRequests(b.fx.Ctx, sunshine.RequestFilter{GroupID: r.ID})
	require.NoError(t, err)
	require.Len(t, group, 3)
	for _, g := range group {
		if g.ID == r.ID {
			require.Contains(t, page, "<strong>"+html.EscapeString(sac.Name)+"</strong> <span class=\"hint\">(this request)</span>")
			continue
		}
		require.Equal(t, "2017-04-03", g.ReceivedOn.String())
		require.Equal(t, r.Title, g.Title)
		// Each with its own date, on its own line.
		require.Regexp(t, regexp.QuoteMeta(`<a href="/requests/`+g.ID+`">`+g.AgencyName+`</a>:`)+`\s+submitted · <span class="due [^"]+"><time datetime="`+g.DueOn.String()+`">`, page)
	}
	require.Contains(t, page, `<a href="/requests?group_id=`+r.ID+`&amp;status=any">See them in the request list</a>`)
	cookAt, erieAt := strings.Index(page, ">Cook County Sheriff</a>:"), strings.Index(page, ">Erie County Sheriff</a>:")
	require.True(t, cookAt > 0 && erieAt > cookAt, "due the same day: by agency")

	// A copy's page lists the original; more copies from it offer neither.
	copyID := group[0].ID
	if copyID == r.ID {
		copyID = group[1].ID
	}
	page = body(b.get("/requests/" + copyID))
	require.Contains(t, page, `<a href="/requests/`+r.ID+`">`+html.EscapeString(sac.Name)+`</a>:`)
	require.Contains(t, page, "Request created as submitted, filed together with other agencies")
	form = body(b.get("/requests/" + copyID + "/copies"))
	require.Contains(t, form, "Filed already with Cook County Sheriff, Erie County Sheriff, "+html.EscapeString(sac.Name)+".")
	require.Contains(t, form, `value="`+fresno.ID+`"`)
	require.NotContains(t, form, `value="`+cook.ID+`"`)

	// The counts follow each request: one withdrawn, and, a week on, the
	// others past their dates.
	_, err = b.st.TransitionRequest(b.fx.Ctx, copyID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	b.clk.Set(b.clk.Now().Add(7 * 24 * time.Hour))
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "The same request went to 3 agencies: 1 closed, 2 overdue.")
	withdrawn, err := b.st.FindRequestByID(b.fx.Ctx, copyID)
	require.NoError(t, err)
	panel := page[strings.Index(page, `id="group"`):]
	panel = panel[:strings.Index(panel, "</section>")]
	require.Greater(t, strings.Index(panel, withdrawn.AgencyName), strings.Index(panel, html.EscapeString(sac.Name)), "the closed one last")
	require.Greater(t, strings.Index(panel, withdrawn.AgencyName), strings.Index(panel, ">"+otherCopyName(group, r.ID, copyID)+"<"), "the closed one last")
	require.NotContains(t, page, "<details><summary>The 3 requests</summary>", "a short group is listed unasked")

	list := body(b.get("/requests?group_id=" + r.ID + "&status=any"))
	require.Contains(t, list, "Only the requests filed together")
	require.Contains(t, list, `<input type="hidden" name="group_id" value="`+r.ID+`">`)
	require.Len(t, regexp.MustCompile(`<td data-label="Request">`).FindAllStringIndex(list, -1), 3, "the group's three requests")
	open := body(b.get("/requests?group_id=" + r.ID))
	require.Len(t, regexp.MustCompile(`<td data-label="Request">`).FindAllStringIndex(open, -1), 2, "its open ones, unless asked")
	require.Equal(t, http.StatusBadRequest, b.get("/requests?group_id=sheriffs").Code)

	// One more, without a received date: a draft, and said so.
	requireRedirect(t, b.post("/requests/"+r.ID+"/copies", url.Values{"agency_ids": {fresno.ID}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)),
		"Filed with 1 more agency: Fresno County Sheriff. Without a received date it is a draft: submit it when the agency has it.")

	// A long group folds away in the page's margin.
	var more []string
	for _, county := range []string{"Kern", "Tulare", "Kings", "Madera", "Merced", "Stanislaus"} {
		more = append(more, agency(county+" County Sheriff", "us-ca").ID)
	}
	_, err = b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: more})
	require.NoError(t, err)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "<details><summary>The 10 requests</summary>")
}

// A refused filing comes back with its errors and what was chosen, and
// files nothing.
func TestRequestPage_FileCopiesRefused(t *testing.T) {
	t.Parallel()
	b, sac, r := sacramento(t)
	cook := &sunshine.Agency{Name: "Cook County Sheriff", Jurisdiction: "us-il"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, cook))
	const future = "must not be in the future (today is 2017-04-05 where the agency is)"
	for _, tc := range []struct {
		name string
		form url.Values
		errs []string
	}{
		{"NoAgency", url.Values{"received_on": {"2017-04-03"}}, []string{"Agencies: choose at least one agency"}},
		{"BadDate", url.Values{"agency_ids": {cook.ID}, "received_on": {"3 April"}}, []string{"Received by the agencies on must be a date"}},
		{"ReceivedBeforeSent", url.Values{"agency_ids": {cook.ID}, "sent_on": {"2017-04-03"}, "received_on": {"2017-04-01"}},
			[]string{"Received by the agencies on must not be before the day it was sent"}},
		// Every field's mistake at once, not the first of them: the
		// page's own (no agency, a date it cannot read) with the checks
		// filing makes, and those of filing with one another.
		{"NoAgencyAndReceivedBeforeSent", url.Values{"sent_on": {"2017-04-03"}, "received_on": {"2017-04-01"}},
			[]string{"Agencies: choose at least one agency", "Received by the agencies on must not be before the day it was sent"}},
		{"BadDateAndFutureDate", url.Values{"agency_ids": {cook.ID}, "sent_on": {"2017-04-12"}, "received_on": {"3 April"}},
			[]string{"Sent on " + future, "Received by the agencies on must be a date"}},
		{"NoAgencyAndFutureDates", url.Values{"sent_on": {"2017-04-12"}, "received_on": {"2017-04-13"}},
			[]string{"Agencies: choose at least one agency", "Sent on " + future, "Received by the agencies on " + future}},
		{"BothDatesFuture", url.Values{"agency_ids": {cook.ID}, "sent_on": {"2017-04-12"}, "received_on": {"2017-04-13"}},
			[]string{"Sent on " + future, "Received by the agencies on " + future}},
		{"FiledAlreadyAndFutureDate", url.Values{"agency_ids": {cook.ID, sac.ID}, "received_on": {"2017-04-13"}},
			[]string{"Agencies: the request was filed with " + html.EscapeString(sac.Name) + " already", "Received by the agencies on " + future}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post("/requests/"+r.ID+"/copies", tc.form)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			page := body(rec)
			require.Contains(t, page, "Nothing was filed.")
			for _, e := range tc.errs {
				require.Contains(t, page, e)
			}
			if ids := tc.form["agency_ids"]; ids != nil {
				require.Contains(t, page, `value="`+cook.ID+`" checked>`, "the choice kept")
			}
		})
	}
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, got.GroupID, "nothing filed")
}

// The group's letters download as one ZIP, a letter an agency, each
// addressed to its own agency under its own law; a request filed alone has
// its one letter; another organization's request is not found.
func TestRequestPage_GroupLetters(t *testing.T) {
	t.Parallel()
	b, sac, r := sacramento(t)
	letters := func(id string) map[string]string {
		rec := b.get("/requests/" + id + "/letters.zip")
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "application/zip", rec.Header().Get("Content-Type"))
		zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
		require.NoError(t, err)
		out := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			require.NoError(t, err)
			text, err := io.ReadAll(rc)
			require.NoError(t, err)
			out[f.Name] = string(text)
		}
		return out
	}
	alone := letters(r.ID)
	require.Len(t, alone, 1)
	require.Contains(t, alone["01 "+sac.Name+".txt"], "under the California Public Records Act")

	cook := &sunshine.Agency{Name: "Cook County Sheriff", Jurisdiction: "us-il"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, cook))
	_, err := b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: []string{cook.ID}, ReceivedOn: r.ReceivedOn})
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<a href="/requests/`+r.ID+`/letters.zip" download>Download every agency's letter (ZIP)</a>`)
	group := letters(r.ID)
	require.Len(t, group, 2)
	var cookLetter string
	for name, text := range group {
		if strings.HasSuffix(name, " Cook County Sheriff.txt") {
			cookLetter = text
		}
	}
	require.Contains(t, cookLetter, "Cook County Sheriff\n")
	require.Contains(t, cookLetter, "under the Illinois Freedom of Information Act")
	require.NotContains(t, cookLetter, "California")

	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	b.login(other.Admin.Email)
	require.Equal(t, http.StatusNotFound, b.get("/requests/"+r.ID+"/letters.zip").Code)
}

// otherCopyName is the agency of the group's request that is neither of
// the two given.
func otherCopyName(group []*sunshine.Request, ids ...string) string {
	for _, g := range group {
		if !slices.Contains(ids, g.ID) {
			return g.AgencyName
		}
	}
	return ""
}
