package when_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/marketingminds/marketingminds/tools/when"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParse(t *testing.T) {
	t.Parallel()
	ny := zone(t, "America/New_York")
	london := zone(t, "Europe/London")
	// Saturday 31 October 2026, 10:00 EDT; the clocks go back at 02:00 on
	// Sunday 1 November.
	fall := time.Date(2026, 10, 31, 10, 0, 0, 0, ny)
	// Saturday 7 March 2026, 12:00 EST; the clocks go forward at 02:00 on
	// Sunday 8 March.
	spring := time.Date(2026, 3, 7, 12, 0, 0, 0, ny)
	tests := []struct {
		in   string
		now  time.Time
		loc  *time.Location
		want time.Time
	}{
		{"tomorrow 9am", fall, ny, utc("2026-11-01 14:00")}, // EST after the change
		{"tomorrow at 9 a.m.", fall, ny, utc("2026-11-01 14:00")},
		{"9am tomorrow", fall, ny, utc("2026-11-01 14:00")},
		{"noon tomorrow", fall, ny, utc("2026-11-01 17:00")},
		{"tomorrow 1:30am", fall, ny, utc("2026-11-01 05:30")}, // happens twice: the first (EDT)
		{"tomorrow 2:30am", fall, ny, utc("2026-11-01 07:30")},
		{"today 17:00", fall, ny, utc("2026-10-31 21:00")},
		{"today 9am", fall, ny, utc("2026-10-31 13:00")}, // in the past: returned as is
		{"tonight", fall, ny, utc("2026-11-01 00:00")},
		{"11am", fall, ny, utc("2026-10-31 15:00")},
		{"at 9am", fall, ny, utc("2026-11-01 14:00")}, // passed today: tomorrow
		{"9:30 PM", fall, ny, utc("2026-11-01 01:30")},
		{"midnight", fall, ny, utc("2026-11-01 04:00")},
		{"next Monday 14:30", fall, ny, utc("2026-11-02 19:30")},
		{"Monday 14:30", fall, ny, utc("2026-11-02 19:30")},
		{"on monday at 2:30pm", fall, ny, utc("2026-11-02 19:30")},
		{"Saturday 11am", fall, ny, utc("2026-10-31 15:00")},      // still ahead today
		{"Saturday 9am", fall, ny, utc("2026-11-07 14:00")},       // passed today: next week
		{"next saturday 11am", fall, ny, utc("2026-11-07 16:00")}, // "next": never today
		{"fri", fall, ny, utc("2026-11-06 14:00")},                // a day alone: 09:00
		{"Dec 5 10am", fall, ny, utc("2026-12-05 15:00")},
		{"December 5th, 10:00", fall, ny, utc("2026-12-05 15:00")},
		{"5 dec 2027 10am", fall, ny, utc("2027-12-05 15:00")},
		{"Jan 2", fall, ny, utc("2027-01-02 14:00")},       // passed this year: next year
		{"Oct 31 11am", fall, ny, utc("2026-10-31 15:00")}, // later today
		{"Feb 29", fall, ny, utc("2028-02-29 14:00")},      // the next leap year
		{"2026-12-01 09:00", fall, ny, utc("2026-12-01 14:00")},
		{"2026-12-01T09:00", fall, ny, utc("2026-12-01 14:00")},
		{"2026-12-01 09:00:30", fall, ny, utc("2026-12-01 14:00").Add(30 * time.Second)},
		{"2026-12-01 9am", fall, ny, utc("2026-12-01 14:00")},
		{"2026-12-01T09:00:00+01:00", fall, ny, utc("2026-12-01 08:00")},
		{"2026-12-01T09:00:00Z", fall, ny, utc("2026-12-01 09:00")},
		{"now", fall, ny, utc("2026-10-31 14:00")},
		{"in 2 hours", fall, ny, utc("2026-10-31 16:00")},
		{"in an hour", fall, ny, utc("2026-10-31 15:00")},
		{"in 90 minutes", fall, ny, utc("2026-10-31 15:30")},
		{"in 1h30m", fall, ny, utc("2026-10-31 15:30")},
		{"in 2hours", fall, ny, utc("2026-10-31 16:00")},
		{"In 1 day", fall, ny, utc("2026-11-01 15:00")}, // the same clock time, now EST
		{"in 2 weeks", fall, ny, utc("2026-11-14 15:00")},
		{"in 24 hours", fall, ny, utc("2026-11-01 14:00")}, // 24 real hours
		{"tomorrow 3:30am", spring, ny, utc("2026-03-08 07:30")},
		{"tomorrow 1:30am", spring, ny, utc("2026-03-08 06:30")},
		{"in 1 day", spring, ny, utc("2026-03-08 16:00")},
		{"2026-10-25 01:30", fall, london, utc("2026-10-25 00:30")}, // BST, the first of the two
		{"2026-10-25 02:30", fall, london, utc("2026-10-25 02:30")},
		{"2026-06-01 09:00", fall, nil, utc("2026-06-01 09:00")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := when.Parse(tt.in, tt.now, tt.loc)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Parse(%q) = %v, want %v UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	ny := zone(t, "America/New_York")
	now := time.Date(2026, 3, 7, 12, 0, 0, 0, ny)
	tests := []struct {
		in      string
		want    error
		mention string
	}{
		{"", when.ErrFormat, "empty"},
		{"   ", when.ErrFormat, "tomorrow 9am"},
		{"whenever", when.ErrFormat, `"whenever"`},
		{"13pm", when.ErrFormat, "1 to 12"},
		{"25:00", when.ErrFormat, "up to 23"},
		{"9:7", when.ErrFormat, "not a time of day"},
		{"tomorrow 9am 10am", when.ErrFormat, "next Monday 14:30"},
		{"in -2 hours", when.ErrFormat, "in 2 hours"},
		{"in 0 minutes", when.ErrFormat, "in 2 hours"},
		{"in 2 fortnights", when.ErrFormat, "in 2 hours"},
		{"next", when.ErrFormat, "RFC 3339"},
		{"last monday", when.ErrFormat, "next Monday"},
		{"Dec 5 1800", when.ErrFormat, "Dec 5 10am"},
		{"Feb 30", when.ErrNoSuchTime, "February 30 does not exist"},
		{"Feb 29 2027", when.ErrNoSuchTime, "does not exist"},
		{"tomorrow 2:30am", when.ErrNoSuchTime, "02:30 on Sun 8 Mar 2026 does not exist in America/New_York"},
		{"2026-03-08 02:00", when.ErrNoSuchTime, "the clocks skip it"},
		{"2026-02-30 09:00", when.ErrFormat, "2026-12-01 09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := when.Parse(tt.in, now, ny)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("Parse(%q) error %q does not mention %q", tt.in, err, tt.mention)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"tomorrow 9am", "in 2 hours", "next Monday 14:30", "today 17:00", "2026-12-01 09:00",
		"2026-12-01T09:00", "2026-12-01T09:00:00+01:00", "Dec 5 10am", "5 dec 2027", "feb 29", "in 1h30m", "noon",
		"12:00:00pm", "in 99999 weeks", "sat 11:59pm"} {
		f.Add(s)
	}
	ny := zone(f, "America/New_York")
	now := time.Date(2026, 10, 31, 10, 0, 0, 0, ny)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := when.Parse(s, now, ny)
		if err != nil {
			if !errors.Is(err, when.ErrFormat) && !errors.Is(err, when.ErrNoSuchTime) {
				t.Fatalf("Parse(%q) error %v is neither ErrFormat nor ErrNoSuchTime", s, err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("Parse(%q) = %v, not UTC", s, got)
		}
		again, err := when.Parse(got.Format(time.RFC3339Nano), now, ny)
		if err != nil || !again.Equal(got) {
			t.Fatalf("Parse(%q) = %v does not round-trip: %v, %v", s, got, again, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	ny := zone(b, "America/New_York")
	now := time.Date(2026, 10, 31, 10, 0, 0, 0, ny)
	for b.Loop() {
		if _, err := when.Parse("next Monday 14:30", now, ny); err != nil {
			b.Fatal(err)
		}
	}
}
