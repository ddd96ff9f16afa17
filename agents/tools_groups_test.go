package agents

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/groups"
)

// The group tools read accounts as people name them, as /mm group does:
// the offline planner saves "group save …" in a conversation (web chat,
// terminal), and a platform with several accounts is asked about in words.
func TestGroupToolNamesAccounts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	w.connect(t, editor, platform.LinkedIn) // a member profile and two company pages
	o := w.orchestrator(t, llm.Offline(), nil)
	ctx := context.Background()

	reply, err := o.Run(ctx, turn(`group save "Acme brand" linkedin Acme Outdoor, x`), nil)
	if err != nil || len(reply.Results) != 1 {
		t.Fatalf("save = %+v, %v", reply, err)
	}
	g, ok := reply.Results[0].Value.(groups.Group)
	if !ok || g.Name != "Acme brand" || len(g.Accounts) != 2 || g.Accounts[0].Name != "Acme Outdoor" || g.Accounts[1].Platform != platform.Twitter {
		t.Fatalf("saved %#v", reply.Results[0].Value)
	}
	reply, err = o.Run(ctx, turn(`group save Beans linkedin`), nil)
	if err != nil || len(reply.Results) != 1 || !strings.Contains(fmt.Sprint(reply.Results[0].Value), `LinkedIn has several accounts: say which, "linkedin `) {
		t.Fatalf("several = %+v, %v", reply, err)
	}
	reply, err = o.Run(ctx, turn(`groups`), nil)
	if list, ok := reply.Results[0].Value.([]groups.Group); err != nil || !ok || len(list) != 1 || list[0].Name != "Acme brand" {
		t.Fatalf("list = %+v, %v", reply, err)
	}
}
