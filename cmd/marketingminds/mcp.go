package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/mcp"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// mcpServer serves the orchestrator's registry over MCP, with the
// assistant's and the specialists' prompts.
func mcpServer(o *agents.Orchestrator, publicURL string, log zerolog.Logger) (*mcp.Server, error) {
	ps := []mcp.Prompt{{
		Name:        "marketing_assistant",
		Description: "The Marketing Minds assistant's instructions for this workspace: the person, time zone, brand memory, connected accounts and approval policy.",
		Render:      func(ctx context.Context, c identity.Caller) (string, error) { return o.Prompt(ctx, c, "") },
	}}
	for _, sp := range agents.DefaultSpecialists() {
		ps = append(ps, mcp.Prompt{Name: sp.Name, Description: sp.Description,
			Render: func(ctx context.Context, c identity.Caller) (string, error) { return o.Prompt(ctx, c, sp.Name) }})
	}
	return mcp.New(mcp.Config{
		Registry: o, Prompts: ps, Version: version, Log: log,
		ApprovalURL: func(id string) string { return publicURL + "/api/approvals/" + id + "/approve" },
	})
}

// mcpHandler is the MCP door of the HTTP sidecar (/mcp).
func (a *app) mcpHandler(publicURL string, log zerolog.Logger) (http.Handler, error) {
	srv, err := mcpServer(a.agents, publicURL, log)
	if err != nil {
		return nil, err
	}
	return srv.Handler(), nil
}

// errNoAPIToken is the mcp command's answer without MM_API_TOKEN.
var errNoAPIToken = errors.New("MM_API_TOKEN is not set: create a token with `marketingminds token create --workspace T --user U` and put it in the MCP client's env")

func mcpCommand(env envLoader, getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var workspace, user string
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the tools over the Model Context Protocol on stdio (for desktop MCP clients); the identity is the API token in MM_API_TOKEN",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := getenv("MM_API_TOKEN")
			if token == "" {
				return &configError{problems: []string{errNoAPIToken.Error()}}
			}
			cfg, err := env()
			if err != nil {
				return err
			}
			// stdout carries the protocol: logs go to stderr.
			log := newLogger(stderr, cfg.LogFormat, "warn", cfg.secrets()...)
			ctx := cmd.Context()
			a, err := openBesideServe(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer a.db.Close(context.WithoutCancel(ctx))
			c, err := a.identity.Authenticate(ctx, token)
			if errors.Is(err, identity.ErrMalformedToken) || errors.Is(err, identity.ErrInvalidToken) {
				return fmt.Errorf("MM_API_TOKEN is refused (%w): it is unknown or was revoked; create a new one with `marketingminds token create`", err)
			}
			if err != nil {
				return err
			}
			if c.WorkspaceID != workspace || c.UserID != user {
				return usageError{fmt.Errorf("MM_API_TOKEN belongs to %s/%s, not --workspace %s --user %s; refusing to act as someone else", c.WorkspaceID, c.UserID, workspace, user)}
			}
			srv, err := mcpServer(a.agents, a.publicURL, log)
			if err != nil {
				return err
			}
			t := &sdk.IOTransport{Reader: io.NopCloser(cmd.InOrStdin()), Writer: nopCloser{stdout}}
			return srv.Serve(ctx, t, c)
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", "", "workspace (Slack team id) the token must belong to, required")
	cmd.Flags().StringVar(&user, "user", "", "user (Slack user id) the token must belong to, required")
	_ = cmd.MarkFlagRequired("workspace")
	_ = cmd.MarkFlagRequired("user")
	return cmd
}

// nopCloser leaves the process's stdout open when the session ends.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
