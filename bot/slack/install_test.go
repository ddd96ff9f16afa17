package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestInstallThenConverseWithTheTeamsToken(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, slack.Schema, oauth.Schema)
	key, err := oauth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	vault, err := oauth.NewVault(oauth.Keyring{Current: key})
	if err != nil {
		t.Fatal(err)
	}
	b := setupDB(t, db, func(c *slack.Config, d *slack.Deps) {
		c.BotToken, c.ClientID, c.ClientSecret, c.PublicURL = "", "cid", "csecret", "https://mm.example.com"
		d.Vault, d.States = vault, oauth.NewStates(db, vault, nil)
	})
	b.fake.OAuth("cid", "csecret", "code-1", slackfake.Install{Team: team, TeamName: "Acme", BotToken: "xoxb-installed", BotUserID: "UBOT", AppID: "A1", Scope: "chat:write", User: "U1"})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slack/install", b.bot.Install)
	mux.HandleFunc("GET /slack/oauth/callback", b.bot.OAuthCallback)
	srv := newServer(t, mux)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := noRedirect.Get(srv + "/slack/install")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Host != "slack.com" || loc.Query().Get("client_id") != "cid" ||
		loc.Query().Get("redirect_uri") != "https://mm.example.com/slack/oauth/callback" || !strings.Contains(loc.Query().Get("scope"), "chat:write") {
		t.Fatalf("install redirect %d %s", resp.StatusCode, loc)
	}
	state := loc.Query().Get("state")

	get := func(q string) (int, string) {
		resp, err := http.Get(srv + "/slack/oauth/callback?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for name, c := range map[string]struct {
		q    string
		code int
	}{
		"denied":        {"error=access_denied&state=" + state, 400},
		"forged state":  {"code=code-1&state=forged", 400},
		"missing state": {"code=code-1", 400},
	} {
		if code, body := get(c.q); code != c.code {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
	if code, body := get("code=code-1&state=" + url.QueryEscape(state)); code != 200 || !strings.Contains(body, "installed in Acme") {
		t.Fatalf("callback: %d %s", code, body)
	}
	if code, body := get("code=code-1&state=" + url.QueryEscape(state)); code != 400 || !strings.Contains(body, "already used") {
		t.Fatalf("replayed callback: %d %s", code, body)
	}
	in, err := slack.NewStore(db).Install(context.Background(), team)
	if err != nil || in.TeamName != "Acme" || in.BotUserID != "UBOT" || in.InstalledBy != "U1" || strings.Contains(in.BotToken, "xoxb") {
		t.Fatalf("install = %+v, %v (the token must be sealed)", in, err)
	}
	if w, err := b.ids.Workspace(context.Background(), team); err != nil || w.Name != "Acme" {
		t.Fatalf("workspace after the install = %+v, %v; want it named Acme", w, err)
	}

	b.signed(t, "/slack/events", mention("EvInst", "U1", "1700000700.000100", "", "hi"))
	b.bot.Wait()
	starts := b.fake.Calls("chat.postMessage", "chat.startStream")
	if len(starts) != 1 || starts[0].Token != "xoxb-installed" {
		t.Fatalf("reply with the installed token: %+v", starts)
	}
	exchange := b.fake.Calls("oauth.v2.access")
	if len(exchange) != 1 || exchange[0].Args.Get("redirect_uri") != "https://mm.example.com/slack/oauth/callback" {
		t.Fatalf("oauth.v2.access calls = %+v", exchange)
	}
	for _, c := range b.fake.Calls() {
		raw, _ := json.Marshal(c.Args)
		if strings.Contains(string(raw), "csecret") && c.Method != "oauth.v2.access" {
			t.Fatalf("the client secret reached %s", c.Method)
		}
	}
}

func TestManifest(t *testing.T) {
	t.Parallel()
	for _, socket := range []bool{false, true} {
		m, err := slack.Manifest("https://mm.example.com/", socket)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(m)
		s := string(raw)
		for _, want := range []string{`"/mm"`, `"app_mention"`, `"message.im"`, `"chat:write"`, `"https://mm.example.com/slack/oauth/callback"`} {
			if !strings.Contains(s, want) {
				t.Errorf("socket=%v: manifest lacks %s", socket, want)
			}
		}
		if has := strings.Contains(s, "https://mm.example.com/slack/events"); has == socket {
			t.Errorf("socket=%v: events request URL present = %v", socket, has)
		}
		if m.Settings.SocketModeEnabled != socket {
			t.Errorf("socket mode = %v", m.Settings.SocketModeEnabled)
		}
	}
	for _, bad := range []string{"", "mm.example.com", "ftp://x", "https://"} {
		if _, err := slack.Manifest(bad, false); err == nil {
			t.Errorf("manifest for %q: no error", bad)
		}
	}
}
