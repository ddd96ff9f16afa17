package present_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

func TestWait(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		40 * time.Second: "40 s", 35 * time.Minute: "35 min", 2*time.Hour + 10*time.Minute: "2 h 10 min",
		3 * time.Hour: "3 h", 76 * time.Hour: "3 d 4 h", 48 * time.Hour: "2 d",
	} {
		if got := present.Wait(d); got != want {
			t.Errorf("Wait(%v) = %q, want %q", d, got, want)
		}
	}
}

// The weekly digest says how fast people were answered, in every door.
func TestDigestFirstAnswers(t *testing.T) {
	t.Parallel()
	d := analytics.Digest{FirstAnswers: []inbox.FirstAnswer{
		{Platform: platform.Facebook, Median: 2*time.Hour + 10*time.Minute, Count: 7}, {Platform: platform.Twitter, Median: 35 * time.Minute, Count: 2}}}
	want := "Median first answer: 2 h 10 min on Facebook, 35 min on X"
	r, env := present.New(), present.Env{Loc: time.UTC, Now: time.Now()}
	s := r.Slack(env, d)
	raw, err := json.Marshal(s.Blocks)
	if err != nil || !strings.Contains(string(raw), want) {
		t.Errorf("Slack digest lacks %q:\n%s", want, raw)
	}
	if web := string(r.Web(env, d)); !strings.Contains(web, want) {
		t.Errorf("web digest lacks %q:\n%s", want, web)
	}
	if term := r.Terminal(env, d).Text; !strings.Contains(term, want) {
		t.Errorf("terminal digest lacks %q:\n%s", want, term)
	}
	if strings.Contains(r.Terminal(env, analytics.Digest{}).Text, "first answer") {
		t.Error("a digest without answers speaks of them")
	}
}
