package mcp

import (
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// realServer serves the product's whole registry: every core tool and
// every specialist. Listing tools runs none, so the services stay unset.
func realServer(t *testing.T) (*Server, []agents.Tool) {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	tools := agents.CoreTools(agents.Capabilities{Accounts: (*accounts.Service)(nil), Posts: (*publish.Service)(nil),
		Targets: (*publish.Resolver)(nil), Groups: (*groups.Service)(nil), Jobs: (*schedule.Scheduler)(nil), Analytics: (*analytics.Service)(nil), Memory: (*memory.Service)(nil),
		Campaigns: (*campaigns.Service)(nil), Library: (*library.Service)(nil), Inbox: (*inbox.Service)(nil)})
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: tools, Specialists: agents.DefaultSpecialists(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Registry: o})
	if err != nil {
		t.Fatal(err)
	}
	return s, o.Tools()
}

// Every tool is annotated by what it declared: a tool held for approval or
// one that writes is never read-only, the ones that remove or cancel are
// destructive, and a viewer is offered exactly the tools that change nothing
// and may call no other.
func TestAnnotationsFollowEachToolsEffects(t *testing.T) {
	t.Parallel()
	s, registry := realServer(t)
	editor := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor})
	list, err := editor.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) != len(registry) {
		t.Fatalf("offered %d tools to an editor, the registry holds %d", len(list.Tools), len(registry))
	}
	offered := map[string]*sdk.Tool{}
	for _, tl := range list.Tools {
		offered[tl.Name] = tl
	}
	writers := []string{"save_to_library", "create_email_campaign", "connect_account", "remember", "like_comment", "close_inbox_item"} // they write without approval
	var readOnly []string
	for _, tool := range registry {
		a := offered[tool.Name].Annotations
		e := tool.Effects()
		if a == nil || a.ReadOnlyHint != e.ReadOnly || a.IdempotentHint != e.Idempotent || a.OpenWorldHint == nil || *a.OpenWorldHint != e.OpenWorld {
			t.Errorf("%s: annotations %+v do not say its effects %+v", tool.Name, a, e)
			continue
		}
		if a.ReadOnlyHint && (tool.SideEffect || slices.Contains(writers, tool.Name)) {
			t.Errorf("%s changes things but is annotated read-only", tool.Name)
		}
		destructive := strings.HasPrefix(tool.Name, "cancel_") || strings.HasPrefix(tool.Name, "disconnect_") || strings.HasPrefix(tool.Name, "delete_")
		switch {
		case a.ReadOnlyHint && a.DestructiveHint != nil:
			t.Errorf("%s: a read-only tool carries destructiveHint", tool.Name)
		case !a.ReadOnlyHint && (a.DestructiveHint == nil || *a.DestructiveHint != e.Destructive):
			t.Errorf("%s: destructiveHint %v, declared %v", tool.Name, a.DestructiveHint, e.Destructive)
		case destructive && (a.ReadOnlyHint || !*a.DestructiveHint):
			t.Errorf("%s removes or cancels but is not annotated destructive", tool.Name)
		}
		if a.ReadOnlyHint {
			readOnly = append(readOnly, tool.Name)
		}
	}
	for _, w := range append(writers, "publish_post", "disconnect_account", "cancel_job", "list_inbox", "reply_to_comment", "hide_comment") {
		if offered[w] == nil {
			t.Fatalf("%s is not in the registry", w)
		}
	}

	viewer := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer})
	vl, err := viewer.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, tl := range vl.Tools {
		seen = append(seen, tl.Name)
	}
	slices.Sort(seen)
	slices.Sort(readOnly)
	if strings.Join(seen, " ") != strings.Join(readOnly, " ") {
		t.Fatalf("a viewer is offered %v, want the read-only %v", seen, readOnly)
	}
	for _, w := range writers {
		res, err := viewer.CallTool(t.Context(), &sdk.CallToolParams{Name: w, Arguments: map[string]any{}})
		if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, "not allowed") {
			t.Errorf("a viewer calling %s: %+v, %v; want refused", w, res, err)
		}
	}
}
