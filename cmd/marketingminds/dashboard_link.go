package main

import (
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// dashboardLinkCommand prints a one-time dashboard sign-in link: 10 minutes,
// single use, stored hashed.
func dashboardLinkCommand(env envLoader, stdout io.Writer) *cobra.Command {
	var workspace, user, role string
	cmd := &cobra.Command{
		Use:   "dashboard-link",
		Short: "Print a one-time dashboard sign-in link (10 minutes, single use)",
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
			db, err := openStore(cmd.Context(), cfg, zerolog.Nop(), nil, false)
			if err != nil {
				return err
			}
			defer db.Close(cmd.Context())
			ss := identity.NewSessions(identity.NewSessionStore(db), identity.NewService(identity.NewStore(db), time.Now), time.Now)
			code, link, err := ss.CreateLink(cmd.Context(), workspace, user, r)
			if err != nil {
				return err
			}
			base := cfg.PublicURL
			if base == "" {
				base = "http://" + publicHost(cfg.HTTPAddr)
			}
			fmt.Fprintf(stdout, "%s/dashboard/login?code=%s\n", base, url.QueryEscape(code))
			fmt.Fprintf(cmd.ErrOrStderr(), "sign-in link for %s/%s; it works once, until %s\n", workspace, user, link.ExpiresAt.Format(time.RFC3339))
			return nil
		},
	}
	cmd.Flags().StringVar(&workspace, "workspace", "", "workspace (Slack team id), required")
	cmd.Flags().StringVar(&user, "user", "", "user (Slack user id), required")
	cmd.Flags().StringVar(&role, "role", "editor", "role of the user if they do not exist yet (an existing user keeps theirs)")
	_ = cmd.MarkFlagRequired("workspace")
	_ = cmd.MarkFlagRequired("user")
	return cmd
}
