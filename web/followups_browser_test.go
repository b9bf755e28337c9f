package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
)

// In a real browser: a note ticked for a colleague says whom it is for,
// in the confirmation and the timeline, and owes them an email; then
// "Follow up automatically" turns on from its panel, which says when the
// next goes and who signs it. The phone width keeps both panels within
// the screen.
func TestBrowser_NoteForAColleagueAndAutoFollowUps(t *testing.T) {
	b, ls := openRequestPage(t)
	maria := &sunshine.User{Email: "maria@ndlon.example", Name: "Maria López", Role: sunshine.RoleStaff}
	require.NoError(t, ls.st.CreateUser(ls.ndlon.Ctx, maria))
	b.do("reload, with Maria to choose", chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`#note summary`)))

	b.do("write a note for Maria",
		chromedp.Click(chromedp.CSS(`#note summary`)),
		chromedp.SendKeys(chromedp.CSS(`#note-text`), "Maria, can you call the records officer?"),
		chromedp.Click(chromedp.CSS(`#mention-`+maria.ID)),
		chromedp.Click(chromedp.CSS(`form[action$="/notes#note"] button[type="submit"]`)))
	b.waitText("the note's confirmation", "Note added to the timeline, for Maria López.", "Internal note for Maria López (maria@ndlon.example)")
	owed, _, err := ls.st.FindReminders(ls.ndlon.Ctx, []string{"pending"}, 0, "")
	require.NoError(t, err)
	var to []string
	for _, r := range owed {
		if r.Kind == sunshine.ReminderMentioned {
			to = append(to, r.RecipientID)
		}
	}
	require.Equal(t, []string{maria.ID}, to)

	b.do("turn automatic follow-ups on, every 7 days",
		chromedp.Click(chromedp.CSS(`#auto-follow-up summary`)),
		chromedp.SetValue(chromedp.CSS(`#autofollowup-every-days`), "7"),
		chromedp.Click(chromedp.CSS(`form[action$="/auto_follow_up#auto-follow-up"] button[type="submit"]:not([name])`)))
	b.waitText("the follow-ups' confirmation", "Automatic follow-ups on: every 7 days without news", "signed by Admin of ndlon")
	a, err := ls.st.FindAutoFollowUp(ls.ndlon.Ctx, ls.request.ID)
	require.NoError(t, err)
	require.Equal(t, 7, a.EveryDays)

	b.do("the phone's width", chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait))
	for _, id := range []string{"note", "auto-follow-up"} {
		require.True(t, evaluate[bool](b, "the "+id+" panel within the screen", `(function () {
			var p = document.getElementById("`+id+`"); p.open = true;
			return p.getBoundingClientRect().right <= document.documentElement.clientWidth + 1;
		})()`), id)
	}
	b.screenshot("note-mentions-and-follow-ups")
}
