package intent

import (
	"strconv"
	"strings"
	"time"
)

// periodWords are the named periods, in days.
var periodWords = map[string]int{"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 90, "year": 365,
	"yesterday": 1, "today": 1, "weekly": 7, "monthly": 30, "week's": 7, "month's": 30}

var analyticsFillers = map[string]bool{
	"last": true, "past": true, "previous": true, "days": true, "day": true, "from": true, "between": true,
	"until": true, "since": true, "-": true, "..": true, "how": true, "did": true, "do": true, "we": true,
	"doing": true, "results": true, "report": true, "analytics": true, "stats": true, "metrics": true,
	"performance": true, "period": true, "range": true,
}

// analytics reads "analytics [7d|30d|last 30 days|2026-11-01..2026-11-30|
// from A to B] [platform]".
func (p *parser) analytics() (Command, error) {
	c := Command{Kind: KindAnalytics}
	rest := p.rest()
	var dates []string
	setDays := func(n int, raw string) error {
		if n < 1 || n > 365 {
			return usageErr(KindAnalytics, "%s: the period must be 1 to 365 days", raw)
		}
		if c.Days != 0 && c.Days != n {
			return usageErr(KindAnalytics, "one period at a time")
		}
		c.Days = n
		return nil
	}
	for i := 0; i < len(rest); i++ {
		t := rest[i]
		switch {
		case strings.Contains(t.low, ".."):
			from, to, _ := strings.Cut(t.low, "..")
			dates = append(dates, from, to)
		case isDate(t.low):
			dates = append(dates, t.low)
		case strings.HasSuffix(t.low, "d") && isNumber(strings.TrimSuffix(t.low, "d")):
			n, _ := strconv.Atoi(strings.TrimSuffix(t.low, "d"))
			if err := setDays(n, t.raw); err != nil {
				return Command{}, err
			}
		case isNumber(t.low) && i+1 < len(rest) && unitDays(rest[i+1].low) > 0:
			n, _ := strconv.Atoi(t.low)
			if n > 365 {
				return Command{}, usageErr(KindAnalytics, "%s %s: the period must be 1 to 365 days", t.raw, rest[i+1].raw)
			}
			if err := setDays(n*unitDays(rest[i+1].low), t.raw+" "+rest[i+1].raw); err != nil {
				return Command{}, err
			}
			i++
		case periodWords[t.low] > 0:
			if err := setDays(periodWords[t.low], t.raw); err != nil {
				return Command{}, err
			}
		default:
			if pl, ok := platform(t.low); ok && pl != "zoho" {
				if c.Platform != "" && c.Platform != pl {
					return Command{}, usageErr(KindAnalytics, "one platform at a time")
				}
				c.Platform = pl
				continue
			}
			if !fillers[t.low] && !analyticsFillers[t.low] && !p.loose {
				return Command{}, usageErr(KindAnalytics, "I can't read %q as a period or a platform", t.raw)
			}
		}
	}
	switch len(dates) {
	case 0:
	case 1:
		c.DateFrom, c.DateTo = dates[0], dates[0]
	case 2:
		c.DateFrom, c.DateTo = dates[0], dates[1]
	default:
		return Command{}, usageErr(KindAnalytics, "give one range: a first and a last day")
	}
	if len(dates) > 0 {
		if c.Days != 0 {
			return Command{}, usageErr(KindAnalytics, "give either a number of days or dates, not both")
		}
		from, err1 := time.Parse(time.DateOnly, c.DateFrom)
		to, err2 := time.Parse(time.DateOnly, c.DateTo)
		switch {
		case err1 != nil || err2 != nil:
			return Command{}, usageErr(KindAnalytics, "%s..%s: dates are written 2026-11-01", c.DateFrom, c.DateTo)
		case to.Before(from):
			return Command{}, usageErr(KindAnalytics, "%s..%s ends before it starts", c.DateFrom, c.DateTo)
		}
	}
	return c, nil
}

func unitDays(low string) int {
	return periodWords[strings.TrimSuffix(low, "s")]
}

func isNumber(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isDate says whether s looks like a date (checked properly later).
func isDate(s string) bool {
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && isNumber(s[:4])
}
