package web_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store"
)

var shareLinkOnPage = regexp.MustCompile(`<input id="share-link" type="text" readonly value="https://sunshine.example(/shared/[A-Za-z0-9_-]{43})">`)

// Staff make a request's shared page and mark the documents it shows;
// anyone with the link reads the request's status and dates and downloads
// those documents, and nothing else of it (notes, correspondence, other
// documents); a new link ends the old one, and stopping ends it. Viewers
// cannot share.
func TestSharedPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.fx.Ctx
	a := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "All communications with ICE since 20 January 2017", DeliveryMethod: sunshine.DeliveryEmail,
		Description: "Under the California Public Records Act, we request all communications with ICE.",
		SentOn:      deadline.MustParseDate("2017-03-27"), ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(ctx, r))
	_, err := b.st.AddNote(ctx, r.ID, "Internal: our lawyer thinks the sheriff is stalling")
	require.NoError(t, err)
	_, _, err = b.st.CreateCommunication(ctx, r.ID, sunshine.CommunicationInput{Communication: sunshine.Communication{
		Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther, OccurredOn: deadline.MustParseDate("2017-03-28"),
		Body: "Private reply from the records officer"}})
	require.NoError(t, err)
	released, err := b.st.CreateDocument(ctx, store.NewDocument{RequestID: r.ID, Filename: "released-emails.txt", ContentType: "text/plain",
		Content: strings.NewReader("the released emails")})
	require.NoError(t, err)
	memo, err := b.st.CreateDocument(ctx, store.NewDocument{RequestID: r.ID, Filename: "legal-memo.txt", ContentType: "text/plain",
		Content: strings.NewReader("privileged")})
	require.NoError(t, err)
	email, err := b.st.CreateDocument(ctx, store.NewDocument{RequestID: r.ID, Filename: "reply.eml", ContentType: "message/rfc822",
		Content: strings.NewReader("From: records@sheriff.example\r\nSubject: Your request\r\n\r\nAttached.")})
	require.NoError(t, err)

	b.login(b.fx.Admin.Email)
	page := body(b.get("/requests/" + r.ID))
	require.Contains(t, page, `<form method="post" action="/requests/`+r.ID+`/share"><button type="submit" class="secondary">Make a shared page</button></form>`)
	rec := b.post("/requests/"+r.ID+"/share", nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Equal(t, "/requests/"+r.ID+"#sharing", rec.Header().Get("Location"))
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "The shared page is ready")
	m := shareLinkOnPage.FindStringSubmatch(page)
	require.NotNil(t, m, "the link, to copy")
	link := m[1]
	require.Contains(t, page, "and the documents marked shared (0)")
	require.Equal(t, http.StatusSeeOther, b.post("/requests/"+r.ID+"/share", nil).Code)
	require.Equal(t, link, shareLinkOnPage.FindStringSubmatch(body(b.get("/requests/" + r.ID)))[1], "made again by mistake: the same link")
	require.Contains(t, page, `Show on the shared page<span class="visually-hidden">: legal-memo.txt</span>`)
	require.NotContains(t, page, `Show on the shared page<span class="visually-hidden">: reply.eml</span>`, "never an email")
	rec = b.post("/documents/"+email.ID+"/shared", url.Values{"shared": {"on"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "An email cannot be shown on the shared page")
	rec = b.post("/documents/"+released.ID+"/shared", url.Values{"shared": {"on"}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "released-emails.txt shows on the shared page.")
	require.Contains(t, page, "the documents marked shared (1)")
	require.Contains(t, page, "Shared page made: anyone with its link can read the request&#39;s status and dates", "in the timeline")
	require.Contains(t, page, "released-emails.txt shown on the shared page")
	page = body(b.get("/settings"))
	require.Contains(t, page, `<td data-label="Request"><a href="/requests/`+r.ID+`#sharing">`+r.Title+`</a></td>`, "the admin's list")
	require.Contains(t, page, `<td data-label="Documents shown">1</td>`)

	// Anyone with the link: no session.
	staffCookie := b.cookie
	b.cookie = nil
	rec = b.get(link)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "noindex, nofollow", rec.Header().Get("X-Robots-Tag"))
	page = body(rec)
	for _, want := range []string{r.Title, html.EscapeString(a.Name), "California Public Records Act (California)", "submitted", "Thu 6 Apr 2017",
		"Under the California Public Records Act, we request", "released-emails.txt", "Shared by ndlon",
		`<time datetime="2017-03-28">Tue 28 Mar 2017</time> from the agency: <strong>other</strong> <span class="hint">by email</span>`} {
		require.Contains(t, page, want)
	}
	for _, never := range []string{"lawyer", "Private reply", "legal-memo.txt", "reply.eml", `action="/logout"`, "Dashboard"} {
		require.NotContains(t, page, never)
	}
	rec = b.get(link + "/documents/" + released.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	got, _ := io.ReadAll(rec.Body)
	require.Equal(t, "the released emails", string(got))
	require.Contains(t, rec.Header().Get("Content-Disposition"), "attachment")
	require.Equal(t, http.StatusNotFound, b.get(link+"/documents/"+memo.ID).Code, "not marked shared")
	rec = b.get("/documents/" + released.ID + "/download")
	require.Equal(t, http.StatusSeeOther, rec.Code, "the staff download still needs a session")
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "/login?"))

	// A new link ends the old one; stopping ends the new one.
	b.cookie = staffCookie
	require.Equal(t, http.StatusSeeOther, b.post("/requests/"+r.ID+"/share", url.Values{"renew": {"1"}}).Code)
	newLink := shareLinkOnPage.FindStringSubmatch(body(b.get("/requests/" + r.ID)))[1]
	require.NotEqual(t, link, newLink)
	b.cookie = nil
	rec = b.get(link)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, body(rec), "This link opens nothing")
	require.Equal(t, http.StatusNotFound, b.get(link+"/documents/"+released.ID).Code)
	require.Equal(t, http.StatusOK, b.get(newLink).Code)
	b.cookie = staffCookie
	require.Equal(t, http.StatusSeeOther, b.post("/requests/"+r.ID+"/share/stop", nil).Code)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "New link for the shared page: the old one opens nothing")
	require.Contains(t, page, "Sharing stopped: the shared page&#39;s link opens nothing")
	b.cookie = nil
	require.Equal(t, http.StatusNotFound, b.get(newLink).Code)

	// A viewer sees whether it is shared, and cannot share.
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(ctx, viewer))
	require.NoError(t, b.st.SetPassword(t.Context(), viewer.ID, password))
	b.login(viewer.Email)
	require.Equal(t, http.StatusForbidden, b.post("/requests/"+r.ID+"/share", nil).Code)
	require.Equal(t, http.StatusForbidden, b.post("/documents/"+memo.ID+"/shared", url.Values{"shared": {"on"}}).Code)
	page = body(b.get("/requests/" + r.ID))
	require.NotContains(t, page, "Make a shared page")
	require.NotContains(t, page, `id="share-link"`)
}

// A request waiting on the organization, under a law that stops the clock
// then, says so to outsiders in their words, not the staff's "waiting on
// us".
func TestSharedPage_ClockPaused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.fx.Ctx
	a := &sunshine.Agency{Name: "U.S. Immigration and Customs Enforcement", Jurisdiction: "us-federal"}
	require.NoError(t, b.st.CreateAgency(ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "287(g) agreements", DeliveryMethod: sunshine.DeliveryEmail,
		SentOn: deadline.MustParseDate("2017-03-27"), ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(ctx, r))
	_, err := b.st.TransitionRequest(ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester, EffectiveOn: deadline.MustParseDate("2017-03-30")})
	require.NoError(t, err)
	token, err := b.st.ShareRequest(ctx, r.ID, false)
	require.NoError(t, err)
	page := body(b.get("/shared/" + token))
	require.Contains(t, page, "<dt>Due</dt><dd>clock paused: the agency is waiting on ndlon</dd>")
	require.NotContains(t, page, "waiting on us")

	// A law whose clock runs on: the date stands, and who is waited on.
	ca := &sunshine.Agency{Name: "Sacramento County Sheriff's Department", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(ctx, ca))
	r = &sunshine.Request{AgencyID: ca.ID, Title: "ICE", DeliveryMethod: sunshine.DeliveryEmail,
		SentOn: deadline.MustParseDate("2017-03-27"), ReceivedOn: deadline.MustParseDate("2017-03-27")}
	require.NoError(t, b.st.CreateRequest(ctx, r))
	_, err = b.st.TransitionRequest(ctx, r.ID, sunshine.TransitionInput{To: sunshine.StatusAwaitingRequester, EffectiveOn: deadline.MustParseDate("2017-03-30")})
	require.NoError(t, err)
	token, err = b.st.ShareRequest(ctx, r.ID, false)
	require.NoError(t, err)
	page = body(b.get("/shared/" + token))
	require.Contains(t, page, `<dt>Due</dt><dd><time datetime="2017-04-06">Thu 6 Apr 2017</time> · the agency is waiting on ndlon</dd>`)
	require.NotContains(t, page, "waiting on us")
}

// A shared page's last day, set on the request's page: the link opens
// through it, then answers 404 and the request's page says it stopped; a
// day past is refused on the form; clearing it opens the link again.
func TestSharedPage_LastDay(t *testing.T) {
	t.Parallel()
	b, _, r := sacramento(t)
	requireRedirect(t, b.post("/requests/"+r.ID+"/share", nil), "/requests/"+r.ID)
	page := body(b.get("/requests/" + r.ID))
	link := shareLinkOnPage.FindStringSubmatch(page)
	require.NotNil(t, link, "the link is on the page")
	require.Contains(t, page, `<form method="post" action="/requests/`+r.ID+`/share/expiry" class="stack" novalidate>`)

	rec := b.post("/requests/"+r.ID+"/share/expiry", url.Values{"expires_on": {"2017-04-04"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Contains(t, body(rec), `<p class="field-error" id="share-expiry-expires-on-error">must be today (2017-04-05) or later</p>`)
	require.Contains(t, body(rec), `value="2017-04-04" aria-describedby="share-expiry-expires-on-hint share-expiry-expires-on-error" aria-invalid="true"`)

	requireRedirect(t, b.post("/requests/"+r.ID+"/share/expiry", url.Values{"expires_on": {"2017-04-06"}}), "/requests/"+r.ID)
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "The shared page&#39;s link works until Thu 6 Apr 2017, then opens nothing.")
	require.Contains(t, page, "<p>Its link works until Thu 6 Apr 2017, then opens nothing.</p>")
	require.Equal(t, http.StatusOK, b.get(link[1]).Code)

	b.clk.Set(now.AddDate(0, 0, 2)) // Fri 7 Apr
	require.Equal(t, http.StatusNotFound, b.get(link[1]).Code, "past its last day")
	page = body(b.get("/requests/" + r.ID))
	require.Contains(t, page, "Its link stopped working after Thu 6 Apr 2017, its last day: it opens nothing now. Set a later day below, or make a new link.")
	require.Contains(t, body(b.get("/settings")), "No: its last day was Thu 6 Apr 2017")

	requireRedirect(t, b.post("/requests/"+r.ID+"/share/expiry", url.Values{"expires_on": {""}}), "/requests/"+r.ID)
	require.Contains(t, body(b.get("/requests/"+r.ID)), "The shared page&#39;s link works until you stop sharing.")
	require.Equal(t, http.StatusOK, b.get(link[1]).Code, "the same link opens again")
}
