package agents

import (
	"context"

	"github.com/marketingminds/marketingminds/tools/identity"
	mediacheck "github.com/marketingminds/marketingminds/tools/media/check"
)

// MediaConverter converts media that breaks a platform's limits (*check.Service).
type MediaConverter interface {
	ConvertMedia(ctx context.Context, c identity.Caller, r mediacheck.ConvertRequest) (mediacheck.Converted, error)
}

type convertArgs struct {
	MediaURL string `json:"media_url,omitempty" jsonschema:"description=The media link a problem offered to convert."`
	MediaID  string `json:"media_id,omitempty" jsonschema:"description=Or the uploaded media a problem offered to convert."`
	Platform string `json:"platform" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin,description=The platform the image must fit."`
	Reframe  bool   `json:"reframe,omitempty" jsonschema:"description=Add borders to fit the platform's aspect ratios (never crops); show the result to the person before using it."`
}

// convertTool is convert_media: when publishing refuses an image with an
// offer to convert it, this makes the converted copy; the post is then
// proposed again with the copy's media_id in place of the original (its
// link expires; the id does not, and the approval card shows it).
func convertTool(cv MediaConverter) Tool {
	return NewTool("convert_media",
		"Converts an image a platform refused (wrong format, too large, out of its frame) into a JPEG that fits, keeps it in the media library and returns its media id and link; propose the post again with that media id in media_ids in place of the original (a refused link comes out of image_urls).",
		func(ctx context.Context, c identity.Caller, a convertArgs) (mediacheck.Converted, error) {
			p, err := platformOf(a.Platform)
			if err != nil {
				return mediacheck.Converted{}, err
			}
			out, err := cv.ConvertMedia(ctx, c, mediacheck.ConvertRequest{MediaURL: a.MediaURL, MediaID: a.MediaID, Platform: p, Reframe: a.Reframe})
			return out, known(err)
		}, Writes())
}
