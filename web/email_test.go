package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/textract"
)

// releasePDF is a one-page PDF of released records containing word.
func releasePDF(t *testing.T, word string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 11)
	pdf.Cell(0, 10, "Detainer requests: operation "+word)
	var buf bytes.Buffer
	require.NoError(t, pdf.Output(&buf))
	return buf.Bytes()
}

// releaseEmail is the Sheriff's release by email, sent at 23:30 on
// Tuesday 28 March 2017 in California (Wednesday 29 March in UTC): a text
// body, the PDF attached, the office's logo inline in the signature.
func releaseEmail(pdf []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString
	return []byte(strings.ReplaceAll(`From: "Records Unit" <records@sheriff.example>
To: foia@ndlon.example
Subject: CPRA request R-2017-0042: records release
Date: Tue, 28 Mar 2017 23:30:00 -0700
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/plain; charset=utf-8

Please find the responsive records attached.
--rel
Content-Type: image/png
Content-Disposition: inline; filename="logo.png"
Content-Transfer-Encoding: base64

`+b64([]byte("\x89PNG\r\n\x1a\n0000"))+`
--rel--
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename="detainers.pdf"
Content-Transfer-Encoding: base64

`+b64(pdf)+`
--outer--
`, "\n", "\r\n"))
}

// The three steps: the .eml uploaded, the log form filled from it, the
// communication logged with the email and its attachment as documents.
func TestLogFromEmail(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	eml := releaseEmail(releasePDF(t, "Nightingale"))

	// 1. The file is stored, attached to nothing yet, and the page opens
	// with the form filled from it.
	loc := requireRedirect(t, b.upload("/requests/"+r.ID+"/communications/email", nil, map[string][]byte{"release.eml": eml}, ""),
		"/requests/"+r.ID+"?email=")
	require.True(t, strings.HasSuffix(loc, "#log"), loc)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	emlID := u.Query().Get("email")
	doc, err := b.st.FindDocumentByID(b.fx.Ctx, emlID)
	require.NoError(t, err)
	require.Equal(t, "message/rfc822", doc.ContentType)
	require.Nil(t, doc.CommunicationID)
	require.Equal(t, sunshine.TextExtracted, doc.TextStatus, "searchable as any upload")

	// 2. The form: by email, from the agency, on the agency's day (28
	// March in Sacramento, though 29 in UTC); the kind left to choose. (A
	// browser keeps the fragment to itself.)
	rec := b.get(u.RequestURI())
	require.Equal(t, http.StatusOK, rec.Code)
	page := body(rec)
	require.Contains(t, page, `<details class="panel" id="log" open>`)
	require.Contains(t, page, "Read from release.eml. Choose what the message is, check the fields, and log it: the email and its 1 attachment (detainers.pdf) will be attached to it.")
	require.Contains(t, page, `<input type="hidden" name="email_document_id" value="`+emlID+`">`)
	require.Contains(t, page, `name="occurred_on" value="2017-03-28"`)
	require.Contains(t, page, `name="direction" value="in" required checked>`)
	require.Contains(t, page, `name="from" value="&#34;Records Unit&#34; &lt;records@sheriff.example&gt;"`)
	require.Contains(t, page, `name="subject" value="CPRA request R-2017-0042: records release"`)
	require.Contains(t, page, ">Please find the responsive records attached.</textarea>")
	require.Contains(t, page, `<option value="" selected>choose…</option>`, "no kind chosen for the person")
	require.Contains(t, page, `<option value="email" selected>`)
	form := url.Values{"email_document_id": {emlID}, "direction": {"in"}, "channel": {"email"}, "occurred_on": {"2017-03-28"},
		"from": {`"Records Unit" <records@sheriff.example>`}, "to": {"foia@ndlon.example"},
		"subject": {"CPRA request R-2017-0042: records release"}, "body": {"Please find the responsive records attached."}}

	// A mistake (no kind): the form comes back still logging the email,
	// nothing attached yet.
	rec = b.post("/requests/"+r.ID+"/communications", form)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, `<input type="hidden" name="email_document_id" value="`+emlID+`">`)
	require.Contains(t, page, "Read from release.eml.")
	require.Contains(t, page, `<details class="panel" id="log" open>`)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)

	// 3. Logged: the email and the PDF are the communication's documents,
	// the PDF's text searchable.
	form.Set("kind", "records_release")
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/communications", form), "/requests/"+r.ID)
	page = body(b.get(loc))
	require.Contains(t, page, "Logged the records release of Tue 28 Mar 2017. Attached the email, release.eml, and its attachments: detainers.pdf.")
	comms, err := b.st.FindCommunicationsBrief(b.fx.Ctx, r.ID, 100)
	require.NoError(t, err)
	require.Len(t, comms, 1)
	require.Equal(t, "2017-03-28", comms[0].OccurredOn.String())
	docs, _, err = b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	got := map[string]string{}
	for _, d := range docs {
		require.NotNil(t, d.CommunicationID, d.Filename)
		require.Equal(t, comms[0].ID, *d.CommunicationID, d.Filename)
		got[d.Filename] = d.ContentType + ", " + d.TextStatus
	}
	require.Equal(t, map[string]string{"release.eml": "message/rfc822, extracted", "detainers.pdf": "application/pdf, extracted"}, got,
		"the email and its PDF, not the logo")
	require.NotContains(t, page, "Log it as a communication")
	search := body(b.get("/search?q=Nightingale"))
	require.Contains(t, search, r.Title)

	// The email is logged: the link to it fills nothing, and says why.
	rec = b.get("/requests/" + r.ID + "?email=" + emlID)
	require.Equal(t, http.StatusOK, rec.Code)
	page = body(rec)
	require.Contains(t, page, "The email could not be used to fill the form: release.eml is attached to a communication already: it was logged.")
	require.NotContains(t, page, `name="email_document_id"`)
}

func TestLogFromEmail_Refused(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)

	// Files that are not emails: nothing stored, the file field says why.
	deep := "From: a@example.gov\r\n"
	for i := range 20 {
		deep += fmt.Sprintf("Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	files := []struct{ name, content, message string }{
		{"notes.txt", "From the agency: records by Friday.", "notes.txt is not an email saved as a file (.eml, or .msg from Outlook)"},
		{"fake.eml", "just some words", "fake.eml is not an email saved as a file (.eml, or .msg from Outlook)"},
		{"deep.eml", deep, "deep.eml could not be read as an email: its parts nest more than 12 deep"},
		{"letter.msg", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 600), "letter.msg could not be read as an email: not an Outlook message"},
	}
	for _, f := range files {
		rec := b.upload("/requests/"+r.ID+"/communications/email", nil, map[string][]byte{f.name: []byte(f.content)}, "")
		require.Equal(t, http.StatusBadRequest, rec.Code, f.name)
		page := html.UnescapeString(body(rec))
		require.Contains(t, page, "The email was not read. Please correct:", f.name)
		require.Contains(t, page, f.message, f.name)
		require.Contains(t, page, `aria-invalid="true"`, f.name)
	}
	rec := b.upload("/requests/"+r.ID+"/communications/email", nil, nil, "")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), "choose the email file (.eml) to read")
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Empty(t, docs)

	// Links that fill nothing: the page says so, the form is empty.
	other := &sunshine.Request{AgencyID: a.ID, Title: "Another", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: r.ReceivedOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	eml := releaseEmail([]byte("%PDF-1.4"))
	othersDoc, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: other.ID, Filename: "x.eml", ContentType: "message/rfc822", Content: bytes.NewReader(eml)})
	require.NoError(t, err)
	pdf, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: "x.pdf", ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4")})
	require.NoError(t, err)
	for _, tc := range []struct{ name, id, message string }{
		{"unknown", "00000000-0000-0000-0000-000000000000", "no such document on this request (it may have been removed)"},
		{"malformed", "x", "no such document on this request (it may have been removed)"},
		{"another request's", othersDoc.ID, "no such document on this request (it may have been removed)"},
		{"not an email", pdf.ID, "x.pdf is not an e-mail message (.eml or .msg)"},
	} {
		rec := b.get("/requests/" + r.ID + "?email=" + tc.id)
		require.Equal(t, http.StatusOK, rec.Code, tc.name)
		page := body(rec)
		require.Contains(t, page, "The email could not be used to fill the form: "+tc.message+".", tc.name)
		require.NotContains(t, page, `name="email_document_id"`, tc.name)
		require.Contains(t, page, `<details class="panel" id="log" open>`, tc.name)
	}
}

// An .eml uploaded with the other documents can be logged from the list.
func TestRequestPage_EmailDocumentLoggable(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	requireRedirect(t, b.upload("/requests/"+r.ID+"/documents", nil, map[string][]byte{"reply.eml": releaseEmail([]byte("%PDF-1.4"))}, ""), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<a href="/requests/`+r.ID+`?email=`+docs[0].ID+`#log">Log it as a communication<span class="visually-hidden"> (reply.eml)</span></a>`)
	require.Contains(t, body(b.get("/requests/"+r.ID+"?email="+docs[0].ID)), "Read from reply.eml.")
}

// An email dragged out of Outlook (.msg) is logged as an .eml is: the form
// filled from it (sent 23:30 UTC on 5 April, 16:30 that day in
// Sacramento), the message and its attachment the communication's
// documents.
func TestLogFromEmail_OutlookMessage(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	msg, err := os.ReadFile("../textract/testdata/agency-reply.msg")
	require.NoError(t, err)
	loc := requireRedirect(t, b.upload("/requests/"+r.ID+"/communications/email", nil, map[string][]byte{"RE records.msg": msg}, ""),
		"/requests/"+r.ID+"?email=")
	u, err := url.Parse(loc)
	require.NoError(t, err)
	msgID := u.Query().Get("email")
	page := body(b.get(u.RequestURI()))
	require.Contains(t, page, "Read from RE records.msg.")
	require.Contains(t, page, "its 1 attachment (Detainer log 2016.csv)")
	require.Contains(t, page, `name="occurred_on" value="2017-04-05"`)
	require.Contains(t, page, `name="from" value="Records Unit, Sacramento County Sheriff &lt;records@sacsheriff.example&gt;"`)
	require.Contains(t, page, `name="subject" value="RE: CPRA request R-2017-118 — records of ICE detainers"`)
	require.Contains(t, page, "The department needs 14 more days to review the quokka detainer logs")

	form := url.Values{"email_document_id": {msgID}, "direction": {"in"}, "channel": {"email"}, "occurred_on": {"2017-04-05"},
		"kind": {"extension_notice"}, "subject": {"RE: CPRA request R-2017-118"}}
	requireRedirect(t, b.post("/requests/"+r.ID+"/communications", form), "/requests/"+r.ID)
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, r.ID, store.All, "")
	require.NoError(t, err)
	got := map[string]string{}
	for _, d := range docs {
		require.NotNil(t, d.CommunicationID, d.Filename)
		got[d.Filename] = d.ContentType + ", " + d.TextStatus
	}
	require.Equal(t, map[string]string{"RE records.msg": textract.MSG + ", extracted", "Detainer log 2016.csv": "text/csv; charset=utf-8, extracted"}, got)
}
