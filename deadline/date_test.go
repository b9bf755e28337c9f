package deadline

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDate_MatchesTimePackage(t *testing.T) {
	t.Parallel()
	// Every day from 1900 to 2199 round-trips and agrees with package time on
	// the civil fields and the weekday.
	for tm := time.Date(MinYear, 1, 1, 12, 0, 0, 0, time.UTC); tm.Year() <= MaxYear; tm = tm.AddDate(0, 0, 1) {
		d := DateOf(tm)
		y, m, dd := d.Civil()
		if y != tm.Year() || m != tm.Month() || dd != tm.Day() || d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: got %04d-%02d-%02d %s", tm.Format(time.DateOnly), y, m, dd, d.Weekday())
		}
		if d.String() != tm.Format(time.DateOnly) {
			t.Fatalf("String() = %q, want %q", d.String(), tm.Format(time.DateOnly))
		}
		if got := human(d); got != tm.Format(dateFmt) {
			t.Fatalf("human() = %q, want %q", got, tm.Format(dateFmt))
		}
	}
	require.Equal(t, "", human(Date{}))
	early := time.Date(500, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, early.Format(dateFmt), human(DateOf(early)), "the year padded like time.Format")
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     string // "" for an error
	}{
		{"Plain", "2017-03-27", "2017-03-27"},
		{"LeapDay", "2024-02-29", "2024-02-29"},
		{"LeapDay2000", "2000-02-29", "2000-02-29"},
		{"ErrNotLeap1900", "1900-02-29", ""},
		{"ErrNotLeap2023", "2023-02-29", ""},
		{"ErrMonth13", "2017-13-01", ""},
		{"ErrDay32", "2017-01-32", ""},
		{"ErrDay0", "2017-01-00", ""},
		{"ErrShort", "2017-3-27", ""},
		{"ErrSlashes", "2017/03/27", ""},
		{"ErrTimestamp", "2017-03-27T00:00:00Z", ""},
		{"ErrSign", "+017-03-27", ""},
		{"ErrYearTooEarly", "1899-12-31", ""},
		{"ErrYearTooLate", "2200-01-01", ""},
		{"ErrEmpty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDate(tc.in)
			if tc.want == "" {
				require.Error(t, err)
				require.True(t, d.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, d.String())
		})
	}
}

func TestDate_Arithmetic(t *testing.T) {
	t.Parallel()
	d := MustParseDate("2024-02-28")
	require.Equal(t, "2024-02-29", d.AddDays(1).String())
	require.Equal(t, "2024-03-01", d.AddDays(2).String())
	require.Equal(t, "2023-12-31", MustParseDate("2024-01-01").AddDays(-1).String())
	require.Equal(t, 366, MustParseDate("2024-01-01").DaysUntil(MustParseDate("2025-01-01")))
	require.Equal(t, -1, d.Compare(d.AddDays(1)))
	require.True(t, d.Before(d.AddDays(1)) && d.AddDays(1).After(d))
	require.Equal(t, time.Wednesday, d.Weekday())
	require.False(t, d.IsWeekend())
	require.True(t, MustParseDate("2024-03-02").IsWeekend())
	require.Equal(t, "Mon 27 Mar 2017", MustParseDate("2017-03-27").Format("Mon 2 Jan 2006"))
}

func TestDate_JSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		Due  Date `json:"due"`
		None Date `json:"none"`
	}
	b, err := json.Marshal(doc{Due: MustParseDate("2017-04-06")})
	require.NoError(t, err)
	require.JSONEq(t, `{"due":"2017-04-06","none":null}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"due":"2017-04-20","none":null}`), &got))
	require.Equal(t, MustParseDate("2017-04-20"), got.Due)
	require.True(t, got.None.IsZero())

	for _, bad := range []string{`{"due":"2017-04-31"}`, `{"due":20170420}`, `{"due":"20170420"}`, `{"due":"2017-04-20T00:00:00Z"}`} {
		require.Error(t, json.Unmarshal([]byte(bad), &got), bad)
	}
}

func TestDate_Text(t *testing.T) {
	t.Parallel()
	var d Date
	require.NoError(t, d.UnmarshalText([]byte("2028-12-31")))
	b, err := d.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "2028-12-31", string(b))
	require.NoError(t, d.UnmarshalText(nil))
	require.True(t, d.IsZero())
	require.Error(t, d.UnmarshalText([]byte("31/12/2028")))
}

func TestDate_SQL(t *testing.T) {
	t.Parallel()
	v, err := MustParseDate("2017-04-06").Value()
	require.NoError(t, err)
	require.Equal(t, "2017-04-06", v)
	v, err = Date{}.Value()
	require.NoError(t, err)
	require.Nil(t, v)

	// lib/pq hands a DATE over as midnight UTC; a zone west of UTC must not
	// turn it into the day before.
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	for name, src := range map[string]any{
		"TimeUTC":   time.Date(2017, 4, 6, 0, 0, 0, 0, time.UTC),
		"TimeLocal": time.Date(2017, 4, 6, 0, 0, 0, 0, la),
		"Bytes":     []byte("2017-04-06"),
		"String":    "2017-04-06",
	} {
		var d Date
		require.NoError(t, d.Scan(src), name)
		require.Equal(t, "2017-04-06", d.String(), name)
	}
	var d Date
	require.NoError(t, d.Scan(nil))
	require.True(t, d.IsZero())
	require.Error(t, d.Scan(42))
}

func TestToday_InAgencyZone(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	// 03:00 UTC on 6 April is still 5 April in Sacramento.
	now := time.Date(2017, 4, 6, 3, 0, 0, 0, time.UTC)
	require.Equal(t, "2017-04-05", Today(now, la).String())
	require.Equal(t, "2017-04-06", Today(now, time.UTC).String())
}

// FuzzParseDate: whatever the input, ParseDate either fails or returns a
// date that prints back as the same text.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2017-03-27", "2024-02-29", "2023-02-29", "0000-00-00", "9999-12-31", "2017-3-27", "２０１７-03-27"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("%q: error with a date %s", s, d)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("%q parsed as %s", s, d)
		}
	})
}
