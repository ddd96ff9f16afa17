package sandbox

import (
	"strings"
	"testing"
	"time"
)

// TestVideoByteLimits: the byte limits of videos, too large to upload in a
// test, decided on the size the sandbox counted: Instagram's 300 MB ends
// the container in ERROR 2207085, LinkedIn's 200 MB (kept, stricter than
// the documented 500 MB) in PROCESSING_FAILED.
func TestVideoByteLimits(t *testing.T) {
	t.Parallel()
	fine := videoInfo{container: "mp4", duration: 30 * time.Second, video: "h264", width: 1080, height: 1920}
	for size, want := range map[int64]string{igVideoMax: "", igVideoMax + 1: "2207085"} {
		c := &gctx{media: map[string]*fetchedMedia{"https://cdn.example/v.mp4": {size: size, format: "mp4", video: fine}}}
		got := c.igVideoStatus("https://cdn.example/v.mp4", "REELS")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("Instagram, %d bytes: status %q, want %q", size, got, want)
		}
	}
	for size, want := range map[int64]string{liVideoMax + 1: "PROCESSING_FAILED", liVideoMin - 1: "PROCESSING_FAILED"} {
		if got := liVideoStatus(&liVideo{Size: size}); got != want {
			t.Errorf("LinkedIn, %d bytes: %s, want %s", size, got, want)
		}
	}
}
