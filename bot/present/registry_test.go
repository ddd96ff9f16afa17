package present_test

import (
	"reflect"
	"testing"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Every agent tool's result type, and what a turn carries besides
// (failures, approvals, specialists' answers), has a renderer in every
// door: there is no generic fallback to lean on.
func TestEveryToolResultHasRenderers(t *testing.T) {
	t.Parallel()
	cp := agents.Capabilities{Accounts: (*accounts.Service)(nil), Posts: (*publish.Service)(nil), Jobs: (*schedule.Scheduler)(nil),
		Analytics: (*analytics.Service)(nil), Memory: (*memory.Service)(nil), Campaigns: (*campaigns.Service)(nil), Library: (*library.Service)(nil),
		Media: (*media.Service)(nil), Converter: (*check.Service)(nil), Inbox: (*inbox.Service)(nil), Groups: (*groups.Service)(nil)}
	r := present.New()
	tools := agents.CoreTools(cp)
	if len(tools) < 20 {
		t.Fatalf("only %d tools: the capabilities above no longer build them all", len(tools))
	}
	for _, tl := range tools {
		if tl.Result == nil || !r.Covers(tl.Result) {
			t.Errorf("tool %s returns %v, which has no renderers", tl.Name, tl.Result)
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[fault.Failure](), reflect.TypeFor[agents.Approval](), reflect.TypeFor[agents.SpecialistResult]()} {
		if !r.Covers(typ) {
			t.Errorf("%v has no renderers", typ)
		}
	}
}

// A value without a renderer reads "Done.", never a dump of its fields.
func TestUnknownTypeIsNotDumped(t *testing.T) {
	t.Parallel()
	r := present.New()
	v := struct{ Secret string }{"s3cr3t-id"}
	env := present.Env{}
	if got := r.Terminal(env, v).Text; got != "Done." {
		t.Errorf("terminal = %q", got)
	}
	if got := r.Slack(env, v).Text; got != "Done." {
		t.Errorf("slack = %q", got)
	}
	if got := string(r.Web(env, v)); got != "<p>Done.</p>" {
		t.Errorf("web = %q", got)
	}
}
