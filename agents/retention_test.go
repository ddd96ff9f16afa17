package agents

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// The sweep keeps each workspace's conversations for its own retention
// (the default when it set none), never less than a day, and goes on past
// a workspace whose setting cannot be read.
func TestSweepConversationsByEachWorkspacesRetention(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	now := t0
	broken := errors.New("settings unreadable")
	o, st := newOrchestrator(t, &scripted{}, nil, func(c *Config) {
		c.Now = func() time.Time { return now }
		c.Retention = func(_ context.Context, ws string) (time.Duration, error) {
			switch ws {
			case "W7":
				return 7 * day, nil
			case "W0":
				return time.Minute, nil // below the floor: a day
			case "WX":
				return 0, broken
			}
			return DefaultRetention, nil
		}
	})
	ctx := context.Background()
	for _, a := range []struct {
		ws  string
		age time.Duration
	}{{"W7", 8 * day}, {"W7", 6 * day}, {"WD", 89 * day}, {"WD", 91 * day}, {"W0", 2 * day}, {"W0", time.Hour}, {"WX", 400 * day}} {
		k := ConversationKey{WorkspaceID: a.ws, Channel: "C", Thread: a.age.String()}
		if err := st.AppendMessages(ctx, k, []llm.Message{{Role: llm.RoleUser, Content: "hi"}}, now.Add(-a.age)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := o.SweepConversations(ctx)
	if n != 3 || !errors.Is(err, broken) || !strings.Contains(err.Error(), "WX") {
		t.Fatalf("sweep = %d, %v; want 3 forgotten and WX's error", n, err)
	}
	for _, c := range []struct {
		ws   string
		age  time.Duration
		kept bool
	}{{"W7", 8 * day, false}, {"W7", 6 * day, true}, {"WD", 89 * day, true}, {"WD", 91 * day, false},
		{"W0", 2 * day, false}, {"W0", time.Hour, true}, {"WX", 400 * day, true}} {
		got, err := st.Messages(ctx, ConversationKey{WorkspaceID: c.ws, Channel: "C", Thread: c.age.String()}, 0)
		if err != nil || (len(got) == 1) != c.kept {
			t.Errorf("%s, %v old: %d messages, %v; kept = %v", c.ws, c.age, len(got), err, c.kept)
		}
	}
}
