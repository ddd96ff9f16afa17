// Package when reads the times people write ("tomorrow 9am", "in 2 hours",
// "next Monday 14:30", "Dec 5 10am", "2026-12-01 09:00", RFC 3339) in a
// time zone and returns the instant in UTC. It is pure: the current time and
// the zone are arguments, so callers and tests decide both.
package when

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Forms names what Parse reads; errors repeat it so a person can fix their
// words.
const Forms = `"tomorrow 9am", "today 17:00", "in 2 hours", "next Monday 14:30", "Friday 5pm", ` +
	`"Dec 5 10am", "2026-12-01 09:00", "2026-12-01T09:00" or RFC 3339 ("2026-12-01T09:00:00+01:00")`

// DefaultHour is the time of day used when only a day is given.
const DefaultHour = 9

// ErrFormat is a time Parse cannot read; ErrNoSuchTime is a local time that
// does not exist (a date like 30 February, or a clock skipped by a
// daylight-saving change).
var (
	ErrFormat     = errors.New("not a time I can read")
	ErrNoSuchTime = errors.New("no such time")
)

// localLayouts are the numeric local forms, read in the caller's zone.
var localLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// Parse reads s in loc (nil: UTC), relative to now, and returns UTC. A day
// without a time means DefaultHour:00; a time without a day means its next
// occurrence; "Monday" is the soonest Monday at that time still ahead,
// "next Monday" the Monday after today. A wall-clock time that happens
// twice (clocks going back) is the first of the two; one that never
// happens (clocks going forward) is ErrNoSuchTime. Parse does not reject
// times in the past: callers that need a future time check it.
func Parse(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	raw := strings.TrimSpace(s)
	if raw == "" {
		return time.Time{}, fmt.Errorf("when: %w: the time is empty; write one of %s", ErrFormat, Forms)
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range localLayouts {
		if t, err := time.Parse(layout, raw); err == nil {
			return wall(loc, t.Year(), t.Month(), t.Day(), clock{t.Hour(), t.Minute(), t.Second()}, raw)
		}
	}
	p := parser{raw: raw, now: now.In(loc), loc: loc, toks: tokenize(raw)}
	return p.parse()
}

type clock struct{ h, m, s int }

type parser struct {
	raw  string
	now  time.Time
	loc  *time.Location
	toks []string
}

func (p *parser) fail() error {
	return fmt.Errorf("when: %w: %q; write one of %s", ErrFormat, p.raw, Forms)
}

func (p *parser) parse() (time.Time, error) {
	toks := p.toks
	if len(toks) == 1 && toks[0] == "now" {
		return p.now.UTC(), nil
	}
	if len(toks) >= 2 && toks[0] == "in" {
		return p.relative(toks[1:])
	}
	// Take the time of day out, wherever it is; the rest names the day.
	var clk *clock
	var rest []string
	for _, tok := range toks {
		if tok == "at" || tok == "on" {
			continue
		}
		if c, ok, err := readClock(tok); err != nil {
			return time.Time{}, fmt.Errorf("when: %w: %q: %v", ErrFormat, p.raw, err)
		} else if ok {
			if clk != nil {
				return time.Time{}, p.fail()
			}
			clk = &c
			continue
		}
		rest = append(rest, tok)
	}
	if len(rest) == 0 {
		if clk == nil {
			return time.Time{}, p.fail()
		}
		return p.nextClock(*clk)
	}
	y, m, d, soonest, err := p.day(rest, clk)
	if err != nil {
		return time.Time{}, err
	}
	c := clock{h: DefaultHour}
	if len(rest) == 1 && rest[0] == "tonight" {
		c = clock{h: 20}
	}
	if clk != nil {
		c = *clk
	}
	t, err := wall(p.loc, y, m, d, c, p.raw)
	if err != nil || !soonest || t.After(p.now) {
		return t, err
	}
	// A bare weekday whose time today has passed: the same day next week.
	return wall(p.loc, y, m, d+7, c, p.raw)
}

// nextClock is the next occurrence of c: today if still ahead, else
// tomorrow.
func (p *parser) nextClock(c clock) (time.Time, error) {
	y, m, d := p.now.Date()
	t, err := wall(p.loc, y, m, d, c, p.raw)
	if err != nil || t.After(p.now) {
		return t, err
	}
	return wall(p.loc, y, m, d+1, c, p.raw)
}

// relative reads what follows "in": "2 hours", "an hour", "90 minutes",
// "1h30m", "3 days", "2 weeks" (days and weeks keep the clock time).
func (p *parser) relative(toks []string) (time.Time, error) {
	if len(toks) == 1 {
		if d, err := time.ParseDuration(toks[0]); err == nil && d > 0 {
			return p.now.Add(d).UTC(), nil
		}
		if n, unit, ok := splitNumberUnit(toks[0]); ok {
			toks = []string{n, unit}
		}
	}
	if len(toks) != 2 {
		return time.Time{}, p.fail()
	}
	n, err := count(toks[0])
	if err != nil || n <= 0 {
		return time.Time{}, p.fail()
	}
	switch strings.TrimSuffix(toks[1], "s") {
	case "minute", "min", "m":
		return p.now.Add(time.Duration(n) * time.Minute).UTC(), nil
	case "hour", "hr", "h":
		return p.now.Add(time.Duration(n) * time.Hour).UTC(), nil
	case "day", "d":
		return p.now.AddDate(0, 0, n).UTC(), nil
	case "week", "w", "wk":
		return p.now.AddDate(0, 0, 7*n).UTC(), nil
	}
	return time.Time{}, p.fail()
}

// day reads the day part: today, tomorrow, [this|next] weekday, a month
// and a day with an optional year, or an ISO date. soonest says the day is
// a bare weekday that moves a week on if its time today has passed.
func (p *parser) day(toks []string, clk *clock) (y int, m time.Month, d int, soonest bool, err error) {
	y, m, d = p.now.Date()
	switch {
	case len(toks) == 1 && toks[0] == "today":
		return y, m, d, false, nil
	case len(toks) == 1 && (toks[0] == "tomorrow" || toks[0] == "tmrw"):
		return y, m, d + 1, false, nil
	case len(toks) == 1 && toks[0] == "tonight":
		return y, m, d, false, nil
	}
	if len(toks) <= 2 {
		qual, name := "", toks[len(toks)-1]
		if len(toks) == 2 {
			qual = toks[0]
		}
		if wd, ok := weekday(name); ok && (qual == "" || qual == "this" || qual == "next") {
			ahead := (int(wd) - int(p.now.Weekday()) + 7) % 7
			if qual == "next" && ahead == 0 {
				ahead = 7
			}
			return y, m, d + ahead, qual == "" || qual == "this", nil
		}
	}
	if len(toks) == 1 {
		if t, perr := time.Parse("2006-01-02", toks[0]); perr == nil {
			return t.Year(), t.Month(), t.Day(), false, nil
		}
	}
	return p.calendarDay(toks, clk)
}

// calendarDay reads "dec 5", "5 dec", "december 5th 2026", "5 dec 2026".
// Without a year, the date is this year's unless that has passed.
func (p *parser) calendarDay(toks []string, clk *clock) (int, time.Month, int, bool, error) {
	if len(toks) < 2 || len(toks) > 3 {
		return 0, 0, 0, false, p.fail()
	}
	mon, okm := month(toks[0])
	dayTok := toks[1]
	if !okm {
		mon, okm = month(toks[1])
		dayTok = toks[0]
	}
	if !okm {
		return 0, 0, 0, false, p.fail()
	}
	d, err := dayOfMonth(dayTok)
	if err != nil {
		return 0, 0, 0, false, p.fail()
	}
	year, explicit := p.now.Year(), false
	if len(toks) == 3 {
		y, err := strconv.Atoi(toks[2])
		if err != nil || y < 1970 || y > 9999 {
			return 0, 0, 0, false, p.fail()
		}
		year, explicit = y, true
	}
	if d > daysIn(year, mon) && !(d == 29 && mon == time.February && !explicit) {
		return 0, 0, 0, false, fmt.Errorf("when: %w: %s %d does not exist", ErrNoSuchTime, mon, d)
	}
	if !explicit {
		c := clock{h: DefaultHour}
		if clk != nil {
			c = *clk
		}
		for year < p.now.Year()+8 {
			if d <= daysIn(year, mon) {
				if t, err := wall(p.loc, year, mon, d, c, p.raw); err != nil || t.After(p.now) {
					break
				}
			}
			year++
		}
	}
	return year, mon, d, false, nil
}

// wall is the instant a local wall-clock time names in loc, in UTC.
func wall(loc *time.Location, y int, m time.Month, d int, c clock, raw string) (time.Time, error) {
	if c.h > 23 || c.m > 59 || c.s > 59 {
		return time.Time{}, fmt.Errorf("when: %w: %q", ErrNoSuchTime, raw)
	}
	t := time.Date(y, m, d, c.h, c.m, c.s, 0, loc)
	same := func(u time.Time) bool {
		uy, um, ud := u.Date()
		ny, nm, nd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date()
		return uy == ny && um == nm && ud == nd && u.Hour() == c.h && u.Minute() == c.m && u.Second() == c.s
	}
	if !same(t) {
		return time.Time{}, fmt.Errorf("when: %w: %02d:%02d on %s does not exist in %s (the clocks skip it); pick another time",
			ErrNoSuchTime, c.h, c.m, t.Format("Mon 2 Jan 2006"), loc)
	}
	// The clocks going back repeat an hour: take the earlier instant.
	for _, back := range []time.Duration{2 * time.Hour, time.Hour, 30 * time.Minute} {
		if e := t.Add(-back); same(e.In(loc)) {
			return e.UTC(), nil
		}
	}
	return t.UTC(), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
