package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// envLoader reads and validates the configuration.
type envLoader func() (config, error)

func tokenCommand(env envLoader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke REST API tokens"}

	var workspace, user, role, name string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token (shown once), creating the workspace and user when missing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := identity.ParseRole(role)
			if err != nil {
				return usageError{fmt.Errorf("--role: %w", err)}
			}
			return withIdentity(cmd, env, func(svc *identity.Service) error {
				t, err := svc.CreateToken(cmd.Context(), workspace, user, r, name)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s\n", t.Token)
				fmt.Fprintf(cmd.ErrOrStderr(), "token %s for %s/%s (%s) created; it is shown only this once\n", t.Record.ID, workspace, user, r)
				return nil
			})
		},
	}
	create.Flags().StringVar(&workspace, "workspace", "", "workspace (Slack team id), required")
	create.Flags().StringVar(&user, "user", "", "user (Slack user id), required")
	create.Flags().StringVar(&role, "role", "editor", "admin, editor or viewer")
	create.Flags().StringVar(&name, "name", "", "a label to recognise the token by")
	_ = create.MarkFlagRequired("workspace")
	_ = create.MarkFlagRequired("user")

	var listWorkspace string
	list := &cobra.Command{
		Use:   "list",
		Short: "List a workspace's API tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withIdentity(cmd, env, func(svc *identity.Service) error {
				tokens, err := svc.ListTokens(cmd.Context(), listWorkspace)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tPREFIX\tUSER\tROLE\tNAME\tCREATED\tLAST USED\tSTATUS")
				for _, t := range tokens {
					status := "active"
					if !t.RevokedAt.IsZero() {
						status = "revoked " + t.RevokedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.UserID, t.Role, t.Name,
						t.CreatedAt.Format(time.RFC3339), orNever(t.LastUsedAt), status)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&listWorkspace, "workspace", "", "workspace (Slack team id), required")
	_ = list.MarkFlagRequired("workspace")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token: every later request with it gets 401",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withIdentity(cmd, env, func(svc *identity.Service) error {
				t, err := svc.RevokeToken(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "revoked %s (%s/%s)\n", t.ID, t.WorkspaceID, t.UserID)
				return nil
			})
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func orNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.RFC3339)
}

// withIdentity opens the store (alongside a running serve, if any) and runs fn.
func withIdentity(cmd *cobra.Command, env envLoader, fn func(*identity.Service) error) error {
	cfg, err := env()
	if err != nil {
		return err
	}
	db, err := openStore(cmd.Context(), cfg, zerolog.Nop(), nil, false)
	if err != nil {
		return err
	}
	defer db.Close(cmd.Context())
	return fn(identity.NewService(identity.NewStore(db), time.Now))
}
