package agents

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
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
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// world is the product wired as serve wires it, on a sandbox over HTTP and
// a fresh SQLite store: accounts, publishing, the scheduler, analytics and
// memory, with the orchestrator on top.
type world struct {
	sb       *sandbox.Sandbox
	db       *store.DB
	accounts *accounts.Service
	posts    *publish.Service
	jobs     *schedule.Scheduler
	memory   *memory.Service
	set      *prompts.Set
	store    Store
	targets  *publish.Resolver
	caps     Capabilities
}

func newWorld(t testing.TB) *world {
	t.Helper()
	srv := sandboxtest.Start(t, sandbox.Options{})
	db := storetest.Open(t, store.SQLite, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, publish.Schema, analytics.Schema, campaigns.Schema, library.Schema, memory.Schema, settings.Schema, groups.Schema, Schema)
	hosts := platform.Hosts{Sandbox: srv.URL}
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	media := safehttp.New(safehttp.Options{AllowPrivate: true})
	social := map[platform.Name]interface {
		accounts.Provider
		publish.Adapter
	}{
		platform.Facebook:  facebook.NewClient(hc, hosts, facebook.Config{ClientID: "mm-fb", ClientSecret: "fb-secret"}),
		platform.Instagram: instagram.NewClient(hc, hosts, instagram.Config{ClientID: "mm-fb", ClientSecret: "fb-secret"}),
		platform.Twitter:   twitter.NewClient(hc, hosts, twitter.Config{ClientID: "mm-x", ClientSecret: "x-secret"}, media),
		platform.LinkedIn:  linkedin.NewClient(hc, hosts, linkedin.Config{ClientID: "mm-li", ClientSecret: "li-secret"}, media),
	}
	providers, adapters := map[platform.Name]accounts.Provider{}, map[platform.Name]publish.Adapter{}
	for n, c := range social {
		providers[n], adapters[n] = c, c
	}
	k, err := oauth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	vault, err := oauth.NewVault(oauth.Keyring{Current: k})
	if err != nil {
		t.Fatal(err)
	}
	zc := zoho.NewClient(hc, hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "zoho-secret"})
	acc, err := accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true},
		accounts.Deps{DB: db, Vault: vault, Providers: providers, Zoho: zc, Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := publish.New(publish.Config{Store: publish.NewStore(db), Accounts: publish.AccountsOf(acc), Adapters: adapters,
		Jobs: publish.SchedulerJobs(sch), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Register(reg); err != nil {
		t.Fatal(err)
	}
	camp, err := campaigns.New(campaigns.Config{Store: campaigns.NewStore(db), Tokens: acc, Zoho: zc, Jobs: campaigns.SchedulerJobs(sch),
		PublicURL: "https://mm.example", FromEmail: "patricia.boyle@zylker.example", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := camp.Register(reg); err != nil {
		t.Fatal(err)
	}
	an, err := analytics.New(analytics.Config{Store: analytics.NewStore(db), Tokens: acc, Directory: analytics.AccountsDirectory(accounts.NewStore(db)),
		Deliveries: pub, Accounts: acc, Jobs: sch, Posts: pub, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.New(memory.NewStore(db), nil)
	lib, err := library.New(library.Config{Store: library.NewStore(db)})
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	grp := groups.New(groups.NewStore(db), acc, nil)
	targets := publish.NewResolver(acc, defaults, grp)
	return &world{sb: srv.Sandbox, db: db, accounts: acc, posts: pub, jobs: sch, memory: mem, set: set, store: NewStore(db), targets: targets,
		caps: Capabilities{Accounts: acc, Posts: pub, Targets: targets, Groups: grp, Jobs: sch, Analytics: an, Memory: mem, Campaigns: camp, Library: lib}}
}

// orchestrator builds an orchestrator of the world on model.
func (w *world) orchestrator(t testing.TB, model llm.Model, edit func(*Config)) *Orchestrator {
	t.Helper()
	cfg := Config{Model: model, Store: w.store, Prompts: w.set, Tools: CoreTools(w.caps), Memory: w.memory, Accounts: w.accounts, Defaults: w.targets,
		Sandbox: true, Log: zerolog.Nop()}
	if edit != nil {
		edit(&cfg)
	}
	o, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// connect runs the whole OAuth flow for p as c and returns the accounts.
func (w *world) connect(t testing.TB, c identity.Caller, p platform.Name) []accounts.Account {
	t.Helper()
	ctx := context.Background()
	u, err := w.accounts.Connect(ctx, c, p, accounts.ReturnTo{})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	res, err := w.accounts.Callback(ctx, p, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
		AccountsServer: q.Get("accounts-server")})
	if err != nil {
		t.Fatalf("connect %s: %v", p, err)
	}
	return res.Accounts
}
