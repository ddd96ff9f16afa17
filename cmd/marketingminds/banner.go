package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// The demo workspace a newcomer signs in to from the start-up banner.
const (
	demoWorkspace = "T0DEMO"
	demoUser      = "U0DEMO"
)

// nameDemo names the demo workspace and its admin, as a Slack install and
// users.info name real ones, so the dashboard shows names there too.
func nameDemo(ctx context.Context, ids *identity.Service) error {
	if _, err := ids.NameWorkspace(ctx, demoWorkspace, "Demo workspace"); err != nil {
		return fmt.Errorf("name the demo workspace: %w", err)
	}
	if _, err := ids.EnsureUser(ctx, identity.User{WorkspaceID: demoWorkspace, ID: demoUser, DisplayName: "Demo admin", Role: identity.Admin}); err != nil {
		return fmt.Errorf("name the demo user: %w", err)
	}
	return nil
}

// banner writes what a person needs once serve is up: where the dashboard
// is, a sign-in link (a one-time one into the demo workspace in sandbox
// mode), how to chat in the terminal and where the sandbox shows what the
// platforms received.
func banner(ctx context.Context, w io.Writer, cfg config, a *app, sandboxed bool) error {
	base := strings.TrimSuffix(cfg.PublicURL, "/")
	var b strings.Builder
	b.WriteString("\nMarketing Minds is running")
	if sandboxed {
		b.WriteString(" with sandbox platforms: nothing is posted anywhere real")
	}
	b.WriteString(".\n\n")
	fmt.Fprintf(&b, "  Dashboard   %s/dashboard\n", base)
	chat := "bin/marketingminds chat --workspace WORKSPACE --user USER"
	if sandboxed {
		if err := nameDemo(ctx, a.identity); err != nil {
			return fmt.Errorf("start-up banner: %w", err)
		}
		code, link, err := a.sessions.CreateLink(ctx, demoWorkspace, demoUser, identity.Admin)
		if err != nil {
			return fmt.Errorf("start-up banner: demo sign-in link: %w", err)
		}
		fmt.Fprintf(&b, "  Sign in     %s/dashboard/login?code=%s\n", base, url.QueryEscape(code))
		fmt.Fprintf(&b, "              (demo workspace %s, works once until %s; another: bin/marketingminds dashboard-link --workspace %s --user %s)\n",
			demoWorkspace, link.ExpiresAt.In(time.Local).Format("15:04"), demoWorkspace, demoUser)
		chat = fmt.Sprintf("MM_SANDBOX=1 bin/marketingminds chat --workspace %s --user %s", demoWorkspace, demoUser)
	} else {
		b.WriteString("  Sign in     bin/marketingminds dashboard-link --workspace WORKSPACE --user USER\n")
	}
	fmt.Fprintf(&b, "  Chat        %s\n", chat)
	if sandboxed {
		fmt.Fprintf(&b, "  Sandbox     %s/sandbox/_sandbox/  (the emulated platforms and what they received)\n", base)
	}
	b.WriteString("  Stop        Ctrl-C\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}
