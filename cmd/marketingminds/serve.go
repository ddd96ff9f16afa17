package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// shutdownGrace bounds how long in-flight requests may finish after SIGTERM.
const shutdownGrace = 10 * time.Second

func serveCommand(env envLoader, stdout, stderr io.Writer) *cobra.Command {
	var sandboxFlag bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: HTTP API, OAuth callbacks, scheduler (and Slack when configured)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := env()
			if err != nil {
				return err
			}
			if sandboxFlag {
				if cfg.SandboxURL != "" {
					return &configError{problems: []string{"--sandbox: MM_SANDBOX_URL is set too; choose one sandbox"}}
				}
				cfg.Sandbox = true
			}
			return serve(cmd.Context(), cfg, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&sandboxFlag, "sandbox", false, "mount the platform sandbox in-process and point every adapter at it (same as MM_SANDBOX=1)")
	return cmd
}

// serve runs until ctx is cancelled (SIGINT/SIGTERM), then stops accepting,
// drains in-flight requests for up to shutdownGrace, closes the store and
// returns nil. Once it serves it writes a short start-up banner to out.
func serve(ctx context.Context, cfg config, out, logOut io.Writer) error {
	log := newLogger(logOut, cfg.LogFormat, cfg.LogLevel, cfg.secrets()...)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()
	cfg.PublicURL = cfg.publicURL(ln.Addr())

	var sb *sandbox.Sandbox
	sandboxBase := cfg.SandboxURL
	if cfg.Sandbox {
		// The sandbox downloads the media Instagram and Facebook would fetch, to check it as they do.
		sb, err = sandbox.New(sandbox.Options{StatePath: filepath.Join(cfg.DataDir, "sandbox.json"), Logger: log, MediaClient: &http.Client{Timeout: time.Minute}})
		if err != nil {
			return err
		}
		defer sb.Close()
		sandboxBase = "http://" + loopback(ln.Addr()) + "/sandbox"
		log.Warn().Str("sandbox", sandboxBase).Msg("SANDBOX MODE: every platform is emulated in-process; nothing is posted anywhere real")
	} else if sandboxBase != "" {
		log.Warn().Str("sandbox", sandboxBase).Msg("SANDBOX MODE: every platform adapter points at an external sandbox")
	}

	db, err := openStore(ctx, cfg, log, reg, false)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))

	a, err := newApp(cfg, db, log, sandboxBase, schedule.Options{})
	if err != nil {
		return err
	}
	deps := a.httpDeps(log, reg)
	if deps.MCP, err = a.mcpHandler(cfg.PublicURL, log); err != nil {
		return err
	}
	bot, err := a.slackDoor(ctx, cfg, log)
	if err != nil {
		return err
	}
	if bot != nil {
		deps.Slack = bot
		a.runSlack(ctx, bot, log)
	}
	if sb != nil {
		deps.Sandbox = sb
	}
	api := httpapi.New(deps)
	srv := api.HTTPServer(cfg.HTTPAddr)
	if sb != nil {
		// The adapters reach the mounted sandbox over h2c, as they reach
		// the platforms over HTTP/2.
		srv.Protocols = sandbox.Protocols()
	}
	if err := a.scheduler.Start(ctx); err != nil {
		return err
	}

	feedDone := make(chan struct{})
	go func() { a.feed.Run(ctx); close(feedDone) }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Str("public_url", cfg.PublicURL).Str("store", string(db.Backend)).Msg("serving")
	if err := banner(ctx, out, cfg, a, sandboxBase != ""); err != nil {
		log.Warn().Err(err).Msg("start-up banner")
	}

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down: draining in-flight requests and jobs")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Error().Err(err).Msg("shutdown: requests still running were cut off")
	}
	if err := api.StopTurns(shutdownCtx); err != nil {
		log.Error().Err(err).Msg("shutdown: web chat turns still running were cut off")
	}
	if bot != nil {
		bot.Wait() // its work was bound to ctx: conversations in flight end now
	}
	if err := a.scheduler.Stop(shutdownCtx); err != nil {
		log.Error().Err(err).Msg("shutdown: jobs still running were cut off; their leases expire and another run reconciles them")
	}
	<-feedDone
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	log.Info().Msg("stopped")
	return nil
}

// loopback is addr as this machine reaches it: a wildcard listener is
// reached on 127.0.0.1.
func loopback(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// secrets lists the configured secret values, for the log redactor.
func (c config) secrets() []string {
	return []string{c.OpenAIKey, c.SlackBotToken, c.SlackAppToken, c.SlackSigningSecret, c.SlackClientSecret,
		c.FacebookAppSecret, c.TwitterClientSecret, c.LinkedInClientSecret, c.ZohoClientSecret, string(c.EncryptionKey)}
}
