package httpapi

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

type listPostsArgs struct {
	Status   string `json:"status,omitempty"`
	Platform string `json:"platform,omitempty"`
}

var relTime = regexp.MustCompile(`<time class="mm-rel" datetime="2026-12-06T14:00:00Z">([^<]+)</time>`)

// TestWebChatCardTimesStayTrue: a card's relative time carries its instant
// (for the page's script to keep it true while the page stays open), and
// the page loaded a day later reads it as it is then, not as it was.
func TestWebChatCardTimesStayTrue(t *testing.T) {
	t.Parallel()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var elapsed atomic.Int64
	now := func() time.Time { return base.Add(time.Duration(elapsed.Load())) }
	due := base.Add(2 * time.Hour)
	list := agents.NewTool("list_posts", "Lists the posts.", func(ctx context.Context, c identity.Caller, _ listPostsArgs) (publish.PostView, error) {
		return publish.PostView{ID: "post_1", Status: "scheduled", Content: publish.Content{Text: "Winter sale"}, ScheduledAt: &due, CreatedAt: base,
			Targets: []publish.TargetView{{AccountID: "x1", Platform: platform.Twitter, Status: publish.StatusPending, RunAt: due}}}, nil
	}, agents.ReadOnly())
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{list}, Log: zerolog.Nop(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o), func(d *Deps) { d.Now = now })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)

	frag := ed.turn(ed.send(ed.csrf(), "show scheduled posts"))
	if m := relTime.FindStringSubmatch(frag); m == nil || m[1] != "in 2 hours" {
		t.Fatalf("the card does not mark its time as in 2 hours:\n%s", frag)
	}
	elapsed.Store(int64(26 * time.Hour))
	_, page := ed.do("GET", "/dashboard/chat", nil, nil)
	if m := relTime.FindStringSubmatch(page); m == nil || m[1] != "24 hours ago" || strings.Contains(page, "in 2 hours") {
		t.Fatalf("a day later the card does not read 24 hours ago:\n%s", page)
	}
}
