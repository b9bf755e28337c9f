package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// sendForm is the letter page's form as a person sends it by email: the
// page's own values, with changes.
func sendForm(t *testing.T, page string, change url.Values) url.Values {
	t.Helper()
	form := url.Values{"send": {"1"}, "kind": {"request"}, "to": {inputValue(t, page, "letter-to")}, "from": {inputValue(t, page, "letter-from")},
		"subject": {inputValue(t, page, "letter-subject")}, "body": {textareaValue(t, page, "letter-body")},
		"email_to": {inputValue(t, page, "letter-email-to")}, "copy_sender": {"1"}, "occurred_on": {"2017-04-05"}, "channel": {"email"}}
	for k, v := range change {
		form[k] = v
	}
	return form
}

// claimAndSend stands for the delivery job: it claims the letter emails
// due and records each as accepted by the mail server.
func claimAndSend(t *testing.T, b *bundle) {
	t.Helper()
	claimed, err := b.st.ClaimLetterEmails(b.fx.Ctx, b.clk.Now(), 10, 10*time.Minute)
	require.NoError(t, err)
	require.NotEmpty(t, claimed)
	for _, c := range claimed {
		_, err := b.st.MarkLetterEmailSent(b.fx.Ctx, c, b.clk.Now(), nil)
		require.NoError(t, err)
	}
}

// The letter page sends the letter as edited to the agency's address: the
// request page says it is on its way, with Cancel; once the mail server
// takes it, it is the request we sent, and the draft is submitted.
func TestLetterPage_SendByEmail(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	draft := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, draft))

	page := body(b.get("/requests/" + draft.ID + "/letter"))
	require.Contains(t, page, "<legend>Or send it by email from Sunshine</legend>")
	require.Equal(t, "records@sheriff.example", inputValue(t, page, "letter-email-to"), "the agency's address")
	require.Contains(t, page, `name="copy_sender" value="1" checked`)
	require.Contains(t, page, `name="submit" value="1" checked`)
	require.Contains(t, page, "Submit the request once it is sent: its clock starts, received the day it goes")
	require.Contains(t, page, `formaction="/requests/`+draft.ID+`/letter/send" name="send" value="1">Send by email</button>`)

	edited := textareaValue(t, page, "letter-body") + "\nP.S. Electronic copies, please."
	rec := b.post("/requests/"+draft.ID+"/letter/send", sendForm(t, page, url.Values{"body": {strings.ReplaceAll(edited, "\n", "\r\n")},
		"cc": {"legal@ndlon.example, press@ndlon.example"}, "submit": {"1"}}))
	requireRedirect(t, rec, "/requests/"+draft.ID)
	rp := html.UnescapeString(body(b.get("/requests/" + draft.ID)))
	require.Contains(t, rp, "The request letter to records@sheriff.example is on its way: the request is submitted once the mail server takes it.")
	require.Contains(t, rp, "<strong>Sending</strong> the request letter to records@sheriff.example, since 08:00 Wed 5 Apr. It is logged here once the mail server takes it.")
	require.Contains(t, rp, "Cancel sending</button>")
	list, err := b.st.FindLetterEmails(b.fx.Ctx, draft.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, edited, list[0].Body, "the letter as edited, its line breaks as typed")
	require.Equal(t, []string{"legal@ndlon.example", "press@ndlon.example"}, list[0].Cc)
	require.True(t, list[0].CopySender)
	require.True(t, list[0].Submit)

	// A second click while it is on its way sends nothing more.
	rec = b.post("/requests/"+draft.ID+"/letter/send", sendForm(t, page, url.Values{"submit": {"1"}}))
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, html.UnescapeString(body(rec)), "the request letter to records@sheriff.example is already on its way (since 08:00 Wed 5 Apr): wait for it, or cancel it first")

	claimAndSend(t, b)
	rp = html.UnescapeString(body(b.get("/requests/" + draft.ID)))
	require.NotContains(t, rp, "letter-email-")
	require.Contains(t, rp, "Sent by email from Sunshine to records@sheriff.example — "+b.fx.Admin.Name)
	require.Contains(t, rp, "P.S. Electronic copies, please.")
	got, err := b.st.FindRequestByID(b.fx.Ctx, draft.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusSubmitted, got.Status)
	require.Equal(t, "2017-04-05", got.ReceivedOn.String())
}

// A letter that cannot be sent comes back with every problem named, the
// letter as typed, and nothing sent.
func TestLetterPage_SendRefused(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID + "/letter?kind=follow_up"))
	require.NotContains(t, page, `name="submit"`, "a follow-up submits nothing")
	rec := b.post("/requests/"+r.ID+"/letter/send", sendForm(t, page, url.Values{"kind": {"follow_up"}, "email_to": {""},
		"cc": {"legal@"}, "subject": {""}, "body": {"Where are the records?"}}))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	got := html.UnescapeString(body(rec))
	require.Contains(t, got, "The letter was not sent.")
	for _, want := range []string{
		"Email to is required: the agency's email address",
		`Copy to: "legal@" is not an email address`,
		"Subject is required: agencies sort their email by it",
	} {
		require.Contains(t, got, want)
	}
	require.Contains(t, got, "Where are the records?</textarea>")
	list, err := b.st.FindLetterEmails(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Empty(t, list)
}

// A letter the mail server refused for good says why at the top of the
// request and in its timeline; it can be sent again or cancelled.
func TestRequestPage_LetterNotSent(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	e, err := b.st.QueueLetterEmail(b.fx.Ctx, r.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp,
		To: "records@sheriff.example", Subject: "Follow-up", Body: "Where are the records?"})
	require.NoError(t, err)
	fail := func(final bool) {
		claimed, err := b.st.ClaimLetterEmails(b.fx.Ctx, b.clk.Now(), 10, 10*time.Minute)
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		require.NoError(t, b.st.MarkLetterEmailFailed(b.fx.Ctx, claimed[0], "550 5.1.1 <records@sheriff.example>: no such user",
			b.clk.Now().Add(2*time.Minute), final))
	}
	fail(false)
	rp := html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "The mail server has not taken it yet (“550 5.1.1 <records@sheriff.example>: no such user”): trying again at 08:02 Wed 5 Apr.")

	b.clk.Set(b.clk.Now().Add(2 * time.Minute))
	fail(true)
	rp = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "<strong>Not sent:</strong> the follow-up letter to records@sheriff.example. The mail server refused it: “550 5.1.1 <records@sheriff.example>: no such user”.")
	require.Contains(t, rp, "Not sent: the follow-up letter to records@sheriff.example; the mail server refused it (550 5.1.1 <records@sheriff.example>: no such user)", "in the timeline")
	require.Contains(t, rp, `<form method="post" action="/letter_emails/`+e.ID+`/retry" class="inline resend">`)
	require.Equal(t, "records@sheriff.example", inputValue(t, rp, "resend-"+e.ID), "to the same address unless corrected")
	dash := html.UnescapeString(body(b.get("/")))
	require.Contains(t, dash, "<strong>1 letter to an agency did not reach it by email.</strong>")
	require.Contains(t, dash, `<a href="/requests/`+r.ID+`#letter-email-`+e.ID+`">Communications with immigration authorities</a> (Sacramento County Sheriff's Department): the follow-up letter to records@sheriff.example not sent <span class="hint">· “550 5.1.1 <records@sheriff.example>: no such user”</span>`)

	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/retry", nil), "/requests/"+r.ID)
	rp = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "Sending the follow-up letter to records@sheriff.example again.")
	require.Contains(t, rp, "<strong>Sending</strong> the follow-up letter to records@sheriff.example, since 08:00 Wed 5 Apr. It is logged here once the mail server takes it.")

	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/cancel", nil), "/requests/"+r.ID)
	rp = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "Cancelled the follow-up letter to records@sheriff.example: it was not sent.")
	require.NotContains(t, body(b.get("/")), "letters-not-sent", "cancelled: no longer on the dashboard")
	require.NotContains(t, rp, "letter-email-"+e.ID)
	got, err := b.st.FindLetterEmail(b.fx.Ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.LetterEmailCancelled, got.Status)

	// Cancelled: nothing to send again, and the page says so.
	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/retry", nil), "/requests/"+r.ID)
	require.Contains(t, html.UnescapeString(body(b.get("/requests/"+r.ID))), "the follow-up letter to records@sheriff.example is cancelled: only one the mail server refused or returned is sent again")
}

// Past the organization's hourly limit the letter page comes back (429)
// saying when the next letter fits, the letter as typed, nothing sent.
func TestLetterPage_SendTooMany(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	b.st.LettersPerHour = 1
	_, err := b.st.QueueLetterEmail(b.fx.Ctx, r.ID, sunshine.LetterEmailInput{Kind: sunshine.LetterRequest,
		To: "records@sheriff.example", Subject: "CPRA", Body: "Please send"})
	require.NoError(t, err)
	page := body(b.get("/requests/" + r.ID + "/letter?kind=follow_up"))
	rec := b.post("/requests/"+r.ID+"/letter/send", sendForm(t, page, url.Values{"kind": {"follow_up"}, "body": {"Where are the records?"}}))
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	got := html.UnescapeString(body(rec))
	require.Contains(t, got, "your organization has sent 1 letter by email in the last hour, and may send 1 an hour: send this one in 60 minutes")
	require.Contains(t, got, "Where are the records?</textarea>")
	list, err := b.st.FindLetterEmails(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, list, 1, "only the first")
}

// The letter page offers the request's documents to attach (not the
// bounces of its letters); one of another request is refused, the page
// keeping what was ticked; those ticked go with the letter.
func TestLetterPage_SendWithAttachments(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	upload := func(r *sunshine.Request, name string) *sunshine.Document {
		d, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: r.ID, Filename: name, ContentType: "application/pdf",
			Content: strings.NewReader("%PDF-1.4 " + name)})
		require.NoError(t, err)
		return d
	}
	other := &sunshine.Request{AgencyID: a.ID, Title: "Booking logs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	signed, theirs := upload(r, "Follow-up, signed.pdf"), upload(other, "theirs.pdf")

	page := html.UnescapeString(body(b.get("/requests/" + r.ID + "/letter?kind=follow_up")))
	require.Contains(t, page, "Attach <span class=\"hint\">(optional: documents of this request, at most 10, 7.0 MiB together)</span>")
	require.Contains(t, page, `<input type="checkbox" id="attach-`+signed.ID+`" name="attachment_ids" value="`+signed.ID+`" >`)
	require.NotContains(t, page, theirs.ID)

	form := sendForm(t, page, url.Values{"kind": {"follow_up"}, "attachment_ids": {signed.ID, theirs.ID}})
	rec := b.post("/requests/"+r.ID+"/letter/send", form)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	got := html.UnescapeString(body(rec))
	require.Contains(t, got, "Attach: "+theirs.ID+" is not a document of this request")
	require.Contains(t, got, `name="attachment_ids" value="`+signed.ID+`" checked>`, "as ticked")

	form["attachment_ids"] = []string{signed.ID}
	requireRedirect(t, b.post("/requests/"+r.ID+"/letter/send", form), "/requests/"+r.ID)
	rp := html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "The follow-up letter to records@sheriff.example with 1 attachment is on its way.")
	require.Contains(t, rp, "<strong>Sending</strong> the follow-up letter to records@sheriff.example with 1 attachment, since")
	list, err := b.st.FindLetterEmails(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, []string{signed.ID}, list[0].AttachmentIDs)
}

// A letter that bounced after it went says so at the top of the request,
// in its timeline and on the dashboard; sent again to a corrected address,
// that address may become the agency's email. A request letter's bounce
// says the deadline still counts from the day it went. An address that is
// none is refused, and nothing changes.
func TestRequestPage_LetterBounced(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	sent := func(r *sunshine.Request, in sunshine.LetterEmailInput) *sunshine.LetterEmail {
		t.Helper()
		e, err := b.st.QueueLetterEmail(b.fx.Ctx, r.ID, in)
		require.NoError(t, err)
		claimed, err := b.st.ClaimLetterEmails(b.fx.Ctx, b.clk.Now(), 10, 10*time.Minute)
		require.NoError(t, err)
		for _, c := range claimed {
			if c.ID == e.ID {
				_, err = b.st.MarkLetterEmailSent(b.fx.Ctx, c, b.clk.Now(), nil)
				require.NoError(t, err)
				return e
			}
		}
		t.Fatalf("letter %s not claimed", e.ID)
		return nil
	}
	bounce := func(r *sunshine.Request, e *sunshine.LetterEmail, failed string) {
		t.Helper()
		_, err := b.st.ReceiveEmail(b.fx.Ctx, []string{r.ReplyToken}, "MAILER-DAEMON@mail.sunshine.example", "Undelivered Mail Returned to Sender",
			storetest.Bounce(r.ReplyToken, "letter-"+e.ID+"@sunshine.example", failed, "", b.clk.Now()))
		require.NoError(t, err)
	}
	e := sent(r, sunshine.LetterEmailInput{Kind: sunshine.LetterFollowUp, To: "records@sheriff.example", Cc: []string{"legal@ndlon.example"},
		Subject: "Follow-up", Body: "Where are the records?"})
	bounce(r, e, "legal@ndlon.example")
	bounce(r, e, "records@sheriff.example")

	rp := html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "<strong>Bounced:</strong> the follow-up letter to records@sheriff.example. It went on Wed 5 Apr, but a mail server returned it undelivered: “550 5.1.1 <records@sheriff.example>: Recipient address rejected: User unknown” (<a")
	require.Contains(t, rp, ">the report</a>). The agency did not get it. Check the address")
	require.NotContains(t, rp, `name="redate"`, "a follow-up moves no date")
	require.NotContains(t, rp, "The deadline counts from", "a follow-up starts no clock")
	require.Contains(t, rp, "Bounced: the follow-up letter to records@sheriff.example was returned undelivered to legal@ndlon.example (550 5.1.1 <legal@ndlon.example>", "a copy's bounce, in the timeline")
	require.Contains(t, rp, "Bounced: the follow-up letter to records@sheriff.example was returned undelivered (550 5.1.1 <records@sheriff.example>")
	require.NotContains(t, rp, `id="to-log"`, "a bounce is no email to log")
	require.Contains(t, rp, `<input type="checkbox" name="save_email" value="1" checked> Save a new address as Sacramento County Sheriff's Department's email`)
	require.Contains(t, html.UnescapeString(body(b.get("/"))), "the follow-up letter to records@sheriff.example bounced <span class=\"hint\">")

	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/retry", url.Values{"to": {"records at sheriff"}, "save_email": {"1"}}), "/requests/"+r.ID)
	rp = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "to: must be one email address")
	require.Contains(t, rp, "<strong>Bounced:</strong> the follow-up letter", "unchanged")

	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/retry", url.Values{"to": {" pra@sheriff.example "}, "save_email": {"1"}}), "/requests/"+r.ID)
	rp = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, rp, "Sending the follow-up letter to pra@sheriff.example again. pra@sheriff.example is now Sacramento County Sheriff's Department's email.")
	agency, err := b.st.FindAgencyByID(b.fx.Ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "pra@sheriff.example", agency.Email)

	// Sent and bounced again, it is cancelled: not sent again.
	claimAndSend(t, b)
	bounce(r, e, "pra@sheriff.example")
	requireRedirect(t, b.post("/letter_emails/"+e.ID+"/cancel", nil), "/requests/"+r.ID)
	require.Contains(t, html.UnescapeString(body(b.get("/requests/"+r.ID))), "Cancelled the follow-up letter to pra@sheriff.example: it is not sent again.")

	// A request letter emailed to submit a draft: its clock counts from
	// the day it went until staff, having read the report, send it again
	// saying the agency never got it.
	draft := &sunshine.Request{AgencyID: a.ID, Title: "Booking logs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, draft))
	first := sent(draft, sunshine.LetterEmailInput{Kind: sunshine.LetterRequest, To: "pra@sheriff.example", Subject: "CPRA request", Body: "Please send", Submit: true})
	bounce(draft, first, "pra@sheriff.example")
	rp = html.UnescapeString(body(b.get("/requests/" + draft.ID)))
	require.Contains(t, rp, "The agency did not get it. The deadline still counts from Wed 5 Apr.")
	got, err := b.st.FindLetterEmail(b.fx.Ctx, first.ID)
	require.NoError(t, err)
	require.Contains(t, rp, `(<a href="/documents/`+*got.BounceDocumentID+`/download" download>the report</a>)`)
	require.Contains(t, rp, `<input type="checkbox" name="redate" value="1"> The agency never got it: count the deadline from this sending`)

	b.clk.Set(b.clk.Now().Add(5 * 24 * time.Hour))
	requireRedirect(t, b.post("/letter_emails/"+first.ID+"/retry", url.Values{"to": {"pra@sheriff.example"}, "redate": {"1"}}), "/requests/"+draft.ID)
	require.Contains(t, html.UnescapeString(body(b.get("/requests/"+draft.ID))),
		"Sending the request letter to pra@sheriff.example again. The request is received the day it goes, and its deadline counts from then.")
	claimAndSend(t, b)
	moved, err := b.st.FindRequestByID(b.fx.Ctx, draft.ID)
	require.NoError(t, err)
	require.Equal(t, "2017-04-10", moved.ReceivedOn.String())
}

// For requests filed together, one page emails each agency chosen its own
// request letter, as its page drafts it: those with an address and never
// sent are chosen at first; an agency with no address cannot be; the
// drafts are submitted once sent. Sending again offers none of them.
func TestGroupLetters_SendEach(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	withEmail := &sunshine.Agency{Name: "Yolo County Sheriff", Jurisdiction: "us-ca", RecordsContact: "Records", Email: "records@yolo.example"}
	noEmail := &sunshine.Agency{Name: "Sutter County Sheriff", Jurisdiction: "us-ca"}
	for _, a := range []*sunshine.Agency{withEmail, noEmail} {
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	}
	copies, err := b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: []string{withEmail.ID, noEmail.ID}})
	require.NoError(t, err)
	require.Len(t, copies, 2)
	yolo, sutter := copies[0], copies[1]
	if yolo.AgencyID != withEmail.ID {
		yolo, sutter = sutter, yolo
	}
	// A third agency answered already: closed, not chosen at first.
	closedAgency := &sunshine.Agency{Name: "Placer County Sheriff", Jurisdiction: "us-ca", Email: "records@placer.example"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, closedAgency))
	more, err := b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: []string{closedAgency.ID}, ReceivedOn: r.ReceivedOn})
	require.NoError(t, err)
	placer := more[0]
	_, err = b.st.TransitionRequest(b.fx.Ctx, placer.ID, sunshine.TransitionInput{To: sunshine.StatusNoRecords, EffectiveOn: r.ReceivedOn})
	require.NoError(t, err)
	// The original's request letter was logged as sent already.
	_, _, err = b.st.CreateCommunication(b.fx.Ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionOut, Channel: "email", Kind: sunshine.KindRequest, OccurredOn: r.ReceivedOn, Body: "The request."}})
	require.NoError(t, err)

	require.Contains(t, body(b.get("/requests/"+r.ID)), `<a href="/requests/`+r.ID+`/letters/send">Email each agency its letter</a>`)
	page := html.UnescapeString(body(b.get("/requests/" + r.ID + "/letters/send")))
	require.Contains(t, page, `name="id" value="`+yolo.ID+`" checked >`, "an address, never sent: chosen")
	require.Contains(t, page, `name="id" value="`+r.ID+`"  >`, "sent already: not chosen")
	require.Contains(t, page, `name="id" value="`+sutter.ID+`"  disabled>`, "no address: cannot be")
	require.Contains(t, page, `name="id" value="`+placer.ID+`"  >`, "closed: not chosen")
	require.Contains(t, page, "a request letter was sent on Mon 27 Mar 2017")
	require.Contains(t, page, "no email address: ")

	// Sutter, posted anyway, has no address: nothing is sent.
	rec := b.post("/requests/"+r.ID+"/letters/send", url.Values{"id": {yolo.ID, sutter.ID}, "copy_sender": {"1"}, "submit": {"1"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, html.UnescapeString(body(rec)), "Sutter County Sheriff has no email address: add it on the agency's page, or leave it out")
	list, err := b.st.FindLetterEmails(b.fx.Ctx, yolo.ID)
	require.NoError(t, err)
	require.Empty(t, list)

	requireRedirect(t, b.post("/requests/"+r.ID+"/letters/send", url.Values{"id": {yolo.ID}, "copy_sender": {"1"}, "submit": {"1"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "1 request letter is on its way. Each is logged with its request once the mail server takes it.")
	list, err = b.st.FindLetterEmails(b.fx.Ctx, yolo.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	got := list[0]
	require.Equal(t, "records@yolo.example", got.To)
	require.True(t, got.Submit, "a draft: submitted once sent")
	require.True(t, strings.HasPrefix(got.Body, "April 5, 2017\n\nRecords\nYolo County Sheriff\nrecords@yolo.example\n"), got.Body)
	require.Equal(t, "California Public Records Act request: Communications with immigration authorities", got.Subject)

	page = html.UnescapeString(body(b.get("/requests/" + r.ID + "/letters/send")))
	require.Contains(t, page, `name="id" value="`+yolo.ID+`"  disabled>`, "on its way: not again")
	require.Contains(t, page, "its letter is on its way")
	rec = b.post("/requests/"+r.ID+"/letters/send", url.Values{"id": {yolo.ID}})
	require.Equal(t, http.StatusConflict, rec.Code, "posted anyway: refused, naming it")
	require.Contains(t, html.UnescapeString(body(rec)), "No letter was sent: for Yolo County Sheriff (Communications with immigration authorities): the request letter to records@yolo.example is already on its way")
}

// Sent to an agency that had no address, the letter's address becomes its
// email (the page offers it, ticked); an agency with one is not offered it.
func TestLetterPage_SendSavesAgencyEmail(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	require.NotContains(t, body(b.get("/requests/"+r.ID+"/letter")), `name="save_email"`, "it has an address")

	none := &sunshine.Agency{Name: "Yolo County Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, none))
	yolo := &sunshine.Request{AgencyID: none.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: r.ReceivedOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, yolo))
	page := body(b.get("/requests/" + yolo.ID + "/letter"))
	require.Contains(t, page, `name="save_email" value="1" checked>`)
	require.Empty(t, inputValue(t, page, "letter-email-to"))
	rec := b.post("/requests/"+yolo.ID+"/letter/send", sendForm(t, page, url.Values{"email_to": {"records@yolo.example"}, "save_email": {"1"}}))
	requireRedirect(t, rec, "/requests/"+yolo.ID)
	require.Contains(t, body(b.get("/requests/"+yolo.ID)), "records@yolo.example is now Yolo County Sheriff&#39;s email.")
	got, err := b.st.FindAgencyByID(b.fx.Ctx, none.ID)
	require.NoError(t, err)
	require.Equal(t, "records@yolo.example", got.Email)
	kept, err := b.st.FindAgencyByID(b.fx.Ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "records@sheriff.example", kept.Email, "another agency unchanged")
}

// The group's page past the hourly limit comes back (429) saying why, and
// nothing is sent to any agency.
func TestGroupLetters_TooMany(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	b.st.LettersPerHour = 1
	var ids []string
	for _, name := range []string{"Yolo County Sheriff", "Placer County Sheriff"} {
		a := &sunshine.Agency{Name: name, Jurisdiction: "us-ca", Email: "records@" + strings.Fields(name)[0] + ".example"}
		require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
		copies, err := b.st.FileCopies(b.fx.Ctx, r.ID, sunshine.CopyInput{AgencyIDs: []string{a.ID}})
		require.NoError(t, err)
		ids = append(ids, copies[0].ID)
	}
	rec := b.post("/requests/"+r.ID+"/letters/send", url.Values{"id": ids, "copy_sender": {"1"}})
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	require.Contains(t, html.UnescapeString(body(rec)), "2 letters at once are more than the 1 an hour your organization may send by email: send them in parts")
	for _, id := range ids {
		list, err := b.st.FindLetterEmails(b.fx.Ctx, id)
		require.NoError(t, err)
		require.Empty(t, list)
	}
}
