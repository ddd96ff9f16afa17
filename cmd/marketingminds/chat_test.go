package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/memory"
)

// chatRun runs `marketingminds chat` in-process with stdin from input.
func chatRun(t *testing.T, env map[string]string, input string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := rootCommand(func(k string) string { return env[k] }, &out, &errOut)
	root.SetIn(strings.NewReader(input))
	root.SetArgs(append([]string{"chat"}, args...))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestChatCommand(t *testing.T) {
	t.Parallel()
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("remember", `{"scope":"workspace","key":"brand_voice","value":"warm and plain"}`)),
		llmtest.Reply("Noted: your brand voice is warm and plain."),
		llmtest.Reply("Hello again."),
	)
	dir := t.TempDir()
	env := map[string]string{"MM_DATA_DIR": dir, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": srv.URL, "MM_SANDBOX_URL": "http://127.0.0.1:9/sandbox"}
	out, _, err := chatRun(t, env, "Remember: our brand voice is warm and plain\nhi\n", "--workspace", "T1", "--user", "U1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"… Noting that…", "Noted: your brand voice is warm and plain.", "Hello again."} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "> ") {
		t.Fatalf("a pipe got a prompt:\n%s", out)
	}
	// The second turn carried the memory in its system prompt.
	if sys := srv.Requests()[2].Messages[0].Content; !strings.Contains(sys, "brand_voice: warm and plain") {
		t.Fatalf("system prompt:\n%s", sys)
	}
	db, err := store.Open(context.Background(), store.Config{DataDir: dir, Logger: zerolog.Nop()}, schemas()...)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	items, err := memory.New(memory.NewStore(db), nil).Recall(context.Background(),
		identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer}, memory.Workspace, "")
	if err != nil || len(items) != 1 || items[0].Value != "warm and plain" || items[0].UpdatedBy != "U1" {
		t.Fatalf("stored memory = %+v, %v", items, err)
	}
}

func TestChatCommandErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad role", map[string]string{"OPENAI_API_KEY": "k"}, []string{"--workspace", "T1", "--user", "U1", "--role", "owner"}, `unknown role "owner"`},
		{"no workspace", map[string]string{"OPENAI_API_KEY": "k"}, []string{"--user", "U1"}, `"workspace" not set`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.env["MM_DATA_DIR"] = t.TempDir()
			_, _, err := chatRun(t, tc.env, "", tc.args...)
			var ce *configError
			var ue usageError
			if err == nil || !strings.Contains(err.Error(), tc.want) || (!errors.As(err, &ce) && !errors.As(err, &ue) && tc.name != "no workspace") {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
