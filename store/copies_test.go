package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// Filing a request with more agencies files one request each, with the
// original's words and the dates given, and each copy's deadline under its
// own agency's law, as filing it alone would give; all share a group that
// the original starts; the original's timeline names them; and a copy
// filed from a copy joins the same group.
func TestStore_FileCopies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lasd := b.agency(t, "Los Angeles County Sheriff", "us-ca")
	erie := b.agency(t, "Erie County Sheriff", "us-ny")
	cook := b.agency(t, "Cook County Sheriff", "us-il")
	colleague := &sunshine.User{Email: "colleague@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.CreateUser(b.ctx, colleague))
	ext := "sheet-row-4"
	src := &sunshine.Request{AgencyID: lasd.ID, Title: "ICE communications", Description: "Every email with ICE since January.",
		DeliveryMethod: sunshine.DeliveryPortal, Tags: []string{"ice", "jails"}, TrackingNumber: "R-1", ExternalID: &ext,
		ReceivedOn: d("2017-03-30"), AssigneeID: &colleague.ID}
	require.NoError(t, b.s.CreateRequest(b.ctx, src))

	copies, err := b.s.FileCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{erie.ID, cook.ID},
		AssigneeID: &colleague.ID, SentOn: d("2017-04-03"), ReceivedOn: d("2017-04-03")})
	require.NoError(t, err)
	require.Len(t, copies, 2)
	for i, a := range []*sunshine.Agency{erie, cook} {
		c, err := b.s.FindRequestByID(b.ctx, copies[i].ID)
		require.NoError(t, err)
		alone := b.request(t, a, "Filed alone for comparison", "2017-04-03")
		require.Equal(t, a.ID, c.AgencyID)
		require.Equal(t, a.Jurisdiction, c.Jurisdiction)
		require.Equal(t, sunshine.StatusSubmitted, c.Status)
		require.Equal(t, d("2017-04-03"), c.ReceivedOn)
		require.Equal(t, alone.DueOn, c.DueOn, "%s: its own law's date", a.Name)
		require.False(t, c.DueOn.IsZero())
		require.Equal(t, src.Title, c.Title)
		require.Equal(t, src.Description, c.Description)
		require.Equal(t, src.Tags, c.Tags)
		require.Equal(t, src.DeliveryMethod, c.DeliveryMethod)
		require.Equal(t, colleague.ID, *c.AssigneeID)
		require.Empty(t, c.TrackingNumber, "the agency gives each its own")
		require.Nil(t, c.ExternalID, "unique to the original")
		require.Equal(t, src.ID, *c.GroupID)
	}
	again, err := b.s.FindRequestByID(b.ctx, src.ID)
	require.NoError(t, err)
	require.Equal(t, src.ID, *again.GroupID, "the original starts the group")
	require.Greater(t, again.Version, src.Version, "a new version: its group_id changed")

	es, err := b.s.FindTimeline(b.ctx, src.ID)
	require.NoError(t, err)
	last := es[len(es)-1]
	require.Equal(t, sunshine.EventCopiesFiled, last.Kind)
	require.Contains(t, string(last.Data), erie.Name)
	require.Contains(t, string(last.Data), copies[1].ID)
	reminders, _, err := b.s.FindReminders(b.ctx, nil, 0, "")
	require.NoError(t, err)
	var told []string
	for _, r := range reminders {
		require.Equal(t, sunshine.ReminderAssigned, r.Kind)
		require.Equal(t, colleague.ID, r.RecipientID)
		told = append(told, *r.RequestID)
	}
	require.ElementsMatch(t, []string{src.ID, copies[0].ID, copies[1].ID}, told,
		"the colleague is owed an assignment email for each copy too (delivered as one)")

	// From a copy: the same group.
	fresno := b.agency(t, "Fresno County Sheriff", "us-ca")
	more, err := b.s.FileCopies(b.ctx, copies[0].ID, sunshine.CopyInput{AgencyIDs: []string{fresno.ID}})
	require.NoError(t, err)
	require.Equal(t, src.ID, *more[0].GroupID)
	require.Equal(t, sunshine.StatusDraft, more[0].Status, "no receipt date: a draft")
	require.Nil(t, more[0].AssigneeID)
	// SameAssignee: the original's assignee, whatever AssigneeID says.
	kern := b.agency(t, "Kern County Sheriff", "us-ca")
	same, err := b.s.FileCopies(b.ctx, more[0].ID, sunshine.CopyInput{AgencyIDs: []string{kern.ID}, SameAssignee: true})
	require.NoError(t, err)
	require.Nil(t, same[0].AssigneeID, "the request filed from has none")
	tulare := b.agency(t, "Tulare County Sheriff", "us-ca")
	same, err = b.s.FileCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{tulare.ID}, SameAssignee: true})
	require.NoError(t, err)
	require.Equal(t, colleague.ID, *same[0].AssigneeID, "the original's")

	group, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{GroupID: src.ID})
	require.NoError(t, err)
	require.Len(t, group, 6)
	require.Subset(t, requestIDs(group), []string{src.ID, copies[0].ID, copies[1].ID, more[0].ID})
}

// A refused copy files nothing, not even the copies before it: a missing
// or another organization's agency, an agency the group has a request with
// already, a deactivated assignee, dates out of order or in the future;
// and another organization's request is not found.
func TestStore_FileCopiesRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lasd := b.agency(t, "Los Angeles County Sheriff", "us-ca")
	erie := b.agency(t, "Erie County Sheriff", "us-ny")
	cook := b.agency(t, "Cook County Sheriff", "us-il")
	src := b.request(t, lasd, "ICE communications", "2017-03-30")
	_, err := b.s.FileCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{erie.ID}})
	require.NoError(t, err)

	other := storetest.Org(t, b.s, "other")
	theirs := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca"}
	require.NoError(t, b.s.CreateAgency(other.Ctx, theirs))
	gone := &sunshine.User{Email: "gone@ndlon.example", Role: sunshine.RoleStaff}
	require.NoError(t, b.s.CreateUser(b.ctx, gone))
	inactive := false
	_, err = b.s.UpdateUser(b.ctx, gone.ID, sunshine.UserUpdate{Active: &inactive})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		in    sunshine.CopyInput
		field string
	}{
		{"no agency", sunshine.CopyInput{}, "agency_ids"},
		{"an agency twice", sunshine.CopyInput{AgencyIDs: []string{cook.ID, cook.ID}}, "agency_ids"},
		{"another organization's agency", sunshine.CopyInput{AgencyIDs: []string{cook.ID, theirs.ID}}, "agency_ids"},
		{"not an ID", sunshine.CopyInput{AgencyIDs: []string{cook.ID, "sheriff"}}, "agency_ids"},
		{"the original's agency", sunshine.CopyInput{AgencyIDs: []string{cook.ID, lasd.ID}}, "agency_ids"},
		{"an agency filed with already", sunshine.CopyInput{AgencyIDs: []string{cook.ID, erie.ID}}, "agency_ids"},
		{"a deactivated assignee", sunshine.CopyInput{AgencyIDs: []string{cook.ID}, AssigneeID: &gone.ID}, "assignee_id"},
		{"received before it was sent", sunshine.CopyInput{AgencyIDs: []string{cook.ID}, SentOn: d("2017-04-03"), ReceivedOn: d("2017-04-01")}, "received_on"},
		{"received next week", sunshine.CopyInput{AgencyIDs: []string{cook.ID}, ReceivedOn: d("2017-04-12")}, "received_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.s.FileCopies(b.ctx, src.ID, tc.in)
			requireField(t, err, sunshine.EInvalid, tc.field)
			group, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{GroupID: src.ID})
			require.NoError(t, err)
			require.Len(t, group, 2, "nothing filed")
		})
	}
	t.Run("another organization's request", func(t *testing.T) {
		_, err := b.s.FileCopies(other.Ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{theirs.ID}})
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
		err = b.s.CheckCopies(other.Ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{theirs.ID}})
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(err))
	})

	// Every field's mistake is named at once, by FileCopies and by
	// CheckCopies alike, and nothing is filed: a person fixes them all in
	// one go rather than one per try.
	every := sunshine.CopyInput{AgencyIDs: []string{cook.ID, erie.ID}, AssigneeID: &gone.ID,
		SentOn: d("2017-04-12"), ReceivedOn: d("2017-04-13")}
	_, filing := b.s.FileCopies(b.ctx, src.ID, every)
	for _, err := range []error{filing, b.s.CheckCopies(b.ctx, src.ID, every)} {
		var e *sunshine.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, sunshine.EInvalid, e.Code)
		require.ElementsMatch(t, []string{"agency_ids", "sent_on", "received_on", "assignee_id"}, fieldNames(e), e.Fields)
		require.Contains(t, e.Fields, sunshine.FieldError{Field: "agency_ids", Message: "the request was filed with Erie County Sheriff already"})
	}
	require.NoError(t, b.s.CheckCopies(b.ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{cook.ID}}), "a filing that would go through")
	group, _, err := b.s.FindRequests(b.ctx, sunshine.RequestFilter{GroupID: src.ID})
	require.NoError(t, err)
	require.Len(t, group, 2, "nothing filed")
}

// Copies filed at the same moment from two requests of one group, with the
// same agency, take turns on the group's first request: one files it, the
// other finds it filed and files nothing.
func TestStore_FileCopiesAtOnce(t *testing.T) {
	t.Parallel()
	s, fx, src := committedRequest(t)
	agency := func(name string) string {
		a := &sunshine.Agency{Name: name, Jurisdiction: "us-ca"}
		require.NoError(t, s.CreateAgency(fx.Ctx, a))
		return a.ID
	}
	first, err := s.FileCopies(fx.Ctx, src.ID, sunshine.CopyInput{AgencyIDs: []string{agency("Fresno County Sheriff")}})
	require.NoError(t, err)
	kern := agency("Kern County Sheriff")

	hold, err := s.DB().Beginx()
	require.NoError(t, err)
	defer hold.Rollback() //nolint:errcheck // released below
	_, err = hold.Exec(`SELECT 1 FROM requests WHERE id = $1 FOR UPDATE`, src.ID)
	require.NoError(t, err)
	errs := make(chan error, 2)
	for _, from := range []string{src.ID, first[0].ID} {
		go func() {
			_, err := s.FileCopies(fx.Ctx, from, sunshine.CopyInput{AgencyIDs: []string{kern}})
			errs <- err
		}()
	}
	waitUntilBlocked(t, s.DB(), "FROM requests WHERE org_id", 2, "both wait for the group's first request")
	require.NoError(t, hold.Rollback())
	var refused []error
	for range 2 {
		if err := <-errs; err != nil {
			refused = append(refused, err)
		}
	}
	require.Len(t, refused, 1, "one files it, the other is refused")
	requireField(t, refused[0], sunshine.EInvalid, "agency_ids")
	group, _, err := s.FindRequests(fx.Ctx, sunshine.RequestFilter{GroupID: src.ID, AgencyID: kern})
	require.NoError(t, err)
	require.Len(t, group, 1, "filed with Kern once")
}
