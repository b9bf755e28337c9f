package sunshine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sunshine "github.com/sunshine-records/sunshine"
	"github.com/sunshine-records/sunshine/deadline"
)

// Limits on names and text count characters, as the messages (and
// PostgreSQL's length()) say, not bytes: a title of 300 "é" (600 bytes) is
// allowed, 301 is not. A message's limit is in bytes, and says so.
func TestLimitsCountCharacters(t *testing.T) {
	t.Parallel()
	request := func(edit func(*sunshine.Request)) error {
		r := &sunshine.Request{Title: "x", DeliveryMethod: sunshine.DeliveryEmail}
		edit(r)
		return r.Validate()
	}
	comm := func(edit func(*sunshine.Communication)) error {
		c := &sunshine.Communication{Direction: sunshine.DirectionIn, Channel: "email", Kind: sunshine.KindOther,
			OccurredOn: deadline.MustParseDate("2017-03-28")}
		edit(c)
		return c.Validate()
	}
	for _, tc := range []struct {
		name  string
		err   error
		field string // "" when valid
		msg   string
	}{
		{"title of 300 é", request(func(r *sunshine.Request) { r.Title = strings.Repeat("é", 300) }), "", ""},
		{"title of 301 é", request(func(r *sunshine.Request) { r.Title = strings.Repeat("é", 301) }), "title", "must be 1 to 300 characters"},
		{"text of 20000 日", request(func(r *sunshine.Request) { r.Description = strings.Repeat("日", 20000) }), "", ""},
		{"text of 20001 日", request(func(r *sunshine.Request) { r.Description = strings.Repeat("日", 20001) }), "description", "must be at most 20000 characters"},
		{"tag of 50 日", request(func(r *sunshine.Request) { r.Tags = []string{strings.Repeat("日", 50)} }), "", ""},
		{"tag of 51 日", request(func(r *sunshine.Request) { r.Tags = []string{strings.Repeat("日", 51)} }), "tags", "each tag must be 1 to 50 characters"},
		{"agency of 300 ñ", (&sunshine.Agency{Name: strings.Repeat("ñ", 300), Jurisdiction: "us-ca"}).Validate(), "", ""},
		{"contact of 301 ñ", (&sunshine.Agency{Name: "x", Jurisdiction: "us-ca", RecordsContact: strings.Repeat("ñ", 301)}).Validate(),
			"records_contact", "must be at most 300 characters"},
		{"subject of 1000 ü", comm(func(c *sunshine.Communication) { c.Subject = strings.Repeat("ü", 1000) }), "", ""},
		{"subject of 1001 ü", comm(func(c *sunshine.Communication) { c.Subject = strings.Repeat("ü", 1001) }), "subject", "must be at most 1000 characters"},
		{"message of 1,000,001 bytes", comm(func(c *sunshine.Communication) { c.Body = strings.Repeat("a", 1_000_001) }), "body", "must be at most 1000000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.field == "" {
				require.NoError(t, tc.err)
				return
			}
			require.Equal(t, sunshine.EInvalid, sunshine.ErrorCode(tc.err), "%v", tc.err)
			var e *sunshine.Error
			require.ErrorAs(t, tc.err, &e)
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field+": "+f.Message)
			}
			require.Equal(t, []string{tc.field + ": " + tc.msg}, got)
		})
	}
}

// Correcting an agency's law moves its time zone along when it was the old
// law's default, and keeps one chosen on purpose.
func TestAgencyUpdate_TimeZoneFollowsTheLaw(t *testing.T) {
	t.Parallel()
	ny, denver := "us-ny", "America/Denver"
	for _, tc := range []struct {
		name     string
		zone     string // the agency's before
		upd      sunshine.AgencyUpdate
		wantZone string
	}{
		{"the old law's default follows", "America/Los_Angeles", sunshine.AgencyUpdate{Jurisdiction: &ny}, "America/New_York"},
		{"a zone chosen on purpose stays", "America/Denver", sunshine.AgencyUpdate{Jurisdiction: &ny}, "America/Denver"},
		{"a zone given with the law wins", "America/Los_Angeles", sunshine.AgencyUpdate{Jurisdiction: &ny, TimeZone: &denver}, "America/Denver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &sunshine.Agency{Name: "Police", Jurisdiction: "us-ca", TimeZone: tc.zone}
			tc.upd.Apply(a)
			require.NoError(t, a.Validate())
			require.Equal(t, tc.wantZone, a.TimeZone)
			require.Equal(t, "us-ny", a.Jurisdiction)
		})
	}
}

// Tags are trimmed and a repeat is dropped, whatever its case: the first
// spelling stays.
func TestNormalizeTags(t *testing.T) {
	t.Parallel()
	tags, f := sunshine.NormalizeTags([]string{" ICE ", "jail", "ice", "Jail", "x"})
	require.Nil(t, f)
	require.Equal(t, []string{"ICE", "jail", "x"}, tags)
	many := make([]string, 0, 25)
	for i := range 25 {
		many = append(many, strings.Repeat("t", i%5+1)) // 5 distinct tags, repeated
	}
	tags, f = sunshine.NormalizeTags(many)
	require.Nil(t, f, "25 tags but 5 distinct")
	require.Len(t, tags, 5)
}
