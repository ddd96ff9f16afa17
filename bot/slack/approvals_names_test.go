package slack_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// reasonGate is the gate, keeping the reason a rejection gave.
type reasonGate struct {
	*gate
	mu      sync.Mutex
	reasons []string
}

func (g *reasonGate) Reject(ctx context.Context, c identity.Caller, id, reason string) (slack.Decision, error) {
	g.mu.Lock()
	g.reasons = append(g.reasons, reason)
	g.mu.Unlock()
	return g.gate.Reject(ctx, c, id, reason)
}

// TestRejectSettlesWithAMention: a rejection in Slack settles the message
// naming the decider as a mention, and stores no raw id as its reason
// (the web and the terminal show the reason as written).
func TestRejectSettlesWithAMention(t *testing.T) {
	t.Parallel()
	rg := &reasonGate{gate: newGate(launch)}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Approvals = rg })
	ts := askApproval(t, b)
	b.signed(t, "/slack/interactivity", click("UADMIN", "mm_reject", ts))
	b.bot.Wait()
	updates := b.fake.Calls("chat.update")
	if len(updates) != 1 || updates[0].Args.Get("text") != "Rejected by <@UADMIN>." || !strings.Contains(updates[0].Args.Get("blocks"), `Rejected by \u003c@UADMIN\u003e`) {
		t.Fatalf("settled = %+v", updates)
	}
	rg.mu.Lock()
	defer rg.mu.Unlock()
	if len(rg.reasons) != 1 || strings.Contains(rg.reasons[0], "UADMIN") {
		t.Fatalf("reasons given = %q; want one naming no id", rg.reasons)
	}
}
