package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// An external ID (an import's reference) is unique within an organization,
// whatever its letter case: filing a second request with it is a conflict
// that names the first and carries its ID, and creates nothing; another
// organization may use the same one, and learns nothing of ours.
func TestStore_ExternalIDOnCreate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	colleague := &sunshine.User{Email: "colleague@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.CreateUser(b.ctx, colleague))
	newRequest := func(title, ext string) *sunshine.Request {
		return &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ExternalID: &ext}
	}
	first := newRequest("Jail contracts", "row-17")
	require.NoError(t, b.s.CreateRequest(b.ctx, first))
	require.Equal(t, "row-17", *first.ExternalID)
	got, err := b.s.FindRequestByID(b.ctx, first.ID)
	require.NoError(t, err)
	require.Equal(t, "row-17", *got.ExternalID)

	for _, tc := range []struct {
		name     string
		assignee *string // someone else: filed in a transaction with their email
		ext      string
	}{
		{"filed alone", nil, "row-17"},
		{"assigned to a colleague", &colleague.ID, "row-17"},
		{"in another case", nil, "ROW-17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			again := newRequest("Jail contracts, again", tc.ext)
			again.AssigneeID = tc.assignee
			err := b.s.CreateRequest(b.ctx, again)
			requireField(t, err, sunshine.EConflict, "external_id")
			var e *sunshine.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, first.ID, e.ExistingID)
			require.Contains(t, e.Message, first.ID)
			require.Contains(t, e.Message, `"Jail contracts"`)
			if tc.ext != "row-17" {
				require.Contains(t, e.Message, `as "row-17": external IDs ignore letter case`)
			}
			require.Empty(t, again.ID, "nothing created")
		})
	}
	rs, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{})
	require.NoError(t, err)
	require.Len(t, rs, 1, "only the first request was filed")
	reminders, _, err := b.s.FindReminders(b.ctx, nil, 0, "")
	require.NoError(t, err)
	require.Empty(t, reminders, "nobody was emailed about a request that was not filed")

	other := storetest.Org(t, b.s, "other")
	theirs := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirs))
	r := &sunshine.Request{AgencyID: theirs.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail, ExternalID: first.ExternalID}
	require.NoError(t, b.s.CreateRequest(other.Ctx, r), "another organization may use the same external ID")
	rs, _, err = b.s.FindRequests(other.Ctx, sunshine.RequestFilter{ExternalID: "row-17"})
	require.NoError(t, err)
	require.Equal(t, []string{r.ID}, requestIDs(rs), "each organization finds its own")

	none := ""
	r = newRequest("Without one", none)
	require.NoError(t, b.s.CreateRequest(b.ctx, r))
	require.Nil(t, r.ExternalID, `"" is none`)
}

// Editing a request sets, changes or clears its external ID; one another
// request of the organization has is a conflict naming it, and changes
// nothing.
func TestStore_ExternalIDOnUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r1 := b.request(t, a, "Jail contracts", "2017-03-27")
	r2 := b.request(t, a, "Body camera footage", "2017-03-27")
	set := func(id, ext string) (*sunshine.Request, error) {
		return b.s.UpdateRequest(b.ctx, id, sunshine.RequestUpdate{ExternalID: &ext})
	}

	got, err := set(r1.ID, "MR-123456")
	require.NoError(t, err)
	require.Equal(t, "MR-123456", *got.ExternalID)

	before, err := b.s.FindRequestByID(b.ctx, r2.ID)
	require.NoError(t, err)
	_, err = set(r2.ID, "MR-123456")
	requireField(t, err, sunshine.EConflict, "external_id")
	var e *sunshine.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, r1.ID, e.ExistingID)
	require.Contains(t, e.Message, `"Jail contracts"`)
	after, err := b.s.FindRequestByID(b.ctx, r2.ID)
	require.NoError(t, err)
	require.Nil(t, after.ExternalID)
	require.Equal(t, before.Version, after.Version, "nothing changed")

	_, err = set(r2.ID, "mr-123456")
	requireField(t, err, sunshine.EConflict, "external_id")
	require.ErrorAs(t, err, &e)
	require.Equal(t, r1.ID, e.ExistingID, "taken in any case")

	got, err = set(r1.ID, "MR-123456")
	require.NoError(t, err)
	require.Equal(t, r1.Version+1, got.Version, "its own external ID again changes nothing")
	got, err = set(r1.ID, "mr-123456")
	require.NoError(t, err, "its own, in another case")
	require.Equal(t, "mr-123456", *got.ExternalID)

	_, err = set(r1.ID, " MR-123456")
	requireField(t, err, sunshine.EInvalid, "external_id")

	got, err = set(r1.ID, "")
	require.NoError(t, err)
	require.Nil(t, got.ExternalID, `"" clears it`)
	es, _, err := b.s.FindEvents(b.ctx, r1.ID, store.All, "")
	require.NoError(t, err)
	require.Equal(t, sunshine.EventUpdated, es[len(es)-1].Kind)
	require.JSONEq(t, `{"external_id": null}`, string(es[len(es)-1].Data))

	got, err = set(r2.ID, "MR-123456")
	require.NoError(t, err, "free again once cleared")
	require.Equal(t, "MR-123456", *got.ExternalID)
}

// The list finds a request by its external ID, whole but in any letter
// case, with the filter and typed in the words filter (q) as a tracking
// number is; never another organization's with the same ID.
func TestStore_FindRequestsByExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.agency(t, "Sheriff", "us-ca")
	r1 := b.request(t, a, "Jail contracts", "2017-03-27")
	r2 := b.request(t, a, "Row 17 of the jail log", "2017-03-28")
	for id, ext := range map[string]string{r1.ID: "row-17", r2.ID: "ABC-12"} {
		_, err := b.s.UpdateRequest(b.ctx, id, sunshine.RequestUpdate{ExternalID: &ext})
		require.NoError(t, err)
	}
	other := storetest.Org(t, b.s, "other")
	theirAgency := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirAgency))
	for _, ext := range []string{"abc-12", "Row 18"} {
		require.NoError(t, b.s.CreateRequest(other.Ctx, &sunshine.Request{AgencyID: theirAgency.ID, Title: "Theirs",
			DeliveryMethod: sunshine.DeliveryEmail, ExternalID: &ext}))
	}
	for _, tc := range []struct {
		name string
		f    sunshine.RequestFilter
		want []string
	}{
		{"filter", sunshine.RequestFilter{ExternalID: "row-17"}, []string{r1.ID}},
		{"filter in another case", sunshine.RequestFilter{ExternalID: "ROW-17"}, []string{r1.ID}},
		{"filter, lower case for upper", sunshine.RequestFilter{ExternalID: "abc-12"}, []string{r2.ID}},
		{"filter is whole", sunshine.RequestFilter{ExternalID: "abc"}, []string{}},
		{"filter, only another organization's", sunshine.RequestFilter{ExternalID: "row 18"}, []string{}},
		{"filter and status", sunshine.RequestFilter{ExternalID: "row-17", Statuses: []sunshine.Status{sunshine.StatusDraft}}, []string{}},
		{"q", sunshine.RequestFilter{Q: "row-17"}, []string{r1.ID}},
		{"q in another case", sunshine.RequestFilter{Q: "abc-12"}, []string{r2.ID}},
		{"q with spaces around", sunshine.RequestFilter{Q: " Abc-12 "}, []string{r2.ID}},
		{"q, only another organization's", sunshine.RequestFilter{Q: "row 18"}, []string{}},
		{"q still finds words", sunshine.RequestFilter{Q: "jail"}, []string{r1.ID, r2.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, _, err := b.s.FindRequests(b.ctx, tc.f)
			require.NoError(t, err)
			require.Equal(t, tc.want, requestIDs(rs))
		})
	}
}

func requestIDs(rs []*sunshine.Request) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// Search finds a request by its external ID typed whole, in any letter
// case, as the list's q does: a request hit, once, ranked first, within the search's filters and
// the caller's organization.
func TestStore_SearchByExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sheriff := b.agency(t, "Sheriff", "us-ca")
	police := b.agency(t, "Police", "us-ca")
	imported := b.request(t, sheriff, "Jail contracts", "2017-03-27")
	ext := "row-17"
	_, err := b.s.UpdateRequest(b.ctx, imported.ID, sunshine.RequestUpdate{ExternalID: &ext})
	require.NoError(t, err)
	// A request whose words match the text better than any other.
	quoting := &sunshine.Request{AgencyID: sheriff.ID, Title: "row-17 row-17", DeliveryMethod: sunshine.DeliveryEmail,
		ReceivedOn: d("2017-03-28"), Description: "The spreadsheet's row-17, row-17 again."}
	require.NoError(t, b.s.CreateRequest(b.ctx, quoting))
	other := storetest.Org(t, b.s, "other")
	theirAgency := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirAgency))
	require.NoError(t, b.s.CreateRequest(other.Ctx, &sunshine.Request{AgencyID: theirAgency.ID, Title: "Theirs",
		DeliveryMethod: sunshine.DeliveryEmail, ExternalID: &ext}))

	for _, tc := range []struct {
		name string
		f    store.SearchFilter
		want []string // request hits' IDs, in order
	}{
		{"exact, first, above better word matches", store.SearchFilter{Q: "row-17"}, []string{imported.ID, quoting.ID}},
		{"spaces around", store.SearchFilter{Q: "  row-17 "}, []string{imported.ID, quoting.ID}},
		{"whole, in any case", store.SearchFilter{Q: "ROW-17"}, []string{imported.ID, quoting.ID}},
		{"exact only: not a part", store.SearchFilter{Q: "row"}, []string{quoting.ID}},
		{"status filter", store.SearchFilter{Q: "row-17", Statuses: []sunshine.Status{sunshine.StatusDraft}}, []string{}},
		{"agency filter", store.SearchFilter{Q: "row-17", AgencyID: police.ID}, []string{}},
		{"dates filter", store.SearchFilter{Q: "row-17", From: d("2017-03-28")}, []string{quoting.ID}},
		{"second page", store.SearchFilter{Q: "row-17", Offset: 1}, []string{quoting.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, _, err := b.s.Search(b.ctx, tc.f)
			require.NoError(t, err)
			got := []string{}
			for _, h := range hits {
				require.Equal(t, "request", h.Kind)
				got = append(got, h.RequestID)
			}
			require.Equal(t, tc.want, got)
			for i := 1; i < len(hits); i++ {
				require.GreaterOrEqual(t, hits[i-1].Rank, hits[i].Rank, "ranked")
			}
		})
	}
	t.Run("another organization finds its own", func(t *testing.T) {
		hits, _, err := b.s.Search(other.Ctx, store.SearchFilter{Q: "row-17"})
		require.NoError(t, err)
		require.Len(t, hits, 1)
		require.Equal(t, "Theirs", hits[0].RequestTitle)
	})
}
