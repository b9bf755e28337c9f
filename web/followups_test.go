package web_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// The request page's "Follow up automatically" panel turns them on (14
// days without news by default), says what they do and when the next
// goes, changes how often, and stops them; a period not offered is
// refused with the field named, and nothing changes. A closed request
// offers none; an agency without an email address says follow-ups need
// one.
func TestRequestPage_AutoFollowUp(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<details class="panel" id="auto-follow-up" >`)
	require.Contains(t, page, `<option value="14" selected>14 days without news</option>`)
	require.Contains(t, page, `<button type="submit">Turn on</button>`)

	rec := b.post("/requests/"+r.ID+"/auto_follow_up", url.Values{"every_days": {"3"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	page = body(rec)
	require.Contains(t, page, "Automatic follow-ups were not changed.")
	require.Regexp(t, `<p class="field-error" id="autofollowup-every-days-error">[^<]*must be 7 to 90 days`, page)
	got, err := b.st.FindAutoFollowUp(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, got, "nothing changed")

	loc := requireRedirect(t, b.post("/requests/"+r.ID+"/auto_follow_up", url.Values{"every_days": {"7"}}), "/requests/"+r.ID)
	page = html.UnescapeString(body(b.get(loc)))
	require.Contains(t, page, "Automatic follow-ups on: every 7 days without news once the request's date has passed. The next goes on Fri 7 Apr 2017 if nothing comes before.")
	require.Contains(t, page, "<h3>Follow up automatically <span class=\"pill\">on</span></h3>")
	require.Contains(t, page, "when nothing has gone either way for 7 days, Sunshine emails Sacramento County Sheriff's Department (records@sheriff.example) the")
	require.Contains(t, page, "signed by Admin of ndlon")
	require.Contains(t, page, "The next goes on <strong>Fri 7 Apr 2017</strong> if nothing comes before.", "never before the date passed")
	require.Contains(t, page, `<option value="7" selected>7 days without news</option>`)
	got, err = b.st.FindAutoFollowUp(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, 7, got.EveryDays)
	require.Equal(t, b.fx.Admin.ID, got.SignerID)

	// Another person sees who signs them, that changing them makes them
	// the signer, and what holds them.
	maria := b.staff("maria@ndlon.example")
	_, err = b.st.ReceiveEmail(b.fx.Ctx, []string{r.ReplyToken}, "records@sheriff.example", "Records",
		[]byte("From: records@sheriff.example\r\nSubject: Records\r\n\r\nAttached.\r\n"))
	require.NoError(t, err)
	b.login(maria.Email)
	page = html.UnescapeString(body(b.get("/requests/" + r.ID)))
	require.Contains(t, page, "signed by Admin of ndlon")
	require.Contains(t, page, `<p class="hint">Changing them makes you their signer.</p>`)
	require.Contains(t, page, `<p class="problem">None goes now: an email to the request's reply address waits to be logged (it may be the answer): log it first.</p>`)
	b.login(b.fx.Admin.Email)

	requireRedirect(t, b.post("/requests/"+r.ID+"/auto_follow_up", url.Values{"every_days": {"30"}}), "/requests/"+r.ID)
	got, err = b.st.FindAutoFollowUp(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, 30, got.EveryDays)
	loc = requireRedirect(t, b.post("/requests/"+r.ID+"/auto_follow_up", url.Values{"stop": {"1"}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get(loc)), "Automatic follow-ups stopped.")
	got, err = b.st.FindAutoFollowUp(b.fx.Ctx, r.ID)
	require.NoError(t, err)
	require.Nil(t, got)

	// An agency without an email address: the panel says so.
	noEmail := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, noEmail))
	other := &sunshine.Request{AgencyID: noEmail.ID, Title: "Arrest logs", DeliveryMethod: sunshine.DeliveryMail,
		ReceivedOn: r.ReceivedOn, SentOn: r.SentOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, other))
	require.Contains(t, html.UnescapeString(body(b.get("/requests/"+other.ID))), "Police has no email address: add one on its page for follow-ups to go.")
	rec = b.post("/requests/"+other.ID+"/auto_follow_up", url.Values{"every_days": {"14"}})
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, html.UnescapeString(body(rec)), "Automatic follow-ups were not changed: the agency, Police, has no email address to send follow-ups to: add one on its page first.")

	// Closed: no panel.
	_, err = b.st.TransitionRequest(b.fx.Ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusWithdrawn})
	require.NoError(t, err)
	require.NotContains(t, body(b.get("/requests/"+r.ID)), `id="auto-follow-up"`)
	_ = a
}
