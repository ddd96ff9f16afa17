package publish

import (
	"context"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// hangingAdapter holds every Publish until released, as a platform that
// takes its time while the process may die.
type hangingAdapter struct {
	*fakeAdapter
	started chan struct{}
	release chan struct{}
}

func (a *hangingAdapter) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	a.started <- struct{}{}
	<-a.release
	return a.fakeAdapter.Publish(ctx, t, p)
}

// TestPublishNowKeepsItsJobWithinTheWatchdog (issue 20, point 11): while a
// publish-now sends inline, its delivery's job is never more than Watchdog
// (the scheduler's lease) ahead, renewed as the scheduler renews a lease,
// so a crash mid-send is settled by that job within the lease rather than
// by a job ten minutes away.
func TestPublishNowKeepsItsJobWithinTheWatchdog(t *testing.T) {
	t.Parallel()
	const watchdog = 90 * time.Millisecond
	var hang *hangingAdapter
	b := setup(t, func(c *Config) {
		hang = &hangingAdapter{fakeAdapter: c.Adapters[platform.Twitter].(*fakeAdapter), started: make(chan struct{}, 1), release: make(chan struct{})}
		c.Adapters[platform.Twitter] = hang
		c.Watchdog = watchdog
	})
	done := make(chan Outcome, 1)
	go func() {
		out, err := b.svc.PublishNow(context.Background(), b.editor, req("Held up", "x1"))
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	<-hang.started
	jobID := "job1"
	if at := b.jobs.get(jobID).RunAt; at.After(b.clock.Now().Add(watchdog)) {
		t.Fatalf("the job of a delivery being sent is due at %s, %s ahead; want at most the watchdog %s", at, at.Sub(b.clock.Now()), watchdog)
	}
	// While the send hangs, the job is kept ahead, again and again.
	deadline := time.Now().Add(10 * time.Second)
	for b.jobs.moved(jobID) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the job was moved %d times while the send hung; want it kept ahead", b.jobs.moved(jobID))
		}
		b.clock.Advance(watchdog / 3)
		time.Sleep(time.Millisecond) // poll interval
	}
	if at, now := b.jobs.get(jobID).RunAt, b.clock.Now(); at.After(now.Add(watchdog)) || at.Before(now.Add(-watchdog)) {
		t.Fatalf("kept at %s, now %s; want within the watchdog %s", at, now, watchdog)
	}
	close(hang.release)
	out := <-done
	if !out.Success {
		t.Fatalf("outcome %+v", out)
	}
}
