package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
	"github.com/sunshine-records/sunshine/web"
)

// sacramento files the founding example: a CPRA request received by the
// Sacramento County Sheriff's Department on Monday 27 March 2017, due
// Thursday 6 April. The browser is signed in as the org's admin.
func sacramento(t *testing.T) (*bundle, *sunshine.Agency, *sunshine.Request) {
	t.Helper()
	b := setup(t)
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca",
		RecordsContact: "Records Unit", Email: "records@sheriff.example", PortalURL: "https://sheriff.example/records"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Communications with immigration authorities",
		Description: "All communications with ICE since 1 January 2017.", DeliveryMethod: sunshine.DeliveryEmail,
		SentOn: deadline.MustParseDate("2017-03-27"), ReceivedOn: deadline.MustParseDate("2017-03-27"), TrackingNumber: "R-2017-0042"}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	require.Equal(t, "2017-04-06", r.DueOn.String())
	b.login(b.fx.Admin.Email)
	return b, a, r
}

// upload posts files as a multipart form from the same site.
func (b *bundle) upload(path string, fields map[string]string, files map[string][]byte, accept string) *httptest.ResponseRecorder {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(b.t, mw.WriteField(k, v))
	}
	for name, content := range files {
		w, err := mw.CreateFormFile("file", name)
		require.NoError(b.t, err)
		_, err = w.Write(content)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, mw.Close())
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return b.do(req)
}

func requireRedirect(t *testing.T, rec *httptest.ResponseRecorder, prefix string) string {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	loc := rec.Header().Get("Location")
	require.True(t, strings.HasPrefix(loc, prefix), loc)
	return loc
}

func TestRequestPage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.get("/requests/" + r.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Communications with immigration authorities")
	require.Contains(t, page, "Sacramento County Sheriff&#39;s Department")
	require.Contains(t, page, "records@sheriff.example")
	require.Contains(t, page, "https://sheriff.example/records")
	require.Contains(t, page, `<a href="/agencies/`+r.AgencyID+`">Sacramento County Sheriff&#39;s Department</a>`, "the agency's page, with its closure days")
	require.Contains(t, page, "R-2017-0042")
	// Before choosing files: how large they may be, which get searched.
	require.Contains(t, page, `name="file" multiple aria-describedby="upload-file-hint" >
  <p class="hint" id="upload-file-hint">Each file up to 100 MiB. Search finds words inside PDFs (not scanned pages), Word, Excel and PowerPoint files (.docx, .xlsx, .pptx), e-mails (.eml, and .msg as Outlook saves them)`)
	require.Contains(t, page, "<strong>Thu 6 Apr 2017</strong>")
	require.Contains(t, page, "due tomorrow", "today is Wed 5 Apr in Sacramento")
	require.Contains(t, page, "due-soon")
	// Why this date: the engine's steps, in order.
	day1 := strings.Index(page, "Day 1 is Tue 28 Mar 2017, the day after receipt.")
	due := strings.Index(page, "<li>Due Thu 6 Apr 2017.</li>")
	require.Greater(t, day1, 0)
	require.Greater(t, due, day1)
	require.Contains(t, page, "Not extended. The agency may extend once by 14 calendar days")
	require.Contains(t, page, "Request created as submitted")
	require.Contains(t, page, `action="/requests/`+r.ID+`/communications#log"`)
	require.Contains(t, page, `<script src="/assets/request.js?v=`+assetVersion(t, "request.js")+`" defer></script>`)

	require.Equal(t, http.StatusNotFound, b.get("/requests/not-a-uuid").Code)
	require.Equal(t, http.StatusNotFound, b.get("/requests/00000000-0000-0000-0000-000000000000").Code)
}

func TestRequestPage_ExtensionNotice(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"extension_notice"}, "occurred_on": {"2017-04-03"},
		"from": {"records@sheriff.example"}, "subject": {"Extension of time"},
		"body": {"Unusual circumstances require 14 more days."}})
	loc := requireRedirect(t, rec, "/requests/"+r.ID)
	rec = b.get(loc)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Logged the extension notice of Mon 3 Apr 2017.")
	require.Contains(t, page, "<strong>Thu 20 Apr 2017</strong>")
	require.Contains(t, page, "Extended on Mon 3 Apr 2017")
	require.Contains(t, page, "Unusual circumstances require 14 more days.")
	require.Regexp(t, `Extension invoked: [^<]*\. Following the extension notice of Mon 3 Apr 2017 — Admin`, page,
		"the communication that caused it ends the timeline line, as a sentence")

	// A second extension is refused with the reason, at the extension form.
	rec = b.post("/requests/"+r.ID+"/extension", url.Values{"invoked_on": {"2017-04-04"}})
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), "the extension was already invoked on 2017-04-03")

	// Logged by mistake: undone, with a reason; the due date is the law's
	// again and the timeline keeps both lines.
	require.Contains(t, page, `action="/requests/`+r.ID+`/extension/undo#unextend"`)
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/extension/undo", url.Values{"reason": {"the notice was for another request"}}), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Contains(t, page, "Extension undone: now due Thu 6 Apr 2017.")
	require.Contains(t, page, "<strong>Thu 6 Apr 2017</strong>")
	require.Contains(t, page, "Extension undone (it was recorded as invoked on Mon 3 Apr 2017). The notice was for another request")
	require.Contains(t, page, "Extension invoked: ")
	require.NotContains(t, page, `/extension/undo`, "nothing more to undo")
	require.Contains(t, page, `action="/requests/`+r.ID+`/extension#extend"`, "it can be invoked again")
}

// The agency's extension notice came after the due date: it is logged, the
// page says it extends nothing, and the extension form refuses that date.
func TestRequestPage_ExtensionNoticeTooLate(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t) // due Thu 6 Apr 2017
	b.clk.Set(time.Date(2017, 4, 12, 18, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	rec := b.post("/requests/"+r.ID+"/extension", url.Values{"invoked_on": {"2017-04-10"}})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	require.Contains(t, body(rec), "too late to extend it")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"extension_notice"}, "occurred_on": {"2017-04-10"},
		"body": {"Unusual circumstances require 14 more days."}}), "/requests/"+r.ID)
	page := body(b.get(loc))
	require.Contains(t, page, "Logged the extension notice of Mon 10 Apr 2017. It came after the original due date, Thu 6 Apr 2017, too late to extend it, so the request stays due then.")
	require.Contains(t, page, "Extension notice too late: it came after the original due date, Thu 6 Apr 2017, which stays")
	require.Contains(t, page, "<strong>Thu 6 Apr 2017</strong>")
	require.NotContains(t, page, "Extended on")

	// With the date the agency announced: kept, not followed.
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"extension_notice"}, "occurred_on": {"2017-04-11"},
		"custom_due_on": {"2017-05-01"}}), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Contains(t, page, "The date it announced, Mon 1 May 2017, is kept in the timeline; if you accept it, set it as the custom due date.")
	require.Contains(t, page, "which stays; the agency announced Mon 1 May 2017")
	require.Contains(t, page, "<strong>Thu 6 Apr 2017</strong>", "still due on the statutory date")
}

func TestRequestPage_ExtensionRefusedWithoutOne(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2024, 5, 6, 15, 0, 0, 0, time.UTC)) // Texas's rule starts 2023-09-01
	a := &sunshine.Agency{Name: "Austin Police Department", Jurisdiction: "us-tx"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Use of force reports", DeliveryMethod: sunshine.DeliveryPortal,
		ReceivedOn: deadline.MustParseDate("2024-05-01")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	b.login(b.fx.Admin.Email)

	rec := b.post("/requests/"+r.ID+"/extension", url.Values{"invoked_on": {"2024-05-03"}, "reason": {"volume"}})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page := body(rec)
	require.Contains(t, page, "has no fixed extension")
	require.Contains(t, page, `<a href="#custom-date">custom due date</a>`)
	require.Contains(t, page, ">volume</textarea>", "what was typed is kept")

	// The custom date records what the agency announced.
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/custom_due", url.Values{"date": {"2024-06-14"}, "reason": {"officer's certified date"}}), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Custom due date set: Fri 14 Jun 2024.")
	require.Regexp(t, `<time datetime="2024-05-06">Mon 6 May 2024</time> Custom due date set: Fri 14 Jun 2024`, page,
		"in the timeline on the day it was set, not on the date it names")
	require.Contains(t, page, "<strong>Fri 14 Jun 2024</strong>")
	require.Contains(t, page, "officer&#39;s certified date")

	// A malformed date stays in the field with its error.
	rec = b.post("/requests/"+r.ID+"/custom_due", url.Values{"date": {"14/06/2024"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="custom-date-error"`)
	require.Contains(t, body(rec), `value="14/06/2024"`)
}

func TestRequestPage_Upload(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	content := []byte("Sheriff to ICE, 2017-02-01: release notifications attached.\n")
	rec := b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"ice-emails.txt": content}, "")
	loc := requireRedirect(t, rec, "/requests/"+r.ID)
	page := body(b.get(loc))
	require.Contains(t, page, "Uploaded 1 document: ice-emails.txt.")
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Contains(t, page, `href="/documents/`+docs[0].ID+`/download"`)
	require.Contains(t, page, "searchable", "text extracted after the upload")

	// A text with more distinct words than search indexes says how much of
	// it is searchable.
	var dump strings.Builder
	for i := 0; dump.Len() < 2<<20; i++ {
		fmt.Fprintf(&dump, "%x ", sha256.Sum256([]byte(strconv.Itoa(i))))
	}
	require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, docs[0].ID, sunshine.TextExtracted, dump.String(), ""))
	require.Regexp(t, `ice-emails.txt</a> <span class="hint">\(<span title="text/plain; charset=utf-8">Plain text</span>, [\d.]+ (bytes|KiB|MiB), only the first \d+ KiB of the text are searchable`,
		body(b.get(loc)))
	// A document whose text could not be read says it is not searchable.
	for _, tc := range []struct{ status, msg, want string }{
		{sunshine.TextFailed, "the text could not be read (not a valid PDF)", "not searchable: the text could not be read (not a valid PDF)"},
		{sunshine.TextUnsupported, "Sunshine cannot read text from image/png files", "not searchable: Sunshine cannot read text from image/png files"},
		{sunshine.TextPending, "", "reading its text"},
	} {
		require.NoError(t, b.st.SetDocumentText(b.fx.Ctx, docs[0].ID, tc.status, "", tc.msg))
		require.Contains(t, body(b.get(loc)), tc.want, tc.status)
	}

	rec = b.get("/documents/" + docs[0].ID + "/download")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, content, rec.Body.Bytes())
	require.True(t, strings.HasPrefix(rec.Header().Get("Content-Disposition"), `attachment; filename="ice-emails.txt"`))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	require.Contains(t, rec.Header().Get("Content-Type"), "text/plain")

	// With JavaScript: one file per request, attached to a communication, answered in JSON.
	cm, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindRecordsRelease, OccurredOn: deadline.MustParseDate("2017-04-05")}})
	require.NoError(t, err)
	rec = b.upload("/requests/"+r.ID+"/documents", map[string]string{"communication_id": cm.ID},
		map[string][]byte{"release.txt": []byte("first batch")}, "application/json")
	require.Equal(t, http.StatusCreated, rec.Code, body(rec))
	require.Contains(t, body(rec), `"filename":"release.txt"`)
	page = body(b.get("/requests/" + r.ID))
	require.Regexp(t, `(?s)id="comm-`+cm.ID+`".*release\.txt`, page)

	// Nothing chosen: the error is next to the file field.
	rec = b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"": nil}, "")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="upload-file-error">choose at least one file to upload</p>`)
	require.Contains(t, body(rec), `aria-describedby="upload-file-hint upload-file-error" aria-invalid="true"`)
}

func TestRequestPage_BadCommunication(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"fee_estimate"}, "occurred_on": {"5 April"},
		"fee_amount": {"lots"}, "subject": {"Typed subject"}, "body": {"Typed body\nsecond line"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page := body(rec)
	require.Contains(t, page, `id="comm-occurred-on-error"`)
	require.Contains(t, page, `aria-describedby="comm-occurred-on-error"`)
	require.Contains(t, page, `id="comm-fee-amount-error">must be an amount such as 25 or 25.50</p>`)
	require.Contains(t, page, `value="5 April"`)
	require.Contains(t, page, `value="lots"`)
	require.Contains(t, page, `value="Typed subject"`)
	require.Contains(t, page, ">Typed body\nsecond line</textarea>")
	require.Contains(t, page, `<option value="fee_estimate" selected>`)
	require.Contains(t, page, `<details class="panel" id="log" open>`)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, comms)

	// An agency reply before receipt: the store's rule, at its field.
	rec = b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"acknowledgment"}, "occurred_on": {"2017-03-01"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="comm-occurred-on-error">an agency&#39;s reply cannot come before`)
}

func TestRequestPage_Status(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.post("/requests/"+r.ID+"/status", url.Values{"to": {"draft"}, "effective_on": {"2017-04-05"}, "note": {"typed note"}})
	require.Equal(t, http.StatusConflict, rec.Code)
	page := body(rec)
	require.Contains(t, page, `id="status-to-error">a request that is submitted cannot become draft; allowed: acknowledged`)
	require.Contains(t, page, ">typed note</textarea>")
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusSubmitted, got.Status)
	require.Equal(t, r.Version, got.Version, "nothing changed")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/status", url.Values{"to": {"awaiting_requester"}, "effective_on": {"2017-04-03"}}), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Status changed to awaiting requester.")
	require.Contains(t, page, "Waiting on us since Mon 3 Apr 2017, but this law's clock does not stop")
	require.Contains(t, page, "<strong>Thu 6 Apr 2017</strong>", "the CPRA does not toll")

	// Before a final status is chosen, the forms say so.
	require.Contains(t, page, `id="comm-resulting-status-hint">A closing status ends the clock and its reminders; an appeal can still follow, except after withdrawn or abandoned, which are final.</p>`)
	require.Contains(t, page, `aria-describedby="status-to-hint"`)
	require.Contains(t, page, `Careful: withdrawn and abandoned are final. The request can never change status again`)

	// Closed, its clock has stopped and it can no longer be extended.
	requireRedirect(t, b.post("/requests/"+r.ID+"/status", url.Values{"to": {"withdrawn"}, "effective_on": {"2017-04-05"}}), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Stopped: the request closed on Wed 5 Apr 2017 (withdrawn).")
	require.NotContains(t, page, "Running")
	require.Contains(t, page, "<dt>Extension</dt><dd>Not extended.</dd>")
}

func TestRequestPage_AssignAndWatch(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/assign", url.Values{"assignee_id": {b.fx.Admin.ID}}), "/requests/")
	page := body(b.get(loc))
	require.Contains(t, page, "Assigned to "+b.fx.Admin.Name+".")
	require.Contains(t, page, `<option value="`+b.fx.Admin.ID+`" selected>`)
	// The timeline names who, not the field.
	require.Regexp(t, `</time> Assigned to `+regexp.QuoteMeta(b.fx.Admin.Name), page)
	require.NotContains(t, page, "assignee id")

	rec := b.post("/requests/"+r.ID+"/assign", url.Values{"assignee_id": {"00000000-0000-0000-0000-000000000000"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="assign-assignee-id-error">no such user in this organization</p>`)

	requireRedirect(t, b.post("/requests/"+r.ID+"/watch", url.Values{"watch": {"1"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "You watch")
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Reminders go to "+b.fx.Admin.Name+" (assigned, watching).", "listed as a watcher")
	require.Contains(t, page, `value="0" class="secondary">Stop watching`)
	require.NotContains(t, page, `name="watch" value="1"`)
	requireRedirect(t, b.post("/requests/"+r.ID+"/watch", url.Values{"watch": {"0"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "You no longer")
	require.Contains(t, body(b.get("/requests/"+r.ID)), `name="watch" value="1">Watch`)
}

// A coordinator handing a request over says why and what next: the note
// goes in the timeline (and the assignee's email); without anyone to give
// it to, it is refused at its field and kept.
func TestRequestPage_AssignWithNote(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))

	rec := b.post("/requests/"+r.ID+"/assign", url.Values{"assignee_id": {""}, "assignment_note": {"over to <you>"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page := body(rec)
	require.Contains(t, page, `id="assign-assignment-note-error">goes with a new assignee: choose who the request goes to</p>`)
	require.Contains(t, page, `<li><a href="#assign-assignment-note">Note for them: goes with a new assignee`)
	require.Contains(t, page, `>over to &lt;you&gt;</textarea>`, "what was typed is kept")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/assign", url.Values{"assignee_id": {ana.ID},
		"assignment_note": {" The clerk calls back Monday; ask for the <index> first. "}}), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Assigned to Ana Ruiz.")
	require.Regexp(t, `</time> Assigned to Ana Ruiz \(ana@ndlon\.example\), with a note: “The clerk calls back Monday; ask for the &lt;index&gt; first\.” — `, page)
}

// A request entered after it moved on (the agency denied it last month)
// is saved at that status, dated, in one step: no reminder about it as if
// just sent. A date without a status, or one before receipt, is refused at
// its field, the form kept.
func TestNewRequest_StatusReached(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	page := body(b.get("/requests/new"))
	require.Contains(t, page, `<option value="denied" >denied</option>`)
	require.NotContains(t, page, `<option value="draft"`)

	form := url.Values{"agency_id": {a.ID}, "title": {"Jail contracts"}, "delivery_method": {"email"},
		"sent_on": {"2017-01-09"}, "received_on": {"2017-01-09"}}
	for _, tc := range []struct {
		name, status, on, field, message string
	}{
		{"a date alone", "", "2017-02-01", "status_on", "goes with a status"},
		{"no date", "denied", "", "status_on", "is required with a status"},
		{"before receipt", "denied", "2017-01-02", "status_on", "must not be before the receipt date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("status", tc.status)
			f.Set("status_on", tc.on)
			rec := b.post("/requests", f)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			page := body(rec)
			require.Contains(t, page, `id="new-`+strings.ReplaceAll(tc.field, "_", "-")+`-error">`+tc.message)
			require.Contains(t, page, `<li><a href="#new-status-on">Since`)
			require.Contains(t, page, "<details open>", "the part with the error is open")
		})
	}
	list, _, err := b.st.FindRequests(b.fx.Ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses(), Q: "Jail contracts"})
	require.NoError(t, err)
	require.Empty(t, list, "nothing saved")

	form.Set("status", "denied")
	form.Set("status_on", "2017-02-01")
	loc := requireRedirect(t, b.post("/requests", form), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Request saved as denied since Wed 1 Feb 2017.")
	require.Regexp(t, `<time datetime="2017-02-01">Wed 1 Feb 2017</time> Status changed from submitted to denied`, page)
}

func TestNewRequest(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	rec := b.get("/requests/new")
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, `data-jurisdiction="us-ca"`)
	require.Contains(t, page, `>Sacramento County Sheriff&#39;s Department (California: CPRA)</option>`, "named as the lists name laws")
	require.Contains(t, page, `<a href="/agencies">Add the agency</a>`)
	require.Contains(t, page, `aria-live="polite"`)
	require.Contains(t, page, `name="preview"`)
	require.Contains(t, page, `<option value="in_person" >In person</option>`, "options read as choices")

	form := url.Values{"agency_id": {a.ID}, "title": {"Jail booking records"}, "description": {"Bookings, Q1 2017."},
		"delivery_method": {"portal"}, "sent_on": {"2017-03-27"}, "received_on": {"2017-03-27"}, "tags": {"ice, jail"}}
	preview := url.Values{"preview": {"1"}}
	for k, v := range form {
		preview[k] = v
	}
	rec = b.post("/requests", preview)
	require.Equal(t, http.StatusOK, rec.Code)
	page = body(rec)
	require.Contains(t, page, "Due <strong>Thu 6 Apr 2017</strong> under the California Public Records Act")
	require.Contains(t, page, "Day 1 is Tue 28 Mar 2017, the day after receipt.")
	require.Contains(t, page, `value="Jail booking records"`, "the preview keeps what was typed")
	require.Contains(t, page, `value="ice, jail"`)

	// A missing title: the error at the field, everything else kept.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("title", "")
	rec = b.post("/requests", bad)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `id="new-title-error">is required: a few words that say what is asked for</p>`)
	require.Contains(t, body(rec), `<li><a href="#new-title">Title is required: a few words that say what is asked for</a></li>`,
		"a summary at the top links to the field")
	require.Contains(t, body(rec), ">Bookings, Q1 2017.</textarea>")

	// An assignee that is no one of the organization's: refused at the field.
	bad.Set("title", "Jail booking records")
	bad.Set("assignee_id", "00000000-0000-0000-0000-000000000000")
	rec = b.post("/requests", bad)
	require.Equal(t, http.StatusBadRequest, rec.Code, body(rec))
	require.Contains(t, body(rec), `id="new-assignee-id-error">`)
	require.Contains(t, body(rec), `<li><a href="#new-assignee-id">Assignee: `, "the summary names the field")

	// Assigned as it is filed.
	require.Contains(t, page, `<option value="`+b.fx.Admin.ID+`" >`, "the organization's people are offered")
	form.Set("assignee_id", b.fx.Admin.ID)
	loc := requireRedirect(t, b.post("/requests", form), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, "Request saved: due Thu 6 Apr 2017.")
	require.Contains(t, page, "<h1>Jail booking records</h1>")
	got, err := b.st.FindRequestByID(b.fx.Ctx, strings.TrimPrefix(loc, "/requests/"))
	require.NoError(t, err)
	require.NotNil(t, got.AssigneeID)
	require.Equal(t, b.fx.Admin.ID, *got.AssigneeID)
	form.Del("assignee_id")

	// No received date: a draft, no clock.
	form.Del("received_on")
	form.Set("title", "Draft request")
	loc = requireRedirect(t, b.post("/requests", form), "/requests/")
	page = body(b.get(loc))
	require.Contains(t, page, `<p class="note" role="status">Request saved as a draft, without a received date: it has no due date, `+
		`gets no reminders and is not on the dashboard until it is submitted. <a href="#status-received-on">Enter the received date to submit it</a></p>`,
		"the note links to the status form's received date")
	require.Contains(t, page, `id="status-received-on"`, "submitting a draft asks for the received date")
	require.Contains(t, page, `<option value="submitted" selected>submitted</option>`, "the status form is ready to submit it")
	require.Contains(t, page, `the request is a draft, so no clock runs. <a href="#status-received-on">Enter the received date to submit it</a>.`)
	require.Contains(t, page, "A draft gets no reminders. Once it is submitted: Nobody is assigned or watching")
	require.NotContains(t, body(b.get(loc)), "Request saved as a draft", "the note is shown once")
}

// The new-request form says what an empty received date does before it is
// saved: the request becomes a draft.
func TestNewRequest_SaysDraftWithoutReceivedDate(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	page := body(b.get("/requests/new"))
	require.Contains(t, page, `<p class="hint" id="new-received-on-hint">The legal receipt date starts the clock. Without it the request is saved as a draft: `+
		`no due date, no reminders and not on the dashboard until you submit it with this date.</p>`)
	rec := b.post("/requests", url.Values{"preview": {"1"}, "agency_id": {a.ID}, "title": {"Records"}, "delivery_method": {"mail"}})
	require.Contains(t, body(rec), "Without one the request is saved as a draft: no due date and no reminders until it is submitted with that date.")
}

// A note's link goes only to a place on the page: a cookie that names
// another address shows the note without it.
func TestNotes_LinkOnlyOnThePage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	for _, value := range []string{"Saved.|https%3A%2F%2Fevil.example%2F|Click", "Saved.|javascript%3Aalert(1)|Click", "Saved.|%23status|"} {
		b.note = &http.Cookie{Name: "sunshine_note", Value: value}
		page := body(b.get("/requests/" + r.ID))
		require.Contains(t, page, `<p class="note" role="status">Saved.</p>`, value)
	}
	b.note = &http.Cookie{Name: "sunshine_note", Value: "Saved.|%23status|Change+it"}
	require.Contains(t, body(b.get("/requests/"+r.ID)), `<p class="note" role="status">Saved. <a href="#status">Change it</a></p>`)
}

func TestRequestPage_OtherOrganization(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	rec := b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"a.txt": []byte("mine")}, "")
	requireRedirect(t, rec, "/requests/")
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)

	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	ob := &bundle{t: t, st: b.st, fx: other, engine: b.engine}
	ob.login(other.Admin.Email)
	require.Equal(t, http.StatusNotFound, ob.get("/requests/"+r.ID).Code)
	require.Equal(t, http.StatusNotFound, ob.get("/documents/"+docs[0].ID+"/download").Code)
	rec = ob.get("/requests/" + r.ID + "/export.zip")
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, rec.Header().Get("Content-Type"), "text/html", "the pages' 404, no archive")

	// Its own organization downloads the whole request, the API's file.
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<a href="/requests/`+r.ID+`/export.zip" download>Download the whole request (ZIP)</a>`)
	rec = b.get("/requests/" + r.ID + "/export.zip")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/zip", rec.Header().Get("Content-Type"))
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"request.json", "timeline.json", "todos.json", "letter_emails.json", "documents.json", "documents/a.txt"}, names)
	rec = ob.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"email"}, "kind": {"denial"}, "occurred_on": {"2017-04-05"}})
	require.Equal(t, http.StatusNotFound, rec.Code)
	rec = ob.post("/requests/"+r.ID+"/status", url.Values{"to": {"withdrawn"}})
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Equal(t, http.StatusNotFound, ob.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"b.txt": []byte("x")}, "").Code)
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusSubmitted, got.Status)
}

func TestRequestPage_Viewer(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	v := &sunshine.User{Email: "viewer@ndlon.example", Name: "Board Member", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, v))
	require.NoError(t, b.st.SetPassword(context.Background(), v.ID, password))
	vb := &bundle{t: t, st: b.st, fx: b.fx, engine: b.engine}
	vb.login(v.Email)

	rec := vb.get("/requests/" + r.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, "Thu 6 Apr 2017")
	require.NotContains(t, page, "<form method=\"post\" action=\"/requests/")
	require.NotContains(t, page, "Log a communication")

	for _, path := range []string{"communications", "extension", "status", "assign", "watch", "custom_due", "edit", "notes"} {
		rec = vb.post("/requests/"+r.ID+"/"+path, url.Values{"kind": {"denial"}})
		require.Equal(t, http.StatusForbidden, rec.Code, path)
	}
	require.Equal(t, http.StatusForbidden, vb.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"a.txt": []byte("x")}, "").Code)
	require.Equal(t, http.StatusForbidden, vb.post("/requests", url.Values{"title": {"x"}}).Code)
	require.Equal(t, http.StatusForbidden, vb.get("/requests/new").Code)
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, r.Version, got.Version)
}

func TestRequestPage_PausedClock(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2024, 5, 7, 15, 0, 0, 0, time.UTC))
	a := &sunshine.Agency{Name: "U.S. Immigration and Customs Enforcement", Jurisdiction: "us-federal"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers issued in Sacramento County", DeliveryMethod: sunshine.DeliveryPortal,
		ReceivedOn: deadline.MustParseDate("2024-05-01")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	b.login(b.fx.Admin.Email)

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/communications", url.Values{
		"direction": {"in"}, "channel": {"portal"}, "kind": {"fee_estimate"}, "occurred_on": {"2024-05-06"},
		"fee_amount": {"$1,250.50"}, "exemptions_cited": {"5 U.S.C. 552(b)(6)\n\n5 U.S.C. 552(b)(7)(C)\n"}}), "/requests/")
	page := body(b.get(loc))
	require.Contains(t, page, "Paused since Mon 6 May 2024 while the agency waits on us;")
	require.Contains(t, page, "left when it resumes")
	require.Contains(t, page, "Fee: $1250.50")
	require.Contains(t, page, "Exemptions cited: 5 U.S.C. 552(b)(6); 5 U.S.C. 552(b)(7)(C)")
}

// A long message shows its start on the request page, with a link to the
// whole of it as plain text: a history of 1 MB bodies would otherwise
// make a page of hundreds of megabytes.
func TestRequestPage_LongMessage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	var long strings.Builder
	for i := 0; long.Len() < 300_000; i++ {
		fmt.Fprintf(&long, "Line %d of the released e-mail export <b>unescaped</b>.\n", i)
	}
	whole := long.String() + "The very last line."
	short, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-28"),
		Body: "A short note."}})
	require.NoError(t, err)
	c, _, err := b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-29"),
		Subject: "Export", Body: whole}})
	require.NoError(t, err)

	// An edit keeps the previous body in the timeline; the page says only that it was edited.
	edited := whole + " Corrected."
	_, err = b.st.UpdateCommunication(b.fx.Ctx, c.ID, sunshine.CommunicationUpdate{Body: &edited})
	require.NoError(t, err)
	whole = edited

	rec := b.get("/requests/" + r.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Less(t, len(page), 100_000, "the page holds the message's start, not all of it")
	require.Contains(t, page, "Communication edited")
	require.Contains(t, page, "Line 0 of the released e-mail export &lt;b&gt;unescaped&lt;/b&gt;.")
	require.NotContains(t, page, "The very last line.")
	link := `<a href="/communications/` + c.ID + `/message.txt">The whole message</a> (` + strconv.Itoa((len(whole)+999)/1000) + ` KB)`
	require.Contains(t, page, link)
	require.NotContains(t, page, "/communications/"+short.ID+"/message.txt", "a short message is shown whole")

	rec = b.get("/communications/" + c.ID + "/message.txt")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	require.Equal(t, whole, body(rec))
	require.Equal(t, http.StatusNotFound, b.get("/communications/not-an-id/message.txt").Code)
}

// The pages run on the API's engine: its JSON body limit (1 MiB) is not
// theirs. A 2 MiB document uploads, a message of the largest size logs from
// its form, and a form beyond the form limit is refused with a page that
// says so, saving nothing.
func TestRequestPage_LargeForms(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)

	big := bytes.Repeat([]byte("Released record line.\n"), (2<<20)/22+1)
	rec := b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"release.txt": big}, "")
	requireRedirect(t, rec, "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.EqualValues(t, len(big), docs[0].Size)

	// 1,000,000 bytes of accented text: 2.9 MB once URL-encoded.
	message := strings.Repeat("é", 500_000)
	form := url.Values{"direction": {"in"}, "channel": {"email"}, "kind": {"records_release"},
		"occurred_on": {"2017-04-05"}, "subject": {"Records"}, "body": {message}}
	require.Greater(t, len(form.Encode()), 1<<20)
	rec = b.post("/requests/"+r.ID+"/communications", form)
	requireRedirect(t, rec, "/requests/"+r.ID)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, comms, 1)
	require.Equal(t, message, comms[0].Body)

	form.Set("body", strings.Repeat("é", 800_000))
	rec = b.post("/requests/"+r.ID+"/communications", form)
	require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	require.Contains(t, body(rec), "The form is larger than 4 MiB, so nothing was saved.")
	comms, _, err = b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, comms, 1)
}

// Waiting on us stops the clock only where the law tolls it; elsewhere the
// pages say the clock runs, and still never show the request late.
func TestWaitingOnUs_Wording(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, jurisdiction string
		due                string // the request's due date, received Mon 27 Mar 2017
		words, event       string // the due pill and the timeline's pause entry, on Wed 5 Apr 2017
		never              string
	}{
		{"federal: the clock stops", "us-federal", "", "clock paused: waiting on us", "Clock paused: waiting on us", "waiting on us;"},
		{"California: due tomorrow", "us-ca", "2017-04-06", "waiting on us; due tomorrow", "Waiting on us (this law&#39;s clock keeps running)", "clock paused"},
		{"Illinois: past the date, never late", "us-il", "2017-04-03", "waiting on us</span>", "Waiting on us (this law&#39;s clock keeps running)", "late"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a := &sunshine.Agency{Name: "Agency under " + tc.jurisdiction, Jurisdiction: tc.jurisdiction}
			require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
			r := &sunshine.Request{AgencyID: a.ID, Title: "Detainers", DeliveryMethod: sunshine.DeliveryEmail,
				ReceivedOn: deadline.MustParseDate("2017-03-27")}
			require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
			r, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester,
				EffectiveOn: deadline.MustParseDate("2017-03-29")})
			require.NoError(t, err)
			if tc.due == "" {
				require.True(t, r.EffectiveDueOn().IsZero())
			} else {
				require.Equal(t, tc.due, r.EffectiveDueOn().String())
			}
			b.login(b.fx.Admin.Email)

			page := body(b.get("/requests/" + r.ID))
			if tc.due != "" { // a paused clock has no date, so no pill
				require.Contains(t, page, tc.words)
			}
			require.Contains(t, page, tc.event)
			require.NotContains(t, page, tc.never)
			dash := body(b.get("/"))
			require.Contains(t, dash, tc.words)
			require.NotContains(t, dash, tc.never)
		})
	}
}

// A corrected receipt date says so in the timeline, with the date it was.
func TestRequestPage_ReceiptCorrected(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	on := deadline.MustParseDate("2017-03-28")
	_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{ReceivedOn: &on})
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Receipt date corrected: Tue 28 Mar 2017 (was Mon 27 Mar 2017)")
	require.Contains(t, page, "Due date computed: Fri 7 Apr 2017 (was Thu 6 Apr 2017)")
}

// A form's note reaches the next page through a cookie, once; a link cannot
// put words on a page (?note= is ignored, ?uploaded= takes only a count).
func TestNotes_NotFromLinks(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	spoof := "Your session has expired. Sign in again at https://evil.example"
	for _, path := range []string{"/", "/agencies", "/requests/" + r.ID} {
		page := body(b.get(path + "?note=" + url.QueryEscape(spoof)))
		require.NotContains(t, page, "Your session has expired", path)
	}
	page := body(b.get("/requests/" + r.ID + "?uploaded=" + url.QueryEscape(spoof)))
	require.NotContains(t, page, "Your session has expired")
	require.Contains(t, body(b.get("/requests/"+r.ID+"?uploaded=3")), "Uploaded 3 documents.")

	requireRedirect(t, b.post("/requests/"+r.ID+"/status", url.Values{"to": {"acknowledged"}, "effective_on": {"2017-03-29"}}), "/requests/"+r.ID)
	require.NotNil(t, b.note)
	require.True(t, b.note.HttpOnly)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "Status changed to acknowledged.")
	require.Nil(t, b.note, "shown once")
	require.NotContains(t, body(b.get("/requests/"+r.ID)), "Status changed to acknowledged.")
}

// Under appeal, the old response date is shown without being called late,
// and the lists say there is no date to follow.
func TestRequestPage_UnderAppeal(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC)) // two weeks past the 6 April date
	b.login(b.fx.Admin.Email)                                // the first session has expired
	for _, to := range []sunshine.Status{sunshine.StatusDenied, sunshine.StatusAppealed} {
		_, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: to})
		require.NoError(t, err)
	}
	for _, path := range []string{"/requests/" + r.ID, "/requests"} {
		page := body(b.get(path))
		require.Contains(t, page, "under appeal", path)
		require.NotContains(t, page, "late", path)
	}
	require.Contains(t, body(b.get("/requests/"+r.ID)), `<strong>No date to follow</strong> <span class="pill due-none">under appeal</span>`, "the page says what the lists say")
	row := listRow(t, body(b.get("/requests")), r.ID)
	require.Contains(t, row, `<span class="due due-none">under appeal: no date to follow</span> <span class="hint">(agency's date Thu 6 Apr 2017 superseded)</span>`)
	require.NotContains(t, row, "<time", "the superseded date is not the one to follow")
}

// The Clock line lists earlier pauses as one sentence; where the law does
// not stop the clock for them, it says so instead of calling them pauses.
func TestRequestPage_EarlierPauses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		law, want string
	}{
		{"us-federal", "Running; paused before: Wed 22 Mar 2017 to Fri 24 Mar 2017; Wed 29 Mar 2017 to Mon 3 Apr 2017.\n"},
		{"us-ca", "Running; it kept running while the agency waited on us: Wed 22 Mar 2017 to Fri 24 Mar 2017; Wed 29 Mar 2017 to Mon 3 Apr 2017.\n"},
	} {
		t.Run(tc.law, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			a := &sunshine.Agency{Name: "Records office", Jurisdiction: tc.law}
			require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
			r := &sunshine.Request{AgencyID: a.ID, Title: "Files", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-20")}
			require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
			for _, step := range []struct {
				to sunshine.Status
				on string
			}{{sunshine.StatusAwaitingRequester, "2017-03-22"}, {sunshine.StatusSubmitted, "2017-03-24"},
				{sunshine.StatusAwaitingRequester, "2017-03-29"}, {sunshine.StatusSubmitted, "2017-04-03"}} {
				_, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: step.to, EffectiveOn: deadline.MustParseDate(step.on)})
				require.NoError(t, err)
			}
			b.login(b.fx.Admin.Email)
			require.Contains(t, body(b.get("/requests/"+r.ID)), tc.want)
		})
	}
}

// The extension form is offered only where the law has one to invoke.
func TestRequestPage_ExtensionFormOnlyWhereThereIsOne(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t) // the CPRA: 14 more days
	require.Contains(t, body(b.get("/requests/"+r.ID)), `id="extend"`)
	a := &sunshine.Agency{Name: "Seattle Police Department", Jurisdiction: "us-wa"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	wa := &sunshine.Request{AgencyID: a.ID, Title: "Bodycam", DeliveryMethod: sunshine.DeliveryPortal, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, wa))
	require.NotContains(t, body(b.get("/requests/"+wa.ID)), `id="extend"`, "Washington has no fixed extension")
	_, err := b.st.ExtendRequest(b.fx.Ctx, r.ID, deadline.Date{}, "")
	require.NoError(t, err)
	require.NotContains(t, body(b.get("/requests/"+r.ID)), `id="extend"`, "already extended")
}

// A reminder email the mail server accepted is a line of the request's
// timeline, on the day it was sent, saying to whom and what it said; a
// failed one is not.
func TestRequestPage_ReminderSent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sent bool
	}{
		{"delivered", true},
		{"failed", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, _, r := sacramento(t)
			ctx := context.Background()
			_, err := b.st.PlanReminders(ctx, now) // due tomorrow: one to the admin
			require.NoError(t, err)
			claimed, err := b.st.ClaimReminders(ctx, now, 100, 0)
			require.NoError(t, err)
			require.Len(t, claimed, 1)
			if tc.sent {
				require.NoError(t, b.st.MarkReminderSent(ctx, claimed[0],
					store.Delivery{Subject: "Due Thu 6 Apr (1 business day)", Summary: "due in 1 business day (Thu 6 Apr 2017)"}, now))
			} else {
				require.NoError(t, b.st.MarkReminderFailed(ctx, claimed[0], "550 mailbox unavailable", now, true))
			}

			page := body(b.get("/requests/" + r.ID))
			line := `<time datetime="2017-04-05">Wed 5 Apr 2017</time> Reminder sent to Admin of ndlon: due in 1 business day (Thu 6 Apr 2017)</p>`
			if tc.sent {
				require.Contains(t, page, line)
			} else {
				require.NotContains(t, page, "Reminder sent")
			}
		})
	}
}

// Staff correct a request's details on its page: the words, the agency's
// tracking number and estimate, tags and dates; a corrected receipt date
// moves the due date. Only the fields the person changed are saved, so a
// colleague's change to another field meanwhile stays; one to the same
// field is named, with its new value, and nothing is saved until the
// person looks. Bad input lists every mistake at once and changes nothing.
func TestRequestPage_EditDetails(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "<summary><h3>Edit details</h3></summary>")
	for id, want := range map[string]string{"edit-title": r.Title, "edit-tracking-number": "R-2017-0042",
		"edit-received-on": "2017-03-27", "edit-sent-on": "2017-03-27", "edit-tags": "", "edit-agency-estimated-on": ""} {
		require.Equal(t, want, inputValue(t, page, id), id)
	}
	require.Contains(t, page, `<input type="hidden" name="was_title" value="`+r.Title+`">`)

	opened := detailsOf(r) // the form as first opened
	form := copyValues(opened)
	form.Set("title", "  Communications with ICE and CBP ")
	form.Set("tracking_number", "CPRA 17-0412")
	form.Set("tags", "ice, , jail ")
	form.Set("agency_estimated_on", "2017-05-01")
	form.Set("received_on", "2017-03-28")
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/edit", form), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Contains(t, page, "Details saved. Statutory due date: Fri 7 Apr 2017.")
	require.Contains(t, page, "Receipt date corrected: Tue 28 Mar 2017 (was Mon 27 Mar 2017)")
	got := b.reload(r)
	require.Equal(t, "Communications with ICE and CBP", got.Title)
	require.Equal(t, "CPRA 17-0412", got.TrackingNumber)
	require.Equal(t, []string{"ice", "jail"}, got.Tags)
	require.Equal(t, "2017-05-01", got.AgencyEstimatedOn.String())
	require.Equal(t, "2017-04-07", got.DueOn.String())

	// A second person, with the form as first opened, changes only the
	// text: saved, and the first person's changes stay.
	other := copyValues(opened)
	other.Set("description", "All communications with ICE and CBP since 1 January 2017.")
	requireRedirect(t, b.post("/requests/"+r.ID+"/edit", other), "/requests/"+r.ID)
	got = b.reload(r)
	require.Equal(t, "All communications with ICE and CBP since 1 January 2017.", got.Description)
	require.Equal(t, "Communications with ICE and CBP", got.Title, "the first person's title stays")
	require.Equal(t, "CPRA 17-0412", got.TrackingNumber)

	// The same field changed by both: refused, named, the typed value
	// kept and the new one shown; saving again then applies.
	other.Set("title", "A third title")
	rec := b.post("/requests/"+r.ID+"/edit", other)
	require.Equal(t, http.StatusConflict, rec.Code)
	page = body(rec)
	require.Contains(t, page, `id="edit-title-error">was changed by someone else meanwhile, to &#34;Communications with ICE and CBP&#34;: check it, then save again</p>`)
	require.Contains(t, page, `<details class="panel" id="edit" open>`)
	require.Equal(t, "A third title", inputValue(t, page, "edit-title"))
	require.Contains(t, page, `<input type="hidden" name="was_title" value="Communications with ICE and CBP">`)
	require.Equal(t, "Communications with ICE and CBP", b.reload(r).Title, "nothing saved")
	other.Set("was_title", "Communications with ICE and CBP")
	requireRedirect(t, b.post("/requests/"+r.ID+"/edit", other), "/requests/"+r.ID)
	require.Equal(t, "A third title", b.reload(r).Title)

	// Every mistake at once, and nothing changes.
	got = b.reload(r)
	bad := detailsOf(got)
	bad.Set("title", " ")
	var many []string
	for i := range 21 {
		many = append(many, "t"+strconv.Itoa(i))
	}
	bad.Set("tags", strings.Join(many, ", "))
	bad.Set("agency_estimated_on", "2017-02-30")
	rec = b.post("/requests/"+r.ID+"/edit", bad)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, "The details were not saved. Please correct:")
	for _, want := range []string{`id="edit-title-error">is required`, `id="edit-tags-error">at most 20 tags</p>`,
		`id="edit-agency-estimated-on-error">must be a date such as 2017-03-27</p>`} {
		require.Contains(t, page, want)
	}
	require.Equal(t, got.Version, b.reload(r).Version, "nothing changed")
	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"receipt in the future", "received_on", "2030-01-01", `id="edit-received-on-error">`},
		{"receipt cleared", "received_on", "", `id="edit-received-on-error">cannot be cleared`},
		{"sent after the receipt", "sent_on", "2017-03-29", `id="edit-sent-on-error">must not be after the receipt date`},
	} {
		f := detailsOf(got)
		f.Set(tc.field, tc.value)
		rec := b.post("/requests/"+r.ID+"/edit", f)
		require.Equal(t, http.StatusBadRequest, rec.Code, tc.name)
		require.Contains(t, body(rec), tc.want, tc.name)
		require.Equal(t, got.Version, b.reload(r).Version, "%s: nothing changed", tc.name)
	}
	// A form without what the request said when opened: reload.
	rec = b.post("/requests/"+r.ID+"/edit", url.Values{"title": {"Renamed"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "reload the page and try again")

	// Saving what is there changes nothing and says so.
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/edit", detailsOf(got)), "/requests/"+r.ID)
	require.Contains(t, body(b.get(loc)), "Nothing changed.")
	require.Equal(t, got.Version, b.reload(r).Version)

	// A draft's form has no receipt date: submitting the draft sets it.
	draft := &sunshine.Request{AgencyID: a.ID, Title: "Jail booking records", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, draft))
	page = body(b.get("/requests/" + draft.ID))
	require.NotContains(t, page, `id="edit-received-on"`)
	require.NotContains(t, page, `id="edit-agency-estimated-on"`, "an agency estimates only what it has received")
	require.Contains(t, page, `id="edit-sent-on"`, "a draft may have been sent, not yet received")
	f := detailsOf(draft)
	f.Del("agency_estimated_on")
	f.Del("was_agency_estimated_on")
	f.Set("tracking_number", "B-1")
	requireRedirect(t, b.post("/requests/"+draft.ID+"/edit", f), "/requests/"+draft.ID)
	draft = b.reload(draft)
	require.Equal(t, "B-1", draft.TrackingNumber)
	require.True(t, draft.ReceivedOn.IsZero())
}

// reload reads r again from the store.
func (b *bundle) reload(r *sunshine.Request) *sunshine.Request {
	b.t.Helper()
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(b.t, err)
	return got
}

func copyValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// detailsOf is the details form as the page fills it for r: each field,
// and what it said when opened.
func detailsOf(r *sunshine.Request) url.Values {
	v := url.Values{}
	set := func(name, value string) { v.Set(name, value); v.Set("was_"+name, value) }
	set("title", r.Title)
	set("description", r.Description)
	set("tracking_number", r.TrackingNumber)
	set("external_id", "")
	if r.ExternalID != nil {
		set("external_id", *r.ExternalID)
	}
	set("tags", strings.Join(r.Tags, ", "))
	for name, on := range map[string]deadline.Date{"agency_estimated_on": r.AgencyEstimatedOn, "sent_on": r.SentOn, "received_on": r.ReceivedOn} {
		switch {
		case !on.IsZero():
			set(name, on.String())
		case name != "received_on":
			set(name, "")
		}
	}
	return v
}

// foilRequest files "Stop-and-frisk data" with the NYPD under New York's
// FOIL, received Mon 27 Mar 2017 (due Mon 3 Apr).
func foilRequest(t *testing.T, b *bundle) *sunshine.Request {
	t.Helper()
	a := &sunshine.Agency{Name: "New York City Police Department", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Stop-and-frisk data", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	return r
}

// Under New York's FOIL an acknowledgment meets the 5 business days: the
// page and the list stop calling the request late and say why.
func TestRequestPage_AcknowledgedUnderFOIL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clk.Set(time.Date(2017, 4, 20, 15, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	r := foilRequest(t, b)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "late")

	late := &sunshine.Request{AgencyID: r.AgencyID, Title: "Gang database", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, late))

	_, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: deadline.MustParseDate("2017-03-31")})
	require.NoError(t, err)
	// Acknowledged after the 5 business days (due Mon 3 Apr): missed, not
	// met, though not late or overdue either: the estimate is followed.
	_, err = b.st.TransitionRequest(b.fx.Ctx, late.ID, sunshine.TransitionInput{To: sunshine.StatusAcknowledged, EffectiveOn: deadline.MustParseDate("2017-04-05")})
	require.NoError(t, err)
	latePage := body(b.get("/requests/" + late.ID))
	require.Contains(t, latePage, `Statutory date missed: the agency acknowledged the request only on Wed 5 Apr 2017. <a href="#edit-agency-estimated-on">`)
	require.Contains(t, latePage, "(missed: the agency acknowledged the request only on Wed 5 Apr 2017; its estimate is the date to follow now)")
	require.NotContains(t, latePage, "(met:")
	require.NotContains(t, latePage, " late")
	require.Contains(t, listRow(t, body(b.get("/requests")), late.ID), "Mon 3 Apr 2017</time> · missed: acknowledged only on Wed 5 Apr 2017; no estimate recorded")
	lateEstimate := deadline.MustParseDate("2017-05-01")
	_, err = b.st.UpdateRequest(b.fx.Ctx, late.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &lateEstimate})
	require.NoError(t, err)
	require.Contains(t, listRow(t, body(b.get("/requests")), late.ID), "(statutory date Mon 3 Apr 2017 missed)")

	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `Statutory date met: the agency acknowledged the request. <a href="#edit-agency-estimated-on">Record the date it estimated</a>.`)
	require.Contains(t, page, "(met: an acknowledgment is a response this law accepts by then, and the agency acknowledged the request)")
	require.Contains(t, page, "Record the date the agency gives as its estimate, under Edit details.")
	require.NotContains(t, page, "decision A", "no design-note references on the page")
	require.NotContains(t, page, "late")
	require.NotContains(t, listRow(t, body(b.get("/requests")), r.ID), "late")

	// The agency's estimate is then the date the panel leads with.
	estimate := deadline.MustParseDate("2017-05-15")
	_, err = b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AgencyEstimatedOn: &estimate})
	require.NoError(t, err)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<strong>Mon 15 May 2017</strong> <span class="pill due-later">agency&#39;s estimate, in 25 days</span>`)
	require.Contains(t, page, "<dt>Agency's estimate</dt><dd>Mon 15 May 2017</dd>")

	// Once it has passed, the page says so, and still does not call the
	// request late: the statutory date was met.
	b.clk.Set(time.Date(2017, 5, 16, 15, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<strong>Mon 15 May 2017</strong> <span class="pill due-passed">agency&#39;s estimate passed</span>`)
	require.Contains(t, page, "The agency's estimate is not a statutory deadline")
	require.Contains(t, page, "<dt>Statutory date</dt><dd>Mon 3 Apr 2017 <span class=\"hint\">(met:")
	require.NotContains(t, page, "late")
}

// An error summary reads as sentences: the label goes on into a message
// that continues it, and is set apart from one that stands alone.
func TestFormProblemText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ label, message, want string }{
		{"Title", "is required: a few words", "Title is required: a few words"},
		{"Date", "must not be in the future", "Date must not be in the future"},
		{"Tags", "each tag must be 1 to 50 characters", "Tags: each tag must be 1 to 50 characters"},
		{"Date", "an agency's reply cannot come before the request was received", "Date: an agency's reply cannot come before the request was received"},
	} {
		require.Equal(t, tc.want, web.FormProblemText(tc.label, tc.message))
	}
}

// The timeline ends on the current due date, even when a change is
// back-dated before one recorded earlier: an extension notice logged today
// but dated before a closure day added yesterday.
func TestRequestPage_TimelineEndsOnTheDueDate(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	requireRedirect(t, b.post("/agencies/"+a.ID+"/closures", url.Values{"closed_on": {"2017-04-06"}, "reason": {"flood"}}), "/agencies/")
	requireRedirect(t, b.post("/requests/"+r.ID+"/extension", url.Values{"invoked_on": {"2017-04-03"}}), "/requests/")
	got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID))
	computed := regexp.MustCompile(`Due date computed: ([A-Za-z]{3} \d+ [A-Za-z]{3} \d{4})`).FindAllStringSubmatch(page, -1)
	require.GreaterOrEqual(t, len(computed), 3, "filed, the closure day, the extension")
	require.Equal(t, got.DueOn.Format("Mon 2 Jan 2006"), computed[len(computed)-1][1], "the last line is the due date")
}

// With the clock paused there is no due date until it resumes: the notes
// after an extension and its undoing say so rather than "now due ."
func TestRequestPage_ExtensionWhilePaused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := &sunshine.Agency{Name: "U.S. Immigration and Customs Enforcement", Jurisdiction: "us-federal"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Detainer data", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	b.login(b.fx.Admin.Email)
	requireRedirect(t, b.post("/requests/"+r.ID+"/status", url.Values{"to": {"awaiting_requester"}, "effective_on": {"2017-04-03"}}), "/requests/")
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/extension", url.Values{"invoked_on": {"2017-04-04"}}), "/requests/")
	require.Contains(t, body(b.get(loc)), "Extension recorded: the due date is set when the clock resumes.")
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/extension/undo", nil), "/requests/")
	require.Contains(t, body(b.get(loc)), "Extension undone: the due date is set when the clock resumes.")
}

// The new-request preview explains the due date as the request page does:
// without the engine's references to its design decisions.
func TestNewRequest_PreviewWithoutDecisions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	for _, tc := range []struct{ law, received, step string }{
		// Received on a Saturday under FOIA: day 1 is the next working day.
		{"us-federal", "2017-03-25", "Day 1 is Mon 27 Mar 2017, the first working day after Sat 25 Mar 2017 (counting starts on the next working day)."},
		// Received on a Saturday in Massachusetts: deemed received Monday.
		{"us-ma", "2017-03-25", "(950 CMR 32.06(2)(e), as amended 11 June 2021)."},
	} {
		a := &sunshine.Agency{Name: "Agency under " + tc.law, Jurisdiction: tc.law}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		rec := b.post("/requests", url.Values{"preview": {"1"}, "agency_id": {a.ID}, "title": {"Records"},
			"delivery_method": {"mail"}, "received_on": {tc.received}})
		require.Equal(t, http.StatusOK, rec.Code)
		page := body(rec)
		require.Contains(t, page, html.EscapeString(tc.step), tc.law)
		require.NotContains(t, page, "decision A", tc.law)
	}
}

// Every action form of the request page that comes back refused opens with
// an error summary (app.js focuses it): why, and each field's error linked
// to its field. A refusal that is the form's own is said in its first line.
func TestRequestPage_RefusedFormsOpenWithSummary(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	path := "/requests/" + r.ID
	for _, tc := range []struct {
		name, action string
		form         url.Values
		code         int
		want         []string
	}{
		{"log a communication", "/communications", url.Values{"direction": {"in"}, "channel": {"email"}, "kind": {"acknowledgment"}, "occurred_on": {"5 April"}},
			http.StatusBadRequest, []string{"<p>The communication was not logged. Please correct:</p>",
				`<li><a href="#comm-occurred-on">Date must be a date such as 2017-03-27</a></li>`}},
		{"change status without one", "/status", url.Values{"effective_on": {"2017-04-05"}},
			http.StatusBadRequest, []string{"<p>The status was not changed. Please correct:</p>",
				`<li><a href="#status-to">New status: choose the new status</a></li>`}},
		{"change to a status not allowed", "/status", url.Values{"to": {"draft"}, "effective_on": {"2017-04-05"}},
			http.StatusConflict, []string{"<p>The status was not changed. Please correct:</p>",
				`<li><a href="#status-to">New status: a request that is submitted cannot become draft; allowed: `}},
		{"custom due date", "/custom_due", url.Values{"date": {"14/06/2024"}},
			http.StatusBadRequest, []string{"<p>The custom due date was not saved. Please correct:</p>",
				`<li><a href="#custom-date">Date must be a date such as 2017-03-27</a></li>`}},
		{"extension", "/extension", url.Values{"invoked_on": {"3 April"}},
			http.StatusBadRequest, []string{"<p>The extension was not recorded. Please correct:</p>",
				`<li><a href="#extend-invoked-on">Date of the agency&#39;s notice must be a date such as 2017-03-27</a></li>`}},
		{"assign", "/assign", url.Values{"assignee_id": {"00000000-0000-0000-0000-000000000000"}},
			http.StatusBadRequest, []string{"<p>The request was not assigned. Please correct:</p>",
				`<li><a href="#assign-assignee-id">Assignee: no such user in this organization</a></li>`}},
	} {
		rec := b.post(path+tc.action, tc.form)
		require.Equal(t, tc.code, rec.Code, tc.name)
		page := body(rec)
		require.Equal(t, 1, strings.Count(page, `<div class="error" role="alert" tabindex="-1" data-error-summary>`), tc.name)
		for _, w := range tc.want {
			require.Contains(t, page, w, tc.name)
		}
	}
	// Refused as a whole: the reason follows the first words.
	_, err := b.st.ExtendRequest(b.fx.Ctx, r.ID, deadline.MustParseDate("2017-04-03"), "")
	require.NoError(t, err)
	rec := b.post(path+"/extension", url.Values{"invoked_on": {"2017-04-04"}})
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), `<div class="error" role="alert" tabindex="-1" data-error-summary>
    <p>The extension was not recorded: the extension was already invoked on 2017-04-03`)
}

// The Agencies page's add form posts to its own section, and a refused one
// opens with a summary that links to the fields.
func TestAgencies_AddRefusedOpensWithSummary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.login(b.fx.Admin.Email)
	page := body(b.get("/agencies"))
	require.Contains(t, page, `<section id="add" aria-labelledby="add-h" class="panel">`)
	require.Contains(t, page, `<form method="post" action="/agencies#add"`)
	rec := b.post("/agencies", url.Values{"name": {" "}, "jurisdiction": {"xx"}, "email": {"not-an-email"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<div class="error" role="alert" tabindex="-1" data-error-summary>`)
	require.Contains(t, page, "<p>The agency was not added. Check the fields marked below.</p>")
	require.Regexp(t, `<li><a href="#agency-name">Name is required</a></li><li><a href="#agency-jurisdiction">Law must be chosen from the list</a></li><li><a href="#agency-email">Email must be an email address</a></li>`, page)
}

// Log a communication starts with no direction or kind chosen: sent as it
// opens, it is refused, naming both fields, and the request's status does
// not move (an acknowledgment would make it acknowledged).
func TestRequestPage_CommunicationDirectionAndKindRequired(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<input type="radio" id="comm-direction" name="direction" value="in" required >`)
	require.Contains(t, page, `<input type="radio" id="comm-direction-out" name="direction" value="out" required >`)
	require.Contains(t, page, `<option value="" selected>choose…</option>`)
	require.NotRegexp(t, `<option value="acknowledgment" selected>`, page)

	rec := b.post("/requests/"+r.ID+"/communications", url.Values{"channel": {"email"}, "occurred_on": {"2017-04-05"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<li><a href="#comm-direction">Direction is required: choose From the agency or From us</a></li>`)
	require.Contains(t, page, `<li><a href="#comm-kind">Kind is required: choose what the message is, such as an acknowledgment or a records release</a></li>`)
	require.Contains(t, page, `<p class="field-error" id="comm-direction-error">is required: choose From the agency or From us</p>`)
	require.Contains(t, page, `<select id="comm-kind" name="kind" required aria-invalid="true" aria-describedby="comm-kind-error">`)
	comms, _, err := b.st.FindCommunications(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, comms)
	require.Equal(t, sunshine.StatusSubmitted, b.reload(r).Status)
}

// The request page says who its reminders are emailed to, by the
// planner's rule (the assignee and the watchers, else the admins), and
// offers to fix it there: Assign to me, Watch.
func TestRequestPage_RemindersTo(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	path := "/requests/" + r.ID
	remindersTo := func() string {
		t.Helper()
		m := regexp.MustCompile(`<p id="reminders-to">([^<]*) <span`).FindStringSubmatch(body(b.get(path)))
		require.NotNil(t, m, "the reminders line")
		return html.UnescapeString(m[1])
	}
	admin := b.fx.Admin.Name
	require.Equal(t, "Nobody is assigned or watching: reminders go to the admin, "+admin+".", remindersTo())
	other := &sunshine.User{Email: "second-admin@ndlon.example", Role: sunshine.RoleAdmin}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, other))
	require.Equal(t, "Nobody is assigned or watching: reminders go to the admins, "+admin+" and second-admin@ndlon.example.", remindersTo())

	// Fixed right there: the buttons post to the section.
	page := body(b.get(path))
	require.Contains(t, page, `<form method="post" action="`+path+`/assign#reminders">
    <input type="hidden" name="assignee_id" value="`+b.fx.Admin.ID+`">
    <input type="hidden" name="was_assignee_id" value="">
    <button type="submit" class="secondary">Assign to me</button>`)
	require.Contains(t, page, `action="`+path+`/watch#reminders"`)

	ana := b.staff("ana@ndlon.example")
	_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
	require.NoError(t, err)
	require.Equal(t, "Reminders go to Staff Person (assigned).", remindersTo())
	// Assign to me from a page opened before Ana took it: refused, and
	// nothing changes; the button is gone from a fresh page.
	rec := b.post(path+"/assign", url.Values{"assignee_id": {b.fx.Admin.ID}, "was_assignee_id": {""}})
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, body(rec), "The request was not assigned: someone changed the assignee after you opened the page: the request is assigned to Staff Person now.")
	require.Equal(t, "Reminders go to Staff Person (assigned).", remindersTo())
	require.NotContains(t, body(b.get(path)), "Assign to me", "assigned to a colleague: the Assign section, deliberately")
	requireRedirect(t, b.post(path+"/watch", url.Values{"watch": {"1"}}), path)
	require.Equal(t, "Reminders go to Staff Person (assigned) and "+admin+" (watching).", remindersTo())

	// A deactivated assignee gets nothing; the watcher still does, and
	// without one the admins do.
	inactive := false
	_, err = b.st.UpdateUser(b.fx.Ctx, ana.ID, sunshine.UserUpdate{Active: &inactive})
	require.NoError(t, err)
	require.Equal(t, "Reminders go to "+admin+" (watching).", remindersTo())
	requireRedirect(t, b.post(path+"/watch", url.Values{"watch": {"0"}}), path)
	require.Equal(t, "The assignee, Staff Person, is deactivated and gets none. Nobody is assigned or watching: reminders go to the admins, "+
		admin+" and second-admin@ndlon.example.", remindersTo())

	// Assign to me: the button goes once it is done.
	requireRedirect(t, b.post(path+"/assign", url.Values{"assignee_id": {b.fx.Admin.ID}}), path)
	require.Equal(t, "Reminders go to "+admin+" (assigned).", remindersTo())
	require.NotContains(t, body(b.get(path)), "Assign to me")

	// A closed request gets none.
	_, err = b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	require.Equal(t, "The request is closed: no more reminders.", remindersTo())
}

// The reminders line says when a recipient chose, in their preferences,
// to get only some of a request's reminders, or none.
func TestRequestPage_RemindersToKinds(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	path := "/requests/" + r.ID
	remindersTo := func() string {
		t.Helper()
		m := regexp.MustCompile(`<p id="reminders-to">([^<]*) <span`).FindStringSubmatch(body(b.get(path)))
		require.NotNil(t, m, "the reminders line")
		return html.UnescapeString(m[1])
	}
	choose := func(u *sunshine.User, kinds ...string) {
		t.Helper()
		ctx := sunshine.WithPrincipal(b.fx.Ctx, sunshine.Principal{OrgID: u.OrgID, UserID: u.ID, Role: u.Role})
		require.NoError(t, b.st.SetPreferences(ctx, sunshine.Preferences{Digest: true, DigestHour: 7, Kinds: kinds}))
	}
	admin := b.fx.Admin.Name
	ana := b.staff("ana@ndlon.example")
	for _, tc := range []struct {
		name   string
		kinds  []string // the admin's choice; nil: never chose
		assign bool     // Ana assigned, the admin watching
		anas   []string // Ana's choice
		want   string
	}{
		{name: "never chose", want: "Nobody is assigned or watching: reminders go to the admin, " + admin + "."},
		{name: "chose every kind", kinds: sunshine.ReminderKinds, want: "Nobody is assigned or watching: reminders go to the admin, " + admin + "."},
		{name: "chose some", kinds: []string{sunshine.ReminderOverdue, sunshine.ReminderDueToday, sunshine.ReminderAssigned},
			want: "Nobody is assigned or watching: reminders go to the admin, " + admin + " (only due today and overdue)."},
		{name: "assigned, chose none of a request's", kinds: []string{sunshine.ReminderOverdue}, assign: true, anas: []string{sunshine.ReminderAssigned},
			want: "Reminders go to Staff Person (assigned; has turned these reminders off) and " + admin + " (watching; only overdue)."},
	} {
		if tc.kinds != nil {
			choose(b.fx.Admin, tc.kinds...)
		}
		if tc.assign {
			_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &ana.ID})
			require.NoError(t, err)
			requireRedirect(t, b.post(path+"/watch", url.Values{"watch": {"1"}}), path)
			choose(ana, tc.anas...)
		}
		require.Equal(t, tc.want, remindersTo(), tc.name)
	}
}

// Two people pressing Assign to me on the same unassigned request at the
// same instant: one takes it, the other is told who did; the later does
// not silently take it over.
func TestRequestPage_AssignToMeAtOnce(t *testing.T) {
	t.Parallel()
	clk := sunshine.NewFixedClock(now)
	db := storetest.DB(t)
	b := setupStore(t, store.New(db, clk), clk, api.Config{})
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Booking records", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	ana := b.staff("ana@ndlon.example")
	b.login(b.fx.Admin.Email)
	b2 := *b
	b2.cookie, b2.note = nil, nil
	b2.login(ana.Email)

	// Both pages were opened with the request unassigned; the request's
	// row is held so that both posts read it, then wait to change it.
	lock := db.MustBegin()
	defer lock.Rollback() //nolint:errcheck // released below
	lock.MustExec(`SELECT 1 FROM requests WHERE id = $1 FOR UPDATE`, r.ID)
	path := "/requests/" + r.ID
	recs := make(chan *httptest.ResponseRecorder, 2)
	for _, who := range []struct {
		b  *bundle
		id string
	}{{b, b.fx.Admin.ID}, {&b2, ana.ID}} {
		go func() {
			recs <- who.b.post(path+"/assign", url.Values{"assignee_id": {who.id}, "was_assignee_id": {""}})
		}()
	}
	require.Eventually(t, func() bool {
		var waiting int
		err := db.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		return err == nil && waiting >= 2
	}, 10*time.Second, 10*time.Millisecond, "both posts wait for the request")
	require.NoError(t, lock.Rollback())
	got := []*httptest.ResponseRecorder{<-recs, <-recs}
	require.ElementsMatch(t, []int{http.StatusSeeOther, http.StatusConflict}, []int{got[0].Code, got[1].Code}, "one takes it, the other is told")
	after := b.reload(r)
	require.NotNil(t, after.AssigneeID)
	refused := got[0]
	if refused.Code != http.StatusConflict {
		refused = got[1]
	}
	require.Contains(t, html.UnescapeString(body(refused)), "The request was not assigned: someone changed the assignee after you opened the page: the request is assigned to "+
		after.AssigneeShown()+" now.", "told who took it")
	var assigned int
	require.NoError(t, db.Get(&assigned, `SELECT count(*) FROM request_events WHERE request_id = $1 AND data ? 'assignee_id'`, r.ID))
	require.Equal(t, 1, assigned, "assigned once")
}

// A closed request's page leads with how it closed and, for the agency's
// answer, when that came against the due date: what a newsroom counts.
func TestRequestPage_ClosedSaysWhenAnswered(t *testing.T) {
	t.Parallel()
	b, ca, _ := sacramento(t)
	ny := &sunshine.Agency{Name: "NYPD", Jurisdiction: "us-ny"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, ny))
	b.clk.Set(time.Date(2017, 7, 3, 17, 0, 0, 0, time.UTC))
	b.login(b.fx.Admin.Email)
	d := deadline.MustParseDate
	closed := func(agency string, steps func(id string), to sunshine.Status, on string) string {
		r := &sunshine.Request{AgencyID: agency, Title: "Records " + string(to) + " " + on, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: d("2017-03-27")}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
		if steps != nil {
			steps(r.ID)
		}
		_, err := b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: to, EffectiveOn: d(on)})
		require.NoError(t, err)
		return body(b.get("/requests/" + r.ID))
	}
	comm := func(id string, dir sunshine.Direction, kind sunshine.CommKind, on string) {
		_, _, err := b.st.CreateCommunication(b.fx.Ctx, id, sunshine.CommunicationInput{Communication: sunshine.Communication{
			Direction: dir, Channel: "email", Kind: kind, OccurredOn: d(on)}})
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name  string
		page  string
		want  []string
		never string
	}{
		{"denied before the date", closed(ca.ID, nil, sunshine.StatusDenied, "2017-04-03"),
			[]string{"Closed: denied on Mon 3 Apr 2017", "answered by the due date", "(it was due Thu 6 Apr 2017)"}, "days after"},
		{"records after the date", closed(ca.ID, nil, sunshine.StatusFulfilled, "2017-04-10"),
			[]string{"Closed: fulfilled on Mon 10 Apr 2017", "answered 4 days after the due date"}, "answered by"},
		{"withdrawn by us", closed(ca.ID, nil, sunshine.StatusWithdrawn, "2017-04-10"),
			[]string{"Closed: withdrawn on Mon 10 Apr 2017"}, "answered"},
		// FOIL: the acknowledgment answered the statutory date.
		{"acknowledged under FOIL", closed(ny.ID, func(id string) { comm(id, sunshine.DirectionIn, sunshine.KindAcknowledgment, "2017-03-29") },
			sunshine.StatusFulfilled, "2017-06-01"),
			[]string{"Closed: fulfilled on Thu 1 Jun 2017"}, "answered"},
		// The CPRA's date passed while the agency waited for our fee.
		{"the date passed while it waited on us", closed(ca.ID, func(id string) {
			comm(id, sunshine.DirectionIn, sunshine.KindFeeEstimate, "2017-04-04")
			comm(id, sunshine.DirectionOut, sunshine.KindFollowUp, "2017-04-12")
		}, sunshine.StatusFulfilled, "2017-04-20"),
			[]string{"Closed: fulfilled on Thu 20 Apr 2017"}, "answered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, tc.page, `<dl class="facts">`, "a request page")
			due := tc.page[strings.Index(tc.page, `id="due-h"`):strings.Index(tc.page, `<dl class="facts">`)]
			due = strings.Join(strings.Fields(due), " ")
			for _, w := range tc.want {
				require.Contains(t, due, w)
			}
			require.NotContains(t, due, tc.never)
		})
	}
}

// Renaming a request: its timeline says the new title and the one it
// replaced.
func TestRequestPage_TitleChangeInTimeline(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	f := detailsOf(r)
	f.Set("title", "Jail contracts & ICE, 2017")
	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/edit", f), "/requests/"+r.ID)
	require.Contains(t, body(b.get(loc)), "Details changed: title “Jail contracts &amp; ICE, 2017” (was “"+r.Title+"”)")
}
