package llm_test

import (
	"context"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// Without a model, the group commands of `/mm` are understood in a
// conversation too: each is one call of the agent's group tool.
func TestPlannerGroupCalls(t *testing.T) {
	t.Parallel()
	var defs []llm.ToolDef
	for _, n := range []string{"list_account_groups", "save_account_group", "delete_account_group"} {
		defs = append(defs, llm.ToolDef{Name: n, Parameters: []byte(`{"type":"object"}`)})
	}
	for _, tt := range []struct{ words, tool, args string }{
		{`groups`, "list_account_groups", `{}`},
		{`list groups`, "list_account_groups", `{}`},
		{`what account groups do we have?`, "list_account_groups", `{}`},
		{`show me our groups`, "list_account_groups", `{}`},
		{`group save "Acme brand" facebook Acme Coffee, x`, "save_account_group", `{"accounts":["facebook Acme Coffee","twitter"],"name":"Acme brand"}`},
		{`group delete Acme brand`, "delete_account_group", `{"name":"Acme brand"}`},
	} {
		req := llm.Request{WorkspaceID: "T1", Tools: llm.NewTools(defs), Messages: []llm.Message{{Role: llm.RoleSystem, Content: "system prompt"}, {Role: llm.RoleUser, Content: tt.words}}}
		resp, err := llm.Offline().Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if calls := resp.Message.ToolCalls; len(calls) != 1 || calls[0].Name != tt.tool || calls[0].Arguments != tt.args {
			t.Errorf("%q: calls = %+v, want one %s %s", tt.words, calls, tt.tool, tt.args)
		}
	}
}
