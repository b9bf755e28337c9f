package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// mail-in, as a mail server runs it: an email to a reply address is filed
// (0), one to an address no request has bounces (EX_NOUSER), one that is
// no email bounces (EX_DATAERR), and with the database away the mail
// server is told to try again later (EX_TEMPFAIL).
func TestMailIn(t *testing.T) {
	url := storetest.URL(t)
	env := map[string]string{"SUNSHINE_DATABASE_URL": url, "SUNSHINE_INBOUND_DOMAIN": "Replies.NDLON.example"}
	prev, prevIn := getenv, stdin
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv, stdin = prev, prevIn })

	st := store.New(storetest.DBFromURL(t, url), sunshine.SystemClock{})
	fx := storetest.Org(t, st, "ndlon")
	a := &sunshine.Agency{Name: "Sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, st.CreateAgency(fx.Ctx, a))
	r := &sunshine.Request{AgencyID: a.ID, Title: "Booking records", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, st.CreateRequest(fx.Ctx, r))
	addr := "request-" + r.ReplyToken + "@replies.ndlon.example"
	email := func(to string) string {
		return "From: Records Unit <records@sheriff.example>\r\nTo: " + to + "\r\nSubject: Your request\r\n\r\nThe records are attached.\r\n"
	}
	documents := func() int {
		docs, _, err := st.FindDocuments(fx.Ctx, r.ID, store.All, "")
		require.NoError(t, err)
		for _, d := range docs {
			require.Equal(t, sunshine.TextExtracted, d.TextStatus, "its text read at once, for search")
		}
		return len(docs)
	}

	first := email("Records <" + strings.ToUpper(addr) + ">")
	for _, tc := range []struct {
		name  string
		args  []string
		email string
		code  int
		out   string // in stdout (0) or stderr
		docs  int
	}{
		{"to the address, found in To", nil, first, 0, `filed Your request.eml with request ` + r.ID + ` ("Booking records")`, 1},
		{"again: nothing new", nil, first, 0, "filed Your request.eml", 1},
		{"the envelope recipient given", []string{"request-" + r.ReplyToken + "+x@replies.ndlon.example"}, email("undisclosed-recipients:;"),
			0, "filed Your request.eml", 2},
		{"to no request", []string{"request-00000000000000000000@replies.ndlon.example"}, email(addr), exitNoUser, "no request has the reply address", 2},
		{"to another domain", nil, email("request-" + r.ReplyToken + "@elsewhere.example"), exitNoUser, "no reply address at replies.ndlon.example", 2},
		{"not an email", []string{addr}, "\x00\x01\x02", exitDataErr, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdin = strings.NewReader(tc.email)
			code, out, errOut := runCLI(append([]string{"mail-in"}, tc.args...)...)
			require.Equal(t, tc.code, code, "stdout %q, stderr %q", out, errOut)
			if tc.code == 0 {
				require.Contains(t, out, tc.out)
			} else {
				require.Contains(t, errOut, tc.out)
			}
			require.Equal(t, tc.docs, documents())
		})
	}

	env["SUNSHINE_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"
	stdin = strings.NewReader(email(addr))
	code, _, errOut := runCLI("mail-in")
	require.Equal(t, exitTempFail, code, errOut)

	delete(env, "SUNSHINE_INBOUND_DOMAIN")
	stdin = strings.NewReader(email(addr))
	code, _, errOut = runCLI("mail-in")
	require.Equal(t, exitTempFail, code, "not configured: kept for when it is")
	require.Contains(t, errOut, "SUNSHINE_INBOUND_DOMAIN is not set")
}
