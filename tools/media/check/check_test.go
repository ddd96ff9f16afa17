package check_test

import (
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	jpeg := func(w, h int, n int64) check.Info {
		return check.Info{ContentType: "image/jpeg", Container: "jpeg", Width: w, Height: h, Bytes: n}
	}
	png := check.Info{ContentType: "image/png", Container: "png", Width: 1080, Height: 1080, Bytes: 900_000}
	anim := check.Info{ContentType: "image/gif", Container: "gif", Width: 400, Height: 300, Bytes: 2 * 1_000_000, Frames: 12}
	video := func(container, vc, ac string, d time.Duration, n int64) check.Info {
		return check.Info{ContentType: "video/mp4", Container: container, VideoCodec: vc, AudioCodec: ac, Width: 1080, Height: 1920, Duration: d, Bytes: n}
	}
	cases := []struct {
		name  string
		p     platform.Name
		items []check.Info
		want  []string // each problem's message
		fixes []check.Fix
	}{
		{"a PNG for Instagram is offered a JPEG", platform.Instagram, []check.Info{png},
			[]string{"the image is a PNG; Instagram takes only JPEG images: we can convert it to a JPEG for you"}, []check.Fix{check.FixConvert}},
		{"a 20 MB image for X names the limit", platform.Twitter, []check.Info{jpeg(6000, 4000, 20_400_000)},
			[]string{"the image is 20.4 MB; X takes images up to 5 MB: we can make a smaller JPEG of it for you"}, []check.Fix{check.FixConvert}},
		{"the second image is the one named", platform.Instagram, []check.Info{jpeg(1080, 1080, 1e6), jpeg(1000, 2000, 1e6)},
			[]string{"the second image is a tall 1:2 frame (1000 × 2000); Instagram takes images from 4:5 to 1.91:1: we can add borders to fit it; look at the preview before you accept it"},
			[]check.Fix{check.FixReframe}},
		{"a fitting JPEG passes everywhere", platform.Instagram, []check.Info{jpeg(1080, 1350, 2e6)}, nil, nil},
		{"X takes a 5 MB PNG", platform.Twitter, []check.Info{png}, nil, nil},
		{"an animated GIF goes alone on X", platform.Twitter, []check.Info{jpeg(800, 600, 1e6), anim},
			[]string{"the second image is an animated GIF; X takes one animated GIF on its own, or up to 4 images, or one video: post the GIF alone"}, []check.Fix{check.FixNone}},
		{"an animated GIF up to 15 MB is fine alone on X", platform.Twitter, []check.Info{anim}, nil, nil},
		{"LinkedIn counts pixels", platform.LinkedIn, []check.Info{jpeg(7000, 6000, 4e6)},
			[]string{"the image is 7000 × 6000 pixels; LinkedIn takes images under 36,152,320 pixels: we can make a smaller JPEG of it for you"}, []check.Fix{check.FixConvert}},
		{"WebP is not a Facebook photo", platform.Facebook, []check.Info{{ContentType: "image/webp", Container: "webp", Width: 800, Height: 800, Bytes: 1e5}},
			[]string{"the image is a WebP; Facebook takes only JPEG, PNG or GIF images: we can convert it to a JPEG for you"}, []check.Fix{check.FixConvert}},
		{"a long HEVC MOV for X is not converted", platform.Twitter, []check.Info{video("mov", "hevc", "aac", 200*time.Second, 90e6)},
			[]string{
				"the video is encoded as HEVC (H.265); X takes H.264 video: export it again as MP4 (H.264 video, AAC audio) and upload it again",
				"the video lasts 3 min 20 s; X takes videos up to 140 seconds: cut it shorter and upload it again",
			}, []check.Fix{check.FixNone, check.FixNone}},
		{"a reel passes Instagram", platform.Instagram, []check.Info{video("mp4", "h264", "aac", 30*time.Second, 40e6)}, nil, nil},
		{"a two-second reel is too short", platform.Instagram, []check.Info{video("mp4", "h264", "", 2*time.Second, 1e6)},
			[]string{"the video lasts 2 seconds; Instagram takes videos of at least 3 seconds: use a longer video"}, []check.Fix{check.FixNone}},
		{"a MOV is not a LinkedIn video", platform.LinkedIn, []check.Info{video("mov", "h264", "aac", time.Minute, 10e6)},
			[]string{"the video is a QuickTime MOV; LinkedIn takes only MP4 videos: export it again as MP4 (H.264 video, AAC audio) and upload it again"}, []check.Fix{check.FixNone}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := check.Check(tc.p, tc.items)
			if len(got) != len(tc.want) {
				t.Fatalf("Check = %d problems %+v, want %d %q", len(got), got, len(tc.want), tc.want)
			}
			for i, p := range got {
				if p.Message != tc.want[i] {
					t.Errorf("problem %d:\n got %q\nwant %q", i, p.Message, tc.want[i])
				}
				if p.Fix != tc.fixes[i] {
					t.Errorf("problem %d fix = %q, want %q", i, p.Fix, tc.fixes[i])
				}
				if p.Platform != tc.p || !strings.HasPrefix(p.Message, p.What) {
					t.Errorf("problem %d names %q on %s, message %q", i, p.What, p.Platform, p.Message)
				}
			}
		})
	}
}

func TestFits(t *testing.T) {
	t.Parallel()
	ps := check.Check(platform.Instagram, []check.Info{{Container: "png", ContentType: "image/png", Width: 1000, Height: 2000, Bytes: 1e6}})
	if check.Fits(ps, false) {
		t.Errorf("a PNG in a 1:2 frame fits Instagram without padding: %+v", ps)
	}
	if !check.Fits(ps, true) {
		t.Errorf("a PNG in a 1:2 frame does not fit Instagram even padded: %+v", ps)
	}
}
