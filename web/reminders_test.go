package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// failReminders assigns the requests to the admin, plans their reminders
// and fails every one for good, as delivery does after its last try.
func (b *bundle) failReminders(rs ...*sunshine.Request) []string {
	b.t.Helper()
	for _, r := range rs {
		_, err := b.st.UpdateRequest(b.fx.Ctx, r.ID, sunshine.RequestUpdate{AssigneeID: &b.fx.Admin.ID})
		require.NoError(b.t, err)
	}
	_, err := b.st.PlanReminders(b.fx.Ctx, now)
	require.NoError(b.t, err)
	claimed, err := b.st.ClaimReminders(context.Background(), now.Add(time.Hour), 100, 10*time.Minute)
	require.NoError(b.t, err)
	require.NotEmpty(b.t, claimed)
	var ids []string
	for _, c := range claimed {
		require.NoError(b.t, b.st.MarkReminderFailed(b.fx.Ctx, c, "550 5.1.1 mailbox unavailable", now, true))
		ids = append(ids, c.ID)
	}
	return ids
}

func (b *bundle) reminderStatus(id string) string {
	b.t.Helper()
	rs, _, err := b.st.FindReminders(b.fx.Ctx, nil, 200, "")
	require.NoError(b.t, err)
	for _, r := range rs {
		if r.ID == id {
			return r.Status
		}
	}
	b.t.Fatalf("reminder %s not found", id)
	return ""
}

// Reminder emails that failed for good are not silent: the dashboard says
// how many, the reminder emails page lists each with the server's answer,
// and staff send one, or all, again. Viewers see them but cannot resend;
// another organization's answer 404.
func TestReminders_FailedAreShownAndResent(t *testing.T) {
	t.Parallel()
	b, a, r := sacramento(t)
	require.NotContains(t, body(b.get("/")), "could not be sent")
	require.Contains(t, body(b.get("/reminders")), "No reminder email yet.")

	second := &sunshine.Request{AgencyID: a.ID, Title: "Jail booking records", DeliveryMethod: sunshine.DeliveryEmail, ReceivedOn: r.ReceivedOn}
	require.NoError(t, b.st.CreateRequest(b.fx.Ctx, second))
	ids := b.failReminders(r, second)
	require.Len(t, ids, 2, "one due-soon reminder each")
	require.Contains(t, body(b.get("/")), `<p class="caution"><strong>2 reminder emails could not be sent.</strong> <a href="/reminders?status=failed">See why, and send them again</a>.</p>`)

	page := body(b.get("/reminders?status=failed"))
	require.Contains(t, page, `<a href="/reminders?status=failed" aria-current="page">Failed</a>`)
	require.Contains(t, page, `<a href="/requests/`+r.ID+`">`+r.Title+`</a>`)
	require.Contains(t, page, `<strong>Failed</strong> after 1 try: <span class="pre">550 5.1.1 mailbox unavailable</span>`)
	require.Contains(t, page, "The mail server refused it for good (a 5xx answer), often for a wrong or closed address")
	require.Contains(t, page, `action="/reminders/`+ids[0]+`/retry"`)
	require.Contains(t, page, b.fx.Admin.Name)
	require.Contains(t, body(b.get("/reminders?status=sent")), "No reminder email has this status.")
	require.Contains(t, body(b.get("/reminders?status=bogus")), `<a href="/reminders" aria-current="page">All</a>`, "an unknown status lists all")

	// One sent again.
	loc := requireRedirect(t, b.post("/reminders/"+ids[0]+"/retry", nil), "/reminders?status=failed")
	require.Contains(t, body(b.get(loc)), "The reminder is back in the outbox")
	require.Equal(t, "pending", b.reminderStatus(ids[0]))
	// Twice: it is no longer failed, and the page says so.
	loc = requireRedirect(t, b.post("/reminders/"+ids[0]+"/retry", nil), "/reminders?status=failed")
	require.Contains(t, body(b.get(loc)), "only a failed reminder can be retried; this one is pending.")

	// A viewer sees the list but no button, and cannot resend.
	viewer := &sunshine.User{Email: "viewer@ndlon.example", Role: sunshine.RoleViewer}
	require.NoError(t, b.st.CreateUser(b.fx.Ctx, viewer))
	require.NoError(t, b.st.SetPassword(context.Background(), viewer.ID, password))
	vb := *b
	vb.cookie = nil
	vb.login(viewer.Email)
	require.Contains(t, body(vb.get("/")), `<a href="/reminders?status=failed">See why</a>.`, "a viewer is not promised a button")
	vpage := body(vb.get("/reminders?status=failed"))
	require.Contains(t, vpage, "<strong>Failed</strong>")
	require.NotContains(t, vpage, `/retry"`)
	require.Equal(t, http.StatusForbidden, vb.post("/reminders/"+ids[0]+"/retry", nil).Code)
	require.Equal(t, http.StatusForbidden, vb.post("/reminders/retry", nil).Code)

	// Another organization's admin: 404 for ours, and none of ours listed.
	other := storetest.Org(t, b.st, "other")
	require.NoError(t, b.st.SetPassword(context.Background(), other.Admin.ID, password))
	ob := *b
	ob.cookie = nil
	ob.login(other.Admin.Email)
	require.Equal(t, http.StatusNotFound, ob.post("/reminders/"+ids[len(ids)-1]+"/retry", nil).Code)
	require.NotContains(t, body(ob.get("/reminders")), r.ID)
	require.Equal(t, "failed", b.reminderStatus(ids[len(ids)-1]))

	// All the others at once.
	require.Contains(t, body(b.get("/")), "<strong>1 reminder email could not be sent.</strong>")
	loc = requireRedirect(t, b.post("/reminders/retry", url.Values{"status": {"failed"}}), "/reminders")
	require.Equal(t, "/reminders?status=failed", loc, "back to the list it was sent from")
	require.Contains(t, body(b.get(loc)), "1 reminder is back in the outbox")
	for _, id := range ids {
		require.Equal(t, "pending", b.reminderStatus(id))
	}
	require.NotContains(t, body(b.get("/")), "could not be sent")
	loc = requireRedirect(t, b.post("/reminders/retry", nil), "/reminders")
	require.Contains(t, body(b.get(loc)), "No failed reminder was left to send.")
}
