package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/bot/console"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// agent wires the orchestrator over the app's capabilities, on the
// configured model or, with none, the offline planner.
func (a *app) agent(cfg config, sandboxed bool, log zerolog.Logger) (*agents.Orchestrator, error) {
	model, err := llm.Choose(llm.Config{APIKey: cfg.OpenAIKey, BaseURL: cfg.OpenAIBaseURL, Model: cfg.OpenAIModel,
		FirstByteTimeout: cfg.OpenAIFirstByteTimeout, Log: log})
	if err != nil {
		return nil, err
	}
	set, err := prompts.Load()
	if err != nil {
		return nil, err
	}
	return agents.New(agents.Config{
		Model: model, Store: agents.NewStore(a.db), Prompts: set,
		Tools: agents.CoreTools(agents.Capabilities{Accounts: a.accounts, Posts: a.publish, Targets: a.targets, Groups: a.groups, Jobs: a.scheduler, Analytics: a.analytics,
			Memory: a.memory, Campaigns: a.campaigns, Library: a.library, Media: a.media, Converter: a.convert, Inbox: a.inbox}),
		Specialists: agents.DefaultSpecialists(),
		Policy: func(ctx context.Context, workspaceID string) (string, error) {
			p, err := a.settings.ApprovalPolicy(ctx, workspaceID)
			return string(p), err
		},
		Retention: a.settings.ConversationRetention,
		Users:     a.identity, Memory: a.memory, Accounts: a.accounts, Defaults: a.targets, Media: a.media, Holder: a.media, Sandbox: sandboxed, Log: log,
		// A model call: the wait for its first word, its stream, a retry.
		StepTimeout: max(cfg.OpenAIFirstByteTimeout, llm.DefaultFirstByteTimeout) + 4*time.Minute,
	})
}

func chatCommand(env envLoader, stdout, stderr io.Writer) *cobra.Command {
	var workspace, user, role, session string
	cmd := &cobra.Command{
		Use:   "chat",
		Short: "Talk to the assistant from a terminal (offline planner without OPENAI_API_KEY); stdin may be a pipe: a line in, the answer out, y/N answers an approval",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := identity.ParseRole(role)
			if err != nil {
				return usageError{fmt.Errorf("--role: %w", err)}
			}
			cfg, err := env()
			if err != nil {
				return err
			}
			log := newLogger(stderr, cfg.LogFormat, "warn", cfg.secrets()...)
			ctx := cmd.Context()
			a, err := openBesideServe(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer a.db.Close(context.WithoutCancel(ctx))
			db := a.db
			ids := identity.NewStore(db)
			now := time.Now().UTC()
			if _, err := ids.EnsureWorkspace(ctx, identity.Workspace{ID: workspace, CreatedAt: now}); err != nil {
				return err
			}
			u, err := ids.EnsureUser(ctx, identity.User{WorkspaceID: workspace, ID: user, Role: r, CreatedAt: now})
			if err != nil {
				return err
			}
			if u.Role != r {
				fmt.Fprintf(stderr, "%s/%s is %s in this workspace; chatting as %s\n", workspace, user, u.Role, u.Role)
			}
			o := a.agents
			in := cmd.InOrStdin()
			ch := &console.Chat{Agent: o, Caller: identity.Caller{WorkspaceID: workspace, UserID: user, Role: u.Role, Door: identity.DoorCLI},
				Session: session, In: in, Out: stdout, Loc: u.Location(), Log: log, PublicURL: cfg.PublicURL, Media: a.media}
			if terminal(in) {
				ch.Prompt = "> "
				fmt.Fprintf(stdout, "Marketing Minds — %s/%s. Ctrl-D ends.\n", workspace, user)
			}
			return ch.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", "", "workspace (Slack team id), required")
	cmd.Flags().StringVar(&user, "user", "", "user (Slack user id), required")
	cmd.Flags().StringVar(&role, "role", "editor", "role given to a user who does not exist yet: admin, editor or viewer")
	cmd.Flags().StringVar(&session, "session", "terminal", "conversation to continue (each session keeps its own history)")
	_ = cmd.MarkFlagRequired("workspace")
	_ = cmd.MarkFlagRequired("user")
	return cmd
}

// localAddr is where this machine reaches a listen address (":8080" →
// "127.0.0.1:8080").
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// terminal reports whether r is an interactive terminal.
func terminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// openBesideServe wires the app for a command that runs next to `serve`
// (chat, mcp): with MM_SANDBOX its adapters use the running serve's mounted
// sandbox (make run), so both see the same platforms, and connect links lead
// to serve's OAuth callbacks. Close a.db when done.
func openBesideServe(ctx context.Context, cfg config, log zerolog.Logger) (*app, error) {
	sandboxBase := cfg.SandboxURL
	if cfg.Sandbox && sandboxBase == "" {
		sandboxBase = "http://" + localAddr(cfg.HTTPAddr) + "/sandbox"
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + publicHost(cfg.HTTPAddr)
	}
	db, err := openStore(ctx, cfg, log, nil, false)
	if err != nil {
		return nil, err
	}
	a, err := newApp(cfg, db, log, sandboxBase, schedule.Options{})
	if err != nil {
		db.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return a, nil
}
