package present_test

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestRelativeTimesStayTrueOnTheWeb: the web marks a relative time with
// its instant, and RefreshTimes rewrites its words for a later now; Slack
// and the terminal read the words alone.
func TestRelativeTimesStayTrueOnTheWeb(t *testing.T) {
	t.Parallel()
	r := present.New()
	e := env(t)
	due := e.Now.Add(2 * time.Hour)
	post := publish.PostView{ID: "post_1", Status: "scheduled", Content: publish.Content{Text: "Winter sale"}, ScheduledAt: &due, CreatedAt: e.Now,
		Targets: []publish.TargetView{{AccountID: "acc_x", Platform: platform.Twitter, Status: publish.StatusPending, RunAt: due}}}

	web := string(r.Web(e, post))
	want := `(<time class="mm-rel" datetime="` + due.UTC().Format(time.RFC3339) + `">in 2 hours</time>)`
	if !strings.Contains(web, want) {
		t.Fatalf("the web card does not mark its relative time %s:\n%s", want, web)
	}
	if s := slackText(r.Slack(e, post)); !strings.Contains(s, "(in 2 hours)") || strings.Contains(s, "time") {
		t.Errorf("Slack reads:\n%s", s)
	}
	if s := terminalText(r.Terminal(e, post)); !strings.Contains(s, "(in 2 hours)") || strings.ContainsAny(s, "\x1e\x1f") {
		t.Errorf("the terminal reads:\n%s", s)
	}

	later := string(present.RefreshTimes(r.Web(e, post), e.Now.Add(74*time.Hour)))
	if strings.Contains(later, "in 2 hours") || !strings.Contains(later, `">3 days ago</time>)`) {
		t.Fatalf("three days later the card reads:\n%s", later)
	}
	if again := string(present.RefreshTimes(r.Web(e, post), e.Now)); again != web {
		t.Errorf("refreshed at the same instant the card changed:\n%s\nwant\n%s", again, web)
	}
}
