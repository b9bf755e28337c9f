package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/deadline"
)

// With an inbound domain, a request's page and its letters give its reply
// address; an email to it shows in the timeline and the documents with a
// link to log it. Without one, no page mentions a reply address.
func TestRequestPage_ReplyAddress(t *testing.T) {
	t.Parallel()
	b := setupWith(t, api.Config{InboundDomain: "replies.ndlon.example"})
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Communications with ICE", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	b.login(b.fx.Admin.Email)
	addr := "request-" + r.ReplyToken + "@replies.ndlon.example"

	page := html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, page, `<dt>Reply address</dt><dd><span id="reply-address">`+addr+`</span>`)
	letter := html.UnescapeString(body(b.get("/requests/" + r.ID + "/letter")))
	require.Contains(t, letter, `Reply-To: <strong id="reply-address">`+addr+`</strong>`)
	require.Contains(t, letter, "please provide the records in electronic form, by email to "+addr+".")
	require.NotContains(t, letter, "Open in your email program", "the agency has no email address")
	email := "records@sheriff.example"
	_, err := b.st.UpdateAgency(b.fx.Ctx, a.ID, sunshine.AgencyUpdate{Email: &email})
	require.NoError(t, err)
	letter = html.UnescapeString(body(b.get("/requests/" + r.ID + "/letter")))
	require.Contains(t, letter, `href="mailto:records%40sheriff.example?cc=request-`+r.ReplyToken+`%40replies.ndlon.example&subject=California%20Public%20Records%20Act%20request%3A%20Communications%20with%20ICE&body=`)
	require.Contains(t, letter, "2017%0D%0A%0D%0ASacramento", "lines end in CRLF")
	require.Contains(t, letter, "with "+addr+" in copy so that the agency's answer comes back here")
	followUp := html.UnescapeString(body(b.get("/requests/" + r.ID + "/letter?kind=follow_up")))
	require.Contains(t, followUp, "Please send your response to "+addr+".")

	raw := "From: Records Unit <records@sheriff.example>\r\nTo: " + addr + "\r\nSubject: Your request\r\n\r\nWe need 14 more days.\r\n"
	got, err := b.st.ReceiveEmail(b.fx.Ctx, []string{r.ReplyToken}, "Records Unit <records@sheriff.example>", "Your request", []byte(raw))
	require.NoError(t, err)
	doc := got[0].Document
	page = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	logIt := `<a href="/requests/` + r.ID + `?email=` + doc.ID + `#log">Log it as a communication`
	require.Contains(t, page, "Email received from Records Unit <records@sheriff.example> · "+logIt, "in the timeline")
	require.Contains(t, page, "emailed to the reply address by Records Unit <records@sheriff.example></a></span> · "+logIt, "in the documents")
	require.Contains(t, page, `An email to the reply address is not logged yet:
  <a href="/requests/`+r.ID+`?email=`+doc.ID+`#log">Your request.eml</a> from Records Unit <records@sheriff.example>.`, "at the top")
	form := html.UnescapeString(body(b.get("/requests/" + r.ID + "?email=" + doc.ID)))
	require.Contains(t, form, "We need 14 more days.", "the log form is filled from it")
	dash := html.UnescapeString(body(b.get("/")))
	require.Contains(t, dash, `Emails to log <span class="count">(1)</span>`)
	require.Contains(t, dash, `<a href="/requests/`+r.ID+`?email=`+doc.ID+`#log">Your request.eml</a> from Records Unit <records@sheriff.example>, Wed 5 Apr 2017 <span class="hint">· Communications with ICE (Sacramento County Sheriff's Department) · unassigned</span>`)

	// Logged, it is no longer to log.
	rec := b.post("/requests/"+r.ID+"/communications", url.Values{"email_document_id": {doc.ID}, "direction": {"in"}, "channel": {"email"},
		"kind": {"extension_notice"}, "occurred_on": {"2017-04-05"}, "body": {"We need 14 more days."}})
	requireRedirect(t, rec, "/requests/"+r.ID)
	require.NotContains(t, body(b.get("/")), "Emails to log")
	require.NotContains(t, body(b.get("/requests/"+r.ID)), "?email="+doc.ID+"#log")
	require.NotContains(t, body(b.get("/requests/"+r.ID)), "not logged yet")

	plain := setup(t)
	pr := &sunshine.Request{AgencyID: plain.dashAgency(plain.fx.Ctx, "Sheriff", "us-ca").ID, Title: "Plain", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, plain.st.CreateRequest(plain.fx.Ctx, pr))
	plain.login(plain.fx.Admin.Email)
	for _, path := range []string{"/requests/" + pr.ID, "/requests/" + pr.ID + "/letter"} {
		rec := plain.get(path)
		require.Equal(t, http.StatusOK, rec.Code)
		require.False(t, strings.Contains(body(rec), "reply-address") || strings.Contains(body(rec), "request-"+pr.ReplyToken), path)
	}
}

// The staff pages share the API's engine: their middleware lets a mail
// service's post to /inbound/email through (no session, no browser).
func TestInboundEmail_WithThePages(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef0123456789"
	b := setupWith(t, api.Config{InboundDomain: "replies.ndlon.example", InboundSecret: secret})
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Booking records", DeliveryMethod: sunshine.DeliveryEmail, AssigneeID: &b.fx.Admin.ID}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, r))
	req := httptest.NewRequest("POST", "/inbound/email?recipient=request-"+r.ReplyToken+"@replies.ndlon.example",
		strings.NewReader("From: Records <records@sheriff.example>\r\nSubject: Hello\r\n\r\nText.\r\n"))
	req.Header.Set("Content-Type", "message/rfc822")
	req.SetBasicAuth("mailgun", secret)
	rec := b.do(req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	emails, n, err := b.st.FindUnloggedEmails(b.fx.Ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, r.ID, emails[0].RequestID)
	require.Equal(t, b.fx.Admin.Name, emails[0].Assignee, "who should log it")
}
