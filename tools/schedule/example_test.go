package schedule_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// A kind is registered once; its handler steers retries through its error.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "schedule-example-")
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: zerolog.Nop()}, schedule.Schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close(ctx)

	done := make(chan string)
	snoozed := false
	reg := schedule.NewRegistry()
	_ = reg.Register("greet", func(ctx context.Context, j *schedule.Job) error {
		var args struct{ Name string }
		if err := j.DecodeArgs(&args); err != nil {
			return schedule.Permanent(err) // malformed args never get better
		}
		if !snoozed {
			snoozed = true
			return schedule.Snooze(time.Now(), "waiting for X rate limit") // runs again, no attempt used
		}
		done <- fmt.Sprintf("hello %s (attempt %d)", args.Name, j.Attempts)
		return nil
	}, schedule.KindOptions{MaxAttempts: 3})

	s, _ := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()})
	_ = s.Start(ctx)
	defer s.Stop(ctx)
	if _, err := s.Enqueue(ctx, schedule.NewJob{WorkspaceID: "T1", Kind: "greet", Args: map[string]string{"Name": "Ada"}}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(<-done)
	// Output: hello Ada (attempt 1)
}
