package slack_test

import (
	"fmt"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// TestBotUserAskedOncePerTeam: fifty files shared at once in threads of a
// team the door has not met yet each need to know who the app is there;
// one auth.test answers them all, however slow Slack is to answer it.
func TestBotUserAskedOncePerTeam(t *testing.T) {
	t.Parallel()
	b, _, _ := setupThreads(t)
	release := b.fake.Hold("auth.test")
	defer release()
	for i := range 50 {
		f := b.fake.ShareFile("U2", fmt.Sprintf("p%d.jpg", i), "image/jpeg", testmedia.Photo(t, 8, 8, 0))
		thread := fmt.Sprintf("1700000800.%06d", i+1)
		b.signed(t, "/slack/events", threadEvent(t, fmt.Sprintf("EvS%d", i), "file_share", "U2", "", thread+"1", thread, f))
	}
	pollUntil(t, "an auth.test to reach Slack", func() bool { return b.fake.Waiting("auth.test") > 0 })
	release()
	b.bot.Wait()
	if calls := b.fake.Calls("auth.test"); len(calls) != 1 {
		t.Fatalf("auth.test called %d times for one team, want once", len(calls))
	}
}
