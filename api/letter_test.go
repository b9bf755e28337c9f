package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

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
