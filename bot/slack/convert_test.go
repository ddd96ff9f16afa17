package slack_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// converterFake records the conversions asked for; editors may.
type converterFake struct {
	mu  sync.Mutex
	got []check.ConvertRequest
}

func (f *converterFake) ConvertMedia(_ context.Context, c identity.Caller, r check.ConvertRequest) (check.Converted, error) {
	if err := c.Require(identity.Editor); err != nil {
		return check.Converted{}, err
	}
	f.mu.Lock()
	f.got = append(f.got, r)
	f.mu.Unlock()
	return check.Converted{Platform: r.Platform, Media: check.Stored{ID: "med_1", URL: "https://mm.example.com/media/tok"},
		Before: check.Info{Container: "png", Width: 1080, Height: 1080, Bytes: 900_000},
		After:  check.Info{Container: "jpeg", Width: 1080, Height: 1080, Bytes: 200_000}}, nil
}

// TestConvertButton: a failure's Convert button converts the media as the
// clicker and posts the result, with the link to look at it, in the thread;
// a viewer is refused in words only they see.
func TestConvertButton(t *testing.T) {
	t.Parallel()
	conv := &converterFake{}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Converter = conv })
	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_convert", "instagram fit https://cdn.example/launch.png", "1700000900.000100"))
	b.bot.Wait()
	if len(conv.got) != 1 || conv.got[0] != (check.ConvertRequest{MediaURL: "https://cdn.example/launch.png", Platform: platform.Instagram}) {
		t.Fatalf("converted %+v", conv.got)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000900.000100" {
		t.Fatalf("posts = %+v", posts)
	}
	if blocks := posts[0].Args.Get("blocks"); !strings.Contains(blocks, "Converted for Instagram") || !strings.Contains(blocks, "https://mm.example.com/media/tok") {
		t.Errorf("the result reads %s", blocks)
	}

	viewers := setup(t, func(c *slack.Config, d *slack.Deps) { c.DefaultRole = "viewer"; d.Converter = conv })
	viewers.signed(t, "/slack/interactivity", clickValue("U2", "mm_convert", "twitter fit media:med_9", "1700000901.000100"))
	viewers.bot.Wait()
	if len(conv.got) != 1 || len(viewers.fake.Calls("chat.postMessage")) != 0 {
		t.Fatal("a viewer converted media")
	}
	if got := ephemeralsTo(viewers, "U2"); len(got) != 1 || !strings.Contains(got[0], "editor role") {
		t.Fatalf("viewer told %q", got)
	}
}
