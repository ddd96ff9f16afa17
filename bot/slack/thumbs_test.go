package slack_test

import (
	"context"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
)

// TestApprovalShowsThumbnails: an approval of a post with stored media
// shows each as an image block whose URL Slack (the fake, as Slack does)
// downloads when the message is posted; an image Slack cannot download
// would make the whole message invalid_blocks.
func TestApprovalShowsThumbnails(t *testing.T) {
	t.Parallel()
	var fetched atomic.Int32
	img := testmedia.Photo(t, 32, 40, 0)
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/media/signed-token" {
			http.NotFound(w, r)
			return
		}
		fetched.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(img)
	}))
	t.Cleanup(media.Close)
	b := setup(t)
	withThumbs := launch
	withThumbs.ID = "AP-thumbs"
	withThumbs.Thumbs = []slack.Thumb{{URL: media.URL + "/media/signed-token", Alt: "launch.jpg: a tent at dawn"}}
	b.gate.pending[withThumbs.ID] = withThumbs
	b.conv.fn = func(_ context.Context, sink slack.Sink) (string, error) {
		sink.Approval(slack.Approval{ID: withThumbs.ID, RequestedBy: "U1", Summary: withThumbs.Summary})
		return "", nil
	}
	b.signed(t, "/slack/events", mention("EvThumb", "U1", askThread, "", "post the launch"))
	b.bot.Wait()
	var blocks string
	for _, c := range b.fake.Calls("chat.postMessage") {
		if strings.Contains(c.Args.Get("blocks"), `"mm_approve"`) {
			blocks = c.Args.Get("blocks")
		}
	}
	if !strings.Contains(blocks, `"type":"image"`) || !strings.Contains(blocks, media.URL+"/media/signed-token") || !strings.Contains(blocks, "a tent at dawn") {
		t.Fatalf("approval blocks = %s", blocks)
	}
	if n := fetched.Load(); n != 1 {
		t.Fatalf("Slack fetched the thumbnail %d times, want 1", n)
	}
}
