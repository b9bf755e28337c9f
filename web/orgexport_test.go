package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Settings offers admins the organization's whole archive, and the
// spreadsheets in it read back into another organization through the
// import pages: a group moving its tracking elsewhere loses nothing.
func TestOrgExport_ReadsBackIntoAnotherOrganization(t *testing.T) {
	t.Parallel()
	b, a, _ := sacramento(t)
	denied := &sunshine.Request{AgencyID: a.ID, Title: "Jail contracts", DeliveryMethod: sunshine.DeliveryMail,
		ReceivedOn: deadline.MustParseDate("2017-01-09")}
	require.NoError(t, b.st.CreateRequestAt(b.fx.Ctx, denied, sunshine.TransitionInput{To: sunshine.StatusDenied, EffectiveOn: deadline.MustParseDate("2017-02-01")}))
	require.NoError(t, b.st.CreateAgency(b.fx.Ctx, &sunshine.Agency{Name: "Federal Bureau of Investigation", Jurisdiction: "us-federal"}))

	page := body(b.get("/settings"))
	require.Contains(t, page, `<a href="#archive">Download everything</a>`)
	require.Contains(t, page, `<a href="/export/organization.zip" download>Download everything (ZIP)</a>`)
	rec := b.get("/export/organization.zip")
	require.Equal(t, http.StatusOK, rec.Code, body(rec))
	require.Equal(t, "application/zip", rec.Header().Get("Content-Type"))
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		files[f.Name], err = io.ReadAll(r)
		require.NoError(t, err)
	}

	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	b.login(other.Admin.Email)
	loc := requireRedirect(t, b.importAgencies("import", "agencies.csv", files["agencies.csv"]), "/agencies")
	require.Contains(t, body(b.get(loc)), "Imported 2 agencies from agencies.csv.")
	loc = requireRedirect(t, b.upload("/requests/import", map[string]string{"action": "import"},
		map[string][]byte{"requests.csv": files["requests.csv"]}, ""), "/requests")
	require.Contains(t, body(b.get(loc)), "Imported 2 requests from requests.csv.")
	rs, _, err := b.st.FindRequests(other.Ctx, sunshine.RequestFilter{Statuses: sunshine.AllStatuses()})
	require.NoError(t, err)
	got := map[string]sunshine.Status{}
	for _, r := range rs {
		got[r.Title] = r.Status
	}
	require.Equal(t, map[string]sunshine.Status{"Communications with immigration authorities": sunshine.StatusSubmitted,
		"Jail contracts": sunshine.StatusDenied}, got, "each at the status it reached, closed ones too")

	// Staff are offered none, and refused it.
	staff := b.staff("staff@ndlon.example")
	b.login(staff.Email)
	require.NotContains(t, body(b.get("/settings")), "/export/organization.zip")
	rec = b.get("/export/organization.zip")
	require.Equal(t, http.StatusForbidden, rec.Code)
	require.Contains(t, body(rec), "Only an admin")
}
