package when

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// tokenize lowercases s and splits it into words, with "9 am" and "9 a.m."
// joined into "9am" and commas dropped.
func tokenize(s string) []string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(",", " ", "a.m.", "am", "p.m.", "pm", "o'clock", "").Replace(s)
	var toks []string
	for _, f := range strings.Fields(s) {
		f = strings.TrimSuffix(f, ".")
		if (f == "am" || f == "pm") && len(toks) > 0 && startsWithDigit(toks[len(toks)-1]) {
			toks[len(toks)-1] += f
			continue
		}
		if f != "" {
			toks = append(toks, f)
		}
	}
	return toks
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// readClock reads a time of day: "9am", "9:30pm", "14:30", "14:30:15",
// "noon", "midnight". ok is false for a word that is not one; err is set
// for one that looks like a time but is not ("13pm", "25:00").
func readClock(tok string) (c clock, ok bool, err error) {
	switch tok {
	case "noon", "midday":
		return clock{h: 12}, true, nil
	case "midnight":
		return clock{}, true, nil
	}
	body, suffix := tok, ""
	if strings.HasSuffix(tok, "am") || strings.HasSuffix(tok, "pm") {
		body, suffix = tok[:len(tok)-2], tok[len(tok)-2:]
	}
	if !startsWithDigit(body) || (suffix == "" && !strings.Contains(body, ":")) {
		return clock{}, false, nil
	}
	parts := strings.Split(body, ":")
	if len(parts) > 3 {
		return clock{}, false, fmt.Errorf("%q is not a time of day", tok)
	}
	var n [3]int
	for i, part := range parts {
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 || (i > 0 && len(part) != 2) {
			return clock{}, false, fmt.Errorf("%q is not a time of day", tok)
		}
		n[i] = v
	}
	c = clock{h: n[0], m: n[1], s: n[2]}
	if c.m > 59 || c.s > 59 {
		return clock{}, false, fmt.Errorf("%q is not a time of day", tok)
	}
	switch suffix {
	case "":
		if c.h > 23 {
			return clock{}, false, fmt.Errorf("%q is not a time of day (hours go up to 23)", tok)
		}
	default:
		if c.h < 1 || c.h > 12 {
			return clock{}, false, fmt.Errorf("%q is not a time of day (with am/pm, hours go from 1 to 12)", tok)
		}
		c.h %= 12
		if suffix == "pm" {
			c.h += 12
		}
	}
	return c, true, nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

func weekday(tok string) (time.Weekday, bool) {
	wd, ok := weekdays[tok]
	return wd, ok
}

// month reads "dec", "december", "sept".
func month(tok string) (time.Month, bool) {
	if len(tok) < 3 {
		return 0, false
	}
	if tok == "sept" {
		return time.September, true
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if tok == name[:3] || tok == name {
			return m, true
		}
	}
	return 0, false
}

// dayOfMonth reads "5", "05", "5th", "1st", "22nd", "3rd".
func dayOfMonth(tok string) (int, error) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		tok = strings.TrimSuffix(tok, suf)
	}
	d, err := strconv.Atoi(tok)
	if err != nil || d < 1 || d > 31 {
		return 0, fmt.Errorf("%q is not a day of the month", tok)
	}
	return d, nil
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}

// count reads "2", "an", "three"; at most 100,000.
func count(tok string) (int, error) {
	if n, ok := numberWords[tok]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(tok)
	if err != nil || n > 100_000 {
		return 0, fmt.Errorf("%q is not a count", tok)
	}
	return n, nil
}

// splitNumberUnit splits "2hours" into "2" and "hours".
func splitNumberUnit(tok string) (string, string, bool) {
	i := 0
	for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
		i++
	}
	if i == 0 || i == len(tok) {
		return "", "", false
	}
	return tok[:i], tok[i:], true
}
