package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// stdioEnv is a data dir with an editor's token (and a revoked one) of T1.
func stdioEnv(t *testing.T) (env map[string]string, token, revoked string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: zerolog.Nop()}, schemas()...)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	tok, err := ids.CreateToken(ctx, "T1", "U1", identity.Editor, "claude")
	if err != nil {
		t.Fatal(err)
	}
	old, err := ids.CreateToken(ctx, "T1", "U1", identity.Editor, "old")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ids.RevokeToken(ctx, old.Record.ID); err != nil {
		t.Fatal(err)
	}
	sb := sandboxtest.Start(t, sandbox.Options{})
	return map[string]string{"MM_DATA_DIR": dir, "MM_SANDBOX_URL": sb.URL}, tok.Token, old.Token
}

// `marketingminds mcp` speaks MCP on stdin/stdout as the token's user.
func TestMCPCommandStdio(t *testing.T) {
	t.Parallel()
	env, token, _ := stdioEnv(t)
	env["MM_API_TOKEN"] = token
	cmdIn, toCmd := io.Pipe()
	fromCmd, cmdOut := io.Pipe()
	var stderr bytes.Buffer
	root := rootCommand(func(k string) string { return env[k] }, cmdOut, &stderr)
	root.SetIn(cmdIn)
	root.SetArgs([]string{"mcp", "--workspace", "T1", "--user", "U1"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := root.ExecuteContext(ctx)
		cmdOut.Close()
		done <- err
	}()
	s, err := sdk.NewClient(&sdk.Implementation{Name: "desktop", Version: "v0"}, nil).Connect(ctx, &sdk.IOTransport{Reader: fromCmd, Writer: toCmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v (stderr: %s)", err, stderr.String())
	}
	tools, err := s.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) < 5 {
		t.Fatalf("tools = %+v, %v", tools, err)
	}
	res, err := s.CallTool(ctx, &sdk.CallToolParams{Name: "list_accounts", Arguments: map[string]any{}})
	if err != nil || res.IsError || !strings.HasPrefix(text(res), "No accounts are connected yet.") {
		t.Fatalf("list_accounts = %+v, %v", res, err)
	}
	res, err = s.CallTool(ctx, &sdk.CallToolParams{Name: "publish_post", Arguments: map[string]any{"text": "hi", "platforms": []string{"x"}}})
	if err != nil || !res.IsError || !strings.Contains(text(res), "no connected X account") {
		t.Fatalf("publish_post with no account = %+v, %v", res, err)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("mcp ended with %v (stderr: %s)", err, stderr.String())
	}
}

// The command refuses to start without a valid token of the named user.
func TestMCPCommandRefuses(t *testing.T) {
	t.Parallel()
	env, token, revoked := stdioEnv(t)
	cases := []struct {
		name, token string
		args        []string
		want        string
	}{
		{"no token", "", []string{"--workspace", "T1", "--user", "U1"}, "MM_API_TOKEN is not set"},
		{"revoked token", revoked, []string{"--workspace", "T1", "--user", "U1"}, "unknown or was revoked"},
		{"someone else", token, []string{"--workspace", "T1", "--user", "U2"}, "belongs to T1/U1, not --workspace T1 --user U2"},
		{"another workspace", token, []string{"--workspace", "T2", "--user", "U1"}, "belongs to T1/U1"},
		{"no user flag", token, []string{"--workspace", "T1"}, `"user" not set`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := map[string]string{"MM_API_TOKEN": tc.token}
			for k, v := range env {
				e[k] = v
			}
			var out, errOut bytes.Buffer
			root := rootCommand(func(k string) string { return e[k] }, &out, &errOut)
			root.SetIn(strings.NewReader(""))
			root.SetArgs(append([]string{"mcp"}, tc.args...))
			err := root.ExecuteContext(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) || out.Len() != 0 {
				t.Fatalf("err = %v, stdout %q; want %q", err, out.String(), tc.want)
			}
		})
	}
}
