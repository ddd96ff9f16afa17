package check

import (
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Rules are one platform's documented media limits. Each value, its source,
// where sources disagree and how the platform refuses a file that breaks it
// are in docs/reference/media-limits.md; where sources disagree the
// stricter value is kept, so nothing we pass is refused later. The sandbox
// (integrations/sandbox) enforces the same values.
type Rules struct {
	Image ImageRule
	Video VideoRule
}

// ImageRule limits still images and GIFs.
type ImageRule struct {
	Formats     []string // containers taken: jpeg, png, gif, webp
	MaxBytes    int64
	MaxGIFBytes int64   // an animated GIF's own limit (X); 0: MaxBytes
	GIFAlone    bool    // an animated GIF must be the post's only media (X)
	MinAspect   float64 // width ÷ height; 0: no rule
	MaxAspect   float64
	MaxWidth    int   // wider images are scaled down by the platform; conversions aim at it
	MaxPixels   int64 // width × height must stay below it; 0: no rule
}

// VideoRule limits videos. Zero values mean the platform documents no limit
// we could confirm (say so in the reference), never "anything goes" by guess.
type VideoRule struct {
	Containers  []string // mp4, mov
	VideoCodecs []string // h264, hevc
	AudioCodecs []string // aac; a silent video passes
	MaxBytes    int64
	MinBytes    int64 // smaller files are refused (LinkedIn: 75 KB)
	MinDuration time.Duration
	MaxDuration time.Duration
	MinAspect   float64
	MaxAspect   float64
	MaxWidth    int
}

const mb = 1_000_000

// DefaultRules are the documented limits per platform
// (docs/reference/media-limits.md). Kept stricter than a source: Instagram
// and X image bytes in decimal MB (Meta's error says MiB); X video 140 s
// and 512 MB (X's best practices: 20 min and 8 GB for a default account's
// post); LinkedIn image 5 MB (LinkedIn documents none) and video 200 MB
// (the Videos API says 500 MB).
var DefaultRules = map[platform.Name]Rules{
	platform.Instagram: {
		Image: ImageRule{Formats: []string{"jpeg"}, MaxBytes: 8 * mb, MinAspect: 4.0 / 5, MaxAspect: 1.91, MaxWidth: 1440},
		Video: VideoRule{Containers: []string{"mp4", "mov"}, VideoCodecs: []string{"h264", "hevc"}, AudioCodecs: []string{"aac"},
			MaxBytes: 300 * mb, MinDuration: 3 * time.Second, MaxDuration: 15 * time.Minute, MinAspect: 0.01, MaxAspect: 10, MaxWidth: 1920},
	},
	platform.Facebook: {
		Image: ImageRule{Formats: []string{"jpeg", "png", "gif"}, MaxBytes: 10 * mb},
		Video: VideoRule{Containers: []string{"mp4", "mov"}},
	},
	platform.Twitter: {
		Image: ImageRule{Formats: []string{"jpeg", "png", "gif", "webp"}, MaxBytes: 5 * mb, MaxGIFBytes: 15 * mb, GIFAlone: true},
		Video: VideoRule{Containers: []string{"mp4", "mov"}, VideoCodecs: []string{"h264"}, AudioCodecs: []string{"aac"},
			MaxBytes: 512 * mb, MinDuration: 500 * time.Millisecond, MaxDuration: 140 * time.Second, MinAspect: 1.0 / 3, MaxAspect: 3},
	},
	platform.LinkedIn: {
		Image: ImageRule{Formats: []string{"jpeg", "png", "gif"}, MaxBytes: 5 * mb, MaxPixels: 36_152_320},
		Video: VideoRule{Containers: []string{"mp4"}, MaxBytes: 200 * mb, MinBytes: 75_000, MinDuration: 3 * time.Second, MaxDuration: 30 * time.Minute,
			MinAspect: 1 / 2.4, MaxAspect: 2.4},
	},
}
