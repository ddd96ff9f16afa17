package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// TestMediaRefusalsNameTheLimit: with the sandbox fetching the media as
// Meta does, an image Instagram refuses when the container is made and a
// Reel whose container ends in ERROR are permanent errors whose message
// names the limit.
func TestMediaRefusalsNameTheLimit(t *testing.T) {
	files := map[string][]byte{
		"/heavy.jpg": testmedia.Image(t, "jpeg", 1080, 1080, 8_000_001),
		"/long.mp4":  testmedia.MP4(t, testmedia.Video{Seconds: 15*60 + 1, Audio: testmedia.AAC, Bytes: 100_000}),
		"/short.mp4": testmedia.MP4(t, testmedia.Video{Seconds: 2, Bytes: 100_000}),
		"/vp9.mp4":   testmedia.MP4(t, testmedia.Video{Codec: "vp09", Seconds: 20, Bytes: 100_000}),
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(files[r.URL.Path]) }))
	t.Cleanup(host.Close)
	b := setupWith(t, sandbox.Options{ContainerDelay: 5 * time.Millisecond, MediaClient: host.Client()},
		instagram.Config{PollInterval: time.Millisecond, PollTimeout: 5 * time.Second})
	cases := []struct {
		name string
		post platform.Post
		code string
		want string
	}{
		{"image over 8 MB", platform.Post{ImageURLs: []string{host.URL + "/heavy.jpg"}}, "36000/2207004", "less than 8 MiB"},
		{"Reel of 15 min 1 s", platform.Post{VideoURL: host.URL + "/long.mp4"}, "ERROR/2207085", "3 seconds to 15 minutes"},
		{"Reel of 2 s", platform.Post{VideoURL: host.URL + "/short.mp4"}, "ERROR/2207085", "3 seconds to 15 minutes"},
		{"VP9 Reel", platform.Post{VideoURL: host.URL + "/vp9.mp4"}, "ERROR/2207026", "H.264 or HEVC"},
	}
	for _, c := range cases {
		_, err := b.client.Publish(context.Background(), b.target, c.post)
		var pe *platform.Error
		if kindOf(t, err) != platform.KindPermanent || !errors.As(err, &pe) || pe.Code != c.code || !strings.Contains(pe.Message, c.want) {
			t.Errorf("%s: %v, want code %s and a message naming %q", c.name, err, c.code, c.want)
		}
	}
	if n := b.sb.Calls("POST", "/graph.facebook.com/v26.0/"+b.target.ExternalID+"/media_publish"); n != 0 {
		t.Errorf("%d publishes of refused media", n)
	}
}
