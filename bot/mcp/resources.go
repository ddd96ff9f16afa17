package mcp

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/marketingminds/marketingminds/agents"
)

// resource is a read-only tool's answer offered as a resource: the same
// call, so a resource says exactly what the tool would.
type resource struct {
	uri, name, description string
	tool                   string
	args                   string
}

// The resources, each served when its tool is in the registry.
var resources = []resource{
	{"marketingminds://accounts", "accounts", "The workspace's connected accounts with their account_id and status.", "list_accounts", `{}`},
	{"marketingminds://posts/scheduled", "scheduled-posts", "The workspace's scheduled posts, with each target's status.", "list_posts", `{"status":"scheduled","limit":50}`},
	{"marketingminds://analytics/latest", "analytics", "The latest analytics: the last 7 days, as get_analytics answers them.", "get_analytics", `{"days":7}`},
}

func (s *Server) addResources(srv *sdk.Server, caller who) {
	for _, r := range resources {
		if !slices.ContainsFunc(s.tools, func(t agents.Tool) bool { return t.Name == r.tool }) {
			continue
		}
		srv.AddResource(&sdk.Resource{URI: r.uri, Name: r.name, Description: r.description, MIMEType: "application/json"},
			func(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
				c, err := caller(req)
				if err != nil {
					return nil, err
				}
				inv, err := s.cfg.Registry.Invoke(ctx, c, r.tool, json.RawMessage(r.args))
				if err != nil {
					return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: r.name + ": " + s.plain(ctx, c, r.tool, err)}
				}
				return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: r.uri, MIMEType: "application/json", Text: string(inv.Result)}}}, nil
			})
	}
}

func (s *Server) addPrompts(srv *sdk.Server, caller who) {
	for _, p := range s.cfg.Prompts {
		srv.AddPrompt(&sdk.Prompt{Name: p.Name, Description: p.Description},
			func(ctx context.Context, req *sdk.GetPromptRequest) (*sdk.GetPromptResult, error) {
				c, err := caller(req)
				if err != nil {
					return nil, err
				}
				text, err := p.Render(ctx, c)
				if err != nil {
					return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: p.Name + ": " + s.plain(ctx, c, p.Name, err)}
				}
				return &sdk.GetPromptResult{Description: p.Description, Messages: []*sdk.PromptMessage{{Role: "user", Content: &sdk.TextContent{Text: text}}}}, nil
			})
	}
}
