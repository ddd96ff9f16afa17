package twitter

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// What X's processing takes (docs/reference/media-limits.md, X), said with
// its own reason when it fails a video or GIF.
const videoLimits = "X takes MP4 or MOV videos with H.264 video and AAC sound, from 0.5 seconds to 2 minutes 20 seconds long, framed from 1:3 to 3:1"

// xDurationPart is one unit of X's durations ("2.minutes+29.seconds").
var xDurationPart = regexp.MustCompile(`(\d+)\.(minutes|seconds|milliseconds)\+?`)

// processingFailed is the permanent error of processing_info.state
// "failed", with what X takes. The v2 spec gives processing_info no reason;
// v1.1 answers carried one ({"code":1,"name":"InvalidMedia"},
// {"code":3,"name":"UnsupportedMedia","message":"Duration … exceeds max
// duration of …"}), said in words when it comes.
//
// https://docs.x.com/x-api/media/get-media-upload-status
func processingFailed(op string, pi *processingInfo) *platform.Error {
	reason, code := "", "processing_failed"
	if e := pi.Error; e != nil {
		reason = strings.Join(strings.Fields(xDurationPart.ReplaceAllString(e.Message, "$1 $2 ")), " ")
		if e.Name != "" {
			code += "/" + e.Name
		}
	}
	what := "the media"
	if op == "upload video" {
		what = "the video"
	}
	msg := fmt.Sprintf("X could not process %s", what)
	if reason != "" {
		msg += " (" + reason + ")"
	}
	if op == "upload video" {
		msg += ": " + videoLimits
	}
	return &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent, Code: code, Message: msg}
}
