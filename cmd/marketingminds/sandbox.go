package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// sandboxCommand runs the platform sandbox standalone (state in memory), for
// `MM_SANDBOX_URL` or for a person following the platforms' docs with curl.
func sandboxCommand(env envLoader, stdout, stderr io.Writer) *cobra.Command {
	var addr string
	var tokenTTL time.Duration
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the platform sandbox standalone: every platform API emulated, nothing real reached",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env()
			if err != nil {
				return err
			}
			log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel, cfg.secrets()...)
			sb, err := sandbox.New(sandbox.Options{AccessTokenTTL: tokenTTL, Logger: log})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
			}
			srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, Protocols: sandbox.Protocols()}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			fmt.Fprintf(stdout, "sandbox listening on http://%s (HTTP/1.1 and h2c; admin API: http://%s/_sandbox/)\n", ln.Addr(), ln.Addr())
			log.Warn().Str("addr", ln.Addr().String()).Msg("SANDBOX: emulating every platform API; nothing real is reached")
			select {
			case err := <-errc:
				return fmt.Errorf("sandbox: %w", err)
			case <-cmd.Context().Done():
			}
			ctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), shutdownGrace)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				return fmt.Errorf("sandbox: shutdown: %w", err)
			}
			if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("sandbox: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:9999", "listen address")
	cmd.Flags().DurationVar(&tokenTTL, "token-ttl", 0, "lifetime of every access token it issues (0: each platform's real lifetime)")
	return cmd
}
