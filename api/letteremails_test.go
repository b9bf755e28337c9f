package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// letterEmail is a body for POST .../letter_emails, with extra on top.
func letterEmail(extra map[string]any) map[string]any {
	body := map[string]any{"to": "records@sheriff.example", "subject": "California Public Records Act request",
		"body": "April 5, 2017\n\nRecords Unit\n\nPlease send me all communications with ICE.\n"}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// claimLetter claims the letter email id for delivery, as the jobs do.
func (b *testBundle) claimLetter(id string) store.ClaimedLetterEmail {
	b.t.Helper()
	claimed, err := b.st.ClaimLetterEmails(context.Background(), b.clk.Now(), 100, 10*time.Minute)
	require.NoError(b.t, err)
	for _, c := range claimed {
		if c.ID == id {
			return c
		}
	}
	b.t.Fatalf("letter email %s not claimed", id)
	return store.ClaimedLetterEmail{}
}

// A letter is queued (202, Location, from the caller, nothing logged
// yet); once the mail server accepts it, it is sent, no longer listed,
// and logged as the request's communication, and its draft submitted.
func TestLetterEmails_Queue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	staff := b.user("organizer@ndlon.example", sunshine.RoleStaff)
	staffID := b.call("GET", "/api/v1/me", staff, nil).str("user.id")
	require.NotEmpty(t, staffID)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "")
	path := "/api/v1/requests/" + id + "/letter_emails"

	r := b.call("POST", path, staff, letterEmail(map[string]any{"cc": []string{" legal@ndlon.example; press@ndlon.example ", ""},
		"to": "  records@sheriff.example ", "to_party": " Records Unit ", "from_party": "Ana Ruiz, NDLON", "submit": true}))
	require.Equal(t, http.StatusAccepted, r.status(), r.rec.Body.String())
	le := r.str("id")
	require.Equal(t, "/api/v1/letter_emails/"+le, r.rec.Header().Get("Location"))
	require.Equal(t, id, r.str("request_id"))
	require.Equal(t, "request", r.str("kind"), "the request letter by default")
	require.Equal(t, staffID, r.str("sender_id"), "from the caller")
	require.Equal(t, "records@sheriff.example", r.str("to"))
	require.Equal(t, []any{"legal@ndlon.example", "press@ndlon.example"}, r.body["cc"])
	require.Equal(t, true, r.body["copy_sender"], "the default")
	require.Equal(t, "Records Unit", r.str("to_party"))
	require.Equal(t, "Ana Ruiz, NDLON", r.str("from_party"))
	require.Equal(t, true, r.body["submit"])
	require.Equal(t, "pending", r.str("status"))
	require.Nil(t, r.body["sent_at"])
	require.Nil(t, r.body["communication_id"])

	got := b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil)
	require.Equal(t, http.StatusOK, got.status(), got.rec.Body.String())
	require.Equal(t, r.body, got.body, "POST answers what GET returns")
	list := b.call("GET", path, b.token, nil)
	require.Equal(t, http.StatusOK, list.status())
	require.Len(t, list.items(), 1)
	require.Equal(t, le, list.items()[0]["id"])
	require.Empty(t, b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil).items(), "not logged before it is sent")
	require.Equal(t, "draft", b.call("GET", "/api/v1/requests/"+id, b.token, nil).str("status"))

	r = b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "request", "copy_sender": false}))
	require.Equal(t, http.StatusConflict, r.status(), "a request letter is pending already: %s", r.rec.Body.String())

	comm, err := b.st.MarkLetterEmailSent(context.Background(), b.claimLetter(le), b.clk.Now(), nil)
	require.NoError(t, err)
	got = b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil)
	require.Equal(t, "sent", got.str("status"))
	require.NotEmpty(t, got.str("sent_at"))
	require.Equal(t, comm.ID, got.str("communication_id"))
	require.Empty(t, b.call("GET", path, b.token, nil).items(), "sent ones are the request's communications")
	comms := b.call("GET", "/api/v1/requests/"+id+"/communications", b.token, nil).items()
	require.Len(t, comms, 1)
	require.Equal(t, comm.ID, comms[0]["id"])
	require.Equal(t, "Records Unit", comms[0]["to"])
	req := b.call("GET", "/api/v1/requests/"+id, b.token, nil)
	require.Equal(t, "submitted", req.str("status"), "submit asked")
	require.Equal(t, "2017-04-05", req.str("received_on"))

	// Now none is pending: another goes, without cc, and without a copy.
	r = b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "request", "copy_sender": false}))
	require.Equal(t, http.StatusAccepted, r.status(), r.rec.Body.String())
	require.Equal(t, []any{}, r.body["cc"])
	require.Equal(t, false, r.body["copy_sender"])
	require.Equal(t, b.fx.Admin.ID, r.str("sender_id"))
}

// Bad input is a 400 naming every bad field, and nothing is queued.
func TestLetterEmails_Invalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	draft := b.request(b.agency("Sheriff", "us-ca"), "")
	sent := b.request(b.agency("Police", "us-ca"), "2017-03-27")
	for _, tc := range []struct {
		name    string
		request string
		body    any
		fields  []string
	}{
		{"missing to", draft, letterEmail(map[string]any{"to": ""}), []string{"to"}},
		{"to not an address", draft, letterEmail(map[string]any{"to": "the sheriff"}), []string{"to"}},
		{"bad cc", draft, letterEmail(map[string]any{"cc": []string{"legal@ndlon.example", "not an address"}}), []string{"cc"}},
		{"cc repeats to", draft, letterEmail(map[string]any{"cc": []string{"RECORDS@sheriff.example"}}), []string{"cc"}},
		{"cc not a list", draft, letterEmail(map[string]any{"cc": "legal@ndlon.example"}), []string{"cc"}},
		{"empty body", draft, letterEmail(map[string]any{"body": " \n "}), []string{"body"}},
		{"every field", draft, map[string]any{"subject": "", "kind": "appeal"}, []string{"kind", "to", "subject", "body"}},
		{"unknown field", draft, letterEmail(map[string]any{"bcc": []string{"x@ndlon.example"}}), []string{"bcc"}},
		{"copy_sender null", draft, letterEmail(map[string]any{"copy_sender": nil}), []string{"copy_sender"}},
		{"copy_sender null and no to", draft, letterEmail(map[string]any{"copy_sender": nil, "to": ""}), []string{"copy_sender", "to"}},
		{"submit on a sent request", sent, letterEmail(map[string]any{"submit": true}), []string{"submit"}},
		{"submit with a follow-up", sent, letterEmail(map[string]any{"submit": true, "kind": "follow_up"}), []string{"submit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/requests/" + tc.request + "/letter_emails"
			r := b.call("POST", path, b.token, tc.body)
			require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
			require.ElementsMatch(t, tc.fields, r.fieldErrors(), r.rec.Body.String())
			require.Empty(t, b.call("GET", path, b.token, nil).items(), "nothing queued")
		})
	}
	r := b.call("POST", "/api/v1/requests/"+draft+"/letter_emails", b.token, `{"to": "records@sheriff.example"`)
	require.Equal(t, http.StatusBadRequest, r.status(), "malformed JSON")
}

// One letter of a kind may be on its way at a time, and a draft or a
// closed request takes no follow-up: 409, with nothing queued.
func TestLetterEmails_Conflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	id := b.request(a, "2017-03-27")
	path := "/api/v1/requests/" + id + "/letter_emails"
	first := b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "follow_up"}))
	require.Equal(t, http.StatusAccepted, first.status(), first.rec.Body.String())
	r := b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "follow_up", "to": "other@sheriff.example"}))
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.Contains(t, r.str("detail"), "the follow-up letter to records@sheriff.example is already on its way")
	other := b.call("POST", path, b.token, letterEmail(nil))
	require.Equal(t, http.StatusAccepted, other.status(), "another kind may go: %s", other.rec.Body.String())
	require.Len(t, b.call("GET", path, b.token, nil).items(), 2)

	draft := b.request(a, "")
	r = b.call("POST", "/api/v1/requests/"+draft+"/letter_emails", b.token, letterEmail(map[string]any{"kind": "follow_up"}))
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.Contains(t, r.str("detail"), "draft")
	require.Empty(t, b.call("GET", "/api/v1/requests/"+draft+"/letter_emails", b.token, nil).items())

	closed := b.request(a, "2017-03-27")
	tr := b.call("POST", "/api/v1/requests/"+closed+"/transitions", b.token, map[string]any{"to": "withdrawn", "effective_on": "2017-04-01"})
	require.Equal(t, http.StatusOK, tr.status(), tr.rec.Body.String())
	r = b.call("POST", "/api/v1/requests/"+closed+"/letter_emails", b.token, letterEmail(map[string]any{"kind": "follow_up"}))
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.Contains(t, r.str("detail"), "closed")
}

// Only a failed letter is sent again; a pending or failed one may be
// cancelled, and is then no longer listed; one being sent cannot be.
func TestLetterEmails_RetryCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id + "/letter_emails"
	le := b.call("POST", path, b.token, letterEmail(nil)).str("id")
	require.NotEmpty(t, le)

	r := b.call("POST", "/api/v1/letter_emails/"+le+"/retry", b.token, nil)
	require.Equal(t, http.StatusConflict, r.status(), "pending: %s", r.rec.Body.String())
	r = b.call("POST", "/api/v1/letter_emails/"+le+"/cancel", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, le, r.str("id"))
	require.Equal(t, "cancelled", r.str("status"))
	require.Empty(t, b.call("GET", path, b.token, nil).items(), "cancelled: not listed")
	require.Equal(t, "cancelled", b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil).str("status"))
	for _, action := range []string{"retry", "cancel"} {
		r = b.call("POST", "/api/v1/letter_emails/"+le+"/"+action, b.token, nil)
		require.Equal(t, http.StatusConflict, r.status(), "%s a cancelled one: %s", action, r.rec.Body.String())
	}

	// A letter the mail server kept refusing is failed, listed, in the
	// timeline, and sent again on retry.
	failed := b.call("POST", path, b.token, letterEmail(nil)).str("id")
	require.NotEmpty(t, failed)
	require.NoError(t, b.st.MarkLetterEmailFailed(context.Background(), b.claimLetter(failed), "550 mailbox unavailable", b.clk.Now(), true))
	got := b.call("GET", "/api/v1/letter_emails/"+failed, b.token, nil)
	require.Equal(t, "failed", got.str("status"))
	require.Equal(t, "550 mailbox unavailable", got.str("last_error"))
	require.Equal(t, float64(1), got.body["attempts"])
	list := b.call("GET", path, b.token, nil).items()
	require.Len(t, list, 1)
	require.Equal(t, "failed", list[0]["status"])
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	require.Equal(t, "letter_email_failed", events[len(events)-1]["kind"])

	r = b.call("POST", "/api/v1/letter_emails/"+failed+"/retry", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "pending", r.str("status"))
	require.Equal(t, float64(0), r.body["attempts"], "counted afresh")

	// Claimed for delivery, it cannot be stopped.
	b.claimLetter(failed)
	r = b.call("POST", "/api/v1/letter_emails/"+failed+"/cancel", b.token, nil)
	require.Equal(t, http.StatusConflict, r.status(), r.rec.Body.String())
	require.Contains(t, r.str("detail"), "being sent")
	require.Equal(t, "pending", b.call("GET", "/api/v1/letter_emails/"+failed, b.token, nil).str("status"))
}

// Another organization's request and letter emails, and unknown ones, are
// 404 on every route, and nothing is queued or changed.
func TestLetterEmails_NotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	le := b.call("POST", "/api/v1/requests/"+id+"/letter_emails", b.token, letterEmail(nil)).str("id")
	require.NotEmpty(t, le)
	other := storetest.Org(t, b.st, "other")
	unknown := "00000000-0000-0000-0000-000000000000"
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
	}{
		{"list, other org", "GET", "/api/v1/requests/" + id + "/letter_emails", other.Token, nil},
		{"list, unknown request", "GET", "/api/v1/requests/" + unknown + "/letter_emails", b.token, nil},
		{"list, not an ID", "GET", "/api/v1/requests/nope/letter_emails", b.token, nil},
		{"send, other org", "POST", "/api/v1/requests/" + id + "/letter_emails", other.Token, letterEmail(nil)},
		{"send, unknown request", "POST", "/api/v1/requests/" + unknown + "/letter_emails", b.token, letterEmail(nil)},
		{"get, other org", "GET", "/api/v1/letter_emails/" + le, other.Token, nil},
		{"get, unknown", "GET", "/api/v1/letter_emails/" + unknown, b.token, nil},
		{"retry, other org", "POST", "/api/v1/letter_emails/" + le + "/retry", other.Token, nil},
		{"cancel, other org", "POST", "/api/v1/letter_emails/" + le + "/cancel", other.Token, nil},
		{"cancel, unknown", "POST", "/api/v1/letter_emails/" + unknown + "/cancel", b.token, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.call(tc.method, tc.path, tc.token, tc.body)
			require.Equal(t, http.StatusNotFound, r.status(), r.rec.Body.String())
			require.NotContains(t, r.rec.Body.String(), "sheriff")
		})
	}
	got := b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil)
	require.Equal(t, "pending", got.str("status"), "not cancelled by the other organization")
	require.Len(t, b.call("GET", "/api/v1/requests/"+id+"/letter_emails", b.token, nil).items(), 1)
}

// A bounce of a sent letter, posted to the inbound endpoint as Postfix
// writes it, makes the letter bounced (listed, its report a document, the
// timeline saying so); it is sent again to a corrected address, and an
// address that is none is a 400 naming the field that changes nothing.
func TestLetterEmails_Bounced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv = api.New(b.st, api.Config{InboundDomain: "replies.ndlon.example", InboundSecret: inboundSecret, InlineExtraction: true})
	id := b.request(b.agency("Sheriff", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id + "/letter_emails"
	le := b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "follow_up"})).str("id")
	require.NotEmpty(t, le)
	_, err := b.st.MarkLetterEmailSent(context.Background(), b.claimLetter(le), b.clk.Now(), nil)
	require.NoError(t, err)
	r, err := b.st.FindRequestByID(b.fx.Ctx, id)
	require.NoError(t, err)

	report := storetest.Bounce(r.ReplyToken, "letter-"+le+"@sunshine.example", "records@sheriff.example", "", b.clk.Now())
	req := httptest.NewRequest("POST", "/inbound/email?recipient=request-"+r.ReplyToken+"@replies.ndlon.example", bytes.NewReader(report))
	req.Header.Set("Content-Type", "message/rfc822")
	req.SetBasicAuth("mailgun", inboundSecret)
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	got := b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil)
	require.Equal(t, "bounced", got.str("status"))
	require.NotEmpty(t, got.str("sent_at"), "it went")
	require.NotEmpty(t, got.str("bounced_at"))
	require.Contains(t, got.str("last_error"), "Recipient address rejected: User unknown")
	docs := b.call("GET", "/api/v1/requests/"+id+"/documents", b.token, nil).items()
	require.Len(t, docs, 1)
	require.Equal(t, docs[0]["id"], got.body["bounce_document_id"])
	list := b.call("GET", path, b.token, nil).items()
	require.Len(t, list, 1)
	require.Equal(t, "bounced", list[0]["status"])
	events := b.call("GET", "/api/v1/requests/"+id+"/events", b.token, nil).items()
	last := events[len(events)-1]
	require.Equal(t, "letter_email_bounced", last["kind"])
	require.Equal(t, []any{"records@sheriff.example"}, last["data"].(map[string]any)["failed"])

	for name, body := range map[string]any{
		"empty":         map[string]any{"to": " "},
		"not an email":  map[string]any{"to": "records at sheriff"},
		"two addresses": map[string]any{"to": "records@sheriff.example, pra@sheriff.example"},
		"redate":        map[string]any{"redate": true},
	} {
		r := b.call("POST", "/api/v1/letter_emails/"+le+"/retry", b.token, body)
		require.Equal(t, http.StatusBadRequest, r.status(), "%s: %s", name, r.rec.Body.String())
		want := "to"
		if name == "redate" {
			want = "redate" // (a follow-up moves no date)
		}
		require.Equal(t, []string{want}, r.fieldErrors(), name)
	}
	require.Equal(t, "bounced", b.call("GET", "/api/v1/letter_emails/"+le, b.token, nil).str("status"), "unchanged")

	again := b.call("POST", "/api/v1/letter_emails/"+le+"/retry", b.token, map[string]any{"to": "pra@sheriff.example"})
	require.Equal(t, http.StatusOK, again.status(), again.rec.Body.String())
	require.Equal(t, "pending", again.str("status"))
	require.Equal(t, "pra@sheriff.example", again.str("to"))
	require.Nil(t, again.body["bounced_at"])
	require.Nil(t, again.body["sent_at"])
	require.Nil(t, again.body["bounce_document_id"])
}

// A letter email attaches documents of its request, listed in order; one
// of another request is a 400 naming attachment_ids, and nothing is queued.
func TestLetterEmails_Attachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	id := b.request(a, "2017-03-27")
	other := b.request(a, "2017-03-27")
	upload := func(requestID, name string) string {
		d, err := b.st.CreateDocument(b.fx.Ctx, store.NewDocument{RequestID: requestID, Filename: name, ContentType: "application/pdf",
			Content: bytes.NewReader([]byte("%PDF-1.4 " + name))})
		require.NoError(t, err)
		return d.ID
	}
	signed, earlier, theirs := upload(id, "signed.pdf"), upload(id, "earlier.pdf"), upload(other, "theirs.pdf")
	path := "/api/v1/requests/" + id + "/letter_emails"

	r := b.call("POST", path, b.token, letterEmail(map[string]any{"attachment_ids": []string{signed, theirs}}))
	require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
	require.Equal(t, []string{"attachment_ids"}, r.fieldErrors())
	require.Empty(t, b.call("GET", path, b.token, nil).items())

	r = b.call("POST", path, b.token, letterEmail(map[string]any{"attachment_ids": []string{earlier, signed}}))
	require.Equal(t, http.StatusAccepted, r.status(), r.rec.Body.String())
	require.Equal(t, []any{earlier, signed}, r.body["attachment_ids"])
	none := b.call("POST", path, b.token, letterEmail(map[string]any{"kind": "follow_up"}))
	require.Equal(t, []any{}, none.body["attachment_ids"], "none: an empty list")
}

// Past the organization's hourly limit a letter email is a 429 problem
// saying when the next fits, and nothing is queued.
func TestLetterEmails_TooMany(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.st.LettersPerHour = 1
	a := b.agency("Sheriff", "us-ca")
	first, second := b.request(a, "2017-03-27"), b.request(a, "2017-03-27")
	r := b.call("POST", "/api/v1/requests/"+first+"/letter_emails", b.token, letterEmail(nil))
	require.Equal(t, http.StatusAccepted, r.status(), r.rec.Body.String())
	r = b.call("POST", "/api/v1/requests/"+second+"/letter_emails", b.token, letterEmail(nil))
	require.Equal(t, http.StatusTooManyRequests, r.status(), r.rec.Body.String())
	require.Equal(t, "https://github.com/sunshine-records/sunshine/blob/main/docs/api.md#too_many_requests", r.str("type"))
	require.Contains(t, r.str("detail"), "may send 1 an hour: send this one in 60 minutes")
	require.Empty(t, b.call("GET", "/api/v1/requests/"+second+"/letter_emails", b.token, nil).items())
}
