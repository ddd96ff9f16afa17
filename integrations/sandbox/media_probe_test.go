package sandbox

import (
	"bytes"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

func TestProbeVideo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		file []byte
		want videoInfo
	}{
		{"mp4 with sound", testmedia.MP4(t, testmedia.Video{Seconds: 12.5, Audio: testmedia.AAC}), videoInfo{"mp4", 12500 * time.Millisecond, "h264", "aac", 640, 360}},
		{"quicktime hevc", testmedia.MP4(t, testmedia.Video{Brand: "qt  ", Codec: "hvc1", Seconds: 4, Width: 1080, Height: 1920}), videoInfo{"mov", 4 * time.Second, "hevc", "", 1080, 1920}},
		{"vp9", testmedia.MP4(t, testmedia.Video{Codec: "vp09", Seconds: 1}), videoInfo{"mp4", time.Second, "vp9", "", 640, 360}},
		// Only the head of a long file (moov first, then media data) is
		// enough, as with Meta's download of a file with its moov atom first.
		{"head of a padded file", testmedia.MP4(t, testmedia.Video{Seconds: 900, Bytes: 3 << 20})[:64<<10], videoInfo{"mp4", 900 * time.Second, "h264", "", 640, 360}},
	}
	for _, c := range cases {
		got, err := probeVideo(bytes.NewReader(c.file))
		if err != nil || got != c.want {
			t.Errorf("%s: probeVideo = %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
	for name, b := range map[string][]byte{"text": []byte("<html>not a video</html>"), "ftyp only": []byte("\x00\x00\x00\x10ftypisom\x00\x00\x00\x00")} {
		if got, err := probeVideo(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: probeVideo = %+v, want an error", name, got)
		}
	}
}

// FuzzProbeVideo: any bytes an upload or a download brings are read
// without a panic, whole or as the kept chunks of a chunked upload.
func FuzzProbeVideo(f *testing.F) {
	f.Add(testmedia.MP4(f, testmedia.Video{Seconds: 3, Audio: testmedia.AAC}))
	f.Add([]byte("\x00\x00\x00\x10ftypisom\x00\x00\x00\x00\x00\x00\x00\x08moov"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = probeVideo(bytes.NewReader(b))
		half := len(b) / 2
		_, _ = probeChunks(map[int]int64{0: int64(half), 1: int64(len(b) - half)}, map[int][]byte{0: b[:half]})
	})
}
