package instagram

import (
	"regexp"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// containerCode finds the subcode in an ERROR container's status ("Error:
// Media upload has failed with error code 2207026").
var containerCode = regexp.MustCompile(`error code (\d+)`)

// What Instagram takes (docs/reference/media-limits.md, Instagram), said
// when a container ends in ERROR: its status carries only a subcode.
var containerWords = map[string]string{
	"2207026": "Instagram could not use the video's format: it takes MOV or MP4 videos with H.264 or HEVC video and AAC sound, the moov atom first",
	"2207085": "Instagram could not process the video: Reels last 3 seconds to 15 minutes (Stories up to 60 seconds), are up to 300 MB and 1920 pixels wide",
	"2207052": "Instagram could not download the media from its link",
	"2207003": "Instagram took too long to download the media from its link",
}

// containerError is the permanent error of a container whose status_code
// is ERROR, EXPIRED or PUBLISHED while being waited for: ERROR in words
// when its subcode is known, else the container's own status.
func containerError(op, id, statusCode, status string) *platform.Error {
	pe := &platform.Error{Platform: platform.Instagram, Op: op, Kind: platform.KindPermanent, Code: statusCode, Message: status}
	if m := containerCode.FindStringSubmatch(status); statusCode == "ERROR" && m != nil {
		pe.Code += "/" + m[1]
		if words, ok := containerWords[m[1]]; ok {
			pe.Message = words
		}
	}
	if pe.Message == "" {
		pe.Message = "media container " + id + " is " + statusCode
	}
	return pe
}
