package inbox

import (
	"context"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// burst is the number of comments of one benchmark burst.
const burst = 10_000

// BenchmarkIngestBurst measures items stored per second from a burst of
// 10,000 sandbox comments on one Facebook post: delivered by Meta's
// webhook (10 signed POSTs of 1,000 changes), and read by one poll of the
// account (100 Graph pages of 100) when the webhook did not deliver them.
//
//	go test ./tools/inbox/ -run '^$' -bench IngestBurst -benchtime 1x
func BenchmarkIngestBurst(b *testing.B) {
	for _, path := range []string{"webhook", "poll"} {
		b.Run(path, func(b *testing.B) {
			var stored int
			var elapsed time.Duration
			for range b.N {
				b.StopTimer()
				w := setupWorld(b, store.SQLite)
				ctx := context.Background()
				fb := w.accs.byID["acc-fb"]
				post, err := w.fb.Publish(ctx, fb.t, platform.Post{Text: "Giveaway: comment to enter"})
				if err != nil {
					b.Fatal(err)
				}
				if path == "webhook" {
					if err := w.sb.SubscribeMeta(ctx, "page", w.hook.URL, "verify-me", metaSecret); err != nil {
						b.Fatal(err)
					}
					if err := w.fb.InstallWebhooks(ctx, fb.t); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				_, hooks, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: post.ID, Count: burst})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				if path == "poll" {
					w.clock.Add(time.Second)
					if n, err = w.svc.PollAccount(ctx, fb.acc); err != nil {
						b.Fatal(err)
					}
				} else {
					for _, h := range hooks {
						if h.Status != 200 {
							b.Fatalf("webhook delivery %+v", h)
						}
					}
					n = burst
				}
				elapsed += time.Since(start)
				b.StopTimer()
				if c, _ := w.st.Count(ctx, "T1", StateNew); c != burst || n != burst {
					b.Fatalf("stored %d (%d new), want %d", c, n, burst)
				}
				stored += burst
			}
			b.ReportMetric(float64(stored)/elapsed.Seconds(), "items/s")
		})
	}
}
