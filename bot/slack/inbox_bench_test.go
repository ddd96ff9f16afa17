package slack_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// BenchmarkInboxToSlack measures the time from a comment's ingest (the
// webhook's or the poll's) to its message in the inbox channel (the fake
// Web API answering): p50 and p99 over b.N comments, one after the other,
// on SQLite. Slack's own pace (a message a second per channel) is set to
// 1 ms here: in production a burst waits for it on top.
func BenchmarkInboxToSlack(b *testing.B) {
	ib := setupInbox(b, nil)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go ib.bot.RunInbox(ctx)
	seen := ib.fake.Observe()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, err := ib.svc.Ingest(ctx, team, []inbox.Item{comment(platform.Facebook, fmt.Sprintf("bench%d", i), "Ann", "Nice")}); err != nil {
			b.Fatal(err)
		}
		for c := range seen {
			if c.Method == "chat.postMessage" {
				break
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
}
