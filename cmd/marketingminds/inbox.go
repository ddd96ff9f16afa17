package main

import (
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	slackbot "github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// inboxSpec polls every account's comments and mentions every 5 minutes:
// X allows 300 mentions reads per user per 15 minutes, Graph and LinkedIn
// far more than one account's few calls (platform-apis.md 8).
const inboxSpec = "*/5 * * * *"

// sandboxMetaSecret signs the sandbox's Meta webhooks when no Facebook
// app is configured (the sandbox's own credentials, see newAdapters).
const sandboxMetaSecret = "sandbox-secret"

// newInbox wires tools/inbox: every social adapter reads and answers what
// it implements; Meta's webhooks are checked with the Facebook app secret.
// New items are posted to Slack at once: each ingest kicks the door.
func newInbox(cfg config, db *store.DB, log zerolog.Logger, acc *accounts.Service, pub *publish.Service, ad adapters, sandboxed bool,
	door *atomic.Pointer[slackbot.Bot]) *inbox.Service {
	engagers := map[platform.Name]any{}
	for name, c := range ad.social {
		engagers[name] = c
	}
	secret := cfg.FacebookAppSecret
	if secret == "" && sandboxed {
		secret = sandboxMetaSecret
	}
	return inbox.New(inbox.Config{Store: inbox.NewStore(db), Accounts: acc, Adapters: engagers,
		Directory: inbox.AccountsDirectory(accounts.NewStore(db)), Published: pub, Log: log, Now: time.Now,
		MetaAppSecret: secret, MetaVerifyToken: cfg.MetaVerifyToken,
		OnNew: func() {
			if bot := door.Load(); bot != nil {
				bot.KickInbox()
			}
		},
		OnChanged: func(it inbox.Item) {
			if bot := door.Load(); bot != nil {
				bot.ItemChanged(it) // its Slack message shows who answered and what
			}
		}})
}
