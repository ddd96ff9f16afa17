package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/httpapi"
	slackbot "github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// schemas lists every package's part of the database.
func schemas() []store.Schema {
	return []store.Schema{identity.Schema, identity.SessionSchema, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, publish.Schema, analytics.Schema, campaigns.Schema,
		settings.Schema, library.Schema, groups.Schema, media.Schema, inbox.Schema,
		memory.Schema, agents.Schema, agents.TaskSchema, slackbot.Schema}
}

// openStore opens the configured backend with every schema applied (or, with
// readOnlySchema, as it is).
func openStore(ctx context.Context, cfg config, log zerolog.Logger, reg prometheus.Registerer, readOnlySchema bool) (*store.DB, error) {
	return store.Open(ctx, store.Config{
		DataDir:        cfg.DataDir,
		MongoURI:       cfg.MongoURI,
		MongoDatabase:  cfg.MongoDatabase,
		Logger:         log,
		Registerer:     reg,
		ReadOnlySchema: readOnlySchema,
	}, schemas()...)
}

// The recurring jobs (DESIGN: token refresh every 6 h as a safety net
// behind each token's own refresh job, analytics sync daily
// 02:00, cleanup Sundays 03:00).
const (
	refreshSpec   = "0 */6 * * *"
	analyticsSpec = "0 2 * * *"
	cleanupSpec   = "0 3 * * 0"
	approvalsSpec = "*/15 * * * *" // approvals a crash cut off are failed
	refreshWithin = 12 * time.Hour // a 6-hourly run refreshes what expires before the one after next
)

// deliveryLookahead is how early a delivery job is handed over, so its
// reads, token and cap check are done when its time comes and only the
// "publishing" mark and the platform call remain.
const deliveryLookahead = 250 * time.Millisecond

// app is every service of one serve process, wired.
type app struct {
	db       *store.DB
	identity *identity.Service
	accounts *accounts.Service
	publish  *publish.Service
	// targets says which accounts "to LinkedIn" means (defaults, groups).
	targets   *publish.Resolver
	groups    *groups.Service
	inbox     *inbox.Service
	scheduler *schedule.Scheduler
	analytics *analytics.Service
	// feed counts publications in the analytics rollups; serve runs it.
	feed      *analytics.Feed
	campaigns *campaigns.Service
	library   *library.Service
	media     *media.Service
	// convert makes images fit a platform (convert_media; tools/media/check).
	convert   *check.Service
	settings  *settings.Service
	memory    *memory.Service
	agents    *agents.Orchestrator
	sessions  *identity.Sessions
	publicURL string
	vault     *oauth.Vault
	// appKeys are the encryption keys, current first: the charts put in
	// e-mails are served at links signed with keys derived from them.
	appKeys [][]byte
	// accountEvents carries account events (connected, needs
	// re-authorization) to the Slack door; full, it drops them.
	accountEvents *accounts.Channel
	// slack is the Slack door once serve built it: publish outcomes go to it.
	slack *atomic.Pointer[slackbot.Bot]
	// userLocation is a user's zone, the workspace's when the user has none.
	userLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error)
}

// adapters builds the platform clients. sandboxBase, when set, points them
// at a sandbox; then platforms without credentials get sandbox ones, since
// the sandbox accepts any client.
type adapters struct {
	social map[platform.Name]interface {
		accounts.Provider
		publish.Adapter
	}
	zoho *zoho.Client
	// media fetches the media posts link to; publishing checks their hosts
	// with it when a post is made.
	media *safehttp.Client
	// probe downloads a post's media when it is made, for each platform's
	// media limits (tools/media/check); bounded lower than media, so a long
	// video is left to the platform's own check.
	probe *safehttp.Client
}

// authorities is base's host:port ("" for none), the sandbox's own.
func authorities(base string) []string {
	u, err := url.Parse(base)
	if base == "" || err != nil || u.Host == "" {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return []string{net.JoinHostPort(u.Hostname(), port)}
}

func newAdapters(cfg config, sandboxBase string, local func(ctx context.Context, rawURL string) (safehttp.Media, bool, error)) adapters {
	hosts := platform.Hosts{Sandbox: sandboxBase}
	sandboxed := sandboxBase != ""
	// The platforms speak HTTP/2, where calls to one host share a few
	// connections (a custom DialContext turns it off unless forced); 64
	// connections per host bound a fallback to HTTP/1.1. A sandbox is
	// reached the same way: over h2c once an http:// one announced it (our
	// sandbox serves HTTP/1.1 and h2c), so what is measured against it is
	// the platform's latency, not a connection cap; anything else put at
	// MM_SANDBOX_URL (a recording proxy, another mock) is spoken HTTP/1.1.
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxConnsPerHost:     64,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	httpClient := &http.Client{Timeout: 60 * time.Second, Transport: transport}
	if strings.HasPrefix(sandboxBase, "http://") {
		httpClient.Transport = sandbox.NewTransport(transport)
	}
	// Media people link to is fetched from the internet; in sandbox mode
	// the sandbox serves it from its own address, the one private address
	// allowed.
	// Our own uploaded media (signed URLs) are read from the store (local).
	media := safehttp.New(safehttp.Options{Allow: authorities(sandboxBase), Local: local})
	creds := func(id, secret, p string) (string, string, bool) {
		if id != "" {
			return id, secret, true
		}
		return "sandbox-" + p, "sandbox-secret", sandboxed
	}
	a := adapters{social: map[platform.Name]interface {
		accounts.Provider
		publish.Adapter
	}{}, media: media, probe: safehttp.New(safehttp.Options{Allow: authorities(sandboxBase), MaxBytes: 64 << 20, Local: local})}
	if id, secret, ok := creds(cfg.FacebookAppID, cfg.FacebookAppSecret, "facebook"); ok {
		a.social[platform.Facebook] = facebook.NewClient(httpClient, hosts, facebook.Config{ClientID: id, ClientSecret: secret})
		a.social[platform.Instagram] = instagram.NewClient(httpClient, hosts, instagram.Config{ClientID: id, ClientSecret: secret})
	}
	if id, secret, ok := creds(cfg.TwitterClientID, cfg.TwitterClientSecret, "twitter"); ok {
		a.social[platform.Twitter] = twitter.NewClient(httpClient, hosts, twitter.Config{ClientID: id, ClientSecret: secret}, media)
	}
	if id, secret, ok := creds(cfg.LinkedInClientID, cfg.LinkedInClientSecret, "linkedin"); ok {
		a.social[platform.LinkedIn] = linkedin.NewClient(httpClient, hosts, linkedin.Config{ClientID: id, ClientSecret: secret}, media)
	}
	if id, secret, ok := creds(cfg.ZohoClientID, cfg.ZohoClientSecret, "zoho"); ok {
		a.zoho = zoho.NewClient(httpClient, hosts, zoho.Config{ClientID: id, ClientSecret: secret, DataCenter: cfg.ZohoDataCenter})
	}
	return a
}

// newApp wires the services on an open store; sandboxBase is where the
// adapters find the sandbox ("" for the real platforms).
func newApp(cfg config, db *store.DB, log zerolog.Logger, sandboxBase string, sched schedule.Options) (*app, error) {
	ring, err := oauth.Ring(cfg.DataDir, cfg.EncryptionKey, cfg.EncryptionKeyPrevious...)
	if err != nil {
		return nil, err
	}
	vault, err := oauth.NewVault(ring)
	if err != nil {
		return nil, err
	}
	med, err := newMedia(cfg, db, ring, log)
	if err != nil {
		return nil, err
	}
	ad := newAdapters(cfg, sandboxBase, localMedia(med, safehttp.DefaultMaxBytes))
	providers := map[platform.Name]accounts.Provider{}
	publishers := map[platform.Name]publish.Adapter{}
	metrics := map[platform.Name]analytics.Adapter{}
	for name, c := range ad.social {
		providers[name], publishers[name] = c, c
		if m, ok := c.(analytics.Adapter); ok {
			metrics[name] = m
		}
	}
	reg := schedule.NewRegistry()
	sched.Log, sched.Location = log, cfg.CronTZ
	if sched.Lookahead == 0 {
		sched.Lookahead = deliveryLookahead
	}
	sch, err := schedule.New(db, reg, sched)
	if err != nil {
		return nil, err
	}
	events := accounts.NewChannel(256)
	deps := accounts.Deps{DB: db, Vault: vault, Providers: providers, Audit: audit.New(db, time.Now), Events: events, Jobs: sch, Log: log}
	if ad.zoho != nil {
		deps.Zoho = ad.zoho
	}
	acc, err := accounts.New(accounts.Config{PublicURL: cfg.PublicURL, Sandbox: sandboxBase != ""}, deps)
	if err != nil {
		return nil, err
	}
	if err := acc.Register(reg); err != nil {
		return nil, err
	}
	ids := identity.NewService(identity.NewStore(db), time.Now)
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, time.Now), Log: log})
	if err != nil {
		return nil, err
	}
	// A user's words are read in their time zone, or else the workspace's
	// (UTC unless an admin set one).
	userLocation := func(ctx context.Context, workspaceID, userID string) (*time.Location, error) {
		u, err := ids.User(ctx, workspaceID, userID)
		if errors.Is(err, identity.ErrNotFound) || (err == nil && u.TimeZone == "") {
			return set.Location(ctx, workspaceID)
		}
		return u.Location(), err
	}
	camp, err := newCampaigns(cfg, db, log, acc, ad.zoho, sch, reg, userLocation, sandboxBase != "")
	if err != nil {
		return nil, err
	}
	var feed *analytics.Feed                  // set below, before anything publishes
	door := new(atomic.Pointer[slackbot.Bot]) // set by serve when Slack is configured
	pub, err := publish.New(publish.Config{
		Store: publish.NewStore(db), Accounts: publish.AccountsOf(acc), Adapters: publishers,
		Jobs: publish.SchedulerJobs(sch), Log: log, UserLocation: userLocation,
		Campaigns: campaignChecker{camp}, MediaHosts: ad.media, Uploaded: med, Media: check.Prober{Fetcher: ad.probe, Open: med.OpenMedia},
		OnSettled: func(d publish.Delivery) {
			feed.Settled(d)
			if bot := door.Load(); bot != nil {
				bot.Settled(d) // tells the thread that asked, once every target is final
			}
		},
	})
	if err != nil {
		return nil, err
	}
	if err := pub.Register(reg); err != nil {
		return nil, err
	}
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		return nil, err
	}
	ib := newInbox(cfg, db, log, acc, pub, ad, sandboxBase != "", door)
	anCfg := analytics.Config{Store: analytics.NewStore(db), Tokens: acc, Directory: analytics.AccountsDirectory(accounts.NewStore(db)),
		Deliveries: pub, Accounts: acc, Jobs: sch, Adapters: metrics, Log: log, UserLocation: userLocation, Location: set.Location,
		EmailCampaigns: sentEmails{camp}, Posts: pub, Inbox: ib}
	if ad.zoho != nil {
		anCfg.Zoho = ad.zoho
	}
	an, err := analytics.New(anCfg)
	if err != nil {
		return nil, err
	}
	feed = an.NewFeed(time.Second)
	a := &app{db: db, identity: ids, accounts: acc, publish: pub, scheduler: sch, analytics: an, feed: feed, campaigns: camp,
		library: lib, media: med, settings: set, convert: check.NewService(check.Prober{Fetcher: ad.probe, Open: med.OpenMedia}, med), inbox: ib,
		sessions: identity.NewSessions(identity.NewSessionStore(db), ids, time.Now), publicURL: cfg.PublicURL, userLocation: userLocation,
		memory: memory.New(memory.NewStore(db), time.Now), vault: vault, accountEvents: events, slack: door}
	for _, k := range ring.Keys() {
		a.appKeys = append(a.appKeys, k[:])
	}
	a.groups = groups.New(groups.NewStore(db), acc, time.Now)
	a.targets = publish.NewResolver(acc, set, a.groups)
	if a.agents, err = a.agent(cfg, sandboxBase != "", log); err != nil {
		return nil, err
	}
	if err := a.recurring(); err != nil {
		return nil, err
	}
	return a, nil
}

// recurring registers the jobs that run once per tick across every replica.
func (a *app) recurring() error {
	if err := a.scheduler.RegisterRecurring("token-refresh", refreshSpec, func(ctx context.Context) error {
		_, err := a.accounts.RefreshAll(ctx, refreshWithin)
		return err
	}); err != nil {
		return err
	}
	if err := a.scheduler.RegisterRecurring("analytics-sync", analyticsSpec, func(ctx context.Context) error {
		_, err := a.analytics.Sync(ctx) // logs its summary; failures of single accounts are in the report, not an error
		return err
	}); err != nil {
		return err
	}
	if err := a.scheduler.RegisterRecurring("approvals-sweep", approvalsSpec, func(ctx context.Context) error {
		_, err := a.agents.SweepApprovals(ctx)
		return err
	}); err != nil {
		return err
	}
	if err := a.scheduler.RegisterRecurring("weekly-digest", digestSpec, func(ctx context.Context) error {
		return a.digester().run(ctx)
	}); err != nil {
		return err
	}
	if err := a.scheduler.RegisterRecurring("inbox-poll", inboxSpec, func(ctx context.Context) error {
		_, err := a.inbox.Poll(ctx) // logs its summary; one account's failure is counted, not an error
		return err
	}); err != nil {
		return err
	}
	return a.scheduler.RegisterRecurring("cleanup", cleanupSpec, a.cleanup)
}

// cleanup is the weekly cleanup job: expired OAuth states, idempotency
// keys, sessions, Slack dedup records, conversations past each workspace's
// retention, web chat turns, unused media past their retention, finished
// jobs and expired locks.
func (a *app) cleanup(ctx context.Context) error {
	now := time.Now()
	_, serr := oauth.NewStates(a.db, a.vault, time.Now).Purge(ctx, now)
	_, kerr := a.publish.PurgeIdempotencyKeys(ctx)
	_, lerr := a.sessions.Purge(ctx)
	_, seenErr := slackbot.NewStore(a.db).PurgeSeen(ctx, now) // Slack deliveries remembered for dedupe, threads of posts, told outcomes
	_, cerr := a.agents.SweepConversations(ctx)               // each workspace's conversation_retention_days
	// The web chat's turns.
	_, terr := agents.NewTaskStore(a.db).PurgeTasks(ctx, now.Add(-webChatKept))
	_, merr := a.media.Cleanup(ctx) // media nothing uses, past media.Retention
	return errors.Join(serr, kerr, lerr, seenErr, cerr, terr, merr, a.scheduler.Cleanup(ctx))
}

// webChatKept is how long the web chat keeps a turn after its last change.
const webChatKept = 30 * 24 * time.Hour

// httpDeps is what the HTTP sidecar needs of the app.
func (a *app) httpDeps(log zerolog.Logger, reg *prometheus.Registry) httpapi.Deps {
	return httpapi.Deps{
		Log: log, Identity: a.identity, Store: a.db, Registry: reg, Agents: agentNames(),
		Accounts: a.accounts, Posts: a.publish, Jobs: a.scheduler, Analytics: a.analytics, Campaigns: a.campaigns,
		CampaignAnalytics: campaignAnalytics{a.analytics}, Library: a.library, Settings: a.settings, Media: a.media, Converter: a.convert, Resubmitter: a.agents,
		Sessions: a.sessions, PublicURL: a.publicURL, UserLocation: a.userLocation, Tokens: a.identity, People: a.identity,
		Approvals: a.agents, Agent: a.agents, Turns: agents.NewTaskStore(a.db), Defaults: a.targets, ChartKeys: a.appKeys,
		Inbox: a.inbox, Drafter: replyDrafter{a.agents},
	}
}

// sandboxZohoSender is the sender of the sandbox's Zoho org, the default
// sender in sandbox mode.
const sandboxZohoSender = "patricia.boyle@zylker.example"

// newCampaigns wires tools/campaigns: Zoho through the workspace's grant in
// tools/accounts, scheduled sends as the email_campaign job kind.
func newCampaigns(cfg config, db *store.DB, log zerolog.Logger, acc *accounts.Service, zc *zoho.Client,
	sch *schedule.Scheduler, reg *schedule.Registry, userLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error),
	sandboxed bool) (*campaigns.Service, error) {
	c := campaigns.Config{Store: campaigns.NewStore(db), Tokens: acc, Jobs: campaigns.SchedulerJobs(sch), PublicURL: cfg.PublicURL, Log: log,
		UserLocation: userLocation}
	if zc != nil { // a nil *zoho.Client must stay a nil interface
		c.Zoho = zc
	}
	if sandboxed {
		c.FromEmail = sandboxZohoSender
	}
	svc, err := campaigns.New(c)
	if err != nil {
		return nil, err
	}
	return svc, svc.Register(reg)
}

// sentEmails is tools/campaigns as analytics sees it: the sent email
// campaigns whose reports the sync reads.
type sentEmails struct{ svc *campaigns.Service }

func (s sentEmails) SentEmailCampaigns(ctx context.Context, workspaceID string, since time.Time) ([]analytics.EmailCampaignRef, error) {
	sent, err := s.svc.SentEmailCampaigns(ctx, workspaceID, since)
	refs := make([]analytics.EmailCampaignRef, len(sent))
	for i, e := range sent {
		refs[i] = analytics.EmailCampaignRef{ID: e.ID, CampaignKey: e.CampaignKey, MarketingCampaignID: e.MarketingCampaignID, SentAt: e.SentAt}
	}
	return refs, err
}

// campaignAnalytics is a marketing campaign's figures for its REST route.
type campaignAnalytics struct{ svc *analytics.Service }

func (c campaignAnalytics) CampaignSummary(ctx context.Context, caller identity.Caller, campaignID string, from, to time.Time) (any, error) {
	return c.svc.CampaignSummary(ctx, caller, campaignID, from, to)
}

// campaignChecker is tools/campaigns as publishing sees it: whether a post's
// campaign_id is one of the workspace's marketing campaigns.
type campaignChecker struct{ svc *campaigns.Service }

func (c campaignChecker) CampaignExists(ctx context.Context, caller identity.Caller, id string) (bool, error) {
	err := c.svc.Check(ctx, caller, id)
	if errors.Is(err, campaigns.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// agentNames are the agents /api/health lists: the assistant and its
// specialists.
func agentNames() []string {
	names := []string{"assistant"}
	for _, sp := range agents.DefaultSpecialists() {
		names = append(names, sp.Name)
	}
	return names
}
