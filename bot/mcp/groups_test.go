package mcp

import (
	"context"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// oneX is a workspace T1 with one X account.
type oneX struct{}

func (oneX) List(_ context.Context, c identity.Caller, _ platform.Name) ([]accounts.Account, error) {
	if c.WorkspaceID != "T1" {
		return nil, nil
	}
	return []accounts.Account{{ID: "x1", Platform: platform.Twitter, AccountName: "Acme", Handle: "acme", Status: accounts.StatusConnected}}, nil
}

// The agent's group tools are MCP tools over the real tools/groups: an
// editor saves, lists and deletes, each answer in words before its JSON;
// a viewer is offered the list only and refused a save.
func TestGroupToolsOverMCP(t *testing.T) {
	t.Parallel()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := groups.New(groups.NewStore(storetest.Open(t, store.SQLite, groups.Schema)), oneX{}, nil)
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: agents.CoreTools(agents.Capabilities{Groups: svc}), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Registry: o})
	if err != nil {
		t.Fatal(err)
	}
	editor := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor})
	call := func(cs *sdk.ClientSession, name string, args map[string]any) (string, bool) {
		t.Helper()
		res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatal(err)
		}
		return res.Content[0].(*sdk.TextContent).Text, res.IsError
	}
	for _, step := range []struct {
		name string
		args map[string]any
		want string
	}{
		{"save_account_group", map[string]any{"name": "Acme brand", "account_ids": []string{"x1"}}, "Saved the group Acme brand.\n  • X: Acme\n"},
		{"list_account_groups", map[string]any{}, "1 account group\n  • Acme brand: X Acme\n"},
		{"delete_account_group", map[string]any{"name": "acme BRAND"}, "Deleted the group Acme brand.\n"},
	} {
		if got, isErr := call(editor, step.name, step.args); isErr || !strings.HasPrefix(got, step.want) {
			t.Errorf("%s = %q (error %v); want it to start %q", step.name, got, isErr, step.want)
		}
	}
	if got, isErr := call(editor, "save_account_group", map[string]any{"name": "Beans", "account_ids": []string{"x9"}}); !isErr || !strings.Contains(got, `no account "x9" in this workspace`) {
		t.Errorf("an unknown account = %q (error %v)", got, isErr)
	}

	viewer := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer})
	list, err := viewer.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var offered []string
	for _, tl := range list.Tools {
		if strings.Contains(tl.Name, "account_group") {
			offered = append(offered, tl.Name)
		}
	}
	if strings.Join(offered, " ") != "list_account_groups" {
		t.Errorf("a viewer is offered %v", offered)
	}
	if got, isErr := call(viewer, "save_account_group", map[string]any{"name": "Beans", "account_ids": []string{"x1"}}); !isErr || !strings.Contains(got, "not allowed") {
		t.Errorf("a viewer's save = %q (error %v)", got, isErr)
	}
}
