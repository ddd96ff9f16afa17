package present

import (
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

// days says a range in words: "Mon 30 Nov – Sun 6 Dec".
func days(rg analytics.Range) string {
	from, err1 := time.Parse("2006-01-02", rg.From)
	to, err2 := time.Parse("2006-01-02", rg.To)
	if err1 != nil || err2 != nil {
		return ""
	}
	if from.Equal(to) {
		return from.Format("Mon 2 Jan")
	}
	return from.Format("Mon 2 Jan") + " – " + to.Format("Mon 2 Jan")
}

func platformsOf[V any](m map[platform.Name]V) []platform.Name {
	ps := make([]platform.Name, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// totalsFields are a range's main figures.
func totalsFields(t analytics.Totals) []field {
	fs := []field{
		{"Posts", Number(t.PostsPublished)},
		{"Impressions", figure(t.Impressions)},
		{"Engagement", figure(t.Engagement)},
		{"Engagement rate", percent(t.EngagementRate)},
	}
	if t.Followers != nil {
		v := Number(*t.Followers)
		if t.FollowerGrowth != nil && *t.FollowerGrowth != 0 {
			g := Number(*t.FollowerGrowth)
			if *t.FollowerGrowth > 0 {
				g = "+" + g
			}
			v += " (" + g + ")"
		}
		fs = append(fs, field{"Followers", v})
	}
	return fs
}

// platformLine is one platform's figures on a line.
func platformLine(p platform.Name, t analytics.Totals) line {
	parts := []string{Count(int(t.PostsPublished), "post")}
	if t.Impressions != nil {
		parts = append(parts, Number(*t.Impressions)+" impressions")
	}
	if t.Engagement != nil {
		parts = append(parts, Number(*t.Engagement)+" engagements")
	}
	if t.EngagementRate != nil {
		parts = append(parts, percent(t.EngagementRate)+" engagement rate")
	}
	return line{Lead: Platform(p), Rest: strings.Join(parts, ", ")}
}

func aggregateCard(env Env, a analytics.Aggregate) card {
	c := card{Title: "Your figures for " + orWord(days(a.Range), "the last days")}
	c.Sections = append(c.Sections, section{Fields: totalsFields(a.Total)})
	if len(a.Platforms) > 0 {
		s := section{Heading: "By platform"}
		for _, p := range platformsOf(a.Platforms) {
			s.Lines = append(s.Lines, platformLine(p, a.Platforms[p]))
		}
		c.Sections = append(c.Sections, s)
	}
	if a.Email.Campaigns > 0 {
		c.Sections = append(c.Sections, section{Heading: "E-mail", Fields: []field{
			{"Campaigns sent", Number(a.Email.Campaigns)}, {"Delivered", figure(a.Email.Delivered)},
			{"Open rate", percent(a.Email.OpenRate)}, {"Clicks", figure(a.Email.Clicks)},
		}})
	}
	if a.Leads.New != nil {
		c.Sections = append(c.Sections, section{Heading: "Leads", Text: Count(int(*a.Leads.New), "new lead") + "."})
	}
	if len(a.TopPosts) > 0 {
		s := section{Heading: "Top posts"}
		for i, tp := range a.TopPosts {
			if i == 3 {
				break
			}
			rest := "published " + When(env, tp.PublishedAt)
			if tp.Engagement != nil {
				rest += ", " + Count(int(*tp.Engagement), "engagement")
			}
			s.Lines = append(s.Lines, line{Lead: Platform(tp.Platform), Rest: rest})
		}
		c.Sections = append(c.Sections, s)
	}
	if a.Total.PostsPublished == 0 && len(a.Platforms) == 0 {
		c.Sections = []section{{Text: "Nothing was published in this period, so there is nothing to measure yet."}}
	}
	return c
}

func bestTimesCard(_ Env, b analytics.BestTimes) card {
	c := card{Title: "Best times to post", Note: "Times in " + orWord(b.TimeZone, "UTC") + "."}
	for _, p := range platformsOf(b.Platforms) {
		pb := b.Platforms[p]
		var slots []string
		for _, s := range pb.Best {
			slot := s.Weekday + " " + hour(s.Hour)
			if s.EngagementRate != nil {
				slot += " (" + percent(s.EngagementRate) + " engagement)"
			}
			slots = append(slots, slot)
		}
		s := section{Heading: Platform(p), Text: orWord(List(slots), "No times yet.")}
		if pb.FromData {
			s.Text += "\nFrom your " + Count(pb.MeasuredPosts, "measured post") + "."
		} else {
			s.Text += "\nGeneral advice until you have more posts of your own to measure (" + Count(pb.MeasuredPosts, "measured post") + " so far)."
		}
		c.Sections = append(c.Sections, s)
	}
	return c
}

func overviewCard(env Env, o analytics.Overview) card {
	s := o.Analytics.Summary
	fs := []field{
		{"Connected accounts", Number(int64(o.ConnectedAccounts))},
		{"Posts published", Number(s.PostsPublished)},
		{"Impressions", figure(s.TotalSocialImpressions)},
		{"Engagement rate", percent(s.EngagementRate)},
	}
	if o.PendingJobs != nil {
		fs = append(fs, field{"Scheduled jobs", Number(int64(*o.PendingJobs))})
	}
	if o.Analytics.Zoho.Connected {
		fs = append(fs, field{"E-mails sent", figure(s.TotalEmailSent)}, field{"Open rate", percent(s.EmailOpenRate)}, field{"New leads", figure(s.NewLeads)})
	}
	c := card{Title: "Your workspace at a glance, " + orWord(days(o.Analytics.Range), "the last 30 days"), Sections: []section{{Fields: fs}}}
	var trouble []string
	for _, k := range []string{"needs_reauth", "expired"} {
		if n := o.TokenStatus[k]; n > 0 {
			trouble = append(trouble, Count(n, "account"))
		}
	}
	if len(trouble) > 0 {
		c.Sections = append(c.Sections, section{Text: List(trouble) + " need reconnecting."})
	}
	if env.PublicURL != "" {
		c.Sections = append(c.Sections, section{Lines: []line{{Link: link{Text: "Open the dashboard", URL: strings.TrimSuffix(env.PublicURL, "/") + "/dashboard"}}}})
	}
	return c
}
