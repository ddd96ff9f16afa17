package main

import (
	"context"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// The weekly cleanup job forgets the conversations past each workspace's
// retention setting (90 days unless an admin changed it).
func TestCleanupForgetsConversationsPastTheRetention(t *testing.T) {
	t.Parallel()
	env := map[string]string{"MM_DATA_DIR": t.TempDir()}
	ctx := context.Background()
	day := 24 * time.Hour
	keys := map[string]agents.ConversationKey{}
	withApp(t, env, func(a *app) {
		week := 7
		admin := identity.Caller{WorkspaceID: "T1", UserID: "U-admin", Role: identity.Admin, Door: identity.DoorCLI}
		if _, err := a.settings.Update(ctx, admin, settings.Patch{ConversationRetentionDays: &week}); err != nil {
			t.Fatal(err)
		}
		st := agents.NewStore(a.db)
		for _, c := range []struct {
			name, ws string
			age      time.Duration
		}{{"T1 10 days", "T1", 10 * day}, {"T1 3 days", "T1", 3 * day}, {"T2 10 days", "T2", 10 * day}, {"T2 100 days", "T2", 100 * day}} {
			keys[c.name] = agents.ConversationKey{WorkspaceID: c.ws, Channel: "C1", Thread: c.name}
			if err := st.AppendMessages(ctx, keys[c.name], []llm.Message{{Role: llm.RoleUser, Content: "hello"}}, time.Now().Add(-c.age)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		for name, kept := range map[string]bool{"T1 10 days": false, "T1 3 days": true, "T2 10 days": true, "T2 100 days": false} {
			got, err := st.Messages(ctx, keys[name], 0)
			if err != nil || (len(got) == 1) != kept {
				t.Errorf("%s: %d messages, %v; kept = %v", name, len(got), err, kept)
			}
		}
	})
}
