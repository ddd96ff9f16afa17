package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// X processes a finalized video and ends in processing_info.state "failed"
// with an error object when it cannot take it (docs/reference/media-limits.md,
// X): {"code":1,"name":"InvalidMedia"} for a file or codec it cannot use,
// {"code":3,"name":"UnsupportedMedia"} for a duration outside its range.
// The duration bound is the 140 s every account has (longer needs X
// Premium, which the sandbox's users do not have).
const (
	xVideoMinDuration = 500 * time.Millisecond
	xVideoMaxDuration = 140 * time.Second
)

// xProcessingError is processing_info.error.
type xProcessingError struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// xVideoFailure is how X's processing ends for a video read as v (err: not
// readable), nil when it succeeds: MP4 or MOV, H.264 video, AAC sound if
// any, 0.5 s to 140 s.
func xVideoFailure(v videoInfo, err error) *xProcessingError {
	invalid := func(msg string) *xProcessingError {
		return &xProcessingError{Code: 1, Name: "InvalidMedia", Message: msg}
	}
	switch {
	case err != nil:
		return invalid("Invalid media: the file could not be read as a video")
	case v.container != "mp4" && v.container != "mov":
		return invalid("Unsupported video format")
	case v.video != "h264":
		return invalid(fmt.Sprintf("Unsupported video codec %s: use H.264", orUnknown(v.video)))
	case v.audio != "" && v.audio != "aac":
		return invalid(fmt.Sprintf("Unsupported audio codec %s: use AAC", v.audio))
	case v.duration > xVideoMaxDuration:
		return &xProcessingError{Code: 3, Name: "UnsupportedMedia",
			Message: fmt.Sprintf("Duration %s exceeds max duration of %s", xDuration(v.duration), xDuration(xVideoMaxDuration))}
	case v.duration < xVideoMinDuration:
		return &xProcessingError{Code: 3, Name: "UnsupportedMedia",
			Message: fmt.Sprintf("Duration %s is below min duration of %s", xDuration(v.duration), xDuration(xVideoMinDuration))}
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// xDuration writes d as X's messages do: 2.minutes+29.seconds+350.milliseconds.
func xDuration(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		name string
		unit time.Duration
	}{{"minutes", time.Minute}, {"seconds", time.Second}, {"milliseconds", time.Millisecond}} {
		if n := d / u.unit; n > 0 {
			parts = append(parts, fmt.Sprintf("%d.%s", n, u.name))
			d -= n * u.unit
		}
	}
	if len(parts) == 0 {
		return "0.milliseconds"
	}
	return strings.Join(parts, "+")
}
