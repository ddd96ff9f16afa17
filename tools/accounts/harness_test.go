package accounts

import (
	"context"
	"net/http"
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
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var schemas = []store.Schema{oauth.Schema, audit.Schema, Schema}

// env is one test's world: the sandbox, the real adapters pointed at it,
// and a service on db.
type env struct {
	sb      *sandbox.Sandbox
	sbURL   string
	db      *store.DB
	key     oauth.Key
	vault   *oauth.Vault
	svc     *Service
	events  *Channel
	editor  identity.Caller
	twitter *twitter.Client
}

// Providers returns the real adapters, pointed at the sandbox at sbURL.
func Providers(sbURL string) (map[platform.Name]Provider, *zoho.Client, *twitter.Client) {
	hosts := platform.Hosts{Sandbox: sbURL}
	hc := &http.Client{Timeout: 10 * time.Second}
	media := safehttp.New(safehttp.Options{})
	tw := twitter.NewClient(hc, hosts, twitter.Config{ClientID: "mm-x", ClientSecret: "x-secret"}, media)
	return map[platform.Name]Provider{
		platform.Facebook:  facebook.NewClient(hc, hosts, facebook.Config{ClientID: "mm-fb", ClientSecret: "fb-secret"}),
		platform.Instagram: instagram.NewClient(hc, hosts, instagram.Config{ClientID: "mm-fb", ClientSecret: "fb-secret"}),
		platform.Twitter:   tw,
		platform.LinkedIn:  linkedin.NewClient(hc, hosts, linkedin.Config{ClientID: "mm-li", ClientSecret: "li-secret"}, media),
	}, zoho.NewClient(hc, hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "zoho-secret"}), tw
}

func newEnv(t testing.TB, db *store.DB, opts sandbox.Options) *env {
	t.Helper()
	srv := sandboxtest.Start(t, opts)
	k, _ := oauth.GenerateKey()
	vault, _ := oauth.NewVault(oauth.Keyring{Current: k})
	e := &env{sb: srv.Sandbox, sbURL: srv.URL, db: db, key: k, vault: vault,
		editor: identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}}
	e.svc, e.events = e.replica(t, db)
	return e
}

// replica is another service (another serve process) on db, same key.
func (e *env) replica(t testing.TB, db *store.DB) (*Service, *Channel) {
	t.Helper()
	provs, z, tw := Providers(e.sbURL)
	e.twitter = tw
	events := NewChannel(64)
	svc, err := New(Config{PublicURL: "https://mm.example", Sandbox: true}, Deps{
		DB: db, Vault: e.vault, Providers: provs, Zoho: z, Audit: audit.New(db, nil), Events: events, Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	svc.Flight().Poll = 5 * time.Millisecond
	return svc, events
}

// connect runs the whole flow for p on svc and returns the result.
func (e *env) connect(t testing.TB, svc *Service, c identity.Caller, p platform.Name) CallbackResult {
	t.Helper()
	ctx := context.Background()
	u, err := svc.Connect(ctx, c, p, ReturnTo{Kind: "slack", Channel: "C1", ThreadTS: "1.2"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	res, err := svc.Callback(ctx, p, CallbackRequest{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), AccountsServer: q.Get("accounts-server")})
	if err != nil {
		t.Fatalf("callback %s: %v", p, err)
	}
	return res
}
