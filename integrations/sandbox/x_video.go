package sandbox

import (
	"fmt"
	"time"
)

// X checks a video twice (docs/reference/media-limits.md, X). Its
// processing after finalize ends in processing_info.state "failed" (the v2
// spec gives that object no error field) for a file it cannot use: not MP4
// or MOV, not H.264 video or AAC sound, shorter than 0.5 s, a frame
// outside 1:3 to 3:1. A video that
// processed can still be refused when attached: POST /2/tweets answers 403
// "This user is not allowed to post a video longer than …". The sandbox's
// cap is 140 s: X documents 20 minutes for a default account's post video,
// and 140 s for DM video, which schedulers still quote for posts; the
// stricter value is kept, as in tools/media/check.
const (
	xVideoMinDuration = 500 * time.Millisecond
	xVideoMaxDuration = 140 * time.Second
)

// xProcessable tells whether X's processing takes a video read as v (err:
// not readable).
func xProcessable(v videoInfo, err error) bool {
	return err == nil && (v.container == "mp4" || v.container == "mov") && v.video == "h264" &&
		(v.audio == "" || v.audio == "aac") && v.duration >= xVideoMinDuration && v.aspectWithin(1.0/3, 3)
}

// xVideoTooLong is the 403 detail for attaching a video longer than the
// cap, "" when it is not.
func xVideoTooLong(m *xMedia) string {
	if !m.isVideo() || m.Duration <= xVideoMaxDuration {
		return ""
	}
	return fmt.Sprintf("This user is not allowed to post a video longer than %d minutes %d seconds.",
		int(xVideoMaxDuration/time.Minute), int(xVideoMaxDuration%time.Minute/time.Second))
}
