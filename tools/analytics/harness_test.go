package analytics

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Every social adapter is an Adapter (cmd/marketingminds picks them by a
// type assertion).
var (
	_ Adapter = (*facebook.Client)(nil)
	_ Adapter = (*instagram.Client)(nil)
	_ Adapter = (*twitter.Client)(nil)
	_ Adapter = (*linkedin.Client)(nil)
)

// clock is the sync's injected clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is one test's world: the sandbox, the real X and LinkedIn adapters
// pointed at it, tools/accounts with accounts connected through the real
// OAuth flows, tools/publish, and the analytics service, on one SQLite store.
type env struct {
	sb       *sandbox.Sandbox
	sbClock  *clock // the sandbox's: metrics grow as it moves
	sbURL    string
	sch      *schedule.Scheduler
	fb       *facebook.Client
	zoho     *zoho.Client
	db       *store.DB
	acc      *accounts.Service
	pub      *publish.Service
	svc      *Service
	clock    *clock
	feed     *Feed
	editor   identity.Caller
	viewer   identity.Caller
	x        accounts.Account
	member   accounts.Account
	orgs     []accounts.Account
	accounts int // every connected account
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	sbClock := &clock{t: time.Now()}
	srv := sandboxtest.Start(t, sandbox.Options{Now: sbClock.Now})
	sb := srv.Sandbox
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	hosts := srv.Hosts
	media := safehttp.New(safehttp.Options{AllowPrivate: true})
	tw := twitter.NewClient(hc, hosts, twitter.Config{ClientID: "mm-x", ClientSecret: "x-secret"}, media)
	li := linkedin.NewClient(hc, hosts, linkedin.Config{ClientID: "mm-li", ClientSecret: "li-secret"}, media)
	fb := facebook.NewClient(hc, hosts, facebook.Config{ClientID: "mm-fb", ClientSecret: "fb-secret"})
	z := zoho.NewClient(hc, hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "zoho-secret"})

	db := storetest.Open(t, store.SQLite, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, publish.Schema, Schema)
	k, err := oauth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	vault, err := oauth.NewVault(oauth.Keyring{Current: k})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{sb: sb, sbClock: sbClock, sbURL: srv.URL, fb: fb, zoho: z, db: db, clock: &clock{t: time.Now()},
		editor: identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI},
		viewer: identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer, Door: identity.DoorAPI}}
	e.acc, err = accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true}, accounts.Deps{
		DB: db, Vault: vault, Providers: map[platform.Name]accounts.Provider{platform.Twitter: tw, platform.LinkedIn: li, platform.Facebook: fb},
		Zoho: z, Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []platform.Name{platform.Twitter, platform.LinkedIn} {
		for _, a := range e.connect(t, p) {
			e.accounts++
			switch {
			case p == platform.Twitter:
				e.x = a
			case a.Kind == "member":
				e.member = a
			default:
				e.orgs = append(e.orgs, a)
			}
		}
	}
	if e.x.ID == "" || e.member.ID == "" || len(e.orgs) == 0 {
		t.Fatalf("connected X %+v, LinkedIn member %+v, organizations %+v; want one of each at least", e.x, e.member, e.orgs)
	}

	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()}) // not started: publish-now's watchdog jobs just wait
	if err != nil {
		t.Fatal(err)
	}
	e.sch = sch
	e.pub, err = publish.New(publish.Config{Store: publish.NewStore(db), Accounts: publish.AccountsOf(e.acc), Jobs: publish.SchedulerJobs(sch),
		Adapters: map[platform.Name]publish.Adapter{platform.Twitter: tw, platform.LinkedIn: li, platform.Facebook: fb}, Log: zerolog.Nop(), Now: e.clock.Now,
		OnSettled: func(d publish.Delivery) { e.feed.Settled(d) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.pub.Register(reg); err != nil {
		t.Fatal(err)
	}

	cfg.Store, cfg.Tokens, cfg.Directory, cfg.Deliveries, cfg.Accounts = NewStore(db), e.acc, AccountsDirectory(accounts.NewStore(db)), e.pub, e.acc
	cfg.Adapters = map[platform.Name]Adapter{platform.Twitter: tw, platform.LinkedIn: li, platform.Facebook: fb}
	cfg.Log, cfg.Now, cfg.Zoho, cfg.Jobs = zerolog.Nop(), e.clock.Now, z, sch
	if e.svc, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	e.feed = e.svc.NewFeed(time.Hour) // flushed by the tests
	return e
}

// connect runs the OAuth flow for p through tools/accounts (the sandbox's
// consent page approves at once) and returns the accounts it revealed.
func (e *env) connect(t *testing.T, p platform.Name) []accounts.Account {
	t.Helper()
	ctx := context.Background()
	u, err := e.acc.Connect(ctx, e.editor, p, accounts.ReturnTo{Kind: "slack", Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	res, err := e.acc.Callback(ctx, p, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
		AccountsServer: q.Get("accounts-server")})
	if err != nil {
		t.Fatalf("callback %s: %v", p, err)
	}
	return res.Accounts
}

// publish posts text now to the accounts and returns the post id and each
// account's platform post id.
func (e *env) publish(t *testing.T, text string, accts ...accounts.Account) (string, map[string]string) {
	t.Helper()
	return e.publishIn(t, "", text, accts...)
}

// publishIn publishes into a marketing campaign.
func (e *env) publishIn(t *testing.T, campaignID, text string, accts ...accounts.Account) (string, map[string]string) {
	t.Helper()
	ids := make([]string, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	out, err := e.pub.PublishNow(context.Background(), e.editor, publish.Request{Content: publish.Content{Text: text}, AccountIDs: ids, CampaignID: campaignID})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Success {
		t.Fatalf("publish %q: %+v", text, out)
	}
	got := map[string]string{}
	for _, r := range out.Results {
		got[r.AccountID] = r.PlatformPostID
	}
	return out.PostID, got
}

func (e *env) sync(t *testing.T) Report {
	t.Helper()
	rep, err := e.svc.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync: %v (report %+v)", err, rep)
	}
	return rep
}
