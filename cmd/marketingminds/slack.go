package main

import (
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	slackbot "github.com/marketingminds/marketingminds/bot/slack"
)

func slackCommand(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "slack", Short: "Slack app helpers"}
	var publicURL string
	var socketMode bool
	manifest := &cobra.Command{
		Use:   "manifest",
		Short: `Print the Slack app manifest to paste into Slack's "Create an app" → "From a manifest"`,
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			m, err := slackbot.Manifest(publicURL, socketMode)
			if err != nil {
				return usageError{err}
			}
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(m)
		},
	}
	manifest.Flags().StringVar(&publicURL, "public-url", "", "where Slack reaches this service (MM_PUBLIC_URL), required")
	manifest.Flags().BoolVar(&socketMode, "socket-mode", false, "Socket Mode (SLACK_APP_TOKEN) instead of request URLs")
	_ = manifest.MarkFlagRequired("public-url")
	cmd.AddCommand(manifest)
	return cmd
}
