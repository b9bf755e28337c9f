package web_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// bulkFixture is the Sacramento request and two more, and a colleague to
// hand them to.
func bulkFixture(t *testing.T) (*bundle, []*sunshine.Request, *sunshine.User) {
	t.Helper()
	b, a, r := sacramento(t)
	reqs := []*sunshine.Request{r}
	for _, title := range []string{"Jail contracts", "Booking logs"} {
		x := &sunshine.Request{AgencyID: a.ID, Title: title, DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: deadline.MustParseDate("2017-03-28")}
		require.NoError(t, b.st.CreateRequest(b.fx.Ctx, x))
		reqs = append(reqs, x)
	}
	ana := &sunshine.User{Email: "ana@ndlon.example", Name: "Ana Ruiz", Role: sunshine.RoleStaff}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, ana))
	return b, reqs, ana
}

// The list's bulk form changes the ticked requests, comes back to the same
// list, and says what it did.
func TestRequestList_Bulk(t *testing.T) {
	t.Parallel()
	b, reqs, ana := bulkFixture(t)
	list := b.get("/requests?status=open&q=")
	require.Equal(t, http.StatusOK, list.Code)
	page := body(list)
	require.Contains(t, page, `action="/requests/bulk?status=open&amp;q="`, "the form keeps the list's filters")
	for _, r := range reqs {
		require.Contains(t, page, `<input type="checkbox" name="id" value="`+r.ID+`" form="bulk"`)
	}
	require.Contains(t, page, `<option value="`+ana.ID+`">Ana Ruiz (ana@ndlon.example)</option>`)

	rec := b.post("/requests/bulk?status=open&q=", url.Values{"id": {reqs[0].ID, reqs[1].ID}, "action": {"assign"},
		"assignee_id": {ana.ID}, "assignment_note": {"Yours from today."}})
	require.Equal(t, "/requests?status=open&q=", requireRedirect(t, rec, "/requests"))
	require.Contains(t, html.UnescapeString(body(b.get("/requests?status=open&q="))), "2 requests assigned to Ana Ruiz.")
	for i, r := range reqs {
		got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, i < 2, got.AssigneeID != nil && *got.AssigneeID == ana.ID, r.Title)
	}

	for _, tc := range []struct {
		name string
		form url.Values
		note string
	}{
		{"assign again", url.Values{"id": {reqs[0].ID, reqs[2].ID}, "action": {"assign"}, "assignee_id": {ana.ID}},
			"1 request assigned to Ana Ruiz. 1 was already."},
		{"unassign", url.Values{"id": {reqs[0].ID}, "action": {"assign"}, "assignee_id": {""}}, "1 request unassigned."},
		{"add a tag", url.Values{"id": {reqs[0].ID, reqs[1].ID}, "action": {"add_tag"}, "tag": {" jail "}}, "Tag “jail” added to 2 requests."},
		{"add it again", url.Values{"id": {reqs[1].ID, reqs[2].ID}, "action": {"add_tag"}, "tag": {"JAIL"}}, "Tag “JAIL” added to 1 request. 1 had it already."},
		{"remove it", url.Values{"id": {reqs[0].ID}, "action": {"remove_tag"}, "tag": {"Jail"}}, "Tag “Jail” removed from 1 request."},
		{"watch", url.Values{"id": {reqs[0].ID, reqs[1].ID}, "action": {"watch"}}, "You watch 2 requests more: their reminders come to you."},
		{"unwatch", url.Values{"id": {reqs[1].ID, reqs[2].ID}, "action": {"unwatch"}}, "You no longer watch 1 request. You did not watch 1."},
		{"nothing to do", url.Values{"id": {reqs[2].ID}, "action": {"unwatch"}}, "Nothing changed. You did not watch 1."},
		{"close", url.Values{"id": {reqs[2].ID}, "action": {"close"}, "close": {"withdrawn"}, "close_note": {"Campaign over."}}, "1 request closed as withdrawn."},
	} {
		rec := b.post("/requests/bulk", tc.form)
		requireRedirect(t, rec, "/requests")
		require.Contains(t, html.UnescapeString(body(b.get("/requests"))), tc.note, tc.name)
	}
	tagsOf := func(r *sunshine.Request) []string {
		got, err := b.st.FindRequestByID(b.fx.Ctx, r.ID)
		require.NoError(t, err)
		return got.Tags
	}
	require.Equal(t, []string{}, tagsOf(reqs[0]))
	require.Equal(t, []string{"jail"}, tagsOf(reqs[1]))
	require.Equal(t, []string{"JAIL"}, tagsOf(reqs[2]))
	closed, err := b.st.FindRequestByID(b.fx.Ctx, reqs[2].ID)
	require.NoError(t, err)
	require.Equal(t, sunshine.StatusWithdrawn, closed.Status)
	ws, err := b.st.Watchers(b.fx.Ctx, reqs[0].ID)
	require.NoError(t, err)
	require.Len(t, ws, 1)
}

// A refused bulk change changes nothing and shows the same list with the
// problems and the ticks kept; a viewer has no bulk form and cannot post.
func TestRequestList_BulkRefused(t *testing.T) {
	t.Parallel()
	b, reqs, ana := bulkFixture(t)
	other := storetest.Org(t, b.st, "other")
	oa := &sunshine.Agency{Name: "Their sheriff", Jurisdiction: "us-ca"}
	require.NoError(t, b.st.CreateAgency(other.Ctx, oa))
	theirs := &sunshine.Request{AgencyID: oa.ID, Title: "Theirs", DeliveryMethod: sunshine.DeliveryEmail}
	require.NoError(t, b.st.CreateRequest(other.Ctx, theirs))
	var many []string
	for i := range 20 {
		many = append(many, "t"+string(rune('a'+i)))
	}
	_, err := b.st.UpdateRequest(b.fx.Ctx, reqs[2].ID, sunshine.RequestUpdate{Tags: &many})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		errs   []string
	}{
		{"nothing ticked, no tag", url.Values{"action": {"add_tag"}}, http.StatusBadRequest,
			[]string{"Requests: none is ticked: tick the requests to change in the list", "Tag is required: the tag to add"}},
		{"no change chosen", url.Values{"id": {reqs[0].ID}, "action": {"paint"}}, http.StatusBadRequest, []string{"Change: choose what to change"}},
		{"a note without an assignee", url.Values{"id": {reqs[0].ID}, "action": {"assign"}, "assignee_id": {""}, "assignment_note": {"hi"}},
			http.StatusBadRequest, []string{"Note for them: goes with an assignee: choose who the requests go to"}},
		{"a 21st tag", url.Values{"id": {reqs[0].ID, reqs[2].ID}, "action": {"add_tag"}, "tag": {"jail"}}, http.StatusBadRequest,
			[]string{"Tag: “Booking logs”: at most 20 tags"}},
		{"an open status", url.Values{"id": {reqs[0].ID}, "action": {"close"}, "close": {"acknowledged"}}, http.StatusBadRequest,
			[]string{"Close them as: \"acknowledged\" is not a closed status"}},
		{"another organization's request", url.Values{"id": {reqs[0].ID, theirs.ID}, "action": {"assign"}, "assignee_id": {ana.ID}},
			http.StatusNotFound, []string{"Requests: one of them is not your organization's request (or no longer exists): nothing was changed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post("/requests/bulk?tag=", tc.form)
			require.Equal(t, tc.status, rec.Code, body(rec))
			page := html.UnescapeString(body(rec))
			require.Contains(t, page, "Nothing was changed.")
			for _, e := range tc.errs {
				require.Contains(t, page, e)
			}
			require.Contains(t, page, `action="/requests/bulk?tag="`, "the same list")
			for _, id := range tc.form["id"] {
				if id != theirs.ID {
					require.Contains(t, page, `value="`+id+`" form="bulk" aria-label="Select “`, id)
					require.Regexp(t, `value="`+id+`" form="bulk" aria-label="[^"]*" checked`, page, "still ticked")
				}
			}
			got, err := b.st.FindRequestByID(b.fx.Ctx, reqs[0].ID)
			require.NoError(t, err)
			require.Nil(t, got.AssigneeID)
			require.Empty(t, got.Tags)
		})
	}
}

// "Follow them up automatically" turns the ticked requests' automatic
// follow-ups on, signed by whoever did it, every so many days; "Stop
// following them up automatically" turns them off.
func TestRequestList_BulkAutoFollowUps(t *testing.T) {
	t.Parallel()
	b, reqs, _ := bulkFixture(t)
	page := body(b.get("/requests"))
	require.Contains(t, page, `<option value="follow_up" >Follow them up automatically…</option>`)
	require.Contains(t, page, `<option value="14" selected>14 days without news</option>`)

	rec := b.post("/requests/bulk", url.Values{"id": {reqs[0].ID, reqs[1].ID}, "action": {"follow_up"}, "every_days": {"21"}})
	requireRedirect(t, rec, "/requests")
	require.Contains(t, html.UnescapeString(body(b.get("/requests"))),
		"Automatic follow-ups on for 2 requests: every 21 days without news once their date has passed, signed by you.")
	for i, r := range reqs {
		got, err := b.st.FindAutoFollowUp(b.fx.Ctx, r.ID)
		require.NoError(t, err)
		if i < 2 {
			require.Equal(t, 21, got.EveryDays, r.Title)
		} else {
			require.Nil(t, got, r.Title)
		}
	}

	rec = b.post("/requests/bulk", url.Values{"id": {reqs[0].ID}, "action": {"follow_up"}, "every_days": {"3"}})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Regexp(t, `<p class="field-error" id="bulk-every-days-error">[^<]*must be 7 to 90 days`, body(rec))

	requireRedirect(t, b.post("/requests/bulk", url.Values{"id": {reqs[0].ID, reqs[2].ID}, "action": {"no_follow_up"}}), "/requests")
	require.Contains(t, html.UnescapeString(body(b.get("/requests"))), "Automatic follow-ups stopped for 1 request. 1 had none.")
	got, err := b.st.FindAutoFollowUp(b.fx.Ctx, reqs[0].ID)
	require.NoError(t, err)
	require.Nil(t, got)
}
