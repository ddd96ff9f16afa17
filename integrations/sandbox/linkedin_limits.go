package sandbox

import (
	"bytes"
	"image"
	"time"
)

// LinkedIn's media limits (docs/reference/media-limits.md, LinkedIn). An
// upload's bytes are always taken (201); LinkedIn then processes them and
// the image's or video's status ends AVAILABLE or PROCESSING_FAILED, which
// GET /rest/images/{urn} and /rest/videos/{urn} report and a post using it
// is refused for.
//
// Images: JPEG, PNG or GIF under 36,152,320 pixels (Images API). LinkedIn
// documents no byte limit for images; 5 MB, quoted by schedulers, is kept
// as the stricter value. Videos: MP4, 75 KB to 500 MB per the Videos API's
// specification (200 MB, quoted by others, is kept), 3 s to 30 min, a
// frame from 1:2.4 to 2.4:1 (quoted by schedulers).
const (
	liImageMaxPixels   = 36_152_320
	liImageMax         = 5_000_000
	liVideoMin         = 75_000
	liVideoMax         = 200_000_000
	liVideoMinDuration = 3 * time.Second
	liVideoMaxDuration = 30 * time.Minute
	liUploadMax        = 200 << 20 // the sandbox's own bound on one PUT body
)

// liImageStatus is the status an image with this head and size ends in.
func liImageStatus(head []byte, size int64) string {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	switch {
	case err != nil, format != "jpeg" && format != "png" && format != "gif",
		int64(cfg.Width)*int64(cfg.Height) >= liImageMaxPixels, size > liImageMax:
		return "PROCESSING_FAILED"
	}
	return "AVAILABLE"
}

// liVideoStatus is the status an uploaded video ends in once processed.
func liVideoStatus(vid *liVideo) string {
	if vid.Size < liVideoMin || vid.Size > liVideoMax {
		return "PROCESSING_FAILED"
	}
	sizes := map[int]int64{}
	for i := range vid.ETags {
		sizes[i] = min(int64(i+1)*liVideoPart, vid.Size) - int64(i)*liVideoPart
	}
	v, err := probeChunks(sizes, vid.kept)
	if err != nil || v.container != "mp4" || v.duration < liVideoMinDuration || v.duration > liVideoMaxDuration ||
		!v.aspectWithin(1/2.4, 2.4) {
		return "PROCESSING_FAILED"
	}
	return "AVAILABLE"
}
