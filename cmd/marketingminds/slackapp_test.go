package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// slackApp is the whole app, its Slack door over the fake Slack and its
// platforms in the sandbox, with Ana and Bo in channel C1 and an account of
// each platform asked for connected by Ana.
type slackApp struct {
	a       *app
	sb      *sandboxtest.Server
	fake    *slackfake.Fake
	url     string
	fetched *countingTransport // the sandbox's fetches of our signed URLs
}

func startSlackApp(t *testing.T, backend store.Backend, platforms ...platform.Name) slackApp {
	ctx, cancel := context.WithCancel(context.Background())
	fetched := &countingTransport{}
	sb := sandboxtest.Start(t, sandbox.Options{MediaClient: &http.Client{Transport: fetched}})
	fake := slackfake.New(e2eToken)
	t.Cleanup(fake.Close)
	fake.AddChannels("C1")
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana", TZ: "Europe/Berlin"})
	fake.AddUser(slackfake.User{ID: "U2", Name: "bo", DisplayName: "Bo", TZ: "Europe/Berlin"})
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL, "SLACK_SIGNING_SECRET": e2eSecret,
		"SLACK_BOT_TOKEN": e2eToken, "SLACK_API_URL": fake.URL()}
	if backend == store.Mongo {
		mc := storetest.Config(t, storetest.Open(t, store.Mongo))
		env["MONGODB_URI"], env["MONGODB_DATABASE"] = mc.MongoURI, mc.MongoDatabase
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = srv.URL
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	a, err := newApp(cfg, db, log, sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deps := a.httpDeps(zerolog.Nop(), prometheus.NewRegistry())
	bot, err := a.slackDoor(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	deps.Slack = bot
	srv.Config.Handler = httpapi.New(deps).Handler()
	if err := a.scheduler.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		// The scheduler's last commits log through t: they end before the test does.
		_ = a.scheduler.Stop(context.Background())
		bot.Wait()
		_ = db.Close(context.Background())
	})
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	for _, p := range platforms {
		connectInSandbox(t, ctx, a, editor, p)
	}
	return slackApp{a: a, sb: sb, fake: fake, url: srv.URL, fetched: fetched}
}
