// Package mcp is the Model Context Protocol door: the agent's tool registry
// (every tool with its generated input schema), the workspace's connected
// accounts, scheduled posts and latest analytics as resources, and the
// assistant's prompts, served with the official Go SDK on stdio (Serve, for
// desktop clients) and streamable HTTP (Handler, mounted at /mcp). Every
// call goes through agents.Orchestrator.Invoke as the authenticated caller
// with the mcp door, so the approval gate holds exactly as in Slack.
package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Registry is the tool registry and its gate (*agents.Orchestrator).
type Registry interface {
	Tools() []agents.Tool
	Invoke(ctx context.Context, c identity.Caller, name string, args json.RawMessage) (agents.Invocation, error)
}

// Prompt is a prompt offered to MCP clients, rendered for the caller.
type Prompt struct {
	Name        string
	Description string
	Render      func(ctx context.Context, c identity.Caller) (string, error)
}

// Config builds a Server.
type Config struct {
	Registry Registry
	Prompts  []Prompt
	// ApprovalURL, when set, is where a person approves a held call; the
	// answer links to it.
	ApprovalURL func(approvalID string) string
	Version     string
	Log         zerolog.Logger
}

// Server serves the registry over MCP.
type Server struct {
	cfg     Config
	tools   []agents.Tool
	http    *sdk.Server
	present *present.Registry
}

// instructions tell an MCP client's model how the server behaves.
const instructions = "Marketing Minds: publish, schedule and measure social media posts for one workspace. " +
	"Tools that act in the team's name (publishing, scheduling, disconnecting, cancelling) do not act at once: they answer " +
	"awaiting_approval with an approval_id, and a person approves them in Slack or the dashboard. Tools that only save a draft, " +
	"a note or a connect link act at once; their annotations say they are not read-only. Read-only tools answer directly."

// New builds the server; the HTTP side is built once and serves every caller.
func New(cfg Config) (*Server, error) {
	if cfg.Registry == nil {
		return nil, errors.New("mcp: a tool registry is required")
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{cfg: cfg, tools: cfg.Registry.Tools(), present: present.New()}
	s.http = s.build(fromToken)
	return s, nil
}

// who finds the caller of a request.
type who func(req sdk.Request) (identity.Caller, error)

// errNoCaller is a request that reached the server unauthenticated; the
// door refuses those before, so it is a wiring mistake.
var errNoCaller = errors.New("mcp: the request carries no authenticated caller")

// build makes an SDK server whose handlers act as who says.
func (s *Server) build(caller who) *sdk.Server {
	srv := sdk.NewServer(&sdk.Implementation{Name: "marketingminds", Title: "Marketing Minds", Version: s.cfg.Version},
		// The tools, resources and prompts added below are advertised.
		&sdk.ServerOptions{Instructions: instructions,
			// Every list and resource depends on who asks (workspace, role).
			SetCacheable: func(_ context.Context, _ sdk.Request, c *sdk.Cacheable) { c.CacheScope = "private" }})
	for _, t := range s.tools {
		srv.AddTool(&sdk.Tool{
			Name: t.Name, Description: t.Description, InputSchema: t.Schema, Annotations: annotations(t.Effects()),
		}, s.toolHandler(t.Name, caller))
	}
	s.addResources(srv, caller)
	s.addPrompts(srv, caller)
	srv.AddReceivingMiddleware(readOnlyForViewers(caller))
	return srv
}

// annotations are the MCP hints of what a tool declared it does.
func annotations(e agents.Effects) *sdk.ToolAnnotations {
	a := &sdk.ToolAnnotations{ReadOnlyHint: e.ReadOnly, IdempotentHint: e.Idempotent, OpenWorldHint: &e.OpenWorld}
	if !e.ReadOnly {
		a.DestructiveHint = &e.Destructive
	}
	return a
}

// toolHandler calls the tool through the registry's gate. Failures the
// caller can act on (bad arguments, not allowed, not found) are tool
// results with isError, in words, so a model can correct itself.
func (s *Server) toolHandler(name string, caller who) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		c, err := caller(req)
		if err != nil {
			return nil, err
		}
		inv, err := s.cfg.Registry.Invoke(ctx, c, name, req.Params.Arguments)
		if err != nil {
			return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: s.plain(ctx, c, name, err)}}}, nil
		}
		return s.result(inv), nil
	}
}

// plain says what went wrong in words; an unexpected error is logged and
// named only as internal.
func (s *Server) plain(ctx context.Context, c identity.Caller, tool string, err error) string {
	var te *agents.ToolError
	var ae *agents.ArgsError
	switch {
	case errors.As(err, &te):
		return te.Message
	case errors.As(err, &ae), errors.Is(err, agents.ErrUnknownTool):
		return err.Error()
	case errors.Is(err, identity.ErrForbidden):
		return "not allowed: " + err.Error()
	case ctx.Err() != nil:
		return "stopped: the request was cancelled"
	}
	s.cfg.Log.Error().Err(err).Str("tool", tool).Str("workspace", c.WorkspaceID).Msg("mcp: tool call failed")
	return tool + " failed because of an internal error; try again shortly"
}

// fromToken is the caller the HTTP door authenticated (see Handler).
func fromToken(req sdk.Request) (identity.Caller, error) {
	extra := req.GetExtra()
	if extra == nil || extra.TokenInfo == nil {
		return identity.Caller{}, errNoCaller
	}
	c, ok := extra.TokenInfo.Extra[callerKey].(identity.Caller)
	if !ok {
		return identity.Caller{}, errNoCaller
	}
	return c, nil
}

// readOnlyForViewers lists only the read-only tools to a viewer (Invoke
// refuses the others to them anyway).
func readOnlyForViewers(caller who) sdk.Middleware {
	return func(next sdk.MethodHandler) sdk.MethodHandler {
		return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
			res, err := next(ctx, method, req)
			list, ok := res.(*sdk.ListToolsResult)
			if err != nil || !ok {
				return res, err
			}
			c, cerr := caller(req)
			if cerr != nil {
				return nil, cerr
			}
			if c.Role.AtLeast(identity.Editor) {
				return res, nil
			}
			kept := make([]*sdk.Tool, 0, len(list.Tools))
			for _, t := range list.Tools {
				if t.Annotations != nil && t.Annotations.ReadOnlyHint {
					kept = append(kept, t)
				}
			}
			filtered := *list
			filtered.Tools = kept
			return &filtered, nil
		}
	}
}

// callResult is a call's structured content: always an object.
type callResult struct {
	Tool       string          `json:"tool"`
	Status     string          `json:"status"`
	Result     json.RawMessage `json:"result,omitempty"`
	ApprovalID string          `json:"approval_id,omitempty"`
	Summary    string          `json:"summary,omitempty"`
	ApproveURL string          `json:"approve_url,omitempty"`
}

// result is a call's answer: structured content plus a short text.
func (s *Server) result(inv agents.Invocation) *sdk.CallToolResult {
	out := callResult{Tool: inv.Tool, Status: inv.Status, Result: inv.Result}
	if a := inv.Approval; a != nil {
		out.ApprovalID, out.Summary = a.ID, a.Preview
		if s.cfg.ApprovalURL != nil {
			out.ApproveURL = s.cfg.ApprovalURL(a.ID)
		}
	}
	head := ""
	if inv.Value != nil && s.present.Covers(reflect.TypeOf(inv.Value)) {
		// The result as the terminal reads it, for the person behind the
		// client; the JSON follows for the client's model.
		head = s.present.Terminal(present.Env{Loc: time.UTC, Now: time.Now()}, inv.Value).Text
	}
	return &sdk.CallToolResult{StructuredContent: out, Content: []sdk.Content{&sdk.TextContent{Text: summarize(out, head)}}}
}

// summaryJSON bounds the result JSON repeated in the text for clients
// that read only text.
const summaryJSON = 2000

// summarize says in a line or two what a call did (head, when given, is
// the result in words), then gives the result's JSON.
func summarize(r callResult, head string) string {
	if r.Status == agents.InvocationAwaitingApproval {
		text := fmt.Sprintf("Waiting for approval (approval_id %s); nothing was done yet.\n%s\nA person approves it in Slack or the dashboard", r.ApprovalID, r.Summary)
		if r.ApproveURL != "" {
			text += ", or with POST " + r.ApproveURL
		}
		return text + "."
	}
	if head == "" {
		head = r.Tool + ": done."
		var v any
		_ = json.Unmarshal(r.Result, &v)
		switch x := v.(type) {
		case []any:
			head = fmt.Sprintf("%s: %d item(s).", r.Tool, len(x))
		case map[string]any:
			if msg, ok := x["message"].(string); ok && msg != "" {
				head = r.Tool + ": " + msg
			}
		}
	}
	body := string(r.Result)
	if len(body) > summaryJSON {
		body = body[:summaryJSON] + "… (the whole result is in structuredContent)"
	}
	return head + "\n" + body
}
