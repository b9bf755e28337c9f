package store_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/store"
	"github.com/sunshine-records/sunshine/store/storetest"
)

// A person's sessions say which browser opened them, from where, and when
// each was last used (written at most every LastSeenEvery); they sign one
// out, or all but the one they use, and never anyone else's.
func TestStore_MySessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.s.SetPassword(context.Background(), b.fx.Admin.ID, stepPassword))
	signIn := func(c store.Client) string {
		t.Helper()
		tok, _, _, err := b.s.Login(store.WithClient(context.Background(), c), b.fx.Admin.Email, stepPassword)
		require.NoError(t, err)
		return tok
	}
	laptop := signIn(store.Client{IP: "203.0.113.9", UserAgent: "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/133.0"})
	b.clk.Set(now.Add(time.Minute))
	long := strings.Repeat("é", 200) // 400 bytes: cut on a character
	phone := signIn(store.Client{IP: "2001:db8::1", UserAgent: long})

	list, err := b.s.MySessions(b.fx.Ctx, laptop)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.True(t, list[0].Current, "the one asking first")
	require.Equal(t, "203.0.113.9", list[0].ClientIP)
	require.Contains(t, list[0].UserAgent, "Firefox/133.0")
	require.WithinDuration(t, now, *list[0].LastSeenAt, time.Second)
	require.False(t, list[1].Current)
	require.Equal(t, "2001:db8::1", list[1].ClientIP)
	require.True(t, utf8.ValidString(list[1].UserAgent))
	require.Equal(t, 300, len(list[1].UserAgent))

	// Used within LastSeenEvery: not written again; after it: written.
	b.clk.Set(now.Add(time.Minute + store.LastSeenEvery - time.Second))
	_, err = b.s.Session(context.Background(), phone)
	require.NoError(t, err)
	list, err = b.s.MySessions(b.fx.Ctx, laptop)
	require.NoError(t, err)
	require.WithinDuration(t, now.Add(time.Minute), *list[1].LastSeenAt, time.Second)
	b.clk.Set(now.Add(time.Minute + store.LastSeenEvery))
	_, err = b.s.Session(context.Background(), phone)
	require.NoError(t, err)
	list, err = b.s.MySessions(b.fx.Ctx, laptop)
	require.NoError(t, err)
	require.WithinDuration(t, b.clk.Now(), *list[1].LastSeenAt, time.Second)

	// Another person's session, or no session at all: not found.
	other := storetest.Org(t, b.s, "other")
	require.NoError(t, b.s.SetPassword(context.Background(), other.Admin.ID, stepPassword))
	theirs, _, _, err := b.s.Login(context.Background(), other.Admin.Email, stepPassword)
	require.NoError(t, err)
	theirList, err := b.s.MySessions(other.Ctx, theirs)
	require.NoError(t, err)
	require.Len(t, theirList, 1)
	for _, id := range []string{theirList[0].ID, "not-a-uuid", "6f1c7a52-1e7b-4a4e-8f0e-1b1f2a9e0c11"} {
		require.Equal(t, sunshine.ENotFound, sunshine.ErrorCode(b.s.EndMySession(b.fx.Ctx, id)), id)
	}
	_, err = b.s.Session(context.Background(), theirs)
	require.NoError(t, err, "theirs stays")

	require.NoError(t, b.s.EndMySession(b.fx.Ctx, list[1].ID))
	_, err = b.s.Session(context.Background(), phone)
	require.Equal(t, sunshine.EUnauthorized, sunshine.ErrorCode(err), "the phone is signed out")

	// Everywhere else: the one asking stays.
	signIn(store.Client{})
	signIn(store.Client{})
	n, err := b.s.EndMyOtherSessions(b.fx.Ctx, laptop)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	list, err = b.s.MySessions(b.fx.Ctx, laptop)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.True(t, list[0].Current)
	_, err = b.s.Session(context.Background(), theirs)
	require.NoError(t, err, "another person's stays")
}
