package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The app serves account groups over REST with the real accounts: a group
// of the X account connected through the sandbox reads it by name.
func TestGroupsOverTheAppsREST(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	withApp(t, env, func(a *app) {
		ctx := context.Background()
		x := connectInSandbox(t, ctx, a, editor, platform.Twitter)
		srv := httptest.NewServer(httpapi.New(a.httpDeps(zerolog.Nop(), prometheus.NewRegistry())).Handler())
		defer srv.Close()
		tok, err := a.identity.CreateToken(ctx, "T1", "U1", identity.Editor, "")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", srv.URL+"/api/groups", strings.NewReader(`{"name":"Acme brand","account_ids":["`+x[0].ID+`"]}`))
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Group struct {
				Accounts []struct {
					Name     string `json:"name"`
					Platform string `json:"platform"`
				} `json:"accounts"`
			} `json:"group"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 201 || len(body.Group.Accounts) != 1 || body.Group.Accounts[0].Name != x[0].AccountName || body.Group.Accounts[0].Platform != "twitter" {
			t.Fatalf("create = %d %+v, %v", resp.StatusCode, body, err)
		}
		if status, list := get(t, srv.URL+"/api/groups", tok.Token); status != 200 || !strings.Contains(list, `"name":"Acme brand"`) {
			t.Fatalf("list = %d %s", status, list)
		}
	})
}
