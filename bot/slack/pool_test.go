package slack_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestWebAPIReusesConnections sends a burst of 1,000 Web API calls, 50 at a
// time: the door's client keeps its connections for the next calls instead
// of opening a new one per call (Go's default keeps 2 idle per host: about
// one new connection per two calls).
func TestWebAPIReusesConnections(t *testing.T) {
	t.Parallel()
	const inFlight, calls = 50, 1000
	b := setup(t)
	for i := range inFlight {
		b.fake.AddChannels(fmt.Sprintf("CP%02d", i))
	}
	ctx := context.Background()
	before := b.fake.NewConns()
	var wg sync.WaitGroup
	for i := range inFlight {
		wg.Go(func() {
			for k := range calls / inFlight {
				o := publish.Outcome{PostID: fmt.Sprintf("P%d-%d", i, k), Success: true}
				if err := b.bot.NotifyOutcome(ctx, team, fmt.Sprintf("CP%02d", i), "", o); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := len(b.fake.Calls("chat.postMessage")); got != calls {
		t.Fatalf("%d messages, want %d", got, calls)
	}
	if opened := b.fake.NewConns() - before; opened > 2*inFlight {
		t.Fatalf("%d new connections for %d calls at %d in flight; want at most %d", opened, calls, inFlight, 2*inFlight)
	}
}
