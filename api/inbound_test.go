package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store"
)

const inboundSecret = "0123456789abcdef0123456789"

// A hosted mail service posts emails to reply addresses to /inbound/email,
// with the inbound secret: raw, or as SendGrid's or Mailgun's form; each
// is filed with its request (once), its answer checked against the spec.
// Without the secret, to no request, or not an email, nothing is filed.
func TestInboundEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv = api.New(b.st, api.Config{InboundDomain: "replies.ndlon.example", InboundSecret: inboundSecret, InlineExtraction: true})
	id := b.request(b.agency("Sacramento County Sheriff", "us-ca"), "2017-03-27")
	r, err := b.st.FindRequestByID(b.fx.Ctx, id)
	require.NoError(t, err)
	addr := "request-" + r.ReplyToken + "@replies.ndlon.example"
	email := func(subject string) string {
		return "From: Records Unit <records@sheriff.example>\r\nTo: Records <records@sheriff.example>\r\nSubject: " + subject + "\r\n\r\nWe need 14 more days.\r\n"
	}
	form := func(fields map[string]string) (string, *bytes.Buffer) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			require.NoError(t, mw.WriteField(k, v))
		}
		require.NoError(t, mw.Close())
		return mw.FormDataContentType(), &buf
	}
	post := func(path, contentType string, body *bytes.Buffer, auth func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, body)
		req.Header.Set("Content-Type", contentType)
		if auth != nil {
			auth(req)
		}
		rec := httptest.NewRecorder()
		b.srv.ServeHTTP(rec, req)
		requireSpec(t, httptest.NewRequest("POST", path, nil), rec)
		return rec
	}
	basic := func(req *http.Request) { req.SetBasicAuth("mailgun", inboundSecret) }
	bearer := func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+inboundSecret) }
	wrong := func(req *http.Request) { req.SetBasicAuth("mailgun", inboundSecret+"x") }
	documents := func() int {
		docs, _, err := b.st.FindDocuments(b.fx.Ctx, id, store.All, "")
		require.NoError(t, err)
		return len(docs)
	}

	sendgridType, sendgrid := form(map[string]string{"email": email("SendGrid"), "envelope": `{"to":["` + addr + `"],"from":"records@sheriff.example"}`})
	mailgunType, mailgun := form(map[string]string{"body-mime": email("Mailgun"), "recipient": strings.ToUpper(addr)})
	neitherType, neither := form(map[string]string{"subject": "x"})
	for _, tc := range []struct {
		name        string
		path, ctype string
		body        *bytes.Buffer
		auth        func(*http.Request)
		status      int
		docs        int
	}{
		{"raw, Basic", "/inbound/email?recipient=" + addr, "message/rfc822", bytes.NewBufferString(email("Raw")), basic, http.StatusOK, 1},
		{"the same again, Bearer", "/inbound/email?recipient=" + addr, "message/rfc822", bytes.NewBufferString(email("Raw")), bearer, http.StatusOK, 1},
		{"SendGrid", "/inbound/email", sendgridType, sendgrid, basic, http.StatusOK, 2},
		{"Mailgun", "/inbound/email", mailgunType, mailgun, basic, http.StatusOK, 3},
		{"a wrong secret", "/inbound/email?recipient=" + addr, "message/rfc822", bytes.NewBufferString(email("Wrong")), wrong, http.StatusUnauthorized, 3},
		{"no secret", "/inbound/email?recipient=" + addr, "message/rfc822", bytes.NewBufferString(email("None")), nil, http.StatusUnauthorized, 3},
		{"to no request", "/inbound/email?recipient=request-00000000000000000000@replies.ndlon.example", "message/rfc822", bytes.NewBufferString(email("Lost")), basic, http.StatusNotFound, 3},
		{"to another domain, by its headers", "/inbound/email", "message/rfc822", bytes.NewBufferString(email("Elsewhere")), basic, http.StatusNotFound, 3},
		{"not an email", "/inbound/email?recipient=" + addr, "message/rfc822", bytes.NewBufferString("\x00\x01"), basic, http.StatusBadRequest, 3},
		{"a form without the email", "/inbound/email", neitherType, neither, basic, http.StatusBadRequest, 3},
		{"JSON", "/inbound/email", "application/json", bytes.NewBufferString(`{"RawEmail":"x"}`), basic, http.StatusUnsupportedMediaType, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(tc.path, tc.ctype, tc.body, tc.auth)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.status == http.StatusOK {
				require.Contains(t, rec.Body.String(), `"request_id":"`+id+`"`)
			}
			require.Equal(t, tc.docs, documents())
		})
	}
	docs, _, err := b.st.FindDocuments(b.fx.Ctx, id, store.All, "")
	require.NoError(t, err)
	for _, d := range docs {
		require.Equal(t, "Records Unit <records@sheriff.example>", *d.ReceivedFrom)
		require.Equal(t, sunshine.TextExtracted, d.TextStatus, "its text read for search")
	}

	// Off without a secret (or a domain).
	b.srv = api.New(b.st, api.Config{InboundDomain: "replies.ndlon.example"})
	rec := post("/inbound/email?recipient="+addr, "message/rfc822", bytes.NewBufferString(email("Off")), basic)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Equal(t, 3, documents())
}
