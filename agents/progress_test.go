package agents

import (
	"testing"

	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	mediacheck "github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Every tool says in words what it is doing while it runs, never its
// name with the underscores taken out ("Working on list media…").
func TestEveryToolHasProgressWords(t *testing.T) {
	t.Parallel()
	cp := Capabilities{Accounts: (*accounts.Service)(nil), Posts: (*publish.Service)(nil), Targets: (*publish.Resolver)(nil),
		Groups: (*groups.Service)(nil), Jobs: (*schedule.Scheduler)(nil), Analytics: (*analytics.Service)(nil), Memory: (*memory.Service)(nil),
		Campaigns: (*campaigns.Service)(nil), Library: (*library.Service)(nil), Media: (*media.Service)(nil), Converter: (*mediacheck.Service)(nil),
		Inbox: (*inbox.Service)(nil)}
	tools := CoreTools(cp)
	if len(tools) < 35 {
		t.Fatalf("only %d tools: the capabilities above no longer build them all", len(tools))
	}
	for _, tl := range tools {
		if _, ok := progressWords[tl.Name]; !ok {
			t.Errorf("tool %s has no progress words (progressWords in step.go)", tl.Name)
		}
	}
}
