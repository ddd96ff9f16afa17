package publish

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// BenchmarkDeliver runs b.N deliveries, all due, through Deliver (read,
// cap check, group-committed "publishing" mark, the real X adapter over
// loopback HTTP to the in-process sandbox, group-committed outcome) with 128
// at a time, as the scheduler's worker pool does, on embedded SQLite.
//
//	go test -run '^$' -bench Deliver -benchtime 10000x ./tools/publish/
func BenchmarkDeliver(b *testing.B) {
	sb := sandboxSetup(b)
	sb.sb.SetXPostLimit(1 << 30)
	sb.svc.cfg.Caps = map[platform.Name]Cap{}
	ctx := context.Background()
	now := time.Now()
	ids := make([]string, b.N)
	for i := range b.N {
		p := Post{ID: newID(), WorkspaceID: "W1", Content: Content{Text: fmt.Sprintf("bench %d %s", i, newID())}, CreatedBy: "U1", CreatedAt: now, UpdatedAt: now}
		body := bodyFor(p.Content, nil, platform.Twitter, nil)
		p.Targets = []Delivery{{ID: newID(), WorkspaceID: "W1", PostID: p.ID, AccountID: "x1", Platform: platform.Twitter, Body: body,
			TextHash: textHash(platform.Twitter, body), Status: StatusPending, Rev: 1, RunAt: now, CreatedAt: now, UpdatedAt: now}}
		if err := sb.st.CreatePost(ctx, p); err != nil {
			b.Fatal(err)
		}
		ids[i] = p.Targets[0].ID
	}
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	for range 128 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				if err := sb.svc.Deliver(ctx, "W1", ids[i], false); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d deliveries failed", n)
	}
	if got := sb.sb.Calls("POST", xPosts); got != b.N {
		b.Fatalf("sandbox got %d posts for %d deliveries", got, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	// Process CPU (the sandbox's share included) per delivery moves far
	// less with the machine's load than the rate does.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/delivery")
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
