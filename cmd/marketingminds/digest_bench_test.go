package main

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// weekReviews answers every workspace's digest with a week of four
// platforms' figures, so each digest draws its chart.
type weekReviews struct{}

func (weekReviews) Digest(context.Context, identity.Caller) (analytics.Digest, error) {
	end := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	h := analytics.History{Platforms: map[platform.Name]analytics.Series{}}
	for i := range 7 {
		h.Total.Dates = append(h.Total.Dates, end.AddDate(0, 0, i-6).Format(time.DateOnly))
	}
	h.Range = analytics.Range{From: h.Total.Dates[0], To: h.Total.Dates[6]}
	for k, p := range platform.Social {
		s := analytics.Series{Dates: h.Total.Dates}
		for i := range 7 {
			imp, eng := int64(900+200*k+37*i), int64(40+k+i)
			s.Impressions, s.Engagement = append(s.Impressions, &imp), append(s.Engagement, &eng)
		}
		h.Platforms[p] = s
	}
	imp := int64(12000)
	return analytics.Digest{Review: analytics.Review{Range: h.Range, History: h, This: analytics.Summary{Total: analytics.Totals{Impressions: &imp}}}}, nil
}

// BenchmarkDigest100Workspaces is the digest job's tick for 100
// workspaces on SQLite: locks, each digest rendered with its chart, posted
// and its chart uploaded through a fake Slack Web API over HTTP.
func BenchmarkDigest100Workspaces(b *testing.B) {
	db := storetest.Open(b, store.SQLite, identity.Schema, slack.Schema)
	fake := slackfake.New("xoxb-bench")
	b.Cleanup(fake.Close)
	ctx, cancel := context.WithCancel(context.Background())
	bot, err := slack.New(ctx, slack.Config{SigningSecret: "s", BotToken: "xoxb-bench", APIURL: fake.URL()},
		slack.Deps{Store: slack.NewStore(db), Users: identity.NewService(identity.NewStore(db), nil), Conversations: noConversations{}, Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); bot.Wait() })
	all := workspacesWithDigest(100, "UTC")
	for _, s := range all {
		fake.AddChannels(s.DigestChannel)
	}
	monday := time.Date(2026, 12, 7, 9, 5, 0, 0, time.UTC)
	ticks := 0
	for b.Loop() {
		ticks++
		at := monday
		monday = monday.AddDate(0, 0, 7) // a new week: every workspace is due again
		d := digester{settings: all, analytics: weekReviews{}, locks: db, now: func() time.Time { return at },
			post: func(ctx context.Context, ws, channel string, loc *time.Location, dg analytics.Digest) error {
				return bot.PostResult(ctx, ws, channel, loc, dg)
			}}
		if err := d.run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if n, want := len(fake.Uploads()), 100*ticks; n != want {
		b.Fatalf("%d charts uploaded, want %d", n, want)
	}
}
