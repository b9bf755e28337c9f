package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sunshine-records/sunshine/api"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// GET .../letter answers the drafted letter (b.call checks it against the
// spec), signed by the caller, and writes nothing; another organization's
// request and an unknown one are 404.
func TestLetter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call("POST", "/api/v1/agencies", b.token, map[string]any{"name": "Sacramento County Sheriff's Department", "jurisdiction": "us-ca",
		"records_contact": "Records Unit", "email": "records@sheriff.example", "postal_address": "711 G Street\nSacramento, CA 95814"})
	require.Equal(t, http.StatusCreated, a.status(), a.rec.Body.String())
	id := b.request(a.str("id"), "2017-03-27")
	path := "/api/v1/requests/" + id
	before := len(b.call("GET", path+"/events", b.token, nil).items())

	r := b.call("GET", path+"/letter", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "Records Unit, Sacramento County Sheriff's Department <records@sheriff.example>", r.str("to"))
	require.Equal(t, b.fx.Admin.Name+", "+b.fx.Org.Name+" <"+b.fx.Admin.Email+">", r.str("from"))
	require.Equal(t, "California Public Records Act request: All communications with ICE since 20 January 2017", r.str("subject"))
	letter := r.str("body")
	require.True(t, strings.HasPrefix(letter, "April 5, 2017\n\nRecords Unit\nSacramento County Sheriff's Department\n711 G Street\nSacramento, CA 95814\nrecords@sheriff.example\n"), letter)
	require.Contains(t, letter, "\nDetainer and notification requests.\n", "the request's text verbatim")
	require.Contains(t, letter, "\nThe CPRA requires a response within 10 calendar days (Gov. Code 7922.535(a)).\n")
	require.True(t, strings.HasSuffix(letter, "\n"+b.fx.Admin.Name+"\n"+b.fx.Admin.Email+"\n"+b.fx.Org.Name+"\n"), letter)
	require.Len(t, b.call("GET", path+"/events", b.token, nil).items(), before, "nothing written")
	require.Empty(t, r.str("reply_to"), "no inbound domain: no reply address")

	// With one, the letter asks the agency to answer at the request's
	// reply address, and says it.
	b.srv = api.New(b.st, api.Config{InboundDomain: "replies.ndlon.example"})
	got, err := b.st.FindRequestByID(b.fx.Ctx, id)
	require.NoError(t, err)
	addr := "request-" + got.ReplyToken + "@replies.ndlon.example"
	r = b.call("GET", path+"/letter", b.token, nil)
	require.Equal(t, addr, r.str("reply_to"))
	require.Contains(t, r.str("body"), "in electronic form, by email to "+addr+".\n")
	require.Equal(t, addr, b.call("GET", path, b.token, nil).str("reply_address"), "the request says it too")

	other := storetest.Org(t, b.st, "other")
	for name, tc := range map[string]struct{ token, path string }{
		"ErrOtherOrg":       {other.Token, path + "/letter"},
		"ErrUnknownRequest": {b.token, "/api/v1/requests/00000000-0000-0000-0000-000000000000/letter"},
	} {
		t.Run(name, func(t *testing.T) {
			r := b.call("GET", tc.path, tc.token, nil)
			require.Equal(t, http.StatusNotFound, r.status(), r.rec.Body.String())
			require.NotContains(t, r.rec.Body.String(), "Sheriff")
		})
	}
}

// kind=follow_up drafts a follow-up letter on the request, with its due
// date and citation; another kind is a 400 naming kind.
func TestLetter_FollowUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.request(b.agency("Sacramento County Sheriff's Department", "us-ca"), "2017-03-27")
	path := "/api/v1/requests/" + id + "/letter"
	r := b.call("GET", path+"?kind=follow_up", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "Follow-up: California Public Records Act request: All communications with ICE since 20 January 2017", r.str("subject"))
	require.Contains(t, r.str("body"), "I write to follow up on my request under the California Public Records Act, received on March 27, 2017, for the following records:")
	require.Contains(t, r.str("body"), "\nThe CPRA requires a response by April 6, 2017 (Gov. Code 7922.535(a)).\n")

	draft := b.request(b.agency("Fresno County Sheriff", "us-ca"), "")
	r = b.call("GET", "/api/v1/requests/"+draft+"/letter?kind=follow_up", b.token, nil)
	require.Equal(t, http.StatusConflict, r.status(), "a draft was never sent: %s", r.rec.Body.String())

	for _, bad := range []string{"?kind=appeal", "?kind=", "?type=follow_up"} {
		r := b.call("GET", path+bad, b.token, nil)
		require.Equal(t, http.StatusBadRequest, r.status(), bad)
		require.Len(t, r.fieldErrors(), 1, bad)
	}
}

// The letter settings: read by any member, set by an admin (the fields
// given, the rest kept); the closing ends the letters drafted after; too
// long, or null, is a 400 naming it and changes nothing.
func TestLetterSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency("Sheriff", "us-ca")
	id := b.request(a, "2017-03-27")

	r := b.call("GET", "/api/v1/letter_settings", b.token, nil)
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "", r.str("closing"))

	r = b.call("PUT", "/api/v1/letter_settings", b.token, map[string]any{"closing": " Please waive the fees.\r\nThank you. "})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "Please waive the fees.\nThank you.", r.str("closing"))
	r = b.call("PUT", "/api/v1/letter_settings", b.token, map[string]any{})
	require.Equal(t, http.StatusOK, r.status(), r.rec.Body.String())
	require.Equal(t, "Please waive the fees.\nThank you.", r.str("closing"), "absent: kept")

	letter := b.call("GET", "/api/v1/requests/"+id+"/letter", b.token, nil).str("body")
	require.Contains(t, letter, "\n\nPlease waive the fees.\nThank you.\n\nSincerely,\n")

	for _, body := range []map[string]any{{"closing": strings.Repeat("x", 5001)}, {"closing": nil}} {
		r = b.call("PUT", "/api/v1/letter_settings", b.token, body)
		require.Equal(t, http.StatusBadRequest, r.status(), r.rec.Body.String())
		require.Contains(t, r.fieldErrors(), "closing")
	}
	require.Equal(t, "Please waive the fees.\nThank you.", b.call("GET", "/api/v1/letter_settings", b.token, nil).str("closing"))
}
