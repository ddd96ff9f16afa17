package present_test

import (
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
)

// A door renders a typed result for its reader; here the terminal, for a
// person in UTC at 10:00, shows a rate limit and when to try again.
func ExampleRegistry_Terminal() {
	r := present.New()
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	retry := now.Add(15 * time.Minute)
	t := r.Terminal(present.Env{Loc: time.UTC, Now: now}, fault.Failure{Kind: fault.RateLimit, Platform: platform.LinkedIn, RetryAt: &retry, Ref: "7f3a"})
	fmt.Println(t.Text)
	// Output:
	// LinkedIn asks us to slow down for a while.
	//   Try again at 10:15 UTC (in 15 minutes).
	//   (ref 7f3a)
}
