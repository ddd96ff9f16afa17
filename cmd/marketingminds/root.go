package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func rootCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "marketingminds",
		Short:         "Marketing Minds: run your social media and email marketing from Slack",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	env := func() (config, error) {
		ge, err := withDotenv(getenv, ".env")
		if err != nil {
			return config{}, err
		}
		return loadConfig(ge)
	}
	root.AddCommand(
		serveCommand(env, stdout, stderr),
		tokenCommand(env, stdout),
		dashboardLinkCommand(env, stdout),
		migrateCommand(env, stdout),
		sandboxCommand(env, stdout, stderr),
		keysCommand(env, stdout),
		versionCommand(stdout),
		benchCommand(getenv, stdout, stderr),
		slackCommand(stdout),
		chatCommand(env, stdout, stderr),
		mcpCommand(env, getenv, stdout, stderr),
	)
	return root
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := version
			if info, ok := debug.ReadBuildInfo(); ok && v == "dev" {
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v = "dev-" + s.Value[:12]
					}
				}
				fmt.Fprintf(stdout, "marketingminds %s (%s)\n", v, info.GoVersion)
				return nil
			}
			fmt.Fprintf(stdout, "marketingminds %s\n", v)
			return nil
		},
	}
}
