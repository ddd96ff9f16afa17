package slack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema)
	deps := slack.Deps{Store: slack.NewStore(db), Users: identity.NewService(identity.NewStore(db), nil), Conversations: &script{}, Log: zerolog.Nop()}
	for _, tc := range []struct {
		name string
		cfg  slack.Config
		deps func(d *slack.Deps)
		want string
	}{
		{"no secret nor app token", slack.Config{BotToken: botToken}, nil, "signing secret"},
		{"API URL without slash", slack.Config{SigningSecret: secret, BotToken: botToken, APIURL: "http://localhost:1/api"}, nil, "must end with /"},
		{"unknown role", slack.Config{SigningSecret: secret, BotToken: botToken, DefaultRole: "owner"}, nil, "default role"},
		{"no token and no vault", slack.Config{SigningSecret: secret}, nil, "vault"},
		{"no conversations", slack.Config{SigningSecret: secret, BotToken: botToken}, func(d *slack.Deps) { d.Conversations = nil }, "conversations"},
	} {
		d := deps
		if tc.deps != nil {
			tc.deps(&d)
		}
		if _, err := slack.New(context.Background(), tc.cfg, d); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

func TestAssistantThreadStarted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := []byte(`{"type":"event_callback","team_id":"T1","event_id":"EvAT","event":{"type":"assistant_thread_started","assistant_thread":{"user_id":"U1","channel_id":"D1","thread_ts":"1700001100.000100"}}}`)
	b.signed(t, "/slack/events", body)
	b.bot.Wait()
	calls := b.fake.Calls("assistant.threads.setSuggestedPrompts")
	if len(calls) != 1 || calls[0].Result["ok"] != true || calls[0].Args.Get("thread_ts") != "1700001100.000100" || !strings.Contains(calls[0].Args.Get("prompts"), "Draft a post") {
		t.Fatalf("suggested prompts = %+v", calls)
	}
}
