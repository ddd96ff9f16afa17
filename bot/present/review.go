package present

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/marketingminds/marketingminds/bot/present/chart"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Image is a picture a Slack message carries: the Slack door uploads it
// into the message's thread.
type Image struct {
	Name, Title string
	PNG         []byte
}

// reviewRenderer draws a Review as a card in every door; in Slack it also
// carries the daily chart of impressions and engagement per platform.
func reviewRenderer(pt *chart.Painter) Renderer[analytics.Review] {
	return Renderer[analytics.Review]{
		Slack: func(env Env, r analytics.Review) Slack {
			s := slackCard(reviewCard(env, r))
			s.Text = ReviewSummary(r)
			if png, err := pt.Daily(r.History); err == nil && len(png) > 0 {
				s.Images = []Image{{Name: "review-" + r.Range.From + "-" + r.Range.To + ".png",
					Title: "Daily impressions and engagement, " + days(r.Range), PNG: png}}
			}
			return s
		},
		Web:      func(env Env, r analytics.Review) template.HTML { return webCard(reviewCard(env, r)) + webChart(r) },
		Terminal: func(env Env, r analytics.Review) Terminal { return terminalCard(reviewCard(env, r)) },
	}
}

// webChart is a review's daily chart on the dashboard: the same PNG Slack
// gets, from the dashboard's chart route (the web chat is signed in).
func webChart(r analytics.Review) template.HTML {
	if len(r.History.Platforms) == 0 || r.Range.From == "" {
		return ""
	}
	q := url.Values{"from": {r.Range.From}, "to": {r.Range.To}}
	return template.HTML(`<img class="chart" width="768" src="/dashboard/charts/daily.png?` + esc(q.Encode()) +
		`" alt="` + esc("Daily impressions and engagement, "+days(r.Range)) + `">`)
}

func reviewCard(_ Env, r analytics.Review) card {
	c := card{Title: "Your review of " + orWord(days(r.Range), "the last days")}
	c.Sections = append(c.Sections, section{Text: esc(ReviewSummary(r)), Fields: totalsFields(r.This.Total)})
	if len(r.TopPosts) > 0 {
		s := section{Heading: "Best posts"}
		for _, p := range r.TopPosts {
			l := line{Lead: Platform(p.Platform), Rest: excerpt(p.Text)}
			if p.URL != "" {
				l.Link = link{Text: "open", URL: p.URL}
			}
			s.Lines = append(s.Lines, l)
		}
		c.Sections = append(c.Sections, s)
	}
	return c
}

// ReviewSummary is what a person would write about a review: the change
// in impressions on the period before and where it came from, the best
// post and the best slot.
func ReviewSummary(r analytics.Review) string {
	var parts []string
	now, before := r.This.Total.Impressions, r.Previous.Total.Impressions
	switch {
	case now == nil:
		parts = append(parts, "No impressions measured yet")
	case before == nil || *before == 0:
		parts = append(parts, Number(*now)+" impressions")
	default:
		ch := float64(*now-*before) * 100 / float64(*before)
		dir := "up"
		if ch < 0 {
			dir, ch = "down", -ch
		}
		parts = append(parts, fmt.Sprintf("Impressions %s %.0f%% on the %s before (%s)", dir, ch, orWord(periodWord(r.Range), "period"), Number(*now)))
	}
	if p := mostly(r.This.Platforms); p != "" && now != nil {
		parts[0] += ", mostly " + Platform(p)
	}
	if len(r.TopPosts) > 0 {
		parts = append(parts, "best post: "+Platform(r.TopPosts[0].Platform)+" “"+excerpt(r.TopPosts[0].Text)+"”")
	}
	if r.Best != nil {
		parts = append(parts, fmt.Sprintf("best slot %s %02d:00 on %s", r.Best.Weekday[:min(3, len(r.Best.Weekday))], r.Best.Hour, Platform(r.BestOn)))
	}
	return strings.Join(parts, "; ") + "."
}

func periodWord(rg analytics.Range) string {
	if n := len(rg.Days()); n == 7 {
		return "week"
	} else if n > 0 {
		return Count(n, "day")
	}
	return ""
}

// mostly is the platform with the most impressions.
func mostly(ps map[platform.Name]analytics.Totals) platform.Name {
	var best platform.Name
	var most int64 = -1
	for _, p := range platformsOf(ps) {
		if t := ps[p].Impressions; t != nil && *t > most {
			best, most = p, *t
		}
	}
	return best
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// digestRenderer draws a weekly Digest: the week's review and chart, the
// posts that failed and what is scheduled next.
func digestRenderer(pt *chart.Painter) Renderer[analytics.Digest] {
	review := reviewRenderer(pt)
	return Renderer[analytics.Digest]{
		Slack: func(env Env, d analytics.Digest) Slack {
			s := review.Slack(env, d.Review)
			s.Text = "Your week in review: " + s.Text
			s.Blocks = slackCard(digestCard(env, d)).Blocks
			return s
		},
		Web:      func(env Env, d analytics.Digest) template.HTML { return webCard(digestCard(env, d)) },
		Terminal: func(env Env, d analytics.Digest) Terminal { return terminalCard(digestCard(env, d)) },
	}
}

func digestCard(env Env, d analytics.Digest) card {
	c := reviewCard(env, d.Review)
	c.Title = "Your week in review, " + orWord(days(d.Range), "last week")
	if l := FirstAnswerLine(d.FirstAnswers); l != "" {
		c.Sections = append(c.Sections, section{Heading: "Answers", Text: esc(l)})
	}
	for _, part := range []struct {
		heading string
		posts   []publish.PostView
		more    bool
	}{{"Failed", d.Failed, d.FailedMore}, {"Coming up", d.Coming, d.ComingMore}} {
		if len(part.posts) == 0 {
			continue
		}
		s := section{Heading: part.heading}
		for _, p := range part.posts {
			s.Lines = append(s.Lines, line{Rest: "“" + excerpt(p.Content.Text) + "”"})
		}
		if part.more {
			s.Lines = append(s.Lines, line{Rest: "and more"})
		}
		c.Sections = append(c.Sections, s)
	}
	return c
}

// bestTimesRenderer draws best times as a card in every door; in Slack it
// also carries the weekday × hour heatmap of the platforms with data.
func bestTimesRenderer(pt *chart.Painter) Renderer[analytics.BestTimes] {
	r := fromCard(bestTimesCard)
	card := r.Slack
	r.Slack = func(env Env, b analytics.BestTimes) Slack {
		s := card(env, b)
		if png, err := pt.BestTimes(b); err == nil && len(png) > 0 {
			s.Images = []Image{{Name: "best-times.png", Title: "Engagement rate by weekday and hour (" + orWord(b.TimeZone, "UTC") + ")", PNG: png}}
		}
		return s
	}
	return r
}
