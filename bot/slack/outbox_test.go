package slack_test

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// publishedPosts answers every post as published on X, at a permalink
// naming the post.
type publishedPosts struct{}

func (publishedPosts) Get(_ context.Context, _ identity.Caller, id string) (publish.PostView, error) {
	return publish.PostView{ID: id, Targets: []publish.TargetView{{AccountID: "acc2", Platform: "twitter", Status: publish.StatusPublished,
		URL: "https://x.example/status/" + id}}}, nil
}

// postOf finds the post an outcome message tells, by its permalink.
var postOf = regexp.MustCompile(`x\.example/status/(\w+)`)

func toldPost(c slackfake.Call) string {
	if m := postOf.FindStringSubmatch(c.Args.Get("blocks")); m != nil {
		return m[1]
	}
	return ""
}

// A burst of 1,000 outcomes: every one is told, exactly once.
func TestOutcomeBurstAllArriveOnce(t *testing.T) {
	t.Parallel()
	opt := func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Posts = channel, publishedPosts{} }
	burst(t, 1000, setup(t, opt))
}

// Outcomes settled on two replicas sharing the database (each replica's
// publisher reports every delivery it settles): each is told once.
func TestOutcomeOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	opt := func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Posts = channel, publishedPosts{} }
	a := setup(t, opt)
	burst(t, 100, a, setupOn(t, a, opt))
}

// burst settles n posts on every door, 20 at a time, and checks each is
// told exactly once.
func burst(t *testing.T, n int, doors ...*bundle) {
	t.Helper()
	began := time.Now()
	var wg sync.WaitGroup
	for w := range 20 {
		wg.Go(func() {
			for i := w; i < n; i += 20 {
				for _, door := range doors {
					door.bot.Settled(publish.Delivery{WorkspaceID: team, PostID: fmt.Sprintf("P%04d", i), Status: publish.StatusPublished})
				}
			}
		})
	}
	doors[0].bot.Settled(publish.Delivery{WorkspaceID: team, PostID: "PX", Status: publish.StatusPending}) // not final: ignored
	wg.Wait()
	t.Logf("settled after %v", time.Since(began))
	told := map[string]int{}
	for _, c := range outcomes(t, n, doors...) {
		id := toldPost(c)
		if id == "" || c.Args.Get("channel") != channel {
			t.Fatalf("told %+v", c.Args)
		}
		told[id]++
	}
	if len(told) != n {
		t.Fatalf("%d posts told, want %d", len(told), n)
	}
	for id, k := range told {
		if k != 1 {
			t.Fatalf("post %s told %d times", id, k)
		}
	}
}

// Slack rate limits the outcome past the door's own retries: the outbox
// tries again after Retry-After and it arrives, once.
func TestOutcomeRateLimitedIsRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Posts = channel, publishedPosts{} })
	b.fake.RateLimit("chat.postMessage", 4) // the first try and its 3 retries
	b.bot.Settled(publish.Delivery{WorkspaceID: team, PostID: "PR1", Status: publish.StatusPublished})
	if got := outcomes(t, 1, b); toldPost(got[0]) != "PR1" {
		t.Fatalf("told %+v", got[0].Args)
	}
}

// The thread that asked for a post is gone: the outcome goes to the
// notification channel; with none, it is given up (logged), not retried.
func TestOutcomeThreadGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, notify := range []string{channel, ""} {
		b := setup(t, func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Posts = notify, publishedPosts{} })
		th := slack.Thread{WorkspaceID: team, PostID: "PG1", Channel: "CGONE", ThreadTS: "1700000900.000100", ExpiresAt: time.Now().Add(time.Hour)}
		if err := slack.NewStore(b.db).SaveThread(ctx, th); err != nil {
			t.Fatal(err)
		}
		b.bot.Settled(publish.Delivery{WorkspaceID: team, PostID: "PG1", Status: publish.StatusPublished})
		b.bot.Wait()
		calls := b.fake.Calls("chat.postMessage")
		if notify != "" {
			if len(calls) != 2 || calls[0].Result["error"] != "channel_not_found" || calls[1].Args.Get("channel") != channel || calls[1].Result["ok"] != true {
				t.Fatalf("calls %+v; want a refusal, then the notification channel", calls)
			}
			continue
		}
		if len(calls) != 1 || calls[0].Result["error"] != "channel_not_found" {
			t.Fatalf("calls %+v; want one refusal", calls)
		}
		if left, err := slack.NewStore(b.db).ClaimOutcomes(ctx, "probe", time.Now().Add(time.Hour), time.Minute, 10); err != nil || len(left) != 0 {
			t.Fatalf("outbox still holds %+v, %v", left, err)
		}
	}
}

// An outcome a crashed replica claimed and never told is told by another
// replica's outbox once the lease has lapsed.
func TestOutcomeOfCrashedReplicaIsTold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, func(c *slack.Config, d *slack.Deps) { c.NotifyChannel, d.Posts = channel, publishedPosts{} })
	st := slack.NewStore(b.db)
	long := time.Now().Add(-time.Hour)
	if err := st.QueueOutcomes(ctx, []slack.PostRef{{WorkspaceID: team, PostID: "PC1"}}, long); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ClaimOutcomes(ctx, "crashed", long, time.Minute, 10); err != nil || len(got) != 1 {
		t.Fatalf("claim = %+v, %v", got, err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.bot.RunOutbox(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	if got := outcomes(t, 1, b); toldPost(got[0]) != "PC1" {
		t.Fatalf("told %+v", got[0].Args)
	}
}
