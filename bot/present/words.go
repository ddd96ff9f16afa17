package present

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// When is a time in the person's zone, in words: "Mon 7 Dec, 09:00 CET",
// with the year when it is not this year's.
func When(env Env, t time.Time) string {
	t = t.In(env.loc())
	layout := "Mon 2 Jan, 15:04 MST"
	if !env.Now.IsZero() && t.Year() != env.Now.In(env.loc()).Year() {
		layout = "Mon 2 Jan 2006, 15:04 MST"
	}
	return t.Format(layout)
}

// Clock is a time of day in the person's zone: "10:15 CET".
func Clock(env Env, t time.Time) string {
	return t.In(env.loc()).Format("15:04 MST")
}

// Relative says how far t is from now: "in 2 hours", "3 days ago", "now";
// on the web, marked so the page can keep it true (reltime.go).
func Relative(env Env, t time.Time) string {
	if env.markTimes {
		env.markTimes = false
		return markTime(t, Relative(env, t))
	}
	d := t.Sub(env.Now)
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		s = Count(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		s = Count(int((d+30*time.Minute)/time.Hour), "hour")
	default:
		s = Count(int((d+12*time.Hour)/(24*time.Hour)), "day")
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}

// WhenRel is When followed by Relative: "Mon 7 Dec, 09:00 CET (in 2 hours)".
func WhenRel(env Env, t time.Time) string {
	return When(env, t) + " (" + Relative(env, t) + ")"
}

// Count is n and the noun, pluralised: "1 post", "3 posts"; a noun ending
// in a consonant and y takes "ies".
func Count(n int, noun string) string {
	return Number(int64(n)) + " " + Plural(n, noun)
}

// Plural is noun for one, its plural otherwise.
func Plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	switch {
	case strings.HasSuffix(noun, "y") && !strings.ContainsAny(noun[len(noun)-2:len(noun)-1], "aeiou"):
		return noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "sh"), strings.HasSuffix(noun, "ch"):
		return noun + "es"
	}
	return noun + "s"
}

// Number writes n with thousands separators: 12,345.
func Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// figure is an optional count: "n/a" when unknown.
func figure(p *int64) string {
	if p == nil {
		return "not reported"
	}
	return Number(*p)
}

// percent is an optional rate in percent: "4.2%".
func percent(p *float64) string {
	if p == nil {
		return "not reported"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}

// List joins words as a person would: "A", "A and B", "A, B and C".
func List(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Platform is a platform's name as people write it ("X", "LinkedIn").
func Platform(p platform.Name) string { return p.Label() }

// quoted clips a post's text for a line: the first line, at most n runes.
func quoted(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	r := []rune(s)
	if len(r) > n {
		cut := string(r[:n])
		if i := strings.LastIndex(cut, " "); i > n/2 {
			cut = cut[:i]
		}
		s = strings.TrimRight(cut, " ,.;:") + "…"
	}
	return "“" + s + "”"
}

// postQuote is a post's text for a line, as quoted clips it; a post with
// no text (an image on Instagram or X) says what it carries instead.
func postQuote(c publish.Content, n int) string {
	if strings.TrimSpace(c.Text) != "" {
		return quoted(c.Text, n)
	}
	var has []string
	if k := len(c.ImageURLs); k > 0 {
		has = append(has, Count(k, "image"))
	}
	if c.VideoURL != "" {
		has = append(has, "a video")
	}
	if k := len(c.MediaIDs); k > 0 {
		has = append(has, Count(k, "attached file"))
	}
	if len(has) == 0 {
		return "(no text)"
	}
	return "(no text, " + List(has) + ")"
}

// hour is an hour of the day: "09:00".
func hour(h int) string { return fmt.Sprintf("%02d:00", h) }
