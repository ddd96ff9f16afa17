package slack_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.DisableStreaming()
	b.fake.RateLimit("chat.postMessage", 1)
	b.signed(t, "/slack/events", mention("EvRL", "U1", "1700000200.000100", "", "hi"))
	b.bot.Wait()
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 2 || posts[0].Result["error"] != "ratelimited" || posts[1].Result["ok"] != true {
		t.Fatalf("posts = %+v", posts)
	}
	if gap := posts[1].At.Sub(posts[0].At); gap < time.Second {
		t.Fatalf("retried after %v, before Retry-After (1 s)", gap)
	}
	if posts[1].Args.Get("markdown_text") != "Hello there." {
		t.Fatalf("posted %q", posts[1].Args.Get("markdown_text"))
	}
}

func TestOneMessagePerGapPerChannel(t *testing.T) {
	t.Parallel()
	// The fake stamps calls as they arrive: allow for the machine's jitter.
	const gap, jitter = 300 * time.Millisecond, 60 * time.Millisecond
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.MessageGap = gap })
	b.conv.fn = func(_ context.Context, sink slack.Sink) (string, error) {
		for i := range 3 {
			a := launch
			a.ID = fmt.Sprintf("AP-%d", i)
			sink.Approval(a)
		}
		return "", nil
	}
	b.signed(t, "/slack/events", mention("EvPace", "U1", "1700000300.000100", "", "three approvals"))
	b.bot.Wait()
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("%d posts, want 3", len(posts))
	}
	for i := 1; i < len(posts); i++ {
		if d := posts[i].At.Sub(posts[i-1].At); d < gap-jitter {
			t.Fatalf("messages %d and %d in the channel %v apart, want >= %v", i-1, i, d, gap)
		}
	}
}

func TestUsersReadOnceWithRoles(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.DefaultRole = identity.Viewer })
	for i, u := range []string{"U1", "UADMIN", "U1", "U1"} {
		b.signed(t, "/slack/events", mention(fmt.Sprintf("EvU%d", i), u, fmt.Sprintf("1700000400.00010%d", i), "", "hi"))
	}
	b.bot.Wait()
	infos := map[string]int{}
	for _, c := range b.fake.Calls("users.info") {
		infos[c.Args.Get("user")]++
	}
	if infos["U1"] != 1 || infos["UADMIN"] != 1 {
		t.Fatalf("users.info calls per user = %v, want one each", infos)
	}
	roles := map[string]identity.Role{}
	for _, tr := range b.conv.got() {
		roles[tr.caller.UserID] = tr.caller.Role
		if tr.caller.Door != identity.DoorSlack || tr.caller.WorkspaceID != team {
			t.Fatalf("caller %+v", tr.caller)
		}
	}
	if roles["U1"] != identity.Viewer || roles["UADMIN"] != identity.Admin {
		t.Fatalf("roles = %v", roles)
	}
	u, err := b.ids.User(context.Background(), team, "U1")
	if err != nil || u.DisplayName != "Ana" || u.TimeZone != "Europe/Berlin" || u.Role != identity.Viewer {
		t.Fatalf("stored user = %+v, %v", u, err)
	}
}

func TestUnknownUserIsToldNotRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.signed(t, "/slack/events", mention("EvGhost", "UGHOST", "1700000500.000100", "", "hi"))
	b.bot.Wait()
	if n := len(b.conv.got()); n != 0 {
		t.Fatalf("%d turns for a user users.info does not know", n)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000500.000100" {
		t.Fatalf("posts = %+v", posts)
	}
}
