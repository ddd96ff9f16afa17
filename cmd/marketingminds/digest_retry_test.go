package main

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type noConversations struct{}

func (noConversations) Run(context.Context, identity.Caller, string, string, string, slack.Sink) (string, error) {
	return "", nil
}

// A digest Slack refuses is not lost for the week: the next hourly tick of
// the Monday morning sends it, once; a channel Slack keeps refusing is
// tried on three ticks, not more.
func TestDigestRetriedAfterSlackRefusesOnce(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema)
	fake := slackfake.New("xoxb-digest")
	t.Cleanup(fake.Close)
	ctx, cancel := context.WithCancel(t.Context())
	bot, err := slack.New(ctx, slack.Config{SigningSecret: "s", BotToken: "xoxb-digest", APIURL: fake.URL()},
		slack.Deps{Store: slack.NewStore(db), Users: identity.NewService(identity.NewStore(db), nil), Conversations: noConversations{}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); bot.Wait() })
	all := digestSettings{
		{WorkspaceID: "TLATE", TimeZone: "UTC", WeeklyDigest: true, DigestChannel: "CLATE"}, // joined after the first try
		{WorkspaceID: "TGONE", TimeZone: "UTC", WeeklyDigest: true, DigestChannel: "CGONE"}, // never there
		{WorkspaceID: "TOK", TimeZone: "UTC", WeeklyDigest: true, DigestChannel: "COK"},     // sent at once
	}
	fake.AddChannels("COK")
	tick := func(at time.Time) {
		t.Helper()
		d := digester{settings: all, analytics: digestReviews{}, locks: db, now: func() time.Time { return at },
			post: func(ctx context.Context, ws, channel string, loc *time.Location, dg analytics.Digest) error {
				return bot.PostResult(ctx, ws, channel, loc, dg)
			}}
		if err := d.run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	posted := func(channel string) (ok, refused int) {
		for _, c := range fake.Calls("chat.postMessage") {
			if c.Args.Get("channel") != channel {
				continue
			}
			if c.Result["ok"] == true {
				ok++
			} else {
				refused++
			}
		}
		return ok, refused
	}
	monday := time.Date(2026, 12, 7, 9, 5, 0, 0, time.UTC)
	tick(monday)
	if ok, refused := posted("CLATE"); ok != 0 || refused != 1 {
		t.Fatalf("09:05: %d sent, %d refused in CLATE; want Slack to refuse the one try", ok, refused)
	}
	fake.AddChannels("CLATE")
	for h := 1; h <= 4; h++ { // 10:05 … 13:05
		tick(monday.Add(time.Duration(h) * time.Hour))
	}
	for channel, want := range map[string][2]int{"CLATE": {1, 1}, "COK": {1, 0}, "CGONE": {0, digestTries}} {
		if ok, refused := posted(channel); ok != want[0] || refused != want[1] {
			t.Errorf("%s: %d sent, %d refused; want %d and %d", channel, ok, refused, want[0], want[1])
		}
	}
}
